"""Everything the citizen reads, written once in Danish (the source language).

Plain words for people who are unsure with computers: no jargon, no error codes,
no stack traces.  ``phrase(key, **fields)`` gives the text in the language installed
with :func:`qtlang.install` (English comes from ``qtlang/citizen_en.ts``) and fills
in names and numbers.  ``clock`` and ``when`` format times for the Qt-free opening
hours, which take the language as an argument.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QT_TRANSLATE_NOOP

from cobrowse.hours import DAYS, MONTHS  # the day and month names, once
from qtlang import LANGUAGES, translate

__all__ = ["LANGUAGES", "TEXTS", "clock", "phrase", "spaced", "when"]

CONTEXT = "citizen"
TEXTS: dict[str, object] = {  # key -> Danish source text (lupdate reads these)
    "title": QT_TRANSLATE_NOOP("citizen", "Hjælp til din computer"),
    "connecting": QT_TRANSLATE_NOOP("citizen", "Forbinder …"),
    "connecting_detail": QT_TRANSLATE_NOOP("citizen", "Vent et øjeblik."),
    "unreachable": QT_TRANSLATE_NOOP("citizen", "Vi kan ikke få forbindelse lige nu."),
    "unreachable_detail": QT_TRANSLATE_NOOP(
        "citizen", "Tjek at computeren er på internettet. Vi prøver igen om {seconds} sekunder."
    ),
    "retrying": QT_TRANSLATE_NOOP("citizen", "Prøver igen …"),
    "code_heading": QT_TRANSLATE_NOOP("citizen", "Læs dette nummer op for den, der hjælper dig:"),
    "code_hint": QT_TRANSLATE_NOOP("citizen", "Nummeret virker kun én gang."),
    "new_code": QT_TRANSLATE_NOOP("citizen", "Nyt nummer"),
    "guide": QT_TRANSLATE_NOOP("citizen", "Se vejledningen igen"),
    "code_expired": QT_TRANSLATE_NOOP("citizen", "Nummeret er udløbet. Her er et nyt."),
    "agent_ready": QT_TRANSLATE_NOOP("citizen", "En medarbejder er klar til at hjælpe dig."),
    "no_agent": QT_TRANSLATE_NOOP(
        "citizen",
        "Din hjælper er ikke logget på endnu. Når din hjælper er klar, kan du læse nummeret op.",
    ),
    "hotline_name": QT_TRANSLATE_NOOP("citizen", "Hotlinens status"),
    "closed": QT_TRANSLATE_NOOP("citizen", "Hotlinen er lukket."),
    "next_opening": QT_TRANSLATE_NOOP("citizen", "Vi åbner igen {when}."),
    "closed_retry": QT_TRANSLATE_NOOP(
        "citizen", "Lad vinduet være åbent. Det forbinder selv, når vi åbner."
    ),
    "joined": QT_TRANSLATE_NOOP("citizen", "{name} fra {municipality} er forbundet."),
    "pairing": QT_TRANSLATE_NOOP("citizen", "Forbinder sikkert til {name} …"),
    "wrong_code": QT_TRANSLATE_NOOP("citizen", "Nummeret passede ikke. Her er et nyt nummer."),
    "view_question": QT_TRANSLATE_NOOP("citizen", "{name}, {municipality} vil gerne se din skærm."),
    "view_detail": QT_TRANSLATE_NOOP("citizen", "Du kan stoppe når som helst."),
    "allow": QT_TRANSLATE_NOOP("citizen", "Tillad"),
    "deny": QT_TRANSLATE_NOOP("citizen", "Tillad ikke"),
    "denied": QT_TRANSLATE_NOOP("citizen", "Din skærm bliver ikke vist. Tak for nu."),
    "denied_detail": QT_TRANSLATE_NOOP("citizen", "Vil du prøve igen, så læs det nye nummer op."),
    "sharing": QT_TRANSLATE_NOOP("citizen", "Din skærm bliver delt med {name}"),
    "paused": QT_TRANSLATE_NOOP("citizen", "Pause: {name} kan ikke se din skærm"),
    "controlled": QT_TRANSLATE_NOOP("citizen", "{name} styrer din mus og dit tastatur"),
    "pause": QT_TRANSLATE_NOOP("citizen", "Pause"),
    "resume": QT_TRANSLATE_NOOP("citizen", "Fortsæt"),
    "stop": QT_TRANSLATE_NOOP("citizen", "Stop"),
    "take_back": QT_TRANSLATE_NOOP("citizen", "Tag kontrollen tilbage"),
    "control_question": QT_TRANSLATE_NOOP(
        "citizen", "{name} beder om at styre din mus og dit tastatur."
    ),
    "control_verifier": QT_TRANSLATE_NOOP(
        "citizen", "Tjek at {name} læser dette nummer op for dig:"
    ),
    "allow_control": QT_TRANSLATE_NOOP("citizen", "Tillad styring"),
    "no": QT_TRANSLATE_NOOP("citizen", "Nej"),
    "hotkey_hint": QT_TRANSLATE_NOOP(
        "citizen", "Tryk på Esc tre gange for at tage kontrollen tilbage."
    ),
    "combo_question": QT_TRANSLATE_NOOP("citizen", "{name} vil trykke {keys}."),
    "combo_detail": QT_TRANSLATE_NOOP(
        "citizen",
        "Den tastekombination kan låse, lukke eller genstarte noget på din computer. Tillad "
        "den kun, hvis I har aftalt det.",
    ),
    "step": QT_TRANSLATE_NOOP("citizen", "Trin {number} af {total}"),
    "fold": QT_TRANSLATE_NOOP("citizen", "Skjul trin ▾"),
    "unfold": QT_TRANSLATE_NOOP("citizen", "Vis trin {number} ▴"),
    "bar_sharing": QT_TRANSLATE_NOOP("citizen", "{first} ser din skærm"),
    "bar_paused": QT_TRANSLATE_NOOP("citizen", "Pause – {first} ser intet"),
    "bar_controlled": QT_TRANSLATE_NOOP("citizen", "{first} styrer"),
    "bar_reconnecting": QT_TRANSLATE_NOOP("citizen", "Forbinder igen …"),
    "link_question": QT_TRANSLATE_NOOP("citizen", "{name} vil gerne åbne denne side:"),
    "open": QT_TRANSLATE_NOOP("citizen", "Åbn"),
    "reconnecting": QT_TRANSLATE_NOOP("citizen", "Forbindelsen blev afbrudt. Forbinder igen …"),
    "reconnecting_detail": QT_TRANSLATE_NOOP(
        "citizen", "Imens kan ingen se eller styre din computer."
    ),
    "helper_away": QT_TRANSLATE_NOOP("citizen", "Forbindelsen til hjælperen er afbrudt."),
    "helper_away_detail": QT_TRANSLATE_NOOP(
        "citizen",
        "Vi venter på, at hjælperen kommer tilbage. Imens kan hjælperen hverken se eller "
        "styre din computer.\n\nVil du ikke vente, så tryk på »Nyt nummer«.",
    ),
    "bar_helper_away": QT_TRANSLATE_NOOP("citizen", "Venter på {first} …"),
    "ended": QT_TRANSLATE_NOOP("citizen", "Du har afsluttet sessionen."),
    "ended_own_detail": QT_TRANSLATE_NOOP(
        "citizen", "Du kan lukke vinduet. Har du brug for hjælp igen, så tryk på »Nyt nummer«."
    ),
    "ended_by_helper": QT_TRANSLATE_NOOP("citizen", "Hjælperen har afsluttet forbindelsen."),
    "ended_helper_lost": QT_TRANSLATE_NOOP("citizen", "Forbindelsen til hjælperen blev afbrudt."),
    "ended_security": QT_TRANSLATE_NOOP("citizen", "Forbindelsen blev lukket af sikkerhedshensyn."),
    "ended_detail": QT_TRANSLATE_NOOP(
        "citizen",
        "Din skærm bliver ikke længere vist. Har du brug for mere hjælp, så tryk på »Nyt "
        "nummer«, og læs det nye nummer op.",
    ),
    "lost_new_code": QT_TRANSLATE_NOOP(
        "citizen", "Forbindelsen blev afbrudt. Her er et nyt nummer."
    ),
    "failed_new_code": QT_TRANSLATE_NOOP(
        "citizen", "Forbindelsen kunne ikke oprettes. Her er et nyt nummer."
    ),
    "insecure_new_code": QT_TRANSLATE_NOOP(
        "citizen", "Forbindelsen var ikke sikker og blev lukket. Her er et nyt nummer."
    ),
    "close": QT_TRANSLATE_NOOP("citizen", "Luk"),
    "config_problem": QT_TRANSLATE_NOOP("citizen", "Programmet er ikke sat rigtigt op."),
    "config_detail": QT_TRANSLATE_NOOP(
        "citizen", "Ring til den, der hjælper dig, og sig: ”{problem}”."
    ),
    "language": QT_TRANSLATE_NOOP("citizen", "English"),
    "sharing_on_screen": QT_TRANSLATE_NOOP("citizen", "Deling"),
    "verifier_name": QT_TRANSLATE_NOOP("citizen", "Kontrolnummer"),
    "code_name": QT_TRANSLATE_NOOP("citizen", "Dit nummer"),
    # accessible names of the parts (read out by screen readers)
    "a11y:status": QT_TRANSLATE_NOOP("citizen", "Status"),
    "a11y:status detail": QT_TRANSLATE_NOOP("citizen", "Forklaring"),
    "a11y:status action": QT_TRANSLATE_NOOP("citizen", "Handling"),
    "a11y:second action": QT_TRANSLATE_NOOP("citizen", "Anden handling"),
    "a11y:note": QT_TRANSLATE_NOOP("citizen", "Besked"),
    "a11y:instruction": QT_TRANSLATE_NOOP("citizen", "Vejledning"),
    "a11y:code": QT_TRANSLATE_NOOP("citizen", "Dit nummer"),
    "a11y:hint": QT_TRANSLATE_NOOP("citizen", "Tip"),
    "a11y:hotline status": QT_TRANSLATE_NOOP("citizen", "Hotlinens status"),
    "a11y:language": QT_TRANSLATE_NOOP("citizen", "Sprog"),
    "a11y:about": QT_TRANSLATE_NOOP("citizen", "Om programmet"),
    "a11y:guide": QT_TRANSLATE_NOOP("citizen", "Vejledningen til opgaven"),
    "a11y:question": QT_TRANSLATE_NOOP("citizen", "Spørgsmål"),
    "a11y:detail": QT_TRANSLATE_NOOP("citizen", "Forklaring"),
    "a11y:number": QT_TRANSLATE_NOOP("citizen", "Kontrolnummer"),
    "a11y:yes": QT_TRANSLATE_NOOP("citizen", "Ja"),
    "a11y:no": QT_TRANSLATE_NOOP("citizen", "Nej"),
    "a11y:sharing bar": QT_TRANSLATE_NOOP("citizen", "Skærmdeling"),
    "a11y:sharing status": QT_TRANSLATE_NOOP("citizen", "Status for skærmdeling"),
    "a11y:pause": QT_TRANSLATE_NOOP("citizen", "Pause"),
    "a11y:stop": QT_TRANSLATE_NOOP("citizen", "Stop"),
    "a11y:take back control": QT_TRANSLATE_NOOP("citizen", "Tag kontrollen tilbage"),
    "a11y:fold step": QT_TRANSLATE_NOOP("citizen", "Skjul eller vis trinnet"),
    "a11y:step": QT_TRANSLATE_NOOP("citizen", "Trin"),
    "a11y:step text": QT_TRANSLATE_NOOP("citizen", "Trinnets tekst"),
    "a11y:control frame": QT_TRANSLATE_NOOP("citizen", "Ramme: din computer bliver styret"),
    "a11y:pointer highlight": QT_TRANSLATE_NOOP("citizen", "Hjælperen peger her"),
    "about": QT_TRANSLATE_NOOP("citizen", "Om"),
    "about_title": QT_TRANSLATE_NOOP("citizen", "Om programmet"),
    "about_version": QT_TRANSLATE_NOOP("citizen", "Version {version}"),
    "about_hotline": QT_TRANSLATE_NOOP("citizen", "Hotline: {hotline}"),
    "about_privacy": QT_TRANSLATE_NOOP(
        "citizen",
        "Din skærm går krypteret direkte til den, der hjælper dig. Serveren, som forbinder "
        "jer, sender kun data videre og kan ikke se din skærm.",
    ),
}


def phrase(key: str, **fields: object) -> str:
    """The text ``key`` in the installed language, with ``fields`` filled in."""
    return translate(CONTEXT, str(TEXTS[key])).format(**fields)


def spaced(digits: str) -> str:
    """``"4812"`` -> ``"4 8 1 2"``: easier to read aloud and to compare."""
    return " ".join(digits)


def clock(lang: str, at: datetime) -> str:
    """``19.00`` in Danish, ``19:00`` in English."""
    return f"{at:%H.%M}" if lang == "da" else f"{at:%H:%M}"


def when(lang: str, start: datetime, now: datetime) -> str:
    """``"i morgen kl. 19.00"`` / ``"Monday 3 March at 19:00"``, in ``start``'s own zone
    (the relay's, i.e. the hotline's local time)."""
    today = now.astimezone(start.tzinfo).date() if start.tzinfo else now.date()
    lang = lang if lang in DAYS else "da"
    if start.date() == today:
        day = "i dag" if lang == "da" else "today"
    elif start.date() == today + timedelta(days=1):
        day = "i morgen" if lang == "da" else "tomorrow"
    elif lang == "da":
        day = f"{DAYS['da'][start.weekday()]} den {start.day}. {MONTHS['da'][start.month - 1]}"
    else:
        day = f"{DAYS['en'][start.weekday()]} {start.day} {MONTHS['en'][start.month - 1]}"
    return f"{day} kl. {clock(lang, start)}" if lang == "da" else f"{day} at {clock(lang, start)}"
