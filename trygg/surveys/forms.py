from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trygg.privacy import validate_no_personal_data

from .models import CollaborationAnswer, CollaborationRound


class SurveyUploadForm(forms.Form):
    file = forms.FileField(label=_("CSV file"))

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        raw = f.read()
        for enc in ("utf-8-sig", "cp1252"):
            try:
                self.text = raw.decode(enc)
                return f
            except UnicodeDecodeError:
                continue
        raise forms.ValidationError(_("The file is not text (UTF-8 or Windows-1252)."))


class RoundForm(forms.ModelForm):
    class Meta:
        model = CollaborationRound
        fields = ["year", "closes_on", "message"]
        widgets = {"closes_on": forms.DateInput(attrs={"type": "date"}), "message": forms.Textarea(attrs={"rows": 3})}

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 2000 <= year <= timezone.localdate().year + 1:
            raise forms.ValidationError(_("Choose a year between 2000 and next year."))
        return year

    def clean_closes_on(self):
        d = self.cleaned_data["closes_on"]
        if d < timezone.localdate():
            raise forms.ValidationError(_("The closing date has passed."))
        return d


LIKERT_LABELLED = [(1, _("1 very poorly")), (2, "2"), (3, "3"), (4, "4"), (5, _("5 very well"))]


def _likert(field):
    return forms.TypedChoiceField(label=CollaborationAnswer._meta.get_field(field).verbose_name,
                                  choices=LIKERT_LABELLED, coerce=int,
                                  widget=forms.RadioSelect(attrs={"class": "likert"}))


class AnswerForm(forms.ModelForm):
    collaboration = _likert("collaboration")
    agreement = _likert("agreement")
    shared_picture = _likert("shared_picture")
    follow_up = _likert("follow_up")
    comment = forms.CharField(label=_("Comment (optional; no names or personal data)"), required=False,
                              widget=forms.Textarea(attrs={"rows": 4}), validators=[validate_no_personal_data])

    class Meta:
        model = CollaborationAnswer
        fields = ["collaboration", "agreement", "shared_picture", "follow_up", "comment"]
