"""Alembic migrations of the saved-analyses database (run by :meth:`Storage.migrate`)."""
