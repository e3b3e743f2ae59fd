"""Forms of the code of conduct: Redactie's editing and publishing, the chef's team notification and briefing."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from codeofconduct.models import Briefing, PolicyVersion, TeamNotification
from organisation.models import OrgUnit


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class VersionForm(forms.ModelForm):
    """The paper note's header and body. Business rules live in the model's clean() and services."""

    class Meta:
        model = PolicyVersion
        # The header as the model declares it, then who it is for and by when, then the text.
        fields = [
            *PolicyVersion.HEADER_FIELDS,
            "audience_all_staff",
            "audience_units",
            "acknowledgement_due_date",
            "body",
        ]
        error_messages = {"body": {"required": _("De tekst van de nota mag niet leeg zijn.")}}
        widgets = {
            "datum": DateInput(),
            "vervaldatum": DateInput(),
            "acknowledgement_due_date": DateInput(),
            "bijlagen": forms.Textarea(attrs={"rows": 2}),
            "verwijzingen": forms.Textarea(attrs={"rows": 2}),
            "gebruik": forms.Textarea(attrs={"rows": 2}),
            "verantwoordelijk": forms.Textarea(attrs={"rows": 2}),
            "body": forms.Textarea(attrs={"rows": 30, "class": "app-editor__body"}),
            "audience_units": forms.SelectMultiple(attrs={"size": 8}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["audience_units"].queryset = OrgUnit.objects.filter(is_active=True).order_by("path")
        self.fields["audience_units"].help_text = _("Enkel nodig als niet alle medewerkers de nota moeten lezen.")
        # The note is Dutch whatever the interface's language: its text fields say so (screen readers,
        # spelling checkers). Dates and the link are no language.
        for name in [*PolicyVersion.HEADER_FIELDS, "body"]:
            widget = self.fields[name].widget
            if not isinstance(widget, forms.DateInput | forms.URLInput):
                widget.attrs["lang"] = "nl"

    def clean_body(self):
        body = self.cleaned_data["body"]
        if not body.strip():
            raise forms.ValidationError(_("De tekst van de nota mag niet leeg zijn."))
        return body

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("audience_all_staff") and not cleaned.get("audience_units"):
            self.add_error(
                "audience_units", _("Kies de eenheden die de nota moeten lezen, of vink 'alle medewerkers' aan.")
            )
        return cleaned


class PublishForm(forms.Form):
    WHEN_NOW = "now"
    WHEN_LATER = "later"
    when = forms.ChoiceField(
        label=_("Wanneer publiceren?"),
        widget=forms.RadioSelect,
        initial=WHEN_NOW,
        choices=[(WHEN_NOW, _("Nu publiceren")), (WHEN_LATER, _("Op een gepland tijdstip"))],
    )
    publish_at = forms.DateTimeField(
        label=_("Publiceren op"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    is_editorial_change = forms.BooleanField(
        label=_("Redactionele wijziging (enkel tikfouten of opmaak)"),
        required=False,
        help_text=_("Medewerkers die de vorige versie al bevestigden, hoeven deze niet opnieuw te bevestigen."),
    )
    note = forms.CharField(label=_("Toelichting"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("when") == self.WHEN_LATER:
            publish_at = cleaned.get("publish_at")
            if publish_at is None:
                self.add_error("publish_at", _("Kies de datum en het uur van publicatie."))
            elif publish_at <= timezone.now():
                self.add_error("publish_at", _("Het geplande tijdstip moet in de toekomst liggen."))
        else:
            cleaned["publish_at"] = None
        return cleaned


class PolicyForm(forms.Form):
    title = forms.CharField(
        label=_("Titel van de beleidstekst"),
        max_length=200,
        help_text=_(
            "Bijvoorbeeld: Gedragscode e-mail en internetgebruik. De eerste versie maakt u daarna als ontwerp."
        ),
    )


class WithdrawForm(forms.Form):
    """Withdraw the current version (asks what is in force afterwards) or cancel a schedule."""

    PREVIOUS = "previous"
    NOTHING = "nothing"
    note = forms.CharField(label=_("Reden"), widget=forms.Textarea(attrs={"rows": 3}))
    in_force_after = forms.ChoiceField(
        label=_("Wat is van kracht na de intrekking?"),
        widget=forms.RadioSelect,
        # The default: withdrawing an update normally means that the rules it replaced apply again.
        initial=PREVIOUS,
    )

    def __init__(self, *args, version, previous=None, why_not="", **kwargs):
        super().__init__(*args, **kwargs)
        if version.status == PolicyVersion.Status.SCHEDULED:
            self.fields["note"].label = _("Reden van annulering")
            del self.fields["in_force_after"]
            return
        self.fields["note"].label = _("Reden van intrekking")
        field = self.fields["in_force_after"]
        nothing = (self.NOTHING, _("Geen geldende versie tot een nieuwe versie gepubliceerd wordt"))
        if previous is not None and not why_not:
            label = _("De vorige versie, %(nummer)s (%(titel)s), is opnieuw van kracht") % {
                "nummer": previous.nummer,
                "titel": previous.titel,
            }
            field.choices = [(self.PREVIOUS, label), nothing]
            field.help_text = _(
                "Medewerkers krijgen een e-mail dat %(nummer)s opnieuw van kracht is; wie die versie nog niet "
                "bevestigde, krijgt een nieuwe termijn van 14 dagen."
            ) % {"nummer": previous.nummer}
        else:
            field.choices = [nothing]
            field.initial = self.NOTHING
            field.help_text = why_not

    @property
    def reinstate_previous(self) -> bool:
        return self.cleaned_data.get("in_force_after") == self.PREVIOUS


class DueDateExtendForm(forms.Form):
    due_date = forms.DateField(label=_("Nieuwe uiterste datum"), widget=DateInput())
    reason = forms.CharField(label=_("Waarom?"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


# --- The chef-waardeerder's team ------------------------------------------------------------------


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
