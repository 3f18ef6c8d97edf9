"""HTML rendering of the statistics report, with matplotlib charts as inline SVG.

Figures are drawn with matplotlib's object API on the Agg/SVG canvases (no
pyplot, no display, no global state), so this runs on a headless server.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from html import escape

import matplotlib
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from relay.report import Report, headline, stop_text
from relay.stuck import ChecklistStuck, step_name, stuck_text

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 60em; color: #111; }
h1 { font-size: 1.6em; } h2 { font-size: 1.2em; margin-top: 1.6em; }
table { border-collapse: collapse; margin: .5em 0; }
td, th { border: 1px solid #bbb; padding: .25em .6em; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
section { break-inside: avoid; page-break-inside: avoid; }
.chart svg { max-width: 100%; height: auto; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  section { break-inside: avoid; page-break-inside: avoid; }
  h2 { break-after: avoid; page-break-after: avoid; }
  a { color: inherit; text-decoration: none; }
}
"""
_BAR = "#2b6cb0"


def _svg(fig: Figure) -> str:
    buf = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "cobrowse"}):
        fig.savefig(buf, format="svg", bbox_inches="tight")
    text = buf.getvalue()
    return text[text.index("<svg") :]


def bar_chart(counts: Mapping[str, int], title: str, horizontal: bool = False) -> str:
    """A bar chart of ``counts`` as an SVG fragment."""
    labels, values = list(counts), list(counts.values())
    height = max(2.5, 0.35 * len(labels) + 1) if horizontal else 3.0
    fig = Figure(figsize=(7, height))
    ax = fig.add_subplot()
    if horizontal:
        ax.barh(labels[::-1], values[::-1], color=_BAR)
        ax.set_xlabel("Contacts")
    else:
        ax.bar(labels, values, color=_BAR)
        ax.set_ylabel("Contacts")
        ax.tick_params(axis="x", labelsize=8 if len(labels) > 12 else 10)
    ax.set_title(title)
    (ax.xaxis if horizontal else ax.yaxis).set_major_locator(MaxNLocator(integer=True))
    ax.spines[["top", "right"]].set_visible(False)
    return _svg(fig)


def time_chart(report: Report) -> str:
    """Agent-driven vs citizen-driven minutes as a two-bar SVG chart."""
    fig = Figure(figsize=(7, 2.2))
    ax = fig.add_subplot()
    ax.barh(
        ["Citizen-driven", "Agent-driven"],
        [report.citizen_driven_s / 60, report.agent_driven_s / 60],
        color=[_BAR, "#c05621"],
    )
    ax.set_xlabel("Minutes")
    ax.set_title("Who drove the screen")
    ax.spines[["top", "right"]].set_visible(False)
    return _svg(fig)


def stuck_chart(c: ChecklistStuck) -> str:
    """Per step of ``c`` where sessions got stuck: sessions that ended unsolved there
    and sessions where the agent took control there, as grouped bars (SVG, with the
    worst step as its accessible name)."""
    labels = [f"Trin {s.step}" for s in c.steps][::-1]
    fig = Figure(figsize=(7, max(2.0, 0.5 * len(labels) + 1)))
    ax = fig.add_subplot()
    rows = range(len(labels))
    ax.barh(
        [y + 0.2 for y in rows],
        [s.ended_unsolved for s in c.steps][::-1],
        0.4,
        color="#c05621",
        label="Sluttede uløst / ended unsolved",
    )
    ax.barh(
        [y - 0.2 for y in rows],
        [s.control_taken for s in c.steps][::-1],
        0.4,
        color=_BAR,
        label="Agenten tog styringen / agent took control",
    )
    ax.set_yticks(list(rows), labels)
    ax.set_xlabel("Sessions")
    ax.set_title(c.checklist)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.3), ncols=2, fontsize=8, frameon=False)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.spines[["top", "right"]].set_visible(False)
    alt = escape(f"{c.checklist}: {stuck_text(c)}", quote=True)
    return _svg(fig).replace("<svg", f'<svg role="img" aria-label="{alt}"', 1)


def _stuck_section(stuck: tuple[ChecklistStuck, ...]) -> str:
    """Per checklist: a chart, and beside it the same figures as a table."""
    parts = []
    for c in stuck:
        head = (
            "<tr><th>Step</th><th>Ended unsolved</th><th>Agent took control</th>"
            "<th>Sessions stuck</th></tr>"
        )
        body = "".join(
            f"<tr><td>{escape(step_name(s))}</td><td class=n>{s.ended_unsolved}</td>"
            f"<td class=n>{s.control_taken}</td><td class=n>{s.stuck}</td></tr>"
            for s in c.steps
        )
        chart = f"<div class=chart>{stuck_chart(c)}</div>" if c.steps else ""
        table = f"<table>{head}{body}</table>" if c.steps else ""
        parts.append(f"<h3>{escape(c.checklist)}</h3><p>{escape(stuck_text(c))}</p>{chart}{table}")
    return (
        "<section><h2>Hvor borgerne går i stå / Where citizens get stuck</h2>"
        "<p>Per checklist: the step at which sessions ended unsolved (not solved or "
        "referred) or the agent had to take control.</p>"
        f"{''.join(parts) or '<p>None.</p>'}</section>"
    )


def _table(rows: list[tuple[str, str]], head: tuple[str, str]) -> str:
    body = "".join(f"<tr><td>{escape(k)}</td><td class=n>{escape(v)}</td></tr>" for k, v in rows)
    return f"<table><tr><th>{escape(head[0])}</th><th>{escape(head[1])}</th></tr>{body}</table>"


def _section(title: str, counts: Mapping[str, int], horizontal: bool) -> str:
    rows = [(k, str(n)) for k, n in counts.items()]
    chart = bar_chart(counts, title, horizontal) if counts else "<p>No data.</p>"
    return (
        f"<section><h2>{escape(title)}</h2><div class=chart>{chart}</div>"
        f"{_table(rows, ('', 'Contacts'))}</section>"
    )


def render_html(report: Report) -> str:
    """The whole report as one self-contained HTML document."""
    period = f"{report.date_from} – {report.date_to}"
    hours = {f"{h:02d}": n for h, n in report.per_hour.items()}
    stops = [(s.checklist, stop_text(s)) for s in report.checklist_stops]
    parts = [
        f"<section><h2>Nøgletal / Key figures</h2>{_table(headline(report), ('', ''))}</section>",
        _section(
            "Kontakter pr. ugedag / Contacts per weekday",
            {day[:3]: n for day, n in report.per_weekday.items()},
            False,
        ),
        _section("Kontakter pr. time / Contacts per hour", hours, False),
        _section("Emner / Topics", report.per_topic, True),
        _section("Resultat / Outcomes", report.per_outcome, True),
        _section("Borgerens kommune / Citizen's municipality", report.per_municipality, True),
        f"<section><h2>Hvem styrede / Who drove the screen</h2>"
        f"<div class=chart>{time_chart(report)}</div></section>",
        f"<section><h2>Hvor sessioner stoppede / Where sessions stopped</h2>"
        f"{_table(stops, ('Checklist', 'Most common stop')) if stops else '<p>None.</p>'}"
        f"</section>",
        _stuck_section(report.stuck),
    ]
    return (
        f"<!DOCTYPE html>\n<html lang=da><head><meta charset=utf-8>"
        f"<title>Hotline statistics {escape(period)}</title><style>{_STYLE}</style>"
        f"</head><body><h1>Hotlinens statistik / Hotline statistics</h1>"
        f"<p>{escape(period)} · {report.contacts} contacts · times are Danish local time"
        f"</p>{''.join(parts)}</body></html>\n"
    )
