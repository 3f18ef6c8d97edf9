"""Danish and English for the two apps, the Qt way.

The source language is Danish: every text is written in Danish where it is used,
wrapped in :func:`translate` (or ``QT_TRANSLATE_NOOP`` in a table), so a Danish
citizen sees Danish with nothing loaded at all.  ``citizen_en.ts`` and
``agent_en.ts`` hold the English translations; ``pyside6-lupdate`` keeps them in step
with the code (``python -m qtlang --update``) and ``pyside6-lrelease`` turns
them into the ``.qm`` files loaded here (:mod:`qtlang.build`).

:func:`install` puts up the translators for one app and one language: for Danish
Qt's own ``qtbase_da.qm`` (standard buttons say "Ja"/"Nej", a text field's context
menu says "Fortryd"/"Kopiér"/"Sæt ind"), for English the app's ``*_en.qm``.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QTranslator

from qtlang.build import qm_file

LANGUAGES = ("da", "en")
SOURCE = "da"
HERE = Path(__file__).resolve().parent
log = logging.getLogger(__name__)

_installed: list[QTranslator] = []
_current = [SOURCE]


def translate(context: str, text: str) -> str:
    """``text`` (Danish source) in the language installed now."""
    return QCoreApplication.translate(context, text)


def install(app: str, lang: str) -> None:
    """Replace the installed translators with ``app``'s for ``lang`` (``da``/``en``).

    A translation that cannot be loaded is logged and skipped: the Danish source
    text is shown instead, never an empty label."""
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}")
    remove()
    for path in _files(app, lang):
        translator = QTranslator()
        if translator.load(str(path)):
            QCoreApplication.installTranslator(translator)
            _installed.append(translator)
        else:
            log.warning("translation %s could not be loaded", path.name)
    _current[0] = lang


def remove() -> None:
    """Back to the source texts (Danish for ours, Qt's English for Qt's)."""
    while _installed:
        QCoreApplication.removeTranslator(_installed.pop())
    _current[0] = SOURCE


def current() -> str:
    """The language :func:`install` last put up (``da`` before any)."""
    return _current[0]


def _files(app: str, lang: str) -> list[Path]:
    if lang == SOURCE:
        qt_dir = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
        return [qt_dir / f"qtbase_{lang}.qm"]
    return [qm_file(HERE / f"{app}_{lang}.ts")]
