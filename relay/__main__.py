"""``python -m relay`` runs the relay CLI (same as ``cobrowse-relay``)."""

from relay.cli import main

raise SystemExit(main())
