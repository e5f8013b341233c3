# The "tracking" notification level and the member's last-read time (unread counts).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('content', '0004_reading_days'),
    ]

    operations = [
        migrations.AddField(
            model_name='channelmembership',
            name='last_read_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='last read at'),
        ),
        migrations.AlterField(
            model_name='channelmembership',
            name='notification_level',
            field=models.CharField(choices=[('muted', 'Muted: nothing from this channel'), ('normal', 'Normal: replies to me and mentions'), ('tracking', 'Tracking: replies to me and mentions, unread replies counted'), ('watching', 'Watching: every new post and comment')], default='normal', max_length=16, verbose_name='notifications'),
        ),
        migrations.AddIndex(
            model_name='post',
            index=models.Index(fields=['channel', 'status', 'created_at'], name='content_post_unread_idx'),
        ),
    ]
