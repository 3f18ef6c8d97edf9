"""The build plans for every platform, the settings check, and what the slim build drops.

Builds run only on their own platform; the Windows and macOS choices (no console,
icon, version resource, no administrator prompt, signing) are checked here as data.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

import build_installers
from build_support import desktop, icu, slim
from build_support.plan import BUDGETS, CITIZEN_NOT_USED, MB, Plan, plan_for

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("platform", ["linux", "win32", "darwin"])
def test_citizen_plan_per_platform(platform: str, tmp_path: Path) -> None:
    baked = tmp_path / "baked.toml"
    plan = plan_for("citizen", platform, "1.2.3", baked)
    assert plan.onefile == (platform != "darwin")  # one file; a .app folder on macOS
    assert plan.launcher == (platform != "darwin")  # unpacked once, not at every start
    assert not plan.console  # no console window
    assert (str(baked), "citizen_client") in plan.datas  # the settings inside
    assert "tzdata" in plan.collect_data  # Windows has no zone data of its own
    assert "citizen_client" in plan.collect_data and "citizen.toml" in plan.data_excludes
    backend = {"linux": "_xorg", "win32": "_win32", "darwin": "_darwin"}[platform]
    assert f"pynput.keyboard.{backend}" in plan.hidden  # chosen at run time by pynput
    assert plan.slim == plan.strip == (platform == "linux")
    assert Plan.load(plan.dump(tmp_path / "plan.json")) == plan
    assert plan.budget == BUDGETS[("citizen", platform)]
    assert BUDGETS[("citizen", "linux")] <= 45 * MB


def test_relay_plan_keeps_its_report_and_drops_qt() -> None:
    plan = plan_for("relay", "linux", "1.2.3")
    assert plan.console and plan.onefile and not plan.strip
    assert "matplotlib.backends.backend_svg" in plan.hidden
    assert {"PySide6", "shiboken6"} <= set(plan.excludes)
    assert "PIL" not in plan.excludes  # matplotlib.colors imports it


def test_windows_build_details(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(build_installers, "ROOT", tmp_path)
    plan = build_installers.make_plan(
        "citizen", "win32", ROOT / "citizen_client" / "citizen.toml", tmp_path / "w"
    )
    assert plan.icon is not None and plan.icon.endswith(".ico") and Path(plan.icon).stat().st_size
    assert plan.version_file is not None
    text = Path(plan.version_file).read_text(encoding="utf-8")
    assert "OriginalFilename', 'cobrowse-borger.exe'" in text and "filevers=(0, 1, 0, 0)" in text
    spec = (ROOT / "build_support" / "app.spec").read_text(encoding="utf-8")
    assert "uac_admin=False" in spec and "console=plan.console" in spec
    mac = build_installers.make_plan(
        "citizen", "darwin", ROOT / "citizen_client" / "citizen.toml", tmp_path / "m"
    )
    assert mac.icon is not None and mac.icon.endswith(".icns") and mac.version_file is None


def test_version_resource_is_valid_python_for_pyinstaller(tmp_path: Path) -> None:
    path = desktop.version_file(
        tmp_path / "v.txt", name="x", description="Hjælp", version="2.10rc1"
    )
    assert desktop.version_tuple("2.10rc1") == (2, 10, 0, 0)
    assert desktop.version_tuple("1.2.3.4.5") == (1, 2, 3, 4)
    tree = compile(path.read_text(encoding="utf-8"), "v", "eval")  # PyInstaller evals it
    assert {"VSVersionInfo", "StringStruct", "FixedFileInfo"} <= set(tree.co_names)


def test_signing_runs_with_a_certificate_and_warns_without(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    exe, ran = tmp_path / "cobrowse-borger.exe", []
    assert not desktop.sign("win32", exe, env={}, run=ran.append)
    assert "NOT signed" in capsys.readouterr().out and ran == []
    assert desktop.sign("win32", exe, env={"COBROWSE_SIGN_PFX": "c.pfx"}, run=ran.append)
    assert ran[-1][:2] == ["signtool", "sign"] and ran[-1][-1] == str(exe) and "c.pfx" in ran[-1]
    env = {"COBROWSE_SIGN_IDENTITY": "Developer ID Application: X"}
    assert desktop.sign("darwin", tmp_path / "a.app", env=env, run=ran.append)
    assert ran[-1][0] == "codesign" and "runtime" in ran[-1]
    assert not desktop.sign("linux", exe, env=env, run=ran.append) and len(ran) == 2


@pytest.mark.parametrize(
    "text, words",
    [
        (None, "is missing"),
        ("relay_url = ", "not valid TOML"),
        ('relay_url = "http://x.dk"\n', "wss://"),
        ('relay_url = "wss://x.dk/v1"\n[branding]\naccent_colour = "blue"\n', "#0b3d91"),
    ],
)
def test_missing_or_broken_settings_stop_the_build(
    tmp_path: Path, text: str | None, words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = tmp_path / "hotline.toml"
    if text is not None:
        settings.write_text(text, encoding="utf-8")
    with pytest.raises(SystemExit) as stop:
        build_installers.check_settings(settings, tmp_path / "work")
    assert str(stop.value).startswith("build error") and words in str(stop.value)
    assert not (tmp_path / "work" / "baked.toml").exists()


def test_good_settings_are_staged_as_the_baked_file(tmp_path: Path) -> None:
    baked = build_installers.check_settings(ROOT / "citizen_client" / "citizen.toml", tmp_path)
    assert baked.name == "baked.toml"
    assert baked.read_bytes() == (ROOT / "citizen_client" / "citizen.toml").read_bytes()


def test_slim_keeps_xcb_and_danish_and_drops_the_rest() -> None:
    qt = "PySide6/Qt/"
    assert slim._wanted(qt + "plugins/platforms/libqxcb.so")
    for dropped in (
        "platformthemes/libqgtk3.so",
        "platforms/libqwayland.so",
        "tls/libqopensslbackend.so",
    ):
        assert not slim._wanted(qt + "plugins/" + dropped)
    assert not slim._wanted("numpy.libs/libgfortran-040039e1.so.5.0.0")
    assert not slim._unused_data(qt + "translations/qtbase_da.qm")
    assert slim._unused_data(qt + "translations/qtbase_de.qm")


def test_icu_keeps_danish_english_and_shared_data() -> None:
    for kept in (
        "da.res",
        "en_DK.res",
        "coll/da.res",
        "coll/ucadata.icu",
        "zone/en.res",
        "root.res",
    ):
        assert icu.keep(kept), kept
    assert icu.keep("zoneinfo64.res") and icu.keep("supplementalData.res") and icu.keep("pool.res")
    for dropped in ("de.res", "coll/zh.res", "coll/de_.res", "ibm-943_P15A-2003.cnv"):
        assert not icu.keep(dropped), dropped
    assert not icu.keep("brkitr/thaidict.dict") and not icu.keep("translit/root.res")


def test_what_the_citizen_build_leaves_out_is_not_used() -> None:
    """The streamer encodes real tiles and the client's modules import with every
    excluded module made unimportable (as in the built program)."""
    script = textwrap.dedent(
        f"""
        import sys, threading
        import numpy as np
        for name in {CITIZEN_NOT_USED!r}:
            sys.modules[name] = None
        import citizen_client.main, citizen_client.app, cobrowse.control.system
        from cobrowse.screen.capture import Monitor
        from cobrowse.screen.streamer import ScreenStreamer

        class Source:
            n = 0
            def monitors(self):
                return [Monitor(0, 0, 0, 320, 256, True)]
            def grab(self, index):
                self.n += 1
                frame = np.full((256, 320, 4), 255, np.uint8)
                frame[10:60, 10:200:3] = 0  # text-like tiles
                frame[100:250, 100:300] = np.random.default_rng(self.n).integers(
                    0, 255, (150, 200, 4), dtype=np.uint8)  # photo-like tiles
                return frame
            def close(self):
                pass

        done, errors = threading.Event(), []
        streamer = ScreenStreamer(
            lambda *a, **k: done.set(), None,
            on_error=lambda *a: (errors.append(a), done.set()),
            source_factory=Source, cursor_factory=None)
        streamer.start()
        assert done.wait(60) and not errors, errors
        streamer.stop()
        print("ok")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
    )
    assert done.stdout.strip().endswith("ok"), done.stderr[-2000:]


