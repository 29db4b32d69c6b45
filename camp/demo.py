"""The demo camp from ../shared/context: 普洱市侨联's 2023 online summer camp, 239 youth in 4 phases.

Dates are relative to the day the command runs: phases 1 and 2 are over, phase 3 runs today,
phase 4 is ahead. Everything is keyed on natural keys, so running the seed twice changes nothing.
"""

import datetime
import random

from allauth.account.models import EmailAddress
from django.utils import timezone

from camp.models import Camp, Enrollment, Group, JoinCode, Participant, Phase, User

DEMO_PASSWORD = "camp-demo-2026"
PHASE_LENGTH_DAYS = 15
# Phase number → first day, relative to today.
PHASE_OFFSETS = {1: -60, 2: -40, 3: -3, 4: 30}

ADULTS = [
    # email, role, display name, time zone, language
    ("organizer@example.org", User.Role.ORGANIZER, "张丽华（普洱市侨联）", "Asia/Shanghai", "zh-hans"),
    ("teacher@example.org", User.Role.TEACHER, "王书文老师", "Asia/Shanghai", "zh-hans"),
    ("teacher-tea@example.org", User.Role.TEACHER, "李茶香老师", "Asia/Shanghai", "zh-hans"),
    ("teacher-art@example.org", User.Role.TEACHER, "赵剪纸老师", "Asia/Shanghai", "zh-hans"),
    ("coordinator@example.org", User.Role.COORDINATOR, "陈美玲 (Sino-Lao Friendship School)", "Asia/Vientiane", "zh-hans"),
    ("coordinator-bkk@example.org", User.Role.COORDINATOR, "林志强 (Bangkok)", "Asia/Bangkok", "th"),
    ("coordinator-cm@example.org", User.Role.COORDINATOR, "黄秀英 (Chiang Mai)", "Asia/Bangkok", "th"),
    ("coordinator-ygn@example.org", User.Role.COORDINATOR, "杨国华 (Yangon)", "Asia/Yangon", "my"),
    ("coordinator-mdl@example.org", User.Role.COORDINATOR, "周文辉 (Mandalay)", "Asia/Yangon", "my"),
    ("coordinator-tor@example.org", User.Role.COORDINATOR, "Grace Liu (Toronto)", "America/Toronto", "en"),
    ("coordinator-hy@example.org", User.Role.COORDINATOR, "吴家明 (Hat Yai)", "Asia/Bangkok", "th"),
]

WEEKDAY_EVENINGS = [{"weekdays": [0, 1, 2, 3, 4], "start": "16:00", "end": "20:00"}]
EVERY_DAY = [{"weekdays": [0, 1, 2, 3, 4, 5, 6], "start": "15:00", "end": "20:00"}]
WEEKEND_MORNINGS = [
    {"weekdays": [0, 1, 2, 3, 4], "start": "17:00", "end": "20:30"},
    {"weekdays": [5, 6], "start": "09:00", "end": "12:00"},
]

