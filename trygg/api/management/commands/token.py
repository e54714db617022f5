"""``trygg token create USERNAME --scope read|write [--expires DAYS] [--name NAME]``: print a new
personal API token once (only its hash is stored); ``trygg token list USERNAME``;
``trygg token revoke USERNAME PREFIX``."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from trygg.api.models import ApiToken


class Command(BaseCommand):
    help = "Create, list or revoke personal API tokens (a new token is printed once)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a token and print it once")
        create.add_argument("username")
        create.add_argument("--scope", choices=ApiToken.Scope.values, default=ApiToken.Scope.READ)
        create.add_argument("--expires", type=int, metavar="DAYS", help="days until it expires (default: never)")
        create.add_argument("--name", default="", help="what the token is for")
        lst = sub.add_parser("list", help="list a user's tokens (never the tokens themselves)")
        lst.add_argument("username")
        revoke = sub.add_parser("revoke", help="revoke a token by the characters it begins with")
        revoke.add_argument("username")
        revoke.add_argument("prefix")

    def _user(self, username):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"USERNAME: no user “{username}”", returncode=2)
        return user

    def handle(self, *args, **opts):
        user = self._user(opts["username"])
        if opts["action"] == "create":
            if opts["expires"] is not None and opts["expires"] < 1:
                raise CommandError("--expires: give a whole number of days, 1 or more", returncode=2)
            _token, raw = ApiToken.issue(user, opts["name"] or "trygg token create", opts["scope"], opts["expires"])
            self.stdout.write(raw)
        elif opts["action"] == "list":
            for t in ApiToken.objects.filter(user=user):
                state = "active" if t.is_active else ("revoked" if t.revoked_at else "expired")
                self.stdout.write(f"{t.prefix}…  {t.scope:5}  {state:7}  created {t.created_at:%Y-%m-%d}  "
                                  f"expires {t.expires_at:%Y-%m-%d}  {t.name}" if t.expires_at else
                                  f"{t.prefix}…  {t.scope:5}  {state:7}  created {t.created_at:%Y-%m-%d}  "
                                  f"never expires  {t.name}")
        else:
            tokens = [t for t in ApiToken.objects.filter(user=user, revoked_at__isnull=True)
                      if t.prefix.startswith(opts["prefix"]) or opts["prefix"].startswith(t.prefix)]
            if len(tokens) != 1:
                raise CommandError(f"PREFIX: {len(tokens)} active tokens of {user} begin with “{opts['prefix']}”",
                                   returncode=2)
            tokens[0].revoke()
            self.stdout.write(f"revoked {tokens[0].prefix}…")
