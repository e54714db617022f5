"""Load an area layer from GeoJSON into the hierarchy: atomic and idempotent.

Used by ``trygg import areas`` and by the demo. Geometry is kept in WGS84 (GeoJSON); the area in
km² is computed on SWEREF99 TM (EPSG:3006) unless the file carries it.
"""

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
) -> LayerResult:
    """Create or update one level of areas from a GeoJSON FeatureCollection.

    ``parent_field`` names the property holding the parent's code; ``parent_code`` gives one parent
    for every feature instead (e.g. the municipality). ``population_fields`` maps an age band
    ("" for the total) to a property name, stored for ``population_year``.
    """
    if level not in Level.values:
        raise AreaImportError(f"unknown level {level!r}; choose one of {', '.join(Level.values)}")
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
    result = LayerResult()
    for i, feature in enumerate(features, start=1):
        props = feature.get("properties") or {}
        where = f"{path}: feature {i}"
        for required in filter(None, [code_field, name_field, parent_field]):
            if props.get(required) in (None, ""):
                raise AreaImportError(f"{where}: property {required!r} is missing")
        code = f"{code_prefix}{props[code_field]}"
        try:
            geom = shape(feature["geometry"])
        except Exception as exc:  # shapely raises several types for bad geometry
            raise AreaImportError(f"{where} ({code}): invalid geometry ({exc})")
        if geom.is_empty:
            raise AreaImportError(f"{where} ({code}): empty geometry")
        parent = fixed_parent
        if parent_field:
            parent = parents.get(f"{code_prefix}{props[parent_field]}") or parents.get(str(props[parent_field]))
            if parent is None:
                raise AreaImportError(f"{where} ({code}): parent {props[parent_field]!r} not found")
        min_lon, min_lat, max_lon, max_lat = geom.bounds
        centroid = geom.representative_point()
        values = dict(
            name=str(props[name_field]), level=level, parent_id=parent.pk if parent else None,
            geometry=feature["geometry"],
            min_lon=min_lon, min_lat=min_lat, max_lon=max_lon, max_lat=max_lat,
            centroid_lon=round(centroid.x, 6), centroid_lat=round(centroid.y, 6),
            area_km2=float(props["area_km2"]) if props.get("area_km2") else _area_km2(geom),
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
                Population.objects.update_or_create(
                    area=area, year=population_year, age_band=band,
                    defaults={"count": int(props[prop]), "source": population_source},
                )
                result.populations += 1
    return result


def refresh_paths() -> None:
    """Recompute materialised paths top-down (after a parent changed its code)."""
    for level in Level.values:
        for area in Area.objects.filter(level=level).select_related("parent"):
            new = area.compute_path()
            if new != area.path:
                area.path = new
                area.save(update_fields=["path"])
