"""The real client address of a request, behind the reverse proxies the operator names and no others.

`X-Forwarded-For` is a header any client can send. It is read only as far as the configuration says it
was written by our own proxies:

- `GUANJIA_TRUSTED_PROXIES` (addresses or networks): the chain (the header's addresses, then the
  connection's own address) is walked from the nearest hop back while the hop is one of our proxies;
  the first address that is not is the client. A connection that does not come from a trusted proxy
  is its own client, whatever header it sends.
- else `GUANJIA_PROXY_COUNT` (N hops, each appending to the header): the address N hops back. It
  cannot tell a connection that bypassed the proxy, so the application port must not be reachable
  from outside (README, Operations).
- neither: the connection's own address (`REMOTE_ADDR`).
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[ipaddress._BaseNetwork, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _parse(text: str):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def client_address(request) -> str | None:
    """The address to count sign-in failures against and to write in the logs (None: unknown)."""
    if request is None:
        return None
    remote = _parse(request.META.get("REMOTE_ADDR", ""))
    trusted = _networks(tuple(settings.GUANJIA_TRUSTED_PROXIES))
    hops = settings.GUANJIA_PROXY_COUNT
    if remote is None or not (trusted or hops):
        return str(remote) if remote else None
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    chain = [*(_parse(part) for part in forwarded.split(",") if part.strip()), remote]
    if trusted:
        client = remote
        for hop in reversed(chain):
            if hop is None:  # a malformed entry: nothing beyond it can be believed
                break
            client = hop
            if not any(hop in network for network in trusted):
                break
        return str(client)
    if len(chain) <= hops or chain[-(hops + 1)] is None:
        return str(remote)
    return str(chain[-(hops + 1)])
