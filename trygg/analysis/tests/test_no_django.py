import pkgutil
import subprocess
import sys

import trygg.analysis


def test_no_module_imports_django():
    mods = [f"trygg.analysis.{m.name}" for m in pkgutil.iter_modules(trygg.analysis.__path__) if m.name != "tests"]
    assert "trygg.analysis.nearrepeat" in mods and "trygg.analysis.cli" in mods
    code = ("import importlib, sys\n"
            f"for m in {mods!r}: importlib.import_module(m)\n"
            "import trygg.analysis.cli as c; c.build_parser()\n"
            "assert not any(k == 'django' or k.startswith('django.') for k in sys.modules), 'django imported'\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
