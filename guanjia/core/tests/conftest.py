"""Fixtures of the schema tests: the published schema, and a check of an answer against it."""

import copy

import pytest
from jsonschema import Draft202012Validator


def _as_json_schema(node):
    """OpenAPI 3.0's `nullable: true` as a JSON Schema that lets null through."""
    if isinstance(node, list):
        return [_as_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _as_json_schema(value) for key, value in node.items()}
    if node.get("nullable") is True:  # `is True`: not a property that happens to be named "nullable"
        del node["nullable"]
        if "type" in node:
            node["type"] = [node["type"], "null"]
            if "enum" in node and None not in node["enum"]:
                node["enum"] = [*node["enum"], None]
        else:
            node = {"anyOf": [node, {"type": "null"}]}
    return node


@pytest.fixture(scope="module")
def schema():
    from drf_spectacular.generators import SchemaGenerator

    return _as_json_schema(copy.deepcopy(SchemaGenerator().get_schema(request=None, public=True)))


@pytest.fixture
def check(schema):
    """`check(method, path template, response)`: the status is documented and the body matches it."""

    def check(method: str, template: str, response):
        operation = schema["paths"][f"/api{template}"][method]
        documented = operation["responses"]
        code = str(response.status_code)
        assert code in documented, (method, template, code, sorted(documented), response.content[:300])
        content = documented[code].get("content", {})
        assert "application/json" in content, (method, template, code, "no JSON body documented")
        body_schema = {**content["application/json"]["schema"], "components": schema["components"]}
        errors = sorted(Draft202012Validator(body_schema).iter_errors(response.json()), key=lambda e: e.path)
        assert not errors, (method, template, code, [f"{list(e.absolute_path)}: {e.message[:300]}" for e in errors])
        return response.json()

    return check
