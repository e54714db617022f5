"""The ``trygg`` command: one front door for the Django management commands people need.

``trygg import police-events FILE`` runs the management command ``import_police_events``;
``trygg demo``, ``trygg serve`` … run the command of that name; ``trygg analyze …`` runs the
analysis core's own command line (no database needed); ``trygg manage …`` is plain manage.py.
Every Trygg management command is reachable, so apps add commands without touching this file.
"""

import os
import sys

GROUPS = {
    "import": "Import data (areas, police-events, bra, population, est, survey …)",
    "fetch": "Fetch data from a live source",
    "report": "Generate reports",
    "export": "Export data",
    "place": "Place stored data again (police-events)",
    "setup": "Set up the installation (municipality)",
    "jobs": "Background jobs (the annual report …)",
}
DJANGO_COMMANDS = {"migrate": "Create or update the database tables",
                   "createsuperuser": "Create an administrator (Django)",
                   "shell": "Python shell with Trygg loaded"}


def _setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trygg.settings")
    import django

    django.setup()


def _trygg_commands() -> dict[str, str]:
    """name → app of every management command defined by a Trygg app, found on disk.

    Neither Django's app registry nor any command module is loaded, so ``trygg --help`` and the
    dispatch below stay fast however heavy the commands' own imports are (numpy, scipy, WeasyPrint).
    """
    import importlib.util

    from django.core.management import find_commands

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trygg.settings")
    from django.conf import settings

    found = {}
    for app in settings.INSTALLED_APPS:
        if not app.startswith("trygg."):
            continue
        spec = importlib.util.find_spec(app)
        if spec is None or not spec.submodule_search_locations:
            continue
        for location in spec.submodule_search_locations:
            for name in find_commands(os.path.join(location, "management")):
                found[name] = app
    return found


def _help_line(name: str, app: str) -> str:
    """The first line of a command's ``help``, read from its source without importing it."""
    import ast
    import importlib.util

    spec = importlib.util.find_spec(f"{app}.management.commands.{name}")
    try:
        with open(spec.origin, encoding="utf-8") as source:
            tree = ast.parse(source.read())
    except (OSError, SyntaxError, AttributeError, TypeError):
        return ""
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == "Command":
            for stmt in node.body:
                if (isinstance(stmt, ast.Assign) and any(getattr(t, "id", None) == "help" for t in stmt.targets)):
                    node_value = stmt.value
                    if isinstance(node_value, ast.Call) and len(node_value.args) == 1:  # help = _("…")
                        node_value = node_value.args[0]
                    try:
                        value = ast.literal_eval(node_value)
                    except (ValueError, TypeError, SyntaxError, RecursionError):
                        return ""
                    return str(value).strip().split("\n")[0]
    return ""


def print_help(out=sys.stdout) -> None:
    commands = _trygg_commands()
    out.write("usage: trygg COMMAND [ARGS…]   (trygg COMMAND --help for its options)\n\n")
    out.write("Commands:\n")
    top = sorted(n for n in commands if not any(n.startswith(g + "_") for g in GROUPS))
    for name in top:
        out.write(f"  {name.replace('_', '-'):<28} {_help_line(name, commands[name])}\n")
    for name, text in DJANGO_COMMANDS.items():
        out.write(f"  {name:<28} {text}\n")
    out.write(f"  {'analyze':<28} Analyses on CSV files: near-repeat, hotspots, change, evaluate\n")
    out.write(f"  {'manage':<28} Any Django management command\n")
    for group, text in GROUPS.items():
        subs = sorted(n[len(group) + 1:] for n in commands if n.startswith(group + "_"))
        if subs:
            out.write(f"\n{group} – {text}:\n")
            for sub in subs:
                out.write(f"  {group} {sub.replace('_', '-'):<21} {_help_line(f'{group}_{sub}', commands[f'{group}_{sub}'])}\n")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help", "help"}:
        try:
            print_help()
        except BrokenPipeError:  # `trygg --help | head`: the reader stopped, not an error
            sys.stderr.close()
        return 0
    if argv[0] == "--version":
        from trygg import __version__

        print(f"trygg {__version__}")
        return 0
    if argv[0] == "analyze":
        from trygg.analysis.cli import main as analyze

        return analyze(argv[1:])
    head, rest = argv[0], argv[1:]
    if head == "manage":
        name, rest = (rest[0], rest[1:]) if rest else ("help", [])
    elif head in GROUPS:
        if not rest or rest[0].startswith("-"):
            print_help()
            return 2
        name, rest = f"{head}_{rest[0].replace('-', '_')}", rest[1:]
        if name not in _trygg_commands():
            sys.stderr.write(f"trygg: unknown command '{head} {argv[1]}' (see trygg --help)\n")
            return 2
    else:
        name = head.replace("-", "_")
        if name not in _trygg_commands() and name not in DJANGO_COMMANDS:
            sys.stderr.write(f"trygg: unknown command '{head}' (see trygg --help)\n")
            return 2
    _setup_django()
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["trygg", name, *rest])
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
