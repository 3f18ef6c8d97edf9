"""Checklists: the shipped defaults, the hotline folder, and bad files reported with a line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cobrowse.checklists import (
    DEFAULT_FOLDER,
    MAX_CITIZEN_TEXT,
    ChecklistError,
    load_file,
    load_folders,
    shipped_kle,
)

GOOD = """title = "Ekstra tjekliste"
topic = "Pas"
keywords = ["rejse"]

[[steps]]
title = "Åbn borger.dk"
citizen_text = "Vi åbner borger.dk."
link = "https://www.borger.dk/"
"""

REQUIRED_TOPICS = (
    "Digital Post",
    "MitID",
    "Flytning",
    "Boligstøtte",
    "Sundhedskort",
    "Pasningsplads",
    "Find selvbetjening",
)


def test_shipped_defaults_load_without_problems() -> None:
    catalogue = load_folders([DEFAULT_FOLDER])
    assert catalogue.problems == ()
    assert len(catalogue.checklists) >= 8
    topics = {c.topic for c in catalogue.checklists}
    assert set(REQUIRED_TOPICS) <= topics


def test_every_default_is_complete_and_links_are_https() -> None:
    for checklist in load_folders([DEFAULT_FOLDER]).checklists:
        assert len(checklist.steps) >= 4, checklist.id
        assert any(s.link for s in checklist.steps), checklist.id
        assert any(s.notes for s in checklist.steps), checklist.id
        for step in checklist.steps:
            assert not step.link or step.link.startswith("https://"), step.link


def test_every_default_carries_a_kle_number() -> None:
    """Contact records report the topic's KLE number (docs/statistics.md)."""
    kle = shipped_kle()
    assert set(kle) == {c.id for c in load_folders([DEFAULT_FOLDER]).checklists}
    assert kle["boligstoette"] == "27.24.00"
    assert all(re.fullmatch(r"\d\d\.\d\d\.\d\d", number) for number in kle.values())
    assert load_file(DEFAULT_FOLDER / "flytning.toml").kle == "23.00.00"


AGENT_WORDS = ("borgeren", "afklar", "hotline")


def test_citizen_texts_are_written_for_the_citizen() -> None:
    """Every step the citizen acts on has a citizen text; it speaks to the citizen
    ("du"), never about them, and fits the banner.  Talk-only steps have none."""
    for checklist in load_folders([DEFAULT_FOLDER]).checklists:
        shown = [s for s in checklist.steps if s.for_citizen]
        assert len(shown) >= len(checklist.steps) - 1, checklist.id
        for step in checklist.steps:
            assert step.for_citizen or not step.link, (checklist.id, step.title)
        for step in shown:
            text = step.citizen_text.casefold()
            assert not any(w in text for w in AGENT_WORDS), step.citizen_text
            assert len(step.citizen_text) <= MAX_CITIZEN_TEXT
            assert step.citizen_text.endswith((".", "?", "!")), step.citizen_text


def test_search_by_title_topic_and_keyword() -> None:
    catalogue = load_folders([DEFAULT_FOLDER])
    assert [c.id for c in catalogue.search("flytning")] == ["flytning"]
    assert {c.id for c in catalogue.search("digital post")} >= {
        "digital-post-aktivering",
        "laes-brev-digital-post",
    }
    assert catalogue.search("KODEVISER")[0].id == "mitid-problemer"
    assert catalogue.search("") == list(catalogue.checklists)
    assert catalogue.search("findes ikke xyz") == []


def test_hotline_folder_adds_and_overrides(tmp_path: Path) -> None:
    (tmp_path / "pas.toml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "flytning.toml").write_text(
        GOOD.replace("Ekstra", "Lokal flytning"), encoding="utf-8"
    )
    catalogue = load_folders([DEFAULT_FOLDER, tmp_path, tmp_path / "missing"])
    assert catalogue.get("pas") is not None
    assert catalogue.get("flytning").title == "Lokal flytning tjekliste"  # type: ignore[union-attr]
    assert catalogue.problems == ()


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ('title = "x"\ntopic = "y"\n[[steps]]\ntitle = "a\n', 4, "not valid TOML"),
        ('title = "x"\ntopic = "y"\n', 0, "at least one [[steps]]"),
        ('title = "x"\ntopic = ""\n[[steps]]\ntitle = "a"\n', 2, "'topic'"),
        ('title = "x"\ntopic = "y"\ncolour = 1\n[[steps]]\ntitle = "a"\n', 3, "unknown key"),
        (
            'title = "x"\ntopic = "y"\n[[steps]]\ntitle = "a"\n\n[[steps]]\nnotes = "n"\n',
            6,
            "step 2 has no title",
        ),
        (
            'title = "x"\ntopic = "y"\n[[steps]]\ntitle = "a"\nlink = "http://borger.dk/"\n',
            3,
            "https",
        ),
        ('title = "x"\ntopic = "y"\n[[steps]]\ntitle = "a"\nlinks = "x"\n', 3, "unknown key"),
        ('title = "x"\ntopic = "y"\nkle = "27.24"\n[[steps]]\ntitle = "a"\n', 3, "KLE number"),
        ('title = "x"\ntopic = "y"\n[[steps]]\ntitle = "a"\ncitizen_text = 3\n', 3, "text"),
        (
            f'title = "x"\ntopic = "y"\n[[steps]]\ntitle = "a"\ncitizen_text = "{"ord " * 80}"\n',
            3,
            "at most 300",
        ),
    ],
)
def test_bad_file_reports_file_and_line(tmp_path: Path, text: str, line: int, words: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ChecklistError) as caught:
        load_file(path)
    problem = caught.value.problem
    assert (problem.path, problem.line) == (path, line)
    assert words in problem.message
    assert str(path) in str(caught.value)


def test_bad_file_is_skipped_and_the_rest_load(tmp_path: Path) -> None:
    (tmp_path / "good.toml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "broken.toml").write_text('title = "x"\ntopic = [\n', encoding="utf-8")
    (tmp_path / "latin1.toml").write_bytes('title = "æ"\n'.encode("latin-1"))
    catalogue = load_folders([tmp_path])
    assert [c.id for c in catalogue.checklists] == ["good"]
    assert sorted(p.path.name for p in catalogue.problems) == ["broken.toml", "latin1.toml"]
    broken = next(p for p in catalogue.problems if p.path.name == "broken.toml")
    assert broken.line == 2 and str(broken).startswith(f"{tmp_path / 'broken.toml'}:2:")
