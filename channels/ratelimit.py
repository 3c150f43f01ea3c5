"""A per-recipient send limit shared by every worker: a sliding window kept in Redis and updated
by one Lua script, so two workers can never both take the last slot.

WeCom's group robot allows 20 messages a minute per robot. A sliding window (rather than a token
bucket with a full burst) never sends a 21st message within any 60 s, which is the rule the far
side enforces. The clock is injectable so tests move time instead of waiting minutes.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable

from redis import Redis

# KEYS[1] window (sorted set of send times), KEYS[2] "blocked until" (after the far side said
# 45009). ARGV: now, window seconds, limit, a unique member. Returns "0" when a slot was taken,
# else the seconds to wait (as a string: Lua numbers become integers in Redis replies).
TAKE = """
local now, window, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local blocked = tonumber(redis.call('GET', KEYS[2]) or '0')
if blocked > now then return tostring(blocked - now) end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[4])
  redis.call('EXPIRE', KEYS[1], math.ceil(window) + 60)
  return '0'
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return tostring(tonumber(oldest[2]) + window - now)
"""
PREFIX = "cgbot:rate:"


class SlidingWindow:
    """`take(bucket, limit)` -> 0 when a send may go now, else seconds to wait."""

    def __init__(self, redis: Redis, clock: Callable[[], float], window_seconds: float = 60):
        self.redis, self.clock, self.window = redis, clock, window_seconds
        self._take = redis.register_script(TAKE)
        self._ids = itertools.count()
        self._me = f"{os.getpid()}-{id(self)}"

    def take(self, bucket: str, limit: int) -> float:
        """Take a slot in `bucket` if one is free."""
        keys = [PREFIX + bucket, PREFIX + bucket + ":blocked"]
        member = f"{self._me}-{next(self._ids)}"
        wait = float(self._take(keys=keys, args=[self.clock(), self.window, limit, member]))
        return max(wait, 0.0)

    def block(self, bucket: str, seconds: float | None = None) -> None:
        """The far side said we are over its limit: send nothing to `bucket` for a while."""
        until = self.clock() + (self.window if seconds is None else seconds)
        self.redis.set(PREFIX + bucket + ":blocked", until, ex=int(self.window) + 120)
