"""Import the PBX's call records (Asterisk's Master.csv) for past periods: every row checked
first, nothing imported if one is wrong, nothing imported twice."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from seec.contactcentre.cdr import import_cdr
from seec.core.audit import Origin
from seec.core.models import User


class Command(BaseCommand):
    help = "Import Asterisk CDR CSV (Master.csv) into a hotline's call records."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--as", dest="username", required=True, help="a supervisor")
        parser.add_argument("--number", default="116000", help="the hotline's number (dst)")
        parser.add_argument("--timezone", default=settings.TIME_ZONE, help="the PBX's zone")

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {options['username']!r}.")
        path = Path(options["file"])
        result = import_cdr(
            path.read_bytes(),
            origin=Origin(user),
            filename=path.name,
            number=options["number"],
            timezone_name=options["timezone"],
        )
        if result.errors:
            for error in result.errors:
                self.stderr.write(error)
            raise CommandError(f"{len(result.errors)} problems: nothing imported.")
        self.stdout.write(
            f"{result.imported} calls imported, {result.already_present} already present, "
            f"{result.other_numbers} rows to other numbers left out."
        )
