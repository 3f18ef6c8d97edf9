"""``cobrowse-local``: a full session on one PC - a relay, a citizen client, an agent app.

Starts a development relay on a free loopback port with its own data folder, makes
sure a demo agent account exists, then opens both apps pointed at that relay.  Sign
in to the agent app with the name and password printed in the terminal and type
the code the citizen window shows.  Closing both windows stops the relay.
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from cobrowse import __version__

DEMO_AGENT = "demo"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "cobrowse" / "local-relay"


def python(*args: str) -> list[str]:
    return [sys.executable, "-m", *args]


def ensure_demo_agent(data_dir: Path) -> str:
    """Create (or reset) the demo account; return its fresh password."""
    password = secrets.token_urlsafe(9)
    base = ["--data-dir", str(data_dir)]
    listed = subprocess.run(
        python("relay", "list-agents", *base), capture_output=True, text=True, check=False
    )
    if DEMO_AGENT in listed.stdout.split():
        cmd = python("relay", "reset-password", DEMO_AGENT, "--password-stdin", *base)
    else:
        cmd = python(
            "relay",
            "add-agent",
            DEMO_AGENT,
            "--municipality",
            "Albertslund",
            "--display-name",
            "Demo Agent",
            "--password-stdin",
            *base,
        )
    subprocess.run(cmd, input=password + "\n", text=True, check=True, capture_output=True)
    return password


def wait_healthy(port: int, relay: subprocess.Popen[bytes], timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if relay.poll() is not None:
            sys.exit("cobrowse-local: the relay stopped at start-up (see its messages above)")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    sys.exit("cobrowse-local: the relay did not answer in time")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="cobrowse-local",
        description="Run a relay, a citizen client and an agent app on this PC.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--data-dir", type=Path, default=default_data_dir())
    parser.add_argument("--port", type=int, default=0, help="relay port (default: a free one)")
    args = parser.parse_args(argv)
    args.data_dir.mkdir(parents=True, exist_ok=True)
    port = args.port or free_port()
    url = f"ws://127.0.0.1:{port}/v1"
    password = ensure_demo_agent(args.data_dir)
    relay = subprocess.Popen(
        python(
            "relay",
            "serve",
            "--dev",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--data-dir",
            str(args.data_dir),
        )
    )
    try:
        wait_healthy(port, relay)
        print(
            f"\nRelay:  {url}\nAgent sign-in: name '{DEMO_AGENT}', password '{password}'\n",
            flush=True,
        )
        apps = [
            subprocess.Popen(python("citizen_client", "--relay", url)),
            subprocess.Popen(python("agent_app", "--relay", url, "--name", DEMO_AGENT)),
        ]
        for app in apps:
            app.wait()
    except KeyboardInterrupt:
        pass
    finally:
        relay.terminate()
        relay.wait(10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
