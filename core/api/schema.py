"""The error answers of the API in its OpenAPI schema: every operation may answer 400 (invalid
fields or filters), 401 (no or bad token), 403 (not allowed to the role), 404 (not found or not
visible to the user) and 429 (throttled), all in the one shape of core.api.errors."""

from __future__ import annotations

ERROR_COMPONENT = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["status", "code", "message", "fields"],
            "properties": {
                "status": {"type": "integer"},
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
            },
        }
    },
}
ERROR_STATUSES = {
    "400": "Invalid fields or filters.",
    "401": "Authentication credentials were not provided or are invalid.",
    "403": "Not allowed to this account.",
    "404": "Not found, or not visible to this account.",
    "409": "The object changed meanwhile (for example, already decided).",
    "429": "Too many requests.",
}
METHODS = {"get", "post", "put", "patch", "delete"}
# A write sent with an Idempotency-Key (core.idempotency) that was used for another request.
WRITE_STATUSES = {"422": "This Idempotency-Key was already used for another request."}


def add_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_COMPONENT
    ref = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in METHODS:
                continue
            responses = operation.setdefault("responses", {})
            statuses = {**ERROR_STATUSES, **(WRITE_STATUSES if method != "get" else {})}
            for code, description in statuses.items():
                responses.setdefault(
                    code, {"description": description, "content": {"application/json": {"schema": ref}}}
                )
    return result
