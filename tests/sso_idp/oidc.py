"""An OpenID Connect provider for the tests: django-oauth-toolkit in a tiny Django project.

``python -m tests.sso_idp.oidc PORT DIR`` reads DIR/setup.json — ``{"client_id", "client_secret",
"redirect_uri", "users": [{"username", "password", "groups": [...], "first_name", ...}]}`` — makes
a signing key and a fresh SQLite database in DIR and serves on 127.0.0.1:PORT. Discovery:
``http://127.0.0.1:PORT/o/.well-known/openid-configuration``; the ID token carries ``groups``.
Users' groups can be changed while it runs by rewriting setup.json and touching DIR/reload.
"""

import json
import os
import sys
from pathlib import Path


def apply_users(setup):
    from django.contrib.auth.models import Group, User

    for u in setup["users"]:
        user = User.objects.filter(username=u["username"]).first() or User.objects.create_user(u["username"])
        user.set_password(u["password"])
        user.email, user.first_name, user.last_name = u.get("email", ""), u.get("first_name", ""), u.get("last_name", "")
        user.save()
        user.groups.set([Group.objects.get_or_create(name=g)[0] for g in u.get("groups", [])])


def main(port: int, directory: Path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (directory / "oidc.key").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    os.environ["TRYGG_TEST_OIDC_DIR"] = str(directory)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.sso_idp.oidc_settings"
    import django

    django.setup()
    from django.core.management import call_command
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0)
    setup = json.loads((directory / "setup.json").read_text())
    apply_users(setup)
    Application.objects.create(
        name="Trygg", client_id=setup["client_id"], client_secret=setup["client_secret"],
        client_type=Application.CLIENT_CONFIDENTIAL, authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=setup["redirect_uri"], algorithm=Application.RS256_ALGORITHM, skip_authorization=True,
    )
    from django.core.servers.basehttp import WSGIServer, run
    from django.core.wsgi import get_wsgi_application

    django_app = get_wsgi_application()

    def app(environ, start_response):  # re-read the users' groups when the test changes them
        if (directory / "reload").exists():
            (directory / "reload").unlink()
            apply_users(json.loads((directory / "setup.json").read_text()))
        return django_app(environ, start_response)

    run("127.0.0.1", port, app, threading=False, server_cls=WSGIServer)


if __name__ == "__main__":
    main(int(sys.argv[1]), Path(sys.argv[2]))
