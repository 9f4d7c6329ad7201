"""The REST endpoints of the service as flows (the conversation stream lives apart, in
``turn``); the Protocol page of the docs lists them all."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from ..errors import InvalidResponseError
from ..models.credits import Credits
from ..models.state import SessionState
from ..models.upload import Upload
from . import answers
from .auth import issued_token
from .calls import Call, CallContext, answer_flow, call_flow
from .error_table import Endpoint
from .ids import checked_id, server_id
from .ops import Flow
from .requests import MultipartPlan
from .responses import with_info
from .uploads import UploadItem, url_name

APP_NAME = "nemo_agent"


def _seg(value: str) -> str:
    """A path segment from an id: checked by `checked_id` (so no path is ever built from
    ``..`` or an id with a ``/``), then escaped."""
    return quote(checked_id(value), safe="")


def create_session(
    ctx: CallContext, *, task_name: str, language: str | None
) -> Flow[dict[str, str]]:
    """Start a session (``POST /api/tasks/me/with-session/nemo_agent``); returns
    ``session_id`` and ``task_id``."""
    body: dict[str, Any] = {"task_name": task_name}
    if language:
        body["language"] = language
    data = yield from call_flow(
        ctx,
        Call(
            "POST",
            f"/api/tasks/me/with-session/{APP_NAME}",
            json=body,
            name=Endpoint.CREATE_SESSION,
        ),
    )
    session_id, task_id = data.get("session_id"), data.get("task_id")
    if not isinstance(session_id, str | int) or isinstance(session_id, bool) or session_id == "":
        raise InvalidResponseError("the session answer has no session_id", body=data)
    task = str(task_id) if isinstance(task_id, str | int) and not isinstance(task_id, bool) else ""
    return {
        "session_id": server_id(str(session_id), "session_id", body=data),
        "task_id": server_id(task, "task_id", body=data) if task else "",
    }


def claim_token(ctx: CallContext, *, session_id: str, task_id: str | None) -> Flow[str]:
    """A claim token that opens the project in a browser (it cannot call the API)."""
    body = {"task_id": task_id, "session_id": session_id}
    data = yield from call_flow(
        ctx,
        Call(
            "POST",
            "/api/auth/claim-token",
            json=body,
            idempotent=True,
            name=Endpoint.BROWSER_LINK,
        ),
    )
    return issued_token(data.get("claim_token"), "claim token")


def browser_url(ctx: CallContext, claim: str) -> str:
    """The web link for a claim token."""
    return f"{ctx.settings.web_url}/workspace/claim?ct={quote(claim, safe='')}"


_CREDITS = Call("GET", "/api/credits/balance/simple", idempotent=True, name=Endpoint.CREDITS)
"""The credits call (the same every time: made once)."""


def credits(ctx: CallContext) -> Flow[Credits]:
    """The credit balance (``GET /api/credits/balance/simple``)."""
    answer = yield from answer_flow(ctx, _CREDITS)
    return with_info(answers.credits(answer.data), answer.info)


def state(ctx: CallContext, session_id: str) -> Flow[SessionState]:
    """The session's latest state (``GET /api/state/nemo_agent/me/{session_id}/latest``)."""
    path = f"/api/state/{APP_NAME}/me/{_seg(session_id)}/latest"
    call = Call("GET", path, idempotent=True, name=Endpoint.STATE)
    answer = yield from answer_flow(ctx, call)
    return with_info(answers.session_state(answer.data, session_id=session_id), answer.info)


def upload_files(ctx: CallContext, session_id: str, plan: MultipartPlan) -> Flow[list[Upload]]:
    """Upload with a multipart body (streamed from disk by the driver)."""
    path = f"/api/upload-video/{APP_NAME}/me/{_seg(session_id)}"
    call = Call("POST", path, multipart=plan, name=Endpoint.UPLOAD)
    answer = yield from answer_flow(ctx, call)
    found = answers.uploads(answer.data, [p.name for p in plan.parts])
    return [with_info(upload, answer.info) for upload in found]


def upload_urls(ctx: CallContext, session_id: str, urls: list[str]) -> Flow[list[Upload]]:
    """Upload by a JSON list of URLs."""
    if not urls or not all(
        isinstance(u, str) and u.startswith(("http://", "https://")) for u in urls
    ):
        raise ValueError("upload_urls needs a non-empty list of http(s) URLs")
    path = f"/api/upload-video/{APP_NAME}/me/{_seg(session_id)}"
    body = {"urls": list(urls), "source_type": "url"}
    call = Call("POST", path, json=body, name=Endpoint.UPLOAD)
    answer = yield from answer_flow(ctx, call)
    found = answers.uploads(answer.data, [url_name(u) for u in urls])
    return [with_info(upload, answer.info) for upload in found]


def upload(ctx: CallContext, session_id: str, item: UploadItem) -> Flow[list[Upload]]:
    """One checked input of a batch: a URL by the URLs endpoint, anything else as a body."""
    if item.plan is None:
        return (yield from upload_urls(ctx, session_id, [item.source.label]))
    return (yield from upload_files(ctx, session_id, item.plan))


RENDER_PATH = "/api/render/proxy/lambda"


def render_status_path(render_id: str) -> str:
    """The path of a render's status."""
    return f"{RENDER_PATH}/{_seg(render_id)}"


def render_download_path(render_id: str) -> str:
    """The path of the fallback download from the API host."""
    return f"/api/render/proxy/{_seg(render_id)}/download"