def run_spec(
    plan: Plan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spec_name: str = "app.spec"
) -> dict[str, Any]:
    """Execute a spec in build_support/ with PyInstaller's build steps recorded."""
    calls: dict[str, Any] = {}

    def step(name: str) -> Any:
        def record(*args: Any, **kwargs: Any) -> SimpleNamespace:
            calls[name] = (args, kwargs)
            return SimpleNamespace(pure=[], scripts=[], binaries=[], datas=[])

        return record

    names = {n: step(n) for n in ("Analysis", "PYZ", "EXE", "COLLECT", "BUNDLE")}
    spec = ROOT / "build_support" / spec_name
    monkeypatch.setattr(sys, "argv", ["pyinstaller", str(plan.dump(tmp_path / "plan.json"))])
    namespace = {**names, "SPECPATH": str(spec.parent), "workpath": str(tmp_path)}
    exec(compile(spec.read_text(encoding="utf-8"), str(spec), "exec"), namespace)  # noqa: S102
    return calls


def test_the_spec_builds_a_windows_exe_as_planned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(build_installers, "ROOT", tmp_path)
    plan = build_installers.make_plan(
        "citizen", "win32", ROOT / "citizen_client" / "citizen.toml", tmp_path / "w"
    )
    # the client itself: a folder (inside the one file), with icon and version too
    calls = run_spec(replace(plan, onefile=False, launcher=False), tmp_path, monkeypatch)
    exe = calls["EXE"][1]
    assert exe["console"] is False and exe["uac_admin"] is False and exe["strip"] is False
    assert exe["icon"] == plan.icon and exe["version"] == plan.version_file
    assert "COLLECT" in calls and "BUNDLE" not in calls
    analysis = calls["Analysis"][1]
    assert "pynput.keyboard._win32" in analysis["hiddenimports"]
    assert any(dest == "citizen_client" for _src, dest in analysis["datas"])  # baked settings
    assert not any(src.endswith("citizen.toml") for src, _dest in analysis["datas"])
    # the one file citizens download: the launcher with the folder as its payload
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "cobrowse-borger.exe").write_bytes(b"MZ")
    plan.payload = [str(folder), str(tmp_path / "payload.tar.gz"), "cobrowse-borger.exe"]
    calls = run_spec(plan, tmp_path, monkeypatch, "launcher.spec")
    args, exe = calls["EXE"]
    assert exe["console"] is False and exe["uac_admin"] is False and exe["strip"] is False
    assert exe["icon"] == plan.icon and exe["version"] == plan.version_file
    assert exe["name"] == "cobrowse-borger" and "COLLECT" not in calls  # one file
    [(entry, packed, kind)] = args[-1]
    assert kind == "PKG" and packed == plan.payload[1]  # typecode 'a': never unpacked
    assert entry.startswith("cobrowse-payload=0.1.0-") and entry.endswith("=cobrowse-borger.exe")
    assert "PySide6" in calls["Analysis"][1]["excludes"]  # the launcher's Python is small


def test_the_spec_builds_a_macos_app_as_planned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(build_installers, "ROOT", tmp_path)
    plan = build_installers.make_plan(
        "citizen", "darwin", ROOT / "citizen_client" / "citizen.toml", tmp_path / "m"
    )
    calls = run_spec(plan, tmp_path, monkeypatch)
    bundle = calls["BUNDLE"][1]
    assert bundle["name"] == "cobrowse-borger.app" and bundle["icon"].endswith(".icns")
    assert bundle["bundle_identifier"] == "dk.cobrowse.citizen" and "COLLECT" in calls


@pytest.mark.skipif(os.name == "nt", reason="symbolic links need privileges on Windows")
def test_a_folder_counts_its_files_once(tmp_path: Path) -> None:
    (tmp_path / "lib.so").write_bytes(b"x" * 1000)
    (tmp_path / "link.so").symlink_to(tmp_path / "lib.so")
    assert build_installers.size_of(tmp_path) == 1000
