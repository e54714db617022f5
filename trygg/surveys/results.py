"""Survey results of an area as tables: each indicator by year, with the change since the
previous survey year tested (trygg.surveys.statistics.compare). Used by the survey page, the
include for the situation picture and the annual analysis, so the numbers agree everywhere.

Two rules hold for every table built here:

* Minimum group size (``trygg.surveys.smallgroups``): a result of fewer than 5 respondents, or one
  hidden so that such a result cannot be worked out from its municipality and the other districts,
  is a :class:`HiddenResult` — no value, interval or number of respondents, only the reason. A
  change is tested only between two shown results.
* Multiple testing: the changes of one table (an area's indicators) are one family; their p-values
  are adjusted with Benjamini–Hochberg (``trygg.analysis.change.benjamini_hochberg``, i.e.
  ``scipy.stats.false_discovery_control``, as the situation picture's figures), and a change is
  significant only when its adjusted p-value is at most 0.05.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from trygg.analysis.change import benjamini_hochberg

from . import smallgroups
from .indicators import INDICATORS
from .models import SurveyResult
from .statistics import Change, compare

FDR_Q = 0.05


@dataclass(frozen=True)
class HiddenResult:
    """A survey result that may not be shown (``reason``: smallgroups.SMALL or PROTECT)."""

    area: object
    year: int
    indicator: str
    reason: str
    value = None
    ci_low = None
    ci_high = None
    respondents = None
    ci_computed = False

    @property
    def hidden(self) -> str:
        return self.reason

    @property
    def hidden_label(self) -> str:
        return smallgroups.label(self.reason)


@dataclass
class IndicatorSeries:
    indicator: object  # Indicator
    results: list  # SurveyResult or HiddenResult, oldest first
    change: Change | None  # latest vs the year before it (both shown), p_adj over the table
    latest: SurveyResult | HiddenResult | None
    previous: SurveyResult | HiddenResult | None

    @property
    def flag(self) -> str:
        """'worse', 'better' or '' for a change significant after FDR, seen from residents' safety."""
        if not self.change or not self.change.significant:
            return ""
        up = self.change.difference > 0
        return "worse" if up == self.indicator.higher_is_worse else "better"

    @property
    def statement(self):
        """The change in words (``trygg.numbers.wording``: better/worse only after FDR)."""
        from trygg.numbers.wording import describe_survey_change

        return describe_survey_change(self.change, self.indicator.higher_is_worse,
                                      share=self.indicator.kind == "share")


def hidden_results(pairs) -> dict[int, str]:
    """{result pk: reason} of the results that may not be shown, for the (indicator, year) pairs
    given: each pair's results over all areas form one linked table (an area is part of its nearest
    ancestor with a result for the same pair), protected by ``smallgroups.protect``."""
    pairs = set(pairs)
    if not pairs:
        return {}
    # plain values, not model rows: the areas' geometries (large JSON) are not needed here
    qs = (SurveyResult.objects.filter(indicator__in={i for i, _y in pairs}, year__in={y for _i, y in pairs})
          .order_by("area__path").values_list("pk", "indicator", "year", "respondents", "area__path", named=True))
    groups: dict[tuple, list] = {}
    for r in qs:
        if (r.indicator, r.year) in pairs:
            groups.setdefault((r.indicator, r.year), []).append(r)
    out = {}
    for rows in groups.values():
        paths = [r.area__path for r in rows]
        parents = []
        for i, path in enumerate(paths):
            above = [j for j, q in enumerate(paths) if j != i and path.startswith(q) and len(q) < len(path)]
            parents.append(max(above, key=lambda j: len(paths[j])) if above else None)
        for r, reason in zip(rows, smallgroups.protect([r.respondents for r in rows], smallgroups.nested_sums(parents)), strict=True):
            if reason:
                out[r.pk] = reason
    return out


def _shown(r, hidden):
    reason = hidden.get(r.pk)
    return HiddenResult(r.area, r.year, r.indicator, reason) if reason else r


def area_series(area, until_year: int | None = None) -> list[IndicatorSeries]:
    qs = SurveyResult.objects.filter(area=area)
    if until_year:
        qs = qs.filter(year__lte=until_year)
    rows = list(qs.order_by("year"))
    for r in rows:
        r.area = area  # the one area already loaded (not its geometry once per row)
    hidden = hidden_results((r.indicator, r.year) for r in rows)
    by_ind: dict[str, list] = {}
    for r in rows:
        by_ind.setdefault(r.indicator, []).append(_shown(r, hidden))
    out = []
    for slug, spec in INDICATORS.items():
        results = by_ind.get(slug)
        if not results:
            continue
        latest = results[-1]
        previous = results[-2] if len(results) > 1 else None
        change = None
        if previous and not isinstance(latest, HiddenResult) and not isinstance(previous, HiddenResult):
            change = compare((latest.value, latest.respondents, latest.ci_low, latest.ci_high),
                             (previous.value, previous.respondents, previous.ci_low, previous.ci_high),
                             share=spec.kind == "share")
        out.append(IndicatorSeries(spec, results, change, latest, previous))
    return _adjust(out)


def _adjust(series: list[IndicatorSeries]) -> list[IndicatorSeries]:
    """Benjamini–Hochberg over the changes of one table (see the module docstring)."""
    tested = [s for s in series if s.change is not None]
    if tested:
        sig, adj = benjamini_hochberg([s.change.p_value for s in tested], FDR_Q)
        for s, is_sig, p in zip(tested, sig, adj, strict=True):
            s.change = dataclasses.replace(s.change, p_adj=float(p), significant=bool(is_sig))
    return series


def years_of(series: list[IndicatorSeries]) -> list[int]:
    return sorted({r.year for s in series for r in s.results})
