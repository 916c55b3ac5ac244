"""A cap on requests to the lobby's public pages and API per client address, so a broken terminal or a
scraper cannot make the court's busiest public page its slowest.

Unlike the progress query's throttle (``portal.throttle``), which counts failed guesses in the database
because a guess must never be answered past its limit in any process, this one counts every request and
only protects the server: a fixed one-minute window per address in Django's cache. With the default cache
(per process) each web process counts on its own, so the cap is per process; a shared cache (``CACHES``
pointing at Redis) makes it one count for the site. A request that writes nothing stays that way: no
database row per request.

The cap is the setting ``LOBBY_REQUESTS_PER_MINUTE`` (environment; 120 by default: the screen asks once per
page, every 5 seconds at the fastest, and a hall's terminals often share one address).
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

WINDOW_SECONDS = 60


def wait_seconds(client_ip: str) -> int | None:
    """Count one request from this address; the seconds to wait if it is over the cap, else None."""
    now = int(timezone.now().timestamp())
    window = now // WINDOW_SECONDS
    key = f"lobby-requests:{client_ip}:{window}"
    if cache.add(key, 1, timeout=WINDOW_SECONDS * 2):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=WINDOW_SECONDS * 2)
            count = 1
    if count <= settings.LOBBY_REQUESTS_PER_MINUTE:
        return None
    return (window + 1) * WINDOW_SECONDS - now or 1
