"""Backup and restore: the database and the uploaded files in one archive with a manifest.

Archive (``.tar.gz``)::

    manifest.json       format, time, Trygg version, database engine, SHA-256 and size of every member
    database.sqlite3    SQLite: a consistent copy made with SQLite's online backup API (the site can run)
    database.pgdump     PostgreSQL: ``pg_dump --format=custom`` (restored with ``pg_restore --clean``)
    media/…             every uploaded file (agreements, attachments) under MEDIA_ROOT

Restore checks every checksum *before* it changes anything, then replaces the database and the
media folder. See docs/operations.md for the restore drill.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"


class BackupError(RuntimeError):
    """A backup or restore that cannot go on; the message says why and what to do."""


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def engine(alias: str = "default") -> str:
    e = connections[alias].settings_dict["ENGINE"]
    if e.endswith("sqlite3"):
        return "sqlite"
    if "postgresql" in e:
        return "postgresql"
    raise BackupError(f"backups support SQLite and PostgreSQL, not {e}")


def _pg_env_args(alias: str) -> tuple[dict, list[str]]:
    s = connections[alias].settings_dict
    env = dict(os.environ)
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = str(s["PASSWORD"])
    args = []
    if s.get("HOST"):
        args += ["--host", str(s["HOST"])]
    if s.get("PORT"):
        args += ["--port", str(s["PORT"])]
    if s.get("USER"):
        args += ["--username", str(s["USER"])]
    return env, args


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise BackupError(f"{name} is not installed; on Debian/Ubuntu: apt-get install postgresql-client "
                          "(its major version must be at least the server's)")
    return path


def _dump_database(dest_dir: Path, alias: str) -> Path:
    kind = engine(alias)
    conn = connections[alias]
    if kind == "sqlite":
        out = dest_dir / "database.sqlite3"
        conn.ensure_connection()
        target = sqlite3.connect(out)
        try:
            conn.connection.backup(target)  # consistent even while others write (online backup API)
        finally:
            target.close()
        return out
    out = dest_dir / "database.pgdump"
    env, args = _pg_env_args(alias)
    name = conn.settings_dict["NAME"]
    r = subprocess.run([_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(out), *args, name],
                       env=env, capture_output=True, text=True)
    if r.returncode != 0:
        raise BackupError(f"pg_dump failed: {r.stderr.strip()}")
    return out


def _media_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file())


def default_backup_path() -> Path:
    folder = Path(getattr(settings, "TRYGG_BACKUP_DIR", settings.VAR_DIR / "backups"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"trygg-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz"


def backup(out: Path | None = None, alias: str = "default") -> tuple[Path, dict]:
    """Write the archive; returns (path, manifest)."""
    from trygg import __version__

    out = Path(out) if out else default_backup_path()
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="trygg-backup-") as tmp:
        tmp = Path(tmp)
        db_file = _dump_database(tmp, alias)
        members = [{"path": db_file.name, "sha256": _sha256(db_file), "size": db_file.stat().st_size}]
        media = _media_files(media_root)
        for f in media:
            members.append({"path": f"media/{f.relative_to(media_root).as_posix()}", "sha256": _sha256(f),
                            "size": f.stat().st_size})
        manifest = {"format": FORMAT, "created": datetime.now().astimezone().isoformat(timespec="seconds"),
                    "trygg_version": __version__, "engine": engine(alias), "database": db_file.name,
                    "members": members}
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        partial = out.with_name(out.name + ".partial")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(tmp / MANIFEST, arcname=MANIFEST)
            tar.add(db_file, arcname=db_file.name)
            for f in media:
                tar.add(f, arcname=f"media/{f.relative_to(media_root).as_posix()}")
        os.replace(partial, out)  # never a half-written archive under the final name
    return out, manifest


def _safe_members(tar: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = []
    for m in tar.getmembers():
        p = Path(m.name)
        if p.is_absolute() or ".." in p.parts or not (m.isfile() or m.isdir()):
            raise BackupError(f"the archive holds an unsafe entry: {m.name!r}")
        members.append(m)
    return members


def verify(archive: Path, workdir: Path) -> dict:
    """Extract ``archive`` into ``workdir`` and check it against its manifest; returns the manifest."""
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"{archive}: file not found")
    try:
        with tarfile.open(archive, "r:*") as tar:
            tar.extractall(workdir, members=_safe_members(tar), filter="data")
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(f"{archive.name}: not a readable backup archive ({exc})")
    try:
        manifest = json.loads((workdir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise BackupError(f"{archive.name}: no readable {MANIFEST}")
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{archive.name}: backup format {manifest.get('format')!r}, this Trygg reads {FORMAT}")
    listed = {m["path"] for m in manifest["members"]}
    for m in manifest["members"]:
        f = workdir / m["path"]
        if not f.is_file():
            raise BackupError(f"{archive.name}: {m['path']} is listed in the manifest but missing")
        if f.stat().st_size != m["size"] or _sha256(f) != m["sha256"]:
            raise BackupError(f"{archive.name}: {m['path']} does not match its checksum (damaged archive)")
    extra = [p for p in _media_files(workdir / "media") if f"media/{p.relative_to(workdir / 'media').as_posix()}"
             not in listed]
    if extra:
        raise BackupError(f"{archive.name}: {extra[0].name} is not in the manifest")
    return manifest


def _restore_database(db_file: Path, kind: str, alias: str) -> None:
    conn = connections[alias]
    if kind == "sqlite":
        conn.ensure_connection()
        source = sqlite3.connect(db_file)
        try:
            source.backup(conn.connection)  # page by page into the live database, as one write
        finally:
            source.close()
        return
    env, args = _pg_env_args(alias)
    name = conn.settings_dict["NAME"]
    conn.close()
    r = subprocess.run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
                        "--exit-on-error", "--dbname", name, *args, str(db_file)],
                       env=env, capture_output=True, text=True)
    if r.returncode != 0:
        raise BackupError(f"pg_restore failed: {r.stderr.strip()}")


def restore(archive: Path, alias: str = "default") -> dict:
    """Replace the database and the media folder with the archive's; returns the manifest."""
    media_root = Path(settings.MEDIA_ROOT)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="trygg-restore-", dir=media_root.parent) as tmp:
        tmp = Path(tmp)
        manifest = verify(archive, tmp)
        kind = engine(alias)
        if manifest["engine"] != kind:
            raise BackupError(f"the backup is of a {manifest['engine']} database, this installation uses {kind}; "
                              "restore into the same kind of database (or move with dumpdata/loaddata)")
        _restore_database(tmp / manifest["database"], kind, alias)
        new_media = tmp / "media"
        new_media.mkdir(exist_ok=True)
        old = media_root.with_name(media_root.name + ".before-restore")
        if old.exists():
            shutil.rmtree(old)
        if media_root.exists():
            os.replace(media_root, old)
        os.replace(new_media, media_root)
        shutil.rmtree(old, ignore_errors=True)
    return manifest
