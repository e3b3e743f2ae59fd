"""Compliance figures at city scale, computed once per change instead of once per page view.

Counting the whole city (unit by unit, plus acknowledgements per day) takes a few hundred
milliseconds at 250,000 employees; the compliance page, its department views and the exports all
need the same figures. Each server process keeps the last figures per version, filed under the
database's FiguresGeneration counter and its epoch, with the moment they were counted. Every write
that changes what is counted moves that counter on *in the same transaction* (signals below, and
`changed()` after bulk writes), and a page reads the counter before it reads anything else. So a
page that can see such a change also sees the counter it moved, and recounts.

One write is the exception: a person's own acknowledgement ("Gelezen en begrepen"), which comes by
the thousands on a publication morning. Moving the counter for each would make every process count
the city after every click. It is counted instead once the figures are older than
COMPLIANCE_FIGURES_MAX_AGE_SECONDS: one thread per process recounts them in the background while
pages keep showing the last ones, with their age ("Stand van 09:14:03"). So the figures are exact
for everything but own acknowledgements, which they show at most that period plus one count late.
The person's own pages and their chef's team page do not use these figures: they show it at once.

The first count after a change is also offered to the other processes through the shared cache
(Redis in production), filed under the same key: one entry per version, which a process takes only
when its own key is equal. So after a change one process counts and the others take its figures,
instead of every worker of every server counting the city. (The background recounts of own
acknowledgements are not shared: see `_recount`.) A publication counts its new version at once,
after its commit (`count_after_publication`): on a publication morning nobody who opens the
compliance page waits for the first count, which at 250,000 employees takes the better part of a
second.
"""

import datetime
import logging
import pickle  # nosec B403: the shared copy of the figures (docs/development.md, "Security linter")
import threading
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Subquery
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from codeofconduct.models import Acknowledgement, FiguresGeneration, PolicyVersion, TeamNotification
from codeofconduct.selectors import compliance
from config import sql
from organisation.signals import organisation_bulk_changed

_lock = threading.Lock()
_latest: dict[int, tuple[tuple, "CityFigures"]] = {}  # version pk -> (key, figures); one entry per version
_counting: dict[int, threading.Lock] = {}  # version pk -> held by the thread that counts it
_recounting: dict[int, threading.Thread] = {}  # version pk -> this process's background recount of it
RECOUNT_THREAD_NAME = "compliance-figures-recount"
UNIT_DAYS_KEPT = 500  # units whose chart is kept with one count of the figures (a few kB each)
FRAGMENTS_KEPT = 1000  # rendered parts kept with one count (a unit's chart and summary, per language: a few kB each)
# The shared copy: one entry per version (some 3 MB at 250,000 employees), replaced by the next count
# that shares it: (key, the figures pickled), so that a process unpickles a copy of the city only when
# it is of its own key. The name says the pickled form: when it changes (v2: units as
# compliance.Unit, no longer dicts), the processes of a new release never read an old release's copy
# during a rolling deploy, nor the other way round.
SHARED_KEY = "compliance-figures:v2:{pk}"
SHARED_SECONDS = 24 * 3600

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CityFigures:
    units: dict  # unit pk -> UnitFigures (each with its sub-units' counts)
    total: compliance.UnitFigures
    by_code: dict  # unit code -> UnitFigures
    per_day: list  # (day, acknowledged that day, cumulative)
    counted_at: datetime.datetime  # when counting began: every change committed before then is in
    # unit pk -> its acknowledgements per day (per_day_below), counted on the unit's first view
    unit_days: dict = field(default_factory=dict, compare=False, repr=False)
    # (what, unit pk, language) -> HTML rendered from these figures only (fragment)
    fragments: dict = field(default_factory=dict, compare=False, repr=False)

    def per_day_below(self, version: PolicyVersion, unit: compliance.UnitFigures) -> list:
        """The acknowledgements per day below `unit` (the chart on its page): counted on the first view of
        the unit and kept with these figures, so never older than they are (a new count starts without).
        At most UNIT_DAYS_KEPT units are kept per count: clicking through a whole city keeps no more."""
        series = self.unit_days.get(unit.unit.pk)
        if series is None:
            series = compliance.acknowledgements_per_day(version, unit.unit.path)
            if len(self.unit_days) < UNIT_DAYS_KEPT:
                self.unit_days[unit.unit.pk] = series
        return series

    def fragment(self, key: tuple, render) -> str:
        """HTML made of these figures alone (no person, no request: a unit's chart in one language),
        rendered by `render` on first use and kept with them, so never older than they are (a new count
        starts without). At most FRAGMENTS_KEPT are kept per count."""
        html = self.fragments.get(key)
        if html is None:
            html = render()
            if len(self.fragments) < FRAGMENTS_KEPT:
                self.fragments[key] = html
        return html

    def is_stale(self, now: datetime.datetime) -> bool:
        """Older than the period after which own acknowledgements are counted."""
        return now - self.counted_at > datetime.timedelta(seconds=settings.COMPLIANCE_FIGURES_MAX_AGE_SECONDS)


