import logging
import time
from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import BaseBackend, ModelBackend, RemoteUserBackend
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Exists, Expression, OuterRef
from django.urls import Resolver404, resolve

from organisation import content, identity, lockout
from organisation.models import Deputy

logger = logging.getLogger("organisation.sign_in")


class SignedInPersonMixin:
    """The person behind a signed-in request, read with whether they have active direct reports and
    with the content generation.

    Every page's navigation asks whether the person is a chef-waardeerder; answering it in the query
    that loads the person saves every page a query of its own (`Person.has_direct_reports`). The
    content generation (organisation.content) is read in the same query, at the start of the request,
    before any shared content is looked up under it.
    """

    def get_user(self, user_id):
        user = signed_in_person(user_id, views_reading=_view_reading(current_request.get()))
        return user if user is not None and self.user_can_authenticate(user) else None


# The request being served on this thread (organisation.middleware.CurrentRequestMiddleware): the backend
# is asked for the person by id only, and what is read with them may depend on the page.
current_request: ContextVar = ContextVar("current_request", default=None)


def _view_reading(request) -> frozenset:
    """The names read with the person only for the view `request` is for (`read_with_person(views=…)`).

    Known once the address is resolved (every page's person is first needed after that, in
    SignInAgainMiddleware.process_view); before that (the sign-on proxy's middleware signs people in
    first), the address is resolved here."""
    if request is None or not _read_for_views:
        return frozenset()
    match = getattr(request, "resolver_match", None)
    if match is None:
        try:
            match = resolve(request.path_info, getattr(request, "urlconf", None))
        except Resolver404:
            return frozenset()
    return _read_for_views.get(match.view_name, frozenset())


# Every request loads its person: building that query with the ORM cost about 2.5 ms each time
# (three quarters of the cheapest signed-in page), running it 0.3 ms. So the query is compiled once
# per process and database, and only the person's id changes between requests. The values go through
# the same converters as in the ORM (SQLite's booleans and dates), and the person is built as the ORM
# builds them (`Model.from_db`).
_PERSON_ID_PLACEHOLDER = -2_147_483_000
_compiled_person_query: dict[tuple[str, frozenset], dict] = {}  # (database, views_reading) -> …

# What apps above this one read with the person, as the content generation is: a subquery each, no
# query of its own. Registered from their AppConfig.ready() (this app never imports them): name ->
# a function returning the expression, evaluated when the query is compiled.
_read_with_person: dict[str, Callable[[], Expression]] = {}
_read_for_views: dict[str, frozenset] = {}  # view name -> the names read with the person for it only


def read_with_person(name: str, expression: Callable[[], Expression], *, views=None) -> None:
    """Read `expression()` (an expression on the person: a subquery with `OuterRef("pk")`, or one on
    the person's own columns) with every signed-in person, as the attribute `name`; with `views` (view
    names such as "home"), only on those pages: on the others the person's query stays as it is."""
    _read_with_person[name] = expression
    if views is not None:
        for view in views:
            _read_for_views[view] = _read_for_views.get(view, frozenset()) | {name}
    _compiled_person_query.clear()


