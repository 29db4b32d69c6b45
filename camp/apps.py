from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampConfig(AppConfig):
    name = "camp"
    verbose_name = _("Camps and enrollment")

    def ready(self):
        from django.db.models.signals import pre_delete

        from camp.models import Group
        from camp.services.groups import group_pre_delete

        pre_delete.connect(group_pre_delete, sender=Group, dispatch_uid="camp.group_pre_delete")
