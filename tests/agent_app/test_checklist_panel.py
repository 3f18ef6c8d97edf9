"""The checklist panel sends the citizen only a step's citizen text, and cannot show
a step that has none."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from agent_app.checklistpanel import NOT_SHOWN, ChecklistPanel
from cobrowse.checklists import load_file, load_folders

MIXED = """title = "Blandet"
topic = "Test"

[[steps]]
title = "Tjek at borgeren er klar"
notes = "Kun til dig."

[[steps]]
title = "Åbn borger.dk"
citizen_text = "Vi åbner borger.dk."
"""


def test_only_citizen_text_is_sent_and_agent_only_steps_cannot_be_shown(
    qtbot: Any, tmp_path: Path
) -> None:
    (tmp_path / "blandet.toml").write_text(MIXED, encoding="utf-8")
    panel = ChecklistPanel(load_folders([tmp_path]))
    qtbot.addWidget(panel)
    panel.set_live(True)
    panel.choose(load_file(tmp_path / "blandet.toml"))
    sent: list[tuple[int, int, str, str]] = []
    panel.show_step.connect(lambda *a: sent.append(a))

    panel.steps.setCurrentRow(0)  # the agent's own step
    assert not panel.show_button.isEnabled()
    assert panel.show_button.toolTip() == NOT_SHOWN
    assert NOT_SHOWN in panel.details.toPlainText()
    panel._show_step()  # noqa: SLF001 - even if called, nothing goes out
    assert sent == []

    panel.steps.setCurrentRow(1)
    assert panel.show_button.isEnabled() and panel.show_button.toolTip() == ""
    panel.show_button.click()
    assert sent == [(2, 2, "", "Vi åbner borger.dk.")]  # no agent title on the wire
