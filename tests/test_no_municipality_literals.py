"""Göteborg is configuration and demo data, not code: no Göteborg-specific literal (its name, SCB
code, police area or district names) in Trygg's Python code or templates outside the folders that
hold municipalities' configuration and demo data, the migrations and the tests."""

import re
from pathlib import Path

import trygg

ROOT = Path(trygg.__file__).parent
LITERALS = re.compile(r"Göteborg|Goteborg|goteborg|GOTEBORG|1480|Storgöteborg|Nordost|Hisingen|Hjällbo")
# Folders of configuration and demo data (and code that is not the product's).
EXCLUDED_PARTS = {"data", "migrations", "tests", "testing", "locale"}
EXCLUDED_NAMES = {"demo.py"}  # each app's demo data
ALLOWED = {
    # the installation's own municipality when TRYGG_MUNICIPALITY_CODE is not set: deployment
    # configuration, read in one place (trygg.areas.schemes.home_code)
    "settings.py": ["1480"],
}
# Göteborg's areas, population and gazetteer are loaded from its configuration
# (data/municipalities/goteborg) by the same `trygg setup municipality` as any other: these hold
# no literal and stay checked.
CHECKED = ["areas/municipality_setup.py", "areas/loading.py", "areas/schemes.py",
           "areas/management/commands/import_areas.py", "web/management/commands/demo.py",
           "incidents/gazetteer.py", "incidents/placing.py", "incidents/templatetags/placement_tags.py"]


def offending() -> list[str]:
    found = []
    for path in sorted([*ROOT.rglob("*.py"), *ROOT.rglob("*.html"), *ROOT.rglob("*.js"), *ROOT.rglob("*.txt")]):
        rel = path.relative_to(ROOT)
        if EXCLUDED_PARTS & set(rel.parts[:-1]) or rel.name in EXCLUDED_NAMES or rel.name.endswith(".po.txt"):
            continue
        allowed = ALLOWED.get(rel.as_posix(), [])
        if allowed is None:
            continue
        for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            for m in LITERALS.finditer(line):
                if m.group(0) not in allowed:
                    found.append(f"trygg/{rel}:{n}: {m.group(0)}: {line.strip()[:100]}")
    return found


def test_no_goteborg_literal_outside_configuration_and_demo_data():
    found = offending()
    assert not found, "Göteborg-specific literals in code (move them to its configuration):\n" + "\n".join(found)


def test_the_check_finds_a_literal(tmp_path, monkeypatch):
    """The check itself: a planted literal is found (a test that cannot fail is a defect)."""
    planted = ROOT / "areas" / "zz_planted_literal_check.py"
    planted.write_text('NAME = "Hisingen"\n', "utf-8")
    try:
        assert any("zz_planted_literal_check.py:1: Hisingen" in f for f in offending())
    finally:
        planted.unlink()


def test_the_loaders_are_checked():
    """The setup, placement and demo-command code is looked at (not excluded) and holds no literal."""
    checked = {f.split(":", 1)[0] for f in offending()}
    for rel in CHECKED:
        path = ROOT / rel
        assert path.exists(), rel
        assert rel not in ALLOWED and not EXCLUDED_PARTS & set(Path(rel).parts[:-1]), rel
        assert f"trygg/{rel}" not in checked, rel


def test_the_allow_list_is_needed():
    """Every allow-listed file exists and still holds a literal (a stale entry hides nothing)."""
    for rel, allowed in ALLOWED.items():
        text = (ROOT / rel).read_text("utf-8")
        assert LITERALS.search(text), rel
        for literal in allowed or []:
            assert literal in text, (rel, literal)
