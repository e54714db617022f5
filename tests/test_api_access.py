"""Every REST API endpoint (``/api/v1/``), every persona and an anonymous caller, every method:
access is exactly what the permission table says (the same table as the pages).

Anonymous callers get 401 (problem+json), not a login redirect; a persona without the capability
gets 403; methods an endpoint does not offer give 405 to those allowed in. Personas call with a
write-scoped personal token (all methods) and with a session (GET).
"""

from django.core.cache import cache

from trygg.accounts.access import can
from trygg.accounts.permissions import Capability
from trygg.api.models import ApiToken
from trygg.areas.models import Area
from trygg.testing.personas import PERSONAS, BaseTestCase

from .test_url_access import SAMPLE_KWARGS, build_url, walk

METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


def api_patterns():
    return [(name, p) for name, p in walk() if getattr(p.callback, "access_api", False)]


class ApiAccessTestCase(BaseTestCase):
    def call(self, method, url, **extra):
        return self.client.generic(method, url, "{}", content_type="application/json", **extra)

    def test_every_api_endpoint_role_and_method(self):
        patterns = api_patterns()
        self.assertGreaterEqual(len(patterns), 15)
        tokens = {}
        for persona in PERSONAS:
            _t, raw = ApiToken.issue(getattr(self, persona), "access test", ApiToken.Scope.WRITE)
            tokens[persona] = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
        checked = 0
        with self.settings(TRYGG_API_RATE="100000/hour", TRYGG_API_RATE_ANON="100000/hour"):
            cache.clear()
            for name, pattern in patterns:
                cb = pattern.callback
                cap, area_kw, offered = cb.access_capability, cb.access_area_kwarg, cb.access_methods
                url = build_url(name, pattern)
                area = Area.objects.get(code=SAMPLE_KWARGS[area_kw]) if area_kw else None
                for method in METHODS:
                    self.client.logout()
                    r = self.call(method, url)
                    if cap == Capability.PUBLIC:
                        self.assertNotIn(r.status_code, (401, 403), f"anonymous {method} {url}")
                        if method not in offered:
                            self.assertEqual(r.status_code, 405, f"anonymous {method} {url}")
                    else:
                        self.assertEqual(r.status_code, 401, f"anonymous {method} {url} → {r.status_code}")
                        self.assertEqual(r["Content-Type"], "application/problem+json")
                    for persona in PERSONAS:
                        user = getattr(self, persona)
                        allowed = can(type(user).objects.get(pk=user.pk), cap, area)
                        r = self.call(method, url, **tokens[persona])
                        where = f"{persona} {method} {url} → {r.status_code}"
                        if not allowed:
                            self.assertEqual(r.status_code, 403, where)
                        elif method not in offered:
                            self.assertEqual(r.status_code, 405, where)
                        else:
                            self.assertNotIn(r.status_code, (401, 403, 405), where)
                        if method == "GET":
                            self.client.force_login(user)
                            r = self.call(method, url)
                            self.assertEqual(r.status_code == 403, not allowed, f"session {where}")
                            self.client.logout()
                        checked += 1
        self.assertGreater(checked, 500)

    def test_every_api_view_declares_its_methods(self):
        for name, p in api_patterns():
            self.assertTrue(p.callback.access_methods, name)
            self.assertTrue(set(p.callback.access_methods) <= set(METHODS), name)
