"""The macos implementation of :mod:`cobrowse.platform`."""
