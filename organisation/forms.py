from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from organisation.identity import MAX_IDENTIFIER_LENGTH as USERNAME_MAX_LENGTH


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "Dit e-mailadres of deze gebruikersnaam en dit wachtwoord horen niet bij elkaar. "
            "Let op hoofdletters in je wachtwoord."
        ),
        "inactive": _("Deze account is niet meer actief."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("E-mailadres of gebruikersnaam")
        self.fields["username"].widget.attrs["autocomplete"] = "username"
        self.fields["password"].label = _("Wachtwoord")
        # AuthenticationForm sets max_length only for the browser. Enforce it, so that an overlong
        # name never reaches sign-in or the lock-out records (whose columns are 255 long).
        self.fields["username"].max_length = USERNAME_MAX_LENGTH
        self.fields["username"].widget.attrs["maxlength"] = USERNAME_MAX_LENGTH
        self.fields["username"].validators.append(MaxLengthValidator(USERNAME_MAX_LENGTH))
