"""Demo step: Sweden's municipalities and Göteborg's real statistical areas."""

from .goteborg import load_goteborg


def load(stdout):
    load_goteborg(stdout)
