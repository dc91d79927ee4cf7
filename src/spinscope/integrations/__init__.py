"""spinscope inside the tools researchers already use: spaCy, Label Studio (optional extras)."""
