from django.core.management.commands import makemessages


class Command(makemessages.Command):
    """Django's makemessages without fuzzy matching.

    Our source language is Dutch: msgmerge's guesses pair new Dutch strings with unrelated English
    translations ("Publiek" → "Publication"). A new string must start untranslated, so that the
    catalogue check asks for a real translation.
    """

    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
