"""Load an area layer from GeoJSON into the hierarchy: atomic and idempotent.

Used by ``trygg import areas`` and by the demo. Geometry is kept in WGS84 (GeoJSON); the area in
km² is computed on SWEREF99 TM (EPSG:3006) unless the file carries it.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

import shapely
from django.db import transaction
from pyproj import Transformer
from shapely.geometry import shape

from trygg.jsonfile import JsonFileError, read_json

from .models import Area, Level, Population

_TO_SWEREF = Transformer.from_crs("EPSG:4326", "EPSG:3006", always_xy=True)


class AreaImportError(ValueError):
    """A problem with the input file, with the file and feature named."""


@dataclass
class LayerResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    populations: int = 0
    codes: list[str] = field(default_factory=list)


def read_geojson(path: Path) -> dict:
    try:
        data = read_json(path)
    except JsonFileError as exc:
        raise AreaImportError(str(exc).replace("not valid JSON", "not valid GeoJSON"))
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise AreaImportError(f"{path}: expected a GeoJSON FeatureCollection")
    return data


# Area codes become parts of the materialised path ("/SE/1234/1/12/"): no "/" or other separators.
CODE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,31}")
MAX_NAME = 200


def check_code(code: str, where: str) -> str:
    if not CODE_PATTERN.fullmatch(code):
        raise AreaImportError(f"{where}, property code: {code[:60]!r} – a code is 1–32 characters of A–Z, a–z, "
                              "0–9, '-', '_' and '.', starting with a letter or digit")
    return code


def check_geometry(geometry, where: str, invalid: str = "refuse"):
    """The shapely geometry of a GeoJSON (Multi)Polygon after checking what shapely would let
    through: closed rings of at least 4 positions, WGS84 coordinates in range, and ``is_valid``
    (no self-intersection such as a bow-tie)."""
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        kind = geometry.get("type") if isinstance(geometry, dict) else type(geometry).__name__
        raise AreaImportError(f"{where}, field 'geometry': expected a Polygon or MultiPolygon, not {kind!r}")
    coords = geometry.get("coordinates")
    polygons = [coords] if geometry["type"] == "Polygon" else coords
    if not isinstance(polygons, list) or not polygons:
        raise AreaImportError(f"{where}, field 'geometry': no coordinates")
    for p, polygon in enumerate(polygons, start=1):
        if not isinstance(polygon, list) or not polygon:
            raise AreaImportError(f"{where}, field 'geometry': polygon {p} has no rings")
        for r, ring in enumerate(polygon, start=1):
            at = f"{where}, field 'geometry': polygon {p}, ring {r}"
            if not isinstance(ring, list) or len(ring) < 4:
                raise AreaImportError(f"{at}: a ring needs at least 4 positions (3 corners and the first again)")
            for pos in ring:
                if (not isinstance(pos, list) or len(pos) < 2
                        or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in pos[:2])):
                    raise AreaImportError(f"{at}: {str(pos)[:40]} is not a [longitude, latitude] position")
                lon, lat = pos[0], pos[1]
                if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                    raise AreaImportError(f"{at}: ({lon}, {lat}) is outside longitude −180…180 / latitude −90…90 "
                                          "(the file must be WGS84)")
            if ring[0][:2] != ring[-1][:2]:
                raise AreaImportError(f"{at}: the ring is not closed (the last position must repeat the first)")
    try:
        geom = shape(geometry)
    except Exception as exc:  # shapely raises several types for bad geometry
        raise AreaImportError(f"{where}, field 'geometry': invalid geometry ({exc})")
    if geom.is_empty:
        raise AreaImportError(f"{where}, field 'geometry': empty geometry")
    if not geom.is_valid:
        if invalid == "refuse":
            raise AreaImportError(f"{where}, field 'geometry': invalid geometry ({shapely.is_valid_reason(geom)}); "
                                  "fix the file, or import with --invalid-geometry repair")
        if invalid == "repair":
            geom = _polygonal(shapely.make_valid(geom))
            if geom.is_empty:
                raise AreaImportError(f"{where}, field 'geometry': invalid geometry that cannot be repaired")
    return geom


def _polygonal(geom):
    """The (Multi)Polygon part of what ``make_valid`` returns (it may add lines or points)."""
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def _area_km2(geom) -> float:
    projected = shapely.transform(geom, lambda xy: _to_sweref(xy))
    return round(projected.area / 1e6, 4)


def _to_sweref(xy):
    import numpy as np

    x, y = _TO_SWEREF.transform(xy[:, 0], xy[:, 1])
    return np.column_stack([x, y])


@transaction.atomic
def load_layer(
    path,
    *,
    level: str,
    code_field: str,
    name_field: str,
    parent_field: str | None = None,
    parent_code: str | None = None,
    code_prefix: str = "",
    population_fields: dict[str, str] | None = None,
    population_year: int | None = None,
    population_source: str = "",
    invalid_geometry: str = "refuse",
    levels=None,
    name_format: str | None = None,
) -> LayerResult:
    """Create or update one level of areas from a GeoJSON FeatureCollection.

    ``parent_field`` names the property holding the parent's code; ``parent_code`` gives one parent
    for every feature instead (e.g. the municipality). ``population_fields`` maps an age band
    ("" for the total) to a property name, stored for ``population_year``.

    Every feature is checked (code alphabet, unique in the file and across levels, closed rings in
    WGS84 range); a geometry that shapely finds invalid (self-intersection, bow-tie) is refused,
    or with ``invalid_geometry="repair"`` repaired with ``shapely.make_valid``, or with ``"keep"``
    stored as published (the layers that ship with Trygg, see the SOURCE.md beside them).
    ``levels`` are the level keys allowed (a municipality's configuration; ``Level`` by default).
    ``name_format`` builds the name of areas published by code only, from ``{code}``, ``{name}``
    (the name property) and ``{parent}`` (the parent's name): "{code} {parent}" → "12001 Norrby".
    """
    levels = list(Level.values if levels is None else levels)
    if level not in levels:
        raise AreaImportError(f"unknown level {level!r}; choose one of {', '.join(levels)}")
    data = read_geojson(path)
    features = data.get("features") or []
    if not features:
        raise AreaImportError(f"{path}: the file has no features")
    fixed_parent = None
    if parent_code:
        fixed_parent = Area.objects.filter(code=parent_code).first()
        if fixed_parent is None:
            raise AreaImportError(f"parent area {parent_code!r} does not exist; load that level first")
    parents = {a.code: a for a in Area.objects.defer("geometry")} if parent_field else {}
    existing = {a.code: a for a in Area.objects.filter(level=level)}
    other_levels = dict(Area.objects.exclude(level=level).values_list("code", "level"))
    in_file: dict[str, int] = {}
    result = LayerResult()
    for i, feature in enumerate(features, start=1):
        where = f"{path}: feature {i}"
        if not isinstance(feature, dict):
            raise AreaImportError(f"{where}: expected a GeoJSON Feature object")
        props = feature.get("properties") or {}
        if not isinstance(props, dict):
            raise AreaImportError(f"{where}: 'properties' must be an object")
        for required in filter(None, [code_field, name_field, parent_field]):
            if props.get(required) in (None, ""):
                raise AreaImportError(f"{where}: property {required!r} is missing")
            if not isinstance(props[required], (str, int)) or isinstance(props[required], bool):
                raise AreaImportError(f"{where}, property {required!r}: expected text, not {type(props[required]).__name__}")
        code = check_code(f"{code_prefix}{props[code_field]}", where)
        if code in in_file:
            raise AreaImportError(f"{where}, property {code_field!r}: code {code!r} is already used by feature "
                                  f"{in_file[code]} of this file")
        in_file[code] = i
        if code in other_levels:
            raise AreaImportError(f"{where}, property {code_field!r}: code {code!r} already exists at level "
                                  f"{other_levels[code]!r}; use --code-prefix to keep codes unique")
        if len(str(props[name_field])) > MAX_NAME:
            raise AreaImportError(f"{where} ({code}), property {name_field!r}: longer than {MAX_NAME} characters")
        geom = check_geometry(feature.get("geometry"), f"{where} ({code})", invalid_geometry)
        geometry = feature["geometry"]
        if invalid_geometry == "repair" and not shape(geometry).equals_exact(geom, 0):
            geometry = shapely.geometry.mapping(geom)
        try:
            given_km2 = float(props["area_km2"]) if props.get("area_km2") else None
        except (TypeError, ValueError):
            raise AreaImportError(f"{where} ({code}), property 'area_km2': not a number: {props['area_km2']!r}")
        parent = fixed_parent
        if parent_field:
            parent = parents.get(f"{code_prefix}{props[parent_field]}") or parents.get(str(props[parent_field]))
            if parent is None:
                raise AreaImportError(f"{where} ({code}): parent {props[parent_field]!r} not found")
        min_lon, min_lat, max_lon, max_lat = geom.bounds
        centroid = geom.representative_point()
        name = str(props[name_field])
        if name_format:
            name = name_format.format(code=code, name=name, parent=parent.name if parent else "")[:MAX_NAME]
        values = dict(
            name=name, level=level, parent_id=parent.pk if parent else None,
            geometry=geometry,
            min_lon=min_lon, min_lat=min_lat, max_lon=max_lon, max_lat=max_lat,
            centroid_lon=round(centroid.x, 6), centroid_lat=round(centroid.y, 6),
            area_km2=given_km2 if given_km2 is not None else _area_km2(geom),
        )
        area = existing.get(code)
        if area is None:
            area = Area(code=code, **values)
            area.parent = parent  # the path is built from the parent's path
            area.save()
            result.created += 1
        else:
            changed = [k for k, v in values.items() if getattr(area, k) != v]
            if changed:
                for k in changed:
                    setattr(area, k, values[k])
                area.parent = parent
                area.save()
                result.updated += 1
            else:
                result.unchanged += 1
        parents[code] = area
        result.codes.append(code)
        if population_fields and population_year:
            for band, prop in population_fields.items():
                if props.get(prop) in (None, ""):
                    continue
                try:
                    count = int(props[prop])
                except (TypeError, ValueError):
                    raise AreaImportError(f"{where} ({code}), property {prop!r}: not a whole number: {props[prop]!r}")
                if count < 0:
                    raise AreaImportError(f"{where} ({code}), property {prop!r}: negative")
                Population.objects.update_or_create(
                    area=area, year=population_year, age_band=band,
                    defaults={"count": count, "source": population_source},
                )
                result.populations += 1
    return result

