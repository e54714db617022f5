"""Minimum group size for every survey breakdown, with protection against differencing.

No mean, share or count of a group with fewer than ``MIN_RESPONDENTS`` (5) respondents is shown:
such a group is printed as "fewer than 5 answers" (``SMALL``). Hiding it alone is not enough when
the total and the other groups are shown (total − the others = the hidden group, for the number
of answers and for the sum of the answers, hence the mean). The groups published together are
therefore one linked table of respondent counts, and the pattern is chosen by the disclosure
auditor of the public counts (``trygg.analysis.disclosure.suppress``: primary suppression of 1–4,
secondary suppression, ``PROTECT``, until the LP audit finds no hidden count that can be narrowed
below 1–4). A passing audit also means the hidden groups of one breakdown hold at least 5
respondents together, so not even their combined mean is that of fewer than 5 people.

Groups nested in a group (the districts of a municipality, the areas and the roles of a round)
are linked to it by ``total = Σ parts`` when their respondents add up to it (a reader who knows
that the parts cover the total knows there is no one else), by ``total = Σ parts + the respondents
in none of the parts`` (an implicit cell, unknown to a reader) when they add up to less, and not
at all when they add up to more (separate samples).
"""

from __future__ import annotations

import numpy as np
from django.utils.translation import gettext_lazy as _

from trygg.analysis import disclosure

MIN_RESPONDENTS = disclosure.THRESHOLD
SMALL = "small"  # fewer than 5 respondents (or a breakdown of a total under 5)
PROTECT = "protect"  # 5 or more, hidden so that a small group cannot be worked out

LABELS = {SMALL: _("fewer than 5 answers"), PROTECT: _("hidden")}
NOTE = _("“fewer than 5 answers”: not shown so that nobody can be recognised; “hidden”: not shown so that a "
         "group with fewer than 5 answers cannot be worked out from the total and the other groups.")


def protect(sizes, sums) -> list[str]:
    """For each group (``sizes[i]`` respondents): "" when it may be shown, ``SMALL`` or ``PROTECT``
    when it may not. ``sums``: ``(total, parts)`` index pairs — group ``total`` holds the groups
    ``parts`` (and possibly respondents in none of them); a total may have several breakdowns (per
    area and per role), all decided together (see the module docstring)."""
    sizes = [int(s) for s in sizes]
    n = len(sizes)
    if n == 0:
        return []
    values, shown, relations = list(sizes), [True] * n, []
    for total, parts in sums:
        parts = list(parts)
        rest = sizes[total] - sum(sizes[i] for i in parts)
        if not parts or rest < 0:
            continue  # separate samples: no relation a reader could use
        if rest == 0:  # the parts cover the total (every invitation has one area and one role)
            relations.append((total, parts))
            continue
        values.append(rest)
        shown.append(False)
        relations.append((total, [*parts, len(values) - 1]))
    t = disclosure.LinkedTables(np.array(values), disclosure.additive(len(values), relations), np.array(shown))
    try:
        s = disclosure.suppress(t)
    except disclosure.DisclosureError:
        # no pattern protects every small group (e.g. a total of 7 = 6 + 1 = 4 + 3: even with
        # everything hidden, "4 and 3 are 1–4" and "6 is ≥ 5" bound each other): nothing but the
        # zeros is published, all under the one label that says nothing about the size
        return [PROTECT if v > 0 else "" for v in sizes]
    return [SMALL if (s.primary[i] or s.withheld[i]) else PROTECT if s.secondary[i] else "" for i in range(n)]


def nested_sums(parents) -> list[tuple[int, list[int]]]:
    """``sums`` for :func:`protect` from each group's parent index (None at the top)."""
    return [(p, [i for i, q in enumerate(parents) if q == p]) for p in sorted({q for q in parents if q is not None})]


def label(reason: str) -> str:
    return str(LABELS[reason]) if reason else ""
