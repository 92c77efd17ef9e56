"""Customer property — models (being built)."""
