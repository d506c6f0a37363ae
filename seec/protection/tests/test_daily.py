from datetime import timedelta
from io import StringIO

from django.core.management import call_command

from seec.protection.models import PersonOfInterest

from .conftest import TODAY
from .test_persons_of_interest import person


def test_the_daily_command_purges_a_person_past_its_limit(people):
    gone = person(people["gr_police"], keep_days=1)
    PersonOfInterest.objects.filter(pk=gone.pk).update(retain_until=TODAY() - timedelta(days=0))
    out = StringIO()
    call_command("protection_daily", stdout=out)
    assert "purged 1 persons" in out.getvalue()
    assert not PersonOfInterest.objects.exists()
