from django import forms
from django.utils.translation import gettext_lazy as _

from codeofconduct.models import Briefing, TeamNotification


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TeamNotificationForm(forms.Form):
    notified_on = forms.DateField(label=_("Op de hoogte gebracht op"), widget=DateInput())
    method = forms.ChoiceField(label=_("Hoe?"), choices=TeamNotification.Method.choices, widget=forms.RadioSelect)
    remark = forms.CharField(
        label=_("Toelichting"), max_length=500, required=False, help_text=_("Verplicht bij 'Anders'.")
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("method") == TeamNotification.Method.OTHER and not cleaned.get("remark", "").strip():
            self.add_error("remark", _("Zeg kort hoe je je team op de hoogte bracht."))
        return cleaned


class BriefingForm(forms.Form):
    held_on = forms.DateField(label=_("Datum van de briefing"), widget=DateInput())
    form = forms.ChoiceField(label=_("Vorm"), choices=Briefing.Form.choices)
    attendees = forms.MultipleChoiceField(
        label=_("Aanwezige medewerkers"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Hun aanwezigheid geldt als 'gelezen en begrepen', met jouw naam erbij."),
    )
    remark = forms.CharField(label=_("Opmerking"), max_length=500, required=False)

    def __init__(self, *args, attendee_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].choices = attendee_choices
