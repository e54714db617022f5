from django import template

from trygg.work.public import public_promises as _public_promises

register = template.Library()


@register.simple_tag
def public_promises(area):
    """``{% public_promises area as promises %}`` for the public page."""
    return _public_promises(area)
