"""Views of the work cycle: /arbete/<code>/… Every view declares its capability on the area in
the URL; objects are looked up within that area (404 otherwise); every save goes through
``history.save_form`` so that the change history is complete."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trygg.accounts.access import access, can, memberships, user_sides
from trygg.accounts.municipalities import choose
from trygg.accounts.permissions import Capability, role_has
from trygg.areas import schemes
from trygg.areas.models import Area
from trygg.areas.subtree import within_area
from trygg.numbers.followup import DataEnds, action_effect, action_effects, goal_statuses

from . import forms, history, indicators
from . import models as m
from .agenda import meeting_pack as build_pack
from .checklist import CRITERIA, checklist, checklists
from .promises import line_progress
from .scope import object_in_area, object_in_or_above, within

VIEW = Capability.VIEW_PICTURE
EDIT = Capability.EDIT_WORK
APPROVE = Capability.APPROVE


def _url(name, area, *args):
    return reverse(f"work:{name}", args=[area.code, *args])


def _form_page(request, form_class, *, instance=None, title, back, prepare=None, initial=None, files=False,
               extra=None):
    """One edit page for every object: bound form, history, a message, redirect; a rejected form
    is shown again with everything the user typed."""
    area = request.area
    if request.method == "POST":
        form = form_class(request.POST, request.FILES if files else None, instance=instance, area=area,
                          user=request.user)
        if form.is_valid():
            if prepare:
                prepare(form.instance)
            obj = history.save_form(form, request.user, area)
            messages.success(request, _("Saved: %(obj)s") % {"obj": obj})
            return redirect(back(obj) if callable(back) else back)
    else:
        form = form_class(instance=instance, area=area, user=request.user, initial=initial)
    return render(request, "work/form.html", {"area": area, "form": form, "title": title, "files": files,
                                              "cancel": back(instance) if callable(back) and instance else
                                              (back if not callable(back) else _url("cycle", area)),
                                              **(extra or {})})


def _own_side(request, org):
    """Each side edits its own actions and promise lines."""
    if not request.user.is_superuser and org.kind not in user_sides(request.user):
        raise PermissionDenied


# ---- overview and the area's cycle ---------------------------------------------------------------

@access(VIEW)
def overview(request):
    """The districts of one municipality (the viewer's own, or the one chosen) × Brå's criteria:
    where every area's cycle stands."""
    chosen = choose(request, VIEW)
    districts = list(schemes.districts(chosen.municipality).order_by("path")) if chosen.municipality else []
    rows = [{"area": a, "criteria": c} for a, c in zip(districts, checklists(districts), strict=True)]
    for r in rows:
        r["done"] = sum(c.done for c in r["criteria"])
    return render(request, "work/overview.html", {"rows": rows, "criteria": [str(label) for _k, label in CRITERIA],
                                                  "chosen": chosen})


@access(VIEW, area_kwarg="code")
def cycle(request, code):
    area = request.area
    problems = within(m.Problem.objects.all(), area).prefetch_related("causes", "goals")
    actions = within(m.Action.objects.all(), area).select_related("owner_organisation", "cause__problem", "area")
    from .checklist import path_q

    ctx = {
        "area": area, "criteria": checklist(area), "problems": problems, "actions": actions,
        "agreements": m.Agreement.objects.filter(path_q(area)).prefetch_related("signatures"),
        "plans": within(m.ActionPlan.objects.all(), area).prefetch_related("signatures"),
        "promises": m.Promise.objects.filter(path_q(area)).prefetch_related("signatures"),
        "meetings": within(m.Meeting.objects.all(), area)[:10],
        "can_edit": can(request.user, EDIT, area), "can_approve": can(request.user, APPROVE, area),
        "sub_areas": area.children.filter(level__in=schemes.cycle_levels(area)).order_by("code"),
    }
    return render(request, "work/cycle.html", ctx)


# ---- problems, causes, goals (joint objects) -------------------------------------------------------

def _problem(request, pk):
    return object_in_area(get_object_or_404(m.Problem.objects.select_related("area", "snapshot"), pk=pk), request.area)


@access(EDIT, area_kwarg="code")
def problem_new(request, code):
    initial = {k: request.GET[k] for k in ("theme", "indicator", "snapshot", "title") if request.GET.get(k)}
    if request.GET.get("area"):
        sub = within_area(Area.objects.filter(code=request.GET["area"]), request.area).first()
        if sub:
            initial["area"] = sub.pk

    def prepare(obj):
        obj.raised_by = request.user

    return _form_page(request, forms.ProblemForm, title=_("Raise a problem"), prepare=prepare, initial=initial,
                      back=lambda p: _url("problem", request.area, p.pk))


@access(VIEW, area_kwarg="code")
def problem(request, code, pk):
    p = _problem(request, pk)
    goals = list(p.goals.select_related("area"))
    goals = list(zip(goals, goal_statuses(goals), strict=True))
    for g, _st in goals:
        g.indicator_label = indicators.Indicator(g.sources, g.theme, g.category).label
    actions = m.Action.objects.filter(cause__problem=p).select_related("owner_organisation", "cause", "area")
    return render(request, "work/problem.html", {
        "area": request.area, "problem": p, "causes": p.causes.all(), "goals": goals, "actions": actions,
        "indicator": indicators.label(p.indicator),
        "can_edit": can(request.user, EDIT, request.area)})


@access(EDIT, area_kwarg="code")
def problem_edit(request, code, pk):
    p = _problem(request, pk)
    return _form_page(request, forms.ProblemForm, instance=p, title=_("Edit problem"),
                      back=lambda o: _url("problem", request.area, o.pk))


@access(EDIT, area_kwarg="code")
def cause_new(request, code, pk):
    p = _problem(request, pk)

    def prepare(obj):
        obj.problem, obj.created_by = p, request.user

    return _form_page(request, forms.CauseForm, title=_("Add a cause: %(p)s") % {"p": p.title}, prepare=prepare,
                      back=lambda o: _url("problem", request.area, p.pk))


@access(EDIT, area_kwarg="code")
def cause_edit(request, code, pk):
    c = object_in_area(get_object_or_404(m.Cause.objects.select_related("problem__area"), pk=pk), request.area)
    return _form_page(request, forms.CauseForm, instance=c, title=_("Edit cause"),
                      back=lambda o: _url("problem", request.area, o.problem_id))


@access(EDIT, area_kwarg="code")
def goal_new(request, code, pk):
    p = _problem(request, pk)
    today = dt.date.today()

    def prepare(obj):
        obj.problem, obj.created_by = p, request.user

    initial = {"area": p.area_id, "theme": p.theme, "baseline_start": dt.date(today.year - 1, 1, 1),
               "baseline_end": dt.date(today.year - 1, 12, 31), "target_date": dt.date(today.year + 1, 12, 31)}
    shown_by = indicators.parse(p.indicator)
    if shown_by:  # the same indicator that showed the problem
        initial.update(shown_by.goal_initial())
        initial["theme"] = initial["theme"] or p.theme
    return _form_page(request, forms.GoalForm, title=_("Set a goal: %(p)s") % {"p": p.title}, prepare=prepare,
                      initial=initial, back=lambda o: _url("problem", request.area, p.pk))


@access(EDIT, area_kwarg="code")
def goal_edit(request, code, pk):
    g = object_in_area(get_object_or_404(m.Goal.objects.select_related("area"), pk=pk), request.area)
    return _form_page(request, forms.GoalForm, instance=g, title=_("Edit goal"),
                      back=lambda o: _url("problem", request.area, o.problem_id))


# ---- actions (each side its own) -------------------------------------------------------------------

@access(EDIT, area_kwarg="code")
def action_new(request, code):
    initial = {"cause": request.GET.get("cause"), "start": dt.date.today(), "owner": request.user.pk}

    def prepare(obj):
        obj.created_by = request.user

    return _form_page(request, forms.ActionForm, title=_("New action"), prepare=prepare, initial=initial,
                      back=lambda o: _url("action", request.area, o.pk))


def _action(request, pk):
    qs = m.Action.objects.select_related("area__parent", "owner_organisation", "owner", "cause__problem")
    return object_in_area(get_object_or_404(qs, pk=pk), request.area)


@access(VIEW, area_kwarg="code")
def action(request, code, pk):
    a = _action(request, pk)
    editable = can(request.user, EDIT, request.area) and (
        request.user.is_superuser or a.owner_organisation.kind in user_sides(request.user))
    return render(request, "work/action.html", {"area": request.area, "action": a, "effect": action_effect(a),
                                                "can_edit": editable})


@access(EDIT, area_kwarg="code")
def action_edit(request, code, pk):
    a = _action(request, pk)
    _own_side(request, a.owner_organisation)
    return _form_page(request, forms.ActionForm, instance=a, title=_("Edit action"),
                      back=lambda o: _url("action", request.area, o.pk))


@access(VIEW, area_kwarg="code")
def followup(request, code):
    area = request.area
    goals = list(within(m.Goal.objects.select_related("area", "problem"), area, "problem__area"))
    actions = list(within(m.Action.objects.select_related(
        "area__parent__parent", "owner_organisation", "cause__problem"), area))
    ends = DataEnds([o.area for o in [*goals, *actions]])
    goals = list(zip(goals, goal_statuses(goals, ends=ends), strict=True))
    actions = list(zip(actions, action_effects(actions, ends=ends), strict=True))
    counts = {label: sum(1 for a, _e in actions if a.status == s) for s, label in m.Action.Status.choices}
    from trygg.numbers.figures import source_currency

    return render(request, "work/followup.html", {"area": area, "goals": goals, "actions": actions,
                                                  "status_counts": counts, "today": dt.date.today(),
                                                  "currency": source_currency()})


# ---- agreements, plans, promises, signatures ------------------------------------------------------

SIGNABLE = {"agreement": m.Agreement, "plan": m.ActionPlan, "promise": m.Promise}


@access(EDIT, area_kwarg="code")
def agreement_new(request, code):
    def prepare(obj):
        obj.area, obj.created_by = request.area, request.user

    year = _agreement_year(request.POST.get("start")) if request.method == "POST" else timezone.localdate().year
    return _form_page(request, forms.AgreementForm, title=_("New agreement (new version)"), prepare=prepare,
                      files=True, back=lambda o: _url("agreement", request.area, o.pk),
                      extra={"decisions_for_year": year, "decisions_area": request.area})


def _agreement_year(start: str | None) -> int:
    """The year an agreement starts (from the typed start date), else this year."""
    try:
        return dt.date.fromisoformat(start or "").year
    except ValueError:
        return timezone.localdate().year


@access(VIEW, area_kwarg="code")
def agreement(request, code, pk):
    a = object_in_or_above(get_object_or_404(m.Agreement, pk=pk), request.area)
    versions = m.Agreement.objects.filter(area=a.area, kind=a.kind).order_by("-version")
    return render(request, "work/agreement.html", {"area": request.area, "agreement": a, "versions": versions,
                                                   "can_approve": can(request.user, APPROVE, a.area)})


@access(VIEW, area_kwarg="code")
def agreement_document(request, code, pk):
    a = object_in_or_above(get_object_or_404(m.Agreement, pk=pk), request.area)
    if not a.document:
        raise Http404
    return FileResponse(a.document.open("rb"), as_attachment=True, filename=a.document.name.rsplit("/", 1)[-1])


@access(EDIT, area_kwarg="code")
def plan_new(request, code):
    def prepare(obj):
        obj.area, obj.created_by = request.area, request.user

    return _form_page(request, forms.ActionPlanForm, title=_("New action plan"), prepare=prepare,
                      back=lambda o: _url("cycle", request.area))


def _signing_membership(user, area, side):
    for ms in memberships(user):
        if ms.organisation.kind == side and role_has(ms.role, APPROVE) and ms.area_id and \
                area.path.startswith(ms.area.path):
            return ms
    return None


@access(APPROVE, area_kwarg="code")
@require_POST
def sign(request, code, model, pk):
    """Sign (approve) an agreement, an action plan or a promise for the user's own side."""
    if model not in SIGNABLE:
        raise Http404
    obj = get_object_or_404(SIGNABLE[model], pk=pk)
    (object_in_area if model == "plan" else object_in_or_above)(obj, request.area)
    if not can(request.user, APPROVE, obj.area):
        raise PermissionDenied
    sides = [s for s in (m.Side.CITY, m.Side.POLICE) if request.user.is_superuser or
             _signing_membership(request.user, obj.area, s)]
    side = request.POST.get("side") or (sides[0] if len(sides) == 1 else "")
    expired = model == "agreement" and obj.end < dt.date.today()
    if expired and not request.POST.get("confirm_expired"):
        messages.error(request, _("This ended %(day)s: confirm that you still want to sign it.") % {"day": obj.end})
    elif side not in sides:
        messages.error(request, _("You can sign only for your own side."))
    elif obj.signatures.filter(side=side).exists():
        messages.info(request, _("Already signed for the %(side)s side.") % {"side": m.Side(side).label})
    else:
        ms = _signing_membership(request.user, obj.area, side)
        role = (ms.title or ms.get_role_display()) + f", {ms.organisation.name}" if ms else _("administrator")
        before = history.state(obj)
        before["signatures"] = sorted(obj.signed_sides())
        m.Signature.objects.create(obj=obj, side=side, user=request.user, role=role)
        log = history.record(obj, request.user, request.area, m.ChangeLog.Kind.SIGNED, before)
        log.after["signatures"] = sorted(obj.signed_sides())
        log.save(update_fields=["after"])
        messages.success(request, _("Signed for the %(side)s side.") % {"side": m.Side(side).label})
    back = {"agreement": "agreement", "promise": "promise"}.get(model)
    return redirect(_url(back, request.area, obj.pk) if back else _url("cycle", request.area))


@access(EDIT, area_kwarg="code")
def promise_new(request, code):
    def prepare(obj):
        obj.area, obj.created_by = request.area, request.user

    return _form_page(request, forms.PromiseForm, title=_("New citizen promise"), prepare=prepare,
                      back=lambda o: _url("promise", request.area, o.pk))


def _promise(request, pk):
    return object_in_or_above(get_object_or_404(m.Promise.objects.select_related("area"), pk=pk), request.area)


@access(VIEW, area_kwarg="code")
def promise(request, code, pk):
    p = _promise(request, pk)
    lines = [line_progress(line) for line in p.lines.select_related("owner_organisation").prefetch_related("reports")]
    sides = user_sides(request.user)
    for lp in lines:
        lp.editable = request.user.is_superuser or lp.line.owner_organisation.kind in sides
    return render(request, "work/promise.html", {
        "area": request.area, "promise": p, "lines": lines, "can_edit": can(request.user, EDIT, p.area),
        "can_approve": can(request.user, APPROVE, p.area)})


@access(EDIT, area_kwarg="code")
def promise_edit(request, code, pk):
    p = object_in_area(_promise(request, pk), request.area)
    return _form_page(request, forms.PromiseForm, instance=p, title=_("Edit promise"),
                      back=lambda o: _url("promise", request.area, o.pk))


@access(APPROVE, area_kwarg="code")
@require_POST
def promise_publish(request, code, pk):
    p = object_in_area(_promise(request, pk), request.area)
    if not p.fully_signed:
        messages.error(request, _("Both sides must sign the promise before it is published."))
    elif not p.published_at:
        before = history.state(p)
        p.published_at = timezone.now()
        p.save(update_fields=["published_at"])
        history.record(p, request.user, request.area, m.ChangeLog.Kind.CHANGED, before)
        messages.success(request, _("The promise is published on the public page."))
    return redirect(_url("promise", request.area, p.pk))


@access(EDIT, area_kwarg="code")
def line_new(request, code, pk):
    p = object_in_area(_promise(request, pk), request.area)

    def prepare(obj):
        obj.promise = p

    return _form_page(request, forms.PromiseLineForm, title=_("Add a commitment line"), prepare=prepare,
                      back=lambda o: _url("promise", request.area, p.pk))


def _line(request, pk):
    line = get_object_or_404(m.PromiseLine.objects.select_related("promise__area", "owner_organisation"), pk=pk)
    return object_in_area(line, request.area)


@access(EDIT, area_kwarg="code")
def line_edit(request, code, pk):
    line = _line(request, pk)
    _own_side(request, line.owner_organisation)
    return _form_page(request, forms.PromiseLineForm, instance=line, title=_("Edit commitment line"),
                      back=lambda o: _url("promise", request.area, o.promise_id))


@access(EDIT, area_kwarg="code")
def progress_new(request, code, pk):
    line = _line(request, pk)
    _own_side(request, line.owner_organisation)

    return _form_page(request, forms.ProgressForm, title=_("Report progress: %(l)s") % {"l": line.text},
                      instance=m.ProgressReport(line=line, reported_by=request.user),
                      initial={"date": dt.date.today()},
                      back=lambda o: _url("promise", request.area, line.promise_id))


# ---- meetings --------------------------------------------------------------------------------------

@access(EDIT, area_kwarg="code")
def meeting_new(request, code):
    def prepare(obj):
        obj.area, obj.created_by = request.area, request.user

    return _form_page(request, forms.MeetingForm, title=_("Plan a meeting"), prepare=prepare,
                      initial={"date": dt.date.today()}, back=lambda o: _url("meeting", request.area, o.pk))


@access(VIEW, area_kwarg="code")
def meeting(request, code, pk):
    mt = object_in_area(get_object_or_404(m.Meeting, pk=pk), request.area)
    return render(request, "work/meeting_pack.html", {"area": request.area, "meeting": mt, "pack": build_pack(mt)})


# ---- history ---------------------------------------------------------------------------------------

HISTORY_MODELS = {"problem": m.Problem, "cause": m.Cause, "goal": m.Goal, "action": m.Action,
                  "agreement": m.Agreement, "plan": m.ActionPlan, "promise": m.Promise, "line": m.PromiseLine,
                  "progress": m.ProgressReport, "meeting": m.Meeting}


@access(VIEW, area_kwarg="code")
def object_history(request, code, model, pk):
    if model not in HISTORY_MODELS:
        raise Http404
    obj = object_in_or_above(get_object_or_404(HISTORY_MODELS[model], pk=pk), request.area)
    return render(request, "work/history.html", {"area": request.area, "obj": obj, "entries": history.history_of(obj)})
