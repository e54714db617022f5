"""Two-step login (TOTP + recovery codes): required for admin and analyst, lock-out like passwords."""

from django.test import override_settings
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from trygg.accounts import mfa
from trygg.testing.mfa import code_for_key, code_for_secret
from trygg.testing.personas import PASSWORD, BaseTestCase

LOGIN = "/konto/logga-in/"
VERIFY = "/konto/logga-in/kod/"
SETUP = "/konto/tvastegs/"


def device_for(user):
    return TOTPDevice.objects.create(user=user, name="app", confirmed=True)


class RequiredRolesTestCase(BaseTestCase):
    def test_admin_and_analyst_are_required_others_not(self):
        self.assertTrue(mfa.requires_mfa(self.ada))
        self.assertTrue(mfa.requires_mfa(self.ulla))
        for name in ("alice", "bob", "rami", "lena", "nils"):
            self.assertFalse(mfa.requires_mfa(getattr(self, name)), name)

    @override_settings(TRYGG_MFA_REQUIRED_ROLES=[])
    def test_the_requirement_is_configurable(self):
        self.assertFalse(mfa.requires_mfa(self.ada))
        r = self.client.post(LOGIN, {"username": "ada", "password": PASSWORD})
        self.assertRedirects(r, "/", fetch_redirect_response=False)


class VerifyTestCase(BaseTestCase):
    def test_it_works(self):
        device = device_for(self.ada)
        r = self.client.post(LOGIN, {"username": "ada", "password": PASSWORD, "next": "/konto/"})
        self.assertRedirects(r, VERIFY, fetch_redirect_response=False)
        self.assertNotIn("_auth_user_id", self.client.session)  # not logged in after the password alone
        self.assertEqual(self.client.get("/konto/").status_code, 302)
        r = self.client.post(VERIFY, {"code": code_for_key(device.bin_key)})
        self.assertRedirects(r, "/konto/", fetch_redirect_response=False)
        self.assertEqual(self.client.get("/konto/").status_code, 200)
        self.assertEqual(int(self.client.session["_auth_user_id"]), self.ada.pk)

    def test_a_recovery_code_works_once(self):
        device_for(self.ulla)
        codes = mfa.new_recovery_codes(self.ulla)
        self.assertEqual(len(codes), 10)
        self.client.post(LOGIN, {"username": "ulla", "password": PASSWORD})
        r = self.client.post(VERIFY, {"code": codes[0]})
        self.assertEqual(r.status_code, 302)
        self.assertFalse(StaticToken.objects.filter(token=codes[0]).exists())
        self.client.logout()
        self.client.post(LOGIN, {"username": "ulla", "password": PASSWORD})
        r = self.client.post(VERIFY, {"code": codes[0]})
        self.assertEqual(r.status_code, 200)

    def test_a_wrong_code_is_refused(self):
        device = device_for(self.ada)
        self.client.post(LOGIN, {"username": "ada", "password": PASSWORD})
        r = self.client.post(VERIFY, {"code": code_for_key(device.bin_key, offset_steps=10)})
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, 'role="alert"')
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_voluntary_mfa_for_other_roles(self):
        device = device_for(self.alice)
        r = self.client.post(LOGIN, {"username": "alice", "password": PASSWORD})
        self.assertRedirects(r, VERIFY, fetch_redirect_response=False)
        r = self.client.post(VERIFY, {"code": code_for_key(device.bin_key)})
        self.assertEqual(r.status_code, 302)

    def test_the_code_step_needs_the_password_step(self):
        self.assertContains(self.client.get(VERIFY), 'id="mfa-start-over"')
        r = self.client.post(VERIFY, {"code": "123456"})
        self.assertContains(r, 'id="mfa-start-over"')
        self.assertNotIn("_auth_user_id", self.client.session)

    @override_settings(AXES_FAILURE_LIMIT=3)
    def test_it_locks_out_after_repeated_wrong_codes_and_audits(self):
        from axes.models import AccessAttempt

        device = device_for(self.ada)
        self.client.post(LOGIN, {"username": "ada", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9")
        statuses = []
        for _ in range(3):
            # django-otp's own throttle also slows repeated failures down; reset it so axes decides
            TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
            statuses.append(self.client.post(VERIFY, {"code": "000000"}, REMOTE_ADDR="10.0.0.9").status_code)
        self.assertEqual(statuses[-1], 429)
        self.assertEqual(AccessAttempt.objects.get(username="ada").failures_since_start, 3)
        # the right password and code no longer get in
        r = self.client.post(LOGIN, {"username": "ada", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9")
        self.assertEqual(r.status_code, 429)
        r = self.client.post(VERIFY, {"code": code_for_key(device.bin_key)}, REMOTE_ADDR="10.0.0.9")
        self.assertContains(r, 'id="mfa-start-over"')
        self.assertNotIn("_auth_user_id", self.client.session)


class SetupTestCase(BaseTestCase):
    def test_a_required_role_must_set_it_up_at_login(self):
        r = self.client.post(LOGIN, {"username": "ada", "password": PASSWORD})
        self.assertRedirects(r, SETUP, fetch_redirect_response=False)
        self.assertNotIn("_auth_user_id", self.client.session)
        page = self.client.get(SETUP)
        self.assertContains(page, "<svg")
        secret = page.content.decode().split('id="mfa-secret">')[1].split("<")[0]
        r = self.client.post(SETUP, {"code": "000000"})
        self.assertEqual(r.status_code, 200)
        self.assertNotIn("_auth_user_id", self.client.session)
        TOTPDevice.objects.filter(user=self.ada).update(throttling_failure_count=0)  # django-otp's back-off
        r = self.client.post(SETUP, {"code": code_for_secret(secret)})
        self.assertRedirects(r, "/konto/tvastegs/reservkoder/", fetch_redirect_response=False)
        self.assertEqual(int(self.client.session["_auth_user_id"]), self.ada.pk)
        codes = self.client.get("/konto/tvastegs/reservkoder/")
        self.assertEqual(codes.content.decode().count("<li><code>"), 10)
        self.assertRedirects(self.client.get("/konto/tvastegs/reservkoder/"), "/konto/",
                             fetch_redirect_response=False)  # shown once
        self.assertTrue(mfa.has_device(self.ada))

    def test_anyone_may_turn_it_on_from_the_profile(self):
        self.login("alice")
        self.assertContains(self.client.get("/konto/"), SETUP)
        page = self.client.get(SETUP).content.decode()
        secret = page.split('id="mfa-secret">')[1].split("<")[0]
        r = self.client.post(SETUP, {"code": code_for_secret(secret)})
        self.assertEqual(r.status_code, 302)
        self.assertTrue(mfa.has_device(self.alice))
        r = self.client.post("/konto/tvastegs/nya-reservkoder/")
        self.assertRedirects(r, "/konto/tvastegs/reservkoder/", fetch_redirect_response=False)

    def test_it_checks_access(self):
        self.assertContains(self.client.get(SETUP), 'id="mfa-start-over"')
        self.assertFalse(TOTPDevice.objects.exists())
        self.assertEqual(self.client.post("/konto/tvastegs/nya-reservkoder/").status_code, 302)

    def test_it_rejects_get(self):
        self.login("alice")
        self.assertEqual(self.client.get("/konto/tvastegs/nya-reservkoder/").status_code, 405)
