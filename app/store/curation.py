"""Curators' changes to imported facts, kept apart from what the import wrote.

A fact's visible fields are what the API serves. When a curator changes one, the value the
import gave it moves to ``imported_values`` (once: a second change keeps the first imported
value), so the importer can still tell what the source said. A re-import then compares the source
with ``imported_values`` and never writes a curated field: it records there what the source now
says instead. A fact with ``imported_values`` is never deleted by an import either; a curator
deletes it. Setting a field back to its imported value makes it imported again.
"""

from __future__ import annotations

from typing import Any

from app.store.models import SourceFact

# The fields of each kind of fact that a curator may change (and an import compares).
CURATED_FIELDS: dict[str, tuple[str, ...]] = {
    "description": ("label", "text"),
    "definition": ("text",),
    "discipline_use": ("title", "text"),
    "faq": ("question", "answer"),
}


def curate(fact: SourceFact, **changes: str) -> None:
    """Give ``fact`` (an ORM row, in a session the caller commits) a curator's ``changes``."""
    allowed = CURATED_FIELDS[str(fact.__tablename__)]
    imported: dict[str, Any] = dict(fact.imported_values or {})
    for name, value in changes.items():
        if name not in allowed:
            raise ValueError(f"{name!r} is not a curated field of {fact.__tablename__}")
        original = imported.get(name, getattr(fact, name))
        if value == original:
            imported.pop(name, None)
        else:
            imported[name] = original
        setattr(fact, name, value)
    fact.imported_values = imported or None


def imported_value(fact: dict[str, Any] | Any, name: str) -> Any:
    """What the import last gave field ``name`` of ``fact`` (a row or a mapping)."""
    get = fact.get if isinstance(fact, dict) else lambda key: getattr(fact, key)
    imported = get("imported_values") or {}
    return imported[name] if name in imported else get(name)
