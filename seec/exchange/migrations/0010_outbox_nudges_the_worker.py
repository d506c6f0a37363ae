"""The outbox's NOTIFY trigger (0007) goes: a transaction that notifies holds a lock of the
whole PostgreSQL cluster until its commit is on disk, so the outbox's writers committed one at
a time. The sending transaction now nudges the workers itself once it has committed
(seec/exchange/wakeup.py), on either engine. This is 0007 undone, so it runs 0007's own steps
the other way round."""

from importlib import import_module

from django.db import migrations

trigger = import_module("seec.exchange.migrations.0007_outbox_wakes_the_worker")


class Migration(migrations.Migration):
    dependencies = [("exchange", "0009_peer_batch_inbox")]

    operations = [migrations.RunPython(trigger.drop, trigger.create)]
