"""One hotspot pipeline: the picture page's map, the JSON API, the CLI and the annual report give
identical hot cells (and p-values) for the same incidents."""

import csv
import datetime as dt
import io
import json
import re
import tempfile
from contextlib import redirect_stdout
from pathlib import Path

import numpy as np

from trygg.analysis import cli as analysis_cli
from trygg.incidents.models import Incident
from trygg.picture import maplayers
from trygg.reports.annual import data as annual
from trygg.testing.personas import BaseTestCase

from .world import make

PERIOD = (dt.date(2025, 3, 1), dt.date(2025, 3, 28))
Q = "?from=2025-03-01&to=2025-03-28&compare=previous"


def _cells_from_features(fc):
    return {(round(f["properties"]["x"], 3), round(f["properties"]["y"], 3)): (f["properties"]["count"],
                                                                                 f["properties"]["p_adj"])
            for f in fc["features"]}


class HotspotPipelineTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        rng = np.random.default_rng(16)
        # a cluster near Hjällbo torg, a second smaller one, and a thin background over ~5 × 4 km
        pts = np.r_[np.c_[rng.normal(11.965, 0.002, 45), rng.normal(57.768, 0.001, 45)],
                    np.c_[rng.normal(11.93, 0.0015, 15), rng.normal(57.75, 0.0008, 15)],
                    np.c_[rng.uniform(11.90, 11.99, 80), rng.uniform(57.74, 57.78, 80)]]
        for k, (lon, lat) in enumerate(pts):
            make(cls.hjallbo, PERIOD[0] + dt.timedelta(days=k % 28), "klotter", source="est",
                 lon=float(lon), lat=float(lat))

    def test_page_api_cli_and_report_give_identical_hotspots(self):
        self.login("alice")
        # 1. the page: the layer URL its map loads
        html = self.client.get("/lagesbild/1/" + Q).content.decode()
        layers_url = re.search(r'data-layers="([^"]+)"', html).group(1).replace("&amp;", "&")
        page = _cells_from_features(self.client.get(layers_url.replace("LAYER", "hotspots")).json())
        # 2. the API
        api = _cells_from_features(self.client.get("/api/omraden/1/karta/hotspots.geojson" + Q).json())
        # 3. the CLI on the same incidents exported as longitude/latitude
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(["lon", "lat"])
        for lon, lat in Incident.objects.filter(lon__isnull=False).values_list("lon", "lat"):
            w.writerow([repr(lon), repr(lat)])
        out = io.StringIO()
        with tempfile.TemporaryDirectory() as d:
            path = Path(d) / "points.csv"
            path.write_text(buf.getvalue(), encoding="utf-8")
            with redirect_stdout(out):
                code = analysis_cli.main(["hotspots", str(path), "--x-col", "lon", "--y-col", "lat",
                                          "--crs", "EPSG:4326", "--format", "json"])
        self.assertEqual(code, 0)
        cli = {(round(c["x"], 3), round(c["y"], 3)): (c["count"], c["p_adj"]) for c in json.loads(out.getvalue())
               if c["hot"]}
        # 4. the annual report's district section
        hs = annual._hotspots(self.nordost, *PERIOD)
        g = hs["grid"]
        iy, ix = np.nonzero(hs["significant"])
        report = {(round(g.origin_x + (b + 0.5) * g.cell, 3), round(g.origin_y + (a + 0.5) * g.cell, 3))
                  for a, b in zip(iy, ix, strict=True)}

        self.assertGreaterEqual(len(page), 2)
        self.assertEqual(page, api)
        self.assertEqual(set(page), report)
        self.assertEqual(set(page), set(cli))
        for key, (count, p_adj) in page.items():
            self.assertEqual(cli[key][0], count)
            self.assertAlmostEqual(cli[key][1], p_adj, places=12)
        self.assertEqual(hs["hot_cells"], len(page))
        self.assertTrue(all(count >= 1 for count, _p in page.values()))  # no hotspot without events

    def test_layer_summary_states_the_rule(self):
        fc = maplayers.hotspot_cells(self.nordost, *PERIOD)
        s = fc["properties"]
        self.assertEqual((s["cell_m"], s["min_points"], s["min_neighbourhood_count"]), (250.0, 10, 5))
        self.assertEqual(s["points"], 140)
        few = maplayers.hotspot_cells(self.nordost, dt.date(2025, 3, 1), dt.date(2025, 3, 1))  # 5 points
        self.assertEqual((few["properties"]["reason"], few["features"]), ("too_few_points", []))
