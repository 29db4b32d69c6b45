from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


def _starter_blocklist(sender, instance, created, raw=False, **kwargs):
    # Every camp starts with the starter lists; its organizers add their own terms on the camp's
    # chat filter page (live:blocklist).
    if created and not raw:
        from live.services.blocklist import blocklist_seed_starter

        blocklist_seed_starter(camp=instance)


class LiveConfig(AppConfig):
    name = "live"
    verbose_name = _("Live classroom")

    def ready(self):
        from camp.models import Camp
        from live import signals  # noqa: F401  (connects the receivers of camp.signals)
        from live.models import BlockedTerm
        from live.services.blocklist import _term_changed
        from live.video import signals as video_signals  # noqa: F401  (a class that ends loses its video room)

        post_save.connect(_starter_blocklist, sender=Camp, dispatch_uid="live_starter_blocklist")
        # The compiled blocklist is cached per camp; any change to a term invalidates it.
        post_save.connect(_term_changed, sender=BlockedTerm, dispatch_uid="live_blocklist_saved")
        post_delete.connect(_term_changed, sender=BlockedTerm, dispatch_uid="live_blocklist_deleted")
