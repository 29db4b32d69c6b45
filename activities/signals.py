"""This app's answers to notifications' signals (connected in ActivitiesConfig.ready)."""

from django.dispatch import receiver

from notifications.signals import reminders_due


@receiver(reminders_due, dispatch_uid="activities_checkin_prompts_due")
def checkin_prompts_due(sender, now, **kwargs) -> int:
    """Each minute (manage.py send_due_notifications): the questions of the day whose day has come."""
    from activities.services.checkins import checkin_prompts_due as due

    return due(now=now)
