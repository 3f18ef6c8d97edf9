"""Danish wording for reasons and states the agent sees (one place to review it).

Danish is the source language; the tables hold the source texts (``QT_TRANSLATE_NOOP``,
so lupdate finds them) and the functions below hand out the installed language's
text (English from ``qtlang/agent_en.ts``).
"""

from __future__ import annotations

import re

from PySide6.QtCore import QT_TRANSLATE_NOOP

from cobrowse.session.codes import CODE_DIGITS
from qtlang import translate

_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015.]+")

SIGN_IN_REASONS: dict[str, object] = {
    "bad_login": QT_TRANSLATE_NOOP("agent", "Forkert brugernavn eller adgangskode."),
    "account_disabled": QT_TRANSLATE_NOOP("agent", "Din konto er spærret. Kontakt IT-afdelingen."),
    "unreachable": QT_TRANSLATE_NOOP(
        "agent", "Kan ikke få forbindelse til relæet. Tjek adressen og din internetforbindelse."
    ),
    "rate_limited": QT_TRANSLATE_NOOP(
        "agent", "For mange forsøg. Vent et par minutter, og prøv igen."
    ),
    "version": QT_TRANSLATE_NOOP(
        "agent", "Relæet kører en anden version. Opdatér agent-programmet."
    ),
    "timeout": QT_TRANSLATE_NOOP("agent", "Relæet svarede ikke i tide. Prøv igen."),
    "protocol": QT_TRANSLATE_NOOP("agent", "Relæet svarede uventet. Tjek adressen."),
}
JOIN_REASONS: dict[str, object] = {
    "unknown_nameplate": QT_TRANSLATE_NOOP(
        "agent", "Koden findes ikke eller er udløbet. Bed borgeren læse koden op igen."
    ),
    "nameplate_taken": QT_TRANSLATE_NOOP(
        "agent", "Koden er allerede brugt. Bed borgeren om en ny kode."
    ),
    "rate_limited": QT_TRANSLATE_NOOP(
        "agent", "For mange forsøg med koder. Vent lidt, og prøv igen."
    ),
    "not_signed_in": QT_TRANSLATE_NOOP("agent", "Ikke forbundet til relæet. Log ind igen."),
    "in_room": QT_TRANSLATE_NOOP(
        "agent", "Den forrige session er ikke helt afsluttet. Prøv igen om et øjeblik."
    ),
}
END_REASONS: dict[
    str, object
] = {  # SessionEnded reasons (ours, the citizen's End, the relay's peer_left)
    "done": QT_TRANSLATE_NOOP("agent", "Sessionen er afsluttet."),
    "wrong_code": QT_TRANSLATE_NOOP(
        "agent", "Koden passede ikke. Borgeren får en ny kode – bed om at få den læst op."
    ),
    "security": QT_TRANSLATE_NOOP(
        "agent", "Sessionen blev stoppet af sikkerhedsgrunde: forbindelsen blev forstyrret."
    ),
    "protocol": QT_TRANSLATE_NOOP(
        "agent", "Sessionen blev stoppet på grund af en fejl i forbindelsen."
    ),
    "connection_lost": QT_TRANSLATE_NOOP("agent", "Forbindelsen til borgeren blev afbrudt."),
    "citizen_ended": QT_TRANSLATE_NOOP("agent", "Borgeren afsluttede sessionen."),
    "closed": QT_TRANSLATE_NOOP("agent", "Borgeren lukkede programmet."),
    "left": QT_TRANSLATE_NOOP("agent", "Borgeren lukkede programmet."),
    "denied": QT_TRANSLATE_NOOP("agent", "Borgeren sagde nej til skærmdeling."),
    "timeout": QT_TRANSLATE_NOOP(
        "agent", "Borgeren kom ikke tilbage i tide – sessionen er lukket."
    ),
    "code_burnt": QT_TRANSLATE_NOOP("agent", "Borgeren bad om en ny kode – sessionen er lukket."),
    "relay_lost": QT_TRANSLATE_NOOP(
        "agent",
        "Forbindelsen til relæet blev afbrudt – sessionen er lukket og gemt. "
        "Log ind igen; borgeren får en ny kode.",
    ),
    "agent_closed": QT_TRANSLATE_NOOP("agent", "Sessionen er afsluttet."),
}
UNKNOWN_END = QT_TRANSLATE_NOOP("agent", "Sessionen sluttede uventet.")
PHASES: dict[str, object] = {
    "signed_out": QT_TRANSLATE_NOOP("agent", "Ikke logget ind"),
    "ready": QT_TRANSLATE_NOOP("agent", "Klar – skriv borgerens kode"),
    "joining": QT_TRANSLATE_NOOP("agent", "Forbinder til borgeren …"),
    "pairing": QT_TRANSLATE_NOOP("agent", "Kontrollerer koden …"),
    "waiting_view": QT_TRANSLATE_NOOP("agent", "Venter på at borgeren tillader skærmdeling …"),
    "view_denied": QT_TRANSLATE_NOOP("agent", "Borgeren sagde nej til skærmdeling"),
    "viewing": QT_TRANSLATE_NOOP("agent", "Forbundet – du ser borgerens skærm"),
    "waiting_control": QT_TRANSLATE_NOOP("agent", "Venter på at borgeren giver dig kontrol …"),
    "controlling": QT_TRANSLATE_NOOP("agent", "Du styrer borgerens mus og tastatur"),
    "paused": QT_TRANSLATE_NOOP("agent", "Borgeren har sat skærmdelingen på pause"),
    "reconnecting": QT_TRANSLATE_NOOP("agent", "Borgerens forbindelse er afbrudt – venter …"),
    "ended": QT_TRANSLATE_NOOP("agent", "Sessionen er slut"),
}
OUTCOMES: dict[str, object] = {
    "solved": QT_TRANSLATE_NOOP("agent", "Løst"),
    "citizen_finished_alone": QT_TRANSLATE_NOOP("agent", "Borgeren gjorde det færdigt selv"),
    "referred_borger_dk": QT_TRANSLATE_NOOP("agent", "Henvist til borger.dk"),
    "referred_skat_dk": QT_TRANSLATE_NOOP("agent", "Henvist til skat.dk"),
    "out_of_scope_cpr": QT_TRANSLATE_NOOP("agent", "Uden for området – borgerens egen CPR-sag"),
    "not_solved": QT_TRANSLATE_NOOP("agent", "Ikke løst"),
}
MUNICIPALITIES = ("Albertslund", "Ballerup", "Glostrup", "Høje-Taastrup", "Ishøj", "Anden kommune")


