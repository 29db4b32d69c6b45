"""Catalog, plan builder, plan pages and calendar feeds. Thin: access helper, form, one service call."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from camp.access import get_group_for_user, participant_for_youth, visible_groups
from camp.errors import error_messages, error_redirect, form_error
from courses import access, selectors
from courses.forms import (
    CatalogFilterForm,
    GroupInterestsForm,
    ItemAddForm,
    ItemUpdateForm,
    LessonAttachmentForm,
    LessonForm,
    PlanCopyForm,
    PlanCreateForm,
    PlanTemplateForm,
    ProposeForm,
    ReturnForm,
    TeacherHoursForm,
    TemplateFromPlanForm,
    TemplateItemForm,
    UnpublishForm,
    teachers,
)
from courses.models import CalendarFeed, Lesson, Plan, PlanTemplate, TeacherProfile
from courses.services import feeds, plans
from courses.services import lessons as lesson_services
from courses.services import templates as template_services
from courses.services.conflicts import conflict_count, plan_conflicts
from courses.services.interests import group_interests_set
from courses.services.lessons import attachment_content_type, lesson_save
from courses.services.scheduling import BEIJING, describe_hours, teacher_work_hours


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _pinyin(request) -> bool:
    return request.GET.get("pinyin") == "1"


def _require_builder(user) -> None:
    if not access.can_build_plans(user):
        raise PermissionDenied


# --- Catalog -----------------------------------------------------------------------------------------------


def _filtered_lessons(queryset, form: CatalogFilterForm, group=None):
    if not form.is_valid():
        return queryset
    data = form.cleaned_data
    if data.get("q"):
        q = data["q"]
        queryset = queryset.filter(
            Q(title_zh_hans__icontains=q) | Q(title_en__icontains=q) | Q(title_th__icontains=q)
            | Q(summary_zh_hans__icontains=q) | Q(summary_en__icontains=q) | Q(topics__name_zh_hans__icontains=q)
            | Q(topics__name_en__icontains=q)
        ).distinct()
    if data.get("topic"):
        queryset = queryset.filter(topics=data["topic"])
    if data.get("format"):
        queryset = queryset.filter(format=data["format"])
    if data.get("level"):
        queryset = queryset.filter(chinese_level=data["level"])
    if data.get("fits") and group is not None:
        from camp.models import CHINESE_LEVEL_ORDER

        levels = [level for level, order in CHINESE_LEVEL_ORDER.items()
                  if order <= CHINESE_LEVEL_ORDER[group.chinese_level]]
        queryset = queryset.filter(age_min__lte=group.age_min, age_max__gte=group.age_max, chinese_level__in=levels)
    return queryset


@login_required
@require_GET
def lesson_list(request):
    if request.user.is_youth:
        raise PermissionDenied
    form = CatalogFilterForm(request.GET or None)
    lessons = _filtered_lessons(Lesson.objects.prefetch_related("topics"), form)
    return render(request, "courses/lesson_list.html", {
        "form": form, "lessons": lessons, "can_write": access.can_write_lessons(request.user),
    })


@login_required
@require_GET
def lesson_detail(request, pk):
    lesson = access.get_lesson_for_user(request.user, pk)
    return _lesson_detail(request, lesson)


def _lesson_detail(request, lesson: Lesson, attachment_form: LessonAttachmentForm | None = None):
    can_write = access.can_edit_lesson(request.user, lesson)
    if attachment_form is None and can_write:
        attachment_form = LessonAttachmentForm()
    attachments = list(lesson.attachments.select_related("lesson").order_by("title", "pk"))
    for attachment in attachments:
        attachment.can_remove = access.can_remove_attachment(request.user, attachment)
    return render(request, "courses/lesson_detail.html", {
        "lesson": lesson, "pinyin": _pinyin(request), "attachments": attachments,
        "topics": list(lesson.topics.all()), "can_write": can_write, "attachment_form": attachment_form,
    })


@login_required
@require_POST
def lesson_attachment_add(request, pk):
    lesson = access.get_lesson_for_user(request.user, pk, write=True)
    form = LessonAttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachment = lesson_services.lesson_attachment_add(
                lesson=lesson, by=request.user, title=form.cleaned_data["title"], file=form.cleaned_data["file"])
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Attachment “%(title)s” added.") % {"title": attachment.title})
            return redirect("courses:lesson_detail", pk=lesson.pk)
    return _lesson_detail(request, lesson, attachment_form=form)


@login_required
@require_POST
def lesson_attachment_remove(request, pk, attachment_pk):
    attachment = access.get_attachment_for_user(request.user, pk, attachment_pk, remove=True)
    title = attachment.title
    lesson_services.lesson_attachment_remove(attachment=attachment, by=request.user)
    messages.success(request, _("Attachment “%(title)s” removed.") % {"title": title})
    return redirect("courses:lesson_detail", pk=pk)


@login_required
@require_GET
def attachment_download(request, pk, attachment_pk):
    """Attachments go through Django, not MEDIA_URL: media is not served in production, and a youth may
    only fetch files of lessons in their group's published plan."""
    attachment = access.get_attachment_for_user(request.user, pk, attachment_pk)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    name = attachment.file.name.rsplit("/", 1)[-1]
    response = FileResponse(handle, as_attachment=True, filename=name,
                            content_type=attachment_content_type(name))
    # Never let a browser guess a different type from the bytes.
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def lesson_create(request):
    if not access.can_write_lessons(request.user):
        raise PermissionDenied
    return _lesson_form(request, Lesson())


