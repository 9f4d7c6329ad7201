"""The API reference speaks of public names only, and every cross-reference in it is a
link: no raw Sphinx roles, no private paths, no file or endpoint numbering that users
do not have."""

from __future__ import annotations

import ast
import html
import importlib
import inspect
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import nemovideo

ROOT = Path(__file__).parent.parent
SRC = ROOT / "src" / "nemovideo"
DOCS = ROOT / "docs"
REFERENCE = DOCS / "reference"

RAW_ROLE = re.compile(r":(?:py:)?(?:class|meth|func|mod|attr|data|exc|obj|const|ref):`")
ENDPOINT_CODE = re.compile(r"\bE(?:10|[1-9])\b")
PRIVATE_PATH = re.compile(r"\bnemovideo(?:\.\w+)*\._\w+")
DIRECTIVE = re.compile(r"^::: (\S+)$", re.M)

PUBLIC_MODULES = (
    "nemovideo.testing",
    "nemovideo.workflows",
    "nemovideo.intents",
    "nemovideo.pytest_plugin",
    "nemovideo.emulator",
)


def problems(text: str | None) -> list[str]:
    """What a docstring must not hold."""
    if not text:
        return []
    found = [f"raw role {m.group(0)!r}" for m in RAW_ROLE.finditer(text)]
    if "protocol.md" in text:
        found.append("a reference to protocol.md (link to the Protocol page instead)")
    found += [f"endpoint code {m.group(0)!r}" for m in ENDPOINT_CODE.finditer(text)]
    return found


def public_objects() -> Iterator[tuple[str, Any]]:
    """Every public object and its public members, by the path users know it by."""
    yield "nemovideo", nemovideo
    for name in nemovideo.__all__:
        if name != "__version__":
            yield f"nemovideo.{name}", getattr(nemovideo, name)
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        yield module_name, module
        for name in module.__all__:
            yield f"{module_name}.{name}", getattr(module, name)


def with_members(path: str, obj: Any) -> Iterator[tuple[str, Any, str | None]]:
    """``(path, object, docstring)`` of an object and of the members its class defines."""
    yield path, obj, getattr(obj, "__doc__", None) if not isinstance(obj, str | int) else None
    if not inspect.isclass(obj):
        return
    for cls in obj.__mro__:
        if not cls.__module__.startswith("nemovideo"):
            continue
        for name, member in vars(cls).items():
            if name.startswith("_"):
                continue
            function = member.fget if isinstance(member, property) else member
            function = getattr(function, "__func__", function)
            if callable(function) or isinstance(member, property):
                yield f"{path}.{name}", function, function.__doc__


def test_public_docstrings_have_no_roles_file_references_or_endpoint_codes() -> None:
    bad = []
    for path, obj in public_objects():
        for where, _, doc in with_members(path, obj):
            bad += [f"{where}: {problem}" for problem in problems(doc)]
    assert not bad, "\n".join(sorted(set(bad)))


def test_every_public_class_and_function_has_a_docstring() -> None:
    missing = []
    for path, obj in public_objects():
        if isinstance(obj, ModuleType) or not (inspect.isclass(obj) or callable(obj)):
            continue
        for where, member, doc in with_members(path, obj):
            if not (doc or "").strip() and getattr(member, "__module__", "").startswith(
                "nemovideo"
            ):
                missing.append(where)
    assert not missing, missing


