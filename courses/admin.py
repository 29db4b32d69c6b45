from django.contrib import admin
from modeltranslation.admin import TabbedTranslationAdmin

from courses.models import (
    CalendarFeed,
    Lesson,
    LessonAttachment,
    Plan,
    PlanChange,
    PlanItem,
    PlanTemplate,
    TeacherProfile,
    TemplateItem,
    Topic,
)
from courses.services.lessons import _sanitize_bodies


@admin.register(Topic)
class TopicAdmin(TabbedTranslationAdmin):
    list_display = ("name", "slug")
    prepopulated_fields = {"slug": ("name_en",)}
    filter_horizontal = ("interested_groups",)


class LessonAttachmentInline(admin.TabularInline):
    model = LessonAttachment
    extra = 0


@admin.register(Lesson)
class LessonAdmin(TabbedTranslationAdmin):
    list_display = ("title", "format", "duration_minutes", "age_min", "age_max", "chinese_level")
    list_filter = ("format", "chinese_level", "topics")
    search_fields = ("title_zh_hans", "title_en")
    filter_horizontal = ("topics",)
    inlines = [LessonAttachmentInline]
    raw_id_fields = ("author",)

    def save_model(self, request, obj, form, change):
        # The admin is a way in too: bodies are sanitized here exactly as in courses.services.lessons.
        _sanitize_bodies(obj)
        super().save_model(request, obj, form, change)


class TemplateItemInline(admin.TabularInline):
    model = TemplateItem
    extra = 1
    raw_id_fields = ("lesson",)


@admin.register(PlanTemplate)
class PlanTemplateAdmin(TabbedTranslationAdmin):
    list_display = ("name", "days", "owner")
    inlines = [TemplateItemInline]


class PlanItemInline(admin.TabularInline):
    model = PlanItem
    extra = 0
    raw_id_fields = ("lesson", "teacher")


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ("group", "phase", "status", "proposed_at", "approved_at", "published_at")
    list_filter = ("status", "phase")
    inlines = [PlanItemInline]
    raw_id_fields = ("created_by", "approved_by")


@admin.register(PlanChange)
class PlanChangeAdmin(admin.ModelAdmin):
    list_display = ("plan", "changed_at", "changed_by", "summary")


@admin.register(TeacherProfile)
class TeacherProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "work_start", "work_end")


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ("kind", "group", "user", "created_at", "revoked_at")
    readonly_fields = ("token",)
