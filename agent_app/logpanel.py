"""The session log panel: topic, the citizen's municipality, notes, outcome, end session.

A note or topic holding a CPR number, an e-mail address or a phone number is held
back: :class:`~agent_app.privacynote.PrivacyWarning` says what was found and offers
to edit it or save it masked.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from agent_app import texts
from agent_app.privacynote import PrivacyWarning
from cobrowse.sessionlog import personal
from qtlang import translate


class LogPanel(QWidget):
    logged = Signal(str, dict)  # session-log kind, data
    end_requested = Signal()

    def __init__(self, topics: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.topic = QComboBox()
        self.topic.setEditable(True)
        self.topic.addItems(["", *sorted(set(topics))])
        _line_edit(self.topic).setPlaceholderText(translate("agent", "Vælg eller skriv emne"))
        self.municipality = QComboBox()
        self.municipality.setEditable(True)
        self.municipality.addItems(["", *texts.MUNICIPALITIES])
        _line_edit(self.municipality).setPlaceholderText(translate("agent", "Borgerens kommune"))
        self.outcome = QComboBox()
        self.outcome.addItem(translate("agent", "Vælg udfald …"), "")
        for key in texts.OUTCOMES:
            self.outcome.addItem(texts.outcome_text(key), key)
        self.note = QPlainTextEdit()
        self.note.setPlaceholderText(
            translate("agent", "Note (skriv aldrig CPR-nummer eller andre personoplysninger)")
        )
        self.note.setMaximumHeight(90)
        self.add_note = QPushButton(translate("agent", "Gem &note"))
        self.privacy = PrivacyWarning()
        self._pending: tuple[str, str, str] | None = None  # slot, kind, key held back
        self.notes_saved = QLabel()
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020; font-weight: bold;")
        self.end_button = QPushButton(translate("agent", "&Afslut session"))
        self.end_button.setStyleSheet("font-weight: bold; padding: 6px;")
        self._wire()
        self._layout()

    def _wire(self) -> None:
        self.topic.activated.connect(lambda _: self._emit_topic())
        _line_edit(self.topic).editingFinished.connect(self._emit_topic)
        self.municipality.activated.connect(lambda _: self._emit_municipality())
        _line_edit(self.municipality).editingFinished.connect(self._emit_municipality)
        self.outcome.activated.connect(self._emit_outcome)
        self.add_note.clicked.connect(self._emit_note)
        self.end_button.clicked.connect(self._end)
        self.privacy.save_masked.connect(self._save_masked)
        self.privacy.edit.connect(self._edit_pending)

    def _layout(self) -> None:
        form = QFormLayout()
        form.addRow(translate("agent", "&Emne:"), self.topic)
        form.addRow(translate("agent", "&Kommune:"), self.municipality)
        form.addRow(translate("agent", "&Udfald:"), self.outcome)
        box = QVBoxLayout(self)
        box.addLayout(form)
        box.addWidget(self.note)
        box.addWidget(self.add_note)
        box.addWidget(self.privacy)
        box.addWidget(self.notes_saved)
        box.addStretch(1)
        box.addWidget(self.error)
        box.addWidget(self.end_button)
        self._sent = {"topic": "", "municipality": ""}

    def _emit_topic(self) -> None:
        self._emit_once("topic", "topic_set", "topic", self.topic.currentText().strip())

    def _emit_municipality(self) -> None:
        self._emit_once(
            "municipality",
            "municipality_set",
            "citizen_municipality",
            self.municipality.currentText().strip(),
        )

    def _emit_once(self, slot: str, kind: str, key: str, value: str) -> None:
        if value and value != self._sent[slot]:
            if slot == "topic" and self._held_back(slot, kind, key, value):
                return
            self._sent[slot] = value
            self.logged.emit(kind, {key: value})

    def _held_back(self, slot: str, kind: str, key: str, value: str) -> bool:
        """Warn instead of saving if ``value`` holds personal data."""
        if not personal.find(value):
            return False
        self._pending = (slot, kind, key)
        what = translate("agent", "Noten") if slot == "note" else translate("agent", "Emnet")
        self.privacy.show_for(what, value)
        return True

    def _save_masked(self) -> None:
        if self._pending is None:
            return
        slot, kind, key = self._pending
        self._pending = None
        self.privacy.hide()
        if slot == "note":
            self._log_note(personal.mask(self.note.toPlainText().strip()))
        else:
            masked = personal.mask(self.topic.currentText().strip())
            self.topic.setCurrentText(masked)
            self._emit_once(slot, kind, key, masked)

    def _edit_pending(self) -> None:
        note = self._pending is not None and self._pending[0] == "note"
        self._pending = None
        self.privacy.hide()
        (self.note if note else self.topic).setFocus()

    def _emit_outcome(self, index: int) -> None:
        outcome = self.outcome.itemData(index)
        if outcome:
            self.error.clear()
            self.logged.emit("outcome_set", {"outcome": outcome})

    def _emit_note(self) -> None:
        note = self.note.toPlainText().strip()
        if note and not self._held_back("note", "note", "note", note):
            self._log_note(note)

    def _log_note(self, note: str) -> None:
        if note:
            self.logged.emit("note", {"note": note[:4000]})
            self.note.clear()
            count = int(self.notes_saved.property("count") or 0) + 1
            self.notes_saved.setProperty("count", count)
            self.notes_saved.setText(
                translate("agent", "{count} note(r) gemt.").format(count=count)
            )

    def set_topic(self, topic: str) -> None:
        """The checklist chose a topic (the agent can still change it)."""
        self.topic.setCurrentText(topic)
        self._emit_topic()

    def outcome_key(self) -> str:
        return str(self.outcome.currentData() or "")

    def _end(self) -> None:
        if not self.outcome_key():
            self.error.setText(translate("agent", "Vælg et udfald, før du afslutter."))
            self.outcome.setFocus()
            return
        self.end_requested.emit()

    def flush(self) -> None:
        """Log what the agent typed but did not confirm: topic, municipality, a note
        (masked: there is nobody left to ask)."""
        self._pending = None
        self.privacy.hide()
        self._emit_once(
            "topic", "topic_set", "topic", personal.mask(self.topic.currentText().strip())
        )
        self._emit_municipality()
        self._log_note(personal.mask(self.note.toPlainText().strip()))

    def reset(self) -> None:
        for combo in (self.topic, self.municipality, self.outcome):
            combo.setCurrentIndex(0)
        self.note.clear()
        self.error.clear()
        self._pending = None
        self.privacy.hide()
        self.notes_saved.clear()
        self.notes_saved.setProperty("count", 0)
        self._sent = {"topic": "", "municipality": ""}


def _line_edit(box: QComboBox) -> QLineEdit:
    """The line edit of an editable combo box (Qt types it as optional)."""
    edit = box.lineEdit()
    assert edit is not None, "combo box is not editable"
    return edit
