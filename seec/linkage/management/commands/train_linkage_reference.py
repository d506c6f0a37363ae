"""Train the reference linkage model on the region's labelled synthetic children and store it
with the app (seec/linkage/reference_model.json), versioned with the code.

The reference model's m (how often the same child agrees on each field, per level) is learnt
from labels; a run on real records keeps it and learns u (chance agreement) from the records
themselves. Retrain after changing the comparisons or the generator."""

import json

from django.core.management.base import BaseCommand

from seec.linkage import generator, model
from seec.linkage.records import from_generated, linkage_rows


class Command(BaseCommand):
    help = "Train the reference linkage model on labelled synthetic records and store it."

    def add_arguments(self, parser):
        parser.add_argument("--records", type=int, default=30000)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, records=30000, seed=2026, **options):
        rows = linkage_rows(from_generated(row) for row in generator.generate(records, seed=seed))
        parameters = model.train_reference(rows)
        model.REFERENCE_MODEL.write_text(json.dumps(parameters, indent=1, sort_keys=True) + "\n")
        self.stdout.write(
            f"Reference model trained on {len(rows)} records: {model.REFERENCE_MODEL}"
        )
