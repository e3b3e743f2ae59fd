from django.urls import path

from advice.views import asking, bureau, faq, manager, question

app_name = "advice"

urlpatterns = [
    # Asking and the asker's own questions
    path("vraag/", asking.ask, name="ask"),
    path("mijn-vragen/", asking.my_questions, name="my_questions"),
    # One question: page, steps (POST only), attachment, receipt
    path("vragen/<int:pk>/", question.question_detail, name="question_detail"),
    path("vragen/<int:pk>/stap/<slug:step>/", question.question_step, name="question_step"),
    path("vragen/<int:pk>/ontvangstbewijs/", question.receipt, name="receipt"),
    path("bijlagen/<int:pk>/", question.attachment_download, name="attachment_download"),
    # Leidinggevende and plaatsvervanger
    path("team/", manager.manager_inbox, name="manager_inbox"),
    # Bureau voor Integriteit
    path("bureau/", bureau.bureau_queue, name="bureau_queue"),
    path("bureau/statistieken/", bureau.statistics, name="statistics"),
    path("bureau/toegang/", bureau.access_grants, name="access_grants"),
    path("bureau/vragen/<int:pk>/faq/", faq.faq_create, name="faq_create"),
    path("faq/<int:pk>/publiceren/", faq.faq_publish, name="faq_publish"),
    # For all staff
    path("faq/", faq.faq, name="faq"),
]
