"""Static guide pages from the checklists: help to self-help.

``cobrowse-relay publish-guides --out DIR`` writes, for every checklist with steps
for citizens, ``<checklist id>.html``: the steps' citizen texts (and links) as a
small page in Danish that a municipality can put on its website - big text,
headings, numbered steps, printable, no JavaScript and nothing loaded from
elsewhere.  ``index.html`` lists them all.  The agents' own step titles and notes
are never published.  The citizen client's "Se vejledningen igen" button opens
``<guide_url>/<checklist id>.html`` (docs/citizen.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from urllib.parse import quote

from cobrowse.checklists import DEFAULT_FOLDER, Catalogue, Checklist, Step, load_folders

INDEX = "index.html"
_STYLE = """
body { font-family: system-ui, "Segoe UI", Arial, sans-serif; font-size: 1.375rem;
  line-height: 1.6; color: #111; background: #fff; max-width: 38em; margin: 1.5em auto;
  padding: 0 1em; }
h1 { font-size: 2rem; line-height: 1.25; margin: .2em 0 .6em; }
h2 { font-size: 1.5rem; margin-top: 1.5em; }
.emne { font-size: 1.125rem; color: #444; margin: 0; }
ol.trin > li { margin: 0 0 1.2em; padding-left: .3em; }
ol.trin > li::marker { font-weight: bold; }
ol.trin p { margin: 0 0 .4em; }
a { color: #0b4f8a; text-decoration: underline; word-break: break-word; }
a:focus { outline: 3px solid #c05621; outline-offset: 2px; }
nav, footer { margin-top: 2em; font-size: 1.125rem; }
@media print {
  body { font-size: 14pt; max-width: none; margin: 0; color: #000; }
  a { color: #000; }
  nav { display: none; }
  ol.trin > li { break-inside: avoid; page-break-inside: avoid; }
}
"""


@dataclass(frozen=True, slots=True)
class Published:
    """What :func:`publish` wrote: guide files, and checklists left out (no citizen text)."""

    written: tuple[Path, ...]
    skipped: tuple[str, ...]


def _text(value: str) -> str:
    """``value`` as HTML text (``<``, ``>`` and ``&`` escaped; quotes kept readable)."""
    return escape(value, quote=False)


def page_name(checklist_id: str) -> str:
    """The guide's file name (and the last part of its web address), e.g. ``flytning.html``."""
    return f"{checklist_id}.html"


def citizen_steps(checklist: Checklist) -> list[Step]:
    """The steps a citizen may see (those with a citizen text), in order."""
    return [step for step in checklist.steps if step.for_citizen]


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="da">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_text(title)}</title>\n<style>{_STYLE}</style>\n</head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )


def _step(step: Step) -> str:
    text = f"<p>{_text(step.citizen_text)}</p>"
    if step.link:
        shown = step.link.removeprefix("https://").rstrip("/")
        text += f'<p><a href="{escape(step.link, quote=True)}">{_text(shown)}</a></p>'
    return f"<li>{text}</li>"


def render_guide(checklist: Checklist) -> str:
    """One checklist's guide page (its citizen steps only)."""
    steps = "\n".join(_step(step) for step in citizen_steps(checklist))
    body = (
        f'<header>\n<p class="emne">{_text(checklist.topic)}</p>\n'
        f"<h1>{_text(checklist.title)}</h1>\n</header>\n<main>\n"
        "<p>Her er trinnene, du kan følge i dit eget tempo. "
        "Du kan også printe siden.</p>\n"
        f'<h2>Sådan gør du</h2>\n<ol class="trin">\n{steps}\n</ol>\n</main>\n'
        f'<nav><a href="{INDEX}">Alle vejledninger</a></nav>'
    )
    return _page(f"{checklist.title} – vejledning", body)


def render_index(checklists: Sequence[Checklist]) -> str:
    """The list of all guide pages, by title."""
    items = "\n".join(
        f'<li><a href="{escape(quote(page_name(c.id)), quote=True)}">{_text(c.title)}</a>'
        f' <span class="emne">({_text(c.topic)})</span></li>'
        for c in checklists
    )
    body = (
        "<header>\n<h1>Vejledninger til selvbetjening</h1>\n</header>\n<main>\n"
        "<p>Trin for trin til de selvbetjeningsløsninger, hotlinen oftest hjælper med.</p>\n"
        f"<ul>\n{items}\n</ul>\n</main>"
    )
    return _page("Vejledninger til selvbetjening", body)


def publish(out: Path, catalogue: Catalogue) -> Published:
    """Write a page per checklist with citizen steps, and the index, into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    shown = [c for c in catalogue.checklists if citizen_steps(c)]
    written = []
    for checklist in shown:
        path = out / page_name(checklist.id)
        path.write_text(render_guide(checklist), encoding="utf-8")
        written.append(path)
    (out / INDEX).write_text(render_index(shown), encoding="utf-8")
    skipped = tuple(c.id for c in catalogue.checklists if c not in shown)
    return Published((*written, out / INDEX), skipped)


def publish_main(out: Path, folders: Iterable[Path]) -> str:
    """Publish the shipped checklists and those in ``folders`` (a later folder's file
    replaces a default with the same id); return what ``publish-guides`` prints."""
    catalogue = load_folders([DEFAULT_FOLDER, *folders])
    result = publish(out, catalogue)
    lines = [f"{len(result.written) - 1} guides and {INDEX} written to {out}"]
    lines += [f"skipped {name}: no step has a citizen text" for name in result.skipped]
    lines += [f"skipped a checklist file: {problem}" for problem in catalogue.problems]
    return "\n".join(lines) + "\n"
