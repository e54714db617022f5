"""Load on the production server: N concurrent clients for D seconds on the public page and the
situation picture page, over loopback, against ``trygg serve`` (gunicorn) on SQLite and on
PostgreSQL, and against Django's development server (``trygg serve --dev``) for the ratio.

The full measurement of issue 14 (50 clients × 60 s per page and server, about 8 minutes)::

    python benchmarks/bench_load.py --clients 50 --duration 60 --write

A short smoke run (checks that everything works; NOT the target measurement)::

    python benchmarks/bench_load.py --clients 10 --duration 10 --write

Each server gets the demo database (``trygg demo`` into ``--var-dir``; PostgreSQL in the database
of ``--pg-url``, created when missing), runs with its production defaults (workers sized to the
machine) and is stopped afterwards. Clients are threads with one keep-alive connection each, closed
loop (the next request when the last one is answered); the picture page is requested as
``samordnare.nordost`` (one login shared by all clients), the public page without login. An error is
any answer other than 200, a dropped connection or a request slower than ``--request-timeout``.
Results go to ``benchmarks/README-load.md`` with ``--write``; a run with fewer than 50 clients or
shorter than 60 s is labelled a smoke run there.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import os
import platform
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
TRYGG = str(Path(sys.executable).with_name("trygg"))
RESULTS = Path(__file__).resolve().parent / "README-load.md"
USER, PASSWORD = "samordnare.nordost", "trygg-demo-2026"
DEMO_DATA = "the demo database (`trygg demo`)"
TARGET_P95_MS = {"public": 300, "picture": 800}
FULL = {"clients": 50, "duration": 60}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def environment(var_dir: Path, database_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")}
    env.update({"TRYGG_VAR_DIR": str(var_dir), "DATABASE_URL": database_url, "TRYGG_DEMO": "1",
                "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1,localhost", "TRYGG_ACCESS_LOG": ""})
    return env


def ensure_postgres_database(url: str) -> None:
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def load_demo(env: dict, reuse: bool = False) -> str:
    """Load the demo (idempotent; with ``reuse`` only migrate a database that holds it already,
    which empties the figure cache just the same) and return the code of Nordost (the coordinator's area)."""
    subprocess.run([TRYGG, "migrate" if reuse else "demo"], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    if reuse:  # jobs an earlier run or benchmark left queued would run beside the clients, on their CPU
        subprocess.run([TRYGG, "manage", "shell", "-c", "from trygg.jobs.models import Job; "
                        "Job.objects.filter(status=Job.Status.QUEUED).delete()"], env=env, cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
    code = ("from trygg.areas.models import Area; "
            "print(Area.objects.filter(name__iexact='Nordost').order_by('level').values_list('code', flat=True)[0])")
    out = subprocess.run([TRYGG, "manage", "shell", "-c", code], env=env, cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout
    return out.strip().splitlines()[-1]


class Server:
    def __init__(self, env: dict, dev: bool):
        self.port = free_port()
        args = [TRYGG, "serve", f"127.0.0.1:{self.port}"] + (["--dev"] if dev else [])
        self.proc = subprocess.Popen(args, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     start_new_session=True, text=True)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server stopped: {self.proc.stderr.read()[-2000:]}")
            try:
                status, _, _ = request(self.connect(), "GET", "/", {})
                if status < 500:
                    return
            except OSError:
                pass
            time.sleep(0.5)
        self.stop()
        raise RuntimeError("the server did not answer within 180 s")

    def connect(self, timeout=30.0):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def request(conn, method, path, headers, body=None):
    conn.request(method, path, body=body, headers=headers)
    resp = conn.getresponse()
    return resp.status, resp.getheaders(), resp.read()


def _cookies(headers, jar):
    for name, value in headers:
        if name.lower() == "set-cookie":
            key, _, rest = value.partition("=")
            jar[key.strip()] = rest.split(";", 1)[0]
    return jar


def login(server: Server) -> str:
    """Sign in once; returns the Cookie header every picture client sends."""
    conn = server.connect()
    status, headers, body = request(conn, "GET", "/konto/logga-in/", {})
    jar = _cookies(headers, {})
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    form = urllib.parse.urlencode({"username": USER, "password": PASSWORD, "csrfmiddlewaretoken": token})
    status, headers, _ = request(conn, "POST", "/konto/logga-in/", {
        "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items()),
        "Content-Type": "application/x-www-form-urlencoded", "Referer": f"http://127.0.0.1:{server.port}/konto/logga-in/"},
        form)
    if status != 302:
        raise RuntimeError(f"login as {USER} failed ({status})")
    jar = _cookies(headers, jar)
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def hammer(server: Server, path: str, headers: dict, clients: int, duration: float, timeout: float) -> dict:
    """``clients`` threads request ``path`` in a closed loop for ``duration`` seconds."""
    latencies, errors, lock = [], [], threading.Lock()
    start_gate = threading.Barrier(clients + 1)
    stop_at = [0.0]

    def client():
        conn = server.connect(timeout)
        mine, bad = [], []
        start_gate.wait()
        while time.monotonic() < stop_at[0]:
            t = time.perf_counter()
            try:
                status, _, _ = request(conn, "GET", path, headers)
                if status != 200:
                    bad.append(f"HTTP {status}")
            except (OSError, http.client.HTTPException) as exc:
                bad.append(type(exc).__name__)
                conn.close()
                conn = server.connect(timeout)
                continue
            mine.append(time.perf_counter() - t)
        conn.close()
        with lock:
            latencies.extend(mine)
            errors.extend(bad)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for th in threads:
        th.start()
    stop_at[0] = time.monotonic() + duration
    start_gate.wait()
    began = time.monotonic()
    for th in threads:
        th.join()
    elapsed = time.monotonic() - began
    ms = np.array(latencies) * 1000 if latencies else np.array([np.nan])
    return {"requests": len(latencies) + len(errors), "errors": len(errors), "error_kinds": sorted(set(errors)),
            "rps": len(latencies) / elapsed, "p50": float(np.percentile(ms, 50)), "p95": float(np.percentile(ms, 95)),
            "p99": float(np.percentile(ms, 99)), "max": float(np.max(ms))}


def run_server(label, env, dev, code, args) -> list[dict]:
    server = Server(env, dev)
    try:
        cookie = login(server)
        pages = {"public": (f"/lagesbild/offentlig/{code}/", {}),
                 "picture": (f"/lagesbild/{code}/", {"Cookie": cookie})}
        rows = []
        for page, (path, headers) in pages.items():
            hammer(server, path, headers, min(args.clients, 4), 2, args.request_timeout)  # warm up every worker a bit
            r = hammer(server, path, headers, args.clients, args.duration, args.request_timeout)
            r.update(server=label, page=page, path=path)
            print(f"{label:<22} {page:<8} {r['requests']:>6} req  {r['errors']:>4} errors  {r['rps']:7.1f}/s  "
                  f"p50 {r['p50']:7.0f} ms  p95 {r['p95']:7.0f} ms  p99 {r['p99']:7.0f} ms", flush=True)
            rows.append(r)
        return rows
    finally:
        server.stop()


def machine() -> str:
    try:
        model = next(ln.split(":", 1)[1].strip() for ln in open("/proc/cpuinfo") if ln.startswith("model name"))
    except (OSError, StopIteration):
        model = platform.processor() or "unknown CPU"
    return f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}"


def write(rows: list[dict], args) -> None:
    smoke = args.clients < FULL["clients"] or args.duration < FULL["duration"]
    cmd = f"python benchmarks/bench_load.py --clients {args.clients} --duration {args.duration:g} --write"
    if args.data != DEMO_DATA:
        results = args.results.resolve()
        shown = results.relative_to(ROOT) if results.is_relative_to(ROOT) else results
        cmd += f" --reuse-demo --var-dir {args.var_dir} --pg-url {args.pg_url} --results {shown} --data …"
    lines = ["# Load benchmark: `trygg serve` under concurrent clients", ""]
    if smoke:
        lines += [f"**SHORT SMOKE RUN ({args.clients} clients × {args.duration:g} s per page) — not the target "
                  f"measurement.** The target (issue 14) is {FULL['clients']} clients × {FULL['duration']} s: 0 errors, "
                  f"p95 < {TARGET_P95_MS['public']} ms on the public page and < {TARGET_P95_MS['picture']} ms on "
                  "the picture page, on SQLite and PostgreSQL. Run it with "
                  f"`python benchmarks/bench_load.py --clients {FULL['clients']} --duration {FULL['duration']} --write`.", ""]
    lines += [f"Command: `{cmd}`  ", f"Machine: {machine()} (shared with other work while it ran)  ",
              f"Date: {dt.date.today().isoformat()}  ",
              f"Data: {args.data}; picture page as `samordnare.nordost`, public page without login; "
              "closed-loop clients over loopback, one keep-alive connection each.", "",
              "| server | page | requests | errors | req/s | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) | target p95 |",
              "|---|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in rows:
        target = f"< {TARGET_P95_MS[r['page']]} ms" + ("" if smoke else (" ✓" if r["p95"] < TARGET_P95_MS[r["page"]]
                                                                            and not r["errors"] else " ✗"))
        kinds = f" ({', '.join(r['error_kinds'])})" if r["errors"] else ""
        lines.append(f"| {r['server']} | {r['page']} `{r['path']}` | {r['requests']:,} | {r['errors']}{kinds} | "
                     f"{r['rps']:.1f} | {r['p50']:.0f} | {r['p95']:.0f} | {r['p99']:.0f} | {r['max']:.0f} | {target} |")
    dev = {r["page"]: r for r in rows if r["server"].startswith("dev server")}
    ratios = [f"{r['page']} on {r['server']}: {dev[r['page']]['p95'] / r['p95']:.2f}"
              for r in rows if r["page"] in dev and not r["server"].startswith("dev server") and r["p95"] > 0]
    if ratios:
        lines += ["", "p95 of Django's development server ÷ p95 of gunicorn (same clients, same data; above 1 means "
                  "gunicorn is faster): " + "; ".join(ratios) + "."]
    args.results.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.results}", file=sys.stderr)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--duration", type=float, default=60, help="seconds per page and server")
    p.add_argument("--servers", default="gunicorn-sqlite,gunicorn-postgres,dev-sqlite",
                   help="comma-separated: gunicorn-sqlite, gunicorn-postgres, dev-sqlite")
    p.add_argument("--var-dir", type=Path, default=Path("/tmp/trygg-bench-load"))
    p.add_argument("--pg-url", default=os.environ.get("TRYGG_BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/trygg_bench_load"))
    p.add_argument("--request-timeout", type=float, default=30)
    p.add_argument("--reuse-demo", action="store_true",
                   help="the databases hold the demo from an earlier run: migrate them, do not load it again")
    p.add_argument("--write", action="store_true", help=f"write {RESULTS.name} (or --results)")
    p.add_argument("--results", type=Path, default=RESULTS, help="the file --write writes")
    p.add_argument("--data", default=DEMO_DATA,
                   help="what the databases hold, for the results (with --reuse-demo on databases made by "
                        "benchmarks/scale_data.py, which holds the demo's areas and logins: say so)")
    args = p.parse_args(argv)

    sqlite_env = environment(args.var_dir / "sqlite", f"sqlite:///{args.var_dir / 'sqlite' / 'trygg.sqlite3'}")
    pg_env = environment(args.var_dir / "postgres", args.pg_url)
    plan = {"gunicorn-sqlite": ("gunicorn, SQLite", sqlite_env, False),
            "gunicorn-postgres": ("gunicorn, PostgreSQL", pg_env, False),
            "dev-sqlite": ("dev server, SQLite", sqlite_env, True)}
    chosen = [s.strip() for s in args.servers.split(",") if s.strip()]
    unknown = set(chosen) - set(plan)
    if unknown:
        p.error(f"unknown server(s): {', '.join(sorted(unknown))}")
    codes, rows = {}, []
    for name in chosen:
        label, env, dev = plan[name]
        if env is pg_env and "pg" not in codes:
            ensure_postgres_database(args.pg_url)
        key = "pg" if env is pg_env else "sqlite"
        if key not in codes:
            Path(env["TRYGG_VAR_DIR"]).mkdir(parents=True, exist_ok=True)
            print(f"loading the demo into {key} …", file=sys.stderr, flush=True)
            codes[key] = load_demo(env, args.reuse_demo)
        rows += run_server(label, env, dev, codes[key], args)
    if args.write:
        write(rows, args)
    return 1 if any(r["errors"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
