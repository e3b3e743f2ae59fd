"""Who has which role (organisation/roles.py): the one place views, templates and tests ask.

Every role needs an active, signed-in person; chef-waardeerder comes from active direct reports,
the others from the person's flags. A view guarded by a role answers 403 to anyone without it.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory
from django.views import View

from organisation.models import Person
from organisation.roles import Role, RoleRequiredMixin, has_role, is_chef, require_role, roles_of
from tests.factories import make_person

pytestmark = pytest.mark.django_db

E, C, R, BI, A = Role.EMPLOYEE, Role.CHEF, Role.EDITOR, Role.INTEGRITY, Role.ADMIN


@pytest.mark.parametrize(
    ("persona", "roles"),
    [
        ("employee", {E}),
        ("colleague", {E}),
        ("chef", {E, C}),
        ("other_chef", {E, C}),
        ("director", {E, C}),  # the chefs report to the director
        ("editor", {E, R}),
        ("integrity", {E, BI}),
        ("admin", {E, A}),
    ],
)
def test_each_persona_has_exactly_its_roles(city, persona, roles):
    person = getattr(city, persona)
    assert roles_of(person) == frozenset(roles)
    for role in Role:
        assert has_role(person, role) is (role in roles)


def test_someone_signed_out_has_no_role():
    anonymous = AnonymousUser()
    assert roles_of(anonymous) == frozenset()
    assert not any(has_role(anonymous, role) for role in Role)


def test_a_deactivated_person_keeps_no_role_whatever_the_flags_say(city):
    everything = make_person(
        "allesmag", unit=city.team_a, is_editor=True, is_integrity_officer=True, is_staff=True, is_active=False
    )
    make_person("rapporteert", unit=city.team_a, manager=everything)
    assert roles_of(everything) == frozenset()


def test_a_chef_whose_only_report_left_is_no_longer_chef(city):
    assert is_chef(city.other_chef)
    city.colleague.deactivate()
    chef = Person.objects.get(pk=city.other_chef.pk)  # a new request reads the person anew
    assert not is_chef(chef)
    assert roles_of(chef) == frozenset({E})


def request_by(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_a_view_guarded_by_a_role_lets_that_role_in_and_refuses_the_others(city):
    @require_role(Role.EDITOR)
    def publish(request, number):
        return HttpResponse(f"page {number}")

    assert publish(request_by(city.editor), 7).content == b"page 7"
    assert publish.__name__ == "publish"
    for person in (city.employee, city.chef, city.integrity, city.admin):
        with pytest.raises(PermissionDenied):
            publish(request_by(person), 7)
    with pytest.raises(PermissionDenied):
        publish(request_by(AnonymousUser()), 7)


def test_a_class_based_view_asks_its_required_role(city):
    class Follow(RoleRequiredMixin, View):
        required_role = Role.INTEGRITY

        def get(self, request, number):
            return HttpResponse(f"question {number}")

    view = Follow.as_view()
    assert view(request_by(city.integrity), number=3).content == b"question 3"
    assert view(request_by(city.integrity), 4).content == b"question 4"  # the URL's arguments, by position too
    with pytest.raises(PermissionDenied):
        view(request_by(city.editor), number=3)


def test_a_class_based_view_needs_at_least_a_signed_in_employee(city):
    class Home(RoleRequiredMixin, View):
        def get(self, request):
            return HttpResponse("home")

    view = Home.as_view()
    assert view(request_by(city.colleague)).content == b"home"
    with pytest.raises(PermissionDenied):
        view(request_by(AnonymousUser()))
