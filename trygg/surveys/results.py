"""Survey results of an area as tables: each indicator by year, with the change since the
previous survey year tested (trygg.surveys.statistics.compare). Used by the survey page, the
include for the situation picture and the annual analysis, so the numbers agree everywhere."""

from __future__ import annotations

from dataclasses import dataclass

from .indicators import INDICATORS
from .models import SurveyResult
from .statistics import Change, compare


@dataclass
class IndicatorSeries:
    indicator: object  # Indicator
    results: list  # SurveyResult, oldest first
    change: Change | None  # latest vs the year before it
    latest: SurveyResult | None
    previous: SurveyResult | None

    @property
    def flag(self) -> str:
        """'worse', 'better' or '' for a significant change, seen from residents' safety."""
        if not self.change or not self.change.significant:
            return ""
        up = self.change.difference > 0
        return "worse" if up == self.indicator.higher_is_worse else "better"


def area_series(area, until_year: int | None = None) -> list[IndicatorSeries]:
    qs = SurveyResult.objects.filter(area=area)
    if until_year:
        qs = qs.filter(year__lte=until_year)
    by_ind: dict[str, list] = {}
    for r in qs.order_by("year"):
        by_ind.setdefault(r.indicator, []).append(r)
    out = []
    for slug, spec in INDICATORS.items():
        results = by_ind.get(slug)
        if not results:
            continue
        latest = results[-1]
        previous = results[-2] if len(results) > 1 else None
        change = None
        if previous:
            change = compare((latest.value, latest.respondents, latest.ci_low, latest.ci_high),
                             (previous.value, previous.respondents, previous.ci_low, previous.ci_high),
                             share=spec.kind == "share")
        out.append(IndicatorSeries(spec, results, change, latest, previous))
    return out


def years_of(series: list[IndicatorSeries]) -> list[int]:
    return sorted({r.year for s in series for r in s.results})
