"""The administrator signs in with a password and a TOTP code in real Chromium."""

from trygg.testing.mfa import code_for_key, code_for_secret
from trygg.testing.personas import PASSWORD


def test_admin_signs_in_with_totp(page, live_server, world, screenshot):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=world["ada"], name="app", confirmed=True)
    page.goto(f"{live_server.url}/konto/logga-in/?next=/admin/")
    page.fill("#id_username", "ada")
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url("**/konto/logga-in/kod/")
    assert page.locator("h1").inner_text() == "Tvåstegsinloggning"
    page.fill("#id_code", "000000")
    page.click("main form button[type=submit]")
    assert page.locator("#code-error").is_visible()
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    page.fill("#id_code", code_for_key(device.bin_key))
    screenshot(page, "mfa-code")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/admin/")
    assert "Django" in page.title() or "administration" in page.content().lower()
    assert not page.js_errors


def test_analyst_sets_up_totp_at_first_login(page, live_server, world, screenshot):
    page.goto(f"{live_server.url}/konto/logga-in/")
    page.fill("#id_username", "ulla")
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url("**/konto/tvastegs/")
    assert page.locator(".qr svg").is_visible()
    screenshot(page, "mfa-setup")
    page.fill("#id_code", code_for_secret(page.inner_text("#mfa-secret")))
    page.click("main form button[type=submit]")
    page.wait_for_url("**/konto/tvastegs/reservkoder/")
    assert page.locator("#recovery-codes li").count() == 10
    screenshot(page, "mfa-recovery-codes")
    page.click("#recovery-continue")
    page.wait_for_load_state("networkidle")
    assert page.url == f"{live_server.url}/"
    assert "Ulla" in page.content()
