"""The public pages that everyone sees alike (the live alerts, an alert's page, the feed) are
served from the cache, per language, and leave it the moment an alert is issued, updated or
cancelled or a child published or withdrawn; a copy sets no cookie and makes no database
query; a signed-in user, a made-up query string and the setting at 0 go past the cache."""

import html
import time

import pytest
from django.test import Client
from django.urls import reverse

from seec.alerts import services as alert_services
from seec.alerts.models import AlertText
from seec.alerts.tests.conftest import AREA, all_met
from seec.core.audit import Origin
from seec.portal.tests.test_published_children import missing_case, publish  # noqa: F401

pytestmark = pytest.mark.django_db

PAGES = ["portal:home", "alerts:feed", "alerts:public_list"]


@pytest.fixture(autouse=True)
def shared_cache(settings):
    settings.SEEC_PUBLIC_PAGE_CACHE_SECONDS = 300


def page(path: str, client=None, **headers) -> str:
    response = (client or Client()).get(path, **headers)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def pages_of(alert) -> list[str]:
    return [reverse(name) for name in PAGES] + [
        reverse(name, args=[alert.reference]) for name in ("portal:alert", "alerts:public")
    ]


NEW_HEADLINES = {"en": "Seen near the port of Piraeus", "el": "Θεάθηκε κοντά στο λιμάνι"}


def test_a_page_is_served_from_the_cache_until_the_alert_changes(live_alert, police):
    for path in pages_of(live_alert):
        assert live_alert.reference in page(path)
    # Behind the services' back (no signal): the cached pages do not see it.
    AlertText.objects.filter(alert=live_alert).update(headline="Changed behind the cache's back")
    for path in pages_of(live_alert):
        assert "Changed behind" not in page(path), path
    # Updated through the service: every page shows it at once.
    languages = set(live_alert.texts.values_list("language", flat=True))
    assert languages <= set(NEW_HEADLINES)
    alert_services.update_alert(
        live_alert,
        origin=Origin(police),
        texts={language: {"headline": NEW_HEADLINES[language]} for language in languages},
        reason="New sighting",
    )
    for path in pages_of(live_alert):
        shown = page(path)
        assert "Changed behind" not in shown, path
        assert any(headline in shown for headline in NEW_HEADLINES.values()), path


def test_an_alert_issued_or_cancelled_shows_at_once(live_alert, case, manager, police):
    home, feed = reverse("portal:home"), reverse("alerts:feed")
    assert live_alert.reference in page(home)
    alert_services.cancel_alert(live_alert, origin=Origin(police), reason="Found safe")
    assert live_alert.reference not in page(home)
    for name in ("portal:alert", "alerts:public"):
        assert Client().get(reverse(name, args=[live_alert.reference])).status_code == 410
    requested = alert_services.request_alert(
        case, origin=Origin(manager), answers=all_met(), **AREA
    )
    page(feed)
    issued = alert_services.approve_alert(requested, origin=Origin(police))
    assert issued.reference in page(home)
    assert issued.reference in page(feed)


def test_a_child_published_or_withdrawn_shows_at_once(region, missing_case):  # noqa: F811
    from seec.core.audit import Origin as By
    from seec.core.models import RoleCode
    from seec.portal import services

    home = reverse("portal:home")
    page(home)
    manager = region.users[RoleCode.CASE_MANAGER]
    publication = publish(missing_case, manager)
    assert reverse("portal:missing", args=[publication.slug]) in page(home)
    services.withdraw_publication(publication, origin=By(manager), reason="Found")
    assert reverse("portal:missing", args=[publication.slug]) not in page(home)


def test_a_kept_page_is_served_without_a_query(live_alert, django_assert_num_queries):
    # What a reader following a broadcast opens: the second reader's copy costs no database.
    for path in pages_of(live_alert):
        page(path)
        with django_assert_num_queries(0):
            assert live_alert.reference in page(path), path


def test_an_alert_page_is_kept_per_language_asked_for(live_alert):
    path = reverse("alerts:public", args=[live_alert.reference])
    languages = list(live_alert.texts.values_list("language", flat=True))
    shown = {language: page(f"{path}?lang={language}") for language in languages}
    for language in languages:
        text = live_alert.texts.get(language=language)
        assert text.headline in shown[language]
        assert text.headline in page(f"{path}?lang={language}")


