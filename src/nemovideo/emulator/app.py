"""The emulated API as a Starlette app: the routes of every resource, the CDN, the
control routes, and the instrumentation in front of them."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import Route

from .emulator import Emulator
from .http import Refused, refused
from .instrumentation import Instrumentation
from .routes.accounts import anonymous_token, claim_token, credits
from .routes.cdn import cdn_render, cdn_upload
from .routes.control import CONTROL_PREFIX, control
from .routes.conversation import run_sse
from .routes.renders import render_download, render_status, submit_render
from .routes.sessions import create_session, state
from .routes.uploads import upload
from .validation import InvalidInput

__all__ = ["create_app"]


def create_app(emulator: Emulator) -> Starlette:
    """The emulated API, CDN and control routes for ``emulator``."""
    routes = [
        Route("/api/auth/anonymous-token", anonymous_token, methods=["POST"]),
        Route("/api/auth/claim-token", claim_token, methods=["POST"]),
        Route("/api/tasks/me/with-session/nemo_agent", create_session, methods=["POST"]),
        Route("/run_sse", run_sse, methods=["POST"]),
        Route("/api/upload-video/nemo_agent/me/{session_id}", upload, methods=["POST"]),
        Route("/api/credits/balance/simple", credits, methods=["GET"]),
        Route("/api/state/nemo_agent/me/{session_id}/latest", state, methods=["GET"]),
        Route("/api/render/proxy/lambda", submit_render, methods=["POST"]),
        Route("/api/render/proxy/lambda/{render_id}", render_status, methods=["GET"]),
        Route("/api/render/proxy/{render_id}/download", render_download, methods=["GET"]),
        Route("/cdn/renders/{render_id}.mp4", cdn_render, methods=["GET"]),
        Route("/cdn/uploads/{hash}/{name}", cdn_upload, methods=["GET"]),
        Route(CONTROL_PREFIX + "/{action}", control, methods=["GET", "POST", "PUT", "DELETE"]),
    ]
    handlers = {Refused: refused, InvalidInput: refused}
    app = Starlette(routes=routes, exception_handlers=handlers)
    app.state.emulator = emulator
    app.add_middleware(Instrumentation, emulator=emulator, unlogged=(CONTROL_PREFIX,))
    return app
