"""Every endpoint, in both clients, against every fault of ``tests/fault_matrix.py``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import nemovideo

from .fake_service import TOKEN, FakeService, make_client
from .fault_matrix import DOC, ENDPOINTS, FAULTS, MAX_RETRIES, Endpoint, Fault, attempts, page
from .recorded import done

pytestmark = pytest.mark.anyio


async def call(client: Any, endpoint: Endpoint, clip: Path) -> Any:
    session = client.session("1", task_id="t")
    actions = {
        "create_session": lambda: client.create_session(),
        "browser_url": lambda: session.browser_url(),
        "upload": lambda: session.upload(clip),
        "upload_urls": lambda: session.upload_urls(["https://media.test/a.mp4"]),
        "credits": lambda: client.credits(),
        "state": lambda: session.state(),
        "export": lambda: session.export(),
        "status": lambda: client.render("render_1", session_id="1").status(),
    }
    return await done(actions[endpoint.call]())


@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: f.name)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
async def test_fault(kind: str, endpoint: Endpoint, fault: Fault, tmp_path: Path) -> None:
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"video bytes")
    service = FakeService()
    service.script(endpoint.path, *[fault.answer() for _ in range(MAX_RETRIES + 3)])
    client = make_client(kind, service, token=TOKEN, max_retries=MAX_RETRIES)
    expected = getattr(nemovideo, fault.error_on(endpoint.call))
    with pytest.raises(expected) as caught:
        await call(client, endpoint, clip)
    assert type(caught.value) is expected
    assert isinstance(caught.value, nemovideo.NemoVideoError)
    assert TOKEN not in str(caught.value) + repr(caught.value)
    assert service.count(endpoint.path) == attempts(fault, endpoint)


def test_the_reliability_page_is_generated_from_the_matrix() -> None:
    assert DOC.read_text(encoding="utf-8") == page(), "run: python -m tests.fault_matrix"
