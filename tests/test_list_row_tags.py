"""The row tags write what the row templates wrote, for the rows the reference world of
tests/test_list_rows.py does not have.

The lists' rows are written in Python (codeofconduct_tags: team_rows, unit_rows, chart_columns,
chart_days, people_rows) instead of a template per row (issue 16). tests/test_list_rows.py compares
whole pages with references of one fixed world; this file renders the former row templates (kept
below as they were) and the tags for rows that world lacks: names that need escaping, someone
without a personeelsnummer or chef, a version for chosen units, a chart of more days than get a
label each, and the English interface. Whitespace is compared as the browser shows it (as in
tests/test_list_rows.py).
"""

import datetime
import re
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.utils import translation

from codeofconduct.selectors.compliance import CITY, UnitFigures
from codeofconduct.selectors.team import Member, MemberAcknowledgement, MemberProgress
from codeofconduct.templatetags import codeofconduct_tags
from codeofconduct.views.compliance import _chart
from tests.test_list_rows import BLOCKS

pytestmark = pytest.mark.parametrize("language", ["nl-be", "en"])

TEAM_ROW = """{% load i18n codeofconduct_tags %}{% for row in progress %}
  <tr class="coc-team__row coc-team__row--{{ row.state }}{% if row.overdue %} coc-team__row--late{% endif %}"
      data-person="{{ row.person.username }}">
    <th scope="row">
      {{ row.person.get_full_name }}
      {% if not row.person.email %}
        <span class="app-muted coc-no-mailbox">{% translate "geen e-mailadres" %}</span>
      {% endif %}
    </th>
    {% if whole_subtree %}<td>{{ row.person.manager.get_full_name }}</td>{% endif %}
    <td>
      {% if not row.in_audience %}
        <span class="app-muted">{% translate "niet in het publiek van deze versie" %}</span>
      {% elif row.acknowledgement %}
        {% with ack=row.acknowledgement %}
          {% blocktranslate trimmed asvar read_on with date=ack.acknowledged_at|date:"SHORT_DATE_FORMAT" %}
            Gelezen en begrepen op {{ date }}
          {% endblocktranslate %}
          {{ read_on }}{% acknowledgement_source ack %}
        {% endwith %}
      {% elif row.opened_at %}
        {% blocktranslate trimmed with date=row.opened_at|date:"SHORT_DATE_FORMAT" %}
          Geopend op {{ date }}, nog niet bevestigd
        {% endblocktranslate %}
      {% else %}
        {% translate "Nog niet geopend" %}
      {% endif %}
      {% if row.overdue %}
        <span class="a-label a-label--danger coc-badge-late">{% translate "te laat" %}</span>
      {% endif %}
    {% if row.reminded_today %} <span class="app-muted">({% translate "vandaag herinnerd" %})</span>{% endif %}</td>
    <td>{{ row.due_date|day|default:"–" }}</td>
  </tr>
{% endfor %}"""

UNIT_ROW = """{% load i18n codeofconduct_tags %}{% for row in rows %}
  <tr data-unit="{{ row.unit.code }}">
    <th scope="row"><a href="?versie={{ version.pk }}&amp;eenheid={{ row.unit.code }}">{{ row.unit.name }}</a></th>
    <td>{{ row.audience }}</td>
    <td>{{ row.acknowledged }}</td>
    <td>
      <div class="app-progress-cell">
        {% blocktranslate trimmed asvar label with unit=row.unit.name %}
          Aandeel bevestigd in {{ unit }}
        {% endblocktranslate %}
        {% progress row.share label %}
        <span>{{ row.share }}%</span>
      </div>
    </td>
    <td>{{ row.overdue }}</td>
    <td>
      {% if row.notification_confirmed %}
        {% translate "ja" %}
      {% elif row.chefs %}
        {% blocktranslate trimmed with done=row.chefs_confirmed total=row.chefs %}
          {{ done }} van {{ total }}
        {% endblocktranslate %}
      {% else %}
        –
      {% endif %}
    </td>
  </tr>
{% endfor %}"""

