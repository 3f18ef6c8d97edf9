"""``cobrowse-local --headless``: a practice session played by a script, on Xvfb.

The citizen's PC is an Xvfb with openbox, Chromium showing the practice form and
the real citizen client (``citizen_client.driver``); the agent app
(``agent_app.driver``) runs on Qt's offscreen platform; the relay is a process of
its own.  The script does what the two people do - pair, allow viewing, show a
step, point, ask for control with the check number, type a name into the form,
tick steps, set the outcome, end - and waits after each move until the other
side's screen shows the result.  Screenshots of both apps and the session log's
summary go to the output folder.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from cobrowse.local.children import Children
from cobrowse.local.desktop import Desktop
from cobrowse.local.driven import DriveError, DrivenApp
from cobrowse.local.relay import DEMO_AGENT, ensure_demo_agent, start_relay
from cobrowse.local.site import PracticeSite
from cobrowse.local.summary import write_summary
from cobrowse.local.xserver import Xvfb

NAME = "Åse Ærø"  # typed by the agent; the citizen's keyboard map is Danish
SCREEN = (1280, 800)
ENDED = "10-citizen-ended"  # the citizen's end screen in front of the form
Say = Callable[[str], None]


class Session:
    """The running practice session: the citizen's desktop and both apps."""

    def __init__(
        self,
        children: Children,
        work: Path,
        out: Path,
        say: Say,
        display: str = "",
        keymap: list[str] | None = None,
    ) -> None:
        """``display``: the citizen's PC (default: an Xvfb of its own); ``keymap``: the
        command that sets its keyboard map (default: Danish)."""
        self.out, self.say = out, say
        self.password = ensure_demo_agent(work)
        url = start_relay(children, work)
        say(f"relay on {url}")
        if not display:
            xvfb = Xvfb(*SCREEN)
            children.adopt(xvfb.proc, 5)
            display = xvfb.display
        site = PracticeSite()
        children.callback(site.stop)
        self.desk = Desktop(display, site.url, keymap=keymap)
        children.callback(self.desk.stop)
        say(f"citizen's PC on display {display}: the practice form in Chromium")
        env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb")
        self.citizen = self._app(children, "citizen client", ["citizen_client.driver"], env, url)
        self.log = work / "agent-sessions.db"
        agent_args = ["agent_app.driver", "--log", str(self.log), "--name", DEMO_AGENT]
        agent_args += ["--settings", str(work / "agent.ini")]
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        self.agent = self._app(children, "agent app", agent_args, env, url)
        self.shots: list[Path] = []

    @staticmethod
    def _app(
        children: Children, name: str, args: list[str], env: dict[str, str], url: str
    ) -> DrivenApp:
        app = DrivenApp(name, [sys.executable, "-m", *args, "--relay", url], env)
        children.adopt(app.proc)
        children.callback(app.close)
        return app

    def shot(self, app: DrivenApp, name: str) -> None:
        path = self.out / f"{name}.png"
        app.do("shot", path=str(path))
        self.shots.append(path)


def play(s: Session) -> None:
    """The practice session, step by step; each step waits for the other side."""
    citizen, agent, say = s.citizen, s.agent, s.say
    code = citizen.wait(lambda st: bool(st["code"]), timeout=60, phase="code")["code"]
    agent.do("sign_in", password=s.password)
    agent.wait(phase="ready", sign_in_visible=False)
    say("the citizen reads out the code; the agent types it")
    s.shot(citizen, "01-citizen-code")
    agent.do("join", code=code)
    citizen.wait(lambda st: "view" in st["asking"])
    s.shot(citizen, "02-citizen-asked-to-share")
    citizen.do("allow", kind="view")
    agent.wait(phase="viewing", view_blank=False)
    say("the citizen allowed viewing; the agent sees the form")
    caught_up(agent, 0, 3)  # the client's question went, its window went aside
    agent.do("checklist", query="boligstøtte")
    for step in (1, 2):
        agent.do("tick", step=step)
    agent.do("show_step", step=4)
    citizen.wait(step=True)
    point(s)
    control(s)
    finish(s)


