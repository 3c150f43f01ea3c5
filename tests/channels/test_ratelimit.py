"""The sliding window in Redis, on a clock the test moves."""

from __future__ import annotations

from channels.ratelimit import SlidingWindow


class Seconds:
    def __init__(self, now: float = 1_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_twenty_a_minute_then_wait_for_the_oldest(redis):
    """20 slots at once; the 21st waits until the first leaves the window."""
    clock = Seconds()
    window = SlidingWindow(redis, clock)
    assert [window.take("robot:a", 20) for _ in range(20)] == [0.0] * 20
    clock.now += 15
    assert window.take("robot:a", 20) == 45.0
    clock.now += 45
    assert window.take("robot:a", 20) == 0.0
    assert window.take("robot:b", 20) == 0.0  # another robot has its own window


def test_two_limiters_share_one_window(redis):
    """Two workers (two limiter objects) count together."""
    clock = Seconds()
    first, second = SlidingWindow(redis, clock), SlidingWindow(redis, clock)
    taken = [w.take("robot:a", 3) for w in (first, second, first, second)]
    assert taken[:3] == [0.0, 0.0, 0.0] and taken[3] == 60.0


def test_block_after_the_far_side_refused(redis):
    """After 45009 nothing goes for a whole window, whatever our own count says."""
    clock = Seconds()
    window = SlidingWindow(redis, clock)
    window.block("robot:a")
    assert window.take("robot:a", 20) == 60.0
    clock.now += 60
    assert window.take("robot:a", 20) == 0.0
