"""Work objects for the tests: one Hjällbo problem with a cause, a goal, a police action and a
published promise with one police line."""

import datetime as dt

from trygg.work import models as m


def make_cycle(t):
    t.problem = m.Problem.objects.create(area=t.hjallbo, title="Narkotikahandel vid torget", theme="narkotika",
                                         prioritised=True, raised_by=t.alice)
    t.cause = m.Cause.objects.create(problem=t.problem, corner="place", description="Mörk gångtunnel",
                                     evidence="Trygghetsvandring")
    t.goal = m.Goal.objects.create(problem=t.problem, title="−20 %", area=t.hjallbo, theme="narkotika",
                                   baseline_start=dt.date(2025, 1, 1), baseline_end=dt.date(2025, 1, 31),
                                   target_date=dt.date(2025, 3, 31), target_change_pct=-20)
    t.action = m.Action.objects.create(title="Insatser vid torget", area=t.hjallbo, cause=t.cause,
                                       owner_organisation=t.lpo_nordost_org, owner=t.bob, start=dt.date(2025, 2, 1),
                                       end=dt.date(2025, 2, 28), status="ongoing")
    t.promise = m.Promise.objects.create(area=t.nordost, title="Löfte Nordost", text="Vi lovar",
                                         start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))
    t.line = m.PromiseLine.objects.create(promise=t.promise, text="50 insatser", owner_organisation=t.lpo_nordost_org,
                                          target=50, unit="insatser")
    t.centrum_problem = m.Problem.objects.create(area=t.vallgraven, title="Bråk vid krogar", theme="ordning",
                                                 raised_by=t.carl)
