"""Import Brå reported-crime statistics (CSV: year, area, crime_type, count[, source_url])."""

from pathlib import Path

from trygg.areas import schemes
from trygg.areas.models import Area, Level
from trygg.areas.subtree import within_area
from trygg.textfile import TextFileError, read_csv

from .categories import crime_type_theme
from .importing import ImportFileError, import_run, municipality_of_all, write_phase
from .models import CrimeStatistic

REQUIRED = ["year", "area", "crime_type", "count"]
# Brå crime_type → label and theme: the BraCrimeType table (admin; defaults in data/themes.toml)
ALL_CRIMES = "alla_brott"  # Brå's total: every other crime type is a part of it


def _area_for(name: str, home: Area | None) -> Area | None:
    """"<name> kommun" → the municipality; any other name → a district of the home municipality."""
    name = name.strip()
    if name.casefold().endswith(" kommun"):
        return Area.objects.filter(level=Level.MUNICIPALITY, name__iexact=name[: -len(" kommun")]).first()
    qs = Area.objects.filter(name__iexact=name, level=schemes.district_level(home) if home else schemes.home().district_level)
    if home is not None:
        qs = within_area(qs, home)
    return qs.first() or Area.objects.filter(level=Level.MUNICIPALITY, name__iexact=name).first()


def import_bra_csv(path, user=None):
    path = Path(path)
    try:
        _fields, rows = read_csv(path, REQUIRED)
    except TextFileError as exc:
        raise ImportFileError(str(exc))
    home = Area.objects.filter(code=schemes.home_code()).first()
    areas: dict[str, Area] = {}
    with import_run("bra", path.name, user) as run:
        with write_phase(run):  # small files: check and write row by row
            for line, row in rows:
                where = f"{path.name} line {line}"
                try:
                    year, count = int(row["year"]), int(row["count"])
                except (TypeError, ValueError):
                    raise ImportFileError(f"{where}, field 'year'/'count': not whole numbers: {row['year']!r}, {row['count']!r}")
                if count < 0:
                    raise ImportFileError(f"{where}, field 'count': negative")
                name = (row["area"] or "").strip()
                if name not in areas:
                    areas[name] = _area_for(name, home)
                if areas[name] is None:
                    raise ImportFileError(f"{where}, field 'area': unknown area {name!r}")
                crime_type = (row["crime_type"] or "").strip()
                if not crime_type or len(crime_type) > 60:
                    raise ImportFileError(f"{where}, field 'crime_type': empty or longer than 60 characters")
                obj, created = CrimeStatistic.objects.get_or_create(
                    area=areas[name], year=year, crime_type=crime_type,
                    defaults={"count": count, "theme": crime_type_theme(crime_type),
                              "source_url": (row.get("source_url") or "")[:500], "import_run": run})
                if created:
                    run.new += 1
                elif obj.count != count:
                    obj.count, obj.import_run = count, run
                    obj.save(update_fields=["count", "import_run"])
                    run.updated += 1
                else:
                    run.unchanged += 1
            run.municipality = municipality_of_all(areas.values())  # one municipality's figures, or national
    return run
