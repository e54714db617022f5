import json

import pytest
from django.core.management import CommandError, call_command

from trygg.areas.demo import load_demo_municipality
from trygg.areas.models import Area, Level, Population


def _fc(features):
    return {"type": "FeatureCollection", "features": features}


def _feature(code, name, parent=None, pop=None, lon=11.9):
    props = {"id": code, "namn": name}
    if parent:
        props["kommun"] = parent
    if pop is not None:
        props["inv"] = pop
    ring = [[lon, 57.6], [lon + 0.1, 57.6], [lon + 0.1, 57.7], [lon, 57.7], [lon, 57.6]]
    return {"type": "Feature", "properties": props, "geometry": {"type": "Polygon", "coordinates": [ring]}}


@pytest.fixture
def municipality(db):
    return Area.objects.create(code="9999", name="Teststad", level=Level.MUNICIPALITY)


def write(tmp_path, data, name="areas.geojson"):
    p = tmp_path / name
    p.write_text(json.dumps(data) if not isinstance(data, str) else data, encoding="utf-8")
    return str(p)


def test_it_imports_a_layer_and_is_idempotent(tmp_path, municipality):
    f = write(tmp_path, _fc([_feature("A1", "Norr", "9999", 1200), _feature("A2", "Söder", "9999", 800, 12.0)]))
    args = dict(level="stadsomrade", code_field="id", name_field="namn", parent_field="kommun",
                population_field="inv", population_year=2025)
    call_command("import_areas", f, **args)
    call_command("import_areas", f, **args)
    assert Area.objects.filter(level="stadsomrade").count() == 2
    a1 = Area.objects.get(code="A1")
    assert a1.parent == municipality and a1.path == "/9999/A1/"
    assert 60 < a1.area_km2 < 80  # 0.1° × 0.1° at 57.6°N ≈ 66 km²
    assert Population.objects.get(area=a1, year=2025).count == 1200
    assert a1.population(2026) == 1200  # latest known year is used


@pytest.mark.parametrize("content, message", [
    ("{not json", "not valid GeoJSON"),
    (_fc([]), "no features"),
    (_fc([_feature("A1", "Norr", "0000")]), "feature 1 (A1): parent '0000' not found"),
    (_fc([_feature("A1", "Norr", "9999"), {"type": "Feature", "properties": {"namn": "X", "kommun": "9999"},
                                           "geometry": None}]), "feature 2: property 'id' is missing"),
])
def test_it_rejects_bad_files_atomically(tmp_path, municipality, content, message):
    f = write(tmp_path, content)
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call_command("import_areas", f, level="stadsomrade", code_field="id", name_field="namn",
                     parent_field="kommun")
    assert not Area.objects.filter(level="stadsomrade").exists()


def test_it_names_a_missing_file(db):
    with pytest.raises(CommandError, match="missing.geojson: file not found"):
        call_command("import_areas", "missing.geojson", level="stadsomrade", code_field="id", name_field="n")


def test_goteborg_ships_with_real_areas_and_population(db):
    counts = load_demo_municipality(basomraden=False, gazetteer=False).areas
    assert counts == {"stadsomrade": 4, "mellanomrade": 36, "primaromrade": 96}
    assert Area.objects.filter(level=Level.MUNICIPALITY).count() == 290
    hjallbo = Area.objects.get(code="612")
    assert hjallbo.name == "Hjällbo"
    assert [a.code for a in hjallbo.ancestors()][:3] == ["SE", "1480", "1"]  # Sverige › Göteborg › Nordost
    assert Area.objects.get(code="1480").population(2025) == 613_276
    total = sum(a.population(2025) for a in Area.objects.filter(level=Level.STADSOMRADE))
    # 2,051 residents are not assigned to any area (primärområde 199), as in the source
    assert total == 613_276 - 2_051


def _goteborg_snapshot():
    """Göteborg's areas (code, name, level, parent, path, km², outline) and population figures."""
    from trygg.incidents.models import PlaceName

    areas = sorted(Area.objects.filter(path__startswith="/SE/1480/").values_list(
        "code", "name", "level", "parent__code", "path", "area_km2", "geometry"), key=lambda r: r[0])
    pops = sorted(Population.objects.filter(area__path__startswith="/SE/1480/").values_list(
        "area__code", "year", "age_band", "count", "source"))
    names = sorted(PlaceName.objects.values_list("municipality__code", "name", "area__code", "kind", "origin"),
                   key=str)
    return areas, pops, names


@pytest.mark.slow
def test_the_demo_loads_goteborg_as_setup_municipality_does(db):
    """The demo's municipality is set up from its configuration like any other: `trygg demo`'s
    step and `trygg setup municipality` on Göteborg's folder give the same areas, population and
    place names – with what the retired Göteborg-only loader did: composite names of the code-only
    basområden, age bands, the municipality's own figures, the outlines as published."""
    from io import StringIO

    from trygg.areas import demo
    from trygg.areas.models import Municipality
    from trygg.incidents.models import PlaceName

    out = StringIO()
    demo.load(out)
    assert "Göteborg basomrade: 1012 areas (1012 new)" in out.getvalue()
    by_demo = _goteborg_snapshot()
    areas, pops, names = by_demo
    assert {lvl: sum(1 for a in areas if a[2] == lvl) for lvl in ("stadsomrade", "mellanomrade", "primaromrade",
                                                                "basomrade")} == {
        "stadsomrade": 4, "mellanomrade": 36, "primaromrade": 96, "basomrade": 1012}
    bas = [a for a in areas if a[2] == "basomrade" and a[3] == "612"]
    assert bas and all(a[1] == f"{a[0]} Hjällbo" for a in bas)  # "61201 Hjällbo", not "61201"
    assert {(p[2], p[3]) for p in pops if p[0] == "1480" and p[1] == 2025} == {("", 613_276), ("0-18", 121_072),
                                                             ("19-65", 398_566), ("66+", 93_638)}
    assert {p[2] for p in pops if p[0] == "612"} == {"", "0-18", "19-65", "66+"}
    assert {p[4] for p in pops if p[1] == 2025} == {"Göteborgs Stad / SCB, befolkning 2025-12-31"}
    assert PlaceName.objects.filter(municipality__code="1480").count() > 1000  # the register
    assert PlaceName.objects.filter(municipality__code="1480", origin="curated").count() > 100  # the curated list
    assert PlaceName.objects.filter(municipality__code="1481").exists()  # its neighbours' names came with it
    # again, from scratch, with the command any municipality is set up with
    Area.objects.filter(path__startswith="/SE/1480/").delete()
    Population.objects.filter(area__code="1480").delete()
    PlaceName.objects.all().delete()
    Municipality.objects.all().delete()
    call_command("setup_municipality", str(demo.DEMO_MUNICIPALITY), stdout=StringIO())
    assert _goteborg_snapshot() == by_demo
    # and `trygg import areas goteborg` (the shipped folder's name) is the same command: nothing new
    out = StringIO()
    call_command("import_areas", "goteborg", stdout=out)
    assert "Göteborg basomrade: 1012 areas (0 new)" in out.getvalue()
    assert _goteborg_snapshot() == by_demo
