from django.shortcuts import redirect, render

from trygg.accounts.access import access, can, scoped_areas
from trygg.accounts.permissions import Capability
from trygg.areas import schemes


@access(Capability.PUBLIC)
def home(request):
    """The start page; each role lands where its work is: a reporter on the EST form, a director
    or police chief on what waits for their signature (above the areas)."""
    user = request.user
    if user.is_authenticated and not user.is_superuser and can(user, Capability.REPORT_EST) \
            and not can(user, Capability.VIEW_PICTURE):
        return redirect("incidents:est_report")
    districts = schemes.districts().select_related("parent").order_by("path")
    my_areas, waiting = None, []
    if user.is_authenticated:
        from trygg.reports.waiting import everything_waiting

        scoped = scoped_areas(user, Capability.VIEW_PICTURE)
        my_areas = list(districts) if scoped is None else scoped
        waiting = everything_waiting(user)
    return render(request, "web/home.html", {"districts": districts, "my_areas": my_areas, "waiting": waiting,
                                             "approver": user.is_authenticated and can(user, Capability.APPROVE)})


@access(Capability.PUBLIC)
def accessibility(request):
    """The accessibility statement (tillgänglighetsredogörelse) the DOS law asks for."""
    return render(request, "web/accessibility.html")
