"""The figures behind every JSON answer, shared by the session JSON (``/api/omraden/…``) and the REST
API v1 (``/api/v1/…``): one code path, calling the picture's own functions (the same ones the page
and ``trygg picture`` call)."""

from trygg.numbers import figures
from trygg.numbers.params import BadChoice, parse_choice
from trygg.picture import maplayers

BUCKETS = ("week", "month")
CHOICE_FIELDS = ("from", "to", "compare", "theme")


class BadQuery(ValueError):
    """A query parameter that cannot be used; ``field`` names it."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def choice(query, area):
    """The period/comparison/theme from a query string; :class:`BadQuery` names the field."""
    try:
        return parse_choice(query, area)
    except BadChoice as e:
        msg = str(e)
        head = msg.split(":", 1)[0].split(" ", 1)[0].strip()
        raise BadQuery(msg, head if head in CHOICE_FIELDS else None) from None


def picture(area, query, user=None) -> dict:
    """The picture's key figures, exactly the dict ``trygg picture --format json`` prints."""
    c = choice(query, area)
    return figures.compute_picture(area, c.start, c.end, c.compare, c.theme, user=user).as_dict()


def siblings(area, query) -> dict:
    c = choice(query, area)
    return figures.sibling_comparison(area, c.start, c.end, theme=c.theme)


def series(area, query) -> dict:
    c = choice(query, area)
    bucket = query.get("bucket") or "week"
    if bucket not in BUCKETS:
        raise BadQuery("bucket: use week or month", "bucket")
    return figures.time_series(area, c.start, c.end, bucket, theme=c.theme)


def layer(area, name, query) -> dict:
    """A map layer as GeoJSON; ``LookupError`` for an unknown layer."""
    if name not in maplayers.LAYERS:
        raise LookupError(f"unknown layer {name!r}; use one of {', '.join(maplayers.LAYERS)}")
    c = choice(query, area)
    return maplayers.layer(name, area, c.start, c.end, c.compare, c.theme)
