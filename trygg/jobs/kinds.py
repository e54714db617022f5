"""What each kind of job does: ``register(kind, "dotted.path.to.build")`` from an app's ``ready()``.

``build(params, progress)`` returns ``(content, file_name, content_type)``; ``progress(percent,
step)`` reports how far it has come (the step is a short text shown on the page). An exception
fails the job: its message is shown to the user, the traceback goes to the log only.
"""

from __future__ import annotations

from django.utils.module_loading import import_string

_KINDS: dict[str, str] = {}


def register(kind: str, build: str) -> None:
    _KINDS[kind] = build


def builder(kind: str):
    try:
        return import_string(_KINDS[kind])
    except KeyError:
        raise LookupError(f"no such kind of job: {kind!r}") from None


def registered() -> list[str]:
    return sorted(_KINDS)
