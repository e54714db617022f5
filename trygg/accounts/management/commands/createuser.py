import getpass

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from trygg.accounts.models import Membership, Organisation, Role
from trygg.accounts.municipalities import sole_municipality
from trygg.areas.models import Area


class Command(BaseCommand):
    help = "Create a user with a role in an organisation, optionally scoped to an area."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--organisation", required=True, help="organisation name (must exist)")
        parser.add_argument("--area", help="area code or name; for a city-wide role its municipality (may be "
                                               "omitted where only one municipality is set up)")
        parser.add_argument("--password", help="password (prompted if omitted)")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--email", default="")

    @transaction.atomic
    def handle(self, *args, **o):
        User = get_user_model()
        if User.objects.filter(username=o["username"]).exists():
            raise CommandError(f"user {o['username']!r} already exists")
        org = Organisation.objects.filter(name=o["organisation"]).first()
        if org is None:
            names = ", ".join(Organisation.objects.values_list("name", flat=True)) or "none"
            raise CommandError(f"organisation {o['organisation']!r} not found (known: {names})")
        if o["area"]:
            area = Area.objects.filter(code=o["area"]).first() or Area.objects.filter(name__iexact=o["area"]).first()
            if area is None:
                raise CommandError(f"area {o['area']!r} not found (give its code or exact name)")
        else:
            area = sole_municipality()
            if area is None:
                raise CommandError("give --area: the municipality (for a city-wide role) or an area in it; "
                                   "several municipalities or none are set up, so Trygg cannot tell which")
        password = o["password"] or getpass.getpass("Password: ")
        user = User(username=o["username"], first_name=o["first_name"], last_name=o["last_name"], email=o["email"])
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError("password rejected: " + " ".join(exc.messages))
        user.set_password(password)
        if o["role"] == Role.ADMIN:
            user.is_staff = user.is_superuser = True
        user.save()
        Membership.objects.create(user=user, organisation=org, role=o["role"], area=area)
        where = area.name
        self.stdout.write(self.style.SUCCESS(f"Created {user.username}: {Role(o['role']).label}, {org}, {where}"))