def _person_query(using: str, views_reading: frozenset = frozenset()) -> dict:
    compiled = _compiled_person_query.get((using, views_reading))
    if compiled is None:
        for_some_views = set().union(*_read_for_views.values())
        model = get_user_model()
        reports = model._default_manager.filter(manager=OuterRef("pk"), is_active=True)
        deputising = Deputy.objects.filter(deputy=OuterRef("pk"))
        queryset = (
            model._default_manager.using(using)
            .annotate(
                has_direct_reports=Exists(reports),
                has_deputy_periods=Exists(deputising),
                **content.generation_annotations(),
                **{
                    name: expression()
                    for name, expression in _read_with_person.items()
                    if name not in for_some_views or name in views_reading
                },
            )
            .filter(pk=_PERSON_ID_PLACEHOLDER)
            .order_by()[:1]
        )
        compiler = queryset.query.get_compiler(using)
        sql, params = compiler.as_sql()
        params = list(params)
        if params.count(_PERSON_ID_PLACEHOLDER) != 1:  # pragma: no cover - a change in how Django compiles
            raise ImproperlyConfigured("The signed-in person's query does not take the person's id once.")
        positions = compiler.klass_info["select_fields"]
        compiled = _compiled_person_query[(using, views_reading)] = {
            "sql": sql,
            "params": params,
            "id_at": params.index(_PERSON_ID_PLACEHOLDER),
            "fields": [compiler.select[position][0].target.attname for position in positions],
            "field_positions": positions,
            "annotations": dict(compiler.annotation_col_map),
            "converters": list(compiler.get_converters([column for column, _sql, _alias in compiler.select]).items()),
        }
    return compiled


def signed_in_person(user_id, using: str = DEFAULT_DB_ALIAS, *, views_reading: frozenset = frozenset()):
    """The person with `user_id`, with `has_direct_reports`, `has_deputy_periods` (ever named a
    plaatsvervanger: advice.access asks for their periods only then), the content generation and what
    other apps read with them (`read_with_person`; of what is read for some views only, `views_reading`),
    or None."""
    model = get_user_model()
    user_id = model._meta.pk.to_python(user_id)  # the session keeps it as text
    query = _person_query(using, views_reading)
    params = [*query["params"]]
    params[query["id_at"]] = user_id
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(query["sql"], params)
        row = cursor.fetchone()
    if row is None:
        return None
    row = list(row)
    for position, (converters, expression) in query["converters"]:
        for converter in converters:
            row[position] = converter(row[position], expression, connection)
    user = model.from_db(using, query["fields"], [row[position] for position in query["field_positions"]])
    for name, position in query["annotations"].items():
        setattr(user, name, row[position])  # has_direct_reports, has_deputy_periods, the generation, …
    user.content_read_at = time.monotonic()
    return user


class EmailOrUsernameBackend(SignedInPersonMixin, ModelBackend):
    """Staff sign in with their username or their e-mail address (see `organisation.identity`).

    `LOCAL_SIGN_IN` decides who may use a password at all: everyone (`on`), only beheerders'
    break-glass accounts (`break-glass`), or nobody (`off`; sign-in through OpenID Connect or the
    sign-on proxy only). The lock-out (`organisation.lockout`) is asked first.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        if request is not None and lockout.is_locked(request, username):
            # Refused before the password is looked at; Django reports the failure, uncounted.
            request.sign_in_locked = True
            raise PermissionDenied
        user = identity.find_person(username)
        if user is None or not local_sign_in_allowed(user):
            # Spend the same time as a real check, so that timing does not reveal accounts.
            get_user_model()().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            if settings.LOCAL_SIGN_IN == "break-glass":
                logger.warning("Break-glass sign-in with a password by beheerder %s (%s)", user.pk, user.username)
            return user
        return None


def local_sign_in_allowed(person) -> bool:
    mode = settings.LOCAL_SIGN_IN
    if mode == "on":
        return True
    if mode == "break-glass":
        return person.is_staff
    return False


class TrustedHeaderBackend(SignedInPersonMixin, RemoteUserBackend):
    """Single sign-on through the proxy: the header names a known, active person; nobody is created."""

    create_unknown_user = False

    def authenticate(self, request, remote_user):
        person = identity.find_person(remote_user)
        return person if person is not None and self.user_can_authenticate(person) else None


class OpenIDConnectBackend(SignedInPersonMixin, BaseBackend):
    """The person signed in through OpenID Connect (`organisation.oidc`), loaded on later requests.

    It authenticates nothing itself: the callback has checked the provider's ID token and found the
    person from the HR import. Permissions come from the other backends, as for everyone.
    """

    def user_can_authenticate(self, user):
        return user.is_active
