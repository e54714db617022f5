"""Shared test fixtures: a small area tree and named personas, one per role."""
