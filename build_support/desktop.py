"""What citizens meet on Windows and macOS: icon, version resource, signature.

* :func:`icons` turns ``build_support/icon.png`` into the ``.ico`` (Windows) and
  ``.icns`` (macOS) the executable carries (Pillow, from the test extra).
* :func:`version_file` writes PyInstaller's text form of a Windows VERSIONINFO
  resource from the package version, so Explorer's Properties show what it is.
* :func:`sign` signs a built artefact when a certificate is configured
  (``signtool`` on Windows, ``codesign`` on macOS) and otherwise prints a warning
  and leaves it unsigned: an unsigned build is fine for testing, never for citizens.

No console window (``console=False``) and no administrator prompt
(``uac_admin=False``: the program runs per user) are set in the plan and the spec.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path

ICON = Path(__file__).resolve().parent / "icon.png"
ICO_SIZES = [(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)]
COMPANY = "cobrowse"
TIMESTAMP_URL = "http://timestamp.digicert.com"
Runner = Callable[[list[str]], object]


def icons(work: Path) -> dict[str, Path]:
    """``{"win32": .ico, "darwin": .icns}`` made from the PNG in the repository."""
    from PIL import Image

    work.mkdir(parents=True, exist_ok=True)
    with Image.open(ICON) as image:
        rgba = image.convert("RGBA")
        ico, icns = work / "cobrowse.ico", work / "cobrowse.icns"
        rgba.save(ico, sizes=ICO_SIZES)
        rgba.resize((1024, 1024)).save(icns)
    return {"win32": ico, "darwin": icns}


def version_tuple(version: str) -> tuple[int, int, int, int]:
    """``"0.1.0"`` -> ``(0, 1, 0, 0)``; text after the numbers (``rc1``) ends it."""
    numbers: list[int] = []
    for part in version.split(".")[:4]:
        digits = re.match(r"\d+", part)
        if digits is None:
            break
        numbers.append(int(digits.group()))
        if digits.end() < len(part):
            break
    padded = (*numbers, 0, 0, 0, 0)[:4]
    return padded[0], padded[1], padded[2], padded[3]


def version_file(path: Path, *, name: str, description: str, version: str) -> Path:
    """PyInstaller's VSVersionInfo text for ``name``.exe at ``version``."""
    v = version_tuple(version)
    strings = {
        "CompanyName": COMPANY,
        "FileDescription": description,
        "FileVersion": version,
        "InternalName": name,
        "OriginalFilename": f"{name}.exe",
        "ProductName": "cobrowse",
        "ProductVersion": version,
        "LegalCopyright": "MIT License",
    }
    entries = ",\n".join(f"          StringStruct({k!r}, {s!r})" for k, s in strings.items())
    path.write_text(
        f"""VSVersionInfo(
  ffi=FixedFileInfo(filevers={v}, prodvers={v}, mask=0x3f, flags=0x0, OS=0x40004,
                    fileType=0x1, subtype=0x0, date=(0, 0)),
  kids=[
    StringFileInfo([StringTable('040604b0', [
{entries}
    ])]),
    VarFileInfo([VarStruct('Translation', [0x0406, 1200])])
  ]
)
""",
        encoding="utf-8",
    )
    return path


def sign_command(platform: str, artefact: Path, env: Mapping[str, str]) -> list[str] | None:
    """The signing command for ``artefact``, or None when no certificate is configured.

    Windows: ``COBROWSE_SIGN_PFX`` (a .pfx file) and ``COBROWSE_SIGN_PASSWORD``, or
    ``COBROWSE_SIGN_THUMBPRINT`` (a certificate in the user's store).  macOS:
    ``COBROWSE_SIGN_IDENTITY`` ("Developer ID Application: ...").
    """
    if platform == "win32":
        base = ["signtool", "sign", "/fd", "SHA256", "/tr", TIMESTAMP_URL, "/td", "SHA256"]
        if env.get("COBROWSE_SIGN_PFX"):
            cert = ["/f", env["COBROWSE_SIGN_PFX"], "/p", env.get("COBROWSE_SIGN_PASSWORD", "")]
            return [*base, *cert, str(artefact)]
        if env.get("COBROWSE_SIGN_THUMBPRINT"):
            return [*base, "/sha1", env["COBROWSE_SIGN_THUMBPRINT"], str(artefact)]
        return None
    if platform == "darwin" and env.get("COBROWSE_SIGN_IDENTITY"):
        identity = env["COBROWSE_SIGN_IDENTITY"]
        return ["codesign", "--force", "--deep", "--options", "runtime", "--timestamp",
                "--sign", identity, str(artefact)]  # fmt: skip
    return None


def sign(
    platform: str,
    artefact: Path,
    env: Mapping[str, str] | None = None,
    run: Runner | None = None,
) -> bool:
    """Sign ``artefact`` if a certificate is configured; True when signed."""
    if platform not in ("win32", "darwin"):
        return False  # Linux builds are distributed through the hotline's own channels
    command = sign_command(platform, artefact, os.environ if env is None else env)
    if command is None:
        print(
            f"WARNING: {artefact.name} is NOT signed (no certificate configured: see "
            "docs/building.md). Citizens would see a warning; do not ship it."
        )
        return False
    (run or _run)(command)
    print(f"signed {artefact.name}")
    return True


def _run(command: list[str]) -> None:
    subprocess.run(command, check=True)
