"""The sign-in dialog: relay address, name, password; address and name are remembered.

The password is never stored.  The dialog does not talk to the network itself: it
emits :attr:`SignInDialog.submitted` and shows the answer via :meth:`show_error`.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from qtlang import translate

DEFAULT_RELAY = "wss://relay.example.dk/v1"


class SignInDialog(QDialog):
    submitted = Signal(str, str, str)  # url, name, password

    def __init__(
        self,
        settings: QSettings,
        relay_url: str = "",
        name: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self.setWindowTitle(translate("agent", "Log ind – Digital hjælp"))
        self.url = QLineEdit(relay_url or str(settings.value("relay_url", DEFAULT_RELAY)))
        self.name = QLineEdit(name or str(settings.value("name", "")))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020; font-weight: bold;")
        self.error.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            translate("agent", "Log ind")
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(
            translate("agent", "Annullér")
        )
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        self._layout()

    def _layout(self) -> None:
        form = QFormLayout()
        form.addRow(translate("agent", "&Relæ-adresse:"), self.url)
        form.addRow(translate("agent", "&Brugernavn:"), self.name)
        form.addRow(translate("agent", "&Adgangskode:"), self.password)
        box = QVBoxLayout(self)
        title = QLabel(translate("agent", "<h2>Log ind på hotlinen</h2>"))
        box.addWidget(title)
        box.addLayout(form)
        box.addWidget(self.error)
        box.addWidget(self.buttons)
        self.setMinimumWidth(460)
        (self.password if self.name.text() else self.name).setFocus()

    def _submit(self) -> None:
        url, name, password = (
            self.url.text().strip(),
            self.name.text().strip(),
            self.password.text(),
        )
        missing = [
            label
            for label, value in (
                (translate("agent", "relæ-adresse"), url),
                (translate("agent", "brugernavn"), name),
                (translate("agent", "adgangskode"), password),
            )
            if not value
        ]
        if missing:
            self.show_error(
                translate("agent", "Udfyld {fields}.").format(
                    fields=translate("agent", " og ").join(missing)
                )
            )
            return
        if not url.startswith(("ws://", "wss://")):
            self.show_error(
                translate("agent", "Relæ-adressen skal begynde med wss:// (eller ws:// i test).")
            )
            return
        self._settings.setValue("relay_url", url)
        self._settings.setValue("name", name)
        self.set_busy(True)
        self.submitted.emit(url, name, password)

    def set_busy(self, busy: bool) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(not busy)
        ok.setText(translate("agent", "Logger ind …") if busy else translate("agent", "Log ind"))
        if busy:
            self.error.hide()

    def show_error(self, text: str) -> None:
        self.set_busy(False)
        self.error.setText(text)
        self.error.show()
        self.password.selectAll()
        self.password.setFocus(Qt.FocusReason.OtherFocusReason)
