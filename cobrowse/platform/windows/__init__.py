"""The windows implementation of :mod:`cobrowse.platform`."""
