"""Forms of the work cycle. ``WorkForm`` adds, once for all, the personal-data validator to every
free-text field and checks that date pairs are in order; area choices are limited to the cycle's
area and the areas below it (down to primary areas)."""

from __future__ import annotations

from functools import partial

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from trygg.accounts.access import user_sides
from trygg.accounts.models import Membership, Organisation
from trygg.areas.models import Area
from trygg.areas.schemes import cycle_levels
from trygg.areas.subtree import within_area
from trygg.incidents.categories import CATEGORIES, CRIME_TYPES, NOT_COUNTED, THEMES
from trygg.privacy import validate_no_personal_data

from . import models as m

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def theme_choices(blank=True):
    """The table's themes (a callable for a field's ``choices``: read when the form is shown)."""
    return ([("", "—")] if blank else []) + [(k, str(v)) for k, v in THEMES.items()]


def category_choices():
    return [("", "—")] + [(k, str(v[0])) for k, v in CATEGORIES.items() if k not in NOT_COUNTED]


def crime_type_choices():
    return [("", "—")] + [(k, str(v[0])) for k, v in CRIME_TYPES.items()]


class WorkForm(forms.ModelForm):
    """Base form: validated free text, ordered dates, areas within the cycle's area."""

    date_pairs: tuple[tuple[str, str], ...] = ()
    area_fields: tuple[str, ...] = ()

    def __init__(self, *args, area=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.area, self.user = area, user
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and not isinstance(field, forms.ChoiceField):
                field.validators.append(validate_no_personal_data)
            if isinstance(field, forms.DateField):
                field.widget = DATE
        for name in self.area_fields:
            if name in self.fields and area is not None:
                self.fields[name].queryset = within_area(Area.objects.filter(level__in=cycle_levels(area)), area).order_by("path")
                self.fields[name].initial = self.fields[name].initial or area.pk

    def clean(self):
        data = super().clean()
        for a, b in self.date_pairs:
            if data.get(a) and data.get(b) and data[b] < data[a]:
                self.add_error(b, _("“%(b)s” must not be before “%(a)s”.") % {
                    "a": self.fields[a].label, "b": self.fields[b].label})
        return data


class ProblemForm(WorkForm):
    area_fields = ("area",)
    theme = forms.ChoiceField(label=_("theme"), choices=partial(theme_choices, blank=False))

    class Meta:
        model = m.Problem
        fields = ["title", "area", "theme", "description", "place_text", "time_pattern", "priority", "prioritised",
                  "snapshot", "indicator"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from trygg.picture.models import Snapshot

        self.fields["snapshot"].queryset = within_area(Snapshot.objects.all(), self.area, "area__path") \
            if self.area else Snapshot.objects.none()
        self._name_indicator()

    def _name_indicator(self):
        """An indicator code from the picture ("bra/egendom/stold_ur_fordon") is shown by its name,
        kept as the code (a goal is prefilled from it); free text stays a text field."""
        from .indicators import parse

        code = (self.data.get(self.add_prefix("indicator")) if self.is_bound else
                self.initial.get("indicator", self.instance.indicator)) or ""
        shown = parse(code)
        if shown:
            self.fields["indicator"].widget = forms.Select(choices=[(code, shown.label), ("", "—")])


class CauseForm(WorkForm):
    class Meta:
        model = m.Cause
        fields = ["corner", "description", "evidence"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "evidence": forms.Textarea(attrs={"rows": 3})}


class GoalForm(WorkForm):
    area_fields = ("area",)
    date_pairs = (("baseline_start", "baseline_end"), ("baseline_end", "target_date"))
    theme = forms.ChoiceField(label=_("theme"), choices=theme_choices, required=False)
    category = forms.ChoiceField(label=_("category (police events, EST reports)"), choices=category_choices,
                                 required=False)
    crime_type = forms.ChoiceField(label=_("crime type (Brå)"), choices=crime_type_choices, required=False,
                                   help_text=_("Only for the source “reported crimes (Brå)”: Brå counts whole "
                                               "calendar years, so the baseline and the follow-up are years."))

    class Meta:
        model = m.Goal
        fields = ["title", "area", "sources", "theme", "category", "crime_type", "baseline_start", "baseline_end",
                  "target_date", "target_change_pct"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.sources == m.Goal.Sources.BRA:
            self.initial["crime_type"], self.initial["category"] = self.instance.category, ""

    def clean(self):
        data = super().clean()
        bra = data.get("sources") == m.Goal.Sources.BRA
        if bra and data.get("category"):
            self.add_error("category", _("Brå counts crime types, not these categories: choose a crime type (Brå)."))
        elif not bra and data.get("crime_type"):
            self.add_error("crime_type", _("A crime type counts only with the source “reported crimes (Brå)”."))
        elif bra:
            data["category"] = data.get("crime_type", "")
        if not bra and not data.get("theme") and not data.get("category"):  # Brå alone: all reported crimes
            raise forms.ValidationError(_("A goal needs an indicator: choose a theme or a category to count."))
        return data


def partnership_members(area):
    """Memberships of the area's partnership: people who work on the cycle (a role that edits the
    work cycle, not a reader or a reporter) in this area, above it (the municipality: city-wide
    roles) or below it; never another municipality's."""
    from trygg.accounts.permissions import Capability, role_has

    roles = [r for r in Membership._meta.get_field("role").choices if role_has(r[0], Capability.EDIT_WORK)]
    return Membership.objects.filter(role__in=[r for r, _l in roles],
                                     area__path__in=_paths_above_and_below(area))


def _owner_fields(form, org_field="owner_organisation"):
    """Limit owner organisations to the partnership of the form's area (organisations with a member
    working on this area's cycle) and to the user's own side(s): the city coordinator cannot own a
    police action and vice versa. Admins and superusers may choose any side."""
    user = form.user
    qs = Organisation.objects.filter(pk__in=partnership_members(form.area).values("organisation"))
    if user is not None and not user.is_superuser:
        qs = qs.filter(kind__in=user_sides(user))
    form.fields[org_field].queryset = qs.order_by("kind", "name")


class ActionForm(WorkForm):
    area_fields = ("area",)
    date_pairs = (("start", "end"),)

    class Meta:
        model = m.Action
        fields = ["title", "description", "area", "lon", "lat", "cause", "owner_organisation", "owner", "start", "end",
                  "resources", "status", "expected_effect"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "expected_effect": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _owner_fields(self)
        self.fields["cause"].queryset = within_area(m.Cause.objects.select_related("problem"), self.area, "problem__area__path")
        self.fields["cause"].label_from_instance = lambda c: f"{c.problem.title} – {c}"
        self.fields["owner"].queryset = get_user_model().objects.filter(
            pk__in=partnership_members(self.area).values("user")).order_by("first_name", "username")
        self.fields["owner"].label_from_instance = lambda u: u.get_full_name() or u.username

    def clean(self):
        data = super().clean()
        if (data.get("lon") is None) != (data.get("lat") is None):
            self.add_error("lat", _("Give both longitude and latitude, or neither."))
        org, owner = data.get("owner_organisation"), data.get("owner")
        if org and owner and not Membership.objects.filter(user=owner, organisation__kind=org.kind).exists():
            self.add_error("owner", _("The owner must work for the %(side)s side.") % {"side": org.get_kind_display()})
        elif org and owner and not partnership_members(self.area).filter(
                user=owner, organisation__in=[org.pk, *([org.parent_id] if org.parent_id else []),
                                              *org.units.values_list("pk", flat=True)]).exists():
            self.add_error("owner", _("The owner must work on this area's cycle for %(org)s.") % {"org": org.name})
        return data


def _paths_above_and_below(area):
    parts = [c for c in area.path.strip("/").split("/") if c]
    above = ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]
    return above + list(within_area(Area.objects.all(), area).values_list("path", flat=True))


class AgreementForm(WorkForm):
    date_pairs = (("start", "end"),)

    class Meta:
        model = m.Agreement
        fields = ["kind", "title", "start", "end", "parties", "priorities", "problems", "document"]
        widgets = {"parties": forms.CheckboxSelectMultiple, "problems": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["problems"].queryset = within_area(m.Problem.objects.all(), self.area, "area__path")

    def clean_document(self):
        doc = self.cleaned_data.get("document")
        if doc and hasattr(doc, "size"):
            if doc.size > m.MAX_DOCUMENT_BYTES:
                raise forms.ValidationError(_("“%(name)s” is larger than %(mb)d MB.") % {
                    "name": doc.name, "mb": m.MAX_DOCUMENT_BYTES // (1024 * 1024)})
            head = doc.read(8)
            doc.seek(0)
            name = doc.name.lower()
            if name.endswith(".pdf") and not head.startswith(b"%PDF"):
                raise forms.ValidationError(_("“%(name)s” is not a PDF file.") % {"name": doc.name})
            if name.endswith(".docx") and not head.startswith(b"PK"):
                raise forms.ValidationError(_("“%(name)s” is not a Word (DOCX) file.") % {"name": doc.name})
        return doc


class ActionPlanForm(WorkForm):
    date_pairs = (("start", "end"),)

    class Meta:
        model = m.ActionPlan
        fields = ["title", "start", "end", "note"]


class PromiseForm(WorkForm):
    date_pairs = (("start", "end"),)

    class Meta:
        model = m.Promise
        fields = ["title", "text", "start", "end"]


class PromiseLineForm(WorkForm):
    class Meta:
        model = m.PromiseLine
        fields = ["text", "owner_organisation", "target", "unit"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _owner_fields(self)

    def clean_target(self):
        t = self.cleaned_data["target"]
        if t <= 0:
            raise forms.ValidationError(_("The target must be a positive number."))
        return t


class ProgressForm(WorkForm):
    """Progress on a promise line. The reporter says whether the number is what was added since the
    last report or the new total so far; either way the report stores what was added."""

    ADD, TOTAL = "add", "total"
    mode = forms.ChoiceField(label=_("The number is"), widget=forms.RadioSelect, initial=ADD, choices=[
        (ADD, _("added since the last report")), (TOTAL, _("the new total so far"))])

    class Meta:
        model = m.ProgressReport
        fields = ["date", "mode", "value", "note"]
        labels = {"value": _("Number")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.so_far = None
        if self.instance.line_id and not self.instance.pk:
            from .promises import line_progress

            p = line_progress(self.instance.line)
            self.so_far = p.achieved
            self.fields["value"].help_text = _(
                "Reported so far: %(done)s %(unit)s (target %(target)s). Example: “added” 4 gives %(next)s in "
                "total; “the new total” %(next)s adds 4.") % {
                "done": f"{p.achieved:g}", "unit": self.instance.line.unit, "target": f"{p.target:g}",
                "next": f"{p.achieved + 4:g}"}
        else:  # an existing report is edited as what it added
            del self.fields["mode"]

    def clean(self):
        data = super().clean()
        v = data.get("value")
        if v is None:
            return data
        if data.get("mode") == self.TOTAL and self.so_far is not None:
            if v < self.so_far:
                self.add_error("value", _("The new total %(v)s is below the %(done)s reported so far.") % {
                    "v": f"{v:g}", "done": f"{self.so_far:g}"})
            data["value"] = v - self.so_far
        elif v < 0:
            self.add_error("value", _("The amount cannot be negative."))
        return data


class MeetingForm(WorkForm):
    class Meta:
        model = m.Meeting
        fields = ["kind", "date", "note"]
