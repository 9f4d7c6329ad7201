"""The one cattrs converter of the SDK: every model to and from a dict, in one place.

``import cattrs`` costs more than a model module should, so nothing here imports it
until a model is first turned into a dict or read from one; the converter is then
built once (thread-safe) and every class's hooks are generated once, on first use.
Reading the service's answers needs only the base converter; the events' tagged
union, the one costly part, is added on the first `to_dict`/`from_dict`.

Two dict forms, one converter:

- The *model form*, what `Model.to_dict` gives and `Model.from_dict` reads: the
  attribute names as keys (`Leaderboard.video_path` is written ``video``), JSON-ready
  values (enums as their values, paths as strings, tuples as lists, events tagged with
  their class name under ``type``). The service's JSON (``raw``, ``raw_ranking``) is
  left out: it can be large and is not part of a model's equality.
- The *wire form*, what the service sends, read by `read_wire` for the answer readers
  of ``nemovideo._protocol.answers``: the service's spellings (``outputUrl``,
  ``createdAt``...) and ``raw`` set to the exact JSON object the service sent.

Both read leniently: a wrong-typed field becomes ``None`` (or the empty value of a
field that cannot be ``None``: ``""``, ``0``, ``False``, ``{}``, ``[]``, ``()``),
never an exception, and unknown keys are ignored. `structure` raises `ValueError`
only for what no leniency can mend (not an object, a missing required key, a word
outside a closed set such as `Change.kind`, an unknown event tag).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, get_args, get_origin

from ._fields import opt_float, opt_int, opt_number, opt_str

if TYPE_CHECKING:
    import cattrs

__all__ = [
    "ExactModel",
    "Model",
    "converter",
    "read_wire",
    "structure",
    "tagged_union",
    "unstructure",
]

T = TypeVar("T")

OMITTED = frozenset({"raw", "raw_ranking", "response_info"})
"""Fields of the service's JSON, left out of the model form."""

RENAMES: dict[str, dict[str, str]] = {
    "nemovideo.models.leaderboard.Leaderboard": {"video_path": "video"},
}
"""Model-form keys that differ from the attribute names (kept from earlier output)."""

WIRE_RENAMES: dict[str, dict[str, str]] = {
    "nemovideo.models.render.RenderStatus": {
        "output_url": "outputUrl",
        "created_at": "createdAt",
        "completed_at": "completedAt",
    },
}
"""The service's spellings of fields, per model (wire form)."""

EVENT_TAG = "type"
"""The key that names an event's class in the model form."""

_RAW_KEY = "nemovideo:raw"  # where `read_wire` hands ``raw`` to the generated hook
_lock = threading.Lock()
_converter: cattrs.Converter | None = None
_events_configured = False
_wire_hooks: dict[type, Callable[[Mapping[str, Any], Any], Any]] = {}


