"""Camp-life pages: thin views over activities.access and activities.services."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from activities import access
from activities.forms import (
    AssignmentForm,
    CheckInForm,
    HandInForm,
    ModerateForm,
    PieceForm,
    PromptForm,
    QuizForm,
    ReviewForm,
)
from activities.models import (
    SELF_PACED_FORMATS,
    Assignment,
    CheckIn,
    CheckInPrompt,
    ItemDone,
    Quiz,
    QuizAttempt,
    Reaction,
    Submission,
)
from activities.services import checkins, homework, progress
from activities.services import reactions as reaction_services
from activities.services import showcase as showcase_services
from activities.services.uploads import local_day
from camp.errors import back_url, error_redirect, form_error
from camp.models import LANGUAGE_CODES


@login_required
@require_http_methods(["GET", "POST"])
def checkin(request):
    """The youth's check-in of today (their group's day), their streak and their past answers."""
    participant = access.youth_participant(request.user)
    today = local_day(participant)
    done = CheckIn.objects.filter(participant=participant, day=today).first()
    form = CheckInForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            checkins.checkin_submit(
                by=request.user,
                participant=participant,
                text=form.cleaned_data["text"],
                photo=form.cleaned_data["photo"],
            )
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Checked in. See you tomorrow!"))
            return redirect("activities:checkin")
    return render(
        request,
        "activities/checkin.html",
        {
            "participant": participant,
            "today": today,
            "done": done,
            "form": form,
            "prompt": checkins.prompt_for(participant.group, today),
            "streak": checkins.participant_streak(participant),
            "past": CheckIn.objects.filter(participant=participant)
            .exclude(day=today)
            .select_related("prompt")[:14],
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def group_checkins(request, pk):
    """Who of the group has (not) checked in today, for its coordinators and teachers."""
    group = access.get_group_for_checkins(request.user, pk)
    today, rows = checkins.group_checkins_today(group)
    return render(
        request,
        "activities/group_checkins.html",
        {
            "group": group,
            "today": today,
            "rows": rows,
            "missing": sum(1 for row in rows if not row["done"]),
            "prompt": checkins.prompt_for(group, today),
            "may_set_prompts": access.can_moderate_group(request.user, group),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def prompts(request, pk):
    group = access.get_group_for_prompts(request.user, pk)
    today = timezone.localdate(timezone=group.zone)
    form = PromptForm(request.POST or None, initial={"day": today})
    if not request.user.is_organizer:
        del form.fields["whole_phase"]
    if request.method == "POST" and form.is_valid():
        try:
            checkins.checkin_prompt_set(
                by=request.user,
                group=group,
                day=form.cleaned_data["day"],
                text=form.cleaned_data["text"],
                whole_phase=form.cleaned_data.get("whole_phase", False),
            )
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("The question of the day is saved."))
            return redirect("activities:prompts", pk=group.pk)
    phase = checkins.group_phase_on(group, today)
    listed = CheckInPrompt.objects.filter(group=group) | CheckInPrompt.objects.filter(group=None, phase=phase)
    return render(
        request,
        "activities/prompts.html",
        {
            "group": group,
            "form": form,
            "today": today,
            "prompts": listed.order_by("day", "group"),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def homework_list(request):
    """A youth's homework with its state (teachers have their review queue)."""
    participant = access.youth_participant(request.user)
    assignments = access.assignments_for_youth(participant).select_related("plan_item__lesson")
    states = dict(Submission.objects.filter(participant=participant).values_list("assignment", "state"))
    rows = [(a, states.get(a.pk)) for a in assignments]
    return render(
        request,
        "activities/homework_list.html",
        {"rows": rows, "now": timezone.now(), "participant": participant},
    )


def _assignment_context(request, assignment: Assignment, form=None) -> dict:
    context = {"assignment": assignment, "group": assignment.plan_item.plan.group, "now": timezone.now()}
    if request.user.is_youth:
        participant = access.youth_participant(request.user)
        submission = Submission.objects.filter(assignment=assignment, participant=participant).first()
        context.update(
            submission=submission,
            rounds=submission.rounds.select_related("upload") if submission else [],
            form=form or HandInForm(),
            may_hand_in=submission is None or submission.state == Submission.State.RETURNED,
        )
    else:
        context["submissions"] = assignment.submissions.select_related("participant").order_by("participant")
        context["may_edit"] = True
    return context


@login_required
@require_GET
def assignment_detail(request, pk):
    assignment = access.get_assignment_for_user(request.user, pk)
    return render(request, "activities/assignment_detail.html", _assignment_context(request, assignment))


@login_required
@require_POST
def hand_in(request, pk):
    assignment = access.get_assignment_for_user(request.user, pk)
    participant = access.youth_participant(request.user)
    form = HandInForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            homework.hand_in(
                by=request.user,
                participant=participant,
                assignment=assignment,
                text=form.cleaned_data["text"],
                file=form.cleaned_data["file"],
            )
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Handed in. Your teacher will look at it."))
            return redirect("activities:assignment_detail", pk=assignment.pk)
    return render(
        request,
        "activities/assignment_detail.html",
        _assignment_context(request, assignment, form),
        status=400,
    )


