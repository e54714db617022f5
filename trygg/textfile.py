"""Reading a CSV file for an import, with one clear message for every way it can be wrong:
missing, a directory, too big, binary (an image, a zip), not UTF-8 (e.g. Latin-1 from Excel),
a broken CSV structure, a field over the length cap. Shared by the Brå, population and EST
importers, which wrap the message in their own error type (like :mod:`trygg.jsonfile`)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from django.conf import settings

# Magic numbers of files people upload by mistake.
_BINARY = {b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image", b"GIF8": "a GIF image",
           b"%PDF": "a PDF", b"PK\x03\x04": "a zip file (e.g. .xlsx – save as CSV)",
           b"\x1f\x8b": "gzip-compressed", b"\xd0\xcf\x11\xe0": "an old Excel/Word file (save as CSV)"}
CSV_FIELD_LIMIT = 1_000_000


class TextFileError(ValueError):
    """The message names the file and, where there is one, the line and the field."""


def max_file_bytes() -> int:
    return int(getattr(settings, "TRYGG_IMPORT_MAX_MB", 100)) * 1024 * 1024


def max_field_length() -> int:
    return int(getattr(settings, "TRYGG_MAX_TEXT_LENGTH", 20_000))


def read_text(path) -> str:
    """The text of ``path`` (UTF-8, with or without BOM)."""
    path = Path(path)
    name = path.name or str(path)
    if not path.exists():
        raise TextFileError(f"{name}: file not found")
    if path.is_dir():
        raise TextFileError(f"{name}: is a directory, not a file")
    size = path.stat().st_size
    if size > max_file_bytes():
        raise TextFileError(f"{name}: {size / 1e6:.0f} MB, more than the {max_file_bytes() // 1024 // 1024} MB "
                            "allowed (TRYGG_IMPORT_MAX_MB)")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TextFileError(f"{name}: cannot be read ({exc.strerror or exc})")
    for magic, what in _BINARY.items():
        if data.startswith(magic):
            raise TextFileError(f"{name}: not a text file but {what}")
    if b"\x00" in data[:65536]:
        raise TextFileError(f"{name}: not a text file (it holds NUL bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise TextFileError(f"{name} line {line}, column {col}: not UTF-8 (byte 0x{data[exc.start]:02x}); "
                            "save the file as UTF-8 (in Excel: CSV UTF-8)")


def read_csv(path, required=()) -> tuple[list[str], list[tuple[int, dict]]]:
    """(column names, [(line number, row)]) of a CSV file, every field checked against the cap."""
    fields, rows = iter_csv(path, required)
    return fields, list(rows)


def iter_csv(path, required=()):
    """Like :func:`read_csv`, but the rows come one at a time (an iterator of ``(line number,
    row)``, each checked as it is read), so an import can work through a large file in batches."""
    path = Path(path)
    text = read_text(path)
    csv.field_size_limit(CSV_FIELD_LIMIT)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    del text  # the StringIO holds its own copy
    try:
        fields = list(reader.fieldnames or [])
    except csv.Error as exc:
        raise TextFileError(f"{path.name} line 1: not a readable CSV header ({exc})")
    missing = [c for c in required if c not in fields]
    if missing:
        raise TextFileError(f"{path.name}: missing column(s): {', '.join(missing)}")
    return fields, _checked_rows(path, reader, fields)


def _checked_rows(path, reader, fields):
    cap = max_field_length()
    line = reader.line_num
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise TextFileError(f"{path.name} line {line + 1}: not valid CSV ({exc}; a field may be "
                                f"longer than {CSV_FIELD_LIMIT:,} characters)")
        line = reader.line_num
        for key, value in row.items():
            if key is None:  # more values than columns
                raise TextFileError(f"{path.name} line {line}: more values than the {len(fields)} columns")
            if value is not None and len(value) > cap:
                raise TextFileError(f"{path.name} line {line}, field '{key}': {len(value):,} characters, more "
                                    f"than the {cap:,} allowed")
        yield line, row
