"""The privacy part of the demo: nothing to add (every roster row already has its Data link for
organizers); it says what is on and what the retention rule would erase, changing nothing."""

from django.conf import settings

from privacy.services.retention import expired_camps


def seed(stdout) -> None:
    apps = [name for name in ("line", "weixin") if name in settings.SOCIALACCOUNT_PROVIDERS]
    stdout.write(
        "privacy: sign-in with "
        + (", ".join(apps) if apps else "LINE/WeChat off (QIAOCAMP_LINE_*, QIAOCAMP_WEIXIN_*)")
    )
    stdout.write("privacy: an organizer exports or deletes a youth from the roster's Data link")
    for item in expired_camps():
        stdout.write(
            f"privacy: camp {item.camp.pk} ended {item.last_day}, past {settings.QIAOCAMP_RETENTION_MONTHS} months: "
            f"manage.py purge_expired_camps would erase {item.youth} youth"
        )
