"""``trygg place police-events [--dry-run]``: place the stored police events again from their text."""

from django.core.management.base import BaseCommand

from trygg.incidents.placing import replace_police_events


class Command(BaseCommand):
    help = "Place stored police events again with the current gazetteer (atomic) and report what moved."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="report what would move, change nothing")
        parser.add_argument("--examples", type=int, default=20, help="events to list (default 20)")

    def handle(self, *args, dry_run=False, examples=20, **options):
        moves = replace_police_events(dry_run=dry_run, examples=examples)
        w = self.stdout.write
        w(f"{'Dry run: ' if dry_run else ''}{moves.checked} police events checked, {moves.changed} "
          f"{'would change' if dry_run else 'changed'}.")
        w(f"Placed by text: {moves.placed_before} before, {moves.placed_after} after; "
          f"moved to another municipality: {moves.moved_out}.")
        for (old, new), n in sorted(moves.transitions.items(), key=lambda kv: -kv[1])[:30]:
            w(f"  {n:>5}  {old} → {new}")
        for inc, old, new, names in moves.examples[:examples]:
            w(f"  {inc.source_id} {inc.date}: {old.name if old else '–'} → {new.name if new else '–'}"
              f"{f' ({names})' if names else ''}")
