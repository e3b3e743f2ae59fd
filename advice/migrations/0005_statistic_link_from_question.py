"""The statistics row no longer names its question: the question points to its row instead."""

import django.db.models.deletion
from django.db import migrations, models


def link_from_question(apps, schema_editor):
    Question = apps.get_model("advice", "Question")
    QuestionStatistic = apps.get_model("advice", "QuestionStatistic")
    for stat_id, question_id in QuestionStatistic.objects.filter(question__isnull=False).values_list(
        "pk", "question_id"
    ):
        Question.objects.filter(pk=question_id).update(statistic_id=stat_id)


def link_from_statistic(apps, schema_editor):
    Question = apps.get_model("advice", "Question")
    QuestionStatistic = apps.get_model("advice", "QuestionStatistic")
    for question_id, stat_id in Question.objects.filter(statistic__isnull=False).values_list("pk", "statistic_id"):
        QuestionStatistic.objects.filter(pk=stat_id).update(question_id=question_id)


class Migration(migrations.Migration):
    dependencies = [
        ("advice", "0004_bureau_queue_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="question",
            name="statistic",
            field=models.OneToOneField(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="advice.questionstatistic",
            ),
        ),
        migrations.RunPython(link_from_question, link_from_statistic),
        migrations.RemoveField(model_name="questionstatistic", name="question"),
        migrations.AlterField(
            model_name="question",
            name="statistic",
            field=models.OneToOneField(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="question",
                to="advice.questionstatistic",
            ),
        ),
    ]
