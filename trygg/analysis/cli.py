"""Command line of the analysis core: ``trygg analyze near-repeat|hotspots|change|evaluate|trend``.

Works on CSV files, needs no database. Bad input gives one clear line on stderr naming the file,
line and column, and exit status 2 (never a traceback). Run as ``python -m trygg.analysis.cli …``
or via the ``trygg analyze …`` front door.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import sys
from pathlib import Path

import numpy as np

PROG = "trygg analyze"


class InputError(Exception):
    """Bad user input: reported on stderr, exit status 2."""


# ----------------------------------------------------------------------------- CSV reading
class Table:
    """A CSV file read into string columns, with the file name and line numbers for messages."""

    def __init__(self, path: str, header: bool = True, delimiter: str | None = None):
        self.path = path
        p = Path(path)
        if not p.exists():
            raise InputError(f"{path}: file not found")
        if p.is_dir():
            raise InputError(f"{path}: is a directory, not a CSV file")
        try:
            text = p.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            text = p.read_text(encoding="latin-1")
        except OSError as e:
            raise InputError(f"{path}: cannot read ({e.strerror})") from None
        if not text.strip():
            raise InputError(f"{path}: file is empty")
        if delimiter is None:
            first = text.splitlines()[0]
            delimiter = ";" if first.count(";") > first.count(",") else ","
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
        numbered = [(i + 1, r) for i, r in enumerate(rows) if any(c.strip() for c in r)]
        if header:
            if not numbered:
                raise InputError(f"{path}: file is empty")
            self.names = [c.strip() for c in numbered[0][1]]
            numbered = numbered[1:]
        else:
            width = max((len(r) for _, r in numbered), default=0)
            self.names = [str(i + 1) for i in range(width)]
        self.header = header
        self.lines = np.array([n for n, _ in numbered], dtype=np.int64)
        self.rows = [r for _, r in numbered]
        if not self.rows:
            raise InputError(f"{path}: no data rows")

    def __len__(self):
        return len(self.rows)

    def index(self, col: str) -> int:
        if not self.header:
            try:
                k = int(col)
            except ValueError:
                raise InputError(
                    f"{self.path}: with --no-header, columns are numbered from 1 (got column {col!r})"
                ) from None
            if not 1 <= k <= len(self.names):
                raise InputError(f"{self.path}: column {k} does not exist (the file has {len(self.names)} columns)")
            return k - 1
        if col in self.names:
            return self.names.index(col)
        lower = [n.lower() for n in self.names]
        if col.lower() in lower:
            return lower.index(col.lower())
        raise InputError(f"{self.path}: no column {col!r} (columns: {', '.join(self.names)})")

    def strings(self, col: str) -> np.ndarray:
        k = self.index(col)
        vals = []
        for line, r in zip(self.lines, self.rows, strict=True):
            if k >= len(r):
                raise InputError(f"{self.path}, line {line}: column {col!r} is missing (row has {len(r)} fields)")
            vals.append(r[k].strip())
        return np.array(vals, dtype=object)

    def _bad(self, col, values, ok, what):
        i = int(np.flatnonzero(~ok)[0])
        v = values[i]
        shown = "empty" if v == "" else repr(v)
        return InputError(f"{self.path}, line {self.lines[i]}, column {col!r}: {shown} is not {what}")

    def floats(self, col: str, keep=None) -> np.ndarray:
        s = self.strings(col)
        if keep is not None:
            s = s[keep]
        s = np.array([v.replace(",", ".") if v.count(",") == 1 and "." not in v else v for v in s], dtype=object)
        try:
            out = s.astype(float)
            ok = np.isfinite(out)
        except ValueError:
            ok = np.array([_is_float(v) for v in s])
            out = None
        if not ok.all():
            lines = self.lines if keep is None else self.lines[keep]
            i = int(np.flatnonzero(~ok)[0])
            v = s[i]
            raise InputError(f"{self.path}, line {lines[i]}, column {col!r}: "
                             f"{'empty' if v == '' else repr(v)} is not a number")
        return out

    def dates(self, col: str, keep=None) -> np.ndarray:
        s = self.strings(col)
        if keep is not None:
            s = s[keep]
        d = _parse_dates(s)
        ok = ~np.isnat(d)
        if not ok.all():
            lines = self.lines if keep is None else self.lines[keep]
            i = int(np.flatnonzero(~ok)[0])
            v = s[i]
            raise InputError(f"{self.path}, line {lines[i]}, column {col!r}: "
                             f"{'empty' if v == '' else repr(v)} is not a date (use YYYY-MM-DD)")
        return d


def _is_float(v: str) -> bool:
    try:
        return math.isfinite(float(v))
    except ValueError:
        return False


def _parse_dates(s: np.ndarray) -> np.ndarray:
    """ISO dates (``YYYY-MM-DD``, optionally followed by a time) → datetime64[D]; NaT where invalid."""
    heads = np.array([v[:10] for v in s], dtype=object)
    try:
        return heads.astype("datetime64[D]")
    except ValueError:
        out = np.empty(len(heads), dtype="datetime64[D]")
        for k, v in enumerate(heads):  # only reached for files with a bad date, to find it
            try:
                out[k] = np.datetime64(v, "D") if len(v) == 10 else np.datetime64("NaT")
            except ValueError:
                out[k] = np.datetime64("NaT")
        return out


def _valid_rows(t: Table, float_cols=(), date_cols=()) -> np.ndarray:
    ok = np.ones(len(t), dtype=bool)
    for c in float_cols:
        s = t.strings(c)
        ok &= np.array([_is_float(v.replace(",", ".")) for v in s])
    for c in date_cols:
        ok &= ~np.isnat(_parse_dates(t.strings(c)))
    return ok


def _xy(t: Table, args, keep=None):
    x = t.floats(args.x_col, keep)
    y = t.floats(args.y_col, keep)
    if args.crs:
        crs = args.crs.upper()
        if crs not in ("EPSG:3006",):
            from .spatial import project

            if crs == "EPSG:4326" and (np.abs(y).max() > 90 or np.abs(x).max() > 180):
                raise InputError(f"{t.path}: --crs EPSG:4326 but coordinates are not longitude/latitude degrees "
                                 f"(x = {args.x_col!r} must be longitude, y = {args.y_col!r} latitude)")
            try:
                x, y = project(x, y, to_crs="EPSG:3006", from_crs=crs)
            except Exception as e:  # pyproj.exceptions.CRSError and friends
                raise InputError(f"--crs {args.crs}: {e}") from None
    return x, y


# ----------------------------------------------------------------------------- output
def _num(v):
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def _write_records(records: list[dict], fmt: str, out) -> None:
    if fmt == "json":
        json.dump([{k: _num(v) for k, v in r.items()} for r in records], out, ensure_ascii=False, indent=1)
        out.write("\n")
    elif fmt == "csv":
        if not records:
            return
        w = csv.DictWriter(out, fieldnames=list(records[0]), lineterminator="\n")
        w.writeheader()
        for r in records:
            w.writerow({k: ("" if _num(v) is None else _num(v)) for k, v in r.items()})
    else:
        _write_table([list(records[0])] + [[_fmt(v) for v in r.values()] for r in records], out)


def _fmt(v) -> str:
    v = _num(v)
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


def _write_table(rows: list[list], out) -> None:
    widths = [max(len(str(r[k])) for r in rows) for k in range(len(rows[0]))]
    for r in rows:
        out.write("  ".join(str(c).rjust(w) for c, w in zip(r, widths, strict=True)).rstrip() + "\n")


# ----------------------------------------------------------------------------- commands
def cmd_near_repeat(args, out) -> int:
    from .nearrepeat import knox

    t = Table(args.file, header=args.header)
    keep = None
    if args.skip_invalid:
        keep = _valid_rows(t, (args.x_col, args.y_col), (args.date_col,))
        if (~keep).any():
            print(f"{args.file}: skipped {int((~keep).sum())} rows with a missing or invalid value", file=sys.stderr)
    x, y = _xy(t, args, keep)
    d = t.dates(args.date_col, keep)
    if x.size < 2:
        raise InputError(f"{args.file}: the near-repeat test needs at least 2 events (found {x.size})")
    r = knox(x, y, d, args.space_band, args.space_bands, args.time_band, args.time_bands, distance=args.distance,
             permutations=args.permutations, seed=args.seed, labels=args.labels, precision=args.precision)
    if args.format == "json":
        json.dump(r.to_dict(), out, indent=1)
        out.write("\n")
        return 0
    if args.format == "csv":
        w = csv.writer(out, lineterminator="\n")
        w.writerow(["space_band", "time_band", "observed", "expected", "expected_mean", "ratio", "p_value", "p_adj",
                    "significant"])
        for a, sl in enumerate(r.space_labels):
            for b, tl in enumerate(r.time_labels):
                w.writerow([sl, tl, int(r.observed[a, b]), *("" if _num(float(v)) is None else float(v)
                                                             for v in (r.expected[a, b], r.expected_mean[a, b],
                                                                       r.ratio[a, b], r.p_value[a, b], r.p_adj[a, b])),
                            bool(r.significant[a, b])])
        return 0
    out.write(f"Knox test, {r.n} events, {r.permutations} permutations, {r.distance} distance\n")
    for title, arr in (("Observed pairs", r.observed), ("Expected pairs, closed form N_s·T_t/C(n,2)", r.expected),
                       ("Observed / mean expected (Knox ratio)", r.ratio), ("p-value (Monte Carlo)", r.p_value),
                       ("p-value, Benjamini–Hochberg over the table", r.p_adj)):
        out.write(f"\n{title}\n")
        _write_table([["distance \\ days", *r.time_labels]] +
                     [[sl, *(_fmt(v) if title != "Observed pairs" else str(int(v)) for v in arr[a])]
                      for a, sl in enumerate(r.space_labels)], out)
    return 0


def cmd_hotspots(args, out) -> int:
    """Every cell of the hotspot pipeline (``hotspotmap.from_points`` → ``hotspots.find_hotspots``),
    the same pipeline the situation picture's map, the API and the annual report use."""
    from dataclasses import replace

    from .hotspotmap import from_points
    from .hotspots import DEFAULT_HOTSPOT_SETTINGS

    t = Table(args.file, header=args.header)
    keep = None
    if args.skip_invalid:
        keep = _valid_rows(t, (args.x_col, args.y_col))
    x, y = _xy(t, args, keep)  # projected to SWEREF 99 TM when --crs names another CRS
    if x.size == 0:
        raise InputError(f"{args.file}: no events")
    if args.q is not None and not 0 < args.q < 1:
        raise InputError("--q must lie between 0 and 1")
    overrides = {k: v for k, v in (("cell", args.cell), ("permutations", args.permutations), ("seed", args.seed),
                                   ("q", args.q)) if v is not None}
    settings = replace(DEFAULT_HOTSPOT_SETTINGS, **overrides)
    try:
        layer = from_points(x, y, crs=None, settings=settings)
    except ValueError as e:
        raise InputError(f"{args.file}: {e}") from None
    if layer.result.reason == "too_few_points":
        print(f"{args.file}: {x.size} events, fewer than {settings.min_points}: no cell is tested", file=sys.stderr)
    dens = None
    if args.method == "kde":
        bw = args.bandwidth or layer.default_bandwidth()
        dens = layer.density(bw)
        print(f"kde bandwidth: {bw:.1f} m", file=sys.stderr)
    records = layer.records(density=dens)
    if args.format == "geojson":
        cell = settings.cell
        feats = []
        for rec in records:
            x0, y0 = rec["x"] - cell / 2, rec["y"] - cell / 2
            ring = [[x0, y0], [x0 + cell, y0], [x0 + cell, y0 + cell], [x0, y0 + cell], [x0, y0]]
            feats.append({"type": "Feature", "properties": {k: _num(v) for k, v in rec.items()},
                          "geometry": {"type": "Polygon", "coordinates": [ring]}})
        json.dump({"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3006"}}
                   if args.crs else None, "features": feats, "properties": layer.summary()}, out)
        out.write("\n")
        return 0
    _write_records(records, args.format, out)
    return 0


