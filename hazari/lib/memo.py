"""Values a process keeps for a short while.

In the morning rush every upload asks the same few questions: is today a school day (the
session, today's closures and working days), and which rule overrides apply. The answers
change a few times a year, so each process keeps them for `seconds` instead of asking the
database thousands of times a minute.

A change to the data behind a memo clears it in the process that made the change, at once and
again when the change commits (see `clear_on_change`); other processes see the change when
their copy expires. Tests start with every memo empty (the root conftest.py).
"""

import threading
import time
from collections.abc import Callable, Hashable
from typing import ClassVar, Generic, TypeVar

from django.db import models, transaction
from django.db.models.signals import post_delete, post_save

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Memo(Generic[K, V]):
    every: ClassVar[list["Memo"]] = []

    def __init__(self, load: Callable[[K], V], *, seconds: float, most: int = 64) -> None:
        self.load = load
        self.seconds = seconds
        self.most = most
        self._values: dict[K, tuple[float, V]] = {}
        # Bumped by clear(). A value loaded while a clear happened may be older than the
        # change that cleared, so it is returned but not kept.
        self._generation = 0
        self._lock = threading.Lock()
        Memo.every.append(self)

    def get(self, key: K) -> V:
        now = time.monotonic()
        found = self._values.get(key)
        if found is not None and found[0] > now:
            return found[1]
        generation = self._generation
        value = self.load(key)
        with self._lock:
            if generation == self._generation:
                if len(self._values) >= self.most:
                    self._values = {}
                self._values[key] = (now + self.seconds, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._generation += 1
            self._values = {}

    @classmethod
    def clear_all(cls) -> None:
        for memo in cls.every:
            memo.clear()


def clear_on_change(memo: Memo, *senders: type[models.Model]) -> None:
    """Clear the memo whenever a row of these models is saved or deleted (through the ORM:
    QuerySet.update() sends no signal, so code that changes these rows must save them), now
    and once more after the transaction commits: another thread may have loaded the old rows
    in between."""

    def changed(**kwargs) -> None:
        memo.clear()
        transaction.on_commit(memo.clear, using=kwargs.get("using"))

    for sender in senders:
        post_save.connect(changed, sender=sender, weak=False)
        post_delete.connect(changed, sender=sender, weak=False)