def t(text: object) -> str:
    """A source text from the tables in the installed language."""
    return translate("agent", str(text))


def sign_in_error(reason: str, detail: str = "") -> str:
    fallback = QT_TRANSLATE_NOOP("agent", "Kunne ikke logge ind. Prøv igen.")
    return t(SIGN_IN_REASONS.get(reason, fallback))


def join_error(reason: str) -> str:
    fallback = QT_TRANSLATE_NOOP("agent", "Kunne ikke forbinde til koden. Prøv igen.")
    return t(JOIN_REASONS.get(reason, fallback))


def end_text(reason: str, by_peer: bool) -> str:
    """Why the session ended, in words (never the raw reason)."""
    if by_peer and reason == "done":
        return t(END_REASONS["citizen_ended"])
    return t(END_REASONS.get(reason, UNKNOWN_END))


def phase_text(phase: str) -> str:
    return t(PHASES[phase]) if phase in PHASES else phase


def outcome_text(outcome: str) -> str:
    return t(OUTCOMES.get(outcome, outcome))


def code_error(typed: str) -> str:
    """What is wrong with a typed code, in words."""
    compact = _SEPARATORS.sub("", typed)
    need = CODE_DIGITS
    if not compact:
        return translate("agent", "Skriv den {need}-cifrede kode, som borgeren læser op.").format(
            need=need
        )
    bad = sorted({ch for ch in compact if not (ch.isascii() and ch.isdigit())})
    if bad:
        found = " ".join(repr(ch) for ch in bad[:3])
        return translate("agent", "Koden må kun indeholde cifre (fandt {found}).").format(
            found=found
        )
    count = len(compact)
    if count < need:
        return translate(
            "agent", "Koden har {need} cifre. Du har skrevet {count} – der mangler {missing}."
        ).format(need=need, count=count, missing=need - count)
    return translate(
        "agent", "Koden har {need} cifre. Du har skrevet {count} – {extra} for mange."
    ).format(need=need, count=count, extra=count - need)