def docstrings_in(path: Path) -> Iterator[tuple[int, str]]:
    """Every docstring of a module (module, classes, functions, attributes)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            yield node.lineno, node.value.value


def test_no_docstring_anywhere_in_the_package_has_roles_or_endpoint_codes() -> None:
    bad = []
    for module in sorted(SRC.rglob("*.py")):
        for line, doc in docstrings_in(module):
            where = f"{module.relative_to(ROOT)}:{line}"
            bad += [f"{where}: {problem}" for problem in problems(doc)]
    assert not bad, "\n".join(bad)


def directives() -> Iterator[tuple[Path, str, list[str] | None]]:
    """``(page, path, members listed or None)`` of every ``:::`` directive."""
    for page in sorted(REFERENCE.glob("*.md")):
        text = page.read_text(encoding="utf-8")
        for match in DIRECTIVE.finditer(text):
            block = text[match.end() :].split("\n\n", 1)[0]
            members = re.findall(r"^ {8}- (\w+)$", block, re.M) if "members:" in block else None
            yield page, match.group(1), members


def test_reference_directives_name_public_paths_only() -> None:
    for page, path, _ in directives():
        where = f"{page.relative_to(ROOT)}: ::: {path}"
        assert not any(part.startswith("_") for part in path.split(".")), where
        module, _, name = path.rpartition(".")
        if path in PUBLIC_MODULES:
            continue
        if module == "nemovideo":
            assert name in nemovideo.__all__, where
        else:
            assert module in PUBLIC_MODULES, f"{where}: import it from nemovideo instead"
            assert name in importlib.import_module(module).__all__, where


def test_the_reference_covers_every_public_name() -> None:
    shown: set[str] = set()
    for _, path, members in directives():
        if path in PUBLIC_MODULES:
            names = members if members is not None else importlib.import_module(path).__all__
            shown.update(f"{path}.{name}" for name in names)
        else:
            shown.add(path)
    expected = {f"nemovideo.{name}" for name in nemovideo.__all__ if name != "__version__"}
    for module_name in PUBLIC_MODULES:
        for name in importlib.import_module(module_name).__all__:
            if name not in nemovideo.__all__:  # else shown under nemovideo.<name>
                expected.add(f"{module_name}.{name}")
    assert sorted(expected - shown) == []


def test_the_error_tree_on_the_errors_page_is_the_real_one() -> None:
    text = (REFERENCE / "errors.md").read_text(encoding="utf-8")
    tree = re.search(r"```text\n(.*?)```", text, re.S)
    assert tree is not None
    parents: list[str] = []
    listed = []
    for line in tree.group(1).splitlines():
        depth = (len(line) - len(line.lstrip())) // 4
        name = line.strip()
        parents[depth:] = [name]
        cls = getattr(nemovideo, name)
        if depth:
            assert cls.__bases__ == (getattr(nemovideo, parents[depth - 1]),), name
        listed.append(name)
    errors = [n for n in nemovideo.__all__ if n.endswith("Error")]
    assert sorted(listed) == sorted(errors)


def test_docs_pages_have_no_endpoint_codes() -> None:
    for page in sorted(DOCS.rglob("*.md")):
        if page.name == "changelog.md":  # the changelog keeps its history as written
            continue
        codes = ENDPOINT_CODE.findall(page.read_text(encoding="utf-8"))
        assert not codes, f"{page.relative_to(ROOT)}: {codes}"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The docs built with ``mkdocs build --strict`` (unresolved links fail it)."""
    pytest.importorskip("mkdocs")
    target = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(target)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        timeout=110,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return target


def reference_pages(site: Path) -> list[Path]:
    pages = sorted((site / "reference").rglob("*.html"))
    assert len(pages) >= 8
    return pages


def page_text(page: Path) -> tuple[str, str]:
    """The page's HTML and the visible text of its main part."""
    raw = page.read_text(encoding="utf-8")
    main = raw[raw.find("<article") : raw.find("</article>")]
    return raw, html.unescape(re.sub(r"<[^>]+>", "", main))


def test_the_built_reference_shows_no_private_path_and_no_raw_role(site: Path) -> None:
    public = set(nemovideo.__all__) | {"Exception"}
    for page in reference_pages(site):
        raw, text = page_text(page)
        where = page.relative_to(site)
        assert not PRIVATE_PATH.findall(raw), f"{where}: {sorted(set(PRIVATE_PATH.findall(raw)))}"
        assert not RAW_ROLE.findall(text), f"{where}: {RAW_ROLE.findall(text)}"
        for base in re.findall(r"Bases: (\w+)", text):
            assert base in public, f"{where}: a base class that is not public: {base}"


def signatures(site: Path, page: str) -> list[str]:
    raw, _ = page_text(site / "reference" / page / "index.html")
    blocks = re.findall(r'<div class="doc-signature[^"]*"[^>]*>(.*?)</div>', raw, re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", "", b)).split()) for b in blocks]


def test_rendered_signatures_show_numbers_and_no_test_knobs(site: Path) -> None:
    pages = [p.parent.name for p in reference_pages(site) if p.parent.name != "reference"]
    shown = [s for page in pages for s in signatures(site, page)]
    assert len(shown) > 100
    for signature in shown:
        # A default is a literal, never a constant's name (``= rendering.WAIT``, ``= WAIT``).
        named = re.search(r"=\s*(?:[A-Za-z_]\w*\.)+[A-Za-z_]|=\s*[A-Z][A-Z0-9_]{2,}\b", signature)
        assert named is None, signature
    clients = [s for s in shown if s.startswith(("NemoVideo(", "AsyncNemoVideo("))]
    assert len(clients) == 2
    for signature in clients:
        assert "sleep" not in signature, signature
        assert "clock" not in signature, signature


def test_handles_show_no_constructor(site: Path) -> None:
    for signature in signatures(site, "sessions"):
        assert not re.match(r"(Async)?(Session|Turn|Render)\(", signature), signature
        assert "driver" not in signature, signature
