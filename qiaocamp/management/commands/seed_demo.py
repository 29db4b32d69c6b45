from django.core.management.base import BaseCommand
from django.db import transaction

from qiaocamp.registry import app_modules


class Command(BaseCommand):
    help = "Create the demo camp (亲情中华·为你讲故事, 普洱市侨联). Idempotent: running it twice changes nothing."

    def handle(self, *args, **options):
        with transaction.atomic():
            # Each app seeds its part of the demo camp, bottom layer first (later parts build on earlier ones).
            for module in app_modules("demo"):
                module.seed(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo camp ready. Sign in as organizer@example.org / camp-demo-2026."))
