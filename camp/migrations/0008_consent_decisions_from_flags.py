"""Consent version 1, and every consent recorded so far as a decision: the coordinator's word for
"participation" (the only thing the old form asked), on paper, by whoever recorded it, when they
did. The other items were never asked: they stay unanswered (not allowed) until the guardian answers."""

from django.db import migrations
from django.utils import timezone


def forwards(apps, schema_editor):
    ConsentVersion = apps.get_model("camp", "ConsentVersion")
    ConsentDecision = apps.get_model("camp", "ConsentDecision")
    Participant = apps.get_model("camp", "Participant")
    version, _created = ConsentVersion.objects.get_or_create(number=1, defaults={"published_at": timezone.now()})
    batch = []
    for participant in Participant.objects.filter(consent_given=True).iterator(chunk_size=2000):
        batch.append(ConsentDecision(
            participant_id=participant.pk, version=version, item="participation", agreed=True,
            decided_at=participant.consent_at or timezone.now(), source="paper",
            recorded_by_id=participant.consent_recorded_by_id, method=participant.consent_method or "paper",
        ))
        if len(batch) >= 2000:
            ConsentDecision.objects.bulk_create(batch)
            batch = []
    ConsentDecision.objects.bulk_create(batch)


def backwards(apps, schema_editor):
    apps.get_model("camp", "ConsentDecision").objects.all().delete()
    apps.get_model("camp", "ConsentVersion").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ("camp", "0007_guardian_consent"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
