"""The advice form after a failed submit: the crispy pack's error summary, and no second banner."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_advice_form_has_one_summary_and_no_second_banner(city, as_employee):
    main = as_employee.post(reverse("advice:ask"), {}).content.decode().split("<main", 1)[1]
    assert main.count("m-alert--danger") == 1
    summary = main.split("data-error-summary", 1)[1].split("</div>", 1)[0]
    assert 'href="#id_subject"' in summary
