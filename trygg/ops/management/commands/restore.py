"""``trygg restore FILE --yes``: replace the database and the uploaded files with a backup's."""

from django.core.management.base import BaseCommand, CommandError

from trygg.numbers.figure_cache import forget_all
from trygg.ops.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup made by `trygg backup` (checks every checksum first). Stop the server before."

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--yes", action="store_true", help="do not ask; the current data is replaced")

    def handle(self, *args, archive, yes=False, **opts):
        if not yes:
            answer = input("This replaces the whole database and all uploaded files. Type 'yes' to go on: ")
            if answer.strip().lower() != "yes":
                raise CommandError("not restored")
        try:
            manifest = restore(archive)
        except BackupError as exc:
            raise CommandError(str(exc))
        forget_all()  # the restored data versions mean the backup's data, not what was cached since
        self.stdout.write(f"Restored {archive}: backup of {manifest['created']}, {manifest['engine']} database "
                          f"and {len(manifest['members']) - 1} uploaded file(s). Run `trygg migrate` if this "
                          "Trygg is newer than the backup.")
