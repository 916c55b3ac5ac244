"""The address of the client a request came from, the one way every throttle reads it.

The parties' progress query (``portal.progress``) and staff sign-in (django-axes, setting
``AXES_CLIENT_IP_CALLABLE``) count failures by this address, so both see a client the same way.

The address is ``REMOTE_ADDR`` unless the setting ``TRUSTED_PROXY_COUNT`` (environment, default 0) says how
many reverse proxies of our own stand in front of the application. With N > 0, the address is the N-th
entry of ``X-Forwarded-For`` counted from the right: each trusted proxy appends the address it received
the request from, so that entry was written by our outermost proxy, and everything left of it is whatever
the client sent (anyone can forge it, so it is never used). A header with fewer than N entries did not
pass through all our proxies: ``REMOTE_ADDR`` is used. With 0, ``X-Forwarded-For`` is ignored; behind a
reverse proxy every client then shares the proxy's address and its limits. Set N exactly: too high lets
clients choose their address (and escape a per-address limit), too low puts everyone behind the proxy
under one limit. An IPv6 client is counted by its /64 network, which a single subscriber usually holds
whole.
"""

import ipaddress
from typing import Any

from django.conf import settings

# The key of clients without a usable address (not a bind address).
NO_ADDRESS = "0.0.0.0"  # noqa: S104


def client_address(request: Any) -> str:
    """REMOTE_ADDR, or with ``TRUSTED_PROXY_COUNT`` = N > 0 the N-th X-Forwarded-For entry from the
    right; IPv6 by its /64. ``request`` is Django's or DRF's request (anything with ``META``)."""
    meta = request.META
    raw = meta.get("REMOTE_ADDR", "")
    trusted = settings.TRUSTED_PROXY_COUNT
    if trusted > 0:
        hops = [hop.strip() for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [hop for hop in hops if hop]
        if len(hops) >= trusted:
            raw = hops[-trusted]
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return NO_ADDRESS
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return str(address)
