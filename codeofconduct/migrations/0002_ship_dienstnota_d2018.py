"""Production initial content: the D2018 dienstnota (current) and the 2013 code (superseded stand-in).

The texts live in codeofconduct/content/; codeofconduct.content.install_initial_content loads them.
"""

from django.db import migrations


def load(apps, schema_editor):
    from codeofconduct.content import install_initial_content

    install_initial_content(
        apps.get_model("codeofconduct", "Policy"),
        apps.get_model("codeofconduct", "PolicyVersion"),
        apps.get_model("codeofconduct", "PublicationEvent"),
    )


def unload(apps, schema_editor):
    Policy = apps.get_model("codeofconduct", "Policy")
    PolicyVersion = apps.get_model("codeofconduct", "PolicyVersion")
    PublicationEvent = apps.get_model("codeofconduct", "PublicationEvent")
    PublicationEvent.objects.filter(version__policy__slug="gedragscode-sociale-media").delete()
    PolicyVersion.objects.filter(policy__slug="gedragscode-sociale-media").delete()
    Policy.objects.filter(slug="gedragscode-sociale-media").delete()


class Migration(migrations.Migration):
    dependencies = [("codeofconduct", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