# name, institution, country, zone, languages, level, ages, hours, coordinator, phase, youth, status, script
GROUPS = [
    ("中老友谊侨校", "Sino-Lao Friendship School, Vientiane", "LA", "Asia/Vientiane", ["lo", "th", "zh-hans"],
     "beginner", (10, 15), EVERY_DAY, "coordinator@example.org", 3, 40, Enrollment.Status.APPROVED, "lo"),
    ("寮龚侨校", "Lao Kong Chinese School, Pakse", "LA", "Asia/Vientiane", ["lo", "zh-hans"],
     "beginner", (9, 14), WEEKDAY_EVENINGS, "coordinator@example.org", 1, 30, Enrollment.Status.APPROVED, "lo"),
    ("曼谷中华语言文化中心", "Bangkok Chinese Language and Culture Centre", "TH", "Asia/Bangkok", ["th", "zh-hans"],
     "intermediate", (11, 16), WEEKDAY_EVENINGS, "coordinator-bkk@example.org", 1, 28, Enrollment.Status.APPROVED, "th"),
    ("清迈华侨公立学校", "Chiang Mai Overseas Chinese Public School", "TH", "Asia/Bangkok", ["th", "zh-hans"],
     "beginner", (8, 13), WEEKEND_MORNINGS, "coordinator-cm@example.org", 2, 32, Enrollment.Status.APPROVED, "th"),
    ("仰光华侨中文学校", "Yangon Overseas Chinese School", "MM", "Asia/Yangon", ["my", "zh-hans"],
     "beginner", (10, 14), WEEKDAY_EVENINGS, "coordinator-ygn@example.org", 2, 25, Enrollment.Status.APPROVED, "my"),
    ("曼德勒福庆学校", "Mandalay Fu Qing School", "MM", "Asia/Yangon", ["my", "zh-hans"],
     "intermediate", (12, 17), EVERY_DAY, "coordinator-mdl@example.org", 3, 30, Enrollment.Status.APPROVED, "my"),
    ("多伦多中华文化协会", "Toronto Chinese Culture Association", "CA", "America/Toronto", ["en", "zh-hans"],
     "advanced", (13, 18), WEEKEND_MORNINGS, "coordinator-tor@example.org", 4, 24, Enrollment.Status.APPROVED, "en"),
    ("万象寮都公学", "Vientiane Liaodu Public School", "LA", "Asia/Vientiane", ["lo", "th", "zh-hans"],
     "intermediate", (11, 16), WEEKDAY_EVENINGS, "coordinator@example.org", 4, 30, Enrollment.Status.APPROVED, "lo"),
    # Phase 3 is full (70 of 70): this group waits for a place.
    ("合艾国光中学", "Hat Yai Kuang Kwang School", "TH", "Asia/Bangkok", ["th", "zh-hans"],
     "beginner", (12, 15), WEEKDAY_EVENINGS, "coordinator-hy@example.org", 3, 12, Enrollment.Status.WAITLISTED, "th"),
]
# Phase 4 keeps room (54 of 100 taken) for a group registered during the demo.
PHASE_CAPACITY = {1: 60, 2: 60, 3: 70, 4: 100}
# Fixed join codes for one youth of these groups, documented in the README.
DEMO_YOUTH_CODES = {"中老友谊侨校": "DEMO-YOUTH-01", "寮龚侨校": "DEMO-YOUTH-02"}

# Names as the youth write them, with the Chinese name their family uses.
NAMES = {
    "lo": {
        "family": ["ແສງທອງ", "ວົງສະຫວັນ", "ສີສຸວັນ", "ພົມມະຈັນ", "ແກ້ວມະນີ", "ຈັນທະວົງ", "ສຸລິຍະ", "ອິນທະວົງ"],
        "given": ["ສົມພອນ", "ບຸນມີ", "ນ້ອຍ", "ຄຳແພງ", "ມະນີວອນ", "ສຸກສະຫວັນ", "ພອນສະຫວັນ", "ດາລາ", "ວິໄລ", "ອານຸສອນ"],
    },
    "th": {
        "family": ["แซ่ตั้ง", "แซ่ลิ้ม", "แซ่โค้ว", "แซ่อึ้ง", "ตันติวงศ์", "ลิ้มเจริญ", "ศรีสุวรรณ", "วงศ์ไพศาล"],
        "given": ["สมชาย", "มาลี", "กิตติ", "ปิยะ", "อรุณี", "ธนพล", "สุดา", "ณัฐวุฒิ", "พิมพ์ชนก", "วรเมธ"],
    },
    "my": {
        "family": ["Tan", "Lim", "Yang", "Li", "Zhou", "Wu"],
        "given": ["မောင်မောင်", "အောင်ကျော်", "သီတာ", "နန္ဒာ", "ဇော်ဇော်", "မြတ်နိုး", "ခင်ခင်", "ဝင်းနိုင်"],
    },
    "en": {
        "family": ["Chen", "Wong", "Li", "Zhang", "Lau", "Ng", "Ho", "Leung"],
        "given": ["Ethan", "Chloe", "Lucas", "Olivia", "Ryan", "Emily", "Nathan", "Sophie", "Kevin", "Grace"],
    },
}
CHINESE_FAMILY = ["陈", "林", "黄", "李", "王", "张", "刘", "杨", "吴", "周", "郑", "谢"]
CHINESE_GIVEN = ["明", "丽", "伟", "芳", "家豪", "欣怡", "子轩", "雨涵", "浩然", "思琪", "嘉怡", "俊杰", "美玲", "志强"]


