"""The client's network address, behind the reverse proxies this installation trusts.

Sign-in lock-out, rate limits and the audit trail all key on it (django-axes calls
`client_address` through AXES_CLIENT_IP_CALLABLE). A request that comes straight from the
internet is its REMOTE_ADDR, whatever X-Forwarded-For it carries (anyone can write that
header). A request from a trusted proxy (`SEEC_TRUSTED_PROXIES`: addresses or networks) is the
right-most address of X-Forwarded-For that is not itself a trusted proxy: each proxy appends
the address it was reached from, so everything left of that is the client's own claim.
Without it, everyone behind the proxy would be one address, and five typos would lock all.
"""

import ipaddress
from functools import cache

from django.conf import settings


@cache
def _trusted_networks(spec: tuple[str, ...]):
    return tuple(ipaddress.ip_network(item, strict=False) for item in spec)


def _parse(text: str):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address) -> bool:
    networks = _trusted_networks(tuple(settings.SEEC_TRUSTED_PROXIES))
    return address is not None and any(address in network for network in networks)


def client_address(request) -> str | None:
    remote = _parse(request.META.get("REMOTE_ADDR", ""))
    if not _trusted(remote):
        return remote.compressed if remote else None
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [_parse(part) for part in forwarded.split(",") if part.strip()]
    for hop in reversed(hops):
        if hop is None:
            break  # a hop that is no address: nothing further left can be believed
        if not _trusted(hop):
            return hop.compressed
    return remote.compressed
