"""The OpenAPI schema's shared default: every operation documents the errors API.md promises.

drf-spectacular documents an operation's 2xx only. The error answers are the same few everywhere
(guanjia.core.api.exception_handler and DRF make them), so they are added here, once, from what the
view is (needs a login? a detail route? a write? a workflow?) rather than by a decorator per view.
A view that documents an error status itself keeps its description; the body is filled in if missing.

It also says what the server enforces of every id and query parameter (`ID_BOUNDS`, `allowEmptyValue`),
and `add_links` chains each created object to the operations on it (OpenAPI links).
"""

import re

from django import forms
from django_filters import filters
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS, AllowAny

from guanjia.core.forms import MAX_ID

# A row's id: what an id in an address, a body or a filter can be. Outside, the address is a 404 and a
# body's or filter's id a 400 (the database's integers end at MAX_ID).
ID_BOUNDS = {"minimum": 1, "maximum": MAX_ID}
# A day or time in the years 1900–2999, the bounds of a statistics period and of a meeting's time
# (reports.forms.DATE_BOUNDS, meetings.services.EARLIEST_DATE and LATEST_DATE). OpenAPI bounds only numbers:
# the schema says it of the year.
YEARS_1900_TO_2999 = r"^(19[0-9]{2}|2[0-9]{3})-"

ERROR = {
    "type": "object",
    "description": "An error that is no one field's: `{\"detail\": \"message\"}`.",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
FIELD_ERRORS = {
    "type": "object",
    "description": "Bad input: `{\"field\": [\"message\", …]}`; errors not tied to one field are under "
                   "`non_field_errors`.",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}

DESCRIPTIONS = {
    "400": "Bad input: field errors. A body that is not JSON at all answers `{\"detail\": …}`.",
    "401": "Not signed in (no or a bad token or session).",
    "403": "The caller may see the object, but their role may not do this.",
    "404": "No such object within the caller's scope (or a page past the last).",
    "409": "The object's current state does not allow the action, or it changed meanwhile (`version`).",
    "413": "The body is larger than any form may carry.",
    "415": "The body's content type is not one the operation reads.",
    "422": "The request cannot be processed as sent.",
    "429": "Too many attempts; try again later.",
}


class AutoSchema(SpectacularAutoSchema):
    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "path" and parameter["schema"].get("pattern") == "^[0-9]+$":
                # ScopedViewSet's lookup_value_regex: ASCII digits, read as a row's id (no such row: 404).
                parameter["schema"] = {"type": "integer", **ID_BOUNDS}
            elif parameter["in"] == "query" and not parameter.get("required") and not parameter.get("explode"):
                # Forms and links send a filter left blank as `?kind=`: the server reads it as not sent. (Not a
                # repeated one's: `?status=` is one status, which no status is.)
                parameter["allowEmptyValue"] = True
        responses = operation["responses"]
        for code in self._error_codes(operation):
            responses.setdefault(code, {"description": ""})
        for code, response in responses.items():
            if code.startswith("4"):
                response["description"] = response.get("description") or DESCRIPTIONS.get(code, "")
                response.setdefault("content", {"application/json": {"schema": self._error_schema(code)}})
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def _get_filter_parameters(self):
        # A FilterSet reads its parameters before DRF's OrderingFilter, which drf-spectacular lets override them:
        # `?ordering=` is the FilterSet's (an unknown field is a 400), not DRF's (one is left out). First one wins.
        parameters = {}
        for parameter in super()._get_filter_parameters():
            parameters.setdefault((parameter["name"], parameter["in"]), parameter)
        return list(parameters.values())

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(field, serializers.PrimaryKeyRelatedField) and schema and schema.get("type") == "integer":
            schema.update(ID_BOUNDS)
        elif (isinstance(field, serializers.DecimalField) and field.min_value is not None and field.min_value >= 0
              and schema and schema.get("pattern", "").startswith("^-?")):
            schema["pattern"] = "^" + schema["pattern"].removeprefix("^-?")  # no sign: the least is 0
        return schema

    def _error_codes(self, operation) -> set[str]:
        codes = set()
        # `?format=` only picks a renderer (an unknown one is a 404): it makes no input to refuse.
        query = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"} - {"format"}
        detail = "{" in self.path
        write = self.method not in SAFE_METHODS
        if any(not isinstance(p, AllowAny) for p in self.view.get_permissions()):
            codes.add("401")
            if write:  # the services refuse a role (and a session without its CSRF token is refused) with 403
                codes.add("403")
        if detail or "page" in query:
            codes.add("404")
        if self.method in ("POST", "PUT", "PATCH") or query:
            codes.add("400")
        if write and detail and getattr(self.view, "state_conflicts", False):
            codes.add("409")
        if "requestBody" in operation:
            codes |= {"413", "415"}
        if self.view.get_throttles():
            codes.add("429")
        return codes

    def _error_schema(self, code: str) -> dict:
        field_errors = self._component("FieldErrors", FIELD_ERRORS)
        error = self._component("Error", ERROR)
        if code == "400":  # field errors, or DRF's {"detail"} for a body it could not parse
            return {"anyOf": [field_errors, error]}
        return field_errors if code == "422" else error

    def _component(self, name: str, schema: dict) -> dict:
        component = ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema)
        self.registry.register_on_missing(component)
        return component.ref


