"""The demo camp's bells: every coordinator hears of their groups' enrollment decisions, the demo
youth (code DEMO-YOUTH-01) and the teacher have unread news and something already read.

Seeded right after camp (courses' plans do not exist yet), so links go to pages by name. Each row
has a key: running seed_demo twice adds nothing.
"""

from django.urls import reverse
from django.utils import timezone

from camp.models import Enrollment, JoinCode, User
from notifications.models import Notification
from notifications.services import notifications_mark_mailed, notify

CHECKIN_PROMPT = {
    "zh-hans": "今天学到了什么？拍一张你的毛笔字。",
    "en": "What did you learn today? Show us your brush writing.",
    "th": "วันนี้เรียนอะไรบ้าง? ถ่ายรูปตัวอักษรพู่กันของคุณ",
    "lo": "ມື້ນີ້ຮຽນຫຍັງແດ່? ຖ່າຍຮູບຕົວອັກສອນພູ່ກັນຂອງເຈົ້າ",
    "my": "ဒီနေ့ ဘာသင်ခဲ့သလဲ။ သင့်စုတ်တံစာလုံးကို ဓာတ်ပုံရိုက်ပြပါ။",
}


def seed(stdout) -> None:
    count = 0
    for enrollment in Enrollment.objects.filter(decided_at__isnull=False).select_related("group", "phase"):
        # Camp mailed the decision itself: no digest repeats it (as notifications.signals does).
        decided = notifications_mark_mailed(
            notify(
                enrollment.group.coordinators.all(),
                "enrollment_decided",
                url=reverse("group_detail", args=[enrollment.group_id]),
                params={
                    "group": enrollment.group.name,
                    "number": enrollment.phase.number,
                    "status": enrollment.status,
                },
                key=f"demo:enrollment:{enrollment.pk}",
            )
        )
        count += decided
    code = JoinCode.objects.filter(code__iexact="DEMO-YOUTH-01").select_related("user").first()
    youth = [code.user] if code is not None else []
    home = reverse("home")
    count += len(
        notify(youth, "checkin_prompt", url=home, params={"prompt": CHECKIN_PROMPT}, key="demo:checkin")
    )
    read = notify(
        youth, "class_starting", url=home, params={"lesson": {"zh-hans": "云游长城"}}, key="demo:class"
    )
    count += len(read)
    group_names = {person.participant.group.name for person in youth}
    for name in group_names:
        count += len(notify(youth, "plan_changed", url=home, params={"group": name}, key="demo:plan"))
    teacher = User.objects.filter(email="teacher@example.org").first()
    if teacher is not None:
        for name in group_names:
            count += len(
                notify(
                    [teacher],
                    "plan_changed",
                    url=reverse("courses:plan_list"),
                    params={"group": name},
                    key="demo:plan",
                )
            )
    Notification.objects.filter(pk__in=[row.pk for row in read], read_at=None).update(read_at=timezone.now())
    stdout.write(f"notifications: {Notification.objects.count()} in the bells ({count} from the demo)")
