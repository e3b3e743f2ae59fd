from django.utils.functional import SimpleLazyObject

from organisation.roles import Role, roles_of


def roles(request):
    """`roles` in every template: `{% if roles.redactie %}`. Lazy, so pages that do not ask pay nothing."""

    def compute():
        user = getattr(request, "user", None)
        held = roles_of(user) if user is not None else frozenset()
        return {role.value: role in held for role in Role}

    return {"roles": SimpleLazyObject(compute)}
