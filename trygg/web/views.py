from django.shortcuts import redirect, render

from trygg.accounts.access import access, can, scoped_areas
from trygg.accounts.municipalities import choose
from trygg.accounts.permissions import Capability
from trygg.areas import schemes
from trygg.areas.models import Area


@access(Capability.PUBLIC)
def home(request):
    """The start page; each role lands where its work is: a reporter on the EST form, a director
    or police chief on what waits for their signature (above the areas)."""
    user = request.user
    if user.is_authenticated and not user.is_superuser and can(user, Capability.REPORT_EST) \
            and not can(user, Capability.VIEW_PICTURE):
        return redirect("incidents:est_report")
    signed_in = user.is_authenticated and can(user, Capability.VIEW_PICTURE)
    chosen = choose(request, Capability.VIEW_PICTURE if signed_in else Capability.PUBLIC)
    districts = schemes.districts(chosen.municipality).select_related("parent").order_by("path") \
        if chosen.municipality else Area.objects.none()
    my_areas, waiting = None, []
    if user.is_authenticated:
        from trygg.reports.waiting import everything_waiting

        scoped = scoped_areas(user, Capability.VIEW_PICTURE)
        my_areas = list(districts) if scoped is None else [
            a for a in scoped if chosen.municipality and a.path.startswith(chosen.municipality.path)]
        waiting = everything_waiting(user)
    return render(request, "web/home.html", {"districts": districts, "my_areas": my_areas, "waiting": waiting,
                                             "chosen": chosen,
                                             "approver": user.is_authenticated and can(user, Capability.APPROVE)})


@access(Capability.PUBLIC)
def accessibility(request):
    """The accessibility statement (tillgänglighetsredogörelse) the DOS law asks for."""
    return render(request, "web/accessibility.html")