def _cell_keys(t: Table, cols: str | None) -> tuple[list[str], list[list[str]]]:
    names = [c.strip() for c in cols.split(",")] if cols else []
    return names, [list(t.strings(c)) for c in names]


def cmd_change(args, out) -> int:
    from .change import flag_changes

    t = Table(args.file, header=args.header)
    c1 = t.floats(args.current_col)
    c0 = t.floats(args.previous_col)
    for col, c in ((args.current_col, c1), (args.previous_col, c0)):
        bad = (c < 0) | (c != np.round(c))
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise InputError(f"{args.file}, line {t.lines[i]}, column {col!r}: {c[i]:g} is not a whole count >= 0")
    t1 = t.floats(args.current_exposure_col) if args.current_exposure_col else np.full(c1.shape, args.current_exposure)
    t0 = t.floats(args.previous_exposure_col) if args.previous_exposure_col else np.full(c0.shape, args.previous_exposure)
    if np.any(t1 <= 0) or np.any(t0 <= 0):
        raise InputError(f"{args.file}: exposures must be positive")
    h1 = h0 = None
    if args.history_cols:
        cols = [c.strip() for c in args.history_cols.split(",") if c.strip()]
        if len(cols) % 2:
            raise InputError(f"--history-cols needs pairs of columns (current, previous), got {len(cols)} columns")
        h = np.column_stack([t.floats(c) for c in cols])
        h1, h0 = h[:, 0::2], h[:, 1::2]
    r = flag_changes(c1, c0, t1, t0, q=args.q, alpha=args.alpha, h1=h1, h0=h0, min_events=args.min_events,
                     test=args.test)
    names, keys = _cell_keys(t, args.key_cols)

    def num(x):  # untested cells have no p-value: null, not NaN, in the output
        return float(x) if np.isfinite(x) else None

    records = []
    for k in range(c1.size):
        rec = {n: keys[j][k] for j, n in enumerate(names)}
        rec.update(current=int(c1[k]), previous=int(c0[k]), ratio=float(r.ratio[k]), ci_low=float(r.ci_low[k]),
                   ci_high=float(r.ci_high[k]), p=num(r.p_value[k]), p_adj=num(r.p_adj[k]),
                   significant=bool(r.significant[k]), direction=str(r.direction[k]), phi=num(r.phi[k]),
                   history_pairs=int(r.history[k]), method=str(r.method[k]), expected=num(r.expected[k]),
                   test=str(r.test[k]))
        records.append(rec)
    _write_records(records, args.format, out)
    return 0


