import importlib

from django.core.management.base import BaseCommand
from django.db import transaction

# Each app seeds its part of the demo camp, in this order (later parts build on earlier ones).
DEMO_SEEDERS = ["camp.demo", "courses.demo", "live.demo", "camp.reports.demo"]


class Command(BaseCommand):
    help = "Create the demo camp (亲情中华·为你讲故事, 普洱市侨联). Idempotent: running it twice changes nothing."

    def handle(self, *args, **options):
        with transaction.atomic():
            for module_name in DEMO_SEEDERS:
                module = importlib.import_module(module_name)
                module.seed(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo camp ready. Sign in as organizer@example.org / camp-demo-2026."))
