"""Check a call's parameters against the spec, converting them to Python values.

Form and query values arrive as strings (PTB sends `chat_id=42`, `reply_markup={"inline_...`):
they are converted by the declared type, JSON-decoding objects and arrays. Nested objects are
checked recursively, strictly typed, with Telegram's wording ("Can't find field", "Field ... must
be of type ..."). Per-type rules that the spec cannot express (a button's single action, 64-byte
callback data, command syntax) are plugged in as `checks` by type name.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from fake_telegram.errors import bad_request
from fake_telegram.spec import Entry, Field, Spec

Check = Callable[[dict[str, Any]], None]

# Telegram's own words for some missing parameters; otherwise "<name> is empty".
_MISSING = {
    "text": "message text is empty",
    "document": "there is no document in the request",
    "photo": "there is no photo in the request",
    "callback_query_id": "query_id is empty",
}
_LABELS = {
    "InlineKeyboardButton": "inline keyboard button",
    "KeyboardButton": "keyboard button",
    "InlineKeyboardMarkup": "inline keyboard",
    "ReplyKeyboardMarkup": "reply keyboard markup",
}
_PARAM_LABELS = {"reply_markup": "reply keyboard markup"}
# Required parameters for which Telegram gives the empty string a meaning.
_EMPTY_ALLOWED = {("setWebhook", "url")}
_TRUE, _FALSE = {"true", "1"}, {"false", "0"}


@dataclass(frozen=True)
class Upload:
    """A file sent as a multipart/form-data part."""

    part: str
    filename: str | None
    content_type: str | None
    data: bytes


class _Mismatch(Exception):
    """The value is not of this type: try the next allowed type."""


class _Invalid(Exception):
    """The value is of this type but wrong inside; `type_name` says where."""

    def __init__(self, type_name: str, detail: str) -> None:
        """Remember the type being parsed and Telegram's detail."""
        super().__init__(detail)
        self.type_name = type_name
        self.detail = detail


class Validator:
    """Validate method calls against one Spec."""

    def __init__(self, spec: Spec, *, strict: bool, checks: Mapping[str, Check]) -> None:
        """Use `spec`; in strict mode unknown parameters and fields are refused."""
        self.spec = spec
        self.strict = strict
        self.checks = checks

    def call(
        self, method: Entry, params: Mapping[str, Any], uploads: Mapping[str, Upload]
    ) -> dict[str, Any]:
        """Return the converted parameters of a call, or raise a 400 ApiError."""
        used: set[str] = set()
        values: dict[str, Any] = {}
        for name, raw in params.items():
            field = method.fields.get(name)
            if field is None:
                if self.strict:
                    raise bad_request(f'unknown parameter "{name}" in method {method.name}')
                continue
            if raw is not None:
                values[name] = self._param(field, raw, uploads, used)
        for name, upload in uploads.items():
            field = method.fields.get(name)
            if field is not None and "InputFile" in field.types and name not in values:
                values[name] = upload
            elif name not in used and name not in values and self.strict:
                raise bad_request(f'unknown file part "{name}" in method {method.name}')
        for field in method.fields.values():
            value = values.get(field.name)
            if value == "" and (method.name, field.name) in _EMPTY_ALLOWED:
                continue
            if field.required and value in (None, ""):
                raise bad_request(_MISSING.get(field.name, f"{field.name} is empty"))
        return values

    def _param(self, field: Field, raw: Any, uploads: Mapping[str, Upload], used: set[str]) -> Any:
        """Convert one top-level parameter, trying its declared types in order."""
        types = field.types
        if isinstance(raw, str):
            if raw.startswith("attach://") and "InputFile" in types:
                return _attached(raw, uploads, used)
            for type_name in types:
                if type_name == "String":
                    return raw
                if type_name in ("Integer", "Float", "Boolean"):
                    try:
                        return _from_string(type_name, raw)
                    except _Mismatch:
                        continue
            types = tuple(t for t in types if t.startswith("Array of ") or t in self.spec.types)
            if not types:
                raise bad_request(_wrong_type(field))
            raw = _decode(field.name, raw)
        elif _is_number(raw) and "String" in types and not {"Integer", "Float"} & set(types):
            return str(raw)  # Telegram reads JSON-body numbers as strings where it wants one
        try:
            return self._any_of(types, raw, uploads, used)
        except _Invalid as exc:
            raise bad_request(f"can't parse {_label(exc.type_name)}: {exc.detail}") from None
        except _Mismatch:
            raise bad_request(_wrong_type(field)) from None

    def _value(
        self, type_name: str, value: Any, uploads: Mapping[str, Upload], used: set[str]
    ) -> Any:
        """Check a decoded JSON value against `type_name`, recursively."""
        if type_name.startswith("Array of "):
            if not isinstance(value, list):
                raise _Mismatch
            item = type_name.removeprefix("Array of ")
            return [self._any_of((item,), v, uploads, used) for v in value]
        if type_name in _PRIMITIVES:
            if not _PRIMITIVES[type_name](value):
                raise _Mismatch
            if type_name == "String" and value.startswith("attach://"):
                _attached(value, uploads, used)
            return value
        if type_name == "InputFile":
            raise _Mismatch  # inside JSON a file is only ever an attach:// string
        entry = self.spec.types[type_name]
        if entry.subtypes:
            return self._any_of(entry.subtypes, value, uploads, used, parent=type_name)
        return self._object(entry, value, uploads, used)

    def _any_of(
        self,
        types: tuple[str, ...],
        value: Any,
        uploads: Mapping[str, Upload],
        used: set[str],
        parent: str | None = None,
    ) -> Any:
        """Check `value` against the first matching type (objects chosen by their fields)."""
        objects = [t for t in types if t in self.spec.types and isinstance(value, dict)]
        fitting = [t for t in objects if self._fits(self.spec.types[t], value)]
        for type_name in fitting or types:
            try:
                return self._value(type_name, value, uploads, used)
            except _Mismatch:
                continue
        if parent is not None and isinstance(value, dict):
            raise _Invalid(parent, f'unsupported type "{value.get("type", "")}"')
        raise _Mismatch

    def _fits(self, entry: Entry, value: dict[str, Any]) -> bool:
        """Tell whether a dict has every required field and constant of `entry`."""
        for field in entry.fields.values():
            if field.const is not None and value.get(field.name) != field.const:
                return False
            if field.required and field.name not in value:
                return False
        return not entry.subtypes

    def _object(
        self, entry: Entry, value: Any, uploads: Mapping[str, Upload], used: set[str]
    ) -> dict[str, Any]:
        """Check one JSON object field by field, then its extra rules."""
        if not isinstance(value, dict):
            raise _Mismatch
        for field in entry.fields.values():
            if field.const is not None and value.get(field.name) != field.const:
                raise _Mismatch  # another subtype of the same abstract type
        for field in entry.fields.values():
            if field.required and field.name not in value:
                raise _Invalid(entry.name, f'Can\'t find field "{field.name}"')
        checked: dict[str, Any] = {}
        for key, item in value.items():
            spec_field = entry.fields.get(key)
            if item is None and spec_field is not None and not spec_field.required:
                continue  # Telegram reads null as absent
            if spec_field is None:
                if self.strict:
                    raise _Invalid(entry.name, f'unknown field "{key}"')
                checked[key] = item
                continue
            try:
                checked[key] = self._any_of(spec_field.types, item, uploads, used)
            except _Mismatch:
                raise _Invalid(
                    entry.name, f'Field "{key}" must be of type {_json_type(spec_field.types)}'
                ) from None
        if entry.name in self.checks:
            self.checks[entry.name](checked)
        return checked


