"""What a route declares about itself, and the router that takes the declarations.

Each route states at registration whether its answer is public (the same for everyone, so a
shared cache may keep it), whether it depends on the dataset (then it carries the dataset
version, ETags and ``Last-Modified``), which views it can render (and so which formats it
offers), and the guards its requests must pass (body limits, credentials, rate limits). The
default is private and uncached. The pipeline (:mod:`app.web.pipeline`) reads the declaration
of the route a request matched and applies it; nothing decides by URL prefix.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter
from starlette.requests import Request

Guard = Callable[[Request], Awaitable[None]]  # raises an AppError to refuse the request
_ATTRIBUTE = "__versus_declaration__"


@dataclass(frozen=True)
class Declaration:
    public: bool = False  # the answer does not depend on who asks
    cacheable: bool = False  # the shared response cache may keep it (public answers only)
    dataset: bool = False  # it reads the dataset: version, ETag, Last-Modified
    views: tuple[str, ...] = ("model",)  # "model" offers JSON; "table" CSV and text too
    revisioned: bool = False  # its ETag comes from the revision of the rows it shows
    guards: tuple[Guard, ...] = ()

    def __post_init__(self) -> None:
        if self.cacheable and not self.public:
            raise ValueError("only a public answer can be kept in the shared cache")


PRIVATE = Declaration()
# A public, static answer (problem types, the entry point).
PUBLIC = Declaration(public=True)
# A read of the dataset anyone may make, in every tabular format.
DATASET_READ = Declaration(public=True, cacheable=True, dataset=True, views=("model", "table"))
# One resource of the dataset: its ETag stays while other data changes.
DATASET_RESOURCE = Declaration(
    public=True, cacheable=True, dataset=True, views=("model", "table"), revisioned=True
)


def declaration_of(endpoint: Any) -> Declaration:
    found = getattr(endpoint, _ATTRIBUTE, PRIVATE)
    assert isinstance(found, Declaration)
    return found


def operation_id(name: str) -> str:
    """The OpenAPI operation id of the endpoint function ``name``: camelCase, without leading
    underscores (``list_aspects`` → ``listAspects``), so it stays what the function is called
    whatever its path."""
    first, *rest = name.lstrip("_").split("_")
    return first + "".join(word[:1].upper() + word[1:] for word in rest)


class DeclaredRouter(APIRouter):
    """An APIRouter whose routes carry a :class:`Declaration` (the router's, unless a route
    gives its own with ``declaration=``) and a short operation id (:func:`operation_id`,
    unless a route gives its own with ``operation_id=``)."""

    def __init__(self, *, declaration: Declaration = PRIVATE, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.declaration = declaration

    def api_route(  # type: ignore[override]
        self, path: str, *, declaration: Declaration | None = None, **kwargs: Any
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        chosen = declaration or self.declaration

        def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
            setattr(func, _ATTRIBUTE, chosen)
            named = {"operation_id": operation_id(func.__name__), **kwargs}
            return super(DeclaredRouter, self).api_route(path, **named)(func)

        return decorator

    def get(  # type: ignore[override]
        self, path: str, *, declaration: Declaration | None = None, **kwargs: Any
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return self.api_route(path, declaration=declaration, methods=["GET"], **kwargs)
