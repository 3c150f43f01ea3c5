"""Sign-in attempts per account and per address, counted in Redis (shared by web processes)."""

from __future__ import annotations

from dataclasses import dataclass

from redis import Redis

WINDOW_SECONDS = 15 * 60
PER_ACCOUNT = 5  # a password guessed at five times in 15 minutes locks that account for the rest
PER_ADDRESS = 20  # one address trying many accounts


@dataclass
class SignInLimiter:
    """Fixed windows: the first attempt starts a 15-minute counter."""

    redis: Redis
    per_account: int = PER_ACCOUNT
    per_address: int = PER_ADDRESS
    window: int = WINDOW_SECONDS

    def attempt(self, account: str, address: str) -> bool:
        """Count one attempt; False when either limit is already used up."""
        keys = (f"desk:signin:acct:{account}", f"desk:signin:addr:{address}")
        pipe = self.redis.pipeline()
        for key in keys:
            # SET NX EX starts the window once; INCR keeps the TTL (EXPIRE NX needs Redis 7).
            pipe.set(key, 0, ex=self.window, nx=True)
            pipe.incr(key)
        counts = pipe.execute()[1::2]
        return counts[0] <= self.per_account and counts[1] <= self.per_address

    def succeeded(self, account: str) -> None:
        """A right password clears that account's count (the address keeps its own)."""
        self.redis.delete(f"desk:signin:acct:{account}")
