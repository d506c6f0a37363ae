"""After SECRET_KEY is rotated: seal every matching agreement's key under the new one, so
that the old key can leave SECRET_KEY_FALLBACKS without losing any agreement's key."""

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from seec.linkage import agreement_keys
from seec.linkage.models import MatchingAgreement


class Command(BaseCommand):
    help = "Seal every matching agreement's key under the current SECRET_KEY."

    def handle(self, *args, **options):
        resealed = current = 0
        agreements = MatchingAgreement.objects.exclude(sealed_key="").only(
            "reference", "sealed_key"
        )
        with transaction.atomic():
            for agreement in agreements.select_for_update():
                try:
                    _key, sealed = agreement_keys.open_sealed(
                        agreement.sealed_key, agreement.reference
                    )
                except ImproperlyConfigured as error:  # say which agreement, then stop
                    raise CommandError(f"Agreement {agreement.pk}: {error}") from None
                if sealed is None:
                    current += 1
                    continue
                MatchingAgreement.objects.filter(pk=agreement.pk).update(sealed_key=sealed)
                resealed += 1
        self.stdout.write(
            f"{resealed} agreement keys sealed anew; {current} were under the current key."
        )
