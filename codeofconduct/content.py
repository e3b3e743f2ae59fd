"""The note texts the project ships (codeofconduct/content/*.md): header block + Markdown body.

The header is laid out like the paper note: one "Label<TAB>value" line per field between "---"
lines; "-" means empty, as on paper. The data migration loads these files, so production and a
fresh clone never need anything outside the repository.
"""

import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from codeofconduct import rendering

CONTENT_DIR = Path(__file__).resolve().parent / "content"

MONTHS = {
    "januari": 1,
    "februari": 2,
    "maart": 3,
    "april": 4,
    "mei": 5,
    "juni": 6,
    "juli": 7,
    "augustus": 8,
    "september": 9,
    "oktober": 10,
    "november": 11,
    "december": 12,
}

# Paper label -> PolicyVersion field. Also the frozen list of header fields that migration 0002 ships
# the notes with: a data migration must not follow later changes of the model, so this is not derived
# from PolicyVersion.HEADER_FIELDS; tests/codeofconduct/test_content.py checks that the two still agree.
LABELS = {
    "Dienstnota": "reference_url",
    "nummer": "nummer",
    "datum": "datum",
    "Van": "van",
    "Rubriek": "rubriek",
    "Titel": "titel",
    "Vervangt": "vervangt",
    "Bijlagen": "bijlagen",
    "Verwijzingen": "verwijzingen",
    "Inlichtingen": "inlichtingen",
    "Afschrift": "afschrift",
    "Vervaldatum": "vervaldatum",
    "Gebruik": "gebruik",
    "Verantwoordelijk voor de uitvoering": "verantwoordelijk",
    "Ondertekenaar": "signatory_name",
    "Functie ondertekenaar": "signatory_title",
}


def parse_dutch_date(text: str) -> datetime.date:
    """ "13 februari 2018" -> date(2018, 2, 13)."""
    day, month, year = text.split()
    return datetime.date(int(year), MONTHS[month.lower()], int(day))


def parse_note(text: str) -> tuple[dict, str]:
    """Returns (fields for PolicyVersion, Markdown body)."""
    lines = text.split("\n")
    if lines[0].strip() != "---":
        raise ValueError("A note file starts with its header block between '---' lines.")
    end = lines.index("---", 1)
    fields: dict = {}
    for line in lines[1:end]:
        if not line.strip():
            continue
        label, value = line.split("\t", 1)
        value = value.strip()
        if value == "-":
            value = ""
        name = LABELS[label.strip()]
        if name in ("datum", "vervaldatum"):
            value = parse_dutch_date(value) if value else None
        elif name == "reference_url":
            value = value.strip("<>")
        fields[name] = value
    body = "\n".join(lines[end + 1 :]).strip() + "\n"
    return fields, body


def load_note(name: str) -> tuple[dict, str]:
    return parse_note((CONTENT_DIR / name).read_text(encoding="utf-8"))


MAIN_POLICY_SLUG = "gedragscode-sociale-media"
MAIN_POLICY_TITLE = "Gedragscode sociale media voor medewerkers"
_BRUSSELS = ZoneInfo("Europe/Brussels")


def _shipped_version(PolicyVersion, policy, filename, status):
    fields, body = load_note(filename)
    header = {name: "" if fields.get(name) is None else str(fields.get(name, "")) for name in LABELS.values()}
    published_at = datetime.datetime.combine(fields["datum"], datetime.time(9, 0), tzinfo=_BRUSSELS)
    return PolicyVersion.objects.create(
        policy=policy,
        status=status,
        body=body,
        body_html=rendering.render_markdown(body),
        content_hash=rendering.content_hash(header, body),
        published_at=published_at,
        publish_at=published_at,
        acknowledgement_due_date=fields["datum"] + datetime.timedelta(days=14),
        audience_all_staff=True,
        **fields,
    )


def install_initial_content(Policy, PolicyVersion, PublicationEvent):
    """The 2013 code (superseded stand-in) and the D2018 dienstnota (current). Does nothing when present.

    Takes the model classes so that the data migration can pass its historical models.
    """
    if Policy.objects.filter(slug=MAIN_POLICY_SLUG).exists():
        return Policy.objects.get(slug=MAIN_POLICY_SLUG)
    policy = Policy.objects.create(slug=MAIN_POLICY_SLUG, title=MAIN_POLICY_TITLE)
    old = _shipped_version(PolicyVersion, policy, "G2013.md", "superseded")
    if any(field.name == "is_stand_in" for field in PolicyVersion._meta.get_fields()):
        old.is_stand_in = True  # the 2013 placeholder: history only, never current, never mailed
    new = _shipped_version(PolicyVersion, policy, "D2018.md", "published")
    old.ended_at = new.published_at
    old.save()
    if any(field.name == "note_kind" for field in PublicationEvent._meta.get_fields()):
        # The application's own notes as kinds, put into words in the reader's language.
        initial = {"note_kind": "initial_content"}
        superseded = {"note_kind": "superseded_by", "note_nummer": new.nummer}
    else:
        # Migration 0002's historical model has only the text; 0008 turns these sentences into kinds.
        initial = {"note": "Initiële inhoud, geladen bij installatie"}
        superseded = {"note": f"Vervangen door {new.nummer}"}
    PublicationEvent.objects.create(version=old, action="published", at=old.published_at, **initial)
    PublicationEvent.objects.create(version=old, action="superseded", at=new.published_at, **superseded)
    PublicationEvent.objects.create(version=new, action="published", at=new.published_at, **initial)
    return policy
