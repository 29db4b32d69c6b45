"""Give every existing camp the starter blocklists (new camps get them from a signal)."""

from django.db import migrations


def seed(apps, schema_editor):
    from live.services.blocklist import STARTER_TERMS

    Camp = apps.get_model("camp", "Camp")
    BlockedTerm = apps.get_model("live", "BlockedTerm")
    for camp in Camp.objects.all():
        existing = set(BlockedTerm.objects.filter(camp=camp).values_list("term", flat=True))
        BlockedTerm.objects.bulk_create([
            BlockedTerm(camp=camp, term=term, language=language)
            for language, terms in STARTER_TERMS.items() for term in terms if term not in existing
        ], ignore_conflicts=True)


class Migration(migrations.Migration):

    dependencies = [("live", "0002_rooms")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
