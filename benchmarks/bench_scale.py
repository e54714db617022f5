"""Sweden-scale timings (issue 13): the picture pages, the public page, ``trygg picture``, the annual
report on a database made by ``benchmarks/scale_data.py``, and the 10 M-incident analysis core.

    TRYGG_VAR_DIR=/tmp/scale flock /work/wt/bench.lock python benchmarks/bench_scale.py [--runs 5] [--write]
    DATABASE_URL=postgres://…/trygg_scale flock /work/wt/bench.lock python benchmarks/bench_scale.py --write
    python benchmarks/bench_scale.py --core-only --write     # the analysis core alone, no database

Pages through Django's test Client (server time, no network), the picture pages as an
administrator (the heaviest variant: incident lists with texts), the public page anonymously.
*Cold*: as right after an import, before the job it queues reaches the page: the data version
raised (every figure and page stored before is stale), the default cache emptied (this process's
coverage counts) and what the import computes as it commits computed (``warming.after_import``:
what the coverage rules read, for every process), so every other figure of the page is computed in
the request; *nothing cached*: the figure cache and the default cache emptied before the request;
*warm*: the same request again with the cache kept (the usual case between two imports). Medians
of ``--runs``. ``trygg picture`` runs as a new process each time (start-up included; cold and
nothing cached as for the pages). The annual report: cold = collecting the figures and rendering the PDF once; warm = the
report's HTML page when its figures are cached. ``--write`` puts the results between markers in
``benchmarks/README-scale.md`` (one section per database and one for the core).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's trygg, not whichever the environment has installed
README = Path(__file__).resolve().parent / "README-scale.md"
TARGETS = {"picture": 300, "public": 100, "cli": 1000, "annual": 30_000}


def machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        model = next((x.split(":", 1)[1].strip() for x in out.splitlines() if x.startswith("Model name")), model)
    except (OSError, subprocess.CalledProcessError):
        pass
    load = os.getloadavg()[0]
    return f"{model}, {os.cpu_count()} cores (shared; load average {load:.1f} at the start), Python {platform.python_version()}"


def median_ms(fn, runs: int, before=None) -> float:
    out = []
    for _ in range(runs):
        if before:
            before()
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return statistics.median(out)




def bench_core(n: int = 10_000_000, pip: bool = True) -> list[tuple[str, float, float, str]]:
    """count_cells vs np.bincount and the situation-picture core at 1,012 areas, ``n`` incidents:
    the period split, the count cube, the tests; and (``pip``) the area assignment of ``n`` points
    over Göteborg's real 1,012 basområden, which happens once per incident at import."""
    from trygg.analysis.change import flag_changes
    from trygg.analysis.counts import count_cells, cube
    from trygg.analysis.periods import bucket_index, period_codes

    rng = np.random.default_rng(13)
    n_area, n_cat = 1012, 12
    area = rng.integers(0, n_area, n)
    cat = rng.integers(0, n_cat, n)
    dates = np.datetime64("2021-01-04") + rng.integers(0, 5 * 364, n).astype("timedelta64[D]")
    week, _ = bucket_index(dates, "week")
    wcode = (week - week.min()) // 7
    n_w = int(wcode.max()) + 1

    def bincount():
        return np.bincount((area * n_cat + cat) * n_w + wcode, minlength=n_area * n_cat * n_w)

    def cells():
        return count_cells(area, cat, wcode)

    def split():
        return period_codes(dates, "week")

    def counted(codes, labels):
        return cube((area, cat, codes), (n_area, n_cat, len(labels))).reshape(n_area * n_cat, -1)

    def picture():  # from the raw dates: week codes, the cube, the last week vs the one before
        c = counted(*split())
        return flag_changes(c[:, -1], c[:, -2])

    def picture_year():
        c = counted(*split())
        return flag_changes(c[:, 52:], c[:, :-52])  # every week vs the same week a year earlier

    def best(*fns, k=5):  # (wall ms, CPU ms of this process), the best of k runs each, several interleaved
        walls, cpus = [[] for _ in fns], [[] for _ in fns]
        for _ in range(k):
            for i, fn in enumerate(fns):
                w, c = time.perf_counter(), time.process_time()
                fn()
                walls[i].append((time.perf_counter() - w) * 1000)
                cpus[i].append((time.process_time() - c) * 1000)
        out = [(min(a), min(b)) for a, b in zip(walls, cpus, strict=True)]
        return out[0] if len(fns) == 1 else out

    t_bin, t_cells = best(bincount, cells)  # interleaved: both see the same load
    (keys, counts) = cells()
    dense = bincount()
    same = np.array_equal(counts, dense[dense > 0]) and np.array_equal(keys[2], np.flatnonzero(dense) % n_w)
    t_raw = best(lambda: count_cells(area, cat, week))
    t_split = best(split)
    codes, labels = split()
    t_cube = best(lambda: counted(codes, labels))
    same_cube = np.array_equal(counted(codes, labels).ravel(), dense)
    t_pic, t_year = best(picture), best(picture_year, k=2)
    what = f"{n:,} incidents, {n_area:,} areas × {n_cat} categories × {n_w} weeks"
    rows = [
        ("np.bincount of the combined cell code", *t_bin, what),
        ("count_cells(area, category, week code)", *t_cells, f"{t_cells[0] / t_bin[0]:.1f}× bincount "
         f"(CPU {t_cells[1] / t_bin[1]:.1f}×); "
         f"{'identical counts and keys' if same else 'MISMATCH'}"),
        ("count_cells(area, category, week key) (Mondays' day numbers: a sparse range)", *t_raw,
         f"{t_raw[0] / t_bin[0]:.1f}× bincount (CPU {t_raw[1] / t_bin[1]:.1f}×)"),
        ("period split: period_codes(dates, 'week')", *t_split, f"{n:,} dates → {len(labels)} consecutive weeks"),
        ("cube((area, category, week), shape): one bincount", *t_cube,
         "identical to the bincount" if same_cube else "MISMATCH"),
        ("core: dates → week split + cube + last week vs the week before, exact tests + BH", *t_pic,
         f"{n_area * n_cat:,} cells tested; target < 500 ms"),
        ("core: dates → week split + cube + every week vs a year earlier, exact tests + BH", *t_year,
         f"{n_area * n_cat * (n_w - 52):,} cells"),
    ]
    path = ROOT / "trygg" / "areas" / "data" / "municipalities" / "goteborg" / "goteborg_basomraden_2021.geojson.gz"
    if pip and path.exists():
        import geopandas as gpd

        from trygg.analysis import spatial

        basomraden = gpd.read_file(f"/vsigzip/{path}").to_crs(3006)
        polys = np.asarray(list(basomraden.geometry.values), dtype=object)
        minx, miny, maxx, maxy = basomraden.total_bounds
        x, y = rng.uniform(minx, maxx, n), rng.uniform(miny, maxy, n)
        got = spatial.assign_points_to_polygons(x, y, polys)
        t_pip = best(lambda: spatial.assign_points_to_polygons(x, y, polys), k=3)
        ref = []
        t_ref = best(lambda: ref.append(spatial._assign_by_polygon(x, y, polys)), k=1)  # the method before the raster
        ref = ref[0]
        rows += [
            (f"area assignment: {n:,} points × {len(polys):,} basområden (once per incident, at import)", *t_pip,
             f"uniform over the bounding box, {(got >= 0).mean():.0%} inside; raster of borders"),
            ("area assignment, the per-polygon pass alone (the method before)", *t_ref,
             f"one run; {'identical assignments' if np.array_equal(got, ref) else 'MISMATCH'}"),
        ]
    return rows


