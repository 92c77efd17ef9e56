"""Claims — models (being built)."""
