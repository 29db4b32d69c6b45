"""Self-study and recorded lessons count: a youth marks such a class done (or the page sees its video
played to the end), and answers a lesson's quiz (auto-marked, retries allowed, the best score kept)."""

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from activities.access import can_edit_quiz, items_for_youth, require_youth
from activities.models import SELF_PACED_FORMATS, ItemDone, Quiz, QuizAttempt
from camp.errors import DomainError
from camp.models import LANGUAGE_CODES, Participant
from courses.models import Lesson, PlanItem

SOURCE_LANGUAGE = "zh-hans"


@transaction.atomic
def item_mark_done(*, by, participant: Participant, item: PlanItem, watched: bool = False) -> ItemDone:
    """The youth finished a self-study or recorded-video class of their plan (once; again is a no-op)."""
    require_youth(by, participant)
    if not items_for_youth(participant).filter(pk=item.pk).exists():
        raise DomainError(_("This class is not in your plan."), code="not_in_plan")
    if item.lesson.format not in SELF_PACED_FORMATS:
        raise DomainError(_("Only self-study and recorded lessons are marked done."), code="format")
    how = ItemDone.How.WATCHED if watched else ItemDone.How.MARKED
    done, _created = ItemDone.objects.get_or_create(
        participant=participant, plan_item=item, defaults={"how": how}
    )
    return done


# --- Quizzes ------------------------------------------------------------------------------------


def parse_quiz_text(text: str) -> list[tuple[str, list[str], int | None]]:
    """A teacher's quiz as plain text: questions apart by a blank line, the question first, then one
    choice a line, the right one starting with "*" and the others with "-"."""
    questions = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        question, choices, answer = lines[0], [], None
        for line in lines[1:]:
            if line[0] not in "*-":
                raise DomainError(
                    _("Start each choice with * (the right one) or - (a wrong one)."), code="syntax"
                )
            if line[0] == "*":
                if answer is not None:
                    raise DomainError(_("Mark one right choice (*) in each question."), code="syntax")
                answer = len(choices)
            choices.append(line[1:].strip())
        questions.append((question, choices, answer))
    return questions


def quiz_text(quiz: Quiz | None, language: str) -> str:
    """The quiz in one language as the teacher writes it (for the edit form)."""
    if quiz is None:
        return ""
    blocks = []
    for question in quiz.questions:
        lines = [question["text"].get(language, "")]
        for index, choice in enumerate(question["choices"]):
            lines.append(("* " if index == question["answer"] else "- ") + choice.get(language, ""))
        if language == SOURCE_LANGUAGE or any(line.strip("*- ") for line in lines):
            blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def build_questions(texts: dict[str, str]) -> list[dict]:
    """The quiz's questions from its text per language: zh-hans (the source) sets the questions and
    the right answers; another language, when written, must have the same questions and choices."""
    source = parse_quiz_text(texts.get(SOURCE_LANGUAGE, ""))
    if not source:
        raise DomainError({"text_zh_hans": _("Write the quiz in Chinese first.")}, code="required")
    questions = []
    for text, choices, answer in source:
        if answer is None or not 2 <= len(choices) <= 6 or not all(choices):
            raise DomainError(
                {"text_zh_hans": _("Each question needs 2 to 6 choices, one of them marked right with *.")},
                code="shape",
            )
        questions.append(
            {
                "text": {SOURCE_LANGUAGE: text},
                "choices": [{SOURCE_LANGUAGE: c} for c in choices],
                "answer": answer,
            }
        )
    for code in LANGUAGE_CODES:
        if code == SOURCE_LANGUAGE or not texts.get(code, "").strip():
            continue
        field = f"text_{code.replace('-', '_')}"
        translated = parse_quiz_text(texts[code])
        if [len(c) for _t, c, _a in translated] != [len(c) for _t, c, _a in source] or any(
            a != s[2] for (_t, _c, a), s in zip(translated, source, strict=True)
        ):
            raise DomainError(
                {
                    field: _(
                        "Translate the same questions and choices, in the same order, the same one right."
                    )
                },
                code="shape",
            )
        for question, (text, choices, _answer) in zip(questions, translated, strict=True):
            question["text"][code] = text
            for choice, choice_text in zip(question["choices"], choices, strict=True):
                choice[code] = choice_text
    return questions


