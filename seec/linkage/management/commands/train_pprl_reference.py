"""Train the reference weights of privacy-preserving matching on the region's labelled
synthetic children and store them with the app (seec/linkage/pprl_reference.json).

m (how records of one child agree on each comparison, per level) comes from the labels; a
comparison of real encodings keeps it and learns u and the share of matches from the pairs it
compares (pprl.learn). Retrain after changing pprl's fields or comparisons, or the generator.
Never train on the benchmark's seed (bench/linkage_quality.py uses 6)."""

import json

from django.core.management.base import BaseCommand

from seec.linkage import generator, pprl
from seec.linkage.records import from_generated

# Any key: the levels of a pair do not depend on it.
TRAINING_KEY = b"seec-pprl reference training key"


class Command(BaseCommand):
    help = "Train the reference weights of privacy-preserving matching and store them."

    def add_arguments(self, parser):
        parser.add_argument("--records", type=int, default=10000)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, records=10000, seed=2026, **options):
        people = [from_generated(row) for row in generator.generate(records, seed=seed)]
        rows = [pprl.person_fields(person) for person in people]
        weights = pprl.train_reference(rows, pprl.Schema(), TRAINING_KEY)
        pprl.REFERENCE_WEIGHTS.write_text(json.dumps(weights.to_dict(), indent=1) + "\n")
        self.stdout.write(
            f"PPRL reference trained on {len(rows)} records: {pprl.REFERENCE_WEIGHTS}"
        )
