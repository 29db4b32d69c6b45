"""Every room now has its group and time (0006 filled them); the room's own video link is gone,
the plan item's meeting link (else the lesson's default) is the one place for it."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [("live", "0006_fill_room_copies")]

    operations = [
        migrations.AlterField(
            model_name="livesession",
            name="group",
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="live_sessions",
                                    to="camp.group"),
        ),
        migrations.AlterField(
            model_name="livesession",
            name="starts_at",
            field=models.DateTimeField(verbose_name="starts at"),
        ),
        migrations.AlterField(
            model_name="livesession",
            name="duration_minutes",
            field=models.PositiveSmallIntegerField(verbose_name="duration (minutes)"),
        ),
        migrations.RemoveField(model_name="livesession", name="video_url"),
        migrations.AlterModelOptions(name="livesession", options={"ordering": ["starts_at", "pk"]}),
        migrations.AddIndex(
            model_name="livesession",
            index=models.Index(fields=["group", "starts_at"], name="live_session_group_idx"),
        ),
        migrations.AddIndex(
            model_name="livesession",
            index=models.Index(fields=["teacher", "starts_at"], name="live_session_teacher_idx"),
        ),
        migrations.AddConstraint(
            model_name="livesession",
            constraint=models.CheckConstraint(condition=models.Q(duration_minutes__gt=0),
                                              name="live_session_duration_positive"),
        ),
    ]