def bench_db(runs: int, min_incidents: int = 100_000, cold_runs: int = 2) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trygg.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.cache import caches
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Max, Min
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import translation

    from trygg.areas import schemes
    from trygg.areas.models import Area, Level
    from trygg.incidents.models import Incident
    from trygg.numbers import figure_cache
    from trygg.numbers.params import default_end
    from trygg.picture import opened, warming
    from trygg.reports.annual import render
    from trygg.reports.annual.data import collect

    call_command("collectstatic", interactive=False, verbosity=0)  # the pages need the static manifest
    from trygg.jobs.models import Job

    # jobs an earlier run of this benchmark left queued (its annual page asks for the report again
    # after the data version went up): the job after an import would make way for them and stop
    Job.objects.filter(status=Job.Status.QUEUED).delete()
    started_on, started_at = machine(), dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M")
    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    span = Incident.objects.aggregate(a=Min("date"), b=Max("date"), n=Max("id"))
    n = Incident.objects.count()
    if n < min_incidents:
        sys.exit(f"only {n} incidents: make the database with benchmarks/scale_data.py first")
    end = span["b"]
    admin = get_user_model().objects.filter(is_superuser=True).first()
    client, anon = Client(), Client()
    client.force_login(admin)
    mellan = Area.objects.filter(level=Level.MELLANOMRADE, path__startswith="/SE/1480/1/").order_by("code").first()
    prim = Area.objects.filter(level=Level.PRIMAROMRADE, code="612").first() or \
        Area.objects.filter(level=Level.PRIMAROMRADE).order_by("code").first()

    def year_q(code):  # the "Last 12 months" button against the year before, from the page's default end
        last = default_end(Area.objects.get(code=code))
        return f"from={last - dt.timedelta(days=364)}&to={last}&compare=last-year"

    # "28 days": the page as opened, without parameters (the last 28 complete days against the 28 before)
    pages = [
        ("picture", "country, 28 days", "/lagesbild/SE/"),
        ("picture", "country, 12 months vs last year", f"/lagesbild/SE/?{year_q('SE')}"),
        ("picture", "municipality Göteborg, 28 days", "/lagesbild/1480/"),
        ("picture", "municipality Göteborg, 12 months vs last year", f"/lagesbild/1480/?{year_q('1480')}"),
        ("picture", "municipality Stockholm, 28 days", "/lagesbild/0180/"),
        ("picture", "stadsområde Nordost, 28 days", "/lagesbild/1/"),
        ("picture", "stadsområde Nordost, 12 months vs last year", f"/lagesbild/1/?{year_q('1')}"),
        ("picture", f"mellanområde {mellan.name}, 28 days", f"/lagesbild/{mellan.code}/"),
        ("picture", f"primärområde {prim.name}, 28 days", f"/lagesbild/{prim.code}/"),
        ("public", "public page Göteborg", "/lagesbild/offentlig/1480/"),
        ("public", "public page Nordost", "/lagesbild/offentlig/1/"),
        ("public", "public page Stockholm", "/lagesbild/offentlig/0180/"),
    ]
    from trygg.incidents import coverage, dataversion

    def clear():  # nothing cached: the figure cache and the coverage rules' counts emptied
        notes = caches["figures"].get(opened.KEY)  # which pages were opened: an import keeps them
        caches["figures"].clear()
        caches["default"].clear()
        if notes:
            caches["figures"].set(opened.KEY, notes, timeout=None)

    def as_after_import():  # what an import leaves: every figure and page stored before stale (the
        # data version raised), this process's coverage counts gone (the import state moved), and
        # what the import computes as it commits (``warming.after_import``: what the coverage rules
        # read, for every process; the job it queues is run further down, not here)
        dataversion.bump()
        caches["default"].clear()
        coverage.warm()

    results = []
    for kind, label, url in pages:
        c = anon if kind == "public" else client
        r = c.get(url)
        assert r.status_code == 200, (url, r.status_code)
        cold = median_ms(lambda c=c, url=url: c.get(url), cold_runs, before=as_after_import)
        empty = median_ms(lambda c=c, url=url: c.get(url), cold_runs, before=clear)
        c.get(url)
        warm = median_ms(lambda c=c, url=url: c.get(url), runs)
        results.append([kind, label, url, cold, warm, None, empty])
        print(f"{label}: cold {cold:.0f} ms, nothing cached {empty:.0f} ms, warm {warm:.0f} ms", flush=True)

    # as an installation runs it: Python may keep the compiled modules (a shell or CI with
    # PYTHONDONTWRITEBYTECODE=1 compiles every Trygg module in every new process, ~0.3 s here)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    trygg_bin = str(Path(sys.executable).with_name("trygg"))
    subprocess.run([trygg_bin, "picture", "--area", "SE", "--format", "json"], env=env, check=True,
                   capture_output=True)  # compiles what it imports, once
    cli = []
    for code, label in (("SE", "country"), ("1480", "Göteborg"), ("1", "Nordost")):
        cmd = [trygg_bin, "picture", "--area", code, "--format", "json"]  # the default period, as the page
        t = median_ms(lambda cmd=cmd: subprocess.run(cmd, env=env, check=True, capture_output=True), cold_runs,
                      before=as_after_import)
        empty = median_ms(lambda cmd=cmd: subprocess.run(cmd, env=env, check=True, capture_output=True), cold_runs,
                          before=clear)
        cli.append([label, " ".join(["trygg", *cmd[1:]]), t, None, empty])
        print(f"trygg picture {label}: {t:.0f} ms, nothing cached {empty:.0f} ms", flush=True)

    # after an import: the data version goes up (every figure and page stored is stale, the
    # coverage rules' counts are emptied), the job computes the figures most people open first and
    # those of the pages opened in the last two weeks (trygg.picture.warming: every page above was
    # opened); then each page is opened as it was not before (a new page-cache key: an unused query
    # parameter), so its figures come from the job and the rest of the page is rendered
    dataversion.bump()
    caches["default"].clear()
    with translation.override(settings.LANGUAGE_CODE):
        t0 = time.perf_counter()
        summary, _name, _type = warming.build({}, lambda percent, step="": None)
        warm_job = {"s": time.perf_counter() - t0, "summary": summary.strip()}
    print(f"warm-figures job: {warm_job['s']:.1f} s ({warm_job['summary']})", flush=True)
    fresh = iter(range(10**6))
    for row in results:
        kind, _label, url = row[:3]
        c = anon if kind == "public" else client
        sep = "&" if "?" in url else "?"
        # one request each: the first viewer's (a second would find what the first computed)
        row[5] = median_ms(lambda c=c, url=url, sep=sep: c.get(f"{url}{sep}bench={next(fresh)}"), 1)
        print(f"{row[1]}: after the job {row[5]:.0f} ms", flush=True)
    for row in cli:
        cmd = [trygg_bin, *row[1].split()[1:]]
        row[3] = median_ms(lambda cmd=cmd: subprocess.run(cmd, env=env, check=True, capture_output=True), cold_runs)
        print(f"trygg picture {row[0]}: after the job {row[3]:.0f} ms", flush=True)

    year = end.year - 1
    clear()
    with translation.override("sv"):
        t0 = time.perf_counter()
        report = collect(year, "narkotika")
        t1 = time.perf_counter()
        render.pdf(report)
        t2 = time.perf_counter()
        figure_cache.cached("annual-report", lambda: report, year, "narkotika", schemes.home_code())  # as the job stores it
    annual = {"collect_s": t1 - t0, "pdf_s": t2 - t1, "year": year}
    url = f"/rapporter/arsanalys/{year}/narkotika/"
    r = client.get(url)
    if r.status_code == 202:  # queued: the background job writes the page from the data collected above
        from trygg.jobs import queue

        queue.run_pending()
        r = client.get(url)
    if r.status_code == 200:
        annual["warm_page_ms"] = median_ms(lambda: client.get(url), runs)
    else:
        annual["warm_page_ms"] = None
        annual["page_status"] = r.status_code
    print(f"annual report {year}: collect {t1 - t0:.1f} s, pdf {t2 - t1:.1f} s; warm page {annual['warm_page_ms']}",
          flush=True)
    # the page served the report stored above and left its job queued: a later `trygg serve` on this
    # database (bench_load.py) would run it beside its clients
    Job.objects.filter(status=Job.Status.QUEUED).delete()
    db = connection.vendor
    if db == "postgresql":
        version = f"{connection.pg_version // 10000}.{connection.pg_version % 10000}"
    else:
        version = __import__("sqlite3").sqlite_version
    return dict(vendor=db, version=version, machine=started_on, when=started_at, incidents=n, span=(str(span["a"]), str(end)),
                synthetic=Incident.objects.filter(synthetic=True).count(), pages=results, cli=cli, annual=annual,
                cold_runs=cold_runs, warm_job=warm_job)


