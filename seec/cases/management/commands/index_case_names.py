"""`manage.py index_case_names`: (re)build name search's index for every existing case."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _
from tqdm import tqdm

from seec.cases import name_index, names
from seec.cases.importer import refresh_statistics
from seec.cases.models import Case, SearchName, SearchToken

BATCH = 2000


class Command(BaseCommand):
    help = (
        "Point every case at its search name and give every name its words, as opening a case "
        "does: after an upgrade that changed the index, or cases written around the services. "
        "Runs in batches (each its own transaction) and can be stopped and run again."
    )

    def handle(self, *args, **options):
        quiet = options["verbosity"] < 1
        fields = ("organisation_id", "country_id", "given_names", "family_name", "names_latin",
                  "other_names", "search_name_id")  # fmt: skip
        cases = Case.objects.only(*fields).order_by("pk")
        with tqdm(total=cases.count(), unit="case", desc=_("Cases"), disable=quiet) as bar:
            last = 0
            while True:
                batch = list(cases.filter(pk__gt=last)[:BATCH])
                if not batch:
                    break
                with transaction.atomic():
                    before = {case.pk: (case.search_name_id, case.names_latin) for case in batch}
                    name_index.attach_search_names(batch)
                    changed = [
                        case for case in batch
                        if before[case.pk] != (case.search_name_id, case.names_latin)
                    ]  # fmt: skip
                    Case.objects.bulk_update(changed, ["search_name", "names_latin"])
                    name_index.drop_unused({old for old, _latin in before.values() if old})
                last = batch[-1].pk
                bar.update(len(batch))
        # Names made before their words were indexed (by an older release) get them now.
        wordless = (
            SearchName.objects.filter(tokens__isnull=True)
            .order_by("pk")
            .values_list("pk", "organisation_id", "forms")
        )
        with tqdm(total=wordless.count(), unit="name", desc=_("Names"), disable=quiet) as bar:
            last = 0
            # (by id: a name whose words are all initials has none, and stays wordless)
            while batch := list(wordless.filter(pk__gt=last)[:BATCH]):
                with transaction.atomic():
                    name_index.index_words(
                        {pk: (org, names.tokens_of_forms(forms)) for pk, org, forms in batch}
                    )
                last = batch[-1][0]
                bar.update(len(batch))
        with transaction.atomic():
            name_index.drop_unused(
                SearchName.objects.filter(cases__isnull=True).values_list("pk", flat=True)
            )
            name_index.drop_words(
                SearchToken.objects.filter(names__isnull=True).values_list("pk", flat=True)
            )
            name_index.drop_keys_without_words()
        refresh_statistics()
