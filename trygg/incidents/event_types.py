"""The police event type → Trygg category table (the PoliceEventType table, edited in the admin;
defaults in ``data/police_event_types.csv``)."""

from .categories import category_of_police_type, current


def police_type_categories() -> dict[str, str]:
    """Event type (stripped) → category slug."""
    return dict(current().police_types)


__all__ = ["category_of_police_type", "police_type_categories"]