def _attached(value: str, uploads: Mapping[str, Upload], used: set[str]) -> Upload:
    """Resolve an `attach://<part>` reference to its multipart upload."""
    part = value.removeprefix("attach://")
    if part not in uploads:
        raise bad_request(f'file part "{part}" referenced by attach:// is missing')
    used.add(part)
    return uploads[part]


def _decode(name: str, raw: str) -> Any:
    """JSON-decode a form value, with Telegram's complaint when it is not JSON."""
    try:
        return json.loads(raw)
    except ValueError:
        raise bad_request(f"can't parse {_PARAM_LABELS.get(name, name)} JSON object") from None


def _wrong_type(field: Field) -> str:
    """Describe a top-level parameter of the wrong type."""
    return f'field "{field.name}" must be of type {" or ".join(field.types)}'


def _is_number(value: Any) -> bool:
    """Tell whether a JSON value is a number (booleans are not)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def _from_string(type_name: str, raw: str) -> Any:
    """Convert a form string to an Integer, Float or Boolean."""
    text = raw.strip()
    try:
        if type_name == "Integer":
            return int(text)
        if type_name == "Float":
            return float(text)
    except ValueError:
        raise _Mismatch from None
    if text.lower() in _TRUE | _FALSE:
        return text.lower() in _TRUE
    raise _Mismatch


def _label(type_name: str) -> str:
    """Name a type the way Telegram's parse errors do."""
    return _LABELS.get(type_name, type_name)


def _json_type(types: tuple[str, ...]) -> str:
    """Name a field's expected JSON type like tdlib ("Array", "String", "Object")."""
    first = types[0]
    if first.startswith("Array of "):
        return "Array"
    return first if first in _PRIMITIVES else "Object"


def _is_int(value: Any) -> bool:
    """Tell whether a JSON value is an integer (booleans are not)."""
    return isinstance(value, int) and not isinstance(value, bool)


_PRIMITIVES: dict[str, Callable[[Any], bool]] = {
    "Integer": _is_int,
    "Float": lambda v: _is_int(v) or isinstance(v, float),
    "Boolean": lambda v: isinstance(v, bool),
    "String": lambda v: isinstance(v, str),
    "True": lambda v: v is True,
}


def missing_message(name: str) -> str:
    """Return Telegram's description for a missing parameter `name`."""
    return _MISSING.get(name, f"{name} is empty")
