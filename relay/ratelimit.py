"""Rate limits: token buckets per key, and a login throttle with growing lockout.

The clock is passed in (a function returning seconds, e.g. ``time.monotonic``),
so tests move time by hand.  Memory stays bounded: a bucket that has refilled
completely carries no information and is dropped on the next prune, and the
number of keys is capped.
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

    def allow(self, key: str) -> bool:
        """Take one token for ``key``; False (and nothing taken) if none is left."""
        now = self.clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= MAX_KEYS:
                self.prune()
            bucket = self._buckets[key] = _Bucket(self.burst, now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.stamp) * self.rate)
        bucket.stamp = now
        if bucket.tokens < 1.0:
            return False
        bucket.tokens -= 1.0
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
        if len(self._buckets) >= MAX_KEYS:  # under attack: fail open on old keys
            self._buckets.clear()

    def __len__(self) -> int:
        return len(self._buckets)


@dataclass(slots=True)
class _Failures:
    count: int
    lockouts: int
    locked_until: float
    stamp: float


class LoginThrottle:
    """Counts failed logins per key and locks the key out, longer each time.

    After ``limit`` failures the key is locked for ``base`` seconds; each further
    lockout doubles, up to ``cap``.  A success clears the key.  Failures older
    than ``cap`` are forgotten.
    """

    def __init__(self, limit: int, base: float, cap: float, clock: Clock) -> None:
        self.limit, self.base, self.cap = limit, base, cap
        self.clock = clock
        self._keys: dict[str, _Failures] = {}

    def locked_for(self, key: str) -> float:
        """Seconds ``key`` stays locked (0.0 if it may try now)."""
        entry = self._current(key)
        return 0.0 if entry is None else max(0.0, entry.locked_until - self.clock())

    def failed(self, key: str) -> None:
        """Record one failed login for ``key``; may start a lockout."""
        now = self.clock()
        entry = self._current(key)
        if entry is None:
            if len(self._keys) >= MAX_KEYS:
                self.prune()
            entry = self._keys[key] = _Failures(0, 0, 0.0, now)
        entry.count += 1
        entry.stamp = now
        if entry.count >= self.limit:
            delay = min(self.cap, self.base * 2.0**entry.lockouts)
            entry.locked_until = now + delay
            entry.lockouts += 1
            entry.count = 0

    def succeeded(self, key: str) -> None:
        """Forget ``key``'s failures after a good login."""
        self._keys.pop(key, None)

    def prune(self) -> None:
        now = self.clock()
        for key in [k for k, e in self._keys.items() if self._stale(e, now)]:
            del self._keys[key]
        if len(self._keys) >= MAX_KEYS:
            self._keys.clear()

    def _current(self, key: str) -> _Failures | None:
        entry = self._keys.get(key)
        if entry is not None and self._stale(entry, self.clock()):
            del self._keys[key]
            return None
        return entry

    def _stale(self, entry: _Failures, now: float) -> bool:
        return now > entry.locked_until and now - entry.stamp > self.cap


class Limits:
    """Every limit the relay applies, built from its config."""

    def __init__(self, config: RelayConfig, clock: Clock) -> None:
        self.claims = RateLimiter(config.claims_burst, config.claims_per_minute, clock)
        self.joins_account = RateLimiter(config.joins_burst, config.joins_per_minute, clock)
        self.joins_address = RateLimiter(config.joins_burst, config.joins_per_minute, clock)
        self.fails_account = LoginThrottle(
            config.login_failures_account, config.lockout_base, config.lockout_max, clock
        )
        self.fails_address = LoginThrottle(
            config.login_failures_address, config.lockout_base, config.lockout_max, clock
        )

    def may_try_login(self, name: str, addr: str) -> bool:
        """False while the account or the address is locked out."""
        return not (self.fails_account.locked_for(name) or self.fails_address.locked_for(addr))

    def login_failed(self, name: str, addr: str) -> None:
        self.fails_account.failed(name)
        self.fails_address.failed(addr)

    def login_succeeded(self, name: str) -> None:
        """Clear the account's failures (not the address's: it may be shared)."""
        self.fails_account.succeeded(name)

    def may_join(self, name: str, addr: str) -> bool:
        """Take a join token from both the account's and the address's bucket."""
        by_account = self.joins_account.allow(name)
        by_address = self.joins_address.allow(addr)
        return by_account and by_address

    def prune(self) -> None:
        for limiter in (
            self.claims,
            self.joins_account,
            self.joins_address,
            self.fails_account,
            self.fails_address,
        ):
            limiter.prune()
