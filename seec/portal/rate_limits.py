"""Per-address limits on what the public may send, counted in the project's cache (Redis in
production, shared by the web processes)."""

import time

from django.conf import settings
from django.core.cache import cache


def reports_per_hour() -> int:
    return settings.SEEC_PORTAL_REPORTS_PER_HOUR


def allow(action: str, address: str, per_hour: int) -> bool:
    """Count one `action` from `address` in this hour; False once past `per_hour`."""
    key = f"portal:{action}:{address}:{int(time.time() // 3600)}"
    cache.add(key, 0, 7200)
    try:
        return cache.incr(key) <= per_hour
    except ValueError:  # evicted between add and incr: count afresh
        cache.add(key, 1, 7200)
        return True
