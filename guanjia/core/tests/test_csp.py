"""The Content-Security-Policy header: on every answer, pages and API alike, strict, and kept to by the templates.

The browser test (guanjia/tests_browser/test_csp.py) shows the pages work under it; this says it is there.
"""

import re
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

import guanjia

SITE_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


def policy(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.status_code} {response.request['PATH_INFO']}"
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def _plain_paths(patterns, prefix=""):
    """Every address in the URLconf that takes no argument (GET answers a page, a file, a redirect or a 405)."""
    for entry in patterns:
        route = str(entry.pattern)
        if route.startswith("^"):  # the API router's regular expressions
            route = route.removeprefix("^").removesuffix("$").replace("\\.", ".")
        if "<" in route or "(" in route:
            continue
        if isinstance(entry, URLResolver):
            yield from _plain_paths(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern):
            yield "/" + prefix + route


def test_every_address_answers_with_the_policy(client, world):
    paths = sorted(set(_plain_paths(get_resolver().url_patterns)))
    assert {"/", "/worklist/", "/requests/", "/reports/requests/", "/api/docs/", "/api/v1/enterprises/"} <= set(paths)
    client.force_login(world.admin)
    answered = {}
    for path in paths:
        response = client.get(path)
        answered[path] = response.status_code
        directives = policy(response)
        docs = path in {"/api/docs/", "/api/redoc/"}  # their styles are under a nonce: the tests below
        assert {name: directives[name] for name in SITE_POLICY} == SITE_POLICY | (
            {"style-src": directives["style-src"]} if docs else {}), path
    assert len(answered) > 40
    assert answered["/"] == answered["/api/v1/enterprises/"] == answered["/reports/requests.xlsx"] == 200


def test_sign_in_redirects_refusals_and_errors_carry_it_too(client, world):
    responses = [client.get("/accounts/login/"), client.get("/requests/")]  # the sign-in page, and the way there
    client.force_login(world.ent1_user)
    responses += [
        client.get("/requests/999999/"),
        client.get("/api/v1/requests/999999/"),
        client.get("/api/v1/no-such-thing/"),
        client.post("/api/v1/enterprises/", {}),  # an enterprise contact may not register one
        client.post("/api/v1/requests/", data=b"x" * (6 * 1024 * 1024), content_type="application/json"),
    ]
    assert [r.status_code for r in responses] == [200, 302, 404, 404, 404, 403, 413]
    for response in responses:
        directives = policy(response)
        assert (directives["default-src"], directives["frame-ancestors"]) == (["'self'"], ["'none'"])


def test_pages_carry_no_nonce_and_nothing_unsafe(client, world):
    client.force_login(world.butler1)
    header = client.get("/").headers["Content-Security-Policy"]
    assert "nonce-" not in header and "unsafe" not in header and "blob:" not in header


def _nonce(directives, name="style-src") -> str:
    [nonce] = [s for s in directives[name] if s.startswith("'nonce-")]
    return nonce[len("'nonce-"):-1]


def test_swagger_ui_runs_no_inline_script_and_styles_under_the_nonce(client, world):
    client.force_login(world.admin)
    page = client.get("/api/docs/")
    html = page.content.decode()
    directives = policy(page)
    nonce = _nonce(directives)
    assert directives["script-src"] == ["'self'"]
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert f'<style nonce="{nonce}">' in html
    assert '<script src="/api/docs/?script="></script>' in html
    script = client.get("/api/docs/", {"script": ""})
    assert script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle(" in script.content and b'"/api/schema/"' in script.content
    assert _nonce(policy(client.get("/api/docs/"))) != nonce  # one per response


def test_redoc_starts_from_a_file_with_the_nonce_and_may_search_in_a_worker(client, world):
    client.force_login(world.admin)
    page = client.get("/api/redoc/")
    html = page.content.decode()
    directives = policy(page)
    nonce = _nonce(directives)
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert (f'<script src="/static/guanjia/redoc-init.js" data-spec-url="/api/schema/" nonce="{nonce}"></script>'
            in html)
    assert '<script src="/static/vendor/redoc/redoc.standalone.js"></script>' in html
    assert "googleapis" not in html and "Content-Security-Policy" not in html  # no second policy in a <meta>
    assert directives["worker-src"] == ["'self'", "blob:"]
    assert "worker-src" not in policy(client.get("/api/docs/"))


TEMPLATES = sorted(p for p in Path(guanjia.__file__).parent.glob("**/templates/**/*.html"))
# What the policy refuses in markup: a <script> with code in it (a JSON data block is not run), an on…=
# handler, a style attribute. Each would break its page, and the browser test only sees the pages it visits.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)
HANDLER = re.compile(r"(?<![\w-])on[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"(?<![\w-])style\s*=", re.IGNORECASE)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(Path(guanjia.__file__).parent)))
def test_no_template_writes_inline_script_handlers_or_style_attributes(template):
    text = template.read_text()
    assert INLINE_SCRIPT.findall(text) == []
    assert HANDLER.findall(text) == []
    assert STYLE_ATTRIBUTE.findall(text) == []


def test_the_template_check_finds_what_it_looks_for():
    assert TEMPLATES and len(TEMPLATES) > 40
    assert INLINE_SCRIPT.findall('<script>alert(1)</script><script src="/a.js"></script>') == ["<script>"]
    assert HANDLER.findall('<button {% if x %}onclick="go()"{% endif %}><option value="1">') == ["onclick="]
    assert STYLE_ATTRIBUTE.findall('<div style="height: 1px" data-style="x">') == ["style="]
