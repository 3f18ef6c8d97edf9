"""Run the native build tools (cc, nm, icupkg) with errors that say what to install."""

from __future__ import annotations

import subprocess


def run_tool(command: list[str]) -> str:
    """Run a build tool; a missing one is a build error that says what to install."""
    try:
        done = subprocess.run(command, check=True, capture_output=True, text=True)
    except FileNotFoundError:
        raise SystemExit(
            f"build error: {command[0]} is missing (apt-get install gcc binutils icu-devtools)"
        ) from None
    return done.stdout
