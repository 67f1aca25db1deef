"""Write the service's OpenAPI document as JSON: ``.venv/bin/python -m clients.dump_openapi OUT``.

``OUT`` is a file path, or ``-`` for standard output. The document is built from the routes alone,
without a server; the app is created on an in-memory SQLite database so that no configured
database is reached (and none needs to exist) while it is dumped.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any


def openapi_document() -> dict[str, Any]:
    os.environ["VERSUS_DATABASE_URL"] = "sqlite://"
    from app.main import create_app

    document: dict[str, Any] = create_app().openapi()
    return document


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m clients.dump_openapi OUT.json  (- for stdout)", file=sys.stderr)
        return 2
    text = json.dumps(openapi_document(), indent=2, ensure_ascii=False) + "\n"
    if argv[0] == "-":
        sys.stdout.write(text)
    else:
        out = Path(argv[0])
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