def point(s: Session) -> None:
    x, y = s.desk.field_centre("navn")
    s.agent.do("mode", mode="point")
    s.citizen.do("shot", path=str(s.out / "03-citizen-pointed-at.png"), when="ring")
    s.shots.append(s.out / "03-citizen-pointed-at.png")
    mark = s.agent.state["frames"]
    s.agent.do("click", x=x, y=y)
    s.citizen.wait(ring_shots=1)
    s.say("the agent pointed at the name field")
    caught_up(s.agent, mark, 2, timeout=3)  # the ring shows for 1.5 s
    s.shot(s.agent, "04-agent-pointing")


def control(s: Session) -> None:
    citizen, agent = s.citizen, s.agent
    citizen.wait(ring=False)  # the pointer ring from before has gone
    mark = agent.state["frames"]
    agent.do("control")
    asked = citizen.wait(lambda st: "control" in st["asking"] and bool(st["verifier"]))
    if asked["verifier"] not in agent.state["verifier"]:
        raise DriveError("the check numbers on the two screens differ")
    s.say("the agent reads the check number aloud; the citizen sees the same and allows")
    s.shot(citizen, "05-citizen-asked-for-control")
    caught_up(agent, mark, 1)
    s.shot(agent, "06-agent-check-number")
    citizen.do("allow", kind="control")
    agent.wait(phase="controlling")
    x, y = s.desk.field_centre("navn")
    agent.do("click", x=x, y=y)
    citizen.wait(has_focus=False)  # the click gave the browser the keyboard
    agent.do("type", text=NAME)
    try:
        s.desk.evaluate(_VALUE_IS.replace("WANT", repr(NAME)))  # resolves once the form has it
    except TimeoutError:
        raise DriveError(
            f"the form's name field did not get the typed name: it has "
            f"{s.desk.value('navn')!r}; focus on {s.desk.focused_window()!r}; "
            f"the page saw {s.desk.seen()[-12:]}; the agent was told {agent.state['notices']}"
        ) from None
    caught_up(agent, agent.state["frames"], 3)  # the agent sees it too
    s.say("the agent typed the name into the citizen's form")
    s.shot(citizen, "07-citizen-controlled")
    s.shot(agent, "08-agent-controlling")
    agent.do("tick", step=4)
    mark = agent.state["frames"]
    agent.do("release")
    agent.wait(phase="viewing")
    caught_up(agent, mark, 1)  # the control frame has gone


def finish(s: Session) -> None:
    agent = s.agent
    agent.do("outcome", key="solved")
    s.shot(agent, "09-agent-outcome")
    agent.do("end")
    agent.wait(lambda st: bool(st["summaries"]), phase="ready")
    s.citizen.wait(phase="ended", bar="")  # the bar and the frame are gone
    path = s.out / f"{ENDED}.png"
    s.citizen.do("shot", path=str(path), when="window")  # once the end screen is shown
    s.citizen.wait(window_shots=1)  # (the window manager animates its way back)
    s.shots.append(path)
    s.say("the agent ended the session; the session log holds its summary")


def caught_up(agent: DrivenApp, mark: int, more: int, timeout: float = 10) -> None:
    """Wait (a while) until the agent has ``more`` pictures of the citizen's screen
    since ``mark``: the change the script just made is in the agent's view - only
    the screenshot needs it (up to two older pictures may still be on the way)."""
    try:
        agent.wait(lambda st: st["frames"] >= mark + more, timeout=timeout)
    except DriveError:
        pass


_VALUE_IS = """new Promise(done => {
  const field = document.getElementById('navn');
  const check = () => { if (field.value === WANT) done(true); };
  field.addEventListener('input', check);
  check();
})"""


_RECT = """(() => { const r = document.getElementById('navn').getBoundingClientRect();
  const top = window.screenY + window.outerHeight - window.innerHeight;
  return [window.screenX + r.x, top + r.y, r.width, r.height].map(Math.round); })()"""


def run(out: Path, children: Children, say: Say) -> Path:
    """Play the session; returns the summary file.  ``children`` stops everything."""
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="cobrowse-local-"))
    children.callback(_remove, work)
    session = Session(children, work, out, say)
    play(session)
    field = session.desk.evaluate(_RECT)  # where the name went, for whoever checks the shots
    shots = [p.name for p in session.shots]
    return write_summary(session.log, out, shots, name_field=field)


def _remove(folder: Path) -> None:
    import shutil

    shutil.rmtree(folder, ignore_errors=True)
