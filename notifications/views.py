from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from notifications.access import get_notification_for_user
from notifications.forms import ReadAllForm
from notifications.models import Notification
from notifications.services import notification_read, notifications_read_all

PAGE_SIZE = 50


@login_required
@require_GET
def notification_list(request):
    notifications = list(Notification.objects.filter(recipient=request.user)[:PAGE_SIZE])
    unread = sum(1 for note in notifications if note.read_at is None)
    newest = notifications[0].pk if notifications else None
    return render(
        request,
        "notifications/list.html",
        {"notifications": notifications, "unread": unread, "form": ReadAllForm(initial={"up_to": newest})},
    )


@login_required
@require_GET
def notification_open(request, pk):
    """Follow a notification: it is read now, and the reader lands on the page it is about."""
    notification = get_notification_for_user(request.user, pk)
    notification_read(by=request.user, notification=notification)
    # The url is checked when stored (a path on this site); checked again in case of an old row.
    if url_has_allowed_host_and_scheme(notification.url, allowed_hosts={request.get_host()}):
        return redirect(notification.url)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read_view(request, pk):
    notification = get_notification_for_user(request.user, pk)
    notification_read(by=request.user, notification=notification)
    return redirect("notifications:list")


@login_required
@require_POST
def notifications_read_all_view(request):
    form = ReadAllForm(request.POST)
    if not form.is_valid():
        return render(
            request, "notifications/list.html", {"form": form, "notifications": [], "unread": 0}, status=400
        )
    notifications_read_all(by=request.user, up_to=form.cleaned_data["up_to"])
    return redirect("notifications:list")