class FilterExtension(DjangoFilterExtension):
    """django-filter's parameters with the bounds their form fields enforce: ids (`IdFilter`, a related row's
    `ModelChoiceFilter`) and years, which drf-spectacular leaves as bare integers."""

    priority = 1  # before drf-spectacular's own extension for the same backend

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        parameters = super().resolve_filter_field(auto_schema, model, filterset_class, field_name, filter_field)
        extra = filter_field.extra
        bounds = {}
        if issubclass(filter_field.field_class, forms.IntegerField):  # drf-spectacular guesses a number
            bounds = {"type": "integer", **{key: extra[name] for key, name in (("minimum", "min_value"),
                                                                                ("maximum", "max_value"))
                                             if extra.get(name) is not None}}
        elif isinstance(filter_field, filters.ModelChoiceFilter | filters.ModelMultipleChoiceFilter):
            bounds = ID_BOUNDS
        for parameter in parameters:
            schema = parameter["schema"]
            schema = schema.get("items", schema) if schema.get("type") == "array" else schema
            if schema.get("type") in ("integer", "number") and bounds:
                schema.update(bounds)
        return parameters


def add_links(result, generator, request, public):
    """OpenAPI links from every operation that makes an object (a 201) to the operations on that object.

    The object's operations are those under its collection's `{id}/`: the collection the operation posts
    to (`POST /requests/` → `/requests/{id}/…`), else the one whose list shows the same component
    (`POST /meetings/{id}/decisions/` answers an ActionItem → `/meeting-actions/{id}/…`). A client, or a
    stateful test, follows them with the new object's `id`.
    """
    paths = result["paths"]
    listed = {}  # component name -> the collection listing it
    for path, operations in paths.items():
        if path.endswith("}/") or "get" not in operations:
            continue
        page = operations["get"]["responses"].get("200", {}).get("content", {}).get("application/json", {})
        ref = page.get("schema", {}).get("$ref", "")
        rows = result["components"]["schemas"].get(ref.rpartition("/")[2], {}).get("properties", {})
        items = rows.get("results", {}).get("items", {}).get("$ref")
        if items:
            listed[items.rpartition("/")[2]] = path
    for path, operations in paths.items():
        for method, operation in operations.items():
            response = operation["responses"].get("201", {})
            body = response.get("content", {}).get("application/json", {})
            component = body.get("schema", {}).get("$ref", "").rpartition("/")[2]
            collection = listed.get(component) if "{" in path else path
            if method != "post" or not component or collection is None:
                continue
            links = {}
            for target, target_operations in paths.items():
                if not target.startswith(f"{collection}{{id}}/"):
                    continue
                for target_method, target_operation in target_operations.items():
                    name = re.sub(r"(^|_)([a-z])", lambda m: m.group(2).upper(), target_operation["operationId"])
                    links[name] = {"operationId": target_operation["operationId"],
                                   "parameters": {"id": "$response.body#/id"},
                                   "description": f"{target_method.upper()} {target} of the object made."}
            response["links"] = links
    return result
