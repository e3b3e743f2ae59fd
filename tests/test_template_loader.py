"""The template loader writes a template's fixed wording once per language, and pages read as before.

config/template_loader.py folds each run of text and `{% translate "…" %}` of a literal into one node
that keeps what it wrote per language and escaping. A reader must never see the difference: the
same templates through Django's own cached loader and through ours give the same text, in both
languages, escaped or not, inside blocks, conditions, loops and includes; and what one language wrote
is never served in the other.
"""

import pytest
from django.template import Context, Engine, engines
from django.templatetags.i18n import TranslateNode
from django.utils import translation

from config.template_loader import FixedWordingNode

TEMPLATES = {
    "base.html": (
        "{% load i18n %}<html><title>{% block title %}{% translate 'Naleving' %}{% endblock %}</title>"
        "<body>{% translate 'Gedragscode sociale media' %} · {% block content %}{% endblock %}"
        "{# a comment #}<footer>{% translate 'Stad Antwerpen, naar de startpagina' %}</footer></body></html>"
    ),
    "page.html": (
        "{% extends 'base.html' %}{% load i18n %}"
        "{% block title %}{{ block.super }}: {% translate 'Mijn team' %}{% endblock %}"
        "{% block content %}<h1>{% translate 'Mijn team' %}</h1>"
        "<p>{% translate 'Weet ik niet / geen bepaalde regel' %}</p>"
        "{% if people %}<ul>{% for person in people %}<li>{{ person }} {% translate 'te laat' %}</li>"
        "{% empty %}{% translate 'Niemand' %}{% endfor %}</ul>"
        "{% elif other %}{% translate 'Tonen' %}{% else %}{% translate 'Versie' %}{% endif %}"
        "{% translate 'Versie' as label %}<label>{{ label }}</label>"
        "{% translate name %} {% translate 'Vorige' noop %} {% translate 'Bijlage'|add:name %}"
        "{% translate 'mei' context 'maand' %}"
        "{% autoescape off %}<p>{% translate 'Weet ik niet / geen bepaalde regel' %}</p>{% endautoescape %}"
        "{% include 'part.html' %}"
        "<a href=\"{% url 'home' %}\">{% url 'advice:faq' as faq_url %}{{ faq_url }}"
        "{% url 'no-such-page' as missing %}[{{ missing }}]{% url name as by_variable %}{{ by_variable }}"
        "{% url 'codeofconduct:version_detail' 3 %}{% endblock %}"
    ),
    "part.html": "{% load i18n %}<aside>{% translate 'Bijlage' %} {{ name }}</aside>",
}

CONTEXTS = [
    {"people": ["Lotte <Janssens>", "Tom"], "name": "Bijlage"},
    {"people": [], "other": True, "name": "Mijn team"},
    {"name": "x & y"},
    {"name": "advice:my_questions"},  # a name that reverses, for `{% url name as … %}`
]


def engine(loader):
    loaders = [(loader, [("django.template.loaders.locmem.Loader", TEMPLATES)])]
    return Engine(loaders=loaders, libraries={"i18n": "django.templatetags.i18n"})


@pytest.mark.parametrize("language", ["nl-be", "en"])
def test_a_folded_template_reads_as_djangos_own(language):
    ours, djangos = engine("config.template_loader.Loader"), engine("django.template.loaders.cached.Loader")
    with translation.override(language):
        for _twice in range(2):  # written, then served as written
            for values in CONTEXTS:  # one engine for all: what differs between requests is never kept
                for autoescape in (True, False):
                    assert ours.get_template("page.html").render(
                        Context(values, autoescape=autoescape)
                    ) == djangos.get_template("page.html").render(Context(values, autoescape=autoescape))


def test_each_language_gets_its_own_wording():
    page = engine("config.template_loader.Loader").get_template("page.html")
    written = {}
    for language in ["nl-be", "en", "nl-be", "en"]:
        with translation.override(language):
            written.setdefault(language, page.render(Context({"name": "Bijlage"})))
            assert page.render(Context({"name": "Bijlage"})) == written[language]
    assert "<h1>Mijn team</h1>" in written["nl-be"] and "<h1>My team</h1>" in written["en"]
    # A translation of a literal is written as it is (Django marks it safe), escaping on or off.
    assert written["en"].count("<p>I don't know / no particular rule</p>") == 2
    assert written["nl-be"].count("<p>Weet ik niet / geen bepaalde regel</p>") == 2


def test_the_projects_templates_have_their_fixed_wording_folded():
    """The pages whose headings and labels are translations of literals: none of those is left to be
    looked up on every request (the translations with a variable, `as` or a filter stay as they were)."""
    for name in ["codeofconduct/compliance.html", "codeofconduct/team.html", "base.html"]:
        template = engines["django"].engine.get_template(name)
        folded = template.nodelist.get_nodes_by_type(FixedWordingNode)
        assert folded, name
        inside = {id(node) for run in folded for node in run.nodelist.get_nodes_by_type(TranslateNode)}
        left = [
            node
            for node in template.nodelist.get_nodes_by_type(TranslateNode)
            if id(node) not in inside and node.asvar is None and not node.noop and not node.filter_expression.filters
        ]
        assert inside and not [node for node in left if getattr(node.filter_expression.var, "literal", None)], name


def test_a_root_templates_blocks_are_looked_up_once_not_on_every_page(monkeypatch):
    """`{% extends %}` asks the root template for all its blocks on every render, a walk through every
    node of the page shell: a kept template answers from what it found the first time, and pages read
    as before (the test above compares every page with Django's own loader)."""
    from django.template.base import Node

    page = engine("config.template_loader.Loader").get_template("page.html")
    first = page.render(Context({"name": "Bijlage"}))
    walked = []
    monkeypatch.setattr(Node, "get_nodes_by_type", lambda node, nodetype: walked.append(node) or [], raising=True)
    for _again in range(3):
        assert page.render(Context({"name": "Bijlage"})) == first
    assert walked == []


def test_an_address_without_arguments_is_reversed_once_per_urlconf_and_prefix(monkeypatch):
    """`{% url "name" %}` of a literal name without arguments is the same for every request: reversed once,
    then served as reversed, under the same script prefix (a second installation behind another
    path gets its own), and a missing one with `as` stays empty as in Django's own tag."""
    from django.urls import reverse, set_script_prefix

    from config import template_loader

    links = Engine(
        loaders=[
            (
                "config.template_loader.Loader",
                [
                    (
                        "django.template.loaders.locmem.Loader",
                        {
                            "links.html": "{% url 'home' %} {% url 'advice:faq' as faq %}{{ faq }} {% url 'gone' as gone %}[{{ gone }}]"
                        },
                    )
                ],
            )
        ]
    ).get_template("links.html")
    faq = reverse("advice:faq")
    reversed_names = []
    monkeypatch.setattr(
        template_loader, "reverse", lambda name, **kwargs: reversed_names.append(name) or reverse(name, **kwargs)
    )
    try:
        assert links.render(Context()) == f"/ {faq} []"
        assert links.render(Context()) == f"/ {faq} []"
        assert reversed_names == ["home", "advice:faq", "gone"]  # the second page reversed nothing
        set_script_prefix("/gedragscode/")
        assert links.render(Context()) == f"/gedragscode/ /gedragscode{faq} []"
    finally:
        set_script_prefix("/")
    assert links.render(Context()) == f"/ {faq} []"
