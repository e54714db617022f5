"""The user's own API tokens on the profile: create (shown once), list, revoke."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from trygg.accounts.access import access
from trygg.accounts.permissions import Capability
from trygg.privacy import validate_no_personal_data

from .models import ApiToken

EXPIRY_CHOICES = [("30", gettext_lazy("30 days")), ("90", gettext_lazy("90 days")),
                  ("365", gettext_lazy("one year")), ("", gettext_lazy("never"))]


class TokenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("What is it for?"), max_length=100,
                           validators=[validate_no_personal_data])
    scope = forms.ChoiceField(label=gettext_lazy("Scope"), choices=ApiToken.Scope.choices, initial="read",
                              widget=forms.RadioSelect)
    expires = forms.ChoiceField(label=gettext_lazy("Expires after"), choices=EXPIRY_CHOICES, initial="90",
                                required=False)


@access(Capability.SIGNED_IN)
def tokens(request):
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        _token, raw = ApiToken.issue(request.user, d["name"], d["scope"], int(d["expires"]) if d["expires"] else None)
        # shown once: kept in the session only until the next page is rendered
        request.session["trygg_new_token"] = raw
        return redirect("api_tokens:list")
    new_token = request.session.pop("trygg_new_token", None)
    return render(request, "api/tokens.html", {
        "form": form, "tokens": ApiToken.objects.filter(user=request.user), "new_token": new_token,
    })


@access(Capability.SIGNED_IN)
@require_POST
def revoke(request, pk):
    token = ApiToken.objects.filter(user=request.user, pk=pk).first()
    if token is None:
        raise Http404
    token.revoke()
    messages.success(request, _("The token %(prefix)s… is revoked.") % {"prefix": token.prefix})
    return redirect("api_tokens:list")
