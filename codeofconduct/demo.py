"""Demo data: one draft update of the D2018 note for `redactie` to try publishing."""

from codeofconduct import selectors, services
from codeofconduct.content import install_initial_content
from codeofconduct.models import Policy, PolicyVersion, PublicationEvent


def load(*, people, stdout) -> None:
    policy = install_initial_content(Policy, PolicyVersion, PublicationEvent)
    current = selectors.current_version(policy)
    editor = people["redactie"]
    draft = services.draft_create(policy=policy, by=editor, copy_from=current)
    draft.titel = "Actualisering gedragscode sociale media voor medewerkers (update)"
    draft.body = draft.body.replace(
        "- Communiceer geen vertrouwelijke informatie, ook niet op je privé Facebookprofiel.",
        "- Communiceer geen vertrouwelijke informatie, ook niet op je privé Facebookprofiel of in besloten "
        "groepen en chatapps.",
    )
    draft.body += (
        "\n#### Berichten van de stad delen\n\n"
        "Deel berichten van de stad gerust op je persoonlijke profiel, maar zonder eigen commentaar dat de "
        "indruk wekt dat je namens de stad spreekt.\n"
    )
    services.draft_save(version=draft, by=editor)
    _demo_acknowledgements(current, people)
    stdout.write(f"codeofconduct: draft {draft.nummer} ready for redactie to publish.\n")


def _demo_acknowledgements(version, people):
    """Part of the city has read the current version, so that the team and compliance pages show something.

    `medewerker` and `chef`'s team keep something to do; `chef2` confirmed notifying their team.
    """
    import datetime

    from django.utils import timezone

    from codeofconduct import acknowledgements

    keep_open = {"medewerker", "chef", "redactie", "integriteit", "admin"}
    for index, person in enumerate(sorted(people.values(), key=lambda p: p.personeelsnummer or "")):
        if person.username in keep_open or index % 3 == 0:
            continue
        acknowledgements.acknowledgement_record(person=person, version=version)
    acknowledgements.team_notification_confirm(
        chef=people["chef2"],
        version=version,
        notified_on=timezone.localdate() - datetime.timedelta(days=1),
        method="teamvergadering",
    )
