"""``trygg serve``: the production server (gunicorn), or Django's development server with --dev.

Why gunicorn: a mature pre-fork WSGI server, pure Python (nothing to compile on a fresh machine),
packaged by Debian, documented by Django; each worker is its own process, so the CPU-heavy
statistics of one request never stall the others (Python's GIL), and a worker that dies is
replaced. The gthread worker adds a few threads per process for slow clients. Workers default
to 2 × CPU cores + 1 (gunicorn's own advice), at most ``--max-workers``.

Beside the web server it starts the background job runner (``trygg jobs work``: the annual
report and other long work, see ``trygg.jobs``) as a child process, stopped with the server;
``--no-worker`` leaves it out (when ``trygg scheduler`` or another ``trygg jobs work`` runs them).
"""

import multiprocessing
import os
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _


def default_workers(max_workers: int = 9) -> int:
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = multiprocessing.cpu_count()
    return max(2, min(2 * cores + 1, max_workers))


def unapplied_migrations(using: str = "default") -> list[str]:
    """The migrations not yet applied to the database (``app.name``), in order."""
    from django.db import connections
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[using])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{m.app_label}.{m.name}" for m, _backwards in plan]


def gunicorn_options(addrport: str, workers: int, threads: int, timeout: int) -> dict:
    bind = addrport if ":" in addrport else f"127.0.0.1:{addrport}"
    return {
        "bind": bind,
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "timeout": timeout,
        "graceful_timeout": 30,
        "backlog": 2048,
        "preload_app": True,  # import Django and numpy once; workers share the memory
        "accesslog": os.environ.get("TRYGG_ACCESS_LOG", "-") or None,
        "errorlog": "-",
        "max_requests": 2000,  # recycle workers now and then (memory growth of long-lived processes)
        "max_requests_jitter": 200,
        "control_socket_disable": True,  # several servers may share a machine
        "forwarded_allow_ips": os.environ.get("TRYGG_FORWARDED_ALLOW_IPS", "127.0.0.1"),
    }


def worker_command() -> list[str]:
    return [sys.executable, "-m", "trygg.cli", "jobs", "work", "--parent", str(os.getpid())]


def start_worker(out) -> subprocess.Popen:
    """``trygg jobs work`` as a child process (its own process group: Ctrl-C in the terminal
    reaches it through :func:`stop_worker`, after the server, not halfway through a job)."""
    from django.db import connections

    connections.close_all()
    proc = subprocess.Popen(worker_command(), env=os.environ.copy(), start_new_session=True)
    proc.owner = os.getpid()  # gunicorn's forked workers run the caller's `finally` too: not theirs to stop
    out(f"Background job runner: trygg jobs work (pid {proc.pid})")
    return proc


def stop_worker(proc: subprocess.Popen | None, wait: int = 60) -> None:
    """SIGTERM: the runner finishes the job it runs (at most ``wait`` seconds), then stops."""
    if proc is None or getattr(proc, "owner", os.getpid()) != os.getpid() or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=wait)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


class Command(BaseCommand):
    help = ("Serve Trygg with gunicorn (production: workers sized to the machine, hashed static files); "
            "--dev runs Django's development server instead.")

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--dev", action="store_true", help="Django's development server (one process, not for production)")
        parser.add_argument("--reload", action="store_true", help="with --dev: restart when code changes")
        parser.add_argument("--workers", type=int, default=int(os.environ.get("TRYGG_WORKERS", "0")) or None,
                            help="gunicorn worker processes (default: 2 × cores + 1, env TRYGG_WORKERS)")
        parser.add_argument("--max-workers", type=int, default=9)
        parser.add_argument("--threads", type=int, default=int(os.environ.get("TRYGG_THREADS", "2")),
                            help="threads per worker (default 2, env TRYGG_THREADS)")
        parser.add_argument("--timeout", type=int, default=int(os.environ.get("TRYGG_WORKER_TIMEOUT", "120")),
                            help="seconds before a stuck worker is restarted (reports take a while)")
        parser.add_argument("--no-collectstatic", action="store_true", help="static files are already collected")
        parser.add_argument("--no-worker", action="store_true",
                            help="do not start the background job runner (trygg jobs work) beside the server")

    def handle(self, *args, **opts):
        from trygg.web.checks import require_secret_key

        try:
            require_secret_key()
        except Exception as exc:
            raise CommandError(str(exc))
        pending = unapplied_migrations()
        if pending:
            raise CommandError(_("The database is not up to date: %(n)d migrations are not applied (%(first)s …). "
                                 "Run “trygg migrate” first (or “trygg demo” for the demo).")
                               % {"n": len(pending), "first": pending[0]})
        if not opts["no_collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        # with --dev --reload Django runs this command again in a child process (RUN_MAIN): one runner is enough
        reloaded = os.environ.get("RUN_MAIN") == "true"
        worker = None if opts["no_worker"] or reloaded else start_worker(self.stdout.write)
        try:
            self._serve(opts)
        finally:
            stop_worker(worker)

    def _serve(self, opts):
        if opts["dev"]:
            call_command("runserver", opts["addrport"], use_reloader=opts["reload"])
            return
        from gunicorn.app.base import BaseApplication

        workers = opts["workers"] or default_workers(opts["max_workers"])
        options = gunicorn_options(opts["addrport"], workers, opts["threads"], opts["timeout"])
        self.stdout.write(f"Trygg on http://{options['bind']}/ – gunicorn, {workers} workers × "
                          f"{opts['threads']} threads, database {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}")

        class TryggApplication(BaseApplication):
            def load_config(self):
                for key, value in options.items():
                    if value is not None:
                        self.cfg.set(key, value)

            def load(self):
                from importlib import import_module

                from django.core.wsgi import get_wsgi_application

                application = get_wsgi_application()
                # Import the URLconf and so every view module (numpy, scipy, the statistics …) here,
                # before the fork: Django does it on the first request, ~8 s in each new worker.
                import_module(settings.ROOT_URLCONF)
                return application

        from django.db import connections

        connections.close_all()  # no connection may cross the fork into the workers
        TryggApplication().run()
