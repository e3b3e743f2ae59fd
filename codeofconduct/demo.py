"""Demo data: one draft update of the D2018 note for `redactie` to try publishing."""

from codeofconduct import selectors
from codeofconduct.content import install_initial_content
from codeofconduct.models import Policy, PolicyVersion, PublicationEvent
from codeofconduct.services import acknowledging, publishing


def load(*, people, stdout) -> None:
    policy = install_initial_content(Policy, PolicyVersion, PublicationEvent)
    current = selectors.current_version(policy)
    editor = people["redactie"]
    draft = publishing.draft_create(policy=policy, by=editor, copy_from=current)
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
    publishing.draft_save(version=draft, by=editor)
    _demo_acknowledgements(current, people)
    stdout.write(f"codeofconduct: draft {draft.nummer} ready for redactie to publish.\n")


def _demo_acknowledgements(version, people):
    """Part of the city has read the current version, so that the team and compliance pages show something.

    The demo organisation joined 12 days ago (see load_demo), so everyone owes an acknowledgement 14
    days after that; people read it day by day since, so that the chart shows a curve. `medewerker` and `chef`'s team keep something to do; `chef2`
    confirmed notifying their team.
    """
    import datetime

    from django.utils import timezone

    from codeofconduct.models import Acknowledgement, VersionOpening

    joined = min(person.unit_since for person in people.values())
    keep_open = {"medewerker", "chef", "redactie", "integriteit", "admin"}
    readers = [
        person
        for index, person in enumerate(sorted(people.values(), key=lambda p: p.personeelsnummer or ""))
        if person.username not in keep_open and index % 3 != 0
    ]
    for index, person in enumerate(readers):
        # Most people read it in the first days, a few later: days 0, 0, 1, 1, 2, 3, 5, 8, ...
        day = [0, 0, 0, 1, 1, 2, 2, 3, 4, 6, 8, 10][index % 12]
        read_at = joined + datetime.timedelta(days=day, hours=8 + index % 9, minutes=index * 7 % 60)
        VersionOpening.objects.create(person=person, version=version, first_opened_at=read_at)
        Acknowledgement.objects.create(
            person=person, version=version, content_hash=version.content_hash, acknowledged_at=read_at
        )
    acknowledging.team_notification_confirm(
        chef=people["chef2"],
        version=version,
        notified_on=timezone.localdate() - datetime.timedelta(days=1),
        method="teamvergadering",
    )
