"""The statistics window's texts: tables of translatable names, figures and
stops formatted for the supervisor, and what an export's outcome says."""

from __future__ import annotations

import concurrent.futures
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP

from qtlang import current, translate

WEEKDAYS: dict[str, object] = {
    "Monday": QT_TRANSLATE_NOOP("agent", "Man"),
    "Tuesday": QT_TRANSLATE_NOOP("agent", "Tir"),
    "Wednesday": QT_TRANSLATE_NOOP("agent", "Ons"),
    "Thursday": QT_TRANSLATE_NOOP("agent", "Tor"),
    "Friday": QT_TRANSLATE_NOOP("agent", "Fre"),
    "Saturday": QT_TRANSLATE_NOOP("agent", "Lør"),
    "Sunday": QT_TRANSLATE_NOOP("agent", "Søn"),
}
OUTCOMES: dict[str, object] = {
    "solved": QT_TRANSLATE_NOOP("agent", "Løst"),
    "citizen_finished_alone": QT_TRANSLATE_NOOP("agent", "Borgeren klarede resten selv"),
    "referred_borger_dk": QT_TRANSLATE_NOOP("agent", "Henvist til borger.dk"),
    "referred_skat_dk": QT_TRANSLATE_NOOP("agent", "Henvist til skat.dk"),
    "out_of_scope_cpr": QT_TRANSLATE_NOOP("agent", "Uden for området (CPR)"),
    "not_solved": QT_TRANSLATE_NOOP("agent", "Ikke løst"),
    "interrupted": QT_TRANSLATE_NOOP("agent", "Afbrudt (intet udfald valgt)"),
}
REFUSALS: dict[str, object] = {
    "forbidden": QT_TRANSLATE_NOOP(
        "agent", "Kun supervisorer og administratorer kan se hotlinens statistik."
    ),
    "bad_range": QT_TRANSLATE_NOOP("agent", "Slutdatoen ligger før startdatoen."),
    "not_signed_in": QT_TRANSLATE_NOOP("agent", "Du er ikke logget ind på relæet."),
    "connection_lost": QT_TRANSLATE_NOOP(
        "agent", "Forbindelsen til relæet blev afbrudt. Prøv igen."
    ),
    "unavailable": QT_TRANSLATE_NOOP(
        "agent", "Hotlinens database kan ikke nås lige nu. Prøv igen om lidt."
    ),
}


def t(text: object) -> str:
    return translate("agent", str(text))


UNNAMED: dict[str, object] = {  # the relay's English placeholders (relay/report.py)
    "(unknown)": QT_TRANSLATE_NOOP("agent", "(ukendt)"),
    "(no topic)": QT_TRANSLATE_NOOP("agent", "(intet emne)"),
}


def top(counts: dict[str, int], limit: int = 10) -> list[tuple[str, int]]:
    """The ``limit`` biggest rows, the rest summed; the relay's placeholders in Danish."""
    named = {t(UNNAMED[k]) if k in UNNAMED else k: n for k, n in counts.items()}
    ranked = sorted(named.items(), key=lambda kv: (-kv[1], kv[0]))
    rest = sum(n for _, n in ranked[limit:])
    return ranked[:limit] + ([(translate("agent", "(øvrige)"), rest)] if rest else []) or [("–", 0)]


def minutes(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    shown = f"{seconds / 60:.1f} min"
    return shown.replace(".", ",") if current() == "da" else shown  # 16,0 / 16.0


def percent(share: float | None) -> str:
    return "–" if share is None else f"{share * 100:.0f} %"


def figures(report: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (translate("agent", "Henvendelser"), str(report["contacts"])),
        (translate("agent", "Median varighed"), minutes(report["median_duration_s"])),
        (
            translate("agent", "90 % af sessionerne varede højst"),
            minutes(report["p90_duration_s"]),
        ),
        (
            translate("agent", "Borgeren klarede resten selv"),
            percent(report["finished_alone_share"]),
        ),
        (
            translate("agent", "Tid med agentens styring"),
            f"{minutes(report['agent_driven_s'])} ({percent(report['agent_driven_share'])})",
        ),
        (translate("agent", "Tid hvor borgeren styrede"), minutes(report["citizen_driven_s"])),
    ]


def stop(stop: dict[str, Any]) -> str:
    name = stop["checklist"]
    if stop["step"] is None:
        return translate(
            "agent", "{name}: alle {sessions} sessioner gennemførte tjeklisten"
        ).format(name=name, sessions=stop["sessions"])
    return translate(
        "agent",
        "{name}: oftest ved trin {step} "
        "({stopped} af {sessions} sessioner; {completed} gennemført)",
    ).format(
        name=name,
        step=stop["step"],
        stopped=stop["stopped"],
        sessions=stop["sessions"],
        completed=stop["completed"],
    )


def export_outcome(future: concurrent.futures.Future[int], path: Path) -> str:
    """What the supervisor reads after an export, in plain Danish."""
    try:
        count = future.result()
    except OSError as exc:
        return translate("agent", "Filen {file} kunne ikke skrives ({error}).").format(
            file=path, error=exc.strerror or exc
        )
    except concurrent.futures.TimeoutError:
        return translate("agent", "Relæet svarede ikke i tide. Prøv igen.")
    except Exception as exc:  # noqa: BLE001 - shown to the supervisor
        reason = str(getattr(exc, "reason", ""))
        if reason in REFUSALS:
            return t(REFUSALS[reason])
        return translate("agent", "Kontaktregistreringerne kunne ikke hentes. Prøv igen.")
    return translate("agent", "{count} kontaktregistreringer skrevet til {file}.").format(
        count=count, file=path
    )
