#!/usr/bin/env bash
# Set up everything cobrowse needs on a fresh Debian/Ubuntu machine:
# system packages (when run as root), a virtualenv in .venv, the project with its test extra.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  xvfb xauth xdotool x11-utils x11-xserver-utils fonts-dejavu-core libxfixes3 openbox chromium
  x11-xkb-utils tigervnc-scraping-server systemd xserver-xephyr
  postgresql  # the statistics suite also runs on a throw-away PostgreSQL cluster
  haproxy  # tests/relay/test_cluster.py: two relays behind a stock HAProxy
  gcc binutils icu-devtools
  libegl1 libgl1 libfontconfig1 libfreetype6 libdbus-1-3 libglib2.0-0
  libxkbcommon0 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0
  libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0
  libxcb-xkb1 libxcb-xfixes0 libxcb-shm0 libxcb-sync1 libxrender1 libxi6 libxtst6 libx11-xcb1
)

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${#missing[@]} system packages"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
elif ! command -v Xvfb >/dev/null; then
  echo "setup: not root - please install: ${APT_PACKAGES[*]}" >&2
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e ".[test,dev,build]"
.venv/bin/python -m qtlang >/dev/null  # the translations (.ts -> .qm)
echo "setup: ready (.venv)"
