"""The outbox keeps only the indexes that the exchange reads (each is written three times a
message): none for the organisations and the author, the distribution id unique by a
constraint (no pattern index beside it on PostgreSQL), and one for a forwarded sighting's
delivery state by conversation and sender."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0007_time_zones_and_montenegrin'),
        ('exchange', '0010_outbox_nudges_the_worker'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='outboundmessage',
            name='created_by',
            field=models.ForeignKey(db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterField(
            model_name='outboundmessage',
            name='distribution_id',
            field=models.CharField(max_length=120),
        ),
        migrations.AlterField(
            model_name='outboundmessage',
            name='recipient_organisation',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.organisation'),
        ),
        migrations.AlterField(
            model_name='outboundmessage',
            name='sender_organisation',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.organisation'),
        ),
        migrations.AddIndex(
            model_name='outboundmessage',
            index=models.Index(fields=['conversation', 'sender_organisation'], name='outbox_conversation'),
        ),
        migrations.AddConstraint(
            model_name='outboundmessage',
            constraint=models.UniqueConstraint(fields=('distribution_id',), name='outbox_distribution_unique'),
        ),
    ]
