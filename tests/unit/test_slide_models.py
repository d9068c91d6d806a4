"""A slide kind's keys are declared once and fill its frozen model by name
(``SlideKind.make``), which mypy cannot follow: this checks what it would, for every kind
with a model. Each key names a field of the model, every field the model needs is a key
(or common to all slides), and the value the key's check gives is of a type the field's
annotation accepts."""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing

import pytest

from signage.content.playlist import SlideDuration
from signage.core.schema import Boolean, Choice, Integer, ListOf, Number, Text
from signage.core.values import Asset, Colour, Duration, TimeOfDay
from signage.slides import KINDS
from signage.slides.base import Common

# what each type's check gives (make() turns a list into a tuple)
GIVES: dict[type, tuple[type, ...]] = {
    Text: (str,),
    Integer: (int,),
    Number: (float, int),
    Boolean: (bool,),
    Duration: (float,),
    TimeOfDay: (dt.time,),
    Asset: (str,),
    Colour: (tuple,),
    ListOf: (tuple,),
    SlideDuration: (float,),
}
COMMON = {f.name for f in dataclasses.fields(Common)}  # every slide's, from its common keys


def _accepts(annotation: typing.Any, given: type) -> bool:
    if annotation is typing.Any:
        return True
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return any(_accepts(a, given) for a in typing.get_args(annotation))
    if origin is typing.Literal:
        return all(isinstance(v, given) for v in typing.get_args(annotation))
    if origin is not None:
        return issubclass(given, origin)
    return isinstance(annotation, type) and (
        issubclass(given, annotation) or (annotation is float and given is int)
    )


def _gives(kind_type: typing.Any) -> tuple[type, ...] | None:
    if isinstance(kind_type, Choice):
        return tuple({type(c) for c in kind_type.choices})
    for declared, gives in GIVES.items():
        if isinstance(kind_type, declared):
            return gives
    return None  # a mapping or a type of its own: its builder's business


MODELLED = sorted(name for name, kind in KINDS.items() if kind.model is not None)


def test_every_kind_with_a_model_is_checked() -> None:
    assert len(MODELLED) >= 6, MODELLED


@pytest.mark.parametrize("name", MODELLED)
def test_a_kinds_keys_fill_its_model(name: str) -> None:
    kind = KINDS[name]
    model = kind.model
    hints = typing.get_type_hints(model)
    fields = {f.name: f for f in dataclasses.fields(model)}
    filled = set()
    for key, spec in kind.fields.items():
        if key == "type":
            continue
        attr = spec.attr or key
        assert attr in fields, f"{name}.{key}: the model {model.__name__} has no field {attr}"
        filled.add(attr)
        gives = _gives(spec.type)
        if gives is None:
            continue
        assert any(_accepts(hints[attr], g) for g in gives), (
            f"{name}.{key}: its check gives {gives}, the field {attr} is {hints[attr]}"
        )
    needed = {
        n for n, f in fields.items()
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    }  # fmt: skip
    missing = needed - filled - COMMON - {"id"}
    assert not missing, f"{name}: fields no key fills: {sorted(missing)}"
