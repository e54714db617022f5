import json
import subprocess
import sys

import numpy as np
import pytest

from trygg.analysis.cli import main

from .nrc import DATA, read_verbose

ARSON = str(DATA / "nearrepeat_chicago_arson.csv")


def run(argv, capsys):
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_near_repeat_json_reproduces_reference(capsys):
    code, out, err = run(["near-repeat", ARSON, "--no-header", "--x-col", "1", "--y-col", "2", "--date-col", "3",
                          "--space-band", "200", "--space-bands", "3", "--time-band", "1", "--time-bands", "3",
                          "--distance", "manhattan", "--permutations", "99", "--seed", "1", "--precision", "single",
                          "--format", "json"], capsys)
    assert code == 0, err
    d = json.loads(out)
    ref = read_verbose(DATA / "nearrepeat_chicago_arson_NRverbose_2019-09-23_145637.csv")
    assert d["n"] == 522 and len(d["space_bands"]) == 5 and len(d["time_bands"]) == 4
    np.testing.assert_array_equal(np.array(d["observed"]), np.nan_to_num(ref["observed"]))
    for key in ("expected_mean", "ratio", "p_value"):
        assert np.array(d[key], dtype=float).shape == (5, 4)


@pytest.mark.parametrize("fmt", ["csv", "table"])
def test_near_repeat_other_formats(capsys, fmt):
    code, out, _ = run(["near-repeat", ARSON, "--no-header", "--x-col", "1", "--y-col", "2", "--date-col", "3",
                        "--permutations", "5", "--format", fmt], capsys)
    assert code == 0 and out.strip()
    if fmt == "csv":
        assert out.splitlines()[0] == ("space_band,time_band,observed,expected,expected_mean,ratio,p_value,p_adj,"
                                       "significant")
        assert len(out.splitlines()) == 1 + 5 * 4


def _write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return str(p)


@pytest.mark.parametrize("content,argv,needle", [
    (None, ["--x-col", "X"], "file not found"),
    ("", [], "empty"),
    ("X,Y,date\n", [], "no data rows"),
    ("X,Y,date\n1,2,2024-01-01\n", [], "at least 2 events"),
    ("X,Y,date\n1,2,2024-01-01\n3,4,2024-13-45\n", [], "line 3, column 'date'"),
    ("X,Y,date\n1,2,2024-01-01\n3,abc,2024-01-02\n", [], "line 3, column 'Y'"),
    ("X,Y,when\n1,2,2024-01-01\n3,4,2024-01-02\n", [], "no column 'date'"),
    ("1,2,2024-01-01\n3,4,2024-01-02\n", ["--no-header", "--x-col", "1", "--y-col", "2", "--date-col", "9"],
     "column 9 does not exist"),
])
def test_bad_input_exits_2_with_clear_message(tmp_path, capsys, content, argv, needle):
    path = str(tmp_path / "missing.csv") if content is None else _write(tmp_path, "in.csv", content)
    code, out, err = run(["near-repeat", path, *argv, "--permutations", "3"], capsys)
    assert code == 2
    assert needle in err and "Traceback" not in err
    assert path in err or content is None and "missing.csv" in err


def test_argparse_errors_exit_2(capsys):
    code, _, err = run(["near-repeat", ARSON, "--permutations", "zero"], capsys)
    assert code == 2 and "permutations" in err
    assert main(["--help"]) == 0


def test_hotspots_reports_every_cell(tmp_path, capsys):
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.uniform(0, 1000, 200), rng.normal(500, 20, 100)])
    y = np.concatenate([rng.uniform(0, 800, 200), rng.normal(400, 20, 100)])
    path = _write(tmp_path, "pts.csv", "x,y\n" + "\n".join(f"{a},{b}" for a, b in zip(x, y, strict=True)))
    code, out, err = run(["hotspots", path, "--x-col", "x", "--y-col", "y", "--cell", "100", "--format", "json"], capsys)
    assert code == 0, err
    cells = json.loads(out)
    nx = int(np.floor(x.max() / 100) - np.floor(x.min() / 100)) + 1 + 2  # one empty ring on each side
    ny = int(np.floor(y.max() / 100) - np.floor(y.min() / 100)) + 1 + 2
    assert len(cells) == nx * ny and sum(c["count"] for c in cells) == 300
    assert {"ix", "iy", "count", "neighbourhood", "z", "p", "p_adj", "tested", "hot"} <= set(cells[0])
    hot = max(cells, key=lambda c: c["z"])
    assert hot["hot"] and hot["count"] > 20 and hot["p"] == pytest.approx(1 / 10_000)
    assert all(c["p"] is None for c in cells if not c["tested"])  # untested cells carry no p-value
    assert all(c["count"] >= 1 and c["neighbourhood"] >= 5 for c in cells if c["hot"])
    code, out, _ = run(["hotspots", path, "--x-col", "x", "--y-col", "y", "--cell", "100", "--method", "kde",
                        "--bandwidth", "250", "--format", "geojson"], capsys)
    fc = json.loads(out)
    assert code == 0 and len(fc["features"]) == nx * ny and "density" in fc["features"][0]["properties"]