class Model:
    """Base of the SDK's models: `to_dict`, `from_dict` and `to_json` through the one
    converter. It adds no field and no slot, so constructors are unchanged."""

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of the model (without ``raw``, the service's JSON)."""
        return unstructure(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """The model from a dict made by `to_dict` (wrong-typed fields become ``None``
        or empty; unknown keys are ignored; ``raw`` is left empty).

        Raises:
            ValueError: ``data`` is not a mapping, or a required key is missing.
        """
        return structure(data, cls)

    def to_json(self, indent: int | None = None) -> str:
        """`to_dict` as JSON text."""
        import json

        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)


class ExactModel(Model):
    """A model whose own ``to_dict``/``from_dict`` are the service's exact JSON (the
    timeline: `Draft`, `Track`, `Segment`); the converter uses them as they are."""

    __slots__ = ()


_UNIONS: list[type] = []


def tagged_union(base: type[T]) -> type[T]:
    """Class decorator: ``base`` and its subclasses are one tagged union in the model
    form (``type`` names the class), so a field typed ``base`` reads back into the
    right subclass. Applied to `AgentEvent`."""
    _UNIONS.append(base)
    return base


def converter() -> cattrs.Converter:
    """The converter, built on first use (the events' union is added on the first
    `structure` or `unstructure`)."""
    global _converter
    built = _converter
    if built is None:
        with _lock:
            if _converter is None:
                _converter = _build()
            built = _converter
    return built


def _model_converter() -> cattrs.Converter:
    global _events_configured
    conv = converter()
    if not _events_configured:
        with _lock:
            if not _events_configured:
                _configure_events(conv)
                _events_configured = True
    return conv


def structure(data: Mapping[str, Any], cls: type[T]) -> T:
    """Read ``cls`` from its model form.

    Raises:
        ValueError: ``data`` is not a mapping, a required key is missing, or an event
            tag is unknown.
    """
    if not isinstance(data, Mapping):
        raise ValueError(f"{cls.__name__}.from_dict needs a mapping, not {type(data).__name__}")
    try:
        return _model_converter().structure(data, cls)
    except Exception as exc:
        raise ValueError(f"cannot read a {cls.__name__} from this dict: {exc!r}") from exc


def unstructure(obj: Any) -> dict[str, Any]:
    """The model form of ``obj``."""
    out: dict[str, Any] = _model_converter().unstructure(obj)
    return out


def read_wire(cls: type[T], fields: dict[str, Any], raw: Any) -> T:
    """Read ``cls`` from the service's JSON: its spellings, lenient types, and ``raw``.

    ``fields`` is the (normalised) object to read, a dict the caller hands over: it
    may be changed. ``raw`` is kept as the model's ``raw``, the exact JSON sent.
    """
    hook = _wire_hooks.get(cls)
    if hook is None:
        hook = _wire_hook(cls)
    fields[_RAW_KEY] = raw
    result: T = hook(fields, cls)
    return result


def _name(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _wire_hook(cls: type) -> Callable[[Mapping[str, Any], Any], Any]:
    from cattrs.gen import make_dict_structure_fn, override

    renames = WIRE_RENAMES.get(_name(cls), {})
    overrides: dict[str, Any] = {name: override(rename=key) for name, key in renames.items()}
    overrides["raw"] = override(rename=_RAW_KEY, struct_hook=_keep)
    hook: Callable[[Mapping[str, Any], Any], Any] = make_dict_structure_fn(
        cls, converter(), **overrides
    )
    _wire_hooks[cls] = hook
    return hook


def _keep(value: Any, _: Any) -> Any:
    return value


def _build() -> cattrs.Converter:
    """The converter and its hooks (called once, under the lock)."""
    from pathlib import Path

    import attrs
    import cattrs
    from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

    conv = cattrs.Converter(detailed_validation=False)

    # Primitives: lenient, never raising. Classes go by class, the rest by equality.
    def exact(tp: Any) -> Callable[[Any], bool]:
        return lambda candidate: bool(candidate == tp)

    classes: list[tuple[type, Callable[[Any, Any], Any]]] = [
        (str, _str),
        (float, _float),
        (int, _int),
        (bool, _bool),
    ]
    for cls, hook in classes:
        conv.register_structure_hook(cls, hook)
    forms: list[tuple[Any, Callable[[Any, Any], Any]]] = [
        (str | None, _opt_str),
        (float | None, _opt_float),
        (int | None, _opt_int),
        (int | float, _number),
        (dict[str, Any], _dict),
        (dict[str, Any] | None, _opt_dict),
        (list[Any], _list),
        (Path | None, lambda v, _: Path(v) if isinstance(v, str) else None),
    ]
    for form, hook in forms:
        conv.register_structure_hook_func(exact(form), hook)
    conv.register_unstructure_hook(Path, str)

    # The timeline keeps its own exact, order-preserving dict form.
    def is_exact(tp: Any) -> bool:
        return isinstance(tp, type) and issubclass(tp, ExactModel)

    def is_optional_exact(tp: Any) -> bool:
        args = get_args(tp)
        return len(args) == 2 and args[1] is type(None) and is_exact(args[0])

    conv.register_structure_hook_factory(is_exact, _timeline_hook)
    conv.register_structure_hook_factory(
        is_optional_exact, lambda tp: _optional_timeline(get_args(tp)[0])
    )
    conv.register_unstructure_hook_factory(is_exact, lambda cls: cls.to_dict)

    # Tuples: one element hook each, an empty tuple for anything but an array.
    conv.register_structure_hook_factory(_is_tuple, lambda tp: _tuple_hook(conv, tp))

    # Every other model: generated once per class, ``raw`` left out.
    def overrides(cls: type) -> dict[str, Any]:
        out = {a.name: override(omit=True) for a in attrs.fields(cls) if a.name in OMITTED}
        out.update((k, override(rename=v)) for k, v in RENAMES.get(_name(cls), {}).items())
        return out

    def is_model(tp: Any) -> bool:
        return (
            isinstance(tp, type)
            and issubclass(tp, Model)
            and attrs.has(tp)
            and not issubclass(tp, ExactModel)
        )

    def is_optional_model(tp: Any) -> bool:
        args = get_args(tp)
        return (
            len(args) == 2 and args[1] is type(None) and is_model(args[0]) and tp == args[0] | None
        )

    conv.register_structure_hook_factory(
        is_model, lambda cls: make_dict_structure_fn(cls, conv, **overrides(cls))
    )
    conv.register_unstructure_hook_factory(
        is_model, lambda cls: make_dict_unstructure_fn(cls, conv, **overrides(cls))
    )
    conv.register_structure_hook_factory(
        is_optional_model, lambda tp: _optional_model_hook(conv, get_args(tp)[0])
    )

    return conv


# Lenient primitive hooks: (value, type) -> value, never raising.
def _str(value: Any, _: Any) -> str:
    return opt_str(value) or ""


def _opt_str(value: Any, _: Any) -> str | None:
    return opt_str(value)


def _float(value: Any, _: Any) -> float:
    return opt_float(value) or 0.0


def _opt_float(value: Any, _: Any) -> float | None:
    return opt_float(value)


def _int(value: Any, _: Any) -> int:
    return opt_int(value) or 0


def _opt_int(value: Any, _: Any) -> int | None:
    return opt_int(value)


def _number(value: Any, _: Any) -> int | float:
    return opt_number(value) or 0


def _bool(value: Any, _: Any) -> bool:
    return value if isinstance(value, bool) else False


def _dict(value: Any, _: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _opt_dict(value: Any, _: Any) -> dict[str, Any] | None:
    return value if isinstance(value, dict) else None


def _list(value: Any, _: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _configure_events(conv: cattrs.Converter) -> None:
    """The tagged unions (``type``: the class name), so ``Reply.events`` reads back
    into the right classes. The strategy generates the hooks of every class of a union
    at once, after a garbage collection to find them all, so this runs on the first
    `to_dict`/`from_dict`, never for reading the service's answers."""
    from cattrs.gen import override
    from cattrs.strategies import configure_tagged_union, include_subclasses

    for base in _UNIONS:
        include_subclasses(
            base,
            conv,
            union_strategy=lambda union, c: configure_tagged_union(union, c, tag_name=EVENT_TAG),
            overrides={"raw": override(omit=True)},
        )


def _timeline_hook(cls: Any) -> Callable[[Any, Any], Any]:
    def hook(value: Any, _: Any) -> Any:
        if not isinstance(value, Mapping):
            raise ValueError(f"a {cls.__name__} is a JSON object, not {type(value).__name__}")
        return cls.from_dict(value)

    return hook


def _optional_timeline(cls: Any) -> Callable[[Any, Any], Any]:
    def hook(value: Any, _: Any) -> Any:
        return cls.from_dict(value) if isinstance(value, Mapping) else None

    return hook


def _optional_model_hook(conv: cattrs.Converter, cls: type) -> Callable[[Any, Any], Any]:
    inner = conv.get_structure_hook(cls)

    def hook(value: Any, _: Any) -> Any:
        return inner(value, cls) if isinstance(value, Mapping) else None

    return hook


def _is_tuple(tp: Any) -> bool:
    args = get_args(tp)
    return get_origin(tp) is tuple and len(args) == 2 and args[1] is Ellipsis


def _tuple_hook(conv: cattrs.Converter, tp: Any) -> Callable[[Any, Any], tuple[Any, ...]]:
    item_type = get_args(tp)[0]
    item = conv.get_structure_hook(item_type)

    def hook(value: Any, _: Any) -> tuple[Any, ...]:
        if not isinstance(value, list | tuple):
            return ()
        return tuple(item(element, item_type) for element in value)

    return hook
