"""Reading a JSON file that may be gzip-compressed (.gz), with one clear error message.

Shared by the importers of areas (GeoJSON) and police events, which each wrap the message in
their own error type.
"""

import gzip
import json
from pathlib import Path


class JsonFileError(ValueError):
    """The file is missing, unreadable or not JSON; the message names the file and the place."""


def read_json(path):
    """The parsed content of ``path`` (.json or .json.gz)."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8") as fh:
            return json.load(fh)
    except FileNotFoundError:
        raise JsonFileError(f"{path}: file not found")
    except json.JSONDecodeError as exc:
        raise JsonFileError(f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})")
    except (UnicodeDecodeError, OSError, EOFError) as exc:
        raise JsonFileError(f"{path}: cannot be read ({exc})")