def cmd_evaluate(args, out) -> int:
    from .evaluation import did_rate_ratio, wdq

    t = Table(args.file, header=args.header)
    area = np.array([v.lower() for v in t.strings(args.area_col)], dtype=object)
    period = np.array([v.lower() for v in t.strings(args.period_col)], dtype=object)
    c = t.floats(args.count_col)
    sums = {}
    for role, name in (("action", args.action), ("buffer", args.buffer), ("control", args.control)):
        for per, pname in (("before", args.before), ("after", args.after)):
            m = (area == name.lower()) & (period == pname.lower())
            if not m.any() and not (role == "buffer" and not (area == name.lower()).any()):
                raise InputError(f"{args.file}: no rows with {args.area_col}={name!r} and {args.period_col}={pname!r}")
            sums[(role, per)] = float(c[m].sum())
    has_buffer = (area == args.buffer.lower()).any()
    if sums[("control", "before")] <= 0 or sums[("control", "after")] <= 0:
        raise InputError(f"{args.file}: the control area needs counts > 0 before and after")
    result = {}
    rr, lo, hi, p = did_rate_ratio(sums[("action", "before")], sums[("action", "after")],
                                   sums[("control", "before")], sums[("control", "after")], alpha=args.alpha)
    result["counts"] = {f"{a}_{b}": v for (a, b), v in sums.items() if has_buffer or a != "buffer"}
    result["did_rate_ratio"] = {"ratio": rr, "ci_low": lo, "ci_high": hi, "p_value": p}
    if has_buffer:
        w = wdq(sums[("action", "before")], sums[("action", "after")], sums[("buffer", "before")],
                sums[("buffer", "after")], sums[("control", "before")], sums[("control", "after")])
        result["wdq"] = {"success_measure": w.sdq, "buffer_displacement_measure": w.bdq, "wdq": w.wdq,
                         "total_net_effect": w.total_net_effect, "interpretation": w.interpretation, "text": w.text}
    if args.format == "json":
        json.dump(result, out, indent=1, default=_num)
        out.write("\n")
    else:
        flat = [{"measure": f"{sec}.{k}", "value": v} for sec, d in result.items() for k, v in d.items()]
        _write_records(flat, args.format, out)
    return 0


