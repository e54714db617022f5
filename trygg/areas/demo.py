"""Demo step: Sweden's municipalities and the demo's municipality, Göteborg, set up from its
shipped configuration like any other (``trygg setup municipality``): its real statistical areas,
population 2025 and gazetteer."""

from .municipality_setup import setup_municipality
from .schemes import SHIPPED

DEMO_MUNICIPALITY = SHIPPED / "goteborg"


def load_demo_municipality(stdout=None, *, basomraden: bool = True, gazetteer: bool = True):
    """The demo's municipality; without its 1,012 basområden (most of the time) for quick tests."""
    levels = None if basomraden else ("stadsomrade", "mellanomrade", "primaromrade")
    return setup_municipality(DEMO_MUNICIPALITY, stdout, only_levels=levels, gazetteer=gazetteer)


def load(stdout):
    load_demo_municipality(stdout)