def test_hotspots_reprojects_wgs84(tmp_path, capsys):
    path = _write(tmp_path, "wgs.csv", "lon;lat\n11.97;57.70\n11.98;57.71\n11.99;57.70\n")
    code, out, err = run(["hotspots", path, "--x-col", "lon", "--y-col", "lat", "--crs", "EPSG:4326",
                          "--cell", "250", "--format", "csv"], capsys)
    assert code == 0, err
    first = out.splitlines()[1].split(",")
    assert 300_000 < float(first[2]) < 340_000 and 6_390_000 < float(first[3]) < 6_410_000


def test_change_and_evaluate_and_trend(tmp_path, capsys):
    path = _write(tmp_path, "c.csv", "area,category,current,previous,a1,a0,b1,b0,c1,c0,d1,d0\n"
                  "A,stöld,200,100,98,103,101,97,100,104,99,102\nB,rån,5,6,5,6,4,7,6,5,5,5\nC,rån,0,0,0,0,0,0,0,0,0,0\n")
    code, out, err = run(["change", path, "--key-cols", "area,category", "--format", "json",
                          "--history-cols", "a1,a0,b1,b0,c1,c0,d1,d0"], capsys)
    assert code == 0, err
    rows = json.loads(out)
    assert rows[0]["area"] == "A" and rows[0]["direction"] == "up" and rows[1]["direction"] == ""
    # A has 4 history pairs: tested against its baseline (previous + the 4 earlier previous halves)
    assert rows[0]["test"] == "baseline" and rows[0]["method"] == "baseline" and rows[0]["history_pairs"] == 4
    assert rows[0]["expected"] == pytest.approx((100 + 103 + 97 + 104 + 102) / 5)
    assert rows[0]["ratio"] == pytest.approx(200 / rows[0]["expected"])
    # B (11 events) and C (none) are below --min-events: no test, p null, never flagged
    assert rows[1]["test"] == "" and rows[1]["p"] is None and rows[1]["p_adj"] is None
    assert rows[2]["ratio"] is None
    code, out, err = run(["change", path, "--format", "json", "--test", "pair", "--min-events", "0",
                          "--history-cols", "a1,a0,b1,b0,c1,c0,d1,d0"], capsys)
    rows = json.loads(out)
    assert rows[0]["test"] == "pair" and rows[0]["method"] == "quasi-poisson" and rows[0]["phi"] == 1.0
    assert rows[0]["ratio"] == pytest.approx(2.0) and rows[1]["p"] is not None
    from trygg.analysis import change
    assert change.MIN_EVENTS == 20  # the CLI's --min-events default repeats it (no scipy import at start-up)
    # without the history the conservative fallback is used and says so
    code, out, err = run(["change", path, "--format", "json"], capsys)
    assert json.loads(out)[0]["method"] == "fallback"
    code, out, err = run(["change", path, "--history-cols", "a1,a0,b1"], capsys)
    assert code == 2 and "pairs of columns" in err
    path = _write(tmp_path, "e.csv", "area,period,count\naction,before,50\naction,before,50\naction,after,60\n"
                                     "buffer,before,80\nbuffer,after,70\ncontrol,before,200\ncontrol,after,200\n")
    code, out, err = run(["evaluate", path, "--format", "json"], capsys)
    assert code == 0, err
    res = json.loads(out)
    assert res["wdq"]["wdq"] == pytest.approx(0.25) and res["did_rate_ratio"]["ratio"] == pytest.approx(0.6)
    bad = _write(tmp_path, "e2.csv", "area,period,count\naction,before,5\n")
    assert run(["evaluate", bad], capsys)[0] == 2
    path = _write(tmp_path, "t.csv", "year,count\n2019,100\n2020,110\n2021,125\n2022,130\n")
    code, out, err = run(["trend", path, "--format", "json"], capsys)
    assert code == 0 and json.loads(out)[0]["model"] == "poisson"


def test_module_entry_point():
    r = subprocess.run([sys.executable, "-m", "trygg.analysis.cli", "near-repeat", "/nonexistent.csv"],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "file not found" in r.stderr and "Traceback" not in r.stderr
