"""Everything the citizen reads, in Danish (default) and English.

Plain words for people who are unsure with computers: no jargon, no error codes,
no stack traces.  ``tr(lang, key, **fields)`` fills in names and numbers.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from cobrowse.hours import DAYS, MONTHS  # the day and month names, once

LANGUAGES = ("da", "en")

DA: dict[str, str] = {
    "title": "Hjælp til din computer",
    "connecting": "Forbinder …",
    "connecting_detail": "Vent et øjeblik.",
    "unreachable": "Vi kan ikke få forbindelse lige nu.",
    "unreachable_detail": "Tjek at computeren er på internettet. Vi prøver igen om {seconds} "
    "sekunder.",
    "retrying": "Prøver igen …",
    "code_heading": "Læs dette nummer op for den, der hjælper dig:",
    "code_hint": "Nummeret virker kun én gang.",
    "new_code": "Nyt nummer",
    "guide": "Se vejledningen igen",
    "code_expired": "Nummeret er udløbet. Her er et nyt.",
    "agent_ready": "En medarbejder er klar til at hjælpe dig.",
    "no_agent": "Din hjælper er ikke logget på endnu. Når din hjælper er klar, kan du læse "
    "nummeret op.",
    "hotline_name": "Hotlinens status",
    "closed": "Hotlinen er lukket.",
    "next_opening": "Vi åbner igen {when}.",
    "closed_retry": "Lad vinduet være åbent. Det forbinder selv, når vi åbner.",
    "joined": "{name} fra {municipality} er forbundet.",
    "pairing": "Forbinder sikkert til {name} …",
    "wrong_code": "Nummeret passede ikke. Her er et nyt nummer.",
    "view_question": "{name}, {municipality} vil gerne se din skærm.",
    "view_detail": "Du kan stoppe når som helst.",
    "allow": "Tillad",
    "deny": "Tillad ikke",
    "denied": "Din skærm bliver ikke vist. Tak for nu.",
    "denied_detail": "Vil du prøve igen, så læs det nye nummer op.",
    "sharing": "Din skærm bliver delt med {name}",
    "paused": "Pause: {name} kan ikke se din skærm",
    "controlled": "{name} styrer din mus og dit tastatur",
    "pause": "Pause",
    "resume": "Fortsæt",
    "stop": "Stop",
    "take_back": "Tag kontrollen tilbage",
    "control_question": "{name} beder om at styre din mus og dit tastatur.",
    "control_verifier": "Tjek at {name} læser dette nummer op for dig:",
    "allow_control": "Tillad styring",
    "no": "Nej",
    "hotkey_hint": "Tryk på Esc tre gange for at tage kontrollen tilbage.",
    "combo_question": "{name} vil trykke {keys}.",
    "combo_detail": "Den tastekombination kan låse, lukke eller genstarte noget på din "
    "computer. Tillad den kun, hvis I har aftalt det.",
    "step": "Trin {number} af {total}",
    "fold": "Skjul trin \u25be",
    "unfold": "Vis trin {number} \u25b4",
    "bar_sharing": "{first} ser din skærm",
    "bar_paused": "Pause \u2013 {first} ser intet",
    "bar_controlled": "{first} styrer",
    "bar_reconnecting": "Forbinder igen \u2026",
    "link_question": "{name} vil gerne åbne denne side:",
    "open": "Åbn",
    "reconnecting": "Forbindelsen blev afbrudt. Forbinder igen …",
    "reconnecting_detail": "Imens kan ingen se eller styre din computer.",
    "helper_away": "Forbindelsen til hjælperen er afbrudt.",
    "helper_away_detail": "Vi venter på, at hjælperen kommer tilbage. Imens kan hjælperen "
    "hverken se eller styre din computer.\n\nVil du ikke vente, så tryk på »Nyt nummer«.",
    "bar_helper_away": "Venter på {first} \u2026",
    "ended": "Du har afsluttet sessionen.",
    "ended_own_detail": "Du kan lukke vinduet. Har du brug for hjælp igen, så tryk på "
    "»Nyt nummer«.",
    "ended_by_helper": "Hjælperen har afsluttet forbindelsen.",
    "ended_helper_lost": "Forbindelsen til hjælperen blev afbrudt.",
    "ended_security": "Forbindelsen blev lukket af sikkerhedshensyn.",
    "ended_detail": "Din skærm bliver ikke længere vist. Har du brug for mere hjælp, så tryk "
    "på »Nyt nummer«, og læs det nye nummer op.",
    "lost_new_code": "Forbindelsen blev afbrudt. Her er et nyt nummer.",
    "failed_new_code": "Forbindelsen kunne ikke oprettes. Her er et nyt nummer.",
    "insecure_new_code": "Forbindelsen var ikke sikker og blev lukket. Her er et nyt nummer.",
    "close": "Luk",
    "config_problem": "Programmet er ikke sat rigtigt op.",
    "config_detail": "Ring til den, der hjælper dig, og sig: \u201d{problem}\u201d.",
    "language": "English",
    "sharing_on_screen": "Deling",
    "verifier_name": "Kontrolnummer",
    "code_name": "Dit nummer",
}

EN: dict[str, str] = {
    "title": "Help with your computer",
    "connecting": "Connecting …",
    "connecting_detail": "Please wait a moment.",
    "unreachable": "We cannot connect right now.",
    "unreachable_detail": "Check that the computer is on the internet. We will try again in "
    "{seconds} seconds.",
    "retrying": "Trying again …",
    "code_heading": "Read this number to the person helping you:",
    "code_hint": "The number works only once.",
    "new_code": "New number",
    "guide": "See the guide again",
    "code_expired": "The number expired. Here is a new one.",
    "agent_ready": "An agent will be with you shortly.",
    "no_agent": "Your helper has not signed in yet. When your helper is ready, read them "
    "the number.",
    "hotline_name": "Hotline status",
    "closed": "The hotline is closed.",
    "next_opening": "Next opening: {when}.",
    "closed_retry": "Leave this window open. It connects by itself when we open.",
    "joined": "{name} from {municipality} is connected.",
    "pairing": "Connecting securely to {name} …",
    "wrong_code": "The number did not match. Here is a new number.",
    "view_question": "{name}, {municipality} wants to see your screen.",
    "view_detail": "You can stop at any time.",
    "allow": "Allow",
    "deny": "Don't allow",
    "denied": "Your screen is not shown. Thank you.",
    "denied_detail": "To try again, read the new number aloud.",
    "sharing": "Your screen is being shared with {name}",
    "paused": "Paused: {name} cannot see your screen",
    "controlled": "{name} is controlling your mouse and keyboard",
    "pause": "Pause",
    "resume": "Continue",
    "stop": "Stop",
    "take_back": "Take back control",
    "control_question": "{name} asks to control your mouse and keyboard.",
    "control_verifier": "Check that {name} reads you this number:",
    "allow_control": "Allow control",
    "no": "No",
    "hotkey_hint": "Press Esc three times to take back control.",
    "combo_question": "{name} wants to press {keys}.",
    "combo_detail": "That key combination can lock, close or restart something on your "
    "computer. Only allow it if you have agreed on it.",
    "step": "Step {number} of {total}",
    "fold": "Hide step \u25be",
    "unfold": "Show step {number} \u25b4",
    "bar_sharing": "{first} sees your screen",
    "bar_paused": "Paused \u2013 {first} can't see",
    "bar_controlled": "{first} is in control",
    "bar_reconnecting": "Reconnecting \u2026",
    "link_question": "{name} wants to open this page:",
    "open": "Open",
    "reconnecting": "The connection was lost. Reconnecting …",
    "reconnecting_detail": "Meanwhile nobody can see or control your computer.",
    "helper_away": "The connection to your helper was lost.",
    "helper_away_detail": "We are waiting for your helper to come back. Meanwhile your "
    "helper can neither see nor control your computer.\n\nIf you do not want to wait, "
    "press “New number”.",
    "bar_helper_away": "Waiting for {first} \u2026",
    "ended": "You have ended the session.",
    "ended_own_detail": "You can close this window. If you need help again, press “New number”.",
    "ended_by_helper": "Your helper has ended the connection.",
    "ended_helper_lost": "The connection to your helper was lost.",
    "ended_security": "The connection was closed for security reasons.",
    "ended_detail": "Your screen is no longer shown. If you need more help, press "
    "“New number” and read the new number aloud.",
    "lost_new_code": "The connection was lost. Here is a new number.",
    "failed_new_code": "The connection could not be made. Here is a new number.",
    "insecure_new_code": "The connection was not secure and was closed. Here is a new number.",
    "close": "Close",
    "config_problem": "The program is not set up correctly.",
    "config_detail": "Call the person helping you and say: \u201c{problem}\u201d.",
    "language": "Dansk",
    "sharing_on_screen": "Sharing",
    "verifier_name": "Check number",
    "code_name": "Your number",
}

TABLES = {"da": DA, "en": EN}


def tr(lang: str, key: str, **fields: object) -> str:
    """The text ``key`` in ``lang`` (falls back to Danish), with ``fields`` filled in."""
    table = TABLES.get(lang, DA)
    return table.get(key, DA[key]).format(**fields)


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
