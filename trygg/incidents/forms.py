"""The EST report form (mobile-friendly): time, place on the map (a tap, a click or the device's
position) or an area, checklist, free text."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trygg.privacy import validate_no_personal_data

from .categories import EST_CATEGORIES, category_label
from .placement import locate_points

EARLIEST_DAYS = 366  # an EST report is about what staff saw recently; older observations are imported
FUTURE_SLACK = dt.timedelta(minutes=10)  # a phone's clock may run a little ahead


class EstReportForm(forms.Form):
    occurred_at = forms.DateTimeField(label=_("When"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                      format="%Y-%m-%dT%H:%M"), input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    category = forms.ChoiceField(label=_("What did you see?"), widget=forms.RadioSelect)
    lon = forms.FloatField(required=False, widget=forms.HiddenInput)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    area = forms.ChoiceField(label=_("Or choose the area from the list"), required=False)
    place = forms.CharField(label=_("Address or place"), max_length=200, required=False,
                            validators=[validate_no_personal_data])
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                  validators=[validate_no_personal_data],
                                  help_text=_("Describe places and situations, never identifiable people."))

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [(c, category_label(c)) for c in EST_CATEGORIES]
        self.areas = {a.code: a for a in areas}
        self.fields["area"].choices = [("", "—")] + [(a.code, a.name) for a in areas]
        now = timezone.localtime()
        if not self.is_bound:
            self.initial.setdefault("occurred_at", now.strftime("%Y-%m-%dT%H:%M"))
        attrs = self.fields["occurred_at"].widget.attrs
        attrs["max"] = now.strftime("%Y-%m-%dT%H:%M")
        attrs["min"] = (now - dt.timedelta(days=EARLIEST_DAYS)).strftime("%Y-%m-%dT00:00")

    def full_clean(self):
        super().full_clean()
        for name in self.errors:  # point assistive technology at the message of each wrong field
            if name in self.fields and not self.fields[name].widget.is_hidden:
                self.fields[name].widget.attrs.update({"aria-invalid": "true", "aria-describedby": f"err-{name}"})

    def clean_occurred_at(self):
        when = self.cleaned_data["occurred_at"]
        now = timezone.now()
        if when > now + FUTURE_SLACK:
            raise forms.ValidationError(_("The time is in the future: give when you saw it."))
        if when < now - dt.timedelta(days=EARLIEST_DAYS):
            raise forms.ValidationError(
                _("The date is more than a year ago: report what you have seen recently (older observations "
                  "are imported by the analyst)."))
        return when

    def clean(self):
        data = super().clean()
        lon, lat, code = data.get("lon"), data.get("lat"), data.get("area")
        if lon is not None and lat is not None:
            found = locate_points([lon], [lat])[0]
            if found is None:
                raise forms.ValidationError(_("The place you chose is outside the municipality's areas."))
            data["found_area"] = found
        elif code:
            data["found_area"] = self.areas[code]
        else:
            raise forms.ValidationError(_("Choose the place on the map, use your position or choose an area."))
        return data


class PlaceNameForm(forms.Form):
    """The analyst's own gazetteer entry: a name and the area it places an event at."""

    name = forms.CharField(label=_("Place name as written in the text"), max_length=200,
                           validators=[validate_no_personal_data])
    area = forms.ChoiceField(label=_("Area it places an event at"), required=False,
                             help_text=_("Leave empty to never place an event by this name."))
    note = forms.CharField(label=_("Note (why)"), max_length=500, required=False,
                           validators=[validate_no_personal_data])

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.areas = {a.code: a for a in areas}
        self.fields["area"].choices = [("", _("— never place by this name —"))] + [
            (a.code, f"{a.name} ({a.get_level_display()})") for a in areas]

    def clean_name(self):
        from .gazetteer import name_key

        name = " ".join(self.cleaned_data["name"].split())
        if not name_key(name):
            raise forms.ValidationError(_("The name must contain letters."))
        return name

    def clean_area(self):
        code = self.cleaned_data.get("area") or ""
        return self.areas.get(code) if code else None