@transaction.atomic
def quiz_save(*, by, lesson: Lesson, texts: dict[str, str]) -> Quiz:
    """Write (or rewrite) a lesson's quiz from its text per language."""
    if not can_edit_quiz(by, lesson):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    questions = build_questions(texts)
    quiz = Quiz.objects.filter(lesson=lesson).first() or Quiz(lesson=lesson)
    quiz.questions, quiz.updated_by = questions, by
    quiz.full_clean()
    quiz.save()
    return quiz


def localized(text: dict, language: str) -> str:
    """A question's or choice's text in the reader's language, else the source's."""
    return text.get(language) or text.get(SOURCE_LANGUAGE) or next(iter(text.values()), "")


def parse_answers(quiz: Quiz, data) -> list[int]:
    """One chosen index per question from the form (`q0`, `q1`, …); anything else is refused."""
    answers = []
    for number, question in enumerate(quiz.questions):
        raw = data.get(f"q{number}", "")
        if not isinstance(raw, str) or not raw.isdigit() or int(raw) >= len(question["choices"]):
            raise DomainError(_("Answer every question (one choice each)."), code="answers")
        answers.append(int(raw))
    return answers


@transaction.atomic
def quiz_answer(*, by, participant: Participant, item: PlanItem, answers: list[int]) -> QuizAttempt:
    """Mark one try at the quiz of a class of the youth's plan."""
    require_youth(by, participant)
    if not items_for_youth(participant).filter(pk=item.pk).exists():
        raise DomainError(_("This class is not in your plan."), code="not_in_plan")
    quiz = Quiz.objects.filter(lesson=item.lesson_id).first()
    if quiz is None:
        raise DomainError(_("This lesson has no quiz."), code="no_quiz")
    questions = quiz.questions
    if len(answers) != len(questions) or not all(
        type(a) is int and 0 <= a < len(q["choices"]) for a, q in zip(answers, questions, strict=False)
    ):
        raise DomainError(_("Answer every question (one choice each)."), code="answers")
    score = sum(1 for a, q in zip(answers, questions, strict=True) if a == q["answer"])
    return QuizAttempt.objects.create(
        quiz=quiz, participant=participant, answers=answers, score=score, total=len(questions)
    )


def best_scores(participant: Participant) -> dict[int, int]:
    """The youth's best score per quiz (by lesson id)."""
    rows = (
        QuizAttempt.objects.filter(participant=participant)
        .values("quiz__lesson_id")
        .annotate(best=Max("score"))
    )
    return {row["quiz__lesson_id"]: row["best"] for row in rows}


def progress_for(participant: Participant) -> dict:
    """The youth's way through their plan: self-paced classes done of all, quizzes and best scores."""
    items = list(
        items_for_youth(participant).select_related("lesson", "lesson__quiz").order_by("starts_at", "pk")
    )
    done = set(ItemDone.objects.filter(participant=participant).values_list("plan_item_id", flat=True))
    best = best_scores(participant)
    self_paced = [item for item in items if item.lesson.format in SELF_PACED_FORMATS]
    with_quiz = [item for item in items if hasattr(item.lesson, "quiz")]
    return {
        "items": self_paced,
        "done_ids": done,
        "done": sum(1 for item in self_paced if item.pk in done),
        "total": len(self_paced),
        "quiz_rows": [(item, best.get(item.lesson_id)) for item in with_quiz],
        "best": best,
        "quizzes_taken": sum(1 for item in with_quiz if item.lesson_id in best),
        "item_ids": {item.pk for item in items},
        "quiz_lesson_ids": {item.lesson_id for item in with_quiz},
    }