# The camp's title and description in Lao and Burmese (a native speaker should review them).
CAMP_TITLE = {"lo": "ຄວາມຜູກພັນກັບຈີນ · ເລົ່າເລື່ອງໃຫ້ເຈົ້າຟັງ 2023", "my": "တရုတ်နှင့် ဆွေမျိုးသံယောဇဉ် · သင့်ကို ပုံပြင်ပြောပြမယ် 2023"}
CAMP_DESCRIPTION = {
    "lo": "ຄ່າຍລະດູຮ້ອນອອນລາຍສຳລັບເຍົາວະຊົນເຊື້ອສາຍຈີນໃນຕ່າງປະເທດ ຈັດໂດຍສະຫະພັນຊາວຈີນໂພ້ນທະເລທີ່ກັບຄືນປະເທດ ນະຄອນຜູ່ເອີ. ແຕ່ລະກຸ່ມມີແຜນການຮຽນສະເພາະຂອງຕົນ, ເນື້ອໃນຄອບຄຸມວັດທະນະທຳຈີນ, ມໍລະດົກໂລກ, ວັດທະນະທຳຊາຜູ່ເອີ, ການທ່ຽວຈີນອອນລາຍ, ການຊົມບົດກະວີ ແລະ ວັນນະຄະດີເອກ, ພ້ອມທັງມີຫ້ອງຮຽນສົດຂຽນພູ່ກັນຈີນ, ຕັດເຈ້ຍ ແລະ ການເຮັດຊາຜູ່ເອີ.",
    "my": "ဖူအာမြို့ ပြည်ပမှ ပြန်လာသော တရုတ်များ အဖွဲ့ချုပ်က ပြည်ပရောက် တရုတ်နွယ်ဖွား လူငယ်များအတွက် ကျင်းပသော အွန်လိုင်း နွေရာသီစခန်း ဖြစ်ပါသည်။ အဖွဲ့တစ်ဖွဲ့စီအတွက် သီးသန့် အစီအစဉ်ရှိပြီး တရုတ်ယဉ်ကျေးမှု၊ ကမ္ဘာ့အမွေအနှစ်၊ ဖူအာ လက်ဖက်ယဉ်ကျေးမှု၊ တရုတ်ပြည် အွန်လိုင်း ခရီးစဉ်၊ ကဗျာ ခံစားလေ့လာခြင်းနှင့် ဂန္ထဝင်စာပေ သင်ခန်းစာများ ပါဝင်ပါသည်။ လက်ရေးလှ၊ စက္ကူညှပ်နှင့် ဖူအာ လက်ဖက်ခြောက် ပြုလုပ်ခြင်း တိုက်ရိုက်သင်ခန်းစာများလည်း ရှိပါသည်။",
}

