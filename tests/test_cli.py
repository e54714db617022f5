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
