"""Bounds of stored numbers: an integer column of PostgreSQL holds up to 2**31 - 1, so every
input of such a field says so (a larger number answers 400 naming the field, not a server error)."""

PG_INT_MAX = 2_147_483_647