CHART_COLUMNS = """{% for bar in chart.bars %}
  <div class="app-chart__column">
    <div class="app-chart__bar app-h-{{ bar.percent }}">
      {% if chart.label_every_bar or forloop.last %}
        <span class="app-chart__value">{{ bar.cumulative }}</span>
      {% endif %}
    </div>
  </div>
{% endfor %}"""

CHART_DAYS = """{% for bar in chart.bars %}
  <tr>
    <th scope="row">{{ bar.day|date:"SHORT_DATE_FORMAT" }}</th>
    <td class="u-text-right">{{ bar.count }}</td>
    <td class="u-text-right">{{ bar.cumulative }}</td>
    <td class="u-text-right">{{ bar.share }}%</td>
  </tr>
{% endfor %}"""

PEOPLE_ROW = """{% load i18n %}{% for person in people %}
  <tr>
    <td>{{ person.personeelsnummer }}</td>
    <td>{{ person.get_full_name }}</td>
    <td>{{ person.unit.name }}</td>
    <td>{{ person.manager.get_full_name }}</td>
    <td>{{ person.opened_at|date:"SHORT_DATE_FORMAT"|default:"–" }}</td>
    <td>
      {{ person.acknowledged_at|date:"SHORT_DATE_FORMAT"|default:"–" }}
      {% if person.acknowledgement_source == "briefing" %}
        {% with first=person.proxy_chef_first last=person.proxy_chef_last %}
          {% blocktranslate asvar via %}via briefing door {{ first }} {{ last }}{% endblocktranslate %}
          <span class="app-muted">({{ via }})</span>
        {% endwith %}
      {% endif %}
    </td>
  </tr>
{% endfor %}"""

ACKNOWLEDGED_ROWS = """{% load codeofconduct_tags %}{% for ack in acknowledged %}
  <tr>
    <td>
      <a href="{{ ack.version.get_absolute_url }}">{{ ack.version.nummer }} – {{ ack.version.titel|nl }}</a>
    </td>
    <td>{{ ack.acknowledged_at|date:"SHORT_DATE_FORMAT" }}{% acknowledgement_source ack %}</td>
  </tr>
{% endfor %}"""

VERSION_OPTIONS = """{% for v in versions %}
  <option value="{{ v.pk }}"{% if v.pk == version.pk %} selected{% endif %}>{{ v.nummer }} ({{ v.get_status_display|lower }})</option>
{% endfor %}"""

ODD = 'Zoë <&> "O\'Brien"'  # a name that needs every escape
# Late in the evening in Antwerp, already the next day in UTC: dates are written in local time.
EVENING = datetime.datetime(2026, 11, 16, 23, 30, tzinfo=datetime.UTC)


def shown(html: str) -> str:
    """HTML as the browser shows it: any run of whitespace is one space, none around blocks and cells."""
    html = re.sub(r"\s+", " ", html)
    return re.sub(rf"\s*(</?(?:{BLOCKS})\b[^>]*>)\s*", r"\1", html).strip()


def both(template: str, context: dict, written: str, language: str):
    with translation.override(language):
        former = Template(template).render(Context(context))
        assert shown(written()) == shown(former)


def full_name(first, last):
    return SimpleNamespace(get_full_name=f"{first} {last}".strip())


