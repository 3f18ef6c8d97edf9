"""The session: code, pairing and record-layer crypto, the wire format, the state
table, the sans-I/O :class:`~cobrowse.session.protocol.Session`, and the endpoints
that carry it over a relay connection on their own loop thread.

Nothing is imported here, so ``relay`` can use :mod:`cobrowse.session.codes`
without pulling in the crypto.
"""
