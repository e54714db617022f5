from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trygg.accounts.access import access
from trygg.accounts.municipalities import choose, within_mine
from trygg.accounts.permissions import Capability
from trygg.areas.models import Area
from trygg.incidents.models import ImportRun

from .collaboration import open_invitations, round_summary, send_round, trend
from .forms import AnswerForm, RoundForm, SurveyUploadForm
from .importing import SurveyImportError, import_survey
from .models import QUESTION_SHORT, CollaborationRound, Invitation
from .results import area_series, years_of


@access(Capability.VIEW_PICTURE)
def index(request):
    areas = within_mine(Area.objects.filter(survey_results__isnull=False), request.user,
                        Capability.VIEW_PICTURE).distinct().order_by("path")
    runs = ImportRun.objects.visible_to(request.user, Capability.VIEW_PICTURE).filter(source="survey")[:10]
    return render(request, "surveys/index.html", {"areas": areas, "runs": runs})


@access(Capability.VIEW_PICTURE, area_kwarg="code")
def area(request, code):
    series = area_series(request.area)
    return render(request, "surveys/area.html", {"area": request.area, "series": series, "years": years_of(series)})


@access(Capability.IMPORT_DATA)
def upload(request):
    form = SurveyUploadForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            run = import_survey(form.text, request.FILES["file"].name, user=request.user)
        except SurveyImportError as exc:
            errors = exc.errors
        else:
            messages.success(request, _("%(file)s imported: %(msg)s") % {"file": run.file_name, "msg": run.message})
            return redirect("surveys:index")
    return render(request, "surveys/upload.html", {"form": form, "errors": errors})


def _round_url(year, chosen):
    """A round's page, keeping the municipality chosen where the viewer has a choice."""
    url = reverse("surveys:round", args=[year])
    return url + (f"?kommun={chosen.code}" if len(chosen.choices) > 1 else "")


@access(Capability.ANALYZE_CITYWIDE)
def rounds(request):
    """The rounds, with the answers of the viewer's municipality (``?kommun=``): each municipality's
    analyst invites and reads their own partnerships."""
    chosen = choose(request, Capability.ANALYZE_CITYWIDE)
    form = RoundForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        rnd, new = send_round(d["year"], d["closes_on"], request.user, d["message"], municipality=chosen.municipality)
        messages.success(request, _("The survey for %(year)s was sent to %(n)s people.") % {"year": rnd.year, "n": new})
        return redirect(_round_url(rnd.year, chosen))
    return render(request, "surveys/rounds.html", {
        "form": form, "rounds": CollaborationRound.objects.all(), "trend": trend(municipality=chosen.municipality),
        "questions": QUESTION_SHORT, "chosen": chosen})


@access(Capability.ANALYZE_CITYWIDE)
def round_detail(request, year):
    chosen = choose(request, Capability.ANALYZE_CITYWIDE)
    rnd = get_object_or_404(CollaborationRound, year=year)
    return render(request, "surveys/round.html", {"round": rnd, "summary": round_summary(rnd, chosen.municipality),
                                                  "questions": QUESTION_SHORT, "chosen": chosen})


@access(Capability.SIGNED_IN)
def mine(request):
    return render(request, "surveys/mine.html", {"invitations": open_invitations(request.user)})


@access(Capability.SIGNED_IN)
def answer(request, year):
    inv = Invitation.objects.filter(round__year=year, user=request.user).select_related("round", "area").first()
    if inv is None:
        raise Http404(_("You are not invited to this survey."))
    existing = getattr(inv, "answer", None)
    if not inv.round.is_open:
        return render(request, "surveys/answer.html", {"invitation": inv, "answer": existing, "closed": True})
    form = AnswerForm(request.POST or None, instance=existing)
    if request.method == "POST" and form.is_valid():
        obj = form.save(commit=False)
        obj.invitation = inv
        obj.save()
        messages.success(request, _("Thank you, your answer is saved. You can change it until %(d)s.")
                         % {"d": inv.round.closes_on})
        return redirect("surveys:mine")
    return render(request, "surveys/answer.html", {"invitation": inv, "form": form, "answer": existing})


@access(Capability.ANALYZE_CITYWIDE)
@require_POST
def invite_new(request, year):
    """Invite people who got a coordinator/community-police role after the round was sent."""
    chosen = choose(request, Capability.ANALYZE_CITYWIDE)
    rnd = get_object_or_404(CollaborationRound, year=year)
    _rnd, new = send_round(rnd.year, rnd.closes_on, municipality=chosen.municipality)
    messages.success(request, _("%(n)s more people invited.") % {"n": new})
    return redirect(_round_url(year, chosen))