def test_team_rows(language):
    rows = [
        # (username, first, last, email, chef, in audience, opened, acknowledgement, due, overdue, reminded)
        ("a<1>", ODD, "Peeters", "", ("Tom", ODD), True, None, None, datetime.date(2026, 12, 1), True, True),
        ("a2", "Els", ODD, "e@x.be", ("", ""), True, EVENING, None, datetime.date(2026, 12, 1), False, True),
        ("a3", "Jef", "Claes", "j@x.be", ("Tom", "Peeters"), True, EVENING, (EVENING, "briefing", ODD), None, 0, 0),
        ("a4", "An", "", "a@x.be", ("Tom", "Peeters"), True, None, (EVENING, "carried_over", ""), None, 0, 0),
        ("a5", "Lies", "Maes", "l@x.be", ("Tom", "Peeters"), True, EVENING, (EVENING, "self", ""), None, 0, 0),
        ("a6", "Bart", "Aerts", "", ("Tom", "Peeters"), False, None, None, None, False, False),
    ]
    new, old = [], []
    for username, first, last, email, chef, in_audience, opened, ack, due, overdue, reminded in rows:
        member = Member(username, username, first, last, email, f"{chef[0]} {chef[1]}".strip())
        acknowledgement = MemberAcknowledgement(*ack) if ack else None
        new.append(MemberProgress(member, in_audience, opened, acknowledgement, due, bool(overdue), bool(reminded)))
        former_ack = None
        if ack:
            recorder = SimpleNamespace(get_full_name=lambda name=ack[2]: name)
            former_ack = SimpleNamespace(acknowledged_at=ack[0], source=ack[1], recorded_by=recorder)
        person = SimpleNamespace(
            username=username,
            get_full_name=f"{first} {last}".strip(),
            email=email,
            manager=full_name(*chef),
        )
        old.append(
            SimpleNamespace(
                person=person,
                state=new[-1].state,
                in_audience=in_audience,
                opened_at=opened,
                acknowledgement=former_ack,
                due_date=due,
                overdue=bool(overdue),
                reminded_today=bool(reminded),
            )
        )
    for whole_subtree in (False, True):
        both(
            TEAM_ROW,
            {"progress": old, "whole_subtree": whole_subtree},
            lambda whole_subtree=whole_subtree: codeofconduct_tags.team_rows(new, whole_subtree),
            language,
        )


def test_unit_rows(language):
    def unit(code, name, audience, acknowledged, overdue, chefs, confirmed):
        return UnitFigures(
            unit=CITY._replace(pk=1, code=code, name=name, path="/1/", depth=0),
            audience=audience,
            acknowledged=acknowledged,
            overdue=overdue,
            chefs=chefs,
            chefs_confirmed=confirmed,
        )

    rows = [
        unit("A&B", ODD, 12, 5, 3, 2, 2),
        unit("C", "Dienst C", 3, 0, 3, 4, 1),
        unit("D", "Ploeg D", 1, 1, 0, 0, 0),
        unit("E", "Team E", 2000, 1999, 0, 3, 0),
    ]
    version = SimpleNamespace(pk=42)
    both(UNIT_ROW, {"rows": rows, "version": version}, lambda: codeofconduct_tags.unit_rows(rows, version), language)


def test_acknowledged_rows(language):
    from codeofconduct.models import Acknowledgement, PolicyVersion
    from organisation.models import Person

    Source = Acknowledgement.Source
    chef = Person(first_name="Tom", last_name=ODD)
    acknowledged = [
        Acknowledgement(
            version=PolicyVersion(pk=pk, nummer=nummer, titel=titel),
            acknowledged_at=at,
            source=source,
            recorded_by=chef if source == Source.BRIEFING else None,
        )
        for pk, nummer, titel, at, source in [
            (7, ODD, ODD, EVENING, Source.SELF),
            (5, "D2018.xxx", "Actualisering gedragscode", EVENING - datetime.timedelta(days=400), Source.BRIEFING),
            (3, "D2013.xxx", "Gedragscode sociale media", EVENING - datetime.timedelta(days=900), Source.CARRIED_OVER),
        ]
    ]
    both(
        ACKNOWLEDGED_ROWS,
        {"acknowledged": acknowledged},
        lambda: codeofconduct_tags.acknowledged_rows(acknowledged),
        language,
    )


def test_version_options(language):
    from codeofconduct.models import PolicyVersion

    Status = PolicyVersion.Status
    versions = [
        PolicyVersion(pk=pk, nummer=nummer, status=status)
        for pk, nummer, status in [
            (4, ODD, Status.PUBLISHED),
            (3, "D2026.001", Status.WITHDRAWN),
            (2, "D2018.xxx", Status.SUPERSEDED),
            (1, "D2013.xxx", Status.SUPERSEDED),
        ]
    ]
    for chosen in (versions[0], versions[2]):
        context = {"versions": versions, "version": chosen}
        both(
            VERSION_OPTIONS,
            context,
            lambda chosen=chosen: codeofconduct_tags.version_options(versions, chosen),
            language,
        )