def seed(stdout) -> None:
    rng = random.Random(2023)
    adults = {email: _adult(email, role, name, zone, lang) for email, role, name, zone, lang in ADULTS}
    organizer = adults["organizer@example.org"]
    camp, _created = Camp.objects.get_or_create(
        federation="普洱市侨联",
        year=2023,
        defaults={
            "organizer": organizer,
            "title": "亲情中华·为你讲故事 2023",
            "title_en": "Kinship with China: Stories for You 2023",
            "title_th": "ความผูกพันกับจีน: เรื่องเล่าเพื่อคุณ 2023",
            "title_lo": CAMP_TITLE["lo"],
            "title_my": CAMP_TITLE["my"],
            "description": "普洱市侨联面向海外华裔青少年举办的线上夏令营，一团一案，"
            "课程涵盖中华文化、世遗文化、普洱茶文化、云游中国、诗词赏析与经典名著，并开设书法、剪纸、普洱茶制作直播课堂。",
            "description_en": "The Pu'er Federation of Returned Overseas Chinese's online summer camp for "
            "overseas Chinese youth: one plan per group, with Chinese culture, world heritage, Pu'er tea, "
            "cloud tours of China, poetry and the classics, and live classes in calligraphy, paper-cutting "
            "and tea making.",
            "description_lo": CAMP_DESCRIPTION["lo"],
            "description_my": CAMP_DESCRIPTION["my"],
            "home_time_zone": "Asia/Shanghai",
            "languages": ["zh-hans", "en", "th", "lo", "my"],
            "completion_threshold": 80,
        },
    )
    today = timezone.localdate()
    phases = {}
    for number, offset in PHASE_OFFSETS.items():
        starts_on = today + datetime.timedelta(days=offset)
        phase, _created = Phase.objects.update_or_create(
            camp=camp,
            number=number,
            defaults={
                "starts_on": starts_on,
                "ends_on": starts_on + datetime.timedelta(days=PHASE_LENGTH_DAYS - 1),
                "enrollment_opens": starts_on - datetime.timedelta(days=45),
                "enrollment_closes": starts_on - datetime.timedelta(days=5),
                "capacity": PHASE_CAPACITY[number],
                "min_age": 8,
                "max_age": 18,
            },
        )
        phases[number] = phase

    youth_total = 0
    withdrawn_one = False
    for (name, institution, country, zone, languages, level, (age_min, age_max), hours, coordinator_email,
         phase_number, youth_count, status, script) in GROUPS:
        group, _created = Group.objects.get_or_create(
            camp=camp,
            name=name,
            defaults={
                "institution": institution,
                "country": country,
                "time_zone": zone,
                "languages": languages,
                "chinese_level": level,
                "age_min": age_min,
                "age_max": age_max,
                "available_hours": hours,
            },
        )
        group.coordinators.add(adults[coordinator_email])
        phase = phases[phase_number]
        decided_at = timezone.make_aware(
            datetime.datetime.combine(phase.enrollment_closes, datetime.time(10, 0))
        )
        Enrollment.objects.get_or_create(
            group=group,
            phase=phase,
            defaults={
                "status": status,
                "created_by": adults[coordinator_email],
                "submitted_at": decided_at - datetime.timedelta(days=7),
                "decided_by": organizer,
                "decided_at": decided_at,
                "reason": "" if status == Enrollment.Status.APPROVED else "第三期名额已满，有空位时优先安排。",
            },
        )
        if not group.participants.exists():
            _roster(rng, group, phase, youth_count, script, adults[coordinator_email], decided_at)
            _guardian_consent(rng, group, adults[coordinator_email], decided_at, withdraw=not withdrawn_one)
            withdrawn_one = withdrawn_one or youth_count >= 30
        if status == Enrollment.Status.APPROVED:
            youth_total += youth_count
            _youth_accounts(group, organizer)
    stdout.write(f"camp: {camp.title}, {len(phases)} phases, {len(GROUPS)} groups, {youth_total} youth approved")


