"""nemovideo: the Python SDK for the NemoVideo agent API.

```python
from nemovideo import NemoVideo

with NemoVideo() as client:
    print(client.credits())
```

Every public name is imported from here. They are listed once, in ``__init__.pyi``
beside this file: type checkers read it as the package's interface, and this module
reads it to load each name on first use (the lazy-loading-from-a-stub pattern of
Scientific Python's SPEC 1), so ``import nemovideo`` loads nothing else and
``from nemovideo import NemoVideo`` loads only the sync client.
"""

import importlib
import re
from pathlib import Path
from typing import Any

_EXPORT = re.compile(r"^from (\.[\w.]+) import (\w+) as \2$", re.MULTILINE)
_WHERE: dict[str, str] = {
    name: module
    for module, name in _EXPORT.findall(
        Path(__file__).with_name("__init__.pyi").read_text(encoding="utf-8")
    )
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'nemovideo' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