def changed(using=None) -> None:
    """Move the counter on: call inside the transaction of a write that bypasses model signals.

    Each change also draws a new random `epoch`, so a key names one state of the data and never
    comes round again. A counter alone would rewind: restore last night's dump (or fail over to a
    replica that missed the last commits) and the next changes count up through values that every
    server already holds figures for, of data that no longer exists; they would be shown until
    restarted. With a fresh epoch per change, a restored database matches only figures counted from
    exactly its data (give or take own acknowledgements made after it, which a copy may hold until
    it is older than the period), and its first change leaves every server's copy behind.
    """
    FiguresGeneration.move_on(using)


# The counter, read before anything else on every compliance page: written out (config.sql), since
# the ORM spent more Python building this one-row lookup than PostgreSQL takes to answer it.
_GENERATION = "SELECT epoch, value FROM codeofconduct_figuresgeneration WHERE id = %s"


def _generation(person=None):
    if person is not None and hasattr(person, GENERATION_WITH_PERSON[1]):
        epoch, value = (getattr(person, name) for name in GENERATION_WITH_PERSON)
        return (epoch, value) if epoch is not None else None
    rows = sql.fetch(_GENERATION, [1], [(0, FiguresGeneration._meta.get_field("epoch"))])
    return tuple(rows[0]) if rows else None


# The counter read with the signed-in person (organisation.backends.read_with_person, registered in
# apps.py): the query that loads them comes before anything else a page reads, as the counter must,
# and a compliance page needs no query of its own for it.
GENERATION_WITH_PERSON = ("figures_epoch", "figures_generation")


def generation_with_person() -> dict:
    row = FiguresGeneration.objects.filter(pk=1)
    return {
        GENERATION_WITH_PERSON[0]: lambda: Subquery(row.values("epoch")[:1]),
        GENERATION_WITH_PERSON[1]: lambda: Subquery(row.values("value")[:1]),
    }


def city_figures(version: PolicyVersion, today: datetime.date | None = None, *, person=None) -> CityFigures:
    """The figures of every unit for `version`: this process's copy, or counted now after a change.
    With `person`, the signed-in person of the request, under the counter read with them.

    A copy older than the period is still returned, and recounted in the background.
    """
    today = today or timezone.localdate()
    cached = _cached(version, _key(version, today, person))
    if cached is not None:
        if cached.is_stale(timezone.now()):
            _recount_in_background(version, today)
        return cached
    # One thread per process counts; the others wait for its result instead of counting the city too.
    with _counting_lock(version):
        key = _key(version, today)  # read again: a change may have landed while this thread waited
        cached = _cached(version, key)
        if cached is not None:
            return cached
        if key[0] is not None:
            _forget_other_than(key)  # before taking a copy as before counting one (see _count)
        shared = _shared(version, key)
        if shared is not None:  # counted by another process (or at publication)
            _keep(version, key, shared)
            if shared.is_stale(timezone.now()):
                _recount_in_background(version, today)
            return shared
        return _count(version, today, key)


def count_after_publication(version: PolicyVersion) -> None:
    """Count the figures of `version`, just published, and offer them to every process (publishing
    calls it after its commit). The first editor to open the compliance page after a publication then
    does not wait for the count, nor does any server process count the city for it again."""
    today = timezone.localdate()
    with _counting_lock(version):
        key = _key(version, today)
        if _cached(version, key) is None:
            _count(version, today, key)


def _counting_lock(version: PolicyVersion) -> threading.Lock:
    with _lock:
        return _counting.setdefault(version.pk, threading.Lock())


def _count(
    version: PolicyVersion,
    today: datetime.date,
    key: tuple,
    *,
    share: bool = True,
    recounting: CityFigures | None = None,
) -> CityFigures:
    """Count the city (`key` read before), and keep the figures under that key (and, with `share`, offer
    them to the other processes). `recounting`: this process's figures under the same key, whose units
    are the same (every change to a unit moves the counter on) and are taken over."""
    if key[0] is not None:
        # Dropped before counting, not only after: at 250,000 employees a copy of the figures is some
        # 13 MB, and on a publication morning the first count of the new version held the replaced
        # version's copy beside the one being made (a worker peaked at 150 MB, its limit).
        _forget_other_than(key)
    counted_at = timezone.now()
    units, total = compliance.unit_figures(version, today, units_of=recounting.units if recounting else None)
    figures = CityFigures(
        units=units,
        total=total,
        by_code={unit.unit.code: unit for unit in units.values()},
        per_day=compliance.acknowledgements_per_day(version),
        counted_at=counted_at,
    )
    if key[0] is not None and share:
        # Offered before this process uses them: nothing is added to them yet (their charts and
        # fragments are filled per process, on first use).
        shared = (key, pickle.dumps(figures, pickle.HIGHEST_PROTOCOL))
        cache.set(SHARED_KEY.format(pk=version.pk), shared, SHARED_SECONDS)
        del shared
    if key[0] is not None:
        _keep(version, key, figures)
    return figures


