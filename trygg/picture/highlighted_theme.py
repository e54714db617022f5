"""The theme the situation picture offers first. The partners choose it for their annual
conference, which the reports app keeps; that app registers its choice here when it starts
(``ReportsConfig.ready``), so that the picture imports no app above it. Without a registered
choice: the setting ``TRYGG_CONFERENCE_THEME``."""

from collections.abc import Callable

from django.conf import settings

_choosers: list[Callable[[], str | None]] = []


def register(chooser: Callable[[], str | None]) -> None:
    if chooser not in _choosers:
        _choosers.append(chooser)


def highlighted_theme() -> str:
    for chooser in _choosers:
        theme = chooser()
        if theme:
            return theme
    return settings.TRYGG_CONFERENCE_THEME
