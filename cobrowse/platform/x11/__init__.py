"""The x11 implementation of :mod:`cobrowse.platform`."""
