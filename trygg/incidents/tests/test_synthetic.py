import datetime as dt

import pytest

from trygg.areas.demo import load_demo_municipality
from trygg.incidents.placement import locate_points
from trygg.incidents.synthetic import HOTSPOTS, generate


@pytest.mark.django_db
def test_synthetic_est_reports_land_around_the_named_places():
    load_demo_municipality(basomraden=False, gazetteer=False)
    rows = generate(dt.date(2026, 8, 22), n=800, seed=7)
    areas = locate_points([r["lon"] for r in rows], [r["lat"] for r in rows])
    placed = [(r, a) for r, a in zip(rows, areas, strict=True) if a is not None]
    assert len(placed) >= 0.95 * len(rows)  # clusters sit inside the city, not in the sea
    district_of_spot = {"Hjällbo torg": "1", "Angered centrum": "1", "Brunnsparken": "2", "Frölunda torg": "3"}
    for spot, district in district_of_spot.items():
        mine = [a for r, a in placed if r["spot"] == spot]
        inside = [a for a in mine if f"/{district}/" in a.path]
        assert len(inside) >= 0.8 * len(mine), spot
    assert {h[0] for h in HOTSPOTS} >= set(district_of_spot)


@pytest.mark.django_db
def test_it_needs_the_areas():
    with pytest.raises(ValueError, match="load the demo municipality's areas first"):
        generate(dt.date(2026, 8, 22), n=10)
