"""From the authority's approval to the CAP message on the feed: p50/p95 over 100 alerts.

Each alert is requested beforehand (not timed); the timed part is what happens when the
authority presses Approve: the approval page's POST (criteria checked, CAP Alert written,
signed, validated against the OASIS schema, stored, the outbox entry written), then the Atom
feed fetched until it lists the new message, and the message fetched. All through Django's
test client (the whole stack). Baseline in the same run: the same POST with the CAP step left
out (status and audit only), to show what signing and validation cost.

Goal (issue 4): p95 ≤ 200 ms.
"""

from unittest import mock

from harness import goal, greek_alert_request, latency_summary, say, seed_region, size, stopwatch

ALERTS = size("BENCH_ALERTS", 100, smoke=3)


def run(engine: str) -> dict:
    from django.test import Client

    from seec.alerts import services
    from seec.core.models import User

    seed_region("alerts")

    def requested(n):
        return greek_alert_request(n, "Μαρία", "Athens")

    def approval(alert) -> dict:
        """What the approval form posts: the duration and each language's texts as shown."""
        data = {"hours": 6, "override_reason": ""}
        for text in alert.texts.all():
            for field in ("headline", "description", "instruction"):
                data[f"{text.language}_{field}"] = getattr(text, field)
        return data

    police = Client()
    police.force_login(User.objects.get(username="police.gr"))
    public = Client()
    times = []
    for n in range(ALERTS):
        alert = requested(n)
        with stopwatch() as elapsed:
            response = police.post(f"/alerts/manage/{alert.pk}/approve/", approval(alert))
            assert response.status_code == 302, response.status_code
            identifier = alert.messages.get().identifier
            feed = public.get("/alerts/feed.atom").content.decode()
            assert identifier in feed
            assert public.get(f"/alerts/{identifier}.xml").status_code == 200
        times.append(elapsed())
    platform = latency_summary(times)
    say(f"   approve → on the feed: {platform}")

    # Baseline: the same approval with the CAP message step replaced by nothing.
    baseline_times = []
    with mock.patch.object(services, "issue_message", lambda alert, msg_type: _Stub()):
        for n in range(ALERTS // 2):
            alert = requested(ALERTS + n)
            with stopwatch() as elapsed:
                response = police.post(f"/alerts/manage/{alert.pk}/approve/", approval(alert))
                assert response.status_code == 302
            baseline_times.append(elapsed())
    baseline = latency_summary(baseline_times)
    say(f"   baseline (approval without CAP): {baseline}")
    return {
        "data": {"alerts": ALERTS, "feed_entries_at_end": ALERTS},
        "platform": platform,
        "baseline": {"name": "approval without the CAP step", **baseline},
        "goals": [goal("p95_ms", platform["p95_ms"], "<=", 200)],
    }


class _Stub:
    identifier = "none"
