from django.urls import path

from codeofconduct import views

app_name = "codeofconduct"

urlpatterns = [
    # Reading: every employee.
    path("", views.policy_list, name="policy_list"),
    path("archief/", views.archive, name="archive"),
    path("zoeken/", views.search, name="search"),
    path("versies/<int:pk>/", views.version_detail, name="version_detail"),
    path("<slug:slug>/geschiedenis/", views.policy_history, name="policy_history"),
    path("<slug:slug>/vergelijken/", views.compare, name="compare"),
    # Editing: Redactie.
    path("redactie/", views.editor_dashboard, name="editor_dashboard"),
    path("redactie/<slug:slug>/nieuw/", views.draft_create, name="draft_create"),
    path("redactie/versies/<int:pk>/bewerken/", views.draft_edit, name="draft_edit"),
    path("redactie/versies/<int:pk>/voorbeeld/", views.draft_preview, name="draft_preview"),
    path("redactie/versies/<int:pk>/publiceren/", views.publish, name="publish"),
    path("redactie/versies/<int:pk>/intrekken/", views.withdraw, name="withdraw"),
]
