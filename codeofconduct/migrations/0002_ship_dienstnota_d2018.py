"""Production initial content: the D2018 dienstnota (current) and the 2013 code (superseded stand-in).

The texts live in codeofconduct/content/; this migration only loads them. Rendering and hashing use
the app's pure functions so that the stored HTML and hash equal what a publication would produce.
"""

import datetime
from zoneinfo import ZoneInfo

from django.db import migrations

from codeofconduct import content, rendering

BRUSSELS = ZoneInfo("Europe/Brussels")
HEADER_FIELDS = [
    "nummer", "datum", "van", "rubriek", "titel", "vervangt", "bijlagen", "verwijzingen",
    "inlichtingen", "afschrift", "vervaldatum", "gebruik", "verantwoordelijk",
    "signatory_name", "signatory_title", "reference_url",
]


def _version(PolicyVersion, policy, filename, **extra):
    fields, body = content.load_note(filename)
    header = {name: "" if fields.get(name) is None else str(fields.get(name, "")) for name in HEADER_FIELDS}
    published_at = datetime.datetime.combine(fields["datum"], datetime.time(9, 0), tzinfo=BRUSSELS)
    return PolicyVersion.objects.create(
        policy=policy, body=body, body_html=rendering.render_markdown(body),
        content_hash=rendering.content_hash(header, body), published_at=published_at,
        publish_at=published_at, acknowledgement_due_date=fields["datum"] + datetime.timedelta(days=14),
        audience_all_staff=True, **fields, **extra,
    )


def load(apps, schema_editor):
    Policy = apps.get_model("codeofconduct", "Policy")
    PolicyVersion = apps.get_model("codeofconduct", "PolicyVersion")
    PublicationEvent = apps.get_model("codeofconduct", "PublicationEvent")
    policy = Policy.objects.create(slug="gedragscode-sociale-media", title="Gedragscode sociale media voor medewerkers")
    old = _version(PolicyVersion, policy, "G2013.md", status="superseded")
    new = _version(PolicyVersion, policy, "D2018.md", status="published")
    old.ended_at = new.published_at
    old.save()
    note = "Initiële inhoud, geladen bij installatie"
    PublicationEvent.objects.create(version=old, action="published", at=old.published_at, note=note)
    PublicationEvent.objects.create(version=old, action="superseded", at=new.published_at,
                                    note="Vervangen door D2018.xxx")
    PublicationEvent.objects.create(version=new, action="published", at=new.published_at, note=note)


def unload(apps, schema_editor):
    Policy = apps.get_model("codeofconduct", "Policy")
    PolicyVersion = apps.get_model("codeofconduct", "PolicyVersion")
    PublicationEvent = apps.get_model("codeofconduct", "PublicationEvent")
    policy = Policy.objects.filter(slug="gedragscode-sociale-media").first()
    if policy:
        PublicationEvent.objects.filter(version__policy=policy).delete()
        PolicyVersion.objects.filter(policy=policy).delete()
        policy.delete()


class Migration(migrations.Migration):
    dependencies = [("codeofconduct", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
