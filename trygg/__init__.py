"""Trygg: the joint crime-prevention work of a city and its police."""

__version__ = "0.1.0"
