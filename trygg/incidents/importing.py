"""What every import shares: the error type, the personal-data policy, the run record and the
progress bar.

An import runs inside one transaction: on any :class:`ImportFileError` nothing is stored, not even
the :class:`~trygg.incidents.models.ImportRun`.
"""

import sys
from contextlib import contextmanager

from django.conf import settings
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _
from tqdm import tqdm

from trygg.privacy import find_personal_data, redact
from trygg.privacy.guard import TextTooLong, max_text_length

from . import daily, dataversion
from .models import ImportRun

REDACT, REJECT = "redact", "reject"
# Default policy per source when TRYGG_IMPORT_PERSONAL_DATA is not set: the police feed is
# published text (redact), reports from staff are refused (reject) as the form does.
DEFAULT_POLICY = {"police": REDACT, "est": REJECT}
BATCH_SIZE = 2000
# Sent once an import's transaction has committed (``run``: its ImportRun): the picture app
# queues the figures most people open first (``trygg.picture.warming``).
imported = Signal()


class ImportFileError(ValueError):
    """A malformed input: the message names the file, the record or line, and the field."""


def personal_data_policy(source: str, override: str | None = None) -> str:
    """``redact`` or ``reject`` for ``source``: the override, else settings/env
    ``TRYGG_IMPORT_PERSONAL_DATA`` (a string for all sources or a dict per source), else the default."""
    value = override or settings.TRYGG_IMPORT_PERSONAL_DATA
    if isinstance(value, dict):
        value = value.get(source)
    value = value or DEFAULT_POLICY.get(source, REJECT)
    if value not in (REDACT, REJECT):
        raise ImportFileError(f"TRYGG_IMPORT_PERSONAL_DATA must be 'redact' or 'reject', not {value!r}")
    return value


class Screen:
    """The personal-data screen of one import: ``screen(fields, where)`` checks free-text
    ``fields`` and returns (fields, offending field names, number of findings). With ``redact``
    the fields come back redacted; with ``reject`` unchanged (the caller drops the record). A field
    that is not text, or longer than the guard's cap, is an :class:`ImportFileError` naming
    ``where`` and the field.

    The cap is read once, and the number of findings is remembered per text (at most ``MEMO``
    texts, so a streamed import keeps no file in memory): feeds repeat the same texts (the
    police's national feed: 255,033 texts, 142,169 different; of the 1,949 with enough digits
    for a phone number, 257 different)."""

    MEMO = 50_000

    def __init__(self, policy: str):
        self.policy = policy
        self.limit = max_text_length()
        self.memo: dict[str, int] = {}

    def count(self, text: str, name: str, where: str) -> int:
        if not isinstance(text, str):
            raise ImportFileError(f"{where or 'record'}, field '{name}': expected text, not {type(text).__name__}")
        n = self.memo.get(text)
        if n is None:
            try:
                n = len(find_personal_data(text, limit=self.limit))
            except TextTooLong as exc:
                raise ImportFileError(f"{where or 'record'}, field '{name}': too long ({exc})")
            if len(self.memo) >= self.MEMO:
                self.memo.clear()
            self.memo[text] = n
        return n

    def __call__(self, fields: dict[str, str], where: str = "") -> tuple[dict[str, str], list[str], int]:
        offending, found, out = [], 0, fields
        for name, text in fields.items():
            n = self.count(text, name, where)
            if not n:
                continue
            offending.append(name)
            found += n
            if self.policy == REDACT:
                if out is fields:
                    out = dict(fields)
                out[name], _n = redact(text, limit=self.limit)
        return out, offending, found


def progress(iterable, total=None, desc=""):
    """A tqdm progress bar on stderr, shown only when stderr is a terminal."""
    return tqdm(iterable, total=total, desc=desc, unit=" rec", disable=not sys.stderr.isatty(), leave=False)


@contextmanager
def import_run(source: str, file_name: str = "", user=None):
    """An import in two phases: the body reads, checks and prepares everything *outside* any
    transaction (an :class:`ImportFileError` there leaves the database untouched), then writes
    inside ``with write_phase(run):`` – one short transaction that also stores the run. So on
    SQLite the write lock is held only while rows are inserted, never while a large file is parsed
    and screened, and other users' saves wait at most that long (busy timeout) instead of failing.

    A body that never opens the write phase (nothing new) still records the run."""
    run = ImportRun(source=source, file_name=str(file_name)[:500], user=user)
    run.started_at = timezone.now()
    yield run
    if run.pk is None:
        with write_phase(run):
            pass


@contextmanager
def write_phase(run: ImportRun):
    """The one transaction of an import: saves the run first (rows point at it), marks it done
    at the end; any exception rolls back the rows and the run."""
    started = run.started_at
    with transaction.atomic():
        run.save()
        if started and run.started_at != started:  # auto_now_add stamped the write time
            ImportRun.objects.filter(pk=run.pk).update(started_at=started)
            run.started_at = started
        yield run
        daily.refresh_run(run)  # the pre-aggregated counts of the days the run wrote
        run.status = ImportRun.Status.DONE
        run.finished_at = timezone.now()
        run.save()
        dataversion.bump()  # bulk writes send no signals
        transaction.on_commit(lambda: imported.send(sender=ImportRun, run=run))


def municipality_of_all(areas):
    """The municipality (an Area) that all ``areas`` lie in, for ``ImportRun.municipality``; None
    when they lie in several, in none, or there are none: a national run, shown to everyone."""
    from trygg.areas.models import Area, Level
    from trygg.areas.schemes import municipality_code

    codes = {municipality_code(a) for a in {a for a in areas if a is not None}}
    if len(codes) != 1 or None in codes:
        return None
    return Area.objects.filter(level=Level.MUNICIPALITY, code=codes.pop()).defer("geometry").first()


def summary_line(run: ImportRun) -> str:
    """One line for the terminal and the upload message, in the user's language."""
    parts = [_("%(n)d new") % {"n": run.new}, _("%(n)d unchanged") % {"n": run.unchanged}]
    if run.updated:
        parts.append(_("%(n)d updated records") % {"n": run.updated})
    parts += [_("%(n)d rejected") % {"n": run.rejected}, _("%(n)d redacted") % {"n": run.redacted}]
    if run.source in ("police", "est"):
        parts.append(_("%(n)d placed in a district") % {"n": run.placed_in_district})
    return f"{run.source} {run.file_name}: " + ", ".join(parts)
