from django.contrib import admin

from notifications.models import Digest, Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Read-only: notifications are written by notify() and read by their recipient."""

    list_display = ("kind", "recipient", "created_at", "read_at", "mailed_at")
    list_filter = ("kind",)
    raw_id_fields = ("recipient",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Digest)
class DigestAdmin(admin.ModelAdmin):
    list_display = ("recipient", "sent_at", "count")
    raw_id_fields = ("recipient",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