@pytest.mark.parametrize("days", [1, 12, 13, 45])
def test_chart_columns_and_days(language, days):
    start = datetime.date(2026, 10, 1)
    series, cumulative = [], 0
    for index in range(days):
        cumulative += index * 7 % 11 + 1
        series.append((start + datetime.timedelta(days=index), index * 7 % 11 + 1, cumulative))
    chart = _chart(series, cumulative + 40)
    both(CHART_COLUMNS, {"chart": chart}, lambda: codeofconduct_tags.chart_columns(chart), language)
    both(CHART_DAYS, {"chart": chart}, lambda: codeofconduct_tags.chart_days(chart), language)


def test_people_rows(language):
    rows = [
        # (personeelsnummer, first, last, unit, chef, opened, acknowledged, source, proxy chef)
        ("100200", ODD, "Peeters", ODD, ("Tom", "Maes"), EVENING, EVENING, "briefing", (ODD, "Wouters")),
        (None, "Lokale", "beheerder", "Stad", None, None, None, None, None),
        ("100201", "Els", "Claes", "Team", ("Tom", "Maes"), EVENING, None, None, None),
        ("100202", "Jef", "", "Team", ("Tom", ""), EVENING, EVENING, "carried_over", None),
        ("100203", "Lies", "Maes", "Team", ("Tom", "Maes"), None, EVENING + datetime.timedelta(days=3), "self", None),
    ]
    new, old = [], []
    for number, first, last, unit, chef, opened, acknowledged, source, proxy in rows:
        values = {
            "username": f"u{number}",
            "personeelsnummer": number,
            "first_name": first,
            "last_name": last,
            "unit__name": unit,
            "manager__first_name": chef[0] if chef else None,
            "manager__last_name": chef[1] if chef else None,
            "opened_at": opened,
            "acknowledged_at": acknowledged,
            "acknowledgement_source": source,
            "proxy_chef_first": proxy[0] if proxy else None,
            "proxy_chef_last": proxy[1] if proxy else None,
        }
        new.append(SimpleNamespace(**values))
        old.append(
            SimpleNamespace(
                **values,
                get_full_name=f"{first} {last}".strip(),
                unit=SimpleNamespace(name=unit),
                manager=full_name(*chef) if chef else None,
            )
        )
    both(PEOPLE_ROW, {"people": old}, lambda: codeofconduct_tags.people_rows(new), language)


BUREAU_ROW = """{% load i18n advice_tags %}{% for question in questions %}
  <tr{% if question.is_overdue %} class="advice-overdue"{% endif %}>
    <td>{{ question.pk }}</td>
    <td>
      <a href="{% url 'advice:question_detail' question.pk %}">{{ question.subject }}</a>
      {% if question.direct_reason %}
        <span class="a-label">{% translate "rechtstreeks" %}</span>
      {% endif %}
    </td>
    <td>{{ question.bureau_at|date:"SHORT_DATE_FORMAT" }}</td>
    <td>{% state_label question.state question.get_state_display %}</td>
    <td>{{ question.officer|default:"–" }}</td>
    <td>
      {% if question.is_overdue %}
        <span class="a-label a-label--danger">{% translate "Te laat" %}</span>
      {% else %}
        {{ question.bureau_deadline|deadline }}
      {% endif %}
    </td>
  </tr>
{% endfor %}"""


class Officer(SimpleNamespace):
    def __str__(self):  # as Person: the full name, else the username
        return f"{self.first_name} {self.last_name}".strip() or self.username


def test_bureau_rows(language):
    from advice.models import State
    from advice.templatetags import advice_tags

    midnight = datetime.datetime(2026, 11, 25, 23, 0, tzinfo=datetime.UTC)  # the end of the 25th in Antwerp
    rows = [
        # (pk, subject, direct reason, state, officer (username, first, last), deadline, overdue)
        (7, ODD, "manager", State.WITH_BUREAU, None, midnight, True),
        (12, "Foto", "", State.TAKEN_UP, ("o<1>", ODD, "Goossens"), EVENING, False),
        (1234, "Debat", "", State.INFO_REQUESTED, ("o2", "", ""), None, False),
        (99, "Blog", "", State.BUREAU_ANSWERED, ("o3", "Bram", ""), midnight, False),
    ]
    new, old = [], []
    for pk, subject, direct, state, officer, deadline, overdue in rows:
        values = {
            "pk": pk,
            "subject": subject,
            "direct_reason": direct,
            "bureau_at": EVENING,
            "state": state,
            "bureau_deadline": deadline,
            "officer__username": officer[0] if officer else None,
            "officer__first_name": officer[1] if officer else None,
            "officer__last_name": officer[2] if officer else None,
            "is_overdue": overdue,
        }
        new.append(values)
        person = Officer(username=officer[0], first_name=officer[1], last_name=officer[2]) if officer else None
        old.append(SimpleNamespace(**values, officer=person, get_state_display=State(state).label))
    both(BUREAU_ROW, {"questions": old}, lambda: advice_tags.bureau_rows(new), language)


