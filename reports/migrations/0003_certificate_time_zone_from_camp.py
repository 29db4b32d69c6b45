# Certificates issued before 0002 are dated in their camp's home zone, as new ones are.

from django.db import migrations


def from_camp(apps, schema_editor):
    Certificate = apps.get_model("reports", "Certificate")
    for certificate in Certificate.objects.select_related("phase__camp").only("pk", "phase__camp__home_time_zone"):
        zone = certificate.phase.camp.home_time_zone
        if zone and zone != "Asia/Shanghai":
            Certificate.objects.filter(pk=certificate.pk).update(time_zone=zone)


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0002_certificate_time_zone"),
    ]

    operations = [
        migrations.RunPython(from_camp, migrations.RunPython.noop),
    ]
