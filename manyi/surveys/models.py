"""Satisfaction surveys — models (being built)."""
