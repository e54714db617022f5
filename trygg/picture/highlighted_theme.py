"""The theme the situation picture offers first. Each municipality's partners choose it for their
annual conference, which the reports app keeps; that app registers its choice here when it starts
(``ReportsConfig.ready``), so that the picture imports no app above it. A chooser receives the
area whose picture is shown and answers for that area's municipality (one municipality's picture
never shows another's theme). Without a registered choice: the setting ``TRYGG_CONFERENCE_THEME``."""

from collections.abc import Callable

from django.conf import settings

_choosers: list[Callable[[object], str | None]] = []


def register(chooser: Callable[[object], str | None]) -> None:
    if chooser not in _choosers:
        _choosers.append(chooser)


def highlighted_theme(area=None) -> str:
    """The theme highlighted in ``area``'s picture (an Area; None: no municipality's, the setting)."""
    for chooser in _choosers:
        theme = chooser(area)
        if theme:
            return theme
    return settings.TRYGG_CONFERENCE_THEME
