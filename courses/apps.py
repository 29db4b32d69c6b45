from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Lessons and plans")

    def ready(self):
        from courses import signals  # noqa: F401  (connects the receivers of camp.signals)
