"""Enumerating the URL patterns and classifying answers for the permission matrix."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

PARAM = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>")


@dataclass(frozen=True)
class Route:
    name: str  # namespaced URL name, as given to reverse()
    pattern: str  # the full pattern, for messages
    params: tuple[str, ...]
    methods: tuple[str, ...]
    is_api: bool
    is_admin: bool


def _methods(callback, is_api: bool) -> tuple[str, ...]:
    actions = getattr(callback, "actions", None)
    if actions:  # a DRF viewset route: the methods it maps
        return tuple(sorted(m.upper() for m in actions if m != "options"))
    cls = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if cls is not None:
        names = [m.upper() for m in cls.http_method_names if m not in ("options", "head", "trace") and hasattr(cls, m)]
        return tuple(sorted(names))
    return ("GET", "POST")  # a function view: try both, the matrix says which answer


def routes() -> list[Route]:
    found: list[Route] = []

    def walk(resolver: URLResolver, prefix: str, namespace: str | None) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                ns = namespace
                if entry.namespace:
                    ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                walk(entry, prefix + str(entry.pattern), ns)
            elif isinstance(entry, URLPattern):
                pattern = prefix + str(entry.pattern)
                if not entry.name and not (namespace or "").startswith("admin"):
                    raise AssertionError(f"URL pattern {pattern!r} has no name: the matrix cannot declare it")
                name = f"{namespace}:{entry.name or pattern}" if namespace else entry.name
                params = tuple(sorted({a or b for a, b in PARAM.findall(pattern)}))
                is_api = pattern.startswith("api/")
                found.append(
                    Route(
                        name=name,
                        pattern=pattern,
                        params=params,
                        methods=_methods(entry.callback, is_api),
                        is_api=is_api,
                        is_admin=name.startswith("admin:"),
                    )
                )

    walk(get_resolver(), "", None)
    # Two patterns may share a name (the router's format suffix): keep the first of each name.
    unique: dict[str, Route] = {}
    for route in found:
        unique.setdefault(route.name, route)
    return list(unique.values())


def classify(response) -> str:
    """ok | login | denied | method | error"""
    code = response.status_code
    if code >= 500:
        return "error"
    if code == 401:
        return "login"
    if code in (403, 404):
        return "denied"
    if code == 405:
        return "method"
    if code in (301, 302, 303):
        location = response.get("Location", "")
        if "/accounts/login/" in location or "/admin/login/" in location:
            return "login"
    return "ok"


def admin_path(pattern: str) -> str:
    """A concrete admin path: every parameter filled with a value that names no object."""
    values = {"app_label": "caseload", "object_id": "0", "content_type_id": "1", "url": "nowhere"}
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values.get(m.group(1), "0"), pattern)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: values.get(m.group(1), "0"), path)
    path = path.replace("^", "").replace("$", "").replace("\\", "")
    return "/" + path
