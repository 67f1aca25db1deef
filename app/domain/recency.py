"""A bounded mapping that forgets its least recently used entries."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


class LRUCache(OrderedDict[K, V]):
    """A dict that forgets its least recently used entries beyond ``capacity`` entries and,
    when ``weigh`` is given, beyond ``max_weight`` (the sum of ``weigh(value)``, in bytes for a
    cache of responses). A value heavier than ``max_weight`` alone is not kept at all."""

    def __init__(
        self,
        capacity: int,
        *,
        max_weight: int | None = None,
        weigh: Callable[[V], int] | None = None,
    ) -> None:
        super().__init__()
        self.capacity = capacity
        self.max_weight = max_weight
        self._weigh = weigh
        self.weight = 0  # the sum of the kept values' weights

    def get(self, key: K, default: V | None = None) -> V | None:  # type: ignore[override]
        try:
            self.move_to_end(key)
        except KeyError:
            return default
        return self[key]

    def __setitem__(self, key: K, value: V) -> None:
        if self._weigh is not None:
            weight = self._weigh(value)
            if self.max_weight is not None and weight > self.max_weight:
                self.pop(key, None)
                return
            if key in self:
                self.weight -= self._weigh(self[key])
            self.weight += weight
        super().__setitem__(key, value)
        self.move_to_end(key)
        while len(self) > self.capacity or (
            self.max_weight is not None and self.weight > self.max_weight
        ):
            self.popitem(last=False)

    def popitem(self, last: bool = True) -> tuple[K, V]:
        key, value = super().popitem(last=last)
        if self._weigh is not None:
            self.weight -= self._weigh(value)
        return key, value

    def pop(self, key: K, *default: V | None) -> V | None:  # type: ignore[override]
        if key in self:
            value = super().pop(key)
            if self._weigh is not None:
                self.weight -= self._weigh(value)
            return value
        return default[0] if default else super().pop(key)

    def clear(self) -> None:
        super().clear()
        self.weight = 0
