"""Benchmarks of the case-management system on PostgreSQL at a million migrants (`make bench`)."""
