"""The OpenAPI schema's shared default: every operation documents the errors API.md promises.

drf-spectacular documents an operation's 2xx only. The error answers are the same few everywhere
(guanjia.core.api.exception_handler and DRF make them), so they are added here, once, from what the
view is (needs a login? a detail route? a write? a workflow?) rather than by a decorator per view.
A view that documents an error status itself keeps its description; the body is filled in if missing.
"""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework.permissions import SAFE_METHODS, AllowAny

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
        responses = operation["responses"]
        for code in self._error_codes(operation):
            responses.setdefault(code, {"description": ""})
        for code, response in responses.items():
            if code.startswith("4"):
                response["description"] = response.get("description") or DESCRIPTIONS.get(code, "")
                response.setdefault("content", {"application/json": {"schema": self._error_schema(code)}})
        operation["responses"] = dict(sorted(responses.items()))
        return operation

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
