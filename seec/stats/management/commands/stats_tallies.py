"""`manage.py stats_tallies --verify | --rebuild`: check the running tallies that figures are
summed from against a fresh count of the cases and contacts, or count them again."""

from django.core.management.base import BaseCommand, CommandError

from seec.stats import tallies


class Command(BaseCommand):
    help = "Verify or rebuild the statistics tallies (figures are summed from them)."

    def add_arguments(self, parser):
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--verify", action="store_true", help="compare with a fresh count")
        action.add_argument("--rebuild", action="store_true", help="count everything again")

    def handle(self, *args, verify, rebuild, **options):
        if rebuild:
            build = tallies.rebuild()
            self.stdout.write(
                f"Tallies rebuilt from {build.cases:,} cases and {build.contacts:,} contacts "
                f"in {build.seconds:.1f} s."
            )
            return
        found = tallies.differences()
        for name, key, kept, fresh in found[:20]:
            self.stdout.write(f"  {name} {key}: kept {kept}, counted {fresh}")
        if not found:
            self.stdout.write("The tallies equal a fresh count of the rows.")
            return
        cells = "1 tally cell differs" if len(found) == 1 else f"{len(found)} tally cells differ"
        # A non-zero exit, so that a scheduled check is noticed.
        raise CommandError(f"{cells}: run `manage.py stats_tallies --rebuild`.")
