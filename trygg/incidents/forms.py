"""The EST report form (mobile-friendly): time, place by map click or area, checklist, free text."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trygg.privacy import validate_no_personal_data

from .categories import EST_CATEGORIES, category_label
from .placement import locate_points


class EstReportForm(forms.Form):
    occurred_at = forms.DateTimeField(label=_("When"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                      format="%Y-%m-%dT%H:%M"), input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    category = forms.ChoiceField(label=_("What did you see?"), widget=forms.RadioSelect)
    lon = forms.FloatField(required=False, widget=forms.HiddenInput)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    area = forms.ChoiceField(label=_("Or choose the area"), required=False)
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
        if not self.is_bound:
            self.initial.setdefault("occurred_at", timezone.localtime().strftime("%Y-%m-%dT%H:%M"))

    def clean(self):
        data = super().clean()
        lon, lat, code = data.get("lon"), data.get("lat"), data.get("area")
        if lon is not None and lat is not None:
            found = locate_points([lon], [lat])[0]
            if found is None:
                raise forms.ValidationError(_("The place you clicked is outside the municipality's areas."))
            data["found_area"] = found
        elif code:
            data["found_area"] = self.areas[code]
        else:
            raise forms.ValidationError(_("Click the map or choose an area."))
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
