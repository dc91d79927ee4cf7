"""Training of spinscope's models. Needs the ``train`` extra (torch, transformers)."""
