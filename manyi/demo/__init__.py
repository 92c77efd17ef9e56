"""Deterministic demo data for a fictional manufacturer of power supplies and controllers.

A plain package (not a Django app): `manyi demo` calls `build.build_demo`. Word lists live in
`names.py`; one module per step (users, catalogue, customers + contacts, orders).
"""
