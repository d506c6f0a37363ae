"""`manage.py link --within GR`, `--across RS,HR`, or `--against upload:<id> --countries GR,MK`:
a linkage run now, with a progress bar; `--backend spark` runs it on Apache Spark whatever
SEEC_LINKAGE_BACKEND says."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from seec.core.audit import Origin
from seec.core.models import User
from seec.linkage import model, services
from seec.linkage.models import RunKind, RunStatus


class Command(BaseCommand):
    help = "Find possible same children among cases: within a country, or across countries."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--within", metavar="CC", help="one country's duplicates")
        group.add_argument("--across", metavar="CC,CC", help="countries to link to each other")
        group.add_argument(
            "--against",
            metavar="upload:ID",
            help="a partner list of the user's organisation, linked against --countries' cases",
        )
        parser.add_argument(
            "--countries", metavar="CC,CC", help="with --against: whose cases (default: yours)"
        )
        parser.add_argument("--as", dest="username", required=True, help="who runs it")
        parser.add_argument("--threshold", type=float, default=0.5)
        parser.add_argument(
            "--backend",
            choices=model.BACKENDS,
            default=None,
            help=f"the linkage engine (default: {settings.SEEC_LINKAGE_BACKEND}, from "
            "SEEC_LINKAGE_BACKEND)",
        )

    def handle(
        self,
        *args,
        within=None,
        across=None,
        against=None,
        countries=None,
        username=None,
        threshold=0.5,
        backend=None,
        **options,
    ):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {username!r}.")
        partner_list = None
        if against:
            kind = RunKind.AGAINST
            prefix, _colon, number = against.partition(":")
            if prefix != "upload" or not number.isdigit():
                raise CommandError("--against takes upload:<id>, the partner list's number.")
            partner_list = int(number)
            if countries:
                codes = countries.split(",")
            else:
                codes = [user.organisation.country_id] if user.organisation else []
        elif countries:
            raise CommandError("--countries goes with --against only.")
        elif within:
            kind, codes = RunKind.WITHIN, [within]
        else:
            kind, codes = RunKind.ACROSS, across.split(",")
        try:
            run = services.start_run(
                origin=Origin(user),
                kind=kind,
                countries=codes,
                threshold=threshold,
                enqueue=False,  # run here, with the progress bar
                partner_list=partner_list,
            )
        except ValidationError as error:
            raise CommandError(
                "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
            ) from None
        with tqdm(total=100, unit="%", desc="Linkage") as bar:

            def progress(per_cent, stage):
                bar.set_postfix_str(stage)
                bar.update(per_cent - bar.n)

            run = services.execute_run(run, progress=progress, backend=backend)
        if run.status != RunStatus.DONE:
            raise CommandError(run.error)
        self.stdout.write(
            f"Run {run.pk}: {run.records} records, {run.pairs_found} pairs to review "
            f"(training {run.timings.get('train_s')} s, scoring {run.timings.get('predict_s')} s)."
        )
