from importlib import import_module

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = ("Migrate and load the demo: the demo's municipality (set up from its shipped configuration, "
            "as trygg setup municipality does), partners, demo logins and demo data (idempotent).")

    def add_arguments(self, parser):
        parser.add_argument("--skip", action="append", default=[], help="skip a demo step (module name)")

    def handle(self, *args, **opts):
        call_command("migrate", interactive=False, verbosity=0)
        for step in settings.TRYGG_DEMO_STEPS:
            if any(step.endswith(s) for s in opts["skip"]):
                continue
            try:
                module = import_module(step)
            except ModuleNotFoundError as exc:
                if exc.name == step:
                    continue  # that app has no demo data yet
                raise
            module.load(self.stdout)
        self.print_logins()

    def print_logins(self):
        from trygg.accounts.demo import logins

        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Demo logins (password for all: %s)" % logins()[0][1]))
        for username, _pw, role, where in logins():
            self.stdout.write(f"  {username:<22} {role:<55} {where}")