def _ok(ms, target):
    return "✓" if ms < target else "✗"


def db_markdown(r: dict, runs: int) -> str:
    name = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[r["vendor"]]
    lines = [f"### {name} {r['version']}", "",
             f"{r.get('when') or dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M')} UTC, {r.get('machine') or machine()}. "
             f"{r['incidents']:,} incidents "
             f"{r['span'][0]} – {r['span'][1]} ({r['synthetic']:,} synthetic, from `scale_data.py`). Medians of "
             f"{r['cold_runs']} cold and {runs} warm requests.", "",
             "*Cold*: as right after an import, before its job reached the page: the data version raised (every "
             "figure and page stored before is stale), this process's coverage counts emptied, and what the import "
             "itself computes as it commits computed (`warming.after_import`: what the coverage rules read, for "
             "every process); every other figure of the page is computed in the request. *Nothing cached*: the "
             "figure cache and the default cache emptied before the request (the first viewer on a new "
             "installation, or in the fraction of a second the import's own step takes). *After the job*: the data version raised (as by an import), then the job "
             "the import queues ran: it computes the figures of the pages most people open first and of every page "
             "opened in the last two weeks (here: every page of the table, opened in the cold and warm runs), and "
             "renders the public pages whole; then one request per page, as the first viewer after an import "
             "(an unused query parameter: a picture page is rendered for the viewer from the stored figures, a public "
             "page with it is rendered too). *Warm*: the same page again (page cache).", "",
             "| page | cold (ms) | nothing cached (ms) | after the job (ms) | warm (ms) | target "
             "| met cold / nothing cached / after the job / warm |",
             "|---|---:|---:|---:|---:|---:|---|"]

    def met(x, t):
        return _ok(x, t) if x is not None else "–"

    for kind, label, url, cold, after, warm, empty in (_page_row(p) for p in r["pages"]):
        t = TARGETS[kind]
        lines.append(f"| {label} (`{url.split('?')[0]}`) | {cold:,.0f} | {_ms(empty)} | {_ms(after)} | {warm:,.0f} "
                     f"| < {t} | {_ok(cold, t)} / {met(empty, t)} / {met(after, t)} / {_ok(warm, t)} |")
    for label, _cmd, ms, *rest in r["cli"]:
        after = rest[0] if rest else None
        empty = rest[1] if len(rest) > 1 else None
        lines.append(f"| `trygg picture` {label}, 28 days, json (new process) | {ms:,.0f} | {_ms(empty)} | "
                     f"{_ms(after)} | – | < 1000 | {_ok(ms, 1000)} / {met(empty, 1000)} / {met(after, 1000)} |")
    a = r["annual"]
    total = (a["collect_s"] + a["pdf_s"]) * 1000
    warm = f"{a['warm_page_ms']:,.0f}" if a.get("warm_page_ms") is not None else f"HTTP {a.get('page_status')}"
    lines.append(f"| annual report {a['year']}, narkotika: figures {a['collect_s']:.1f} s + PDF {a['pdf_s']:.1f} s; "
                 f"warm = its HTML page | {total:,.0f} | – | – | {warm} | < 30000 | {_ok(total, 30_000)} |")
    if r.get("warm_job"):
        lines += ["", f"The job after an import (`warm-figures`, after the data version went up): {r['warm_job']['s']:.1f} s — "
                      f"{r['warm_job']['summary']}"]
    return "\n".join(lines) + "\n"


