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
