from django.contrib.auth import views as auth_views
from django.shortcuts import render

from .access import access
from .models import Membership
from .permissions import LABELS, ROLE_CAPABILITIES, Capability

login = access(Capability.PUBLIC)(auth_views.LoginView.as_view(template_name="accounts/login.html",
                                                                redirect_authenticated_user=True))
logout = access(Capability.PUBLIC)(auth_views.LogoutView.as_view())
password_change = access(Capability.SIGNED_IN)(auth_views.PasswordChangeView.as_view(
    template_name="accounts/password_change.html", success_url="/konto/"))


@access(Capability.SIGNED_IN)
def profile(request):
    memberships = Membership.objects.filter(user=request.user).select_related("organisation", "area")
    rows = [(m, [str(LABELS[c]) for c in Capability if c in ROLE_CAPABILITIES.get(m.role, ())])
            for m in memberships]
    return render(request, "accounts/profile.html", {"rows": rows})
