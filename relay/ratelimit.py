"""Rate limits: token buckets per key, and a login throttle with growing lockout.

The clock is passed in (a function returning seconds, e.g. ``time.monotonic``),
so tests move time by hand.  Memory stays bounded: a bucket that has refilled
completely carries no information and is dropped on the next prune, and the
number of keys is capped.  At the cap only the least informative keys go (the
fullest buckets; login records that are neither locked nor in use), never a
lockout in force: an attacker who floods the table with names cannot unlock an
account that way.

Address keys are address *groups* (relay/guard.py): the caller passes them in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from relay.config import RelayConfig

Clock = Callable[[], float]
MAX_KEYS = 100_000


@dataclass(slots=True)
class _Bucket:
    tokens: float
    stamp: float


class RateLimiter:
    """A token bucket per key: ``burst`` tokens, refilled at ``per_minute``."""

    def __init__(self, burst: int, per_minute: float, clock: Clock) -> None:
        self.burst = float(burst)
        self.rate = per_minute / 60.0
        self.clock = clock
        self._buckets: dict[str, _Bucket] = {}

    def allow(self, key: str, cost: float = 1.0) -> bool:
        """Take ``cost`` tokens for ``key``; False (and nothing taken) if fewer are left."""
        now = self.clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= MAX_KEYS:
                self.prune()
            bucket = self._buckets[key] = _Bucket(self.burst, now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.stamp) * self.rate)
        bucket.stamp = now
        if bucket.tokens < cost:
            return False
        bucket.tokens -= cost
        return True

    def prune(self) -> None:
        """Forget keys whose bucket is full again (they would behave as new)."""
        now = self.clock()
        full = [
            key
            for key, b in self._buckets.items()
            if b.tokens + (now - b.stamp) * self.rate >= self.burst
        ]
        for key in full:
            del self._buckets[key]
        if len(self._buckets) >= MAX_KEYS:  # under attack: drop the oldest tenth
            oldest = sorted(self._buckets, key=lambda k: self._buckets[k].stamp)
            for key in oldest[: MAX_KEYS // 10]:
                del self._buckets[key]

    def __len__(self) -> int:
        return len(self._buckets)


@dataclass(slots=True)
class _Failures:
    count: int
    lockouts: int
    locked_until: float
    stamp: float
    checking: int = 0  # password checks under way right now


class LoginThrottle:
    """Counts logins per key and locks the key out, longer each time.

    A login attempt is counted *before* its password is checked (:meth:`begin`),
    so attempts that run at the same time cannot slip past the limit: at most
    ``limit`` attempts minus the failures so far, and at most ``concurrent``, are
    checked at once.  After ``limit`` failures the key is locked for ``base``
    seconds; each further lockout doubles, up to ``cap``.  A success clears the
    failures.  Failures older than ``cap`` are forgotten.
    """

    def __init__(
        self, limit: int, base: float, cap: float, clock: Clock, concurrent: int = 2
    ) -> None:
        self.limit, self.base, self.cap, self.concurrent = limit, base, cap, concurrent
        self.clock = clock
        self._keys: dict[str, _Failures] = {}

    def locked_for(self, key: str) -> float:
        """Seconds ``key`` stays locked (0.0 if it may try now)."""
        entry = self._current(key)
        return 0.0 if entry is None else max(0.0, entry.locked_until - self.clock())

    def begin(self, key: str) -> bool:
        """Start a password check for ``key``; False (nothing started) while it is
        locked, has too many checks under way, or the table is full of lockouts."""
        entry = self._entry(key)
        if entry is None or entry.locked_until > self.clock():
            return False
        if entry.checking >= min(self.concurrent, self.limit - entry.count):
            return False
        entry.checking += 1
        return True

    def end(self, key: str, failed: bool) -> None:
        """The check :meth:`begin` started is over; count it if it ``failed``."""
        entry = self._keys.get(key)
        if entry is not None and entry.checking > 0:
            entry.checking -= 1
        if failed:
            self.failed(key)

    def failed(self, key: str) -> None:
        """Record one failed login for ``key``; may start a lockout."""
        now = self.clock()
        entry = self._entry(key)
        if entry is None:
            return  # the table is full of lockouts: the key was refused anyway
        entry.count += 1
        entry.stamp = now
        if entry.count >= self.limit:
            delay = min(self.cap, self.base * 2.0**entry.lockouts)
            entry.locked_until = now + delay
            entry.lockouts += 1
            entry.count = 0

    def succeeded(self, key: str) -> None:
        """Forget ``key``'s failures after a good login."""
        entry = self._keys.get(key)
        if entry is not None and entry.checking:
            entry.count = entry.lockouts = 0
        else:
            self._keys.pop(key, None)

    def prune(self) -> None:
        """Forget stale keys; if the table is still full, the oldest keys that are
        neither locked nor being checked.  A lockout in force is never dropped."""
        now = self.clock()
        for key in [k for k, e in self._keys.items() if self._stale(e, now)]:
            del self._keys[key]
        if len(self._keys) >= MAX_KEYS:
            idle = [k for k, e in self._keys.items() if e.locked_until <= now and not e.checking]
            idle.sort(key=lambda k: self._keys[k].stamp)
            for key in idle[: max(1, len(self._keys) - MAX_KEYS * 9 // 10)]:
                del self._keys[key]

    def __len__(self) -> int:
        return len(self._keys)

    def _entry(self, key: str) -> _Failures | None:
        """``key``'s record, made if need be; None if the table is full of lockouts."""
        entry = self._current(key)
        if entry is None:
            if len(self._keys) >= MAX_KEYS:
                self.prune()
            if len(self._keys) >= MAX_KEYS:
                return None
            entry = self._keys[key] = _Failures(0, 0, 0.0, self.clock())
        return entry

    def _current(self, key: str) -> _Failures | None:
        entry = self._keys.get(key)
        if entry is not None and self._stale(entry, self.clock()):
            del self._keys[key]
            return None
        return entry

    def _stale(self, entry: _Failures, now: float) -> bool:
        return not entry.checking and now > entry.locked_until and now - entry.stamp > self.cap


class Limits:
    """Every limit the relay applies, built from its config."""

    def __init__(self, config: RelayConfig, clock: Clock) -> None:
        self.claims = RateLimiter(config.claims_burst, config.claims_per_minute, clock)
        self.joins_account = RateLimiter(config.joins_burst, config.joins_per_minute, clock)
        self.joins_address = RateLimiter(config.joins_burst, config.joins_per_minute, clock)
        self.uploads = RateLimiter(config.uploads_burst, config.uploads_per_minute, clock)
        self.fails_account = LoginThrottle(
            config.login_failures_account,
            config.lockout_base,
            config.lockout_max,
            clock,
            config.logins_at_once_account,
        )
        self.fails_address = LoginThrottle(
            config.login_failures_address,
            config.lockout_base,
            config.lockout_max,
            clock,
            config.logins_at_once_address,
        )

    def begin_login(self, name: str, group: str) -> bool:
        """Count a login attempt before its password is checked; False (nothing
        counted) while the account or the address group is locked out or already
        has as many checks under way as it may."""
        if not self.fails_account.begin(name):
            return False
        if not self.fails_address.begin(group):
            self.fails_account.end(name, failed=False)
            return False
        return True

    def end_login(self, name: str, group: str, ok: bool) -> None:
        """The check is over: a success clears the account's failures (not the
        address's: it may be shared), a failure counts against both."""
        self.fails_account.end(name, failed=not ok)
        self.fails_address.end(group, failed=not ok)
        if ok:
            self.fails_account.succeeded(name)

    def may_upload(self, name: str, sessions: int) -> bool:
        """Take ``sessions`` tokens from the account's upload bucket (all or none)."""
        return self.uploads.allow(name, sessions)

    def may_join(self, name: str, addr: str) -> bool:
        """Take a join token from both the account's and the address's bucket."""
        by_account = self.joins_account.allow(name)
        by_address = self.joins_address.allow(addr)
        return by_account and by_address

    def prune(self) -> None:
        for limiter in (
            self.claims,
            self.uploads,
            self.joins_account,
            self.joins_address,
            self.fails_account,
            self.fails_address,
        ):
            limiter.prune()
