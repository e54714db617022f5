"""Place an incident from the place names in its text.

The police feed gives only the municipality's centre; the district, street or square is in the
free text. A :class:`Gazetteer` is built for one municipality that has areas below it, from

1. the names of its areas at the levels its configuration names in texts
   (:attr:`~trygg.areas.schemes.Scheme.text_levels`; the Area table);
2. its place names (:class:`~trygg.incidents.models.PlaceName`: the shipped stop/locality/landmark
   register, the curated list with its corrections, and the analyst's own names — later ones win);
3. the place names and names of the other municipalities of the same county (SCB code prefix),
   used only to notice that an event filed under this municipality happened elsewhere.

Matching works on words, not on one large regular expression: the text is split into words once,
and at each capitalised word the longest known name (up to the longest name's length in words) is
looked up in a dict, then its inflections (genitive -s, definite -en/-et) and — for one word — a
compound of a known name with a road or site ending ("Kallebäcksmotet", "Gamlestadsvallen").
Words are folded for case, accents and spelling variants (Gustav/Gustaf; hyphens split words, so
"Hisings-backa" is "Hisings Backa"). Context rules (``data/gazetteer/rules_sv.toml``) skip a name
after a direction word ("mot", "till", "från" — but not "larmas till"), after an arrest verb
("greps kring …") or an organisation word ("lokalpolisområde …").

The names found are then resolved without guessing: names on one chain of areas give the most
specific of them; names in different areas give their lowest common ancestor (an area of a coarser
level), or — when that is the municipality itself — no placement. A name that covers several areas
points at the area containing them all (a data decision, in the municipality's curated list). A
street found by one point (a compound "…vägen") at one of the finest levels is placed one level up
(:attr:`~trygg.areas.schemes.Scheme.street_up_levels`). The levels, their order and these depth
rules come from the municipality's configuration, not from any one municipality's level names.
Only when the text names no place of its own municipality but exactly names places of one other
municipality is the event moved there; when it names both, its own municipality's names count
only if one of them comes first (police texts name the event's place first), else nothing is placed.
"""

from __future__ import annotations

import bisect
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from trygg.areas import schemes
from trygg.areas.models import Area, Level

DATA = Path(__file__).parent / "data" / "gazetteer"
_WORD = re.compile(r"[^\W_]+")
_SENTENCE_END = re.compile(r"[.!?;:\n]")
_FOLD = str.maketrans("éèêëáàâüûïîóòôç", "eeeeaaauuiioooc")


@lru_cache(maxsize=1)
def rules() -> dict:
    raw = tomllib.loads((DATA / "rules_sv.toml").read_text("utf-8"))
    spelling = {}
    for forms in raw["spelling"]:
        for f in forms[1:]:
            spelling[f] = forms[0]
    return {
        "direction": frozenset(raw["direction_words"]), "dispatch": frozenset(raw["dispatch_words"]),
        "place_till": frozenset(raw["place_till_words"]),
        "arrest": frozenset(raw["arrest_words"]), "arrest_window": int(raw["arrest_window"]),
        "arrest_reason": frozenset(raw["arrest_reason_words"]),
        "lowercase_min": int(raw["lowercase_name_min_length"]),
        "truncated_line": int(raw["truncated_line_length"]), "truncated_min": int(raw["truncated_min_chars"]),
        "organisation": frozenset(raw["organisation_words"]),
        "road": tuple(sorted(raw["compound_road"], key=len, reverse=True)),
        "street": tuple(sorted(raw["compound_street"], key=len, reverse=True)),
        "site": tuple(sorted(raw["compound_site"], key=len, reverse=True)),
        "min_stem": int(raw["compound_min_stem"]),
        "inflections": tuple(sorted(raw["inflections"], key=len, reverse=True)),
        "spelling": spelling, "common": frozenset(raw["common_words"]),
        "lowercase_starts": frozenset(raw["lowercase_starts"]),
    }


def fold_word(word: str) -> str:
    w = word.casefold().translate(_FOLD)
    return rules()["spelling"].get(w, w)


