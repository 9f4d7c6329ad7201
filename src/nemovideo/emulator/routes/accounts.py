"""The caller's account: anonymous tokens, claim tokens and credits."""

from __future__ import annotations

import uuid

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ..http import authorize, emulator_of, json_object, ok, session_missing

__all__ = ["anonymous_token", "claim_token", "credits"]


def _too_many(message: str, retry_after: float) -> JSONResponse:
    return JSONResponse(
        {"code": 429, "message": message},
        status_code=429,
        headers={"Retry-After": str(int(retry_after))},
    )


async def anonymous_token(request: Request) -> Response:
    """``POST /api/auth/anonymous-token``: one anonymous token per client id (429 while
    one is valid)."""
    emulator = emulator_of(request)
    client_id = request.headers.get("x-client-id", "").strip()
    if not client_id:
        return JSONResponse(
            {"code": 400, "message": "X-Client-Id header is required"}, status_code=400
        )
    store, config = emulator.store, emulator.config
    with store.lock:
        current = store.client_tokens.get(client_id)
        if current is not None and store.token(current) is not None:
            return _too_many(
                "one anonymous token per client id per 7 days", config.token_ttl_seconds
            )
        address = request.client.host if request.client else "unknown"
        if store.ip_tokens.get(address, 0) >= config.ip_token_limit:
            return _too_many(
                "too many anonymous tokens from this address", config.token_ttl_seconds
            )
        store.ip_tokens[address] = store.ip_tokens.get(address, 0) + 1
        user = store.new_user(config.anonymous_credits, anonymous=True)
        record = store.add_token(
            user, config.token_ttl_seconds, ("read", "write", "upload"), client_id
        )
    return ok(
        {
            "token": record.token,
            "credits": user.available,
            "user_id": user.id,
            "expires_at": record.expires_iso(),
        }
    )


async def claim_token(request: Request) -> Response:
    """``POST /api/auth/claim-token``: a claim token for the web app."""
    auth = authorize(request)
    if isinstance(auth, Response):
        return auth
    emulator = emulator_of(request)
    body = await json_object(request) or {}
    session_id = str(body.get("session_id") or "")
    if emulator.store.session(session_id, auth.user) is None:
        return session_missing(emulator, session_id)
    claim = "clm_" + uuid.uuid4().hex
    with emulator.store.lock:
        emulator.store.claims[claim] = session_id
    return ok({"claim_token": claim, "expires_in": 604800})


async def credits(request: Request) -> Response:
    """``GET /api/credits/balance/simple``: the balance."""
    auth = authorize(request)
    if isinstance(auth, Response):
        return auth
    user = auth.user
    return ok(
        {"available": user.available, "frozen": user.frozen, "total": user.available + user.frozen}
    )
