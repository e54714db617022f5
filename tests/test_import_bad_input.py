"""Every bad input of issue 14: exit ≠ 0, one message naming the file, the record or line and the
field, no traceback, and the database exactly as it was."""

import contextlib
import gzip
import io
import json
import time
from pathlib import Path
from unittest import mock

from django.test import override_settings

from trygg.areas.models import Area, Population
from trygg.cli import main
from trygg.incidents.models import CrimeStatistic, ImportRun, Incident
from trygg.testing.personas import BaseTestCase

DATA = Path(__file__).resolve().parent.parent / "trygg" / "incidents" / "tests" / "data"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(40)


def _event(i=1, **over):
    ev = {"id": 1000 + i, "datetime": "2025-06-12 14:30:00 +02:00", "name": "12 juni 14.10, Stöld, Göteborg",
          "summary": "Stöld i butik.", "url": "/aktuellt/handelser/1", "type": "Stöld",
          "location": {"name": "Göteborg", "gps": "57.70887,11.97456"}}
    ev.update(over)
    return ev


def _square(lon=11.96, lat=57.76, d=0.001):
    return {"type": "Polygon", "coordinates": [[[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]]}


def _feature(code, name="Ett område", geometry=None):
    return {"type": "Feature", "properties": {"kod": code, "namn": name}, "geometry": geometry or _square()}


class BadInputTestCase(BaseTestCase):
    def setUp(self):
        import tempfile

        self.tmp = Path(tempfile.mkdtemp(prefix="trygg-bad-"))
        # `trygg` runs the command through run_from_argv, which closes every database connection
        # when it ends; inside a test transaction on PostgreSQL that would close the test's own.
        patcher = mock.patch("django.core.management.base.connections.close_all")
        patcher.start()
        self.addCleanup(patcher.stop)

    def tearDown(self):
        import shutil

        shutil.rmtree(self.tmp, ignore_errors=True)

    def _state(self):
        return (Incident.objects.count(), ImportRun.objects.count(), CrimeStatistic.objects.count(),
                Population.objects.count(), sorted(Area.objects.values_list("code", "level", "name")))

    def refused(self, args, *expected):
        """Run ``trygg ARGS``; assert exit ≠ 0, each expected part in the message, no traceback,
        nothing changed; return the message."""
        before = self._state()
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main([str(a) for a in args])
        message = err.getvalue()
        assert code != 0, (args, out.getvalue(), message)
        assert "Traceback" not in message, message
        for part in expected:
            assert part in message, (part, message)
        assert self._state() == before, "the database changed"
        return message

    def write(self, name, content):
        path = self.tmp / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    def events(self, name, records):
        return self.write(name, json.dumps(records, ensure_ascii=False))

    # --- police events -------------------------------------------------------------------------
    def test_police_name_a_list(self):
        f = self.events("ev.json", [_event(1), _event(2, name=["12 juni", "Stöld"])])
        self.refused(["import", "police-events", f], "ev.json", "record 2", "'name'", "a list")

    def test_police_summary_a_number(self):
        f = self.events("ev.json", [_event(1, summary=42)])
        self.refused(["import", "police-events", f], "ev.json", "record 1", "'summary'", "int")

    def test_police_location_name_an_object(self):
        f = self.events("ev.json", [_event(1, location={"name": {"x": 1}, "gps": "1,2"})])
        self.refused(["import", "police-events", f], "record 1", "'location.name'")

    def test_police_corrupt_gz(self):
        good = gzip.compress(json.dumps([_event(i) for i in range(200)]).encode())
        f = self.write("ev.json.gz", good[: len(good) // 2] + b"\x00garbage" + good[len(good) // 2 + 8:])
        self.refused(["import", "police-events", f], "ev.json.gz", "corrupt")
        f = self.write("cut.json.gz", good[: len(good) // 2])
        self.refused(["import", "police-events", f], "cut.json.gz")
        f = self.write("plain.json.gz", b"not gzip at all")
        self.refused(["import", "police-events", f], "plain.json.gz", "gzip")

    def test_police_over_long_fields(self):
        f = self.events("ev.json", [_event(1, type="T" * 121)])
        self.refused(["import", "police-events", f], "record 1", "'type'", "120")
        f = self.events("ev.json", [_event(1, id="9" * 101)])
        self.refused(["import", "police-events", f], "record 1", "'id'")
        f = self.events("ev.json", [_event(1, url="/" + "a" * 500)])
        self.refused(["import", "police-events", f], "record 1", "'url'")

    def test_police_huge_summary_is_refused_quickly(self):
        f = self.events("ev.json", [_event(1), _event(2, summary="x" * 2_000_000)])
        t = time.perf_counter()
        self.refused(["import", "police-events", f], "ev.json", "record 2", "'summary'", "too long")
        assert time.perf_counter() - t < 5

    def test_police_duplicate_id_with_different_content(self):
        f = self.events("ev.json", [_event(1), _event(2), _event(1, summary="Annan text.")])
        self.refused(["import", "police-events", f], "record 3", "record 1", "'summary'")

    def test_police_duplicate_id_with_same_content_is_fine(self):
        f = self.events("ev.json", [_event(1), _event(1)])
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            assert main(["import", "police-events", str(f)]) == 0
        assert Incident.objects.count() == 1

    def test_police_file_too_big(self):
        f = self.events("ev.json", [_event(i) for i in range(3000)])
        with override_settings(TRYGG_IMPORT_MAX_MB=0):
            self.refused(["import", "police-events", f], "ev.json", "TRYGG_IMPORT_MAX_MB")

    # --- CSV imports: Brå, population, EST -----------------------------------------------------
    def _csv_cases(self, kind, header, row):
        latin1 = (header + "\n" + row.replace("X", "ä") + "\n").encode("latin-1")
        yield "latin1.csv", latin1, ("latin1.csv", "line 2", "not UTF-8")
        yield "image.csv", PNG, ("image.csv", "PNG")
        huge = header + "\n" + row + "\n" + row.replace("X", "x" * 30_000) + "\n"
        yield "long.csv", huge, ("long.csv", "line 3", "field", "allowed")
        giant = header + "\n" + row.replace("X", "x" * 2_000_000) + "\n"
        yield "giant.csv", giant, ("giant.csv", "line 2")

    def _check_csv(self, kind, header, row):
        d = self.tmp / "folder.csv"
        d.mkdir()
        self.refused(["import", kind, d], "folder.csv", "directory")
        for name, content, expected in self._csv_cases(kind, header, row):
            self.refused(["import", kind, self.write(name, content)], *expected)

    def test_bra_bad_files(self):
        self._check_csv("bra", "year,area,crime_type,count,source_url", "2024,Nordost,misshandel_X,5,")

    def test_population_bad_files(self):
        self._check_csv("population", "area_code,year,age_band,count,note", "612,2025,,8000,Hjällbo X")

    def test_est_bad_files(self):
        self._check_csv("est", "occurred_at,category,lon,lat,area_code,place,description,organisation",
                        "2025-03-07 21:30,klotter,,,612,Hjällbo torg,Klotter X,")

    # --- areas ---------------------------------------------------------------------------------
    def areas(self, *features, name="areas.geojson"):
        f = self.write(name, json.dumps({"type": "FeatureCollection", "features": list(features)}))
        return ["import", "areas", f, "--level", "basomrade", "--code-field", "kod", "--name-field", "namn",
                "--parent", "612"]

    def test_area_duplicate_code_in_the_file(self):
        self.refused(self.areas(_feature("9001"), _feature("9001", "Annat")), "feature 2", "'kod'", "9001",
                     "feature 1")

    def test_area_code_that_exists_at_another_level(self):
        self.refused(self.areas(_feature("612")), "feature 1", "'kod'", "primaromrade")

    def test_area_code_outside_the_safe_alphabet(self):
        self.refused(self.areas(_feature("612/9")), "feature 1", "code", "612/9")
        self.refused(self.areas(_feature("ab cd")), "feature 1", "code")

    def test_area_invalid_geometry(self):
        three = {"type": "Polygon", "coordinates": [[[11.96, 57.76], [11.97, 57.76], [11.96, 57.76]]]}
        self.refused(self.areas(_feature("9001", geometry=three)), "feature 1", "'geometry'", "at least 4")
        bowtie = {"type": "Polygon", "coordinates": [[[11.96, 57.76], [11.97, 57.77], [11.97, 57.76],
                                                      [11.96, 57.77], [11.96, 57.76]]]}
        self.refused(self.areas(_feature("9001", geometry=bowtie)), "feature 1", "'geometry'", "Self-intersection")
        unclosed = {"type": "Polygon", "coordinates": [[[11.96, 57.76], [11.97, 57.76], [11.97, 57.77],
                                                        [11.96, 57.77]]]}
        self.refused(self.areas(_feature("9001", geometry=unclosed)), "feature 1", "not closed")
        far = _square(lon=500)
        self.refused(self.areas(_feature("9001", geometry=far)), "feature 1", "outside longitude")
        point = {"type": "Point", "coordinates": [11.96, 57.76]}
        self.refused(self.areas(_feature("9001", geometry=point)), "feature 1", "Polygon")

    def test_a_bow_tie_can_be_repaired_on_request(self):
        bowtie = {"type": "Polygon", "coordinates": [[[11.96, 57.76], [11.97, 57.77], [11.97, 57.76],
                                                      [11.96, 57.77], [11.96, 57.76]]]}
        args = self.areas(_feature("9001", geometry=bowtie)) + ["--invalid-geometry", "repair"]
        with contextlib.redirect_stdout(io.StringIO()):
            assert main([str(a) for a in args]) == 0
        from shapely.geometry import shape

        assert shape(Area.objects.get(code="9001").geometry).is_valid

    def test_good_area_still_loads(self):
        with contextlib.redirect_stdout(io.StringIO()):
            assert main([str(a) for a in self.areas(_feature("9001"))]) == 0
        assert Area.objects.get(code="9001").path.endswith("/612/9001/")
