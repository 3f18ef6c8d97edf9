"""OpenLink: refused outside the allow-list, asked and opened inside it."""

from __future__ import annotations

from typing import Any

from citizen_fakes import OFFSCREEN, to_sharing

from citizen_client.app import CitizenApp
from cobrowse.session import events as ev

pytestmark = OFFSCREEN


def test_link_outside_allow_list_is_refused_without_asking(
    citizen: CitizenApp, caplog: Any
) -> None:
    to_sharing(citizen)
    citizen.handle(ev.OpenLink("https://evil.example.com/login?x=1"))
    assert citizen.endpoint.sent[-1] == ev.LinkAnswer(
        "https://evil.example.com/login?x=1", False, "not_allowed"
    )
    assert not citizen.view.link_dialog.isVisible()
    assert "evil.example.com" in caplog.text and "x=1" not in caplog.text


def test_plain_http_is_refused(citizen: CitizenApp) -> None:
    to_sharing(citizen)
    citizen.handle(ev.OpenLink("http://www.borger.dk/"))
    assert citizen.endpoint.sent[-1].reason == "not_https"


def test_allowed_link_is_asked_then_opened(citizen: CitizenApp) -> None:
    opened: list[str] = []
    citizen.links.open_url = lambda url: opened.append(url.toString()) or True
    to_sharing(citizen)
    citizen.handle(ev.OpenLink("https://www.borger.dk/familie"))
    d = citizen.view.link_dialog
    assert d.isVisible()
    assert d.question.text() == "Anna Jensen vil gerne åbne denne side:"
    assert d.detail.text().replace("\u200b", "") == "https://www.borger.dk/familie"
    assert (d.yes.text(), d.no.text()) == ("Åbn", "Nej")
    d.yes.click()
    assert opened == ["https://www.borger.dk/familie"]
    assert citizen.endpoint.sent[-1] == ev.LinkAnswer("https://www.borger.dk/familie", True, "ok")


def test_declined_link(citizen: CitizenApp) -> None:
    to_sharing(citizen)
    citizen.handle(ev.OpenLink("https://www.skat.dk/"))
    citizen.view.link_dialog.no.click()
    assert citizen.endpoint.sent[-1] == ev.LinkAnswer("https://www.skat.dk/", False, "declined")


def test_escape_in_a_dialog_means_no(citizen: CitizenApp, qtbot: Any) -> None:
    to_sharing(citizen)
    citizen.handle(ev.ConsentRequest("control"))
    from PySide6.QtCore import Qt

    qtbot.keyClick(citizen.view.control_dialog, Qt.Key.Key_Escape)
    assert citizen.endpoint.sent[-1] == ev.ConsentDeny("control")


def test_enter_presses_the_focused_button(citizen: CitizenApp, qtbot: Any) -> None:
    from PySide6.QtCore import Qt

    to_sharing(citizen)
    citizen.handle(ev.ConsentRequest("control"))
    d = citizen.view.control_dialog
    d.no.setFocus()
    qtbot.keyClick(d.no, Qt.Key.Key_Return)
    assert citizen.endpoint.sent[-1] == ev.ConsentDeny("control")


def test_every_control_has_an_accessible_name(citizen: CitizenApp) -> None:
    from PySide6.QtWidgets import QAbstractButton, QLabel

    to_sharing(citizen)
    v = citizen.view
    for top in (v.window, v.bar, v.banner, v.view_dialog, v.control_dialog, v.link_dialog):
        for w in top.findChildren(QAbstractButton) + top.findChildren(QLabel):
            assert w.accessibleName(), f"{type(w).__name__} in {top.objectName()}"
