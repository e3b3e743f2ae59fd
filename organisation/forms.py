from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from organisation.identity import MAX_IDENTIFIER_LENGTH as USERNAME_MAX_LENGTH

# No real password is this long; an absurd one is refused before it reaches the password hasher.
PASSWORD_MAX_LENGTH = 1024


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "Dit e-mailadres of deze gebruikersnaam en dit wachtwoord horen niet bij elkaar. "
            "Let op hoofdletters in je wachtwoord."
        ),
        "inactive": _("Deze account is niet meer actief."),
        "passwords_off": _("Aanmelden met een wachtwoord is uitgeschakeld. Meld je aan met je stadsaccount."),
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
        self.fields["password"].max_length = PASSWORD_MAX_LENGTH
        self.fields["password"].validators.append(MaxLengthValidator(PASSWORD_MAX_LENGTH))

    def clean(self):
        if settings.LOCAL_SIGN_IN == "off":
            raise ValidationError(self.error_messages["passwords_off"], code="passwords_off")
        return super().clean()
