from django.test import override_settings

from trygg.testing.personas import PASSWORD, BaseTestCase


class LoginTestCase(BaseTestCase):
    url = "/konto/logga-in/"

    def test_it_works(self):
        r = self.client.post(self.url, {"username": "alice", "password": PASSWORD})
        self.assertRedirects(r, "/", fetch_redirect_response=False)
        r = self.client.get("/")
        self.assertContains(r, "Alice")

    def test_it_shows_the_form(self):
        r = self.client.get(self.url)
        self.assertContains(r, 'name="username"')

    def test_it_rejects_a_wrong_password_and_keeps_the_username(self):
        r = self.client.post(self.url, {"username": "alice", "password": "nope-nope-nope"})
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, 'value="alice"')
        self.assertContains(r, 'role="alert"')

    @override_settings(AXES_FAILURE_LIMIT=3)
    def test_it_locks_out_after_repeated_failures(self):
        for _ in range(3):
            self.client.post(self.url, {"username": "bob", "password": "wrong-password"}, REMOTE_ADDR="10.0.0.1")
        r = self.client.post(self.url, {"username": "bob", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1")
        self.assertEqual(r.status_code, 429)
        self.assertContains(r, "locked", status_code=429)
        # another user from the same address is not locked
        r = self.client.post(self.url, {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1")
        self.assertEqual(r.status_code, 302)


class ProfileTestCase(BaseTestCase):
    def test_it_works(self):
        self.login("bob")
        r = self.client.get("/konto/")
        self.assertContains(r, "kommunpolis")
        self.assertContains(r, "Nordost")

    def test_it_requires_login(self):
        r = self.client.get("/konto/")
        self.assertRedirects(r, "/konto/logga-in/?next=/konto/", fetch_redirect_response=False)

    def test_user_without_role_is_told_so(self):
        self.login("nils")
        r = self.client.get("/konto/")
        self.assertContains(r, "no role")


class ProfileCapabilitiesTestCase(BaseTestCase):
    def test_it_lists_what_the_role_may_do_in_words(self):
        self.login("rami")
        r = self.client.get("/konto/")
        self.assertContains(r, "file EST reports")
        self.assertNotContains(r, "see the situation picture")
        self.assertNotContains(r, "report_est")
