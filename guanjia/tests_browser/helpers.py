"""What the browser tests do over and over: sign in through the form, and watch what the pages fetch."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from guanjia.tests_support.factories import PASSWORD


def sign_in(page, username: str) -> None:
    """Through the login form, as a person would; the test factories give everyone the same password."""
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("form button.btn-primary")
    assert urlsplit(page.url).path == "/", f"{username} was not signed in: {page.url}"


@dataclass
class NetworkLog:
    """Every URL a browser context asked for (documents, scripts, styles, fonts, images, XHR), in order."""

    requested: list[str] = field(default_factory=list)
    # Stopped by the page's own Content-Security-Policy before leaving the browser: never sent, so not a request
    # to that host (test_csp.py fails on any such refusal).
    blocked: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    # Cancelled by the browser itself, as when the next page is opened while this one still fetches its
    # icon: nothing was refused or missing (a missing file is a 404 in `failures`).
    aborted: list[str] = field(default_factory=list)

    def watch(self, context) -> None:
        context.on("request", lambda request: self.requested.append(request.url))
        context.on("requestfailed", self._failed)
        context.on("response", lambda r: self.failures.append(f"{r.status} {r.url}") if r.status >= 400 else None)

    def _failed(self, request) -> None:
        if request.failure == "csp":
            self.blocked.append(request.url)
        elif request.failure == "net::ERR_ABORTED":
            self.aborted.append(request.url)
        else:
            self.failures.append(f"{request.failure} {request.url}")

    def foreign(self, own_url: str) -> list[str]:
        """URLs sent to any host but `own_url`'s (data: and blob: URLs never leave the page)."""
        own = urlsplit(own_url).netloc
        return [url for url in self.requested
                if urlsplit(url).scheme not in {"data", "blob"} and urlsplit(url).netloc != own
                and url not in self.blocked]


# Runs in every page before its own scripts (Playwright injects it past the page's policy): each violation of
# the Content-Security-Policy is reported to the test with what was refused and by which directive.
_REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolation(`${event.effectiveDirective} refused ${event.blockedURI || "inline"}`
                        + (event.sample ? ` (${event.sample})` : "") + ` at ${event.sourceFile || ""}:${event.lineNumber}`);
});
"""


@dataclass
class PageProblems:
    """What a browser context's pages got wrong: Content-Security-Policy violations, console errors, uncaught
    exceptions; each with the address of the page it happened on."""

    violations: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def watch(self, context) -> None:
        context.expose_binding("__cspViolation", lambda source, text: self.violations.append(
            f"{urlsplit(source['page'].url).path}: {text}"))
        context.add_init_script(_REPORT_VIOLATIONS)
        context.on("console", self._console)
        context.on("weberror", lambda error: self.errors.append(
            f"{urlsplit(error.page.url).path if error.page else '?'}: uncaught {error.error}"))

    def _console(self, message) -> None:
        if message.type == "error":
            page = message.page
            self.errors.append(f"{urlsplit(page.url).path if page else '?'}: {message.text}")

    def __bool__(self) -> bool:
        return bool(self.violations or self.errors)