def name_key(name: str) -> str:
    """The folded form a name is looked up by: "Gustav Adolfs torg" → "gustaf adolfs torg"."""
    return " ".join(fold_word(w) for w in _WORD.findall(name or ""))


@dataclass(frozen=True)
class Target:
    """What a name points at: an area path (or "" = never place by this name)."""

    path: str
    municipality_path: str
    name: str
    outside: bool = False


@dataclass(frozen=True)
class Found:
    target: Target
    text: str  # the words as written
    rule: str  # name | inflection | compound


@dataclass(frozen=True)
class Result:
    """Where the text places the event. ``path`` is an area path (a district, or another
    municipality when ``outside``); ``names`` the names that placed it; ``rule`` how."""

    path: str
    names: tuple[str, ...]
    rule: str  # name | compound | common-ancestor | outside
    outside: bool = False


def _common_path(paths) -> str:
    parts = [p.strip("/").split("/") for p in paths]
    out = []
    for segs in zip(*parts, strict=False):
        if all(s == segs[0] for s in segs):
            out.append(segs[0])
        else:
            break
    return "/" + "/".join(out) + "/" if out else "/"


def _parent_path(path: str) -> str:
    segs = path.strip("/").split("/")
    return "/" + "/".join(segs[:-1]) + "/" if len(segs) > 1 else path


