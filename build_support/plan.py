"""The build plan: what PyInstaller builds for each target on each platform.

A plan is plain data (JSON) so the spec (``build_support/app.spec``) only carries
it out, and the choices are unit-tested here for Windows and macOS as well as
Linux (tests/build/test_plan.py), although builds run only on the platform itself.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MB = 1_000_000
# Artefact budgets in bytes, per target and platform; the build fails above them.
# Linux citizen: measured 44.3 MB (2026-12-02, PySide6 6.11, numpy 2.4; launcher 3.6 MB +
# payload 40.7 MB, build_support/launcher.py); 43.1 MB as a plain one file, 92.3 MB before.
BUDGETS = {
    ("citizen", "linux"): 45 * MB,
    ("citizen", "win32"): 60 * MB,  # not measured yet: no Windows machine here
    ("citizen", "darwin"): 80 * MB,  # not measured yet (a .app, universal Qt libraries)
    ("agent", "linux"): 260 * MB,
    ("agent", "win32"): 260 * MB,
    ("agent", "darwin"): 320 * MB,
    ("relay", "linux"): 60 * MB,
    ("relay", "win32"): 60 * MB,
    ("relay", "darwin"): 60 * MB,
}
PYNPUT_BACKENDS = {
    # pynput picks its backend at import time, by platform, through importlib: PyInstaller
    # cannot see those imports, and without them the citizen client cannot inject input.
    "linux": ["keyboard._xorg", "mouse._xorg", "_util.xorg", "_util.xorg_keysyms"],
    "win32": ["keyboard._win32", "mouse._win32", "_util.win32", "_util.win32_vks"],
    "darwin": ["keyboard._darwin", "mouse._darwin", "_util.darwin", "_util.darwin_vks"],
}
# Never used by the apps; pulled in by optional imports of their libraries.
NOT_USED = ["tkinter", "IPython", "pytest", "hypothesis"]
# The citizen client needs none of these (checked by the frozen smoke test).
CITIZEN_NOT_USED = [
    *NOT_USED,
    "PIL",
    "pydoc",
    "doctest",
    "matplotlib",
    "relay",
    "agent_app",
    "bench",
    "PySide6.QtNetwork",
    "PySide6.QtDBus",
    "PySide6.QtSvg",
    "numpy.fft",
    "numpy.polynomial",
    "numpy.f2py",
    "numpy.testing",
    "readline",  # interactive prompt only
    "_pydecimal",  # the C decimal module is there
    *(f"_codecs_{c}" for c in ("cn", "hk", "iso2022", "jp", "kr", "tw")),  # Asian code pages
    "websockets.legacy",
    "websockets.sync",
    "websockets.trio",
]
# The citizen's one-file launcher (build_support/launcher.py) needs the standard
# library's basics only; these would come in through optional imports.
LAUNCHER_EXCLUDES = [
    *NOT_USED,
    *("bz2", "lzma", "_bz2", "_lzma", "ssl", "_ssl", "_hashlib"),  # _sha256 is enough
    *(
        "email",
        "http",
        "urllib.request",
        "xml",
        "xmlrpc",
        "asyncio",
        "multiprocessing",
        "concurrent",
    ),
    *("unittest", "pydoc", "doctest", "decimal", "_decimal", "sqlite3", "readline", "pdb"),
    *("argparse", "pickle", "_pickle", "statistics", "logging", "pprint", "csv", "_csv"),
    *(
        "unicodedata",
        "gettext",
        *(f"_codecs_{c}" for c in ("cn", "hk", "iso2022", "jp", "kr", "tw")),
    ),
    *("numpy", "PySide6", "shiboken6", "cobrowse", "citizen_client", "agent_app", "relay"),
]
TARGETS = {
    "citizen": ("citizen_client/main.py", "cobrowse-borger", "CobrowseBorger"),
    "agent": ("agent_app/main.py", "cobrowse-agent", "CobrowseAgent"),
    "relay": ("relay/__main__.py", "cobrowse-relay", "CobrowseRelay"),
}


@dataclass
class Plan:
    target: str
    platform: str  # "linux", "win32" or "darwin"
    script: str
    name: str
    onefile: bool
    # one file as a launcher that unpacks the one-folder program once into a per-user
    # cache (build_support/unpack.py) instead of into a temporary folder at every start
    launcher: bool
    console: bool  # False: no console window on Windows, a .app on macOS
    strip: bool
    slim: bool  # drop unused Qt plugins, translations, libraries and BLAS (slim.py)
    budget: int
    version: str
    icon: str | None = None
    version_file: str | None = None  # Windows version resource
    bundle_id: str | None = None  # macOS
    hidden: list[str] = field(default_factory=list)
    excludes: list[str] = field(default_factory=list)
    collect_submodules: list[str] = field(default_factory=list)
    collect_data: list[str] = field(default_factory=list)
    data_excludes: list[str] = field(default_factory=list)  # file patterns left out
    datas: list[tuple[str, str]] = field(default_factory=list)
    payload: list[str] = field(default_factory=list)  # launcher: [folder, packed file, program]

    def dump(self, path: Path) -> Path:
        path.write_text(json.dumps(asdict(self), indent=1), encoding="utf-8")
        return path

    @classmethod
    def load(cls, path: Path) -> Plan:
        data = json.loads(path.read_text(encoding="utf-8"))
        data["datas"] = [tuple(d) for d in data["datas"]]
        return cls(**data)


def platform_key(sys_platform: str) -> str:
    return "linux" if sys_platform.startswith("linux") else sys_platform


def plan_for(target: str, platform: str, version: str, baked: Path | None = None) -> Plan:
    """The plan for ``target`` on ``platform``; ``baked``: the checked settings file."""
    script, name, _ = TARGETS[target]
    gui = target != "relay"
    plan = Plan(
        target=target,
        platform=platform,
        script=str(ROOT / script),
        name=name,
        # a macOS program is a .app folder anyway (PyInstaller 7 drops one-file .apps)
        onefile=target == "relay" or (target == "citizen" and platform != "darwin"),
        launcher=target == "citizen" and platform in ("linux", "win32"),
        console=not gui,
        # strip(1) breaks libraries patched by auditwheel (numpy's OpenBLAS: "ELF load
        # command address/offset not page-aligned") and signing on Windows/macOS; only
        # the slim citizen build, which swaps OpenBLAS out, strips (libpython: 23 -> 6 MB)
        strip=target == "citizen" and platform == "linux",
        slim=target == "citizen" and platform == "linux",
        budget=BUDGETS[(target, platform)],
        version=version,
        # zoneinfo has no system data on Windows; the hotline's hours need Europe/Copenhagen
        hidden=["tzdata"],
        collect_data=["tzdata", "cobrowse"],
        datas=[(str(ROOT / "cobrowse" / "checklists"), "cobrowse/checklists")],
        excludes=list(NOT_USED),
    )
    if gui:
        plan.bundle_id = f"dk.cobrowse.{target}"
        # the app's own data (translations, icons) as it gains some; never the source
        # tree's settings: a build has its hotline's settings baked in
        plan.collect_data.append(f"{target}_client" if target == "citizen" else "agent_app")
        plan.data_excludes.append("citizen.toml")
    if target == "relay":  # the relay must not drag Qt along; its report needs the SVG backend
        plan.excludes += ["PySide6", "shiboken6", "agent_app", "citizen_client"]
        plan.hidden += ["matplotlib.backends.backend_svg", "matplotlib.backends.backend_agg"]
    if target == "citizen":
        plan.excludes = list(CITIZEN_NOT_USED)
        plan.hidden += [f"pynput.{m}" for m in PYNPUT_BACKENDS.get(platform, [])]
        if platform == "linux":  # python-xlib loads keysym tables and extensions by name
            plan.collect_submodules.append("Xlib")
        if baked is not None:
            plan.datas.append((str(baked), "citizen_client"))
    return plan