def _keep(version: PolicyVersion, key: tuple, figures: CityFigures) -> None:
    with _lock:
        _latest[version.pk] = (key, figures)
    _forget_other_than(key)  # and kept by another thread meanwhile


def _shared(version: PolicyVersion, key: tuple) -> CityFigures | None:
    """The figures another process counted under `key`, if the shared copy of `version` is of it."""
    if key[0] is None:
        return None
    entry = cache.get(SHARED_KEY.format(pk=version.pk))
    if entry is None or entry[0] != key:
        return None
    # Written by this app's own processes into its own cache, whose every value Django unpickles anyway.
    return pickle.loads(entry[1])  # noqa: S301  # nosec B301


def _forget_other_than(key: tuple) -> None:
    """Drop the figures of any version counted under another generation or day than `key`'s: they can
    never be shown again (the counter only moves on). At 250,000 employees each copy holds some 16,000
    units, and on a publication morning the version just replaced would otherwise stay in every process."""
    with _lock:
        for pk in [pk for pk, (kept, _figures) in _latest.items() if kept[:2] != key[:2]]:
            del _latest[pk]


def _recount_in_background(version: PolicyVersion, today: datetime.date) -> None:
    """Start this process's one recount of `version`, unless it is running already."""
    with _lock:
        if version.pk in _recounting:
            return
        thread = threading.Thread(target=_recount, args=(version, today), name=RECOUNT_THREAD_NAME, daemon=True)
        _recounting[version.pk] = thread
    thread.start()


def _recount(version: PolicyVersion, today: datetime.date) -> None:
    try:
        with _counting_lock(version):
            key = _key(version, today)
            cached = _cached(version, key)
            if cached is not None and not cached.is_stale(timezone.now()):
                return  # counted while this thread waited
            # Counted by each process for itself, and not shared: this process holds its last figures
            # meanwhile, and pickling a copy beside both (or unpickling another process's) raised a
            # worker's peak memory by a tenth at 250,000 employees. Only counts after a change, when
            # the process holds no figures of the version, are shared.
            _count(version, today, key, share=False, recounting=cached)
    except Exception:
        # The pages go on showing the last figures, with their age; the next page view tries again.
        logger.exception("Recounting the compliance figures of version %s failed", version.pk)
    finally:
        with _lock:
            _recounting.pop(version.pk, None)
        connection.close()  # this thread's own connection


def _key(version: PolicyVersion, today: datetime.date, person=None) -> tuple:
    return (
        _generation(person),
        today,
        version.status,
        version.audience_all_staff,
        version.acknowledgement_due_date,
        version.published_at,
    )


def _cached(version: PolicyVersion, key: tuple) -> CityFigures | None:
    if key[0] is None:  # no counter (an emptied database): never trust a copy
        return None
    with _lock:
        cached = _latest.get(version.pk)
    return cached[1] if cached is not None and cached[0] == key else None


def forget() -> None:
    """Drop this process's figures (tests start from nothing, as with the Django cache).

    Test databases roll back to the same counter value after every test, so figures counted in one
    test would otherwise match the key of the next test's different data.
    """
    with _lock:
        _latest.clear()


# A person's save that touches none of these (a login writes last_login) changes no figure.
PERSON_FIELDS_COUNTED = {"is_active", "unit", "unit_id", "manager", "manager_id", "unit_since"}


def _on_change(sender, instance=None, created=False, using=None, update_fields=None, **kwargs):
    is_person = sender._meta.label == "organisation.Person"
    if is_person and update_fields is not None and not PERSON_FIELDS_COUNTED & set(update_fields):
        return
    if created and sender is Acknowledgement and instance.source == Acknowledgement.Source.SELF:
        return  # a person's own acknowledgement: counted after the period (see the module's docstring)
    changed(using)


def _on_bulk_change(sender, **kwargs):
    changed()


def _on_audience_change(sender, action, using=None, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        changed(using)


def connect() -> None:
    """What compliance counts: people (unit, manager, active), units, versions, acknowledgements, notifications."""
    from organisation.models import OrgUnit, Person

    for model in (Person, OrgUnit, PolicyVersion, Acknowledgement, TeamNotification):
        post_save.connect(_on_change, sender=model, dispatch_uid=f"figures-save-{model._meta.label}")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"figures-delete-{model._meta.label}")
    organisation_bulk_changed.connect(_on_bulk_change, dispatch_uid="figures-organisation")
    m2m_changed.connect(
        _on_audience_change, sender=PolicyVersion.audience_units.through, dispatch_uid="figures-audience"
    )
