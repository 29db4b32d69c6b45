"""Give every existing camp the starter blocklists (new camps get them from a signal).

The lists are copied here as they were when this migration was written
(live.services.blocklist.STARTER_TERMS): a migration never imports app code, which may be renamed
or changed after it has run.
"""

from django.db import migrations

STARTER_TERMS = {
    "zh-hans": [
        "傻逼", "傻b", "煞笔", "操你", "草泥马", "他妈的", "你妈的", "妈的", "去死", "滚蛋", "贱人", "婊子",
        "王八蛋", "白痴", "脑残", "加我微信", "加微信", "微信号", "私聊", "加我qq",
    ],
    "en": [
        "fuck", "fucking", "shit", "bitch", "bastard", "asshole", "dick", "cunt", "slut", "whore", "retard",
        "kill yourself", "kys", "nudes", "send pics", "add me on", "my snapchat", "dm me", "private chat",
    ],
    "th": [
        "ควย", "เหี้ย", "สัส", "สัตว์นรก", "ไอ้สัตว์", "เย็ด", "หี", "แม่ง", "ระยำ", "ชิบหาย", "อีดอก", "ไอ้เวร",
        "ขอไลน์", "แอดไลน์", "ทักแชท",
    ],
}


def seed(apps, schema_editor):
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