def _guardian_consent(rng, group, coordinator, consent_at, *, withdraw: bool) -> None:
    """Consent as issue #17 keeps it: about half the guardians answered on their own link (all items,
    some declining the camera or the camp-wide showcase), the others signed paper the coordinator
    recorded (participation only); in the first big group one guardian withdrew and one asked a question.
    Written in bulk before the accounts exist, so the demo's fixed join codes still go to the first youth."""
    from camp.models import ConsentDecision, ConsentItem, GuardianMessage
    from camp.services.consent import consent_version_current, guardian_links_for_group

    version = consent_version_current()
    guardian_links_for_group(by=coordinator, group=group)
    consented = list(group.participants.filter(consent_given=True).order_by("pk"))
    decisions, by_link = [], []
    for index, participant in enumerate(consented):
        if index % 2:
            by_link.append(participant)
            for item in ConsentItem.values:
                agreed = not (item == "showcase_camp" and rng.random() < 0.3) and not (
                    item == "camera" and rng.random() < 0.15)
                decisions.append(ConsentDecision(participant=participant, version=version, item=item, agreed=agreed,
                                                 decided_at=consent_at, source=ConsentDecision.Source.GUARDIAN_LINK))
        else:
            decisions.append(ConsentDecision(participant=participant, version=version, item="participation",
                                             agreed=True, decided_at=consent_at, source=ConsentDecision.Source.PAPER,
                                             recorded_by=coordinator, method=Participant.ConsentMethod.PAPER))
    Participant.objects.filter(pk__in=[p.pk for p in by_link]).update(
        consent_method=Participant.ConsentMethod.GUARDIAN_LINK, consent_recorded_by=None)
    if withdraw and len(by_link) >= 2:
        gone = by_link[-1]
        later = consent_at + datetime.timedelta(days=2)
        decisions += [ConsentDecision(participant=gone, version=version, item=item, agreed=False, decided_at=later,
                                      source=ConsentDecision.Source.GUARDIAN_LINK, withdrawal=True)
                      for item in ConsentItem.values]
        Participant.objects.filter(pk=gone.pk).update(consent_given=False, consent_at=None, consent_method="")
        GuardianMessage.objects.create(participant=by_link[-2], body="老师好，请问第一节课需要准备什么材料？谢谢！")
    ConsentDecision.objects.bulk_create(decisions, batch_size=500)


def _youth_accounts(group, organizer) -> None:
    """Accounts and join codes for the consented youth, the way an approval makes them."""
    from camp.services.join import youth_accounts_issue

    codes = {}
    fixed = DEMO_YOUTH_CODES.get(group.name)
    if fixed and not JoinCode.objects.filter(code=fixed).exists():
        first = group.participants.filter(consent_given=True, user__isnull=True).order_by("pk").first()
        if first is not None:
            codes[first.pk] = fixed
    youth_accounts_issue(group=group, issued_by=organizer, codes=codes)


def _adult(email, role, display_name, zone, language) -> User:
    user, created = User.objects.get_or_create(
        username=email,
        defaults={
            "email": email,
            "role": role,
            "display_name": display_name,
            "time_zone": zone,
            "preferred_language": language,
            "is_confirmed": True,
            "is_staff": role == User.Role.ORGANIZER,
            "is_superuser": role == User.Role.ORGANIZER,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def _roster(rng, group, phase, count, script, coordinator, consent_at) -> None:
    names = NAMES[script]
    # A few youth in the bigger groups still lack their guardian's consent.
    missing_consent = set(rng.sample(range(count), 3)) if count >= 30 else set()
    participants = []
    for index in range(count):
        age = rng.randint(group.age_min, group.age_max)
        consent = index not in missing_consent
        family = rng.choice(names["family"])
        # Most Burmese names are one name (camp/names.py): two youth in three have no family name;
        # the others keep the Chinese surname their family still uses. (Drawn either way: the
        # random stream, and so the rest of the demo, stays the same.)
        own_family = "" if script == "my" and index % 3 else family
        participants.append(
            Participant(
                group=group,
                family_name=own_family,
                given_name=rng.choice(names["given"]),
                chinese_name=rng.choice(CHINESE_FAMILY) + rng.choice(CHINESE_GIVEN),
                birth_year=phase.starts_on.year - age,
                gender=rng.choice(["f", "m"]),
                preferred_language=script if script != "en" else "en",
                chinese_level=group.chinese_level,
                guardian_name=f"{family} ({rng.choice(['父亲', '母亲', '祖母'])})",
                guardian_contact=f"+{rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
                consent_given=consent,
                consent_at=consent_at if consent else None,
                consent_recorded_by=coordinator if consent else None,
                consent_method=Participant.ConsentMethod.PAPER if consent else "",
            )
        )
    Participant.objects.bulk_create(participants)
