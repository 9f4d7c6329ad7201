"""Copy the example files into the docs pages, so a page reads whole anywhere.

Every Python example of the docs is a file in ``docs/examples/`` (the tests run them).
A page shows one as a marker comment followed by a fenced block holding the file's
text (or a section of it between ``# --8<-- [start:name]`` and ``# --8<-- [end:name]``)::

    <!-- example: docs/examples/rendering.py -->
    ```python
    ...the file's text...
    ```

The comment is invisible once built, and the code is in the page itself, so a guide
read raw on a code host shows the code. ``python scripts/docs_examples.py`` refreshes
every block from its file (and turns an include line ``--8<-- "docs/examples/x.py"``
inside a fence into a marked block); ``--check`` fails when a page is out of date.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"

MARKED = re.compile(
    r"<!-- example: (?P<ref>docs/examples/[\w.]+\.py(?::[\w-]+)?) -->\n"
    r"```python[^\n]*\n(?P<code>.*?)```",
    re.S,
)
INCLUDE = re.compile(
    r'```python[^\n]*\n--8<-- "(?P<ref>docs/examples/[\w.]+\.py(?::[\w-]+)?)"\n```'
)
SECTION_LINE = re.compile(r"^\s*# --8<-- \[(?:start|end):[\w-]+\]\s*$")


def example_text(ref: str) -> str:
    """The text a page shows for ``ref`` (``path`` or ``path:section``)."""
    path, _, section = ref.partition(":")
    text = (ROOT / path).read_text(encoding="utf-8")
    if section:
        start = f"# --8<-- [start:{section}]"
        end = f"# --8<-- [end:{section}]"
        if start not in text or end not in text:
            raise LookupError(f"{path} has no section {section!r}")
        text = text.split(start, 1)[1].split(end, 1)[0]
        text = text.split("\n", 1)[1] if "\n" in text else ""
        lines = text.splitlines()
        while lines and not lines[-1].strip():
            lines.pop()
        indent = min((len(x) - len(x.lstrip()) for x in lines if x.strip()), default=0)
        text = "\n".join(x[indent:] for x in lines) + "\n"
    lines = [x for x in text.splitlines() if not SECTION_LINE.match(x)]
    return "\n".join(lines).rstrip("\n") + "\n"


def block(ref: str) -> str:
    """The marker comment and fenced block that show ``ref``."""
    return f"<!-- example: {ref} -->\n```python\n{example_text(ref)}```"


def refreshed(page: str) -> str:
    """``page`` with every include turned into a marked block and every block current."""
    page = INCLUDE.sub(lambda m: block(m.group("ref")), page)
    return MARKED.sub(lambda m: block(m.group("ref")), page)


def pages() -> list[Path]:
    """Every Markdown page of the docs."""
    return sorted(DOCS.rglob("*.md"))


def main(argv: list[str]) -> int:
    """Rewrite the pages, or with ``--check`` report the stale ones."""
    check = "--check" in argv
    stale = []
    for path in pages():
        text = path.read_text(encoding="utf-8")
        new = refreshed(text)
        if new != text:
            stale.append(path.relative_to(ROOT))
            if not check:
                path.write_text(new, encoding="utf-8")
    if check and stale:
        names = ", ".join(map(str, stale))
        print(f"examples out of date in: {names} (run python scripts/docs_examples.py)")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
