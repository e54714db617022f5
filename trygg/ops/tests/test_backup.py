"""Backup → change → restore gives identical tables and files (SQLite, and PostgreSQL when the
suite runs on it)."""

import tarfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from trygg.areas.models import Area
from trygg.incidents.models import Incident
from trygg.testing.personas import build_world


def _tables():
    """Every row of every table, in a stable order."""
    out = {}
    with connection.cursor() as cur:
        for table in sorted(connection.introspection.table_names()):
            if table.startswith("sqlite_"):
                continue
            cur.execute(f'SELECT * FROM "{table}"')
            out[table] = sorted(repr(row) for row in cur.fetchall())
    return out


def _files(root: Path):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "agreements").mkdir(parents=True)
    (settings.MEDIA_ROOT / "agreements" / "overenskommelse.pdf").write_bytes(b"%PDF-1.4 signed agreement")
    (settings.MEDIA_ROOT / "notes.txt").write_text("anteckning", encoding="utf-8")
    return settings.MEDIA_ROOT


@pytest.mark.django_db(transaction=True)
def test_backup_change_restore_round_trip(tmp_path, media):
    build_world()
    before_tables, before_files = _tables(), _files(media)
    archive = tmp_path / "b.tar.gz"
    call_command("backup", output=str(archive))
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert "manifest.json" in names and "media/agreements/overenskommelse.pdf" in names

    # change everything: rows deleted, added, updated; files changed, added, removed
    Area.objects.filter(code="612").update(name="Ändrat namn")
    Incident.objects.all().delete()
    Area.objects.filter(code="116").delete()
    (media / "notes.txt").write_text("ändrad", encoding="utf-8")
    (media / "extra.png").write_bytes(b"\x89PNG")
    (media / "agreements" / "overenskommelse.pdf").unlink()
    assert _tables() != before_tables and _files(media) != before_files

    call_command("restore", str(archive), yes=True)
    assert _tables() == before_tables
    assert _files(media) == before_files


@pytest.mark.django_db(transaction=True)
def test_a_damaged_archive_changes_nothing(tmp_path, media):
    build_world()
    archive = tmp_path / "b.tar.gz"
    call_command("backup", output=str(archive))
    # rebuild the archive with one media file altered: its checksum no longer matches
    work = tmp_path / "x"
    with tarfile.open(archive) as tar:
        tar.extractall(work, filter="data")
    (work / "media" / "notes.txt").write_text("manipulerad", encoding="utf-8")
    bad = tmp_path / "bad.tar.gz"
    with tarfile.open(bad, "w:gz") as tar:
        for p in sorted(work.rglob("*")):
            tar.add(p, arcname=p.relative_to(work).as_posix(), recursive=False)
    Area.objects.filter(code="612").update(name="Efter backup")
    before_tables, before_files = _tables(), _files(media)
    with pytest.raises(CommandError, match="checksum"):
        call_command("restore", str(bad), yes=True)
    assert _tables() == before_tables and _files(media) == before_files
    with pytest.raises(CommandError, match="not a readable backup"):
        (tmp_path / "junk.tar.gz").write_bytes(b"junk")
        call_command("restore", str(tmp_path / "junk.tar.gz"), yes=True)
