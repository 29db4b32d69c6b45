from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = _("Camp life: check-ins, homework, showcase")

    def ready(self):
        from django.db.models.signals import post_delete

        from activities import signals  # noqa: F401  (the reminders_due receiver)
        from activities.models import Upload
        from activities.services.uploads import upload_files_delete

        # A youth's data erased (privacy) or a group deleted cascades to the rows: the files go too.
        post_delete.connect(upload_files_delete, sender=Upload, dispatch_uid="activities.upload_files_delete")
