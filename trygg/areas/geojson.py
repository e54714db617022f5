"""GeoJSON for maps: an area and its children, simplified for the screen."""

import shapely
from shapely.geometry import mapping, shape

# ~10 m at 56–58° N: invisible at district zoom, a tenth of the bytes.
SCREEN_TOLERANCE_DEG = 0.0001


def feature(area, properties=None, tolerance=SCREEN_TOLERANCE_DEG) -> dict:
    geom = shape(area.geometry)
    if tolerance:
        geom = shapely.simplify(geom, tolerance, preserve_topology=True)
    props = {"code": area.code, "name": area.name, "level": area.level, "url": area.get_absolute_url()}
    props.update(properties or {})
    return {"type": "Feature", "geometry": mapping(geom), "properties": props}


def feature_collection(areas, properties_by_code=None, tolerance=SCREEN_TOLERANCE_DEG) -> dict:
    properties_by_code = properties_by_code or {}
    return {
        "type": "FeatureCollection",
        "features": [
            feature(a, properties_by_code.get(a.code), tolerance) for a in areas if a.geometry
        ],
    }
