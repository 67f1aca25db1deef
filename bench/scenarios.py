"""The scenarios: for each, the requests every system answers it with.

A scenario maps each system that has an equivalent to a builder; a system without one gets an
empty cell rather than a made-up stand-in. Builders run against the live server, because some
paths (cursor pages, Datasette's ``_next`` tokens, an ETag) can only be had by asking it.

- hot: one request repeated, so what is measured is the request path itself;
- cold: thousands of distinct requests, cycled through, so no single answer dominates;
- scale: hot requests on the small and the large dataset, to show what grows with the data.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx

from bench.datasets import Facts

LOOKUP = "scope"  # an aspect of the bundled sources, so it exists in both datasets
SCALE_QUERY = "inventory"  # a word of the bundled sources that the generated rows never use
PAGE = 20
DEEP_ROWS = 80_000  # rows skipped to reach page 4,001 at 20 a page
SEED = 20_240_601  # the same "random" paths on every run


class ScenarioError(RuntimeError):
    """A scenario's requests could not be built (the server answered something unexpected)."""


@dataclass(frozen=True)
class Workload:
    paths: list[str]
    headers: dict[str, str] = field(default_factory=dict)
    per_operation: int = 1  # HTTP requests that answer what one versus request answers
    note: str | None = None  # how the paths were chosen, where a reader would ask


@dataclass(frozen=True)
class Context:
    client: httpx.Client
    facts: Facts
    distinct: int
    db: str = "versus"  # the database's name in Datasette's URLs


Builder = Callable[[Context], Workload]


@dataclass(frozen=True)
class Scenario:
    key: str
    title: str
    group: str  # hot, cold or scale
    builders: dict[str, Builder]


def fixed(path: str) -> Builder:
    return lambda _ctx: Workload([path])


# --- hot -------------------------------------------------------------------------------------


def _datasette_lookup(ctx: Context) -> Workload:
    # Two requests make one lookup: the aspect's row, then its descriptions with their labels.
    aspect_id = ctx.facts.aspect_id(LOOKUP)
    paths = [
        f"/{ctx.db}/aspect.json?slug={LOOKUP}",
        f"/{ctx.db}/description.json?aspect_id={aspect_id}&_labels=on",
    ]
    return Workload(paths, per_operation=2)


def wrk_like_get(client: httpx.Client, path: str, timeout: float = 60) -> httpx.Response:
    """GET ``path`` with the headers wrk sends (only Host), so the answer is the one wrk gets."""
    request = client.build_request("GET", path, timeout=timeout)
    for name in [name for name in request.headers if name.lower() != "host"]:
        del request.headers[name]
    return client.send(request)


def _revalidate(ctx: Context) -> Workload:
    path = f"/v1/aspects/{LOOKUP}"
    # The ETag names one representation (it varies with Accept and Accept-Encoding): it must be
    # the one wrk's requests get, or it would never match.
    response = wrk_like_get(ctx.client, path)
    etag = response.headers.get("etag")
    if response.status_code != 200 or not etag:
        raise ScenarioError(f"GET {path} answered {response.status_code} without an ETag")
    return Workload([path], headers={"If-None-Match": etag})


LOOKUPS: dict[str, Builder] = {
    "versus": fixed(f"/v1/aspects/{LOOKUP}"),
    "naive": fixed(f"/aspects/{LOOKUP}"),
    "datasette": _datasette_lookup,
}
FIRST_PAGES: dict[str, Builder] = {
    "versus": fixed(f"/v1/aspects?limit={PAGE}"),
    "naive": fixed(f"/aspects?limit={PAGE}"),
    # Sorted by slug, as versus and the naive app are, so all three answer the same rows.
    "datasette": lambda ctx: Workload([f"/{ctx.db}/aspect.json?_size={PAGE}&_sort=slug"]),
}


def _with_ceiling(builders: dict[str, Builder], path: str) -> dict[str, Builder]:
    # The raw ASGI app answers its fixed body whatever the path: the ceiling for the row.
    return {**builders, "raw": fixed(path)}


