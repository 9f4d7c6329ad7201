"""Reading answers: body code first, then HTTP status; non-JSON bodies; redaction."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from nemovideo import errors
from nemovideo._protocol.envelope import (
    connection_error,
    read_answer,
    retry_after_seconds,
)
from nemovideo._protocol.error_table import RULES, Endpoint, error_class, markdown_table
from nemovideo._protocol.redact import redact


def _response(
    status: int, body: Any = None, *, text: str | None = None, **headers: str
) -> httpx.Response:
    request = httpx.Request("GET", "https://api.example/x")
    if text is not None:
        return httpx.Response(status, text=text, headers=headers, request=request)
    if body is None:
        return httpx.Response(status, content=b"", headers=headers, request=request)
    return httpx.Response(status, json=body, headers=headers, request=request)


def test_success_returns_data() -> None:
    assert read_answer(_response(200, {"code": 0, "data": {"a": 1}})) == {"a": 1}


def test_success_without_data_is_an_empty_object() -> None:
    assert read_answer(_response(200, {"code": 0})) == {}


@pytest.mark.parametrize(
    ("code", "cls"),
    [
        (1001, errors.AuthenticationError),
        (1002, errors.SessionNotFoundError),
        (2001, errors.InsufficientCreditsError),
        (4001, errors.UnsupportedFileTypeError),
        (4002, errors.FileTooLargeError),
        (429, errors.RateLimitError),
        (402, errors.PaymentRequiredError),
        (9999, errors.APIError),
    ],
)
@pytest.mark.parametrize("status", [200, 400, 401, 404])
def test_body_code_wins_over_http_status(code: int, cls: type[Exception], status: int) -> None:
    with pytest.raises(cls) as info:
        read_answer(_response(status, {"code": code, "message": "boom"}))
    error = info.value
    assert isinstance(error, errors.APIError)
    assert type(error) is cls
    assert error.code == code
    assert error.status_code == status
    assert error.message == "boom"


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, errors.BadRequestError),
        (401, errors.AuthenticationError),
        (402, errors.PaymentRequiredError),
        (403, errors.AuthenticationError),
        (404, errors.NotFoundError),
        (408, errors.RequestTimeoutError),
        (409, errors.APIError),
        (413, errors.FileTooLargeError),
        (415, errors.UnsupportedFileTypeError),
        (422, errors.BadRequestError),
        (429, errors.RateLimitError),
        (500, errors.ServerError),
        (502, errors.ServerError),
        (503, errors.ServerError),
    ],
)
def test_http_status_maps_when_body_has_no_code(status: int, cls: type[Exception]) -> None:
    with pytest.raises(cls) as info:
        read_answer(_response(status, {"message": "nope"}))
    assert type(info.value) is cls
    assert info.value.status_code == status  # type: ignore[attr-defined]


def test_a_400_on_the_anonymous_token_call_is_a_missing_client_id() -> None:
    answer = _response(400, {"code": 400, "message": "X-Client-Id header is required"})
    with pytest.raises(errors.MissingClientIdError):
        read_answer(answer, endpoint=Endpoint.ANONYMOUS_USER)
    with pytest.raises(errors.BadRequestError) as elsewhere:
        read_answer(answer, endpoint=Endpoint.CREATE_SESSION)
    assert type(elsewhere.value) is errors.BadRequestError, "chosen by endpoint, not by text"


@pytest.mark.parametrize("endpoint", [Endpoint.CONVERSATION, Endpoint.STATE, Endpoint.UPLOAD])
def test_a_404_on_a_session_path_is_a_missing_session(endpoint: Endpoint) -> None:
    with pytest.raises(errors.SessionNotFoundError):
        read_answer(_response(404, {"detail": "Not Found"}), endpoint=endpoint)


def test_a_404_elsewhere_is_not_found_whatever_its_text() -> None:
    answer = _response(404, {"detail": "Session not found: 123"})
    with pytest.raises(errors.NotFoundError):
        read_answer(answer, endpoint=Endpoint.RENDER_STATUS)
    with pytest.raises(errors.NotFoundError):
        read_answer(answer)


def test_a_402_blocks_an_export_and_means_payment_elsewhere() -> None:
    answer = _response(402, {"success": False, "error": "plan"})
    with pytest.raises(errors.ExportBlockedError) as export:
        read_answer(answer, "render", Endpoint.EXPORT)
    assert isinstance(export.value, errors.PaymentRequiredError)
    with pytest.raises(errors.PaymentRequiredError) as elsewhere:
        read_answer(answer, endpoint=Endpoint.CONVERSATION)
    assert type(elsewhere.value) is errors.PaymentRequiredError


def test_every_rule_of_the_table_can_be_reached() -> None:
    for rule in RULES:
        endpoint = next(iter(rule.endpoints)) if rule.endpoints else None
        if rule.code is not None:
            assert error_class(code=rule.code, status=200, endpoint=endpoint) is rule.error
        else:
            status = rule.status.start if isinstance(rule.status, range) else rule.status
            assert status is not None
            assert error_class(code=None, status=status, endpoint=endpoint) is rule.error


def test_the_errors_guide_shows_the_table() -> None:
    guide = (Path(__file__).parent.parent / "docs/guides/errors.md").read_text(encoding="utf-8")
    assert markdown_table() in guide, "paste markdown_table() into docs/guides/errors.md"


def test_fastapi_validation_errors_are_read_into_the_message() -> None:
    detail = [
        {"type": "missing", "loc": ["body", "session_id"], "msg": "Field required", "input": {}},
        {"type": "string_type", "loc": ["body", "app_name"], "msg": "Input should be a string"},
        {"msg": "Value error, no loc"},
        {"loc": ["body", "x"], "msg": "fourth"},
        "not an item",
    ]
    with pytest.raises(errors.APIError) as info:
        read_answer(_response(422, {"detail": detail}))
    assert info.value.status_code == 422
    assert str(info.value).startswith(
        "body.session_id: Field required; body.app_name: Input should be a string; "
        "Value error, no loc; and 2 more"
    )


def test_a_detail_list_without_messages_keeps_the_status_text() -> None:
    with pytest.raises(errors.APIError) as info:
        read_answer(_response(422, {"detail": [{"loc": ["body"]}, 7]}))
    assert "422" in str(info.value)


def test_html_502_page_is_a_server_error_not_a_crash() -> None:
    page = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
    with pytest.raises(errors.ServerError) as info:
        read_answer(_response(502, text=page, **{"content-type": "text/html"}))
    assert info.value.status_code == 502
    assert "<html>" not in info.value.message
    assert info.value.body == page


@pytest.mark.parametrize(
    "response",
    [
        _response(200, text="{not json"),
        _response(200),
        _response(200, [1, 2]),
        _response(200, {"code": 0, "data": [1]}),
        _response(200, {"something": "else"}),
    ],
)
def test_unreadable_success_is_invalid_response(response: httpx.Response) -> None:
    with pytest.raises(errors.InvalidResponseError):
        read_answer(response)


def test_render_envelope_failure() -> None:
    with pytest.raises(errors.APIError, match="bad draft"):
        read_answer(_response(200, {"success": False, "error": "bad draft"}), "render")
    with pytest.raises(errors.BadRequestError, match="bad draft"):
        read_answer(_response(400, {"success": False, "error": "bad draft"}), "render")
    body = {"success": True, "data": {"status": "pending"}}
    assert read_answer(_response(200, body), "render") == body


def test_request_id_is_kept() -> None:
    with pytest.raises(errors.ServerError) as info:
        read_answer(_response(500, {"message": "x"}, **{"x-request-id": "req-42"}))
    assert info.value.request_id == "req-42"
    assert "req-42" in str(info.value)


def test_rate_limit_carries_retry_after() -> None:
    with pytest.raises(errors.RateLimitError) as info:
        read_answer(_response(429, {"message": "slow down"}, **{"retry-after": "7"}))
    assert info.value.retry_after == 7.0


def test_tokens_in_server_messages_are_redacted() -> None:
    body = {"code": 1001, "message": "token nmv_usr_abcdefghijklmnop expired"}
    with pytest.raises(errors.AuthenticationError) as info:
        read_answer(_response(200, body))
    assert "abcdefghijklmnop" not in str(info.value)
    assert "abcdefghijklmnop" not in repr(info.value)
    assert "abcdefghijklmnop" not in repr(info.value.body)


def test_retry_after_parsing() -> None:
    assert retry_after_seconds("12") == 12.0
    assert retry_after_seconds("1.5") == 1.5
    assert retry_after_seconds(None) is None
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0


def test_redact_masks_every_token_shape() -> None:
    text = "Bearer nmv_usr_abc123 and clm_xyz789 and Authorization: Bearer sk-live-1"
    masked = redact(text)
    for secret in ("abc123", "xyz789", "sk-live-1"):
        assert secret not in masked


def test_connection_errors_know_whether_the_request_was_sent() -> None:
    request = httpx.Request("POST", "https://api.example/x")
    refused = connection_error(httpx.ConnectError("refused", request=request))
    assert not refused.sent
    assert type(refused) is errors.APIConnectionError
    reset = connection_error(httpx.ReadError("reset", request=request))
    assert reset.sent
    timeout = connection_error(httpx.ReadTimeout("slow", request=request))
    assert isinstance(timeout, errors.APITimeoutError)
    assert timeout.sent
    assert not connection_error(httpx.ConnectTimeout("slow", request=request)).sent


def test_connection_errors_name_the_origin_only() -> None:
    request = httpx.Request("GET", "https://user:pw@api.example:8443/api/x?token=nmv_usr_secret")
    refused = connection_error(httpx.ConnectError("refused", request=request))
    assert str(refused) == "could not connect to https://api.example:8443: refused"
    reset = str(connection_error(httpx.ReadError("reset", request=request)))
    assert reset == "connection to https://api.example:8443 failed: reset"
    slow = str(
        connection_error(httpx.ReadTimeout("slow", request=httpx.Request("GET", "http://h/")))
    )
    assert slow == "request to http://h:80 timed out: slow"
    assert "the service" in str(connection_error(httpx.ConnectError("refused")))
