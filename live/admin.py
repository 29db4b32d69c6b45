from django.contrib import admin

from live.models import (
    AttendanceSpan,
    BlockedTerm,
    ChatMessage,
    LiveSession,
    MessageReport,
    Mute,
    Poll,
    Question,
    Removal,
)


@admin.register(LiveSession)
class LiveSessionAdmin(admin.ModelAdmin):
    list_display = ("__str__", "state", "chat_locked", "slow_mode_seconds", "links_allowed", "last_seq")
    list_filter = ("state",)
    raw_id_fields = ("plan_item", "group", "lesson", "teacher")


@admin.register(ChatMessage)
class ChatMessageAdmin(admin.ModelAdmin):
    list_display = ("session", "seq", "author", "text", "sent_at", "deleted_at")
    raw_id_fields = ("session", "author", "deleted_by")
    search_fields = ("text",)


@admin.register(AttendanceSpan)
class AttendanceSpanAdmin(admin.ModelAdmin):
    list_display = ("session", "user", "joined_at", "left_at", "last_seen_at")
    raw_id_fields = ("session", "user")


@admin.register(BlockedTerm)
class BlockedTermAdmin(admin.ModelAdmin):
    list_display = ("term", "language", "camp")
    list_filter = ("camp", "language")
    search_fields = ("term",)


@admin.register(MessageReport)
class MessageReportAdmin(admin.ModelAdmin):
    list_display = ("message", "reporter", "reason", "reported_at", "resolved_at")
    raw_id_fields = ("message", "reporter")


admin.site.register([Mute, Removal, Question, Poll])
