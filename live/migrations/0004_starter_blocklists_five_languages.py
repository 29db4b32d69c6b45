"""Give every existing camp the starter terms added since 0003: the Lao and Burmese lists are new,
the Chinese, English and Thai ones gained terms and the spellings youth use to get past a filter
(new camps get the whole of live.services.blocklist.STARTER_TERMS from a signal).

Only the added terms are copied here, as they were when this migration was written (a migration
never imports app code, which may change after it has run): a starter term of 0003 that an organizer
deleted stays deleted, and nothing is removed.
"""

from django.db import migrations

ADDED_TERMS = {
    "zh-hans": [
        "傻x", "沙比", "操你妈", "去你妈的", "狗日的", "狗东西", "贱货", "死全家", "弱智", "你个废物", "去死吧", "给我去死", "不去死",
        "cnm", "nmsl", "tmd", "sb", "加我v", "加我vx", "私信我",
    ],
    "en": [
        "fck", "motherfucker", "bullshit", "dumbass", "jackass", "wtf", "stfu", "moron",
        "kill urself", "go die", "send nudes", "dont tell your parents", "our little secret",
    ],
    "th": [
        "เชี่ย", "สัด", "อีดอกทอง", "ดอกทอง", "อีกะหรี่", "ส้นตีน", "ไอ้ควาย", "อีควาย", "มึง", "พ่อมึง",
        "แม่มึง", "ไปตายซะ", "ไอ้หมา", "ห่าราก", "ไอ้ห่า", "อีห่า", "ไอ้บ้า", "อีบ้า", "ปัญญาอ่อน",
        "เฮงซวย", "ขอเบอร์", "ขอไอดีไลน์", "ทักไลน์มา",
    ],
    "lo": [
        "ຄວຍ", "ຫີ", "ເຢັດ", "ໄອ້ສັດ", "ອີ່ສັດ", "ໄອ້ຫ່າ", "ອີ່ຫ່າ", "ຫ່າກິນ", "ໄອ້ຄວາຍ", "ອີ່ຄວາຍ",
        "ໄອ້ບ້າ", "ອີ່ບ້າ", "ໄອ້ໂງ່", "ມຶງ", "ແມ່ມຶງ", "ພໍ່ມຶງ", "ໄປຕາຍ", "ໄອ້ໝາ", "ຂໍເບີ",
        "ຂໍເບີໂທ", "ແອັດໄລນ໌", "ຂໍໄລນ໌", "ທັກແຊັດ",
    ],
    "my": [
        "မအေလိုး", "မေလိုး", "လိုးမ", "ငါလိုး", "ခွေးမသား", "ခွေးသား", "စောက်ရူး", "စောက်ပေါ",
        "စောက်ကောင်", "ငတုံး", "လီးပဲ", "လီးဘဲ", "ဖာသည်မ", "သေနာ", "သေနာကောင်", "ကောင်စုတ်",
        "ဖုန်းနံပါတ်ပေး", "ဗိုင်ဘာပေး", "အကောင့်ပေး",
    ],
}


def seed(apps, schema_editor):
    Camp = apps.get_model("camp", "Camp")
    BlockedTerm = apps.get_model("live", "BlockedTerm")
    for camp in Camp.objects.all():
        existing = set(BlockedTerm.objects.filter(camp=camp).values_list("term", flat=True))
        BlockedTerm.objects.bulk_create([
            BlockedTerm(camp=camp, term=term, language=language)
            for language, terms in ADDED_TERMS.items() for term in terms if term not in existing
        ], ignore_conflicts=True)


class Migration(migrations.Migration):

    dependencies = [("live", "0003_starter_blocklists")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
