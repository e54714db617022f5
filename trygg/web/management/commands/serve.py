from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve Trygg on 127.0.0.1:8000 (Django's threaded server; put gunicorn behind a proxy in production)."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--reload", action="store_true", help="restart when code changes")

    def handle(self, *args, **opts):
        call_command("runserver", opts["addrport"], use_reloader=opts["reload"])
