"""Whole pages from the cache (``trygg.picture.page_cache``): the picture and public pages are
rendered once per viewer and data version; everything per request (the CSRF token, messages) and
everything a page shows besides the data (memberships, saved pictures, the conference theme) stays
right."""

import re
from unittest import mock

from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from trygg.accounts.models import Membership, Role
from trygg.incidents import dataversion
from trygg.numbers import figures
from trygg.picture import views
from trygg.picture.models import Snapshot

from .test_figure_cache import DRUGS_DAY, CachedBusyWorldTestCase, Q, without_tokens

PAGE = "/lagesbild/1/" + Q
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


class PageCacheTestCase(CachedBusyWorldTestCase):

    def get(self, url=PAGE, client=None):
        client = client or self.client
        with CaptureQueriesContext(connection) as ctx:
            r = client.get(url)
        return r, len(ctx.captured_queries)

    def test_it_works(self):
        self.login("alice")
        with mock.patch.object(views, "render", wraps=views.render) as render:
            r1, first = self.get()
            r2, second = self.get()
        self.assertEqual(render.call_count, 1)  # the second answer was not rendered again
        self.assertEqual((r1.status_code, r2.status_code), (200, 200))
        self.assertEqual(without_tokens(r2.content), without_tokens(r1.content))
        self.assertLessEqual(second, 8)  # session, user, memberships, area, the key's own lookups
        self.assertLess(second, first)
        self.assertEqual(r2["Cache-Control"], r1["Cache-Control"])  # still no-store for the browser

    def test_the_public_page_is_rendered_once(self):
        with mock.patch.object(figures, "compute_picture", wraps=figures.compute_picture) as compute, \
                mock.patch.object(views, "render", wraps=views.render) as render:
            p1, _ = self.get("/lagesbild/offentlig/1/")
            p2, queries = self.get("/lagesbild/offentlig/1/", Client())
        self.assertEqual((compute.call_count, render.call_count), (1, 1))
        self.assertLessEqual(queries, 3)
        self.assertEqual(without_tokens(p2.content), without_tokens(p1.content))

    def test_each_request_gets_its_own_csrf_token(self):
        """The stored page has no token; each answer carries the requester's, and its forms post."""
        self.login("alice")
        self.get()
        other = Client(enforce_csrf_checks=True)
        other.force_login(self.alice)
        r, _ = self.get(client=other)
        tokens = TOKEN.findall(r.content)
        self.assertTrue(tokens)
        self.assertEqual(len(set(tokens)), 1)
        for stored in caches["figures"]._cache.values():  # locmem keeps pickles
            self.assertNotIn(tokens[0], stored)
        posted = other.post("/lagesbild/1/spara/", {"from": "2025-03-01", "to": "2025-03-28", "compare": "previous",
                                                     "theme": "", "title": "Mars", "csrfmiddlewaretoken": tokens[0].decode()})
        self.assertEqual(posted.status_code, 302)
        self.assertEqual(Snapshot.objects.count(), 1)

    def test_it_checks_access(self):
        """One viewer's cached page never reaches another: text, lists and names stay their own."""
        self.login("bob")  # reads police text
        r, _ = self.get("/lagesbild/1/" + DRUGS_DAY)
        self.assertContains(r, "Narkotikabrott på torget.")
        self.login("lena")  # reader: figures only
        r, _ = self.get("/lagesbild/1/" + DRUGS_DAY)
        self.assertNotContains(r, "Narkotikabrott på torget.")
        self.assertNotContains(r, 'data-testid="latest"')
        self.assertNotContains(r, "Bob")
        self.assertContains(r, "Lena")
        self.login("carl")  # Centrum: not this area, cached or not
        self.assertEqual(self.client.get("/lagesbild/1/" + DRUGS_DAY).status_code, 403)
        self.client.logout()
        self.assertEqual(self.client.get("/lagesbild/1/" + DRUGS_DAY).status_code, 302)

    def test_a_changed_membership_is_a_new_page(self):
        self.login("bob")
        r, _ = self.get("/lagesbild/1/" + DRUGS_DAY)
        self.assertContains(r, "Narkotikabrott på torget.")
        Membership.objects.filter(user=self.bob).update(role=Role.LASARE)
        self.login("bob")  # a fresh user object: memberships are read per request
        r, _ = self.get("/lagesbild/1/" + DRUGS_DAY)
        self.assertNotContains(r, "Narkotikabrott på torget.")
        self.assertNotContains(r, 'data-testid="latest"')

    def test_a_renamed_user_is_a_new_page(self):
        self.login("alice")
        self.assertContains(self.get()[0], "Alice")
        get_user_model().objects.filter(pk=self.alice.pk).update(first_name="Alicia")
        self.assertContains(self.get()[0], "Alicia")

    def test_new_data_is_a_new_page(self):
        self.login("alice")
        with mock.patch.object(views, "render", wraps=views.render) as render:
            self.get()
            with self.captureOnCommitCallbacks(execute=True):
                dataversion.bump()
            self.get()
        self.assertEqual(render.call_count, 2)

    def test_a_saved_picture_shows_at_once(self):
        self.login("alice")
        self.assertContains(self.get()[0], "(0)")
        self.client.post("/lagesbild/1/spara/", {"from": "2025-03-01", "to": "2025-03-28", "compare": "previous",
                                                 "theme": "", "title": "Marsbilden"}, follow=True)
        r, _ = self.get()  # (the message of the save was shown by the saved picture's page)
        self.assertContains(r, "(1)")
        self.assertContains(r, "Marsbilden")  # the raise-problem link names the latest saved picture

    def test_the_conference_theme_is_part_of_the_page(self):
        self.login("alice")
        with override_settings(TRYGG_CONFERENCE_THEME="vald"):
            r, _ = self.get()
            self.assertRegex(r.content.decode(), r'chip conference[^"]*" data-theme="vald"')
        with override_settings(TRYGG_CONFERENCE_THEME="egendom"):
            r, _ = self.get()
            self.assertRegex(r.content.decode(), r'chip conference[^"]*" data-theme="egendom"')

    def test_messages_are_never_cached(self):
        self.login("alice")
        self.get()
        self.client.post("/lagesbild/1/spara/", {"from": "not-a-date", "title": "x"})  # refused: message, redirect
        first, _ = self.get()
        self.assertContains(first, 'class="message error"')
        again, _ = self.get()
        self.assertNotContains(again, 'class="message error"')  # shown once, as always

    def test_refused_choices_are_not_cached(self):
        self.login("alice")
        with mock.patch.object(views, "render", wraps=views.render) as render:
            for _ in range(2):
                r, _ = self.get("/lagesbild/1/?from=2025-13-01")
                self.assertEqual(r.status_code, 400)
        self.assertEqual(render.call_count, 2)

    def test_a_post_is_never_answered_from_the_cache(self):
        self.login("alice")
        self.get()
        with mock.patch.object(views, "render", wraps=views.render) as render:
            self.client.post(PAGE)
        self.assertEqual(render.call_count, 1)