@login_required
@require_http_methods(["GET", "POST"])
def lesson_edit(request, pk):
    lesson = access.get_lesson_for_user(request.user, pk, write=True)
    return _lesson_form(request, lesson)


def _lesson_form(request, lesson: Lesson):
    form = LessonForm(request.POST if request.method == "POST" else None, instance=lesson)
    if request.method == "POST" and form.is_valid():
        lesson = form.save(commit=False)
        try:
            lesson = lesson_save(lesson=lesson, topics=list(form.cleaned_data["topics"]), by=request.user)
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Lesson saved."))
            return redirect("courses:lesson_detail", pk=lesson.pk)
    return render(request, "courses/lesson_form.html", {"form": form, "lesson": lesson})


# --- Plans: lists, creation, copies ---------------------------------------------------------------------


@login_required
@require_GET
def plan_list(request):
    user = request.user
    context = {"plans": list(selectors.plans_for_list(user)), "can_build": access.can_build_plans(user)}
    if access.can_build_plans(user):
        context["missing"] = list(selectors.enrollments_without_plan(user))
    if user.is_youth:
        participant = participant_for_youth(user)
        context["group"] = participant.group if participant else None
    return render(request, "courses/plan_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request):
    _require_builder(request.user)
    enrollments = selectors.enrollments_without_plan(request.user)
    initial = {"teacher": request.user.pk if request.user.is_teacher else None, "adapt": True}
    if request.GET.get("enrollment"):
        initial["enrollment"] = request.GET["enrollment"]
    form = PlanCreateForm(request.POST if request.method == "POST" else None, enrollments=enrollments, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        enrollment = data["enrollment"]
        try:
            if data["template"]:
                plan = plans.plan_create_from_template(
                    template=data["template"], group=enrollment.group, phase=enrollment.phase,
                    teacher=data["teacher"], created_by=request.user, start_on=data["start_on"], adapt=data["adapt"],
                )
            else:
                plan = plans.plan_create(group=enrollment.group, phase=enrollment.phase, created_by=request.user)
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Plan created. Check it, adjust it, and propose it."))
            waiting = plan.unscheduled.count()
            if waiting:
                messages.warning(request, ngettext(
                    "%(count)s lesson could not be placed in the group's hours: it is listed in the builder, "
                    "add it by hand.",
                    "%(count)s lessons could not be placed in the group's hours: they are listed in the builder, "
                    "add them by hand.", waiting) % {"count": waiting})
            return redirect("courses:plan_builder", pk=plan.pk)
    return render(request, "courses/plan_create.html", {"form": form, "templates": PlanTemplate.objects.all()})


@login_required
@require_http_methods(["GET", "POST"])
def plan_copy(request, pk):
    plan = access.get_plan_for_user(request.user, pk, build=True)
    form = PlanCopyForm(request.POST if request.method == "POST" else None, enrollments=selectors.enrollments_without_plan(request.user))
    if request.method == "POST" and form.is_valid():
        enrollment = form.cleaned_data["enrollment"]
        try:
            copy = plans.plan_copy(source=plan, group=enrollment.group, phase=enrollment.phase,
                                   created_by=request.user, teacher=form.cleaned_data["teacher"])
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Plan copied and rescheduled for %(group)s.") % {"group": copy.group.name})
            return redirect("courses:plan_builder", pk=copy.pk)
    return render(request, "courses/plan_copy.html", {"plan": plan, "form": form})


@login_required
@require_POST
def plan_save_template(request, pk):
    plan = access.get_plan_for_user(request.user, pk, build=True)
    form = TemplateFromPlanForm(request.POST)
    if not form.is_valid():
        return error_redirect(request, _("Give the template a name."), "courses:plan_builder", pk=plan.pk)
    try:
        template = plans.plan_template_from_plan(plan=plan, name=form.cleaned_data["name"], owner=request.user)
    except ValidationError as error:
        return error_redirect(request, error, "courses:plan_builder", pk=plan.pk)
    messages.success(request, _("Template saved."))
    return redirect("courses:template_detail", pk=template.pk)


# --- Plan pages --------------------------------------------------------------------------------------------


def _feed_for_viewer(user, plan: Plan) -> CalendarFeed | None:
    """The calendar link this viewer gets on a plan page: their own for youth, the group's for adults."""
    language = user.preferred_language
    if user.is_youth:
        return feeds.calendar_feed_get_or_create(kind=CalendarFeed.Kind.YOUTH, user=user, language=language)
    if plan.is_published or access.can_build_plans(user):
        return feeds.calendar_feed_get_or_create(kind=CalendarFeed.Kind.GROUP, group=plan.group, language=language)
    return None


@login_required
@require_GET
def plan_detail(request, pk):
    plan = access.get_plan_for_user(request.user, pk)
    items = selectors.plan_items(plan)
    days, today_anchor = selectors.plan_days_marked(plan, selectors.plan_days(plan, items))
    return render(request, "courses/plan_detail.html", {
        "plan": plan, "days": days, "today_anchor": today_anchor, "item_count": len(items),
        "pinyin": _pinyin(request), "feed": _feed_for_viewer(request.user, plan),
        "can_build": access.can_build_plans(request.user), "changes": list(plan.changes.select_related("changed_by")[:20]),
        "materials": [item for item in items if item.lesson.materials],
        "can_decide": access.can_decide_plan(request.user, plan), "unpublish_form": UnpublishForm(),
    })


@login_required
@require_GET
def plan_print(request, pk):
    plan = access.get_plan_for_user(request.user, pk)
    items = selectors.plan_items(plan)
    return render(request, "courses/plan_print.html", {
        "plan": plan, "days": selectors.plan_days(plan, items), "pinyin": _pinyin(request),
        "materials": [item for item in items if item.lesson.materials],
    })


def _builder_context(request, plan: Plan, *, error: ValidationError | str = "", propose_form=None) -> dict:
    items = list(plan.items.select_related("lesson", "teacher", "live_session").order_by("starts_at", "pk"))
    conflicts = plan_conflicts(plan, items)
    for item in items:
        item.conflicts = conflicts.get(item.pk, [])
        item.local_start = timezone.localtime(item.starts_at, plan.group.zone)
        # The input's value as text: the template's date filter would turn it into the viewer's zone.
        item.local_start_input = item.local_start.strftime("%Y-%m-%dT%H:%M")
        item.taught_live = item.lesson.format in Lesson.TAUGHT_LIVE
    unscheduled = list(plan.unscheduled.select_related("lesson", "teacher__teacher_profile"))
    for entry in unscheduled:
        # Suggest the template's day as a date of the phase (its last day when the template is longer).
        day = plan.phase.starts_on + datetime.timedelta(days=entry.day - 1)
        entry.suggested_date = min(day, plan.phase.ends_on).isoformat()
        entry.work_hours = teacher_work_hours(entry.teacher)
    return {
        "plan": plan, "days": selectors.plan_days(plan, items), "conflicts": conflicts,
        "conflict_total": conflict_count(conflicts), "teachers": list(teachers()),
        "error": " ".join(error_messages(error)) if error else "",
        "propose_form": propose_form or ProposeForm(), "is_organizer": request.user.is_organizer,
        "unscheduled": unscheduled, "hours_text": describe_hours(plan.group),
    }


@login_required
@require_GET
def plan_builder(request, pk):
    plan = access.get_plan_for_user(request.user, pk, build=True)
    context = _builder_context(request, plan)
    context.update({
        "catalog_form": CatalogFilterForm(), "suggestions": plans.lesson_suggestions(group=plan.group, limit=8),
        "interests": list(plan.group.interests.all()), "template_form": TemplateFromPlanForm(),
        "feed": _feed_for_viewer(request.user, plan), "hours_text": describe_hours(plan.group),
    })
    return render(request, "courses/plan_builder.html", context)


@login_required
@require_GET
def plan_catalog(request, pk):
    """The builder's catalog search: a partial for htmx, a plain page without it."""
    plan = access.get_plan_for_user(request.user, pk, build=True)
    form = CatalogFilterForm(request.GET or None)
    lessons = _filtered_lessons(Lesson.objects.prefetch_related("topics"), form, group=plan.group)[:30]
    template = "courses/_catalog_results.html" if _is_htmx(request) else "courses/plan_catalog.html"
    return render(request, template, {"plan": plan, "lessons": lessons, "catalog_form": form})


def _builder_response(request, plan: Plan, *, error: ValidationError | str = "", propose_form=None):
    """The builder again: its partial (with the error in it) for htmx, else the page (the error as a message)."""
    if _is_htmx(request):
        plan.refresh_from_db()
        return render(request, "courses/_builder.html",
                      _builder_context(request, plan, error=error, propose_form=propose_form))
    if error:
        return error_redirect(request, error, "courses:plan_builder", pk=plan.pk)
    return redirect("courses:plan_builder", pk=plan.pk)


def _time_errors(form) -> str:
    """The form's own words about a date or time (too far from the phase, out of range), if any."""
    return " ".join(str(message) for name in ("starts_local", "on_date") for message in form.errors.get(name, []))


@login_required
@require_POST
def plan_item_add(request, pk):
    plan = access.get_plan_for_user(request.user, pk, build=True)
    form = ItemAddForm(request.POST, zone=plan.group.zone, phase=plan.phase)
    if not form.is_valid():
        return _builder_response(request, plan, error=_time_errors(form) or _("Choose a lesson and a valid date or time."))
    data = form.cleaned_data
    try:
        plans.plan_item_add(plan=plan, lesson=data["lesson"], by=request.user,
                            teacher=data["teacher"] or (request.user if request.user.is_teacher else None),
                            starts_at=data["starts_at"], on_date=data["on_date"])
    except ValidationError as error:
        return _builder_response(request, plan, error=error)
    return _builder_response(request, plan)


@login_required
@require_POST
def plan_item_update(request, pk, item_pk):
    plan = access.get_plan_for_user(request.user, pk, build=True)
    item = access.get_item_for_user(request.user, plan, item_pk)
    form = ItemUpdateForm(request.POST, zone=plan.group.zone, phase=plan.phase)
    if not form.is_valid():
        return _builder_response(request, plan, error=_time_errors(form) or _("That time is not valid."))
    data = form.cleaned_data
    starts_at = data["starts_at"]
    if data.get("shift"):
        starts_at = item.starts_at + datetime.timedelta(minutes=data["shift"])
    teacher = data["teacher"] if "teacher" in request.POST else False
    # Only the item form of a live class sends the link box; the shift buttons leave the link alone.
    meeting_url = data["meeting_url"] if "meeting_url" in request.POST else None
    try:
        plans.plan_item_update(item=item, by=request.user, starts_at=starts_at, teacher=teacher,
                               duration_minutes=data["duration_minutes"], meeting_url=meeting_url)
    except ValidationError as error:
        return _builder_response(request, plan, error=error)
    return _builder_response(request, plan)


@login_required
@require_POST
def plan_item_remove(request, pk, item_pk):
    plan = access.get_plan_for_user(request.user, pk, build=True)
    item = access.get_item_for_user(request.user, plan, item_pk)
    plans.plan_item_remove(item=item, by=request.user)
    return _builder_response(request, plan)


@login_required
@require_POST
def plan_unscheduled_dismiss(request, pk, entry_pk):
    """Drop a lesson from the builder's "could not be placed" list."""
    plan = access.get_plan_for_user(request.user, pk, build=True)
    entry = access.get_unscheduled_for_user(request.user, plan, entry_pk)
    plans.plan_unscheduled_dismiss(entry=entry, by=request.user)
    return _builder_response(request, plan)


@login_required
@require_POST
def plan_propose(request, pk):
    plan = access.get_plan_for_user(request.user, pk, build=True)
    form = ProposeForm(request.POST)
    if not form.is_valid():
        return _builder_response(request, plan, error=_("The reason is too long."), propose_form=form)
    try:
        plans.plan_propose(plan=plan, by=request.user, override_reason=form.cleaned_data["override_reason"])
    except ValidationError as error:
        return _builder_response(request, plan, error=error, propose_form=form)
    messages.success(request, _("Plan proposed to the organizers."))
    if _is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("courses:plan_detail", args=[plan.pk])
        return response
    return redirect("courses:plan_detail", pk=plan.pk)


def _decision(request, pk, service, success: str, **extra):
    plan = access.get_plan_for_user(request.user, pk, decide=True)
    try:
        service(plan=plan, by=request.user, **extra)
    except ValidationError as error:
        return error_redirect(request, error, "courses:plan_detail", pk=plan.pk)
    messages.success(request, success)
    return redirect("courses:plan_detail", pk=plan.pk)


@login_required
@require_POST
def plan_approve(request, pk):
    return _decision(request, pk, plans.plan_approve, _("Plan approved."))


@login_required
@require_POST
def plan_publish(request, pk):
    return _decision(request, pk, plans.plan_publish, _("Plan published: the coordinators and youth see it now."))


@login_required
@require_POST
def plan_unpublish(request, pk):
    """Back to draft, after the organizer ticked the confirmation on the plan page."""
    plan = access.get_plan_for_user(request.user, pk, decide=True)
    if not UnpublishForm(request.POST).is_valid():
        return error_redirect(request, _("Tick the box to confirm that the plan goes back to draft."),
                              "courses:plan_detail", pk=plan.pk)
    return _decision(request, pk, plans.plan_unpublish,
                     _("Plan unpublished: it is a draft again, the coordinators and youth no longer see it."))


@login_required
@require_POST
def plan_return(request, pk):
    form = ReturnForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    return _decision(request, pk, plans.plan_return, _("Plan sent back to the teachers."), note=note)


# --- Templates ---------------------------------------------------------------------------------------------


@login_required
@require_GET
def template_list(request):
    _require_builder(request.user)
    templates = PlanTemplate.objects.select_related("owner").prefetch_related("items__lesson")
    return render(request, "courses/template_list.html", {"templates": templates})


@login_required
@require_GET
def template_detail(request, pk):
    template = access.get_template_for_user(request.user, pk)
    items = list(template.items.select_related("lesson"))
    days: dict[int, list] = {}
    for item in items:
        days.setdefault(item.day, []).append(item)
    return render(request, "courses/template_detail.html", {
        "template": template, "days": sorted(days.items()), "can_edit": access.can_edit_template(request.user, template),
    })


@login_required
@require_http_methods(["GET", "POST"])
def template_create(request):
    _require_builder(request.user)
    form = PlanTemplateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            template = template_services.plan_template_create(by=request.user, name=data["name"],
                                                      description=data["description"], days=data["days"])
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Template created. Now add its lessons, day by day."))
            return redirect("courses:template_edit", pk=template.pk)
    return render(request, "courses/template_form.html", {"form": form})


def _template_edit_page(request, template, *, form=None, item_form=None, status=200):
    """The editor (its callers have checked the user may edit `template`)."""
    items = list(template.items.select_related("lesson"))
    days = {day: [] for day in range(1, template.days + 1)}
    for item in items:
        days.setdefault(item.day, []).append(item)
    return render(request, "courses/template_edit.html", {
        "template": template, "days": sorted(days.items()),
        "form": form or PlanTemplateForm(instance=template),
        "item_form": item_form or TemplateItemForm(lessons=access.visible_lessons(request.user),
                                                   days=template.days, initial={"day": 1}),
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request, pk):
    template = access.get_template_for_user(request.user, pk)
    access.check_template_edit(request.user, template)
    if request.method == "GET":
        return _template_edit_page(request, template)
    form = PlanTemplateForm(request.POST, instance=PlanTemplate.objects.get(pk=template.pk))
    if form.is_valid():
        data = form.cleaned_data
        try:
            template_services.plan_template_update(by=request.user, template=template, name=data["name"],
                                           description=data["description"], days=data["days"])
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Template saved."))
            return redirect("courses:template_edit", pk=template.pk)
    return _template_edit_page(request, template, form=form, status=400)


@login_required
@require_POST
def template_item_add(request, pk):
    template = access.get_template_for_user(request.user, pk)
    access.check_template_edit(request.user, template)
    form = TemplateItemForm(request.POST, lessons=access.visible_lessons(request.user), days=template.days)
    if form.is_valid():
        try:
            template_services.template_item_add(by=request.user, template=template, lesson=form.cleaned_data["lesson"],
                                        day=form.cleaned_data["day"])
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Lesson added to day %(day)s.") % {"day": form.cleaned_data["day"]})
            return redirect("courses:template_edit", pk=template.pk)
    return _template_edit_page(request, template, item_form=form, status=400)


@login_required
@require_POST
def template_item_remove(request, pk, item_pk):
    item = access.get_template_item_for_user(request.user, pk, item_pk)
    template_services.template_item_remove(by=request.user, item=item)
    messages.success(request, _("Lesson removed from the template."))
    return redirect("courses:template_edit", pk=pk)


# --- Teachers ----------------------------------------------------------------------------------------------


@login_required
@require_GET
def teacher_schedule(request):
    if not request.user.is_teacher:
        raise PermissionDenied
    today = timezone.localdate()
    start = timezone.make_aware(datetime.datetime.combine(today - datetime.timedelta(days=1), datetime.time(0)))
    items = list(
        request.user.plan_items.filter(starts_at__gte=start).select_related("lesson", "plan__group", "live_session")
        .order_by("starts_at")[:200]
    )
    feed = feeds.calendar_feed_get_or_create(kind=CalendarFeed.Kind.TEACHER, user=request.user,
                                             language=request.user.preferred_language)
    return render(request, "courses/teacher_schedule.html", {"items": items, "feed": feed})


@login_required
@require_http_methods(["GET", "POST"])
def teacher_hours(request):
    if not request.user.is_teacher:
        raise PermissionDenied
    profile = TeacherProfile.objects.filter(user=request.user).first() or TeacherProfile(user=request.user)
    form = TeacherHoursForm(request.POST if request.method == "POST" else None, instance=profile)
    if request.method == "POST" and form.is_valid():
        plans.teacher_hours_set(teacher=request.user, work_start=form.cleaned_data["work_start"],
                                work_end=form.cleaned_data["work_end"])
        messages.success(request, _("Working hours saved."))
        return redirect("courses:teacher_schedule")
    return render(request, "courses/teacher_hours.html", {"form": form, "own_hours": _own_zone_hours(request.user,
                                                                                                     profile)})


def _own_zone_hours(user, profile: TeacherProfile) -> tuple[str, str, str] | None:
    """The working day (kept in Beijing time) as today's times in the teacher's own zone, when it differs."""
    zone = user.zone
    today = timezone.localdate(timezone=BEIJING)
    start = datetime.datetime.combine(today, profile.work_start, tzinfo=BEIJING)
    end = datetime.datetime.combine(today, profile.work_end, tzinfo=BEIJING)
    if start.utcoffset() == start.astimezone(zone).utcoffset():
        return None
    return (str(zone), date_format(start.astimezone(zone), "D H:i"), date_format(end.astimezone(zone), "D H:i"))


# --- Calendars ---------------------------------------------------------------------------------------------


@require_GET
def calendar_feed(request, token):
    """The feed itself: no login (calendar apps cannot sign in); the secret token is the key."""
    feed = access.feed_by_token(token)
    response = HttpResponse(feeds.calendar_render(feed), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="qiaocamp.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response


@login_required
@require_GET
def feed_list(request):
    user = request.user
    own = list(CalendarFeed.objects.filter(user=user, revoked_at__isnull=True))
    group_feeds = []
    if user.is_coordinator:
        # Through visible_groups: a coordinator nobody has confirmed yet gets no group's link.
        group_feeds = list(CalendarFeed.objects.filter(kind=CalendarFeed.Kind.GROUP, revoked_at__isnull=True,
                                                       group__in=visible_groups(user)).select_related("group"))
    return render(request, "courses/feed_list.html", {"feeds": own + group_feeds})


@login_required
@require_POST
def feed_revoke(request, pk):
    feed = access.get_feed_for_user(request.user, pk)
    feeds.calendar_feed_revoke(by=request.user, feed=feed)
    messages.success(request, _("The old calendar link no longer works. Subscribe again with the new one."))
    next_url = request.POST.get("next", "")
    if next_url.startswith("/") and not next_url.startswith("//"):
        return HttpResponseRedirect(next_url)
    return redirect("courses:feed_list")


@login_required
@require_http_methods(["GET", "POST"])
def group_interests(request, pk):
    """The group's interests (its coordinators and the camp's organizers): they order the builder's catalog."""
    group = get_group_for_user(request.user, pk, manage=True)
    form = GroupInterestsForm(request.POST if request.method == "POST" else None, initial={"topics": list(group.interests.all())})
    if request.method == "POST" and form.is_valid():
        group_interests_set(by=request.user, group=group, topics=form.cleaned_data["topics"])
        messages.success(request, _("The group's interests are saved."))
        return redirect("group_detail", pk=group.pk)
    return render(request, "courses/group_interests.html", {"group": group, "form": form})
