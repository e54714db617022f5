"""Demo step: Sweden's municipalities and the demo's municipality, Göteborg, set up from its
shipped configuration like any other (``trygg setup municipality``): its real statistical areas,
population 2025 and gazetteer."""

from .municipality_setup import setup_municipality
from .schemes import SHIPPED, scheme_from_file

DEMO_MUNICIPALITY = SHIPPED / "goteborg"


def load_demo_municipality(stdout=None, *, basomraden: bool = True, gazetteer: bool = True):
    """The demo's municipality; without its finest level (Göteborg's 1,012 basområden) for quick tests."""
    levels = None if basomraden else scheme_from_file(DEMO_MUNICIPALITY / "municipality.toml").finest_first[1:]
    return setup_municipality(DEMO_MUNICIPALITY, stdout, only_levels=levels, gazetteer=gazetteer)


def load(stdout):
    load_demo_municipality(stdout)
