"""Youth accounts made before display names used one letter for a Chinese family name (陈 → C)
showed the whole family name to other youth: recompute them from the roster."""

from django.db import migrations


def recompute(apps, schema_editor):
    from camp.models import family_initial

    Participant = apps.get_model("camp", "Participant")
    User = apps.get_model("camp", "User")
    changed = []
    for participant in Participant.objects.filter(user__isnull=False).select_related("user").iterator():
        initial = family_initial(participant.family_name)
        name = f"{participant.given_name} {initial}." if initial else participant.given_name
        if participant.user.display_name != name:
            participant.user.display_name = name
            changed.append(participant.user)
    User.objects.bulk_update(changed, ["display_name"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("camp", "0002_enrollment_roster_import_join_key")]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
