from django import forms
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import mfa
from .access import access
from .models import Membership
from .permissions import LABELS, ROLE_CAPABILITIES, Capability


class LoginView(auth_views.LoginView):
    """Password first; when a second factor is due, the code step logs the user in."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        from trygg.sso.providers import login_buttons

        ctx = super().get_context_data(**kwargs)
        ctx["sso_buttons"] = login_buttons(self.get_redirect_url())
        return ctx

    def form_valid(self, form):
        user = form.get_user()
        if mfa.has_device(user) or mfa.requires_mfa(user):
            mfa.set_pending(self.request, user, self.get_redirect_url() or "")
            return redirect("accounts:mfa_verify" if mfa.has_device(user) else "accounts:mfa_setup")
        return super().form_valid(form)


login = access(Capability.PUBLIC)(LoginView.as_view())
logout = access(Capability.PUBLIC)(auth_views.LogoutView.as_view())
password_change = access(Capability.SIGNED_IN)(auth_views.PasswordChangeView.as_view(
    template_name="accounts/password_change.html", success_url="/konto/"))


@access(Capability.SIGNED_IN)
def profile(request):
    memberships = Membership.objects.filter(user=request.user).select_related("organisation", "area")
    rows = [(m, [str(LABELS[c]) for c in Capability if c in ROLE_CAPABILITIES.get(m.role, ())])
            for m in memberships]
    return render(request, "accounts/profile.html", {
        "rows": rows, "mfa_on": mfa.has_device(request.user), "mfa_required": mfa.requires_mfa(request.user),
    })


class CodeForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Code"), max_length=20,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                                         "autofocus": True}))


def _finish_login(request, user, backend, device, next_url):
    mfa.clear_pending(request)
    auth_login(request, user, backend=backend)
    otp_login(request, device)
    if next_url and url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        return redirect(next_url)
    return redirect("web:home")


def _start_over(request):
    """No password step waiting for its code (never started, or older than five minutes)."""
    return render(request, "accounts/mfa_start_over.html")


def _locked(request, user):
    from axes.handlers.proxy import AxesProxyHandler

    if AxesProxyHandler.is_locked(request, {"username": user.get_username()}):
        mfa.clear_pending(request)
        return render(request, "accounts/locked_out.html", status=429)
    return None


@access(Capability.PUBLIC)
def mfa_verify(request):
    """The second step of a local login: a code from the authenticator app or a recovery code."""
    p = mfa.pending(request)
    if p is None:
        return _start_over(request)
    user, backend, next_url = p
    locked = _locked(request, user)
    if locked:
        return locked
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = mfa.verify(user, form.cleaned_data["code"])
        if device is not None:
            return _finish_login(request, user, backend, device, next_url)
        mfa.record_failure(request, user)
        locked = _locked(request, user)
        if locked:
            return locked
        form.add_error("code", _("The code is wrong or too old. Try the next code, or a recovery code."))
    return render(request, "accounts/mfa_verify.html", {"form": form})


@access(Capability.PUBLIC)
def mfa_setup(request):
    """Turn on the authenticator app: scan the QR code, confirm with a code, get recovery codes.

    Reached from the login (pending, when the role requires it) or from the profile (signed in)."""
    p = mfa.pending(request)
    if p is not None:
        user, backend, next_url = p
    elif request.user.is_authenticated:
        user, backend, next_url = request.user, None, reverse("accounts:profile")
    else:
        return _start_over(request)
    if mfa.has_device(user):
        return redirect("accounts:mfa_verify" if p else "accounts:profile")
    device = mfa.totp_device(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="app", confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        locked = _locked(request, user) if p else None
        if locked:
            return locked
        allowed, _why = device.verify_is_allowed()
        if allowed and device.verify_token(form.cleaned_data["code"].strip().replace(" ", "")):
            device.confirmed = True
            device.save()
            request.session["trygg_recovery_codes"] = mfa.new_recovery_codes(user)
            if p:
                _finish_login(request, user, backend, device, next_url)
            else:
                otp_login(request, device)
            request.session["trygg_recovery_next"] = next_url or reverse("web:home")
            return redirect("accounts:mfa_recovery")
        if p:
            mfa.record_failure(request, user)
        form.add_error("code", _("The code is wrong. Check the time on your phone and try the next code."))
    import segno

    qr = segno.make(device.config_url, error="m")
    return render(request, "accounts/mfa_setup.html", {
        "form": form, "qr_svg": qr.svg_inline(scale=4, dark="#000", light="#fff"),
        "secret": _base32(device.bin_key), "required": mfa.requires_mfa(user), "pending": p is not None,
    })


def _base32(key: bytes) -> str:
    import base64

    s = base64.b32encode(key).decode().rstrip("=")
    return " ".join(s[i:i + 4] for i in range(0, len(s), 4))


@access(Capability.SIGNED_IN)
def mfa_recovery(request):
    """The recovery codes, shown once after they were made."""
    codes = request.session.pop("trygg_recovery_codes", None)
    if not codes:
        return redirect("accounts:profile")
    next_url = request.session.pop("trygg_recovery_next", None) or reverse("web:home")
    return render(request, "accounts/mfa_recovery.html", {"codes": codes, "next": next_url})


@access(Capability.SIGNED_IN)
@require_POST
def mfa_new_codes(request):
    if not mfa.has_device(request.user):
        return redirect("accounts:profile")
    request.session["trygg_recovery_codes"] = mfa.new_recovery_codes(request.user)
    request.session["trygg_recovery_next"] = reverse("accounts:profile")
    messages.success(request, _("New recovery codes were made; the old ones no longer work."))
    return redirect("accounts:mfa_recovery")
