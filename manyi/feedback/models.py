"""Feedback and inquiries — models (being built)."""
