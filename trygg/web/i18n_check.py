"""Find every translatable string in Trygg's code and templates that the Swedish catalogue lacks.

The strings are extracted the way ``makemessages`` does it (Django's ``templatize`` for templates,
GNU ``xgettext`` for both), but into a temporary file: the catalogue itself is never rewritten.
A string counts as translated when the compiled catalogue (``django.mo``) has a non-empty
translation for it (with its context, for ``pgettext``)."""

from __future__ import annotations

import gettext
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]  # the trygg package
KEYWORDS = ["gettext", "gettext_lazy", "_", "gettext_noop", "pgettext:1c,2", "pgettext_lazy:1c,2",
            "ngettext:1,2", "ngettext_lazy:1,2", "npgettext:1c,2,3", "npgettext_lazy:1c,2,3"]
SKIP_DIRS = {"tests", "migrations", "testing", "static", "__pycache__"}


@dataclass(frozen=True)
class Missing:
    msgid: str
    context: str
    where: str


def _sources() -> list[Path]:
    out = []
    for p in sorted(ROOT.rglob("*")):
        if any(part in SKIP_DIRS for part in p.relative_to(ROOT).parts):
            continue
        if p.suffix in (".py", ".html", ".txt") and p.is_file() and not p.name.endswith(".po.txt"):
            out.append(p)
    return out


def extract() -> list[tuple[str, str, str]]:
    """(context, msgid, location) of every translatable string."""
    from django.utils.translation.template import templatize

    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for p in _sources():
            if p.suffix == ".py":
                files.append(str(p))
            else:
                code = templatize(p.read_text(encoding="utf-8"), origin=str(p))
                q = Path(tmp) / (str(p.relative_to(ROOT)).replace("/", "__") + ".py")
                q.write_text(code, encoding="utf-8")
                files.append(str(q))
        pot = Path(tmp) / "all.pot"
        cmd = ["xgettext", "--language=Python", "--from-code=UTF-8", "--no-wrap", "-o", str(pot),
               *[f"--keyword={k}" for k in KEYWORDS], *files]
        subprocess.run(cmd, check=True, capture_output=True)
        return _parse_pot(pot.read_text(encoding="utf-8"))


def _unquote(s: str) -> str:
    import ast

    return ast.literal_eval(s)


def _parse_pot(text: str) -> list[tuple[str, str, str]]:
    out, ctx, msgid, where, field = [], "", None, "", None
    for line in [*text.splitlines(), ""]:
        if line.startswith("#:"):
            where = where or line[2:].strip().split()[0]
        elif line.startswith("msgctxt "):
            ctx, field = _unquote(line[8:]), "ctx"
        elif line.startswith("msgid "):
            msgid, field = _unquote(line[6:]), "id"
        elif line.startswith('"') and field:
            if field == "ctx":
                ctx += _unquote(line)
            elif field == "id":
                msgid += _unquote(line)
        elif line.startswith(("msgstr", "msgid_plural")):
            field = None
        elif not line.strip():
            if msgid:
                out.append((ctx, msgid, where))
            ctx, msgid, where, field = "", None, "", None
    return out


def untranslated(language: str = "sv") -> list[Missing]:
    mo = ROOT / "locale" / language / "LC_MESSAGES" / "django.mo"
    with mo.open("rb") as fh:
        catalog = gettext.GNUTranslations(fh)._catalog  # noqa: SLF001 – the raw msgid → msgstr table
    missing = []
    for ctx, msgid, where in extract():
        key = f"{ctx}\x04{msgid}" if ctx else msgid
        value = catalog.get(key)
        if value is None:
            value = catalog.get((key, 0))  # plural forms
        if not value:
            missing.append(Missing(msgid, ctx, where.replace("__", "/").removesuffix(".py") if where else ""))
    return missing
