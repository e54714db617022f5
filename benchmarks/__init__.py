"""Reproducible benchmarks of trygg.analysis against established peers: ``python -m benchmarks [name …]``."""
