"""The 优秀营员 certificate prints the youth's camp life in the phase (attended classes, check-ins,
homework accepted, showcase pieces, self-study done, quizzes), copied when it is issued; read back
with pdftotext."""

import datetime
import re
import subprocess

import pytest
from django.utils import timezone

from activities.models import ItemDone, Quiz, QuizAttempt
from courses.models import Lesson
from reports import pdf, services
from reports.models import Certificate
from tests import factories
from tests.reports.test_pdf import certificate

FIGURES = {
    "attended": 4,
    "held": 4,
    "checkins": 12,
    "prompt_days": 14,
    "homework_accepted": 3,
    "homework_assigned": 5,
    "showcase": 2,
    "self_study_done": 6,
    "self_study_due": 7,
    "quizzes_answered": 2,
    "quizzes_available": 3,
    "quiz_average": 87.5,
}


def pdftotext(data: bytes, tmp_path, *options: str) -> str:
    path = tmp_path / "c.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", *options, str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.poppler
@pytest.mark.parametrize(
    "language, local",
    [
        ("th", "เรียนสด4/4ครั้ง"),
        ("lo", "ຮຽນສົດ4/4ຄັ້ງ"),
        ("my", "တိုက်ရိုက်သင်ခန်းစာ4/4"),
        ("zh-hans", None),
    ],
)
def test_the_outstanding_certificate_prints_the_figures(tmp_path, language, local):
    data = pdf.certificate_pdf(
        certificate(language, kind="outstanding", citation="书法作品优秀", figures=FIGURES)
    )
    text = squeezed(pdftotext(data, tmp_path))
    for part in (
        "出勤4/4节",
        "打卡12/14天",
        "作业通过3/5份",
        "作品展示2件",
        "自学完成6/7节",
        "测验2/3个，平均87.5%",
    ):
        assert part in text, part
    if local:
        assert local in text
    else:
        assert "Liveclasses" not in text  # a Chinese-speaking youth gets Chinese only
    # Inside the frame, below the citation and above the issuer's line.
    width, height = pdf.PAGE
    boxes = re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
        pdftotext(data, tmp_path, "-bbox"),
    )
    line = [b for b in boxes if "打卡" in b[4] or "出勤" in b[4]]
    assert line
    for x0, y0, x1, y1, word in boxes:
        assert 34 <= float(x0) and float(x1) <= width - 34 and 34 <= float(y0) and float(y1) <= height - 34, (
            word
        )
    citation_bottom = max(float(b[3]) for b in boxes if "书法作品优秀" in b[4])
    issued_top = min(float(b[1]) for b in boxes if "普洱市侨联" in b[4] and float(b[1]) > height / 2)
    for _x0, y0, _x1, y1, word in line:
        assert citation_bottom <= float(y0) + 2 and float(y1) <= issued_top + 2, word


@pytest.mark.poppler
def test_no_figures_on_a_completion_or_an_older_certificate(tmp_path):
    completion = squeezed(pdftotext(pdf.certificate_pdf(certificate("th", figures=FIGURES)), tmp_path))
    older = squeezed(
        pdftotext(pdf.certificate_pdf(certificate("th", kind="outstanding", citation="好")), tmp_path)
    )
    assert "打卡" not in completion and "打卡" not in older
    none_answered = {**FIGURES, "quizzes_answered": 0, "quiz_average": None}
    text = squeezed(
        pdftotext(pdf.certificate_pdf(certificate("th", kind="outstanding", figures=none_answered)), tmp_path)
    )
    assert "测验0/3个，平均—%" in text or "测验0/3个，平均—" in text


@pytest.mark.django_db
def test_issuing_copies_the_phase_figures(world, delivered):
    now = timezone.now()
    plan = factories.plan_of(world.group, delivered.phase)
    start = datetime.datetime.combine(delivered.phase.starts_on, datetime.time(9), tzinfo=datetime.UTC)
    study = factories.plan_item(
        plan, factories.lesson("书法自学", 30, format=Lesson.Format.SELF_STUDY), start
    )
    factories.plan_item(plan, factories.lesson("茶艺录播", 20, format=Lesson.Format.VIDEO), start)
    quiz = Quiz.objects.create(
        lesson=study.lesson,
        questions=[
            {"text": {"zh-hans": "几笔？"}, "choices": [{"zh-hans": "五"}, {"zh-hans": "八"}], "answer": 0}
        ]
        * 2,
    )
    ItemDone.objects.create(participant=delivered.thai, plan_item=study)
    QuizAttempt.objects.create(quiz=quiz, participant=delivered.thai, answers=[0, 1], score=1, total=2)
    services.nomination_set(
        participant=delivered.thai, phase=delivered.phase, citation="进步很快", by=world.teacher
    )
    services.certificates_issue(group=world.group, phase=delivered.phase, by=world.organizer)
    outstanding = Certificate.objects.get(participant=delivered.thai, kind="outstanding")
    assert outstanding.figures == {
        "attended": 4,
        "held": 4,
        "checkins": 0,
        "prompt_days": 0,
        "homework_accepted": 0,
        "homework_assigned": 0,
        "showcase": 0,
        "self_study_done": 1,
        "self_study_due": 2,
        "quizzes_answered": 1,
        "quizzes_available": 1,
        "quiz_average": 50.0,
    }
    assert now < outstanding.issued_at
    # Later marks do not change what was issued; a reissue copies the figures of today.
    later = factories.plan_item(plan, factories.lesson("剪纸录播", 20, format=Lesson.Format.VIDEO), start)
    ItemDone.objects.create(participant=delivered.thai, plan_item=later)
    outstanding.refresh_from_db()
    assert outstanding.figures["self_study_done"] == 1
    new = services.certificate_reissue(certificate=outstanding, by=world.organizer, reason="补记自学")
    assert (new.figures["self_study_done"], new.figures["self_study_due"]) == (2, 3)
