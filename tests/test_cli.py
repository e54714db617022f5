import subprocess
import sys

TRYGG = [sys.executable, "-m", "trygg.cli"]


def run(*args):
    return subprocess.run([*TRYGG, *args], capture_output=True, text=True, timeout=120)


def test_help_lists_the_commands():
    r = run("--help")
    assert r.returncode == 0
    for name in ("demo", "serve", "migrate", "createuser", "import areas", "analyze"):
        assert name in r.stdout, name


def test_unknown_command_exits_2_with_a_message():
    r = run("frobnicate")
    assert r.returncode == 2
    assert "unknown command 'frobnicate'" in r.stderr
    r = run("import", "nothing")
    assert r.returncode == 2
    assert "unknown command 'import nothing'" in r.stderr


def test_help_loads_no_command_module_nor_heavy_library():
    """`trygg --help` reads each command's help from its source: no numpy/scipy/matplotlib/WeasyPrint,
    no app registry (start-up time is measured in benchmarks/, this checks the cause)."""
    code = ("import io, sys; from trygg.cli import print_help; out = io.StringIO(); print_help(out); "
            "heavy = sorted(m for m in ('numpy', 'scipy', 'matplotlib', 'weasyprint', 'shapely', 'pyproj') "
            "if m in sys.modules); "
            "from django.apps import apps; print(heavy, apps.ready, 'import police-events' in out.getvalue())")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[] False True"


def test_help_line_comes_from_the_source_even_when_translated(tmp_path, monkeypatch):
    from trygg import cli

    pkg = tmp_path / "fakeapp" / "management" / "commands"
    pkg.mkdir(parents=True)
    for d in (tmp_path / "fakeapp", tmp_path / "fakeapp" / "management", pkg):
        (d / "__init__.py").write_text("")
    (pkg / "hello.py").write_text('import numpy\nclass Command:\n    help = _("Say hello.\\nMore.")\n')
    (pkg / "computed.py").write_text('class Command:\n    help = "x" * 3 + str(1)\n')
    monkeypatch.syspath_prepend(str(tmp_path))
    assert cli._help_line("hello", "fakeapp") == "Say hello."
    assert cli._help_line("computed", "fakeapp") == ""