class Gazetteer:
    """The names of one municipality (see the module docstring). ``names`` overrides the
    database: an iterable of ``(name, area path or "", outside)`` used by tests and previews."""

    def __init__(self, municipality: Area, *, extra: dict[str, Target] | None = None,
                 exclude_names: set[str] | None = None):
        self.municipality = municipality
        self.rules = rules()
        scheme = schemes.scheme_for_code(municipality.code)
        self.street_up_levels = frozenset(scheme.street_up_levels)
        areas = list(Area.objects.filter(path__startswith=municipality.path, level__in=scheme.text_levels)
                     .only("name", "path", "level"))
        self.levels = {a.path: a.level for a in areas}
        self.levels[municipality.path] = Level.MUNICIPALITY
        self.by_path: dict[str, Area] = {a.path: a for a in areas}
        self.by_path[municipality.path] = municipality
        mpath = municipality.path
        from .models import PlaceName

        targets: dict[str, Target] = {}
        own = list(PlaceName.objects.filter(municipality=municipality).values_list("name", "area__path", "origin"))

        def add_own(name, path):
            key = name_key(name)
            if key:
                targets[key] = Target(path or "", mpath, name, outside=bool(path) and not path.startswith(mpath))

        # 1. the shipped register (stops, localities, landmarks)
        for name, path, origin in own:
            if origin == PlaceName.Origin.REGISTER:
                add_own(name, path)
        # 2. area names win over the register; a name shared by nested areas ("Backa", "Askim")
        #    means the larger one, a name shared by separate areas their common ancestor.
        area_keys: dict[str, str] = {}
        for a in sorted(areas, key=lambda a: a.path.count("/")):
            key = name_key(a.name)
            area_keys[key] = _common_path([area_keys[key], a.path]) if key in area_keys else a.path
        for key, path in area_keys.items():
            targets[key] = Target(path, mpath, key)
        large = {a.path for a in areas if a.level in scheme.large_levels}
        self.large_area_keys = {k for k, p in area_keys.items() if p in large or p == mpath}
        # 3. other municipalities' names (outside) where this municipality has no such name
        home_county = municipality.code[:2] if len(municipality.code) == 4 else None
        outside: dict[str, set[str]] = {}
        for m in Area.objects.filter(level=Level.MUNICIPALITY).exclude(pk=municipality.pk).only("name", "code", "path"):
            if home_county and m.code.startswith(home_county):
                outside.setdefault(name_key(m.name), set()).add(m.path)
        rows = (PlaceName.objects.exclude(municipality=municipality)
                .filter(municipality__code__startswith=home_county or "-", area__isnull=False)
                .exclude(kind=PlaceName.Kind.STREET).values_list("name", "area__path"))
        for name, path in rows:
            if not path.startswith(mpath):
                outside.setdefault(name_key(name), set()).add(path)
        own_keys = {name_key(n) for n, _p, _o in own}
        for key, paths in outside.items():
            if key and key not in targets and key not in own_keys and key not in self.rules["common"]:
                targets[key] = Target(next(iter(paths)) if len(paths) == 1 else "", "", key, outside=True)
        # 4. the curated list and the analyst's names win over everything
        for name, path, origin in own:
            if origin != PlaceName.Origin.REGISTER:
                add_own(name, path)
        self.home_key = name_key(municipality.name)
        targets[self.home_key] = Target("", mpath, municipality.name)
        for key in exclude_names or ():
            targets.pop(name_key(key), None)
        for key, t in (extra or {}).items():
            targets[name_key(key)] = t
        # a name of several words is also known written as one ("Hjalmarbrantingsplatsen")
        for key, t in list(targets.items()):
            if " " in key:
                targets.setdefault(key.replace(" ", ""), t)
        self.targets = targets
        self.sorted_keys = sorted(k for k, t in targets.items() if t.path)
        self.max_words = max((k.count(" ") + 1 for k in targets), default=1)
        for path in {t.path for t in targets.values() if t.path and not t.outside}:
            self.levels.setdefault(path, "")

    # -- lookup ---------------------------------------------------------------------------------
    def _lookup(self, key: str, single: bool) -> tuple[Target, str] | None:
        t = self.targets.get(key)
        if t is None and key.count(" ") == 1:
            t = self.targets.get(key.replace(" ", ""))  # "Slätta damm" is Slättadamm
        if t is not None:
            return t, "name"
        for suffix in self.rules["inflections"]:
            if key.endswith(suffix) and len(key) - len(suffix) >= 3:
                t = self.targets.get(key[: -len(suffix)])
                if t is not None:
                    return t, "inflection"
        if not single:
            return None
        r = self.rules
        for kind, endings in (("road", r["road"]), ("street", r["street"]), ("site", r["site"])):
            for end in endings:
                if not key.endswith(end) or len(key) - len(end) < r["min_stem"]:
                    continue
                stem = key[: -len(end)]
                stems = [stem, stem[:-1]] if stem.endswith("s") else [stem]
                for s in list(stems):
                    stems += [s + "en", s + "et", s + "n"]
                for s in stems:
                    t = self.targets.get(s)
                    if t is not None and not t.outside and s != self.home_key and t.path \
                            and not (kind == "street" and s in self.large_area_keys):
                        return t, f"compound-{kind}"
        return None

    def names_in(self, text: str) -> list[Found]:
        """The place names in ``text`` that the context rules keep, in text order."""
        if not text:
            return []
        r = self.rules
        words, folded, caps, sentence, starts, tight = [], [], [], [], [], []
        s, last_end, line_end, first_line_words = 0, 0, text.find("\n"), 0
        for m in _WORD.finditer(text):
            first_line_words += line_end < 0 or m.start() < line_end
            gap = text[last_end:m.start()]
            new_sentence = not words or bool(_SENTENCE_END.search(gap))
            if new_sentence and words:
                s += 1
            w = m.group()
            words.append(w)
            folded.append(fold_word(w))
            caps.append(w[:1].isupper())
            sentence.append(s)
            starts.append(new_sentence)
            tight.append(gap.isspace())
            last_end = m.end()
        n, out, i = len(words), [], 0
        first_line = text[:line_end].rstrip() if line_end >= 0 else ""
        cut = None  # the last word of a summary the feed cut mid-word
        if len(first_line) >= r["truncated_line"] and first_line[-1:].isalnum() and first_line_words:
            cut = first_line_words - 1
        while i < n:
            lower_name = (not caps[i] and len(folded[i]) >= r["lowercase_min"] and folded[i] in self.targets
                          and folded[i] not in r["common"])
            if not (caps[i] or lower_name or (folded[i] in r["lowercase_starts"] and i + 1 < n and caps[i + 1])):
                i += 1
                continue
            hit = None
            for length in range(min(self.max_words, n - i), 0, -1):
                if sentence[i + length - 1] != sentence[i]:
                    continue
                got = self._lookup(" ".join(folded[i:i + length]), single=length == 1)
                if got is not None:
                    hit = (got, length)
                    break
            if hit is None and cut is not None and cut - 1 <= i <= cut:
                got = self._truncated(" ".join(folded[i:cut + 1]))
                if got is not None:
                    hit = ((got, "truncated"), cut + 1 - i)
            if hit is None:
                i += 1
                continue
            (target, rule), length = hit
            if self._keep(i, length, folded, caps, sentence, starts, target, rule, tight):
                out.append(Found(target, " ".join(words[i:i + length]), rule))
            i += length
        return out

    def _truncated(self, start: str) -> Target | None:
        """The one known name that the feed's cut summary word(s) ``start`` begin, if exactly one."""
        if len(start.replace(" ", "")) < self.rules["truncated_min"]:
            return None
        k = bisect.bisect_left(self.sorted_keys, start)
        hits = set()
        while k < len(self.sorted_keys) and self.sorted_keys[k].startswith(start) and len(hits) < 2:
            hits.add(self.targets[self.sorted_keys[k]])
            k += 1
        return hits.pop() if len(hits) == 1 else None

    def _keep(self, i, length, folded, caps, sentence, starts, target, rule, tight) -> bool:
        r = self.rules
        same = [j for j in range(max(0, i - r["arrest_window"]), i) if sentence[j] == sentence[i]]
        prev = folded[i - 1] if i > 0 and sentence[i - 1] == sentence[i] else None
        prev2 = folded[i - 2] if i > 1 and sentence[i - 2] == sentence[i] else None
        if prev in r["organisation"]:
            return False
        if prev in r["direction"] and not (prev == "till" and (prev2 in r["dispatch"] or prev2 in r["place_till"])):
            return False
        # "körs till Barnakuten Östra sjukhuset": a direction word, one capitalised word that is no
        # name, then the name
        prev3 = folded[i - 3] if i > 2 and sentence[i - 3] == sentence[i] else None
        if prev2 in r["direction"] and prev is not None and caps[i - 1] and tight[i] and prev not in self.targets \
                and not (prev2 == "till" and (prev3 in r["dispatch"] or prev3 in r["place_till"])):
            return False
        arrests = [j for j in same if folded[j] in r["arrest"]]
        if arrests and not any(folded[k] in r["arrest_reason"] for k in range(arrests[-1] + 1, i)):
            return False
        if length == 1 and starts[i] and folded[i] in r["common"]:
            return False
        return bool(target.path) or target.outside

    # -- resolution -----------------------------------------------------------------------------
    def find(self, text: str) -> Result | None:
        """Where ``text`` places the event, or None (no name, or names that contradict)."""
        found = [f for f in self.names_in(text) if f.target.path]
        home = [f for f in found if not f.target.outside]
        away = [f for f in found if f.target.outside]
        if home:
            if away and found[0].target.outside:
                return None  # the text names another municipality's place first: no guess
            paths = []
            for f in home:
                p = f.target.path
                if f.rule in ("compound-road", "compound-street") and self.levels.get(p) in self.street_up_levels:
                    p = _parent_path(p)
                paths.append(p)
            names = tuple(dict.fromkeys(f.text for f in home))
            deepest = max(paths, key=lambda p: p.count("/"))
            if all(deepest.startswith(p) for p in paths):
                path, rule = deepest, "compound" if all(f.rule.startswith("compound") for f in home) else "name"
            else:
                path, rule = _common_path(paths), "common-ancestor"
            if path == self.municipality.path or not path.startswith(self.municipality.path):
                return None
            return Result(path, names, rule)
        if away:
            paths = {f.target.path for f in away}
            if len(paths) == 1:
                return Result(paths.pop(), tuple(dict.fromkeys(f.text for f in away)), "outside", outside=True)
        return None
