"""``trygg setup municipality``: a municipality's configuration and areas from files, in one
transaction, idempotently (a second run changes nothing).

The configuration (``municipality.toml``, see docs/municipalities.md) names the municipality, its
partners, area levels, district level, metropolitan peers and report cover; each level may name a
GeoJSON file (relative to the configuration) with its areas; ``[population]`` the age bands in
those files and the municipality's own figures; ``[gazetteer]`` its place names for placing police
events (:func:`trygg.incidents.placing.config_sources`). The themes, categories, Brå crime types and
police event types are set up too: the installation-wide defaults where they are missing, and what
the file's ``[[themes]]``, ``[[categories]]``, ``[[bra_crime_types]]`` and ``[police_event_types]``
add or rename (``trygg.incidents.taxonomy``). Every error names the file, the line or entry and the
field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from trygg.accounts.models import Organisation
from trygg.incidents import taxonomy

from .loading import AreaImportError, load_layer
from .models import Area, Level, Municipality, Population
from .schemes import CONFIG_NAME, Scheme, SchemeError, locator, read_config, scheme_from_file

LAYER_FIELDS = {"file", "code_field", "name_field", "parent_field", "code_prefix", "population_field",
                "population_year", "invalid_geometry", "name_format"}
LEVEL_FIELDS = {"key", "name", "plural", "work_cycle", "named_in_texts"}
INVALID_GEOMETRY = ("refuse", "repair", "keep")


@dataclass
class SetupResult:
    scheme: Scheme
    created: bool
    areas: dict[str, int] = field(default_factory=dict)  # level key → areas in its file
    new_areas: int = 0
    taxonomy: dict[str, int] = field(default_factory=dict)  # themes, categories, event types: created/updated/unchanged
    place_names: dict[str, int] = field(default_factory=dict)  # municipality code → names loaded


def config_path(path) -> Path:
    path = Path(path)
    if path.is_dir():
        path = path / CONFIG_NAME
    if not path.exists():
        raise SchemeError(f"{path}: no such file")
    return path


def _layers(path: Path) -> list[dict]:
    """The levels' area files, checked: each names its code and name fields; every level but the
    first its parent field."""
    where = locator(path)
    layers = []
    for i, raw in enumerate(read_config(path).get("levels") or []):
        if not raw.get("file"):
            continue
        name = f"levels[{i}]"
        unknown = set(raw) - LAYER_FIELDS - LEVEL_FIELDS
        if unknown:
            raise SchemeError(f"{where(name + '.' + sorted(unknown)[0])}: unknown field")
        for required in ("code_field", "name_field", *(("parent_field",) if layers else ())):
            if not isinstance(raw.get(required), str) or not raw[required]:
                raise SchemeError(f"{where(name + '.' + required)}: missing (the property of the features that holds it)")
        file = path.parent / raw["file"]
        if not file.exists():
            raise SchemeError(f"{where(name + '.file')}: {file} does not exist")
        if raw.get("population_field") and not isinstance(raw.get("population_year"), int):
            raise SchemeError(f"{where(name + '.population_year')}: a year is needed with population_field")
        if raw.get("invalid_geometry", "refuse") not in INVALID_GEOMETRY:
            raise SchemeError(f"{where(name + '.invalid_geometry')}: {', '.join(INVALID_GEOMETRY[:-1])} or "
                              f"{INVALID_GEOMETRY[-1]}")
        if "name_format" in raw:
            try:
                str(raw["name_format"]).format(code="1", name="n", parent="p")
            except (KeyError, IndexError, ValueError) as exc:
                raise SchemeError(f"{where(name + '.name_format')}: {{code}}, {{name}} and {{parent}} may be "
                                  f"used, not {exc}") from exc
        layers.append({**raw, "file": file, "where": where(name + ".file")})
    return layers


@dataclass
class PopulationSpec:
    year: int | None = None
    source: str = ""
    bands: dict[str, str] = field(default_factory=dict)  # age band ("" = total) → property in the files
    municipality: dict[str, int] = field(default_factory=dict)  # age band → the municipality's own figure


def _population(path: Path) -> PopulationSpec:
    """The ``[population]`` table, checked."""
    raw = read_config(path).get("population")
    if raw is None:
        return PopulationSpec()
    where = locator(path, "population")
    if not isinstance(raw, dict):
        raise SchemeError(f"{where('population')}: expected a table")
    unknown = set(raw) - {"year", "source", "bands", "municipality"}
    if unknown:
        raise SchemeError(f"{where(sorted(unknown)[0])}: unknown field")
    year = raw.get("year")
    if not isinstance(year, int) or isinstance(year, bool):
        raise SchemeError(f"{where('year')}: a year is needed")
    bands, own = raw.get("bands", {}), raw.get("municipality", {})
    if not isinstance(bands, dict) or not all(isinstance(v, str) and v for v in bands.values()):
        raise SchemeError(f"{where('bands')}: expected a table of age band = property name")
    if not isinstance(own, dict) or not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0
                                            for v in own.values()):
        raise SchemeError(f"{where('municipality')}: expected a table of age band = number of residents")
    source = raw.get("source", "")
    if not isinstance(source, str):
        raise SchemeError(f"{where('source')}: expected text")
    return PopulationSpec(year, source, dict(bands), dict(own))


def setup_municipality(path, stdout=None, *, only_levels=None, gazetteer: bool = True) -> SetupResult:
    """Load the configuration at ``path`` (a ``municipality.toml`` or its folder), its areas (of
    ``only_levels`` when given, the top levels of a large municipality for quick tests), their
    population and (``gazetteer``) its place names."""
    from trygg.incidents.placing import GazetteerDataError, config_sources, load_gazetteer

    path = config_path(path)
    scheme = scheme_from_file(path)
    layers = [lay for lay in _layers(path) if only_levels is None or lay["key"] in only_levels]
    population = _population(path)
    sources = config_sources(path, scheme.code) if gazetteer else None
    try:
        own = taxonomy.spec_from_config(read_config(path), str(path), base=taxonomy.defaults())
    except taxonomy.TaxonomyError as exc:
        raise SchemeError(str(exc)) from exc
    with transaction.atomic():
        counts = taxonomy.load(own)
        top = Area.objects.filter(code=scheme.code).first()
        if top is None:
            from .sweden import load_sweden

            load_sweden(stdout)  # Sweden's 290 municipalities ship with Trygg
            top = Area.objects.filter(code=scheme.code).first()
        if top is None or top.level != Level.MUNICIPALITY:
            raise SchemeError(f"{locator(path)('code')}: {scheme.code} is not a municipality in the area table")
        _, created = Municipality.objects.update_or_create(code=scheme.code, defaults={
            "name": scheme.name, "city_organisation": scheme.city_organisation,
            "police_organisation": scheme.police_organisation, "district_level": scheme.district_level,
            "metro_peers": list(scheme.metro_peers), "report_cover": scheme.report_cover,
            "levels": [{"key": lv.key, "name": lv.name, "plural": lv.plural, "work_cycle": lv.work_cycle,
                        "named_in_texts": lv.named_in_texts} for lv in scheme.levels]})
        Organisation.objects.get_or_create(name=scheme.city_organisation, defaults={"kind": Organisation.Kind.CITY})
        Organisation.objects.get_or_create(name=scheme.police_organisation,
                                           defaults={"kind": Organisation.Kind.POLICE})
        result = SetupResult(scheme, created, taxonomy=counts)
        keys = [lv.key for lv in scheme.levels]
        for layer in layers:
            level = layer["key"]
            pop = layer.get("population_field")
            try:
                res = load_layer(
                    layer["file"], level=level, code_field=layer["code_field"], name_field=layer["name_field"],
                    parent_field=layer.get("parent_field"),
                    parent_code=None if layer.get("parent_field") else scheme.code,
                    code_prefix=layer.get("code_prefix", ""),
                    population_fields={"": pop} if pop else population.bands or None,
                    population_year=layer.get("population_year") if pop else population.year,
                    population_source=population.source or layer["file"].name,
                    invalid_geometry=layer.get("invalid_geometry", "refuse"), levels=keys,
                    name_format=layer.get("name_format"))
            except AreaImportError as exc:
                raise SchemeError(f"{layer['where']}: {exc}") from exc
            result.areas[level] = res.created + res.updated + res.unchanged
            result.new_areas += res.created
            if stdout:
                stdout.write(f"{scheme.name} {level}: {result.areas[level]} areas ({res.created} new)")
        for band, count in population.municipality.items():
            Population.objects.update_or_create(area=top, year=population.year, age_band=band,
                                                defaults={"count": count, "source": population.source})
        if sources is not None and (sources.registers or sources.names):
            try:
                result.place_names = load_gazetteer(None if sources.registers else [top], sources=sources,
                                                    stdout=stdout)
            except GazetteerDataError as exc:
                raise SchemeError(str(exc)) from exc
    return result
