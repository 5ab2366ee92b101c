"""The real client address: the connection's own unless a configured proxy vouches for the header."""

import pytest
from django.test import RequestFactory

from guanjia.accounts.addresses import client_address


def request(remote, forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_without_proxies_the_header_is_ignored(settings):
    settings.GUANJIA_TRUSTED_PROXIES, settings.GUANJIA_PROXY_COUNT = [], 0
    assert client_address(request("203.0.113.9", "1.2.3.4")) == "203.0.113.9"


@pytest.mark.parametrize(("remote", "forwarded", "client"), [
    ("10.0.0.2", "198.51.100.7", "198.51.100.7"),  # through our proxy
    ("10.0.0.2", "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # a client's own header is not believed
    ("10.0.0.2", "198.51.100.7, 10.0.0.3", "198.51.100.7"),  # two of our proxies in a row
    ("203.0.113.9", "1.2.3.4", "203.0.113.9"),  # not from our proxy: its header means nothing
    ("10.0.0.2", "junk, 198.51.100.7", "198.51.100.7"),
    ("10.0.0.2", "198.51.100.7, junk", "10.0.0.2"),  # a malformed hop: nothing beyond it is believed
    ("10.0.0.2", None, "10.0.0.2"),
])
def test_trusted_proxies(settings, remote, forwarded, client):
    settings.GUANJIA_TRUSTED_PROXIES, settings.GUANJIA_PROXY_COUNT = ["10.0.0.0/24"], 0
    assert client_address(request(remote, forwarded)) == client


def test_hop_count(settings):
    settings.GUANJIA_TRUSTED_PROXIES, settings.GUANJIA_PROXY_COUNT = [], 1
    assert client_address(request("10.0.0.2", "6.6.6.6, 198.51.100.7")) == "198.51.100.7"
    assert client_address(request("10.0.0.2")) == "10.0.0.2"