def cmd_trend(args, out) -> int:
    from .change import trend

    t = Table(args.file, header=args.header)
    yr = t.floats(args.year_col)
    c = t.floats(args.count_col)
    e = t.floats(args.exposure_col) if args.exposure_col else None
    if c.size < 3:
        raise InputError(f"{args.file}: a trend needs at least 3 periods (found {c.size})")
    r = trend(c, exposure=e, years=yr, alpha=args.alpha)
    rec = {k: getattr(r, k) for k in ("slope", "ci_low", "ci_high", "p_value", "annual_change_pct", "model",
                                       "dispersion", "alpha")}
    _write_records([rec], args.format, out)
    return 0


# ----------------------------------------------------------------------------- parser
def _positive_int(v):
    try:
        k = int(v)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{v!r} is not a whole number") from None
    if k < 1:
        raise argparse.ArgumentTypeError(f"{v!r} must be >= 1")
    return k


def _positive_float(v):
    try:
        f = float(v)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{v!r} is not a number") from None
    if not f > 0 or not math.isfinite(f):
        raise argparse.ArgumentTypeError(f"{v!r} must be > 0")
    return f


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=PROG, description="Crime analyses on CSV files (no database needed).")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def common(sp, xy=True):
        sp.add_argument("file", metavar="FILE.csv", help="input CSV (comma or semicolon separated, UTF-8)")
        sp.add_argument("--header", action=argparse.BooleanOptionalAction, default=True,
                        help="first line holds column names (default); with --no-header name columns by "
                             "position, 1-based (--x-col 1)")
        if xy:
            sp.add_argument("--x-col", default="X", help="column with x / easting (default X)")
            sp.add_argument("--y-col", default="Y", help="column with y / northing (default Y)")
            sp.add_argument("--crs", default=None,
                            help="CRS of the input coordinates, e.g. EPSG:4326 (x = longitude, y = latitude); "
                                 "they are projected to SWEREF 99 TM (EPSG:3006). Default: already projected, metres")
            sp.add_argument("--skip-invalid", action="store_true",
                            help="skip rows with a missing or invalid coordinate/date instead of stopping")

    nr = sub.add_parser("near-repeat", help="Knox near-repeat test (Ratcliffe's Near Repeat Calculator)",
                        description="Knox test with Monte Carlo permutation of dates; same band conventions as "
                                    "Ratcliffe's Near Repeat Calculator 1.3 (see trygg/analysis/nearrepeat.py).")
    common(nr)
    nr.add_argument("--date-col", default="date", help="column with the date, YYYY-MM-DD (default date)")
    nr.add_argument("--space-band", type=_positive_float, default=100.0, help="spatial band width in metres (100)")
    nr.add_argument("--space-bands", type=_positive_int, default=3, help="number of spatial bands (3)")
    nr.add_argument("--time-band", type=_positive_int, default=7, help="temporal band width in days (7)")
    nr.add_argument("--time-bands", type=_positive_int, default=3, help="number of temporal bands (3)")
    nr.add_argument("--distance", choices=["manhattan", "euclidean"], default="manhattan")
    nr.add_argument("--permutations", type=_positive_int, default=99, help="Monte Carlo runs (99 → p ≥ 0.01)")
    nr.add_argument("--seed", type=int, default=None, help="random seed for reproducible runs")
    nr.add_argument("--labels", choices=["exact", "nrc"], default="exact",
                    help="band labels: what the cells contain (exact, default) or the calculator's labels (nrc)")
    nr.add_argument("--precision", choices=["double", "single"], default="single",
                    help="distance arithmetic: 'single' (default) reproduces Ratcliffe's Near Repeat Calculator "
                         "bit for bit, so analysts get the reference tool's counts; 'double' is exact geometry "
                         "(differs only for pairs within centimetres of a band edge)")
    nr.add_argument("--format", choices=["json", "csv", "table"], default="table")
    nr.set_defaults(func=cmd_near_repeat)

    hs = sub.add_parser("hotspots", help="Gi* hotspots / kernel density on a grid",
                        description="The hotspot pipeline of the situation picture (trygg/analysis/hotspots.py, "
                                    "find_hotspots): points counted on a grid (origin floor(min/cell)·cell, one empty "
                                    "ring around), Getis–Ord Gi* z (queen contiguity incl. self), conditional-permutation "
                                    "p-values for the cells with at least 1 event and 5 in their 3×3 neighbourhood, "
                                    "Benjamini–Hochberg FDR over those cells; optionally a Gaussian kernel density. "
                                    "Every cell is reported; iy counts from the south. The defaults are the ones the "
                                    "picture's map, the API and the annual report use.")
    common(hs)
    hs.add_argument("--cell", type=_positive_float, default=None, help="cell size in metres (250)")
    hs.add_argument("--method", choices=["gi-star", "kde"], default="gi-star")
    hs.add_argument("--bandwidth", type=_positive_float, default=None,
                    help="KDE bandwidth = Gaussian kernel SD in metres (default: Silverman's rule σ·n^(-1/6), "
                         "at least two cells)")
    hs.add_argument("--permutations", type=_positive_int, default=None, help="conditional permutations (9999)")
    hs.add_argument("--seed", type=int, default=None, help="random seed (fixed by default: same input, same cells)")
    hs.add_argument("--q", type=float, default=None, help="false discovery rate for 'hot' (0.05)")
    hs.add_argument("--format", choices=["json", "geojson", "csv"], default="json")
    hs.set_defaults(func=cmd_hotspots)

    ch = sub.add_parser("change", help="current vs expected counts: quasi-Poisson baseline test + FDR",
                        description="One row per cell (e.g. area × category). With --history-cols (and --test "
                                    "baseline, the default) the current count is tested against the count expected "
                                    "from the previous period and the previous halves of the history pairs "
                                    "(quasi-Poisson baseline, Farrington et al. 1996); a cell with fewer than 4 "
                                    "usable history periods, or --test pair, gets the quasi-Poisson test of the "
                                    "rate ratio current/previous with the dispersion from its own history (mid-p "
                                    "value of the exact conditional test on the counts divided by the dispersion; "
                                    "without enough history the conservative fallback φ = 1 + 0.01·mean count). "
                                    "Cells with fewer than --min-events events in the two periods are not tested "
                                    "(p null). Benjamini–Hochberg across the tested rows. Exposures (days, "
                                    "population) default to 1 (equal-length periods).")
    common(ch, xy=False)
    ch.add_argument("--key-cols", default=None, help="comma-separated columns identifying a cell, copied to the output")
    ch.add_argument("--current-col", default="current", help="count in the current period (column 'current')")
    ch.add_argument("--previous-col", default="previous",
                    help="count in the reference period: previous period or same period last year ('previous')")
    ch.add_argument("--current-exposure", type=_positive_float, default=1.0, help="exposure of the current period")
    ch.add_argument("--previous-exposure", type=_positive_float, default=1.0, help="exposure of the reference period")
    ch.add_argument("--current-exposure-col", default=None, help="per-row exposure column for the current period")
    ch.add_argument("--previous-exposure-col", default=None, help="per-row exposure column for the reference period")
    ch.add_argument("--history-cols", default=None,
                    help="past pairs of equal periods, as columns current1,previous1,current2,previous2,… "
                         "(the cell's own history the dispersion is estimated from)")
    ch.add_argument("--test", choices=["baseline", "pair"], default="baseline",
                    help="baseline: against the previous period and the history (default); pair: previous period only")
    ch.add_argument("--min-events", type=int, default=20,
                    help="cells with fewer events in the two periods together are not tested (20)")  # = change.MIN_EVENTS
    ch.add_argument("--q", type=float, default=0.05, help="false discovery rate (0.05)")
    ch.add_argument("--alpha", type=float, default=0.05, help="1 - confidence level of the CIs (0.05)")
    ch.add_argument("--format", choices=["json", "csv", "table"], default="table")
    ch.set_defaults(func=cmd_change)

    ev = sub.add_parser("evaluate", help="did the action work? WDQ + difference-in-differences rate ratio",
                        description="Long CSV of counts with an area column (action / buffer / control) and a period "
                                    "column (before / after); rows of the same area and period are summed. Outputs the "
                                    "DiD rate ratio (A_after/A_before)/(C_after/C_before) with CI and, when a buffer is "
                                    "present, Bowers & Johnson's Weighted Displacement Quotient.")
    common(ev, xy=False)
    ev.add_argument("--area-col", default="area")
    ev.add_argument("--period-col", default="period")
    ev.add_argument("--count-col", default="count")
    ev.add_argument("--action", default="action", help="area value of the action area")
    ev.add_argument("--buffer", default="buffer", help="area value of the buffer zone (optional rows)")
    ev.add_argument("--control", default="control", help="area value of the control area")
    ev.add_argument("--before", default="before", help="period value before the action")
    ev.add_argument("--after", default="after", help="period value after the action")
    ev.add_argument("--alpha", type=float, default=0.05)
    ev.add_argument("--format", choices=["json", "csv", "table"], default="table")
    ev.set_defaults(func=cmd_evaluate)

    tr = sub.add_parser("trend", help="multi-year trend: Poisson / negative binomial slope with CI",
                        description="One row per year: year, count and optionally an exposure (population).")
    common(tr, xy=False)
    tr.add_argument("--year-col", default="year")
    tr.add_argument("--count-col", default="count")
    tr.add_argument("--exposure-col", default=None)
    tr.add_argument("--alpha", type=float, default=0.05)
    tr.add_argument("--format", choices=["json", "csv", "table"], default="table")
    tr.set_defaults(func=cmd_trend)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # --help (0) or a usage error (2, message already printed)
        return int(e.code or 0)
    try:
        return args.func(args, sys.stdout)
    except InputError as e:
        print(f"{PROG}: error: {e}", file=sys.stderr)
        return 2
    except ValueError as e:  # invalid parameter combination caught by the analysis functions
        print(f"{PROG} {args.command}: error: {args.file}: {e}", file=sys.stderr)
        return 2
    except MemoryError:
        print(f"{PROG} {args.command}: error: {args.file}: not enough memory for this input", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