COMPARES: dict[str, Builder] = {
    "versus": fixed(f"/v1/compare?aspect={LOOKUP}"),
    "naive": fixed(f"/compare?aspect={LOOKUP}"),
}
HOT = [
    Scenario("lookup", "aspect by name", "hot", _with_ceiling(LOOKUPS, f"/v1/aspects/{LOOKUP}")),
    Scenario("page", "page of aspects", "hot", _with_ceiling(FIRST_PAGES, "/v1/aspects")),
    Scenario("compare", "compare", "hot", _with_ceiling(COMPARES, "/v1/compare")),
    Scenario("revalidate", "304 revalidation", "hot",
             {"versus": _revalidate, "raw": fixed(f"/v1/aspects/{LOOKUP}")}),
]  # fmt: skip


# --- cold: search ----------------------------------------------------------------------------


def _terms(ctx: Context) -> list[str]:
    words = ctx.facts.words
    return random.Random(SEED).sample(words, min(ctx.distinct, len(words)))


def _search(template: Callable[[Context, str], str]) -> Builder:
    return lambda ctx: Workload([template(ctx, term) for term in _terms(ctx)])


SEARCHES: dict[str, Builder] = {
    "versus": _search(lambda _ctx, q: "/v1/search?" + urlencode({"q": q})),
    "naive": _search(lambda _ctx, q: "/search?" + urlencode({"q": q})),
    "datasette": _search(
        lambda ctx, q: (
            f"/{ctx.db}/description.json?"
            + urlencode({"text__contains": q, "_size": PAGE, "_labels": "on"})
        )
    ),
}


# --- cold: walking cursors -------------------------------------------------------------------

# Each collection's sorts, as (versus/naive sort, Datasette sort parameter).
WALK_SORTS = {
    "aspects": [("slug", "_sort=slug"), ("-slug", "_sort_desc=slug"),
                ("name", "_sort=name"), ("-name", "_sort_desc=name")],
    "descriptions": [("id", "_sort=id"), ("-id", "_sort_desc=id")],
}  # fmt: skip
TABLES = {"aspects": "aspect", "descriptions": "description"}


def _limits() -> Iterator[int]:
    """20, then 19, 21, 18, 22…: page sizes near 20, for walks that need more pages."""
    yield PAGE
    for step in range(1, 200):
        for limit in (PAGE - step, PAGE + step):
            if 1 <= limit <= 200:
                yield limit


def _walk_plan(ctx: Context) -> Iterator[tuple[str, int, int, int]]:
    """(collection, sort index, limit, pages) in walk order, pages capped to the quota.

    At ``limit=20`` a large dataset has thousands of pages; the bundled one has a handful, so
    the walk goes on with other page sizes and sorts until it has its share of distinct pages.
    """
    totals = {"aspects": len(ctx.facts.aspects), "descriptions": ctx.facts.descriptions}
    for index, (collection, total) in enumerate(totals.items()):
        quota = ctx.distinct // 2 if index == 0 else ctx.distinct - ctx.distinct // 2
        for limit in _limits():
            for sort in range(len(WALK_SORTS[collection])):
                pages = min(math.ceil(total / limit), quota)
                if pages:
                    yield collection, sort, limit, pages
                quota -= pages
            if quota <= 0:
                break


def _follow(ctx: Context, path: str, pages: int, next_key: str) -> list[str]:
    """``path`` and the pages its ``next`` links lead to, ``pages`` in all."""
    walked: list[str] = []
    next_path: str | None = path
    while next_path is not None and len(walked) < pages:
        walked.append(next_path)
        if len(walked) == pages:
            break
        response = ctx.client.get(next_path)
        if response.status_code != 200:
            raise ScenarioError(f"GET {next_path} answered {response.status_code}")
        next_url = response.json().get(next_key)
        next_path = local(next_url) if next_url else None
    return walked


