"""Run by test_agent_widgets.py in a child process with QT_SCALE_FACTOR set: the remote
view in 1:1 mode on a HiDPI screen.  Prints one JSON line of what it measured."""

from __future__ import annotations

import json

import numpy as np
from PySide6.QtCore import QPointF, QRect
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from agent_app.frames import FrameUpdate
from agent_app.remoteview import RemoteView


def main() -> None:
    app = QApplication([])
    view = RemoteView()
    canvas = view.canvas
    yy, xx = np.mgrid[0:100, 0:200]
    pixels = np.zeros((100, 200, 4), np.uint8)
    pixels[(xx + yy) % 2 == 1] = 255  # a 1-pixel checkerboard: any resampling shows
    image = QImage(pixels.tobytes(), 200, 100, 800, QImage.Format.Format_RGB32).copy()
    canvas.apply(FrameUpdate(1, 200, 100, ((QRect(0, 0, 200, 100), image),), 0))
    canvas.set_overlay("")
    view.resize(400, 300)
    view.show()
    view.set_fit(False)
    app.processEvents()
    grab = canvas.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    seen = np.frombuffer(grab.constBits(), np.uint8).reshape(grab.height(), -1, 4)
    exact = grab.size().toTuple() == (200, 100) and np.array_equal(
        seen[:, :200, :3], pixels[..., :3]
    )
    print(
        json.dumps(
            {
                "dpr": canvas.devicePixelRatioF(),
                "logical": canvas.natural_size(),
                "exact": bool(exact),
                "remote": canvas.to_remote(QPointF(50.25, 25.25)),
            }
        )
    )
    view.close()


if __name__ == "__main__":
    main()
