"""The session log panel: topic, the citizen's municipality, notes, outcome, end session."""

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


class LogPanel(QWidget):
    logged = Signal(str, dict)  # session-log kind, data
    end_requested = Signal()

    def __init__(self, topics: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.topic = QComboBox()
        self.topic.setEditable(True)
        self.topic.addItems(["", *sorted(set(topics))])
        _line_edit(self.topic).setPlaceholderText("Vælg eller skriv emne")
        self.municipality = QComboBox()
        self.municipality.setEditable(True)
        self.municipality.addItems(["", *texts.MUNICIPALITIES])
        _line_edit(self.municipality).setPlaceholderText("Borgerens kommune")
        self.outcome = QComboBox()
        self.outcome.addItem("Vælg udfald …", "")
        for key, label in texts.OUTCOMES.items():
            self.outcome.addItem(label, key)
        self.note = QPlainTextEdit()
        self.note.setPlaceholderText("Note (skriv aldrig CPR-nummer eller andre personoplysninger)")
        self.note.setMaximumHeight(90)
        self.add_note = QPushButton("Gem &note")
        self.notes_saved = QLabel()
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020; font-weight: bold;")
        self.end_button = QPushButton("&Afslut session")
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

    def _layout(self) -> None:
        form = QFormLayout()
        form.addRow("&Emne:", self.topic)
        form.addRow("&Kommune:", self.municipality)
        form.addRow("&Udfald:", self.outcome)
        box = QVBoxLayout(self)
        box.addLayout(form)
        box.addWidget(self.note)
        box.addWidget(self.add_note)
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
            self._sent[slot] = value
            self.logged.emit(kind, {key: value})

    def _emit_outcome(self, index: int) -> None:
        outcome = self.outcome.itemData(index)
        if outcome:
            self.error.clear()
            self.logged.emit("outcome_set", {"outcome": outcome})

    def _emit_note(self) -> None:
        note = self.note.toPlainText().strip()
        if note:
            self.logged.emit("note", {"note": note[:4000]})
            self.note.clear()
            count = int(self.notes_saved.property("count") or 0) + 1
            self.notes_saved.setProperty("count", count)
            self.notes_saved.setText(f"{count} note(r) gemt.")

    def set_topic(self, topic: str) -> None:
        """The checklist chose a topic (the agent can still change it)."""
        self.topic.setCurrentText(topic)
        self._emit_topic()

    def outcome_key(self) -> str:
        return str(self.outcome.currentData() or "")

    def _end(self) -> None:
        if not self.outcome_key():
            self.error.setText("Vælg et udfald, før du afslutter.")
            self.outcome.setFocus()
            return
        self.end_requested.emit()

    def flush(self) -> None:
        """Log what the agent typed but did not confirm: topic, municipality, a note."""
        self._emit_topic()
        self._emit_municipality()
        self._emit_note()

    def reset(self) -> None:
        for combo in (self.topic, self.municipality, self.outcome):
            combo.setCurrentIndex(0)
        self.note.clear()
        self.error.clear()
        self.notes_saved.clear()
        self.notes_saved.setProperty("count", 0)
        self._sent = {"topic": "", "municipality": ""}


def _line_edit(box: QComboBox) -> QLineEdit:
    """The line edit of an editable combo box (Qt types it as optional)."""
    edit = box.lineEdit()
    assert edit is not None, "combo box is not editable"
    return edit
