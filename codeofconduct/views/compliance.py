"""Compliance per organisational unit (Redactie): figures, the people behind them, the chart, exports."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from codeofconduct import exports, figures, shared
from codeofconduct.content import MAIN_POLICY_SLUG
from codeofconduct.models import PolicyVersion
from codeofconduct.selectors import compliance
from codeofconduct.views.base import id_from_query, published_or_404
from organisation.roles import Role, require_role

Status = PolicyVersion.Status
STATUS_FILTERS = {"": None, "open": "open", "overdue": "overdue", "acknowledged": "acknowledged"}


def _compliance_versions(request) -> tuple[PolicyVersion, list[PolicyVersion]]:
    """The version asked for (?versie=, else the code of conduct in force) and every public version,
    newest first, for the version choice: from the shared content (codeofconduct.shared), no query."""
    versions = sorted(
        shared.for_person(request.user).versions.values(), key=lambda version: version.published_at, reverse=True
    )
    pk = id_from_query(request.GET.get("versie", ""))
    if pk is not None:
        chosen = next((v for v in versions if v.pk == pk), None)
        if chosen is None:
            raise Http404
        return chosen, versions
    in_force = next((v for v in versions if v.policy.slug == MAIN_POLICY_SLUG and v.is_current), None)
    return published_or_404(in_force), versions


@require_GET
@require_role(Role.EDITOR)
def compliance_page(request):
    version, versions = _compliance_versions(request)
    city = figures.city_figures(version, person=request.user)
    selected = None
    code = request.GET.get("eenheid", "")
    if code:
        selected = city.by_code.get(code)
        if selected is None:
            raise Http404(_("Deze eenheid bestaat niet."))
    shown = selected or city.total
    status = request.GET.get("status", "")
    if status not in STATUS_FILTERS:
        status = ""
    people_page = None
    if selected is not None or status:
        people_page = compliance.people_page(version, shown, status, request.GET.get("pagina"))
    return render(
        request,
        "codeofconduct/compliance.html",
        {
            "version": version,
            "current": None if version.is_current else shared.for_person(request.user).current.get(version.policy_id),
            "versions": versions,
            "selected": selected,
            "status": status,
            "people_page": people_page,
            # What is made of the figures alone (the same for every editor, no request) is rendered once per
            # unit shown and language and kept with the figures, so never older than they are: the unit's
            # figures and its units, and the chart (the city's series is counted with its figures, a unit's
            # on its first view and then kept with them).
            "summary_html": city.fragment(
                ("summary", shown.unit.pk, get_language()),
                lambda: _summary_html(city, version, selected, shown),
            ),
            "chart_html": city.fragment(
                ("chart", shown.unit.pk, get_language()),
                lambda: _chart_html(city, version, selected, shown),
            ),
        },
    )


def _summary_html(city, version, selected, shown) -> str:
    """The figures of the unit shown (the city without one) and of the units below it."""
    return render_to_string(
        "codeofconduct/includes/compliance_summary.html",
        {
            "version": version,
            "shown": shown,
            "counted_at": city.counted_at,
            "selected": selected,
            "rows": selected.children if selected else compliance.top_units(city.units),
            "breadcrumbs": compliance.breadcrumbs(city.units, selected) if selected else [],
        },
    )


def _chart_html(city, version, selected, shown) -> str:
    """The chart section of the unit shown (the city without one), rendered without the request."""
    chart = _chart(city.per_day_below(version, selected) if selected else city.per_day, shown.audience)
    if chart is None:
        return ""
    return render_to_string("codeofconduct/includes/compliance_chart.html", {"chart": chart, "selected": selected})


def _chart(series, audience_size):
    """Cumulative acknowledgements per day as a bar chart: bar heights as whole percentages of the
    audience (the template turns them into CSS classes: the CSP allows no inline style), the y axis
    in people and the values for the table that goes with the chart."""
    if not series:
        return None
    top = max(audience_size, series[-1][2], 1)
    bars = [
        {
            "day": day,
            "count": count,
            "cumulative": cumulative,
            "percent": round(100 * cumulative / top),
            "share": round(100 * cumulative / audience_size) if audience_size else 0,
        }
        for day, count, cumulative in series
    ]
    return {
        "bars": bars,
        "first": series[0][0],
        "last": series[-1][0],
        "total": series[-1][2],
        "audience": audience_size,
        "top": top,
        "half": round(top / 2),
        # Every bar carries its value while they fit; with many days only the last one does.
        "label_every_bar": len(bars) <= 12,
    }


@require_GET
@require_role(Role.EDITOR)
def compliance_export(request, pk):
    version = get_object_or_404(PolicyVersion.objects.public(), pk=pk)
    code = request.GET.get("eenheid", "")
    city = figures.city_figures(version, person=request.user)
    selected = city.by_code.get(code) if code else None
    if code and selected is None:
        raise Http404
    path = selected.unit.path if selected else None
    unit_list = [
        f
        for f in sorted(city.units.values(), key=lambda f: f.unit.path)
        if f.audience and (path is None or f.unit.path.startswith(path))
    ]
    people = compliance.people_in_unit(version, path)
    stamp = timezone.localdate().isoformat()
    base = f"naleving-{version.nummer}-{code or 'stad'}-{stamp}"
    kind = request.GET.get("soort", "personen")
    if request.GET.get("formaat") == "xlsx":
        return exports.xlsx_response(
            f"{base}.xlsx",
            [
                (_("Medewerkers"), exports.people_header(), exports.people_rows(people)),
                (_("Eenheden"), exports.units_header(), exports.units_rows(unit_list)),
            ],
        )
    if kind == "eenheden":
        return exports.csv_response(f"{base}-eenheden.csv", exports.units_header(), exports.units_rows(unit_list))
    return exports.csv_response(f"{base}-medewerkers.csv", exports.people_header(), exports.people_rows(people))
