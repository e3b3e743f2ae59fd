from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from advice.models import Channel, FaqEntry, State
from advice.rules import rule_choices
from advice.uploads import check_attachment
from config.forms import with_empty_choice


def _not_blank(value, message):
    if not (value or "").strip():
        raise forms.ValidationError(message)
    return value.strip()


class RuleSelect(forms.Select):
    """The rules are the note's own (Dutch) headings: marked as Dutch on a page in another language."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        if value:
            option["attrs"]["lang"] = "nl"
        return option


class AskForm(forms.Form):
    submission = forms.UUIDField(required=False, widget=forms.HiddenInput)
    # strip=False: a field of only spaces gets its own clear message in clean_<field>, not "required".
    subject = forms.CharField(
        label=_("Onderwerp"), max_length=120, strip=False, help_text=_("Kort: waarover gaat je twijfel?")
    )
    body = forms.CharField(
        label=_("Je vraag"),
        max_length=5000,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Wat wil je posten, filmen, beantwoorden of delen? Schrijf het bericht of beschrijf het."),
    )
    channel = forms.ChoiceField(label=_("Kanaal"), choices=with_empty_choice(Channel.choices))
    link = forms.URLField(
        label=_("Link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("Bijvoorbeeld het bericht waarop je wil reageren."),
    )
    rule_anchor = forms.ChoiceField(
        label=_("Over welke regel van de gedragscode gaat het?"), required=False, widget=RuleSelect
    )
    needed_by = forms.DateField(
        label=_("Ik wil dit posten op"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_(
            "Als je leidinggevende niet op tijd antwoordt, gaat je vraag vroeg genoeg naar het Bureau voor Integriteit."
        ),
    )
    concerns_manager = forms.BooleanField(
        label=_("Mijn vraag gaat over mijn leidinggevende"),
        required=False,
        help_text=_(
            "Dan gaat je vraag rechtstreeks naar het Bureau voor Integriteit. Je leidinggevende ziet er niets van."
        ),
    )
    # Last in the form: the browser sends it last, so the typed fields arrive even if it is refused.
    attachment = forms.FileField(
        label=_("Bijlage"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,application/pdf"}),
    )

    def __init__(self, *args, oversized=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.oversized = set(oversized)
        self.fields["rule_anchor"].choices = [("", _("Weet ik niet / geen bepaalde regel")), *rule_choices()]
        # Filled in per request, in the reader's language (formatting a lazy text at import fixes it in Dutch).
        self.fields["attachment"].help_text = _("Een screenshot of ontwerp: PNG, JPEG of PDF, hoogstens %(size)s.") % {
            "size": filesizeformat(settings.ADVICE_ATTACHMENT_MAX_BYTES)
        }

    def clean_subject(self):
        return _not_blank(self.cleaned_data["subject"], _("Geef een onderwerp: enkel spaties is niet genoeg."))

    def clean_body(self):
        return _not_blank(self.cleaned_data["body"], _("Schrijf je vraag: enkel spaties is niet genoeg."))

    def clean_needed_by(self):
        needed_by = self.cleaned_data.get("needed_by")
        if needed_by and needed_by < timezone.localdate():
            raise forms.ValidationError(_("Die datum ligt in het verleden."))
        return needed_by

    def clean_attachment(self):
        if "attachment" in self.oversized:
            raise forms.ValidationError(
                _("Deze bijlage is te groot: hoogstens %(size)s.")
                % {"size": filesizeformat(settings.ADVICE_ATTACHMENT_MAX_BYTES)}
            )
        upload = self.cleaned_data.get("attachment")
        if not upload:
            return None
        if upload.size > settings.ADVICE_ATTACHMENT_MAX_BYTES:
            raise forms.ValidationError(
                _("Deze bijlage is te groot: hoogstens %(size)s.")
                % {"size": filesizeformat(settings.ADVICE_ATTACHMENT_MAX_BYTES)}
            )
        # The whole file is checked: images come back re-encoded, PDFs with active content are refused.
        checked, self.attachment_type = check_attachment(upload)
        return checked


class StepForm(forms.Form):
    text = forms.CharField(label=_("Tekst"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    faq_consent = forms.BooleanField(required=False)


class QueueFilterForm(forms.Form):
    AGES = [
        ("", _("Alle")),
        ("2", _("Ouder dan 2 dagen")),
        ("5", _("Ouder dan 5 dagen")),
        ("10", _("Ouder dan 10 dagen")),
    ]
    state = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("Alle open vragen")),
            (State.WITH_BUREAU, State.WITH_BUREAU.label),
            (State.TAKEN_UP, State.TAKEN_UP.label),
            (State.INFO_REQUESTED, State.INFO_REQUESTED.label),
            (State.BUREAU_ANSWERED, State.BUREAU_ANSWERED.label),
            (State.CLOSED, State.CLOSED.label),
            (State.WITHDRAWN, State.WITHDRAWN.label),
        ],
    )
    age = forms.ChoiceField(label=_("Leeftijd"), required=False, choices=AGES)


class FaqEntryForm(forms.ModelForm):
    rule_anchor = forms.ChoiceField(label=_("Regel van de gedragscode"), widget=RuleSelect)

    class Meta:
        model = FaqEntry
        fields = ["title", "question_text", "answer_text", "rule_anchor"]
        help_texts = {"question_text": _("Verwijder alles wat naar een persoon, team of situatie herleidbaar is.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule_anchor"].choices = with_empty_choice(rule_choices())
