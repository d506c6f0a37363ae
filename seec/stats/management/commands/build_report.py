"""`manage.py build_report --year 2026 [--output FILE]`: the annual regional PDF report."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from tqdm import tqdm

from seec.stats import report

STEPS = 9  # figures, six sections, definitions, layout


class Command(BaseCommand):
    help = "Build the annual regional statistics report (PDF)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--output", type=Path, default=None)

    def handle(self, *args, year, output, **options):
        output = output or Path(settings.VAR_DIR) / "reports" / f"seec-statistics-{year}.pdf"
        output.parent.mkdir(parents=True, exist_ok=True)
        with tqdm(
            total=STEPS, desc=f"Report {year}", unit="step", disable=options["verbosity"] == 0
        ) as bar:

            def progress(step):
                bar.set_postfix_str(step)
                bar.update(1)

            content = report.build(year, progress)
        output.write_bytes(content)
        self.stdout.write(f"{output} ({len(content) // 1024} KiB)")
