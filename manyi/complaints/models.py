"""Complaints — models (being built)."""
