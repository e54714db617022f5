"""Reader for Ratcliffe's Near Repeat Calculator verbose CSV output (test helper)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

DATA = Path(__file__).parent / "data"


def _num(s: str) -> float:
    s = s.strip()
    return float(s) if s else np.nan


def read_verbose(path) -> dict:
    """Tables 'ratio', 'p', 'observed' as arrays (blank → NaN) and, when present, the simulated
    counts per cell as ``sims[(row, col)]`` (0-based)."""
    lines = Path(path).read_text(encoding="latin-1").splitlines()
    titles = {"Observed over mean expected frequencies": "ratio", "Statistical significant table": "p",
              "Observed frequencies distribution": "observed"}
    out, sims = {}, {}
    k = 0
    while k < len(lines):
        line = lines[k].strip()
        if line in titles:
            rows = []
            k += 3
            while k < len(lines) and lines[k].strip() and lines[k][0].isdigit():
                cells = lines[k].split(",")[2:]
                rows.append([_num(c) for c in cells if c is not None][: len(cells) - 1])
                k += 1
            out[titles[line]] = np.array(rows)
            continue
        if line.startswith("Row ") and " Column " in line:
            r, c = (int(v) - 1 for v in line[4:].split(" Column "))
            vals = lines[k + 1].split(",")[1:] + lines[k + 2].split(",")[1:]
            sims[(r, c)] = np.array([float(v) for v in vals if v.strip()])
            k += 3
            continue
        k += 1
    out["sims"] = sims
    return out


def read_points(path):
    a = np.genfromtxt(path, delimiter=",", dtype=None, encoding=None, names=["x", "y", "d"])
    return a["x"], a["y"], np.array(a["d"], dtype="datetime64[D]")
