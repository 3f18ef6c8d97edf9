"""Danish wording for reasons and states the agent sees (one place to review it)."""

from __future__ import annotations

import re

from cobrowse.session.codes import CODE_DIGITS

_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015.]+")

SIGN_IN_REASONS = {
    "bad_login": "Forkert brugernavn eller adgangskode.",
    "account_disabled": "Din konto er spærret. Kontakt IT-afdelingen.",
    "unreachable": "Kan ikke få forbindelse til relæet. Tjek adressen og din internetforbindelse.",
    "rate_limited": "For mange forsøg. Vent et par minutter, og prøv igen.",
    "version": "Relæet kører en anden version. Opdatér agent-programmet.",
    "timeout": "Relæet svarede ikke i tide. Prøv igen.",
    "protocol": "Relæet svarede uventet. Tjek adressen.",
}
JOIN_REASONS = {
    "unknown_nameplate": "Koden findes ikke eller er udløbet. Bed borgeren læse koden op igen.",
    "nameplate_taken": "Koden er allerede brugt. Bed borgeren om en ny kode.",
    "rate_limited": "For mange forsøg med koder. Vent lidt, og prøv igen.",
    "not_signed_in": "Ikke forbundet til relæet. Log ind igen.",
    "in_room": "Den forrige session er ikke helt afsluttet. Prøv igen om et øjeblik.",
}
END_REASONS = {  # SessionEnded reasons (ours, the citizen's End, the relay's peer_left)
    "done": "Sessionen er afsluttet.",
    "wrong_code": "Koden passede ikke. Borgeren får en ny kode – bed om at få den læst op.",
    "security": "Sessionen blev stoppet af sikkerhedsgrunde: forbindelsen blev forstyrret.",
    "protocol": "Sessionen blev stoppet på grund af en fejl i forbindelsen.",
    "connection_lost": "Forbindelsen til borgeren blev afbrudt.",
    "citizen_ended": "Borgeren afsluttede sessionen.",
    "closed": "Borgeren lukkede programmet.",
    "left": "Borgeren lukkede programmet.",
    "denied": "Borgeren sagde nej til skærmdeling.",
    "timeout": "Borgeren kom ikke tilbage i tide – sessionen er lukket.",
    "code_burnt": "Borgeren bad om en ny kode – sessionen er lukket.",
    "relay_lost": "Forbindelsen til relæet blev afbrudt – sessionen er lukket og gemt. "
    "Log ind igen; borgeren får en ny kode.",
    "agent_closed": "Sessionen er afsluttet.",
}
UNKNOWN_END = "Sessionen sluttede uventet."
PHASES = {
    "signed_out": "Ikke logget ind",
    "ready": "Klar – skriv borgerens kode",
    "joining": "Forbinder til borgeren …",
    "pairing": "Kontrollerer koden …",
    "waiting_view": "Venter på at borgeren tillader skærmdeling …",
    "view_denied": "Borgeren sagde nej til skærmdeling",
    "viewing": "Forbundet – du ser borgerens skærm",
    "waiting_control": "Venter på at borgeren giver dig kontrol …",
    "controlling": "Du styrer borgerens mus og tastatur",
    "paused": "Borgeren har sat skærmdelingen på pause",
    "reconnecting": "Borgerens forbindelse er afbrudt – venter …",
    "ended": "Sessionen er slut",
}
OUTCOMES = {
    "solved": "Løst",
    "citizen_finished_alone": "Borgeren gjorde det færdigt selv",
    "referred_borger_dk": "Henvist til borger.dk",
    "referred_skat_dk": "Henvist til skat.dk",
    "out_of_scope_cpr": "Uden for området – borgerens egen CPR-sag",
    "not_solved": "Ikke løst",
}
MUNICIPALITIES = ("Albertslund", "Ballerup", "Glostrup", "Høje-Taastrup", "Ishøj", "Anden kommune")


def sign_in_error(reason: str, detail: str = "") -> str:
    return SIGN_IN_REASONS.get(reason, "Kunne ikke logge ind. Prøv igen.")


def join_error(reason: str) -> str:
    return JOIN_REASONS.get(reason, "Kunne ikke forbinde til koden. Prøv igen.")


def end_text(reason: str, by_peer: bool) -> str:
    """Why the session ended, in words (never the raw reason)."""
    if by_peer and reason == "done":
        return END_REASONS["citizen_ended"]
    return END_REASONS.get(reason, UNKNOWN_END)


def code_error(typed: str) -> str:
    """A Danish explanation of what is wrong with a typed code."""
    compact = _SEPARATORS.sub("", typed)
    if not compact:
        return f"Skriv den {CODE_DIGITS}-cifrede kode, som borgeren læser op."
    bad = sorted({ch for ch in compact if not (ch.isascii() and ch.isdigit())})
    if bad:
        return f"Koden må kun indeholde cifre (fandt {' '.join(repr(ch) for ch in bad[:3])})."
    count, need = len(compact), CODE_DIGITS
    if count < need:
        return f"Koden har {need} cifre. Du har skrevet {count} – der mangler {need - count}."
    return f"Koden har {need} cifre. Du har skrevet {count} – {count - need} for mange."
