from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trygg.incidents.categories import theme_choices

from .annual.render import FORMATS
from .models import Conference


def _year_choices():
    """Completed years, newest first: an annual analysis of a running year compares part of a year."""
    last = timezone.localdate().year - 1
    return [(y, y) for y in range(last, last - 8, -1)]


class AnnualForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=_year_choices)
    theme = forms.ChoiceField(label=_("Theme"), choices=theme_choices)
    fmt = forms.ChoiceField(label=_("Format"), choices=[(f, f.upper()) for f in FORMATS], initial="pdf")


class ConferenceForm(forms.ModelForm):
    theme = forms.ChoiceField(label=_("theme"), choices=theme_choices)

    class Meta:
        model = Conference
        fields = ["year", "date", "place", "theme", "theme_motivation", "agenda", "participants", "notes", "decisions"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   **{f: forms.Textarea(attrs={"rows": 4}) for f in
                      ["theme_motivation", "agenda", "participants", "notes", "decisions"]}}

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 2000 <= year <= timezone.localdate().year + 2:
            raise forms.ValidationError(_("Choose a year between 2000 and two years ahead."))
        return year


class StatutoryTextForm(forms.Form):
    """The analyst's own text sections of a statutory document; free text, so checked for personal data."""

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        from trygg.privacy import validate_no_personal_data

        from .statutory.data import TEXT_SECTIONS

        for key, label, help_text in TEXT_SECTIONS[kind]:
            self.fields[key] = forms.CharField(label=label, help_text=help_text, required=False, max_length=20000,
                                               widget=forms.Textarea(attrs={"rows": 6}),
                                               validators=[validate_no_personal_data])


class StatutoryNewForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=[("lagesbild", _("Situation picture (lägesbild)")),
                                                           ("atgardsplan", _("Action plan (åtgärdsplan)"))])
    year = forms.IntegerField(label=_("Year"), min_value=2000)

    def clean_year(self):
        from django.utils import timezone

        y = self.cleaned_data["year"]
        if y > timezone.localdate().year:
            raise forms.ValidationError(_("The year cannot be in the future."))
        return y
