"""The page shell's parts rendered once per process and language (`{% same_for_everyone %}`)."""

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db

SHELL = "{% load i18n static same_for_everyone %}"
ALLOWED = (
    '<a href="{% url \'home\' %}">{% translate "Naar de inhoud" %}</a>'
    "<link href=\"{% static 'css/app.css' %}\">{% comment %}why{% endcomment %}"
    '{% translate "Menu" context "navigation" %}'
)


def test_the_shell_speaks_the_language_of_each_request(as_employee):
    assert "Enkel voor intern gebruik" in as_employee.get("/").text
    english = as_employee.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True).text
    assert "For internal use only" in english and "Enkel voor intern gebruik" not in english
    assert "Skip to content" in english
    dutch = as_employee.post(reverse("set_language"), {"language": "nl-be", "next": "/"}, follow=True).text
    assert "Enkel voor intern gebruik" in dutch and "For internal use only" not in dutch


@pytest.mark.parametrize("language", ["nl-be", "en"])
def test_a_kept_part_is_the_html_the_page_would_render_itself(rf: RequestFactory, language):
    request = rf.get("/")
    with translation.override(language):
        kept = Template(SHELL + "{% same_for_everyone %}" + ALLOWED + "{% endsame_for_everyone %}")
        rendered_each_time = Template(SHELL + ALLOWED)
        for _ in range(2):  # the second time from what the process keeps
            assert kept.render(Context({"request": request})) == rendered_each_time.render(
                Context({"request": request})
            )


@pytest.mark.parametrize(
    "personal",
    [
        "{{ user.get_full_name }}",
        "{% if user.is_authenticated %}x{% endif %}",
        "{% translate greeting %}",
        '{% translate "Menu" as label %}',
        "{% static css_file %}",
        "{% url 'codeofconduct:version_detail' version.pk %}",
        "{% url view_name %}",
        "{% csrf_token %}",
        "{% include 'includes/messages.html' %}",
        '{% translate "Menu"|upper %}',
    ],
)
def test_anything_that_could_differ_between_people_is_refused_when_the_template_is_compiled(personal):
    with pytest.raises(TemplateSyntaxError, match="same_for_everyone"):
        Template(SHELL + "{% same_for_everyone %}<p>" + personal + "</p>{% endsame_for_everyone %}")


def test_a_template_made_after_another_was_dropped_never_shows_the_other_ones_html():
    """Templates made from strings (and every template when the loader cache is reset) come and go;
    what a dropped one kept must never be served for a new one."""
    for number in range(50):
        text = f"<p>deel {number}</p>"
        part = Template(SHELL + "{% same_for_everyone %}" + text + "{% endsame_for_everyone %}")
        assert part.render(Context()) == text
        del part


def test_a_changed_setting_renders_the_kept_part_anew(settings):
    part = Template(SHELL + "{% same_for_everyone %}{% static 'css/app.css' %}{% endsame_for_everyone %}")
    assert "/static/" in part.render(Context())
    settings.STATIC_URL = "/elders/"
    assert "/elders/" in part.render(Context())
