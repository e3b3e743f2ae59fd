"""Every form, after a failed submit, opens with one error summary (GOV.UK pattern) in Core Branding's
danger alert: each error a link to its field, or to the first option of a group; every error tied to
its field or its group's fieldset with aria-describedby. The crispy pack renders it once for all forms."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def failed_notification(as_chef, version):
    return as_chef.post(reverse("codeofconduct:team_notify", args=[version.pk]), {"notified_on": "", "method": ""})


def test_a_failed_submit_shows_one_summary_linking_every_error_to_its_field(current, as_chef):
    main = failed_notification(as_chef, current).content.decode().split("<main", 1)[1]
    assert main.count("m-alert--danger") == 1, "one banner, not two"
    opening, summary = main.split("data-error-summary", 1)
    assert 'tabindex="-1"' in opening.rsplit("<div", 1)[1], "the summary can take the focus"
    summary = summary.split("</div>", 1)[0]
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)
    assert [target for target, _ in links] == ["id_notified_on", "id_method_0"]
    assert [text.split(":")[0] for _, text in links] == ["Op de hoogte gebracht op", "Hoe?"]
    # The targets exist, and each error is tied to its field, the radio group's to its fieldset.
    assert 'id="id_notified_on"' in main and 'id="id_method_0"' in main
    date_input = re.search(r'<input[^>]*id="id_notified_on"[^>]*>', main).group(0)
    assert 'aria-describedby="id_notified_on_error"' in date_input
    assert re.search(r'<fieldset id="div_id_method"[^>]*aria-describedby="id_method_error"', main)
    assert 'id="id_method_error"' in main and 'id="id_notified_on_error"' in main


def test_the_failed_notification_page_does_not_read_like_success(current, as_chef):
    page = failed_notification(as_chef, current).content.decode()
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1).strip()
    assert heading == "Bevestig dat je team op de hoogte is"
