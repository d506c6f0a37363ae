"""`manage.py purge_partner_lists`: delete the partners' lists whose retention is over (with
their rows and the pairs found with them) and the files of uploads left unfinished.

Run it daily (see docs/operations.md); it is safe to run at any time and any number of times.
"""

from django.core.management.base import BaseCommand

from seec.linkage import held_uploads, services


class Command(BaseCommand):
    help = "Delete partner lists past their retention, and unfinished uploads' files."

    def handle(self, *args, **options):
        lists = services.purge_partner_lists()
        files = held_uploads.sweep()
        self.stdout.write(
            f"{lists} partner list(s) deleted at the end of their retention; "
            f"{files} unfinished upload file(s) deleted."
        )
