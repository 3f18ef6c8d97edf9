"""The practice form's web server (cobrowse.local.site)."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from cobrowse.local.site import PRACTICE_DIR, PracticeSite


@pytest.fixture
def site() -> Iterator[PracticeSite]:
    s = PracticeSite()
    yield s
    s.stop()


def loopback(url: str) -> str:
    """The same address with 127.0.0.1 for the name (urllib does not resolve
    *.localhost by itself as Chromium does)."""
    return url.replace("selvbetjening.localhost", "127.0.0.1")


def test_serves_the_practice_form_under_a_web_address(site: PracticeSite) -> None:
    assert site.url.startswith("http://selvbetjening.localhost:")
    with urllib.request.urlopen(loopback(site.url), timeout=10) as answer:
        assert answer.headers["Content-Type"] == "text/html; charset=utf-8"
        assert answer.read() == (PRACTICE_DIR / "selfservice.html").read_bytes()


@pytest.mark.parametrize("path", ["/", "/selfservice.html", "/../site.py", "/ansoeg/x"])
def test_serves_nothing_else(site: PracticeSite, path: str) -> None:
    base = loopback(site.url).removesuffix("/ansoeg")
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(base + path, timeout=10)
    assert err.value.code == 404


def test_stop_frees_the_port_and_may_come_twice(site: PracticeSite) -> None:
    site.stop()
    site.stop()
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(loopback(site.url), timeout=10)