def _page_row(p):
    """(kind, label, url, cold, after the job, warm, nothing cached); runs before the job's column
    have five fields, runs before the nothing-cached column six."""
    kind, label, url, cold, warm, *rest = p
    return kind, label, url, cold, (rest[0] if rest else None), warm, (rest[1] if len(rest) > 1 else None)


def _ms(x):
    return "–" if x is None else f"{x:,.0f}"


def core_markdown(rows) -> str:
    lines = [f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {machine()}, numpy {np.__version__}. Best of 5 "
             "(of 3 for the area assignment, 2 for the year comparison, 1 for the method before; bincount and "
             "count_cells interleaved, so that both meet the same load). Wall clock and this process's CPU time (`time.process_time`, "
             "less sensitive to other jobs on a shared machine).", "",
             "| step | wall (ms) | CPU (ms) | note |", "|---|---:|---:|---|"]
    for row in rows:
        a, wall, cpu, note = row if len(row) == 4 else (row[0], row[1], None, row[2])
        lines.append(f"| {a} | {wall:,.0f} | {'–' if cpu is None else f'{cpu:,.0f}'} | {note} |")
    return "\n".join(lines) + "\n"


def write_section(key: str, text: str) -> None:
    body = README.read_text() if README.exists() else "# Sweden-scale benchmark (issue 13)\n\n"
    begin, end = f"<!-- BEGIN {key} -->", f"<!-- END {key} -->"
    block = f"{begin}\n{text}{end}"
    if begin in body:
        body = re.sub(re.escape(begin) + ".*?" + re.escape(end), lambda _m: block, body, flags=re.S)
    else:
        body = body.rstrip("\n") + "\n\n" + block + "\n"
    README.write_text(body)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--cold-runs", type=int, default=2)
    ap.add_argument("--write", action="store_true")
    ap.add_argument("--core-only", action="store_true")
    ap.add_argument("--no-core", action="store_true")
    ap.add_argument("--core-n", type=int, default=10_000_000)
    ap.add_argument("--no-pip", action="store_true", help="leave the area assignment out of the core run")
    ap.add_argument("--min-incidents", type=int, default=100_000)
    ap.add_argument("--json", help="also write the raw results here")
    ap.add_argument("--from-json", help="write README-scale.md sections from a --json file of an earlier run")
    args = ap.parse_args(argv)
    if args.from_json:
        saved = json.loads(Path(args.from_json).read_text())
        if "db" in saved:
            write_section(saved["db"]["vendor"], db_markdown(saved["db"], args.runs))
        if "core" in saved:
            write_section("core", core_markdown(saved["core"]))
        return 0
    out = {}
    if not args.core_only:
        r = bench_db(args.runs, args.min_incidents, args.cold_runs)
        out["db"] = r
        md = db_markdown(r, args.runs)
        print(md)
        if args.write:
            write_section(r["vendor"], md)
    if not args.no_core:
        rows = bench_core(args.core_n, pip=not args.no_pip)
        out["core"] = rows
        md = core_markdown(rows)
        print(md)
        if args.write:
            write_section("core", md)
    if args.json:
        Path(args.json).write_text(json.dumps(out, default=str, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
