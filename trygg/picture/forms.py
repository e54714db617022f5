from django import forms
from django.utils.translation import gettext_lazy as _

from trygg.privacy import validate_no_personal_data


class SnapshotForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, validators=[validate_no_personal_data])
    note = forms.CharField(label=_("Note (what was decided, why)"), required=False, max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 2}), validators=[validate_no_personal_data])


class ExportForm(forms.Form):
    format = forms.ChoiceField(label=_("Format"), choices=[("xlsx", _("Excel (.xlsx)")), ("csv", _("CSV"))])
    purpose = forms.CharField(label=_("Purpose"), max_length=300, validators=[validate_no_personal_data],
                              help_text=_("Why is the data exported? Every export is logged."))
    recipient = forms.CharField(label=_("Recipient"), max_length=200, validators=[validate_no_personal_data],
                                help_text=_("Who will receive it (organisation or function)?"))
