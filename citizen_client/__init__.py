"""The citizen's one-window support client (PySide6)."""
