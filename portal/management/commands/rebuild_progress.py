"""Build every case's progress snapshot (``portal.snapshot``): after a deploy that changed what
parties see, or to warm the progress query. Idempotent; the application rebuilds any missing one itself."""

from typing import Any

from django.core.management.base import BaseCommand

from portal.snapshot import rebuild_all


class Command(BaseCommand):
    help = "Build every case's public progress snapshot (what the progress query shows)."

    def handle(self, *args: Any, **options: Any) -> None:
        built = rebuild_all()
        self.stdout.write(f"{built} progress snapshot(s) built")
