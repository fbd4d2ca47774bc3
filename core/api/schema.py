"""The error answers of the API in its OpenAPI schema: every operation may answer 400 (invalid
fields or filters), 401 (no or bad token), 403 (not allowed to the role), 404 (not found or not
visible to the user) and 429 (throttled), all in the one shape of core.api.errors."""

from __future__ import annotations

import copy

from drf_spectacular import openapi
from rest_framework import serializers

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
# core.text: no text field or query parameter accepts a control character but tab, line feed and
# carriage return (ECMA 262 and Python read this pattern alike).
NO_CONTROL_CHARACTERS = "^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$"


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


def _refuse_control_characters(schema) -> None:
    """Every free text in ``schema`` (not an enum, not a date, a URL or another format) states the
    pattern core.text enforces."""
    if isinstance(schema, list):
        for item in schema:
            _refuse_control_characters(item)
        return
    if not isinstance(schema, dict):
        return
    if schema.get("type") == "string" and not ({"enum", "format", "pattern"} & schema.keys()):
        schema["pattern"] = NO_CONTROL_CHARACTERS
    for key in ("properties", "additionalProperties", "items", "allOf", "oneOf", "anyOf"):
        value = schema.get(key)
        if key == "properties" and isinstance(value, dict):
            for child in value.values():
                _refuse_control_characters(child)
        elif value is not None:
            _refuse_control_characters(value)


def _ids_are_positive(schema) -> None:
    """An integer sent without a stated range is an object's id (a counted figure, a level or a score
    states its own): at least 1."""
    if not isinstance(schema, dict):
        return
    if schema.get("type") == "integer" and not ({"minimum", "maximum", "enum"} & schema.keys()):
        schema["minimum"] = 1
    if schema.get("type") == "array":
        _ids_are_positive(schema.get("items"))


def add_text_rules(result, generator, request, public):
    """drf-spectacular postprocessing hook: what is sent (request bodies, query and path parameters)
    states that no control character is accepted in text and that an id is at least 1; what is
    answered keeps the plain type."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request"):
            _refuse_control_characters(component)
            for child in component.get("properties", {}).values():
                _ids_are_positive(child)
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in METHODS:
                continue
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query":
                    _refuse_control_characters(parameter.get("schema"))
                if parameter.get("in") in ("query", "path") and parameter.get("name") != "page_size":
                    _ids_are_positive(parameter.get("schema"))
            for media in operation.get("requestBody", {}).get("content", {}).values():
                if "$ref" not in media.get("schema", {}):
                    _refuse_control_characters(media.get("schema"))
    return result


def _model_field(field):
    """The model field a serializer field reads, when it reads one of its serializer's model directly."""
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None or not field.source or "." in field.source:
        return None
    try:
        return model._meta.get_field(field.source)
    except Exception:  # noqa: BLE001 - a property or a method, not a field
        return None


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's, and a read-only choice of a model field that may be blank documents "" among
    its values (DRF drops ``allow_blank`` from the fields of ``read_only_fields``, yet they answer ""),
    and a list that may not be empty states ``minItems``."""

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        if isinstance(field, serializers.ChoiceField) and field.read_only and not field.allow_blank:
            model_field = _model_field(field)
            if model_field is not None and getattr(model_field, "blank", False):
                field = copy.copy(field)
                field.allow_blank = True
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        # A list that may not be empty says so (drf-spectacular states only min_length).
        is_list = isinstance(field, (serializers.ListSerializer, serializers.ListField))
        if is_list and not getattr(field, "allow_empty", True) and schema.get("type") == "array":
            schema.setdefault("minItems", 1)
        return schema

    def _get_request_for_media_type(self, serializer, direction="request"):
        # A PATCH whose view validates the whole body (``whole_on_patch`` on its serializer) documents
        # the fields it requires, not drf-spectacular's partial copy.
        if self.method == "PATCH" and getattr(serializer, "whole_on_patch", False):
            self.method = "PUT"
            try:
                return super()._get_request_for_media_type(serializer, direction)
            finally:
                self.method = "PATCH"
        return super()._get_request_for_media_type(serializer, direction)
