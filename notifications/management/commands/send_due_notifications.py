from django.core.management.base import BaseCommand

from notifications.services import digests_send, reminders_send


class Command(BaseCommand):
    help = (
        "Store what is due (a class starting within 10 minutes, the question of the day once the group's "
        "day has come) and mail the due digests to adults. "
        "Meant for cron every minute; running it twice tells nobody twice."
    )

    def handle(self, *args, **options):
        reminders = reminders_send()
        digests = digests_send()
        self.stdout.write(f"{reminders} reminders stored, {digests} digests sent")