MY_QUESTION_ROW = """{% load i18n advice_tags %}{% for question in questions %}
      <tr>
        <td>{{ question.pk }}</td>
        <td>
          <a href="{% url 'advice:question_detail' question.pk %}">{{ question.subject }}</a>
        </td>
        <td>{{ question.created_at|date:"SHORT_DATE_FORMAT" }}</td>
        <td>{% state_label question.state question.status_for_manager|default:question.get_state_display %}</td>
      </tr>
{% endfor %}"""


def test_my_question_rows(language):
    from advice.models import State
    from advice.templatetags import advice_tags

    late_evening = datetime.datetime(2026, 11, 25, 23, 30, tzinfo=datetime.UTC)  # the 26th in Antwerp
    rows = [(7, ODD, EVENING, state) for state in State.values] + [(1234, "Foto", late_evening, State.CLOSED)]
    old = [
        SimpleNamespace(
            pk=pk, subject=subject, created_at=created_at, state=state, get_state_display=State(state).label
        )
        for pk, subject, created_at, state in rows
    ]
    both(MY_QUESTION_ROW, {"questions": old}, lambda: advice_tags.my_question_rows(rows), language)


TIMELINE_ITEM = """{% load i18n %}      {% for event in events %}
        <li class="advice-timeline__item{% if event.audience == 'bureau' %} advice-timeline__item--internal{% endif %}">
          <strong>{{ event.get_kind_display }}</strong>
          {% if event.audience == "bureau" %}
            <span class="a-label">{% translate "enkel Bureau" %}</span>
          {% endif %}
          {% translate "automatisch (systeem)" as system %}
          <span class="app-muted">· {{ event.created_at|date:"SHORT_DATETIME_FORMAT" }} ·
            {% firstof event.actor system %}{% if event.from_state and event.from_state != event.to_state %} ·
          {{ event.get_from_state_display }} → {{ event.get_to_state_display }}{% endif %}</span>
        {% if event.text %}
          <p class="advice-text">{{ event.text|linebreaksbr }}</p>
          <p class="app-muted advice-readers">{{ event.readers }}</p>
        {% endif %}
      </li>
{% endfor %}
"""


def test_timeline_items(language):
    """Every kind of event, by someone whose name needs escaping, by nobody (the system), internal or not,
    with and without a change of state, with a text of several lines that needs escaping."""
    from advice.models import Audience, EventKind, QuestionEvent, State
    from advice.templatetags import advice_tags
    from organisation.models import Person

    odd = Person(username="odd", first_name=ODD, last_name="Peeters")
    plain = Person(username="only-a-username")
    texts = ("", "Een regel", "Eerste <regel>\r\ntweede & derde\n\nvierde")
    states = [("", State.WITH_MANAGER), (State.WITH_MANAGER, State.WITH_BUREAU), (State.TAKEN_UP, State.TAKEN_UP)]
    events = []
    for number, kind in enumerate(EventKind.values):
        from_state, to_state = states[number % 3]
        event = QuestionEvent(
            kind=kind,
            actor=(odd, plain, None)[number % 3],
            from_state=from_state,
            to_state=to_state,
            text=texts[number % 3],
            audience=Audience.values[number % 3],
            created_at=EVENING + datetime.timedelta(days=number * 40),  # winter and summer time
        )
        event.readers = f"Zichtbaar voor {ODD}"
        events.append(event)
    assert {event.audience for event in events} == set(Audience.values)
    both(TIMELINE_ITEM, {"events": events}, lambda: advice_tags.timeline_items(events), language)
