"""Pickling of the matcher's plain classes by a fixed list of fields.

Compiled by mypyc, a class has neither `__dict__` nor `__slots__` that pickle's default
could read, so the classes that are pickled (in saved indexes, to batch workers) name their
fields and use these two functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["get_fields", "set_fields"]


def get_fields(obj: object, fields: Sequence[str]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in fields}


def set_fields(obj: object, state: dict[str, Any]) -> None:
    for name, value in state.items():
        setattr(obj, name, value)
