"""``cobrowse-relay publish-guides``: static guide pages read back with an HTML parser."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from cobrowse.checklists import DEFAULT_FOLDER, load_folders
from relay.cli import main
from relay.guides import citizen_steps

TRICKY = """\
title = "Søg <b>hjælp</b> & få \\"svar\\""
topic = "Tværgående & andet"

[[steps]]
title = "Agentens egen titel"
notes = "Kun til agenten: må ikke ud"

[[steps]]
title = "Trin to"
citizen_text = "Skriv 5 < 7 & tryk 'OK' <script>alert(1)</script>"
link = "https://www.borger.dk/a?b=1&c=\\"2\\""
"""


class Page(HTMLParser):
    """Collects what the tests look at: tags, lang, headings, list items, links."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.lang = ""
        self.text: dict[str, list[str]] = {}
        self.links: list[str] = []
        self.sources: list[str] = []
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.tags.append(tag)
        if tag == "html":
            self.lang = found.get("lang") or ""
        if tag == "a":
            self.links.append(found.get("href") or "")
        self.sources += [v or "" for k, v in attrs if k in ("src", "srcset", "action")]
        if tag not in ("meta", "br"):
            self._open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        while self._open and self._open.pop() != tag:
            pass

    def handle_data(self, data: str) -> None:
        for tag in set(self._open):
            self.text.setdefault(tag, []).append(data)

    def joined(self, tag: str) -> str:
        return "".join(self.text.get(tag, []))


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


def publish(out: Path, *extra: str) -> int:
    return main(["publish-guides", "--out", str(out), *extra])


def test_every_checklist_gets_an_accessible_page_with_every_citizen_step(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert publish(tmp_path / "web") == 0
    catalogue = load_folders([DEFAULT_FOLDER])
    assert "8 guides and index.html written" in capsys.readouterr().out
    for checklist in catalogue.checklists:
        page = parse(tmp_path / "web" / f"{checklist.id}.html")
        assert page.lang == "da" and page.tags[0] == "html"
        assert page.joined("h1") == checklist.title and page.joined("title")
        assert "h2" in page.tags and "ol" in page.tags
        steps = citizen_steps(checklist)
        assert page.tags.count("li") == len(steps)
        for step in steps:
            assert step.citizen_text in page.joined("li")
            assert not step.link or step.link in page.links
        for step in checklist.steps:  # the agent's own words stay private
            assert not step.notes or step.notes not in page.joined("body")
        assert "script" not in page.tags and "link" not in page.tags and not page.sources
        assert all(h.startswith("https://") or h == "index.html" for h in page.links)
        css = page.joined("style")
        assert "@media print" in css and "font-size" in css and "url(" not in css
    index = parse(tmp_path / "web" / "index.html")
    assert index.lang == "da"
    assert sorted(index.links) == sorted(f"{c.id}.html" for c in catalogue.checklists)


def test_special_characters_are_escaped_and_agent_only_lists_are_left_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    own = tmp_path / "own"
    own.mkdir()
    (own / "tricky.toml").write_text(TRICKY, encoding="utf-8")
    (own / "agent-only.toml").write_text(
        'title = "Kun agent"\ntopic = "X"\n[[steps]]\ntitle = "Intet til borgeren"\n',
        encoding="utf-8",
    )
    assert publish(tmp_path / "web", "--checklists", str(own)) == 0
    assert "skipped agent-only: no step has a citizen text" in capsys.readouterr().out
    assert not (tmp_path / "web" / "agent-only.html").exists()
    page = parse(tmp_path / "web" / "tricky.html")
    assert page.joined("h1") == 'Søg <b>hjælp</b> & få "svar"'  # text, not markup
    assert "b" not in page.tags and "script" not in page.tags
    assert page.joined("li").startswith("Skriv 5 < 7 & tryk 'OK' <script>alert(1)</script>")
    assert 'https://www.borger.dk/a?b=1&c="2"' in page.links
    assert "Agentens egen titel" not in page.joined("body")
    assert page.tags.count("li") == 1
    index = parse(tmp_path / "web" / "index.html")
    assert "tricky.html" in index.links and "agent-only.html" not in index.links


def test_a_missing_checklist_folder_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert publish(tmp_path / "web", "--checklists", str(tmp_path / "nope")) == 1
    assert "does not exist" in capsys.readouterr().err
