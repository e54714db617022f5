from django.shortcuts import render

from trygg.accounts.access import access, scoped_areas
from trygg.accounts.permissions import Capability
from trygg.areas.models import Area, Level


@access(Capability.PUBLIC)
def home(request):
    districts = Area.objects.filter(level=Level.STADSOMRADE).select_related("parent")
    my_areas = None
    if request.user.is_authenticated:
        scoped = scoped_areas(request.user, Capability.VIEW_PICTURE)
        my_areas = list(districts) if scoped is None else scoped
    return render(request, "web/home.html", {"districts": districts, "my_areas": my_areas})
