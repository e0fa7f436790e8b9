"""Login throttling: per client address and per account, with exponential backoff.

A few failures are free (typos); after that each further failure doubles the wait before the next
attempt is even checked, up to 15 minutes. While waiting the answer is 429 with Retry-After, and no
password hash is computed. A success clears the account's count. The state is in memory: one server
process holds it (a restart forgets it, which only ever lets an attacker start over at the backoff).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass


@dataclass
class _Failures:
    count: int = 0
    last: float = 0.0


class LoginLimiter:
    def __init__(self, free_per_account: int = 5, free_per_ip: int = 20, max_wait: float = 900.0,
                 forget_after: float = 3600.0, clock=time.monotonic):
        self.free = {"account": free_per_account, "ip": free_per_ip}
        self.max_wait, self.forget_after, self.clock = max_wait, forget_after, clock
        self._seen: dict[tuple[str, str], _Failures] = {}
        self._lock = threading.Lock()

    def _wait(self, kind: str, key: str, now: float) -> float:
        f = self._seen.get((kind, key))
        if f is None or now - f.last > self.forget_after:
            return 0.0
        over = f.count - self.free[kind]
        if over < 0:
            return 0.0
        return max(0.0, f.last + min(self.max_wait, 2.0 ** over) - now)

    def retry_after(self, ip: str, account: str) -> int:
        """Seconds to wait before this login may be tried (0: go ahead)."""
        now = self.clock()
        with self._lock:
            wait = max(self._wait("ip", ip, now), self._wait("account", account, now))
        return int(wait + 0.999)

    def failed(self, ip: str, account: str) -> None:
        now = self.clock()
        with self._lock:
            if len(self._seen) > 100_000:  # a flood of made-up accounts must not grow this without bound
                self._seen = {k: v for k, v in self._seen.items() if now - v.last <= self.forget_after}
            for key in (("ip", ip), ("account", account)):
                f = self._seen.setdefault(key, _Failures())
                f.count, f.last = f.count + 1, now

    def succeeded(self, account: str) -> None:
        with self._lock:
            self._seen.pop(("account", account), None)
