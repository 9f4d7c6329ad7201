"""The docs cannot rot: every Python example in them is a file, and every file runs
against the emulator here (the downstream test example runs under pytest)."""

from __future__ import annotations

import importlib.util
import logging
import re
import runpy
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from nemovideo.emulator import RunningEmulator
from nemovideo.emulator.samples import ClipStyle, make_clip

from .waits import short_waits

ROOT = Path(__file__).parent.parent
DOCS = ROOT / "docs"
EXAMPLES = sorted((DOCS / "examples").glob("*.py"))
FENCE = re.compile(r"```python[^\n]*\n(.*?)```", re.S)


def pages() -> list[Path]:
    return sorted(DOCS.rglob("*.md"))


def _examples_script() -> ModuleType:
    path = ROOT / "scripts" / "docs_examples.py"
    spec = importlib.util.spec_from_file_location("docs_examples", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_python_example_in_the_docs_is_a_file_shown_whole() -> None:
    script = _examples_script()
    shown: set[str] = set()
    for page in pages():
        text = page.read_text(encoding="utf-8")
        assert script.refreshed(text) == text, (
            f"{page.relative_to(ROOT)} is out of date: run python scripts/docs_examples.py"
        )
        marked = {m.start("code"): m.group("ref") for m in script.MARKED.finditer(text)}
        for fence in FENCE.finditer(text):
            assert fence.start(1) in marked, (
                f"{page.relative_to(ROOT)} has an inline Python example: {fence.group(1)[:60]!r}"
            )
            shown.add(marked[fence.start(1)].partition(":")[0])
    assert shown == {str(p.relative_to(ROOT)) for p in EXAMPLES}, "every example is shown"


def test_a_page_includes_nothing_a_code_host_would_show_raw() -> None:
    for page in pages():
        if page.name == "changelog.md":
            continue  # the built site's copy of CHANGELOG.md, which is read at its own path
        assert '--8<-- "' not in page.read_text(encoding="utf-8"), page.relative_to(ROOT)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, emulator: RunningEmulator) -> Path:
    for index, liveliness in enumerate((0.9, 0.2, 0.5), 1):
        style = ClipStyle(liveliness * 0.8, liveliness, liveliness, liveliness, 1, 0.1 * index)
        make_clip(tmp_path / f"clip{index}.mp4", style, seconds=1, size=(160, 96))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NEMO_API_URL", emulator.url)
    monkeypatch.setenv("NEMO_TOKEN", emulator.emulator.create_user_token(credits=5000))
    emulator.emulator.configure(second_stage_seconds=0.3)
    return tmp_path


@pytest.mark.parametrize(
    "example", [p for p in EXAMPLES if not p.name.startswith("test_")], ids=lambda p: p.stem
)
def test_the_example_runs(example: Path, workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root, httpx_logger = logging.getLogger(), logging.getLogger("httpx")
    saved = (root.handlers[:], root.level, httpx_logger.level)
    try:
        # A quarter of each wait: the settling example reads the draft every 0.5 s
        # instead of 2 s, still longer than its second stage takes (0.3 s, above).
        with short_waits(0.25):
            runpy.run_path(str(example), run_name="__main__")
    finally:
        root.handlers[:], root.level = saved[0], saved[1]
        httpx_logger.setLevel(saved[2])
    shown = capsys.readouterr()
    assert (shown.out + shown.err).strip(), "an example shows something"


def test_the_downstream_testing_example_passes(tmp_path: Path) -> None:
    example = DOCS / "examples" / "test_with_nemovideo.py"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            str(example),
            "-q",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(tmp_path),
            "-c",
            "/dev/null",
            "-p",
            "anyio",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "5 passed" in result.stdout


@pytest.mark.parametrize("name", ["arm_fault", "script_next_turn"])
def test_the_emulator_guide_names_the_parameters_as_they_are_called(name: str) -> None:
    import inspect

    from nemovideo.emulator import Emulator

    guide = " ".join((DOCS / "guides" / "emulator.md").read_text(encoding="utf-8").split())
    match = re.search(rf"`{name}\(([^)]*)\)`", guide)
    assert match, f"the emulator guide shows {name}(...)"
    documented = {p.strip().rstrip("=") for p in match.group(1).split(",") if p.strip()}
    documented.discard("**options")
    if name == "script_next_turn":
        from nemovideo.emulator import TurnOptions

        real = set(inspect.signature(TurnOptions).parameters)
        assert documented <= real, documented - real
    else:
        real = set(inspect.signature(getattr(Emulator, name)).parameters) - {"self"}
        assert documented == real
