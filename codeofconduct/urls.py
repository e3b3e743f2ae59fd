from django.urls import path

from codeofconduct.views import acknowledging, compliance, editing, reading, team

app_name = "codeofconduct"

urlpatterns = [
    # Reading: every employee.
    path("", reading.policy_list, name="policy_list"),
    path("archief/", reading.archive, name="archive"),
    path("zoeken/", reading.search, name="search"),
    path("versies/<int:pk>/", reading.version_detail, name="version_detail"),
    path("<slug:slug>/geschiedenis/", reading.policy_history, name="policy_history"),
    path("<slug:slug>/vergelijken/", reading.compare, name="compare"),
    path("versies/<int:pk>/gelezen-en-begrepen/", acknowledging.acknowledge, name="acknowledge"),
    # Chef-waardeerders: their team.
    path("mijn-team/", team.team, name="team"),
    path("mijn-team/versies/<int:pk>/op-de-hoogte/", team.team_notify, name="team_notify"),
    path("mijn-team/versies/<int:pk>/herinnering/", team.team_remind, name="team_remind"),
    path("mijn-team/versies/<int:pk>/briefing/", team.team_briefing, name="team_briefing"),
    # Redactie: compliance per organisational unit.
    path("naleving/", compliance.compliance_page, name="compliance"),
    path("naleving/versies/<int:pk>/export/", compliance.compliance_export, name="compliance_export"),
    # Editing: Redactie.
    path("redactie/", editing.editor_dashboard, name="editor_dashboard"),
    path("redactie/nieuwe-beleidstekst/", editing.policy_create, name="policy_create"),
    path("redactie/<slug:slug>/nieuw/", editing.draft_create, name="draft_create"),
    path("redactie/versies/<int:pk>/bewerken/", editing.draft_edit, name="draft_edit"),
    path("redactie/versies/<int:pk>/voorbeeld/", editing.draft_preview, name="draft_preview"),
    path("redactie/versies/<int:pk>/publiceren/", editing.publish, name="publish"),
    path("redactie/versies/<int:pk>/intrekken/", editing.withdraw, name="withdraw"),
    path("redactie/versies/<int:pk>/uiterste-datum/", editing.extend_due_date, name="extend_due_date"),
]
