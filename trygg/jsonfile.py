"""Reading a JSON file that may be gzip-compressed (.gz), with one clear error message.

Shared by the importers of areas (GeoJSON) and police events, which each wrap the message in
their own error type.
"""

import gzip
import json
import zlib
from pathlib import Path

from django.conf import settings


class JsonFileError(ValueError):
    """The file is missing, unreadable or not JSON; the message names the file and the place."""


def _magic(path) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(2)


def read_json(path):
    """The parsed content of ``path`` (.json or .json.gz)."""
    path = Path(path)
    limit = int(getattr(settings, "TRYGG_IMPORT_MAX_MB", 100)) * 1024 * 1024
    if path.is_file() and path.stat().st_size > limit:
        raise JsonFileError(f"{path}: {path.stat().st_size / 1e6:.0f} MB, more than the {limit // 1024 // 1024} MB "
                            "allowed (TRYGG_IMPORT_MAX_MB)")
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8") as fh:
            return json.load(fh)
    except FileNotFoundError:
        raise JsonFileError(f"{path}: file not found")
    except json.JSONDecodeError as exc:
        raise JsonFileError(f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})")
    except IsADirectoryError:
        raise JsonFileError(f"{path}: is a directory, not a file")
    except (gzip.BadGzipFile, zlib.error, EOFError) as exc:
        if _magic(path) != b"\x1f\x8b":
            raise JsonFileError(f"{path}: not a gzip file although it is named .gz")
        raise JsonFileError(f"{path}: the compressed data is corrupt or cut short ({exc})")
    except UnicodeDecodeError as exc:
        raise JsonFileError(f"{path}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {exc.start})")
    except RecursionError:
        raise JsonFileError(f"{path}: not valid JSON (nested too deeply)")
    except OSError as exc:
        raise JsonFileError(f"{path}: cannot be read ({exc.strerror or exc})")
