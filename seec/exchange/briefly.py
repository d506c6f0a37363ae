"""A lookup remembered for a moment: at hundreds of messages a second the same keys,
addresses and organisations are read for every message; a change (a rotation, a
revocation, a new organisation) is seen within `seconds`. Only found values are kept, so
that a miss (an unknown key) is always looked up afresh."""

import time


class Briefly:
    def __init__(self, seconds: float = 1.0):
        self.seconds = seconds
        self._values: dict = {}

    def get(self, key, compute):
        now = time.monotonic()
        hit = self._values.get(key)
        if hit is not None and now - hit[0] < self.seconds:
            return hit[1]
        value = compute()
        if value is not None:
            if len(self._values) > 10_000:
                self._values.clear()
            self._values[key] = (now, value)
        return value

    def clear(self) -> None:
        self._values.clear()
