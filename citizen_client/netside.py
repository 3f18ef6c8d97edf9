"""What runs off the GUI thread: routing endpoint events, and the screen streamer.

:class:`NetRouter` is the endpoint's ``on_event``; it runs **on the network
thread**.  Input messages go straight to the injector there (the injector's
consent gate reads the session state at that moment, so input that was queued
behind a revoke is refused); frame acks go to the streamer; everything else is
handed to the GUI through ``post`` (a queued Qt signal).  Nothing here imports Qt.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol

from cobrowse.control import Injector
from cobrowse.platform.securedesktop import SecureDesktopWatch
from cobrowse.session import events as ev
from cobrowse.session.endpoint import PeerLeft, Reconnecting

log = logging.getLogger(__name__)
Rect = tuple[int, int, int, int]


class Streamer(Protocol):
    """What the citizen client needs of ``cobrowse.screen.streamer.ScreenStreamer``."""

    def start(self) -> None: ...
    def stop(self) -> None: ...
    def ack(self, frame_id: int, held: float = 0.0) -> object: ...
    def pause(self) -> None: ...
    def resume(self) -> None: ...
    def reset(self) -> None: ...
    def request_keyframe(self) -> None: ...
    def select_monitor(self, index: int) -> object: ...
    def current_monitor(self) -> int: ...
    def monitors(self) -> list[Any]: ...


StreamerFactory = Callable[..., Streamer]


def default_streamer_factory() -> StreamerFactory | None:
    """The real streamer, or None if the screen engine is not installed."""
    try:
        from cobrowse.screen.streamer import ScreenStreamer
    except ImportError:
        log.warning("screen streaming is not available in this build")
        return None
    return ScreenStreamer


def desktop_monitors() -> list[Rect]:
    """The physical monitors as (x, y, w, h), via mss (used without a streamer)."""
    try:
        import mss

        with getattr(mss, "MSS", mss.mss)() as grab:
            return [(m["left"], m["top"], m["width"], m["height"]) for m in grab.monitors[1:]]
    except Exception:  # noqa: BLE001 - no display: report none rather than crash
        log.warning("could not list the monitors")
        return []


class ScreenShare:
    """Starts, pauses and stops screen streaming into an endpoint; while it streams,
    ``secure_desktop`` (the platform's check, if any) is watched and each change sent."""

    def __init__(
        self,
        endpoint: Any,
        factory: StreamerFactory | None,
        secure_desktop: Callable[[], bool | None] | None = None,
    ) -> None:
        self._endpoint = endpoint
        self._factory = factory
        self._watch = (
            SecureDesktopWatch(secure_desktop, self._secure_desktop) if secure_desktop else None
        )
        self._streamer: Streamer | None = None
        self._selected = False
        self.current = 0
        self.hidden: Callable[[], Any] | None = None  # our own windows, hatched out

    @property
    def running(self) -> bool:
        return self._streamer is not None

    def start(self) -> None:
        if self._streamer is not None or self._factory is None:
            return
        self._streamer = self._factory(
            on_frame=self._endpoint.send_frame,
            on_cursor=self._cursor,
            on_cursor_shape=self._cursor_shape,
            hidden=self.hidden,
        )
        if self._selected:
            self._streamer.select_monitor(self.current)
        else:
            self.current = self._streamer.current_monitor()
        self._streamer.start()
        if self._watch is not None:
            self._watch.start()

    def stop(self) -> None:
        streamer, self._streamer = self._streamer, None
        if self._watch is not None:
            self._watch.stop()
        if streamer is not None:
            streamer.stop()

    def pause(self) -> None:
        if self._streamer is not None:
            self._streamer.pause()

    def resume(self) -> None:
        if self._streamer is not None:
            self._streamer.resume()
        if self._watch is not None:
            self._watch.forget()  # a prompt shown during the pause was dropped: say it again

    def ack(self, frame_id: int, held: float = 0.0) -> None:
        if self._streamer is not None:
            self._streamer.ack(frame_id, held)

    def request_keyframe(self) -> None:
        """The agent lost its picture (KeyframeRequest): send the whole screen again."""
        if self._streamer is not None:
            self._streamer.request_keyframe()

    def reset(self) -> None:
        """Reconnected: forget frames in flight and send the whole screen again."""
        if self._streamer is not None:
            self._streamer.reset()
        if self._watch is not None:
            self._watch.forget()

    def select(self, index: int) -> None:
        if not 0 <= index < len(self.monitors()):
            return
        self.current, self._selected = index, True
        if self._streamer is not None:
            self._streamer.select_monitor(index)

    def monitors(self) -> list[Rect]:
        found = self._streamer.monitors() if self._streamer is not None else desktop_monitors()
        return [_rect(m) for m in found] or [(0, 0, 1, 1)]

    def screen_info(self) -> ev.ScreenInfo:
        monitors = tuple(self.monitors())[:16]
        self.current = min(self.current, len(monitors) - 1)
        return ev.ScreenInfo(monitors, self.current)

    def _secure_desktop(self, active: bool) -> None:
        self._endpoint.send(ev.SecureDesktop(active))

    def _cursor(self, x: int, y: int, visible: bool = True) -> None:
        self._endpoint.send(ev.Cursor(int(x), int(y), bool(visible)))

    def _cursor_shape(self, image: Any) -> None:
        """A ``cobrowse.screen.capture.CursorImage``: the pointer looks different now."""
        self._endpoint.send(
            ev.CursorShape(image.width, image.height, image.hot_x, image.hot_y, image.rgba)
        )


def _rect(monitor: Any) -> Rect:
    """(x, y, w, h) from a screen-engine Monitor (``.box``) or a plain tuple."""
    box = getattr(monitor, "box", monitor)
    x, y, w, h = (int(v) for v in box)
    return x, y, w, h


class NetRouter:
    """The endpoint's ``on_event``: runs on the network thread."""

    def __init__(self, post: Callable[[object], None]) -> None:
        self.post = post
        self.injector: Injector | None = None
        self.share: ScreenShare | None = None

    def __call__(self, event: object) -> None:
        if isinstance(event, ev.INPUT_MESSAGES):
            if self.injector is not None:
                self.injector.handle(event)
            return
        if isinstance(event, ev.FrameAck) and self.share is not None:
            self.share.ack(event.frame_id, event.held_ms / 1000)
            return
        if isinstance(event, ev.KeyframeRequest):
            if self.share is not None:
                self.share.request_keyframe()
            return
        if isinstance(event, ev.ControlOff | ev.SessionEnded | Reconnecting | PeerLeft):
            if self.injector is not None:
                self.injector.release_all()
        self.post(event)
