"""``trygg picture --area CODE|NAME --from YYYY-MM-DD --to YYYY-MM-DD [--compare previous|last-year]
[--theme T] --format json|csv|table``: the situation picture's figures, the same as the page."""

import json

from django.core.management.base import BaseCommand, CommandError

from trygg.areas.models import Area
from trygg.numbers import figures
from trygg.numbers.params import BadChoice, parse_choice
from trygg.picture import exports


class Command(BaseCommand):
    help = "Print the situation picture's key figures (counts, rates, change, p-values, flags) for an area."
    # a read-only report: the system checks (which import every URLconf and view) are for the server
    # and `trygg check`, not for every call of this command
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--area", required=True, help="area code (a district code or an SCB municipality code) or exact name")
        parser.add_argument("--from", dest="start", help="first day, YYYY-MM-DD (default: 28 days to --to)")
        parser.add_argument("--to", dest="end", help="last day, YYYY-MM-DD (default: the last day every source "
                            "of the area is complete)")
        parser.add_argument("--compare", default="previous", help="previous or last-year")
        parser.add_argument("--theme", default="", help="a theme slug, e.g. narkotika")
        parser.add_argument("--format", default="table", help="json, csv or table")

    def handle(self, *args, **opts):
        area = Area.objects.filter(code=opts["area"]).first()
        if area is None:
            matches = list(Area.objects.filter(name__iexact=opts["area"]))
            if len(matches) > 1:
                raise CommandError(f"--area: “{opts['area']}” names {len(matches)} areas; use the code "
                                   f"({', '.join(a.code for a in matches)})", returncode=2)
            if not matches:
                raise CommandError(f"--area: no area with code or name “{opts['area']}”", returncode=2)
            area = matches[0]
        if opts["format"] not in ("json", "csv", "table"):
            raise CommandError(f"--format: use json, csv or table, not “{opts['format']}”", returncode=2)
        try:
            choice = parse_choice({"from": opts["start"], "to": opts["end"], "compare": opts["compare"],
                                   "theme": opts["theme"]}, area)
        except BadChoice as e:
            raise CommandError(f"--{e}", returncode=2) from None
        # from the figure cache when the page, an earlier call or the job after the last import
        # computed it for the same data (``trygg.picture.warming``)
        fig = figures.cached_picture(area, choice.start, choice.end, choice.compare, choice.theme)
        if opts["format"] == "json":
            self.stdout.write(json.dumps(fig.as_dict(), ensure_ascii=False, indent=2, default=str))
        elif opts["format"] == "csv":
            self.stdout.write(exports.to_csv(fig), ending="")
        else:
            self._table(fig)

    def _table(self, fig):
        w = self.stdout.write
        w(f"{fig.area_name} ({fig.area_code}) {fig.start} – {fig.end}, compared with "
          f"{fig.comparison_start} – {fig.comparison_end}{', theme ' + fig.theme if fig.theme else ''}")
        w(f"population {fig.population or '–'} ({fig.population_year or '–'}); rates per 1,000; "
          f"flags: Benjamini–Hochberg q = {figures.FDR_Q}")
        w("data up to: " + "; ".join(f"{c['source']} {c['up_to']}" for c in fig.currency))
        for c in fig.stale:
            self.stderr.write(f"warning: {c['source']}: no new data since {c['last_day']} ({c['days_since']} days) – "
                              "the source seems to have stopped arriving; check the import")
        for source, day in fig.incomplete.items():
            w(f"incomplete: {source} has data up to {day}, before the period ends – its rows are not tested")
        if fig.synthetic_count:
            w(f"synthetic: {fig.synthetic_count} of the incidents are synthetic demo rows, not real observations")
        w(f"{'kind':8} {'source':6} {'row':38} {'count':>7} {'rate':>8} {'cmp':>7} {'ratio':>6} {'p':>8} {'p_adj':>8} flag")
        for r in fig.rows:
            w(f"{r.kind:8} {r.source:6} {r.label[:38]:38} {r.count:>7} {_n(r.rate, 3):>8} {r.comparison_count:>7} "
              f"{_n(r.ratio, 2):>6} {_n(r.p_value, 4):>8} {_n(r.p_adj, 4):>8} {r.direction}")


def _n(x, digits):
    return "–" if x is None else f"{x:.{digits}f}"
