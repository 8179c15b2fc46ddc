"""Seconds per stage of `build_article`, for the benchmark: a timer it can be handed.

`build_article(document, extractor, timer)` enters `timer.stage(name)` around each of its
stages, so a benchmark times the very pipeline that ingests instead of a copy of it. Without
a timer it enters `UNTIMED`'s stages, which do nothing (one shared `nullcontext` each).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext


class StageTimer:
    """Accumulates wall seconds per stage name over any number of articles.

    A stage entered inside another (the gazetteer's look-ups inside the names, say) is taken
    out of the one around it: each second counts once, in the innermost stage, so the
    stages' seconds add up to the time spent in them all.
    """

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._open: list[str] = []  # the stages entered and not yet left, innermost last
        self._since = 0.0  # when the innermost open stage last started counting

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        self._switch()
        self._open.append(name)
        try:
            yield
        finally:
            self._switch()
            self._open.pop()

    def _switch(self) -> None:
        """Credit the innermost open stage with the time since it last started counting."""
        now = time.perf_counter()
        if self._open:
            innermost = self._open[-1]
            self.seconds[innermost] = self.seconds.get(innermost, 0.0) + now - self._since
        self._since = now


class Untimed:
    """The timer `build_article` uses when given none: every stage a shared no-op."""

    _nothing: AbstractContextManager[None] = nullcontext()

    def stage(self, name: str) -> AbstractContextManager[None]:
        return self._nothing


UNTIMED = Untimed()
