"""``trygg backup [-o FILE]``: database + uploaded files in one archive with a manifest."""

from django.core.management.base import BaseCommand, CommandError

from trygg.ops.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database (SQLite online backup or pg_dump) and the uploaded files into one archive."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", help="archive path (default: var/backups/trygg-YYYYMMDD-HHMMSS.tar.gz)")

    def handle(self, *args, output=None, **opts):
        try:
            path, manifest = backup(output)
        except BackupError as exc:
            raise CommandError(str(exc))
        media = len(manifest["members"]) - 1
        self.stdout.write(f"{path}: {manifest['engine']} database and {media} uploaded file(s), "
                          f"{path.stat().st_size / 1e6:.1f} MB")
