"""Models of the picture app."""
