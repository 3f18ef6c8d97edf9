"""A realistic Danish self-service form page, shown full-screen on an X display.

Used by the streaming benchmark and by the screen tests as "something real to
capture".  Run it as a program (``python bench/formpage.py``) or, from another
script, use :func:`launch`, which starts it as a subprocess on a given display
and returns a :class:`FormPage` handle once the window is painted.

When the window is up the program prints one JSON line on stdout::

    {"ready": true, "fields": {"navn": [x, y, w, h], ...}, "next": [x, y, w, h],
     "scroll": [x, y, w, h]}

(global screen coordinates).  It then reads commands, one per line, on stdin:
``page N`` (show page 1 or 2), ``scroll PIXELS``, ``ping`` (answers
``{"pong": N}`` after the event loop has painted), ``quit``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

WIDTH, HEIGHT = 1920, 1080

FIELDS_PAGE1 = [
    ("navn", "Navn", "Dit fulde navn, som det står i CPR-registret."),
    ("cpr", "CPR-nummer", "10 cifre, fx 010190-1234. Vi bruger det kun til at finde din sag."),
    ("adresse", "Adresse", "Vejnavn, husnummer, etage og dør."),
    ("postnr", "Postnummer og by", ""),
    ("telefon", "Telefonnummer", "Vi ringer kun, hvis vi mangler oplysninger."),
    ("email", "E-mail", "Du får en kvittering på e-mail, når ansøgningen er sendt."),
    ("kommune", "Kommune", ""),
    ("bank", "Reg.nr. og kontonummer", "Udbetalingen sker til din NemKonto."),
    ("arbejde", "Arbejdsgiver", "Skriv navnet på din nuværende arbejdsgiver, hvis du har en."),
    ("boern", "Antal børn i husstanden", ""),
    ("indkomst", "Forventet årsindkomst (kr.)", "Før skat. Se din forskudsopgørelse."),
    ("bemaerk", "Bemærkninger", "Skriv, hvis der er noget, sagsbehandleren skal vide."),
]

HELP_TEXT = (
    "Her kan du søge om boligstøtte. Det tager cirka 15 minutter at udfylde ansøgningen. "
    "Du skal bruge MitID, oplysninger om din husstands indkomst og din lejekontrakt. "
    "Felter markeret med * skal udfyldes. Du kan gemme ansøgningen og fortsætte senere. "
    "Hvis du har brug for hjælp, kan du ringe til Borgerservice på 70 12 34 56 "
    "mandag til fredag kl. 9-15."
)

PAGE2_TEXT = (
    "Trin 2 af 4: Husstandens indkomst. Oplys indkomsten for alle personer over 18 år, "
    "der bor i boligen. Du kan hente oplysningerne fra din årsopgørelse i TastSelv Borger. "
    "Beløbene skal angives før skat og arbejdsmarkedsbidrag."
)


def banner_pixels(width: int, height: int, seed: int = 1) -> Any:
    """A photo-like banner (sky, hills, grain) as an RGB uint8 numpy array."""
    import numpy as np

    rng = np.random.default_rng(seed)
    y = np.linspace(0.0, 1.0, height)[:, None]
    x = np.linspace(0.0, 1.0, width)[None, :]
    sky = np.stack([90 + 80 * y + 0 * x, 140 + 60 * y + 0 * x, 210 - 30 * y + 0 * x], -1)
    coarse = rng.normal(0, 1, (height // 8 + 2, width // 8 + 2))
    smooth = _upscale(coarse, 8)[:height, :width]  # foliage-like texture
    hill = 0.55 + 0.12 * np.sin(x * 9.0 + 1.0) + 0.05 * np.sin(x * 31.0)
    land = (y > hill).astype(float)
    green = np.stack([60 + 30 * smooth, 120 + 40 * smooth, 50 + 20 * smooth], -1)
    img = sky * (1 - land[..., None]) + green * land[..., None]
    img += rng.normal(0, 3, img.shape)  # sensor grain
    return np.clip(img, 0, 255).astype(np.uint8)


def _upscale(a: Any, k: int) -> Any:
    """Bilinear upscale of a 2-D array by an integer factor."""
    import numpy as np

    ys = np.arange(a.shape[0] * k) / k
    xs = np.arange(a.shape[1] * k) / k
    y0 = np.minimum(ys.astype(int), a.shape[0] - 2)
    x0 = np.minimum(xs.astype(int), a.shape[1] - 2)
    fy, fx = (ys - y0)[:, None], (xs - x0)[None, :]
    top = a[y0][:, x0] * (1 - fx) + a[y0][:, x0 + 1] * fx
    bottom = a[y0 + 1][:, x0] * (1 - fx) + a[y0 + 1][:, x0 + 1] * fx
    return top * (1 - fy) + bottom * fy


# --- the Qt program ----------------------------------------------------------------


def _build_window() -> Any:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QFont, QImage, QPixmap
    from PySide6.QtWidgets import (
        QFrame,
        QGridLayout,
        QHBoxLayout,
        QLabel,
        QLineEdit,
        QPushButton,
        QScrollArea,
        QStackedWidget,
        QVBoxLayout,
        QWidget,
    )

    window = QWidget()
    window.setWindowFlag(Qt.WindowType.FramelessWindowHint)
    window.setStyleSheet(
        "QWidget { background: #ffffff; color: #1a1a1a; font-family: 'DejaVu Sans'; }"
        "QLineEdit { border: 1px solid #767676; padding: 6px; font-size: 15px; }"
        "QPushButton { background: #0059b3; color: white; padding: 10px 28px;"
        " font-size: 16px; border: none; }"
        "QLabel#help { color: #555555; font-size: 13px; }"
        "QFrame#top { background: #14143c; }"
    )
    outer = QVBoxLayout(window)
    outer.setContentsMargins(0, 0, 0, 0)
    outer.setSpacing(0)
    top = QFrame(objectName="top")
    top.setFixedHeight(56)
    tl = QHBoxLayout(top)
    logo = QLabel("borger.dk  ·  Selvbetjening")
    logo.setStyleSheet("color: white; font-size: 20px; background: transparent;")
    tl.addWidget(logo)
    outer.addWidget(top)
    rgb = banner_pixels(WIDTH, 260)
    image = QImage(rgb.tobytes(), WIDTH, 260, WIDTH * 3, QImage.Format.Format_RGB888).copy()
    banner = QLabel()
    banner.setPixmap(QPixmap.fromImage(image))
    banner.setFixedHeight(260)
    outer.addWidget(banner)
    stack = QStackedWidget()
    outer.addWidget(stack, 1)
    widgets: dict[str, Any] = {}

    def page(fields: list[tuple[str, str, str]], intro: str, title: str) -> Any:
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        grid = QGridLayout(body)
        grid.setContentsMargins(320, 24, 320, 40)
        grid.setHorizontalSpacing(32)
        grid.setVerticalSpacing(22)
        h = QLabel(title)
        h.setFont(QFont("DejaVu Sans", 24, QFont.Weight.Bold))
        grid.addWidget(h, 0, 0, 1, 2)
        p = QLabel(intro)
        p.setWordWrap(True)
        p.setStyleSheet("font-size: 15px;")
        grid.addWidget(p, 1, 0, 1, 2)
        for row, (key, label, help_text) in enumerate(fields, start=2):
            lab = QLabel(label + " *")
            lab.setStyleSheet("font-size: 15px; font-weight: bold;")
            edit = QLineEdit()
            edit.setFixedWidth(520)
            col = QVBoxLayout()
            col.addWidget(edit)
            if help_text:
                hl = QLabel(help_text, objectName="help")
                hl.setWordWrap(True)
                col.addWidget(hl)
            grid.addWidget(lab, row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addLayout(col, row, 1)
            widgets[key] = edit
        nxt = QPushButton("Næste  →")
        grid.addWidget(nxt, len(fields) + 2, 1, Qt.AlignmentFlag.AlignRight)
        scroll.setWidget(body)
        return scroll, nxt

    page1, next1 = page(FIELDS_PAGE1, HELP_TEXT, "Ansøg om boligstøtte")
    fields2 = [(f"p2_{i}", f"Person {i}: indkomst (kr.)", "Beløb før skat.") for i in range(1, 9)]
    page2, next2 = page(fields2, PAGE2_TEXT, "Husstandens indkomst")
    stack.addWidget(page1)
    stack.addWidget(page2)
    next1.clicked.connect(lambda: stack.setCurrentIndex(1))
    next2.clicked.connect(lambda: stack.setCurrentIndex(0))
    widgets["_next"] = next1
    widgets["_stack"] = stack
    widgets["_scroll"] = page1
    return window, widgets


def _geometry(widget: Any) -> list[int]:
    from PySide6.QtCore import QPoint

    p = widget.mapToGlobal(QPoint(0, 0))
    return [p.x(), p.y(), widget.width(), widget.height()]


def main() -> int:
    from PySide6.QtCore import QSocketNotifier, QTimer
    from PySide6.QtWidgets import QApplication

    os.environ.setdefault("QT_QPA_PLATFORM", "xcb")
    app = QApplication(sys.argv)
    if "--no-blink" in sys.argv:
        app.setCursorFlashTime(0)  # a steady text caret: deterministic latency probes
    window, widgets = _build_window()
    window.setGeometry(0, 0, WIDTH, HEIGHT)
    window.show()
    window.activateWindow()

    def announce() -> None:
        window.repaint()
        app.processEvents()
        fields = {k: _geometry(w) for k, w in widgets.items() if not k.startswith("_")}
        print(
            json.dumps(
                {
                    "ready": True,
                    "fields": fields,
                    "next": _geometry(widgets["_next"]),
                    "scroll": _geometry(widgets["_scroll"]),
                }
            ),
            flush=True,
        )

    pending = bytearray()

    def run(words: list[str]) -> None:
        if words[0] == "quit":
            app.quit()
        elif words[0] == "page":
            widgets["_stack"].setCurrentIndex(int(words[1]) - 1)
        elif words[0] == "scroll":
            bar = widgets["_scroll"].verticalScrollBar()
            bar.setValue(bar.value() + int(words[1]))
        elif words[0] == "ping":
            window.repaint()
            print(json.dumps({"pong": words[1] if len(words) > 1 else ""}), flush=True)

    def command() -> None:
        chunk = os.read(sys.stdin.fileno(), 65536)
        if not chunk:
            app.quit()
            return
        pending.extend(chunk)
        while b"\n" in pending:
            line, _, rest = bytes(pending).partition(b"\n")
            pending[:] = rest
            if line.split():
                run(line.decode().split())

    notifier = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
    notifier.activated.connect(command)
    QTimer.singleShot(300, announce)
    return app.exec()


# --- the handle other scripts use --------------------------------------------------


@dataclass
class FormPage:
    """A running form page subprocess; geometry from its ready line."""

    proc: subprocess.Popen[str]
    fields: dict[str, list[int]] = field(default_factory=dict)
    next_button: list[int] = field(default_factory=list)
    scroll_area: list[int] = field(default_factory=list)

    def command(self, line: str) -> None:
        stdin: IO[str] | None = self.proc.stdin
        assert stdin is not None
        stdin.write(line + "\n")
        stdin.flush()

    def sync(self) -> None:
        """Return once the page has processed every earlier command and repainted."""
        self.command("ping sync")
        self._read_json()

    def centre(self, key: str) -> tuple[int, int]:
        x, y, w, h = self.fields[key]
        return x + w // 2, y + h // 2

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self.command("quit")
                self.proc.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()

    def _read_json(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("form page exited")
        result: dict[str, Any] = json.loads(line)
        return result


def launch(display: str | None = None, *, blink: bool = True) -> FormPage:
    """Start the form page on ``display`` (default: $DISPLAY) and wait until it is painted.

    ``blink=False`` stops the text caret from blinking, so the only screen changes
    are the ones a script causes (useful when timing key -> screen)."""
    env = dict(os.environ, QT_QPA_PLATFORM="xcb")
    if display:
        env["DISPLAY"] = display
    argv = [sys.executable, str(Path(__file__).resolve())] + ([] if blink else ["--no-blink"])
    proc = subprocess.Popen(argv, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    page = FormPage(proc)
    try:
        ready = page._read_json()
    except Exception:
        page.close()
        raise
    page.fields, page.next_button = ready["fields"], ready["next"]
    page.scroll_area = ready["scroll"]
    page.sync()
    return page


if __name__ == "__main__":
    sys.exit(main())
