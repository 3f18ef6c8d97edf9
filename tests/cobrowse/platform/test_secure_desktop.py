"""The secure-desktop watch: changes are reported once, and reach the agent's session."""

from __future__ import annotations

import threading
from typing import Any

from platform_fakes import fake_dlls

from citizen_client.netside import ScreenShare
from cobrowse.platform.securedesktop import SecureDesktopWatch
from cobrowse.platform.windows import WindowsPlatform
from cobrowse.session import events as ev


def test_each_change_is_reported_once() -> None:
    answers = iter([False, True, True, False, True])
    told: list[bool] = []
    watch = SecureDesktopWatch(lambda: next(answers), told.append)
    for _ in range(5):
        watch.poll()
    assert told == [True, False, True]


def test_after_a_resume_a_shown_prompt_is_reported_again() -> None:
    told: list[bool] = []
    watch = SecureDesktopWatch(lambda: True, told.append)
    watch.poll()
    watch.poll()
    watch.forget()
    watch.poll()
    assert told == [True, True]


def test_no_secure_desktop_on_this_platform_ends_the_thread() -> None:
    watch = SecureDesktopWatch(lambda: None, lambda active: None)
    watch.start()
    thread = watch._thread
    assert thread is not None
    thread.join(10)
    assert not thread.is_alive()


class Endpoint:
    def __init__(self) -> None:
        self.sent: list[Any] = []
        self.got = threading.Event()

    def send(self, msg: Any) -> None:
        self.sent.append(msg)
        self.got.set()

    def send_frame(self, frame_id: int, payload: bytes) -> None:
        pass


class Streamer:
    def __init__(self, **kwargs: Any) -> None:
        pass

    def start(self) -> None: ...
    def stop(self) -> None: ...
    def current_monitor(self) -> int:
        return 0


def test_the_uac_prompt_reaches_the_agent_while_sharing() -> None:
    dlls = fake_dlls()
    windows = WindowsPlatform(dlls)
    dlls.user32.desktop = "Winlogon"  # the citizen's PC shows the UAC prompt
    endpoint = Endpoint()
    share = ScreenShare(endpoint, Streamer, windows.secure_desktop)
    share.start()
    try:
        assert endpoint.got.wait(10)
    finally:
        share.stop()
    assert endpoint.sent == [ev.SecureDesktop(True)]


def test_a_prompt_shown_during_a_pause_is_reported_after_it() -> None:
    endpoint = Endpoint()
    share = ScreenShare(endpoint, None, lambda: True)
    share._watch.poll()  # type: ignore[union-attr]
    share.resume()  # the first report went nowhere while paused: it is sent again
    share._watch.poll()  # type: ignore[union-attr]
    assert endpoint.sent == [ev.SecureDesktop(True), ev.SecureDesktop(True)]
