"""Every URL pattern, every persona, and an anonymous visitor: access is exactly what the
permission table (trygg/accounts/permissions.py) says.

A view without ``@access(...)`` fails here, so a page added later without a rule cannot ship.
If a URL takes a new keyword argument, add a sample value to SAMPLE_KWARGS.
"""

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from trygg.accounts.access import can
from trygg.accounts.permissions import Capability
from trygg.areas.models import Area
from trygg.testing.personas import PERSONAS, BaseTestCase

# URL namespaces that belong to Django itself and have their own access rules.
FRAMEWORK_NAMESPACES = {"admin"}
FRAMEWORK_NAMES = {"set_language"}  # POST-only language switch, public by design

SAMPLE_KWARGS = {
    "code": "1",  # Nordost: alice/bob/dina/pelle/rami are scoped there, carl is not
    "pk": 999999,
    "id": 999999,
    "year": 2025,
    "theme": "narkotika",
    "slug": "sample",
    "token": "sample",
    "kind": "week",
    "source": "police",
    "fmt": "csv",
    "layer": "hotspots",
    "model": "problem",  # work: history and signing of one kind of object
    "report_id": "00000000-0000-4000-8000-000000000000",  # API: an EST report's client id
    "provider": "sample",  # single sign-on: an identity provider's key (none configured: 404)
}


def walk(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or ""
            if ns in FRAMEWORK_NAMESPACES:
                continue
            yield from walk(p, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(p, URLPattern):
            if p.name in FRAMEWORK_NAMES:
                continue
            yield f"{namespace}{p.name}", p


def build_url(name, pattern):
    kwargs = {k: SAMPLE_KWARGS[k] for k in pattern.pattern.regex.groupindex}
    return reverse(name, kwargs=kwargs)


class UrlAccessTestCase(BaseTestCase):
    def test_every_view_declares_access(self):
        missing = [name for name, p in walk() if not hasattr(p.callback, "access_capability")]
        self.assertEqual(missing, [], "views without @access(...): %s" % missing)

    def test_every_url_kwarg_has_a_sample(self):
        unknown = {k for _n, p in walk() for k in p.pattern.regex.groupindex if k not in SAMPLE_KWARGS}
        self.assertEqual(unknown, set(), "add samples to SAMPLE_KWARGS for %s" % unknown)

    def test_access_matches_permission_table(self):
        checked = 0
        for name, pattern in walk():
            cb = pattern.callback
            if getattr(cb, "access_api", False):
                continue  # REST API: 401 instead of a login redirect, every method (tests/test_api_access.py)
            cap = cb.access_capability
            area_kw = getattr(cb, "access_area_kwarg", None)
            url = build_url(name, pattern)
            area = Area.objects.get(code=SAMPLE_KWARGS[area_kw]) if area_kw else None

            self.client.logout()
            r = self.client.get(url)
            if cap == Capability.PUBLIC:
                self.assertNotIn(r.status_code, (401, 403), f"anonymous {name} {url}")
                self.assertFalse(r.status_code == 302 and "/konto/logga-in/" in r["Location"], f"anon {name}")
            else:
                self.assertEqual(r.status_code, 302, f"anonymous must log in: {name} {url} → {r.status_code}")
                self.assertIn("/konto/logga-in/", r["Location"])

            for persona in PERSONAS:
                user = getattr(self, persona)
                self.client.force_login(user)
                r = self.client.get(url)
                allowed = can(type(user).objects.get(pk=user.pk), cap, area)
                if allowed:
                    self.assertNotEqual(r.status_code, 403, f"{persona} should reach {name} {url}")
                    self.assertFalse(r.status_code == 302 and "/konto/logga-in/" in r["Location"])
                else:
                    self.assertEqual(r.status_code, 403, f"{persona} must not reach {name} {url} (got {r.status_code})")
                checked += 1
        self.assertGreater(checked, 0)

    def test_table_is_not_trivial(self):
        # the personas really differ: a reporter may report but not see the picture
        from trygg.accounts.models import Role
        from trygg.accounts.permissions import role_has

        self.assertTrue(role_has(Role.RAPPORTOR, Capability.REPORT_EST))
        self.assertFalse(role_has(Role.RAPPORTOR, Capability.VIEW_PICTURE))
        self.assertFalse(role_has(Role.TRYGGHETSSAMORDNARE, Capability.VIEW_POLICE_DETAIL))
        self.assertTrue(role_has(Role.KOMMUNPOLIS, Capability.VIEW_POLICE_DETAIL))
        self.assertFalse(can(self.carl, Capability.EDIT_WORK, self.nordost))
        self.assertTrue(can(self.alice, Capability.EDIT_WORK, self.hjallbo))
