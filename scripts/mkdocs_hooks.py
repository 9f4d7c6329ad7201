"""Build hooks of the docs (``hooks:`` in ``mkdocs.yml``).

The reference shows public names only. A few annotations name a type that is not
public (``NemoVideo.settings`` is a ``Settings``): such a name cannot link anywhere,
and the cross-reference machinery would put its private module path in a tooltip.
This hook keeps the name and drops the tooltip.
"""

from __future__ import annotations

import re
from typing import Any

_PRIVATE_TOOLTIP = re.compile(r'<span title="nemovideo(?:\.\w+)*\._[\w.]*">([^<]*)</span>')


def on_post_page(output: str, /, **kwargs: Any) -> str:
    """The page with unlinkable private names shown as plain names."""
    return _PRIVATE_TOOLTIP.sub(r"\1", output)
