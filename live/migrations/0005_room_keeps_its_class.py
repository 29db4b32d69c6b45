"""A room keeps what it needs without its plan item (group, lesson, title, teacher, time), so that
removing the item cancels the room instead of deleting its chat and attendance. The new columns
start empty; 0006 fills them and moves the rooms' video links to their items, 0007 makes them
required and drops LiveSession.video_url. (Three migrations: PostgreSQL refuses to ALTER a table
with row changes of the same transaction still pending their foreign-key checks.)"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("camp", "0001_initial"),
        ("courses", "0003_meeting_links"),
        ("live", "0004_starter_blocklists_five_languages"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="livesession",
            name="plan_item",
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                       related_name="live_session", to="courses.planitem"),
        ),
        migrations.AlterField(
            model_name="livesession",
            name="state",
            field=models.CharField(choices=[("scheduled", "Scheduled"), ("open", "Open"), ("live", "Live"),
                                            ("ended", "Ended"), ("cancelled", "Cancelled")],
                                   default="scheduled", max_length=16, verbose_name="state"),
        ),
        migrations.AddField(
            model_name="livesession",
            name="group",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE,
                                    related_name="live_sessions", to="camp.group"),
        ),
        migrations.AddField(
            model_name="livesession",
            name="lesson",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                    related_name="+", to="courses.lesson"),
        ),
        migrations.AddField(
            model_name="livesession",
            name="title",
            field=models.CharField(blank=True, max_length=200, verbose_name="title"),
        ),
        migrations.AddField(
            model_name="livesession",
            name="teacher",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                    related_name="+", to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name="livesession",
            name="starts_at",
            field=models.DateTimeField(null=True, verbose_name="starts at"),
        ),
        migrations.AddField(
            model_name="livesession",
            name="duration_minutes",
            field=models.PositiveSmallIntegerField(null=True, verbose_name="duration (minutes)"),
        ),
        migrations.AddField(
            model_name="livesession",
            name="cancelled_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
