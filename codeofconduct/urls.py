from django.urls import path

from codeofconduct import views, views_acknowledgement

app_name = "codeofconduct"

urlpatterns = [
    # Reading: every employee.
    path("", views.policy_list, name="policy_list"),
    path("archief/", views.archive, name="archive"),
    path("zoeken/", views.search, name="search"),
    path("versies/<int:pk>/", views.version_detail, name="version_detail"),
    path("<slug:slug>/geschiedenis/", views.policy_history, name="policy_history"),
    path("<slug:slug>/vergelijken/", views.compare, name="compare"),
    path("versies/<int:pk>/gelezen-en-begrepen/", views_acknowledgement.acknowledge, name="acknowledge"),
    # Chef-waardeerders: their team.
    path("mijn-team/", views_acknowledgement.team, name="team"),
    path("mijn-team/versies/<int:pk>/op-de-hoogte/", views_acknowledgement.team_notify, name="team_notify"),
    path("mijn-team/versies/<int:pk>/herinnering/", views_acknowledgement.team_remind, name="team_remind"),
    path("mijn-team/versies/<int:pk>/briefing/", views_acknowledgement.team_briefing, name="team_briefing"),
    # Redactie: compliance per organisational unit.
    path("naleving/", views_acknowledgement.compliance_page, name="compliance"),
    path("naleving/versies/<int:pk>/export/", views_acknowledgement.compliance_export, name="compliance_export"),
    # Editing: Redactie.
    path("redactie/", views.editor_dashboard, name="editor_dashboard"),
    path("redactie/nieuwe-beleidstekst/", views.policy_create, name="policy_create"),
    path("redactie/<slug:slug>/nieuw/", views.draft_create, name="draft_create"),
    path("redactie/versies/<int:pk>/bewerken/", views.draft_edit, name="draft_edit"),
    path("redactie/versies/<int:pk>/voorbeeld/", views.draft_preview, name="draft_preview"),
    path("redactie/versies/<int:pk>/publiceren/", views.publish, name="publish"),
    path("redactie/versies/<int:pk>/intrekken/", views.withdraw, name="withdraw"),
]
