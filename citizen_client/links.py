"""OpenLink from the agent: only https on allow-listed domains, and only if the
citizen says yes.  Everything else is refused with ``LinkAnswer(opened=False)``
and logged (the domain and the reason, not the path or query)."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote, urlsplit

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

from citizen_client.config import link_allowed
from cobrowse.session import events as ev

log = logging.getLogger(__name__)


def _host(url: str) -> str:
    try:
        return urlsplit(url).hostname or "?"
    except ValueError:
        return "?"


def guide_link(base: str, checklist: str, domains: tuple[str, ...]) -> str:
    """The published guide page of ``checklist`` under ``base`` (the citizen.toml
    ``guide_url``), or "" when there is none or it is not on an allowed domain."""
    if not base or not checklist:
        return ""
    url = f"{base.rstrip('/')}/{quote(checklist, safe='')}.html"
    allowed, reason = link_allowed(url, domains)
    if not allowed:
        log.warning("no guide button: %s is not allowed (%s)", _host(url), reason)
        return ""
    return url


class LinkHandler:
    def __init__(self, view: Any, endpoint: Any, domains: tuple[str, ...]) -> None:
        self._view = view
        self._endpoint = endpoint
        self._domains = domains
        self._pending = ""
        self.open_url = QDesktopServices.openUrl
        view.link_dialog.answered.connect(self.answer)

    def request(self, url: str) -> None:
        allowed, reason = link_allowed(url, self._domains)
        if not allowed:
            log.warning("refused to open a link to %s (%s)", _host(url), reason)
            self._endpoint.send(ev.LinkAnswer(url, False, reason))
            return
        if self._pending:
            self._endpoint.send(ev.LinkAnswer(self._pending, False, "superseded"))
        self._pending = url
        self._view.ask_link(url)

    def open_guide(self, url: str) -> None:
        """The citizen's own "Se vejledningen igen" click: open the guide page (it
        passed the allow-list when the button was made; checked again here)."""
        if url and link_allowed(url, self._domains)[0]:
            opened = bool(self.open_url(QUrl(url)))
            log.info("opened the guide on %s: %s", _host(url), opened)

    def answer(self, yes: bool) -> None:
        url, self._pending = self._pending, ""
        if not url:
            return
        if not yes:
            self._endpoint.send(ev.LinkAnswer(url, False, "declined"))
            return
        opened = bool(self.open_url(QUrl(url)))
        log.info("opened a link to %s: %s", _host(url), opened)
        self._endpoint.send(ev.LinkAnswer(url, opened, "ok" if opened else "failed"))
