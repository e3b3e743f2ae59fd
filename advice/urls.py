from django.urls import path

from advice import views

app_name = "advice"

urlpatterns = [
    # Asking and the asker's own questions
    path("vraag/", views.ask, name="ask"),
    path("mijn-vragen/", views.my_questions, name="my_questions"),
    # One question: page, steps (POST only), attachment, receipt
    path("vragen/<int:pk>/", views.question_detail, name="question_detail"),
    path("vragen/<int:pk>/stap/<slug:step>/", views.question_step, name="question_step"),
    path("vragen/<int:pk>/ontvangstbewijs/", views.receipt, name="receipt"),
    path("bijlagen/<int:pk>/", views.attachment_download, name="attachment_download"),
    # Leidinggevende and plaatsvervanger
    path("team/", views.manager_inbox, name="manager_inbox"),
    # Bureau voor Integriteit
    path("bureau/", views.bureau_queue, name="bureau_queue"),
    path("bureau/statistieken/", views.statistics, name="statistics"),
    path("bureau/toegang/", views.access_grants, name="access_grants"),
    path("bureau/vragen/<int:pk>/faq/", views.faq_create, name="faq_create"),
    path("faq/<int:pk>/publiceren/", views.faq_publish, name="faq_publish"),
    # For all staff
    path("faq/", views.faq, name="faq"),
]