def test_each_language_is_kept_apart(live_alert):
    home = reverse("portal:home")
    english = page(home, HTTP_ACCEPT_LANGUAGE="en")
    greek = page(home, HTTP_ACCEPT_LANGUAGE="el")
    assert '<html lang="en"' in english and '<html lang="el"' in greek
    assert '<html lang="en"' in page(home, HTTP_ACCEPT_LANGUAGE="en")


def test_a_copy_sets_no_cookie_and_the_language_switch_needs_no_token(live_alert):
    home = reverse("portal:home")
    page(home)
    visitor = Client(enforce_csrf_checks=True)
    for path in pages_of(live_alert):
        copy = visitor.get(path)
        assert copy.status_code == 200
        assert not copy.cookies, path
        assert "Set-Cookie" not in copy, path
        assert b"csrfmiddlewaretoken" not in copy.content, path
    switched = visitor.post(reverse("portal:language"), {"language": "el", "next": home})
    assert switched.status_code == 302 and switched["Location"] == home
    assert '<html lang="el"' in page(home, visitor)
    refused = visitor.post(reverse("portal:language"), {"language": "xx", "next": home})
    assert refused.status_code == 400 and refused.content.endswith(b": xx")  # in Greek now
    elsewhere = visitor.post(
        reverse("portal:language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert elsewhere["Location"] == home


def test_a_copy_is_served_without_a_database_query(live_alert):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for path in pages_of(live_alert):
        rendered = Client().get(path)
        with CaptureQueriesContext(connection) as queries:
            copy = Client().get(path)
        assert copy.content == rendered.content, path
        assert len(queries) == 0, (path, [q["sql"] for q in queries])


def test_a_change_made_by_another_process_shows_within_the_bound(live_alert, settings):
    """Another web process raises the generation in the shared cache: this one serves its
    copy from memory until it reads the generation again, SEEC_PUBLIC_PAGE_LOCAL_SECONDS at
    most; the process that makes a change drops its copies at once (the tests above)."""
    from django.core.cache import cache

    from seec.core.public_cache import GENERATION_KEY

    settings.SEEC_PUBLIC_PAGE_LOCAL_SECONDS = 2
    home = reverse("portal:home")
    page(home)
    AlertText.objects.filter(alert=live_alert).update(headline="Changed in another process")
    cache.incr(GENERATION_KEY)  # as invalidate() there: this process's memory is not told
    assert "Changed in another" not in page(home)
    time.sleep(2)
    assert "Changed in another" in page(home)


def test_the_feed_answers_not_modified_to_a_reader_who_has_it(live_alert):
    feed = reverse("alerts:feed")
    first = Client().get(feed)
    etag = first["ETag"]
    again = Client().get(feed, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert Client().get(feed, HTTP_IF_NONE_MATCH='"other"').content == first.content


def test_made_up_queries_and_signed_in_users_go_past_the_cache(live_alert, client, manager):
    home = reverse("portal:home")
    page(home)
    AlertText.objects.filter(alert=live_alert).update(headline="Not yet in the cache")
    assert "Not yet in the cache" not in page(home)
    assert "Not yet in the cache" in page(f"{home}?utm_source=spam")
    client.force_login(manager)
    assert "Not yet in the cache" in page(home, client)


def test_the_cache_can_be_turned_off(live_alert, settings):
    settings.SEEC_PUBLIC_PAGE_CACHE_SECONDS = 0
    home = reverse("portal:home")
    page(home)
    AlertText.objects.filter(alert=live_alert).update(headline="Seen at once")
    assert "Seen at once" in page(home)


def test_the_hotline_directory_is_cached_until_a_hotline_fact_changes(region):
    import datetime

    from seec.network.models import HotlineFact, HotlineStage

    path = reverse("portal:hotlines")
    fact = HotlineFact.objects.create(
        country_id="GR",
        effective_from=datetime.date(2020, 1, 1),
        stage=HotlineStage.OPERATIONAL,
        hours="Every day, 9 to 17",
    )
    assert "Every day, 9 to 17" in page(path)
    # Behind the models' back (no signal): the cached page does not see it.
    HotlineFact.objects.filter(pk=fact.pk).update(hours="Answered day and night by owls")
    assert "Answered day and night by owls" not in page(path)
    # Recorded as the network app records it (a new dated fact): shown at once.
    HotlineFact.objects.create(
        country_id="GR",
        effective_from=datetime.date(2021, 1, 1),
        stage=HotlineStage.OPERATIONAL,
        hours="Day and night",
    )
    assert "Day and night" in page(path)


def test_the_regional_centres_pages_are_cached_until_their_records_change(region):
    import datetime

    from seec.core.models import RoleCode
    from seec.network.models import Activity, ActivityKind, Partner, PartnerKind
    from seec.portal import services
    from seec.portal.models import NetworkItemKind

    coordinator = region.users[RoleCode.REGIONAL_COORDINATOR]
    partners, news = reverse("portal:partners"), reverse("portal:news")
    partner = Partner.objects.create(name="Smile of the Child", kind=PartnerKind.NGO)
    event = Activity.objects.create(
        kind=ActivityKind.FORUM,
        title="Forum on missing children",
        starts_on=datetime.date(2099, 3, 1),
        ends_on=datetime.date(2099, 3, 2),
        created_by=coordinator,
    )
    assert "Smile of the Child" not in page(partners)
    assert "Forum on missing children" not in page(news)
    for kind, record in ((NetworkItemKind.PARTNER, partner), (NetworkItemKind.ACTIVITY, event)):
        services.publish_network_item(origin=Origin(coordinator), kind=kind, record=record)
    assert "Smile of the Child" in page(partners)
    assert "Forum on missing children" in page(news)
    # A published record changed: its public fields show the change at once.
    partner.name = "The Smile of the Child"
    partner.save()
    assert "The Smile of the Child" in page(partners)
    event.countries.add("RS")
    assert "Serbia" in page(news)
    assert "The Smile of the Child" in page(partners)
    Partner.objects.filter(pk=partner.pk).update(name="Behind the cache's back")
    assert "Behind the cache" not in page(partners)


def test_a_copy_served_before_the_middleware_stack_carries_the_pages_headers(
    live_alert, monkeypatch
):
    from seec.core.public_cache import PublicPageCacheMiddleware

    served = []
    serve = PublicPageCacheMiddleware.serve

    def spy(self, request, kept, language):
        served.append(request.path)
        return serve(self, request, kept, language)

    monkeypatch.setattr(PublicPageCacheMiddleware, "serve", spy)
    for path in pages_of(live_alert):
        client = Client()
        rendered = client.get(path, HTTP_ACCEPT_LANGUAGE="el")
        copy = client.get(path, HTTP_ACCEPT_LANGUAGE="el")
        assert served[-1:] == [path], path  # the second one never reached the view
        assert copy.status_code == rendered.status_code == 200
        assert {h: v for h, v in copy.items() if h != "Set-Cookie"} == {
            h: v for h, v in rendered.items() if h != "Set-Cookie"
        }, path
        assert copy.content == rendered.content, path


def test_a_visitor_with_a_session_goes_the_whole_way(live_alert, monkeypatch, region):
    from seec.core.public_cache import PublicPageCacheMiddleware

    monkeypatch.setattr(
        PublicPageCacheMiddleware, "serve", lambda *a: pytest.fail("served a signed-in user")
    )
    client = Client()
    client.get(reverse("portal:home"))
    client.force_login(region.users["case_manager"])
    assert client.get(reverse("portal:home")).status_code == 200


def test_under_asgi_a_copy_is_served_in_the_event_loop(live_alert, monkeypatch):
    """uvicorn (docs/operations.md): the copy answered by the middleware's async path, the
    same page and headers as the one rendered, no query, no cookie."""
    from asgiref.sync import async_to_sync
    from django.db import connection
    from django.test import AsyncClient
    from django.test.utils import CaptureQueriesContext

    from seec.core.public_cache import PublicPageCacheMiddleware

    served = []
    acall = PublicPageCacheMiddleware.serve

    def spy(self, request, kept, language):
        served.append(request.path)
        return acall(self, request, kept, language)

    monkeypatch.setattr(PublicPageCacheMiddleware, "serve", spy)
    for path in pages_of(live_alert):
        rendered = async_to_sync(AsyncClient().get)(path)
        with CaptureQueriesContext(connection) as queries:
            copy = async_to_sync(AsyncClient().get)(path)
        assert served[-1:] == [path], path
        assert copy.status_code == rendered.status_code == 200
        assert copy.content == rendered.content, path
        assert dict(copy.items()) == dict(rendered.items()), path
        assert not copy.cookies and len(queries) == 0, path
