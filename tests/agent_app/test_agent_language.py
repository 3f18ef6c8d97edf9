"""The agent app in Danish (default, with Qt's own Danish) or English (--lang en, kept)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from agent_app import texts
from agent_app.main import language, parse_args
from agent_app.signin import SignInDialog
from agent_app.toolbar import SessionToolbar
from qtlang import install


def parts(qtbot: Any, settings: QSettings) -> tuple[SignInDialog, SessionToolbar, QMessageBox]:
    dialog = SignInDialog(settings, "ws://127.0.0.1:1/v1", "anna")
    toolbar = SessionToolbar()
    box = QMessageBox(QMessageBox.Icon.Question, "", "")
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    for widget in (dialog, toolbar, box):
        qtbot.addWidget(widget)
    return dialog, toolbar, box


def shown(dialog: SignInDialog, toolbar: SessionToolbar, box: QMessageBox) -> list[str]:
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    return [
        dialog.windowTitle(),
        ok.text(),
        toolbar.end.text(),
        texts.phase_text("ready"),
        texts.code_error("123"),
        *sorted(b.text().replace("&", "") for b in box.buttons()),
    ]


def test_danish_by_default(qtbot: Any, settings: QSettings) -> None:
    assert language(settings) == "da"
    install("agent", language(settings))
    assert shown(*parts(qtbot, settings)) == [
        "Log ind – Digital hjælp",
        "Log ind",
        "Afslut session",
        "Klar – skriv borgerens kode",
        "Koden har 10 cifre. Du har skrevet 3 – der mangler 7.",
        "Ja",
        "Nej",
    ]


def test_english_chosen_and_remembered(qtbot: Any, settings: QSettings) -> None:
    assert parse_args(["--lang", "en"]).lang == "en"
    settings.setValue("language", "en")
    install("agent", language(settings))
    assert shown(*parts(qtbot, settings)) == [
        "Sign in – Digital help",
        "Sign in",
        "End session",
        "Ready – type the citizen's code",
        "The code has 10 digits. You have typed 3 – 7 missing.",
        "No",
        "Yes",
    ]
    settings.setValue("language", "fr")  # a broken setting: Danish, not a crash
    assert language(settings) == "da"


def test_statistics_figures_follow_the_language(qapp: object) -> None:
    from agent_app.stats_window import _minutes, _stop

    stop = {"checklist": "flytning", "step": 2, "stopped": 1, "sessions": 4, "completed": 3}
    install("agent", "da")
    assert (_minutes(960), _stop(stop)) == (
        "16,0 min",
        "flytning: oftest ved trin 2 (1 af 4 sessioner; 3 gennemført)",
    )
    install("agent", "en")
    assert (_minutes(960), _stop(stop)) == (
        "16.0 min",
        "flytning: most often at step 2 (1 of 4 sessions; 3 completed)",
    )
