"""``{% figure_fragment "kind" part … %}…{% endfigure_fragment %}``: a part of a page rendered once
per data version and kept in the ``figures`` cache (``trygg.numbers.figure_cache``: the key holds
the kind, the parts given, the data version, the language and the day).

Only for markup that is the same for every viewer: what is inside may use nothing that depends on
who is signed in (no ``user``, no CSRF token, no incident text, no buttons by permission), and every
value it shows must follow from the parts given (area, period …) and the data.
"""

from django import template
from django.utils.safestring import mark_safe

from trygg.numbers import figure_cache

register = template.Library()


class FigureFragmentNode(template.Node):
    def __init__(self, kind, parts, nodelist):
        self.kind, self.parts, self.nodelist = kind, parts, nodelist

    def render(self, context):
        kind = self.kind.resolve(context)
        parts = tuple(p.resolve(context) for p in self.parts)
        return mark_safe(figure_cache.cached(f"fragment:{kind}", lambda: str(self.nodelist.render(context)), *parts))


@register.tag
def figure_fragment(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("figure_fragment needs a kind (and the parts its content depends on)")
    nodelist = parser.parse(("endfigure_fragment",))
    parser.delete_first_token()
    return FigureFragmentNode(parser.compile_filter(bits[1]), [parser.compile_filter(b) for b in bits[2:]], nodelist)
