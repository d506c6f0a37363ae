"""`manage.py import_cases FILE.csv|xlsx --as USERNAME [--skip-errors]`."""

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from seec.cases.importer import ImportFileError, import_cases, read_rows
from seec.core.audit import Origin
from seec.core.models import User


class Command(BaseCommand):
    help = (
        "Import a centre's cases from a CSV (UTF-8) or XLSX file. Every row is checked first; "
        "a file with errors imports nothing unless --skip-errors is given. Rows whose "
        "external_reference is already imported are left as they are."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--as", dest="username", required=True,
            help="The case manager in whose name (and organisation) the cases are imported.",
        )  # fmt: skip
        parser.add_argument(
            "--skip-errors",
            action="store_true",
            help="Import the valid rows and report the others.",
        )

    def handle(self, *args, file: Path, username: str, skip_errors: bool, **options):
        if not file.exists():
            raise CommandError(_("No such file: %(path)s") % {"path": file})
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(_("No active user %(name)s.") % {"name": username})
        try:
            total = sum(1 for _row in read_rows(file))
            with tqdm(
                total=total, unit="row", desc=file.name, disable=options["verbosity"] < 1
            ) as bar:
                report = import_cases(
                    file, origin=Origin(user), skip_errors=skip_errors, progress=bar.update
                )
                bar.update(total - bar.n)
        except ImportFileError as error:
            raise CommandError(str(error)) from error
        except PermissionDenied as error:
            raise CommandError(str(error)) from error
        for error in report.errors:
            self.stderr.write(str(error))
        if report.errors and not skip_errors:
            raise CommandError(
                # Counts as "label: number", so that no plural form depends on two numbers.
                _(
                    "Nothing was imported. Problems: %(count)d; rows read: %(rows)d. Correct the "
                    "file, or import the valid rows with --skip-errors."
                )
                % {"count": len(report.errors), "rows": report.rows}
            )
        self.stdout.write(
            _(
                "Cases imported: %(imported)d; already present: %(present)d; rows with errors "
                "skipped: %(skipped)d; rows read: %(rows)d."
            )
            % {
                "imported": report.imported,
                "present": report.already_present,
                "skipped": len({e.line for e in report.errors}),
                "rows": report.rows,
            }
        )