def local(url: str) -> str:
    """The path and query of an absolute URL, as wrk sends them."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _versus_cursors(ctx: Context) -> Workload:
    paths = []
    for collection, sort, limit, pages in _walk_plan(ctx):
        first = f"/v1/{collection}?limit={limit}&sort={WALK_SORTS[collection][sort][0]}"
        paths += _follow(ctx, first, pages, "next")
    return Workload(paths, note=_walk_note(ctx))


def _walk_note(ctx: Context) -> str | None:
    limits = sorted({limit for _, _, limit, _ in _walk_plan(ctx)})
    if limits == [PAGE]:
        return None
    return (
        f"Walking cursors: at limit={PAGE} the dataset has too few pages for {ctx.distinct:,} "
        f"distinct ones, so the walks also vary the sort and the page size ({limits[0]} to "
        f"{limits[-1]}); every system walks the same pages."
    )


def _naive_offsets(ctx: Context) -> Workload:
    paths = []
    for collection, sort, limit, pages in _walk_plan(ctx):
        query = f"limit={limit}&sort={WALK_SORTS[collection][sort][0]}"
        paths += [f"/{collection}?{query}&offset={page * limit}" for page in range(pages)]
    return Workload(paths)


def _datasette_cursors(ctx: Context) -> Workload:
    paths = []
    for collection, sort, limit, pages in _walk_plan(ctx):
        labels = "&_labels=on" if collection == "descriptions" else ""
        first = (
            f"/{ctx.db}/{TABLES[collection]}.json?_size={limit}"
            f"&{WALK_SORTS[collection][sort][1]}{labels}"
        )
        paths += _follow(ctx, first, pages, "next_url")
    return Workload(paths)


CURSORS: dict[str, Builder] = {
    "versus": _versus_cursors,
    "naive": _naive_offsets,
    "datasette": _datasette_cursors,
}


# --- cold: varied filters --------------------------------------------------------------------

Filters = dict[str, str]


def _filter_sets(ctx: Context) -> tuple[list[Filters], list[Filters]]:
    """Distinct filter combinations: for descriptions, and for aspects (half the quota each).

    Descriptions: an aspect, with or without a discipline and a source. Aspects: a discipline
    and/or a source and a text. Slugs throughout; Datasette's builder maps them to ids.
    """
    rng = random.Random(SEED)
    facts = ctx.facts
    disciplines = [None, *(slug for _, slug in facts.disciplines)]
    sources = [None, *(slug for _, slug in facts.sources)]
    aspects = rng.sample(facts.aspects, min(len(facts.aspects), ctx.distinct))
    descriptions = [
        _present(aspect=slug, discipline=d, source=s)
        for _, slug in aspects
        for d in disciplines
        for s in sources
    ]
    terms = rng.sample(facts.words, min(len(facts.words), ctx.distinct))
    by_aspect = [_present(discipline=d, source=s, q=q) for q in terms for d in disciplines
                 for s in sources]  # fmt: skip
    rng.shuffle(descriptions)
    rng.shuffle(by_aspect)
    half = min(ctx.distinct // 2, len(descriptions))
    return descriptions[:half], by_aspect[: ctx.distinct - half]


def _present(**values: str | None) -> Filters:
    return {name: value for name, value in values.items() if value is not None}


def _interleave(first: list[str], second: list[str]) -> list[str]:
    mixed = [path for pair in zip(first, second, strict=False) for path in pair]
    shorter = min(len(first), len(second))
    return mixed + first[shorter:] + second[shorter:]


def _filters(prefix: str) -> Builder:
    def build(ctx: Context) -> Workload:
        descriptions, aspects = _filter_sets(ctx)
        return Workload(
            _interleave(
                [f"{prefix}/descriptions?{urlencode(f)}" for f in descriptions],
                [f"{prefix}/aspects?{urlencode(f)}" for f in aspects],
            )
        )

    return build


def _datasette_filters(ctx: Context) -> Workload:
    # Datasette's table filters cannot reach aspects through their descriptions (an EXISTS
    # across tables), so it answers the description half of the combinations only.
    ids = {
        "aspect": {slug: id_ for id_, slug in ctx.facts.aspects},
        "discipline": {slug: id_ for id_, slug in ctx.facts.disciplines},
        "source": {slug: id_ for id_, slug in ctx.facts.sources},
    }
    descriptions, _ = _filter_sets(ctx)
    paths = []
    for filters in descriptions:
        query = {f"{name}_id": ids[name][slug] for name, slug in filters.items()}
        query |= {"_labels": "on", "_size": PAGE}
        paths.append(f"/{ctx.db}/description.json?{urlencode(query)}")
    return Workload(paths)


FILTERS: dict[str, Builder] = {
    "versus": _filters("/v1"),
    "naive": _filters(""),
    "datasette": _datasette_filters,
}

COLD = [
    Scenario("search", "search, varying q", "cold", SEARCHES),
    Scenario("cursors", "walking cursors", "cold", CURSORS),
    Scenario("filters", "varied filters", "cold", FILTERS),
]


# --- scale -----------------------------------------------------------------------------------


def deep_offset(facts: Facts) -> int:
    """Rows before the deep page: 80,000 (page 4,001), or the last page's on a smaller dataset."""
    return min(DEEP_ROWS, (len(facts.aspects) - 1) // PAGE * PAGE)


def _set_query(path: str, **values: int) -> str:
    parts = urlsplit(path)
    query = dict(parse_qsl(parts.query)) | {k: str(v) for k, v in values.items()}
    return f"{parts.path}?{urlencode(query)}"


def _skip_rows(ctx: Context, first: str, size: str, step: int, next_key: str) -> str:
    """The URL of the page after ``deep_offset`` rows, walking there in pages of up to ``step``.

    The cursor (or ``_next`` token) only says where the previous page ended, so the walk can
    use big pages and the final URL asks for 20 rows from there.
    """
    remaining, path = deep_offset(ctx.facts), first
    while remaining > 0:
        path = _set_query(path, **{size: min(step, remaining)})
        response = ctx.client.get(path)
        next_url = response.json().get(next_key) if response.status_code == 200 else None
        if not next_url:
            raise ScenarioError(f"GET {path} answered {response.status_code} with no next page")
        remaining -= min(step, remaining)
        path = local(next_url)
    return _set_query(path, **{size: PAGE})


def _versus_deep(ctx: Context) -> Workload:
    path = _skip_rows(ctx, "/v1/aspects", "limit", 200, "next")
    skipped = deep_offset(ctx.facts)
    note = None
    if skipped < DEEP_ROWS:
        note = (
            f"A dataset of {len(ctx.facts.aspects):,} aspects has no page 4,001: its deep-page "
            f"row measures its last page ({skipped // PAGE + 1}) instead."
        )
    return Workload([path], note=note)


DEEP_PAGES: dict[str, Builder] = {
    "versus": _versus_deep,
    "naive": lambda ctx: Workload([f"/aspects?limit={PAGE}&offset={deep_offset(ctx.facts)}"]),
    "datasette": lambda ctx: Workload(
        [_skip_rows(ctx, f"/{ctx.db}/aspect.json?_sort=slug", "_size", 1000, "next_url")]
    ),
}
SCALE_SEARCHES: dict[str, Builder] = {
    "versus": fixed(f"/v1/search?q={SCALE_QUERY}"),
    "naive": fixed(f"/search?q={SCALE_QUERY}"),
    "datasette": lambda ctx: Workload(
        [f"/{ctx.db}/description.json?text__contains={SCALE_QUERY}&_size={PAGE}&_labels=on"]
    ),
}

SCALE = [
    Scenario("scale-first", "first page", "scale", FIRST_PAGES),
    Scenario("scale-deep", "deep page (cursor; naive OFFSET)", "scale", DEEP_PAGES),
    Scenario("scale-lookup", "lookup by name", "scale", LOOKUPS),
    Scenario("scale-search", "search", "scale", SCALE_SEARCHES),
]
ALL = HOT + COLD + SCALE
GROUPS = {"hot": HOT, "cold": COLD, "scale": SCALE}


def select(names: list[str]) -> list[Scenario]:
    """Scenarios by key or group name, in table order."""
    by_key = {s.key: s for s in ALL}
    unknown = [n for n in names if n not in by_key and n not in GROUPS]
    if unknown:
        known = ", ".join([*GROUPS, *by_key])
        raise ValueError(f"unknown scenario {', '.join(unknown)}; choose from {known}")
    chosen = {s.key for n in names for s in GROUPS.get(n, [by_key.get(n)]) if s is not None}
    return [s for s in ALL if s.key in chosen]