@login_required
@require_http_methods(["GET", "POST"])
def assignment_edit(request, item_pk):
    item = access.get_item_for_assignment(request.user, item_pk)
    group = item.plan.group
    existing = Assignment.objects.filter(plan_item=item).first()
    initial = {
        "kinds": ["photo"],
        "due_date": timezone.localtime(item.ends_at + datetime.timedelta(days=1), group.zone).date(),
    }
    if existing:
        due = timezone.localtime(existing.due_at, group.zone)
        initial = {
            "instructions": existing.instructions,
            "kinds": existing.kinds,
            "due_date": due.date(),
            "due_time": due.time().replace(second=0, microsecond=0),
        }
    form = AssignmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            assignment = homework.assignment_save(
                by=request.user,
                item=item,
                due_local=form.due_local(),
                instructions=form.cleaned_data["instructions"],
                kinds=form.cleaned_data["kinds"],
            )
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("The homework is saved."))
            return redirect("activities:assignment_detail", pk=assignment.pk)
    return render(
        request,
        "activities/assignment_form.html",
        {"item": item, "group": group, "form": form, "assignment": existing},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def review_queue(request):
    if not (request.user.is_teacher or request.user.is_organizer):
        raise PermissionDenied
    return render(
        request,
        "activities/review_queue.html",
        {
            "queue": homework.review_queue(request.user),
            "now": timezone.now(),
            "groups": access.moderated_groups(request.user).select_related("camp"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def submission_review(request, pk):
    submission = access.get_submission_for_review(request.user, pk)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            homework.hand_in_review(by=request.user, submission=submission, **form.cleaned_data)
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Saved. The youth sees your answer on their homework page."))
            return redirect("activities:review_queue")
    return render(
        request,
        "activities/submission_review.html",
        {
            "submission": submission,
            "rounds": submission.rounds.select_related("upload", "reviewed_by"),
            "form": form,
            "assignment": submission.assignment,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def showcase(request):
    pieces = access.showcase_for_user(request.user)
    moderator_groups = set(access.moderated_groups(request.user).values_list("pk", flat=True))
    viewer = access.participant_for_youth_or_none(request.user) if request.user.is_youth else None
    reactions = reaction_services.reactions_for(pieces, viewer_participant=viewer, moderated=moderator_groups)
    for piece in pieces:
        piece.reaction_view = reactions[piece.pk]
        piece.may_react = (
            viewer is not None
            and piece.participant_id != viewer.pk
            and piece.state == "approved"
            and piece.reactions_on
        )
    return render(
        request,
        "activities/showcase.html",
        {
            "pieces": pieces,
            "moderator_groups": moderator_groups,
            "may_add": viewer is not None,
        },
    )


def _to_piece(piece) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{reverse('activities:showcase')}#piece-{piece.pk}")


@login_required
@require_POST
def piece_react(request, pk):
    """A youth's reaction to another youth's shown work; the reaction they already gave takes it back."""
    participant, piece = access.get_piece_for_reaction(request.user, pk)
    emoji = request.POST.get("emoji", "")
    mine = (
        Reaction.objects.filter(piece=piece, participant=participant).values_list("emoji", flat=True).first()
    )
    try:
        if emoji and emoji == mine:
            reaction_services.reaction_remove(by=request.user, participant=participant, piece=piece)
        else:
            reaction_services.reaction_set(by=request.user, participant=participant, piece=piece, emoji=emoji)
    except ValidationError as error:
        return error_redirect(request, error, "activities:showcase")
    return _to_piece(piece)


@login_required
@require_POST
def piece_reactions(request, pk):
    """A moderator turns the reactions of one piece on or off."""
    piece = access.get_piece_for_moderation(request.user, pk)
    on = request.POST.get("on")
    if on not in ("0", "1"):
        return error_redirect(request, _("Choose: reactions on or off."), "activities:showcase")
    reaction_services.piece_reactions_switch(by=request.user, piece=piece, on=on == "1")
    return _to_piece(piece)


@login_required
@require_http_methods(["GET", "POST"])
def piece_add(request):
    participant = access.youth_participant(request.user)
    form = PieceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            showcase_services.piece_submit(by=request.user, participant=participant, **form.cleaned_data)
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Sent. A teacher looks at it before anybody else sees it."))
            return redirect("activities:showcase")
    return render(request, "activities/piece_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_POST
def piece_moderate(request, pk):
    piece = access.get_piece_for_moderation(request.user, pk)
    form = ModerateForm(request.POST)
    if not form.is_valid():
        return error_redirect(request, _("Choose: show or hide."), "activities:showcase")
    try:
        showcase_services.piece_moderate(by=request.user, piece=piece, action=form.cleaned_data["action"])
    except ValidationError as error:
        return error_redirect(request, error, "activities:showcase")
    return redirect("activities:showcase")


def _serve(field, content_type: str):
    try:
        handle = field.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    # A child's photo is nobody's cache's business.
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = "inline"
    return response


@login_required
@require_GET
def upload_file(request, pk):
    upload = access.get_upload_for_user(request.user, pk)
    return _serve(upload.file, upload.content_type)


@login_required
@require_GET
def upload_thumbnail(request, pk):
    upload = access.get_upload_for_user(request.user, pk)
    if not upload.thumbnail:
        raise Http404
    return _serve(upload.thumbnail, "image/jpeg")


# --- Self-study, recorded lessons and quizzes ---------------------------------------------------

VIDEO_EXTENSIONS = (".mp4", ".webm", ".mov", ".m4v")


@login_required
@require_GET
def study(request):
    """The youth's way through their plan: self-study and recorded classes, quizzes, best scores."""
    participant = access.youth_participant(request.user)
    return render(
        request, "activities/study.html", {"participant": participant, **progress.progress_for(participant)}
    )


def _quiz_view(quiz, language: str) -> list[dict]:
    return [
        {
            "number": number,
            "text": progress.localized(question["text"], language),
            "choices": [progress.localized(choice, language) for choice in question["choices"]],
        }
        for number, question in enumerate(quiz.questions)
    ]


@login_required
@require_GET
def study_item(request, item_pk):
    """One class of the youth's plan to work through: its lesson, its video, done, its quiz."""
    participant, item = access.get_item_for_youth(request.user, item_pk)
    lesson = item.lesson
    quiz = Quiz.objects.filter(lesson=lesson).first()
    attempts = list(QuizAttempt.objects.filter(participant=participant, quiz=quiz)[:10]) if quiz else []
    videos = [
        attachment
        for attachment in lesson.attachments.all()
        if attachment.file.name.lower().endswith(VIDEO_EXTENSIONS)
    ]
    return render(
        request,
        "activities/study_item.html",
        {
            "participant": participant,
            "item": item,
            "lesson": lesson,
            "self_paced": lesson.format in SELF_PACED_FORMATS,
            "done": ItemDone.objects.filter(participant=participant, plan_item=item).first(),
            "videos": videos,
            "quiz": quiz,
            "questions": _quiz_view(quiz, request.LANGUAGE_CODE) if quiz else [],
            "attempts": attempts,
            "best": max((a.score for a in attempts), default=None),
        },
    )


@login_required
@require_POST
def item_done(request, item_pk):
    """Mark a self-study or recorded class done (the video's `ended` event posts watched=1)."""
    participant, item = access.get_item_for_youth(request.user, item_pk)
    try:
        progress.item_mark_done(
            by=request.user, participant=participant, item=item, watched=request.POST.get("watched") == "1"
        )
    except ValidationError as error:
        return error_redirect(request, error, "activities:study_item", item_pk=item.pk)
    messages.success(request, _("Well done: this class counts as done."))
    # Back to where the button was: the class's page, "My camp" or the plan.
    return HttpResponseRedirect(back_url(request, "activities:study_item", item_pk=item.pk))


@login_required
@require_POST
def quiz_answer(request, item_pk):
    """Mark one try at the class's quiz at once; retries are welcome, the best score counts."""
    participant, item = access.get_item_for_youth(request.user, item_pk)
    quiz = Quiz.objects.filter(lesson=item.lesson_id).first()
    if quiz is None:
        raise Http404
    try:
        attempt = progress.quiz_answer(
            by=request.user,
            participant=participant,
            item=item,
            answers=progress.parse_answers(quiz, request.POST),
        )
    except ValidationError as error:
        return error_redirect(request, error, "activities:study_item", item_pk=item.pk)
    messages.success(
        request,
        _("%(score)s of %(total)s right.") % {"score": attempt.score, "total": attempt.total},
    )
    return redirect("activities:study_item", item_pk=item.pk)


@login_required
@require_http_methods(["GET", "POST"])
def quiz_edit(request, pk):
    """The teacher writes a lesson's quiz, one text box per language."""
    lesson = access.get_lesson_for_quiz(request.user, pk)
    quiz = Quiz.objects.filter(lesson=lesson).first()
    initial = {f"text_{code.replace('-', '_')}": progress.quiz_text(quiz, code) for code in LANGUAGE_CODES}
    form = QuizForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            progress.quiz_save(by=request.user, lesson=lesson, texts=form.texts())
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("The quiz is saved."))
            return redirect("activities:quiz_edit", pk=lesson.pk)
    return render(
        request,
        "activities/quiz_form.html",
        {"lesson": lesson, "quiz": quiz, "form": form},
        status=400 if form.errors else 200,
    )
