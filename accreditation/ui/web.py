"""What the app adds to Streamlit's web server (st.App, Streamlit 1.67's Starlette server): the session cookie and
the security headers.

Streamlit has no API to set a cookie, and a session token in the URL (`?s=…`) travels with every pasted link and
stays in the browser history. So after a sign-in the page shows a 1×1 image whose address carries a single-use
code valid for a minute; `/session/begin` swaps the code for an HttpOnly, SameSite=Strict cookie holding the
session token, which the next page view reads (`st.context.cookies`). Script on the page never sees the token, and
the code in the page is spent once the image has loaded. `/session/end` clears the cookie after a sign-out (the
session itself is already ended in the database, so a copied cookie is worth nothing).

Limits: the code lives in this process's memory, so behind several app servers the image must reach the server
that rendered the page (sticky sessions, which Streamlit's websocket needs anyway); otherwise the sign-in holds for
the open tab only. OIDC sign-in (st.login) keeps its own cookie and is the recommended way in production."""

from __future__ import annotations

import secrets
import threading
import time
from typing import Any

COOKIE = "vnclf_session"
CODE_SECONDS = 60.0
BEGIN, END = "/session/begin", "/session/end"
# Every HTTP answer: no framing by another site (clickjacking of the sign-in form), no MIME sniffing, no address
# of ours sent as Referer to other sites.
HEADERS = [
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
]

_codes: dict[str, tuple[str, float, int]] = {}  # code -> (session token, valid until, cookie max-age)
_lock = threading.Lock()


def offer(token: str, max_age: int) -> str:
    """A single-use code that `/session/begin` exchanges for a cookie holding `token`."""
    code = secrets.token_urlsafe(24)
    now = time.monotonic()
    with _lock:
        for old in [c for c, (_, until, _) in _codes.items() if until < now]:
            del _codes[old]
        _codes[code] = (token, now + CODE_SECONDS, max_age)
    return code


def redeem(code: str) -> tuple[str, int] | None:
    with _lock:
        found = _codes.pop(code, None)
    if found is None or found[1] < time.monotonic():
        return None
    return found[0], found[2]


def _secure(request: Any) -> bool:
    """Served over HTTPS (directly, or behind a proxy that says so): the cookie is then marked Secure."""
    return request.url.scheme == "https" or request.headers.get("x-forwarded-proto", "").lower() == "https"


async def _begin(request: Any) -> Any:
    from starlette.responses import Response

    found = redeem(request.query_params.get("code", ""))
    response = Response(status_code=204, headers={"cache-control": "no-store"})
    if found is not None:
        token, max_age = found
        response.set_cookie(COOKIE, token, max_age=max_age, path="/", httponly=True, samesite="strict",
                            secure=_secure(request))
    return response


async def _end(request: Any) -> Any:
    from starlette.responses import Response

    response = Response(status_code=204, headers={"cache-control": "no-store"})
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict", secure=_secure(request))
    return response


def routes() -> list[Any]:
    from starlette.routing import Route

    return [Route(BEGIN, _begin, methods=["GET"]), Route(END, _end, methods=["GET"])]


class SecurityHeaders:
    """ASGI middleware adding HEADERS to every HTTP response (the websocket is left alone)."""

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []),
                                      *((k, v) for k, v in HEADERS if k not in present)]
            await send(message)

        await self.app(scope, receive, with_headers)


def middleware() -> list[Any]:
    from starlette.middleware import Middleware

    return [Middleware(SecurityHeaders)]
