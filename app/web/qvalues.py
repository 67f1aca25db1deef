"""Quality values of the Accept-style headers (RFC 9110 §12.4.2): ``Accept`` and
``Accept-Encoding``.

Read leniently, one rule for both headers: a ``q`` that is a number counts clamped to 0 to 1
(``q=0`` refuses what it is attached to); a ``q`` that is not a number (``q=abc``, ``q=``) is
ignored, so its entry counts as ``q=1``, as if it had none. A client's typo never turns an
entry into a refusal.
"""

from __future__ import annotations

import math


def weighted(header: str) -> list[tuple[str, float]]:
    """The header's entries, each as its value before any ``;`` (lower-cased, stripped) with
    its quality; empty entries (``a,,b``) are left out."""
    entries = []
    for part in header.split(","):
        value, _, params = part.partition(";")
        value = value.strip().lower()
        if value:
            entries.append((value, quality(params)))
    return entries


def quality(params: str) -> float:
    """The ``q`` among ``params`` (``a=1;q=0.5``), 1 without one or when it is not a number."""
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                number = float(value)
            except ValueError:
                return 1.0
            return max(0.0, min(1.0, number)) if math.isfinite(number) else 1.0
    return 1.0
