from django.core.management.base import BaseCommand, CommandParser

from enforcement.notify import deliver_due_messages


class Command(BaseCommand):
    help = "Deliver the notifications waiting in the outbox (in-app inbox, email, group-chat robots) once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=100, help="messages to claim in this run")

    def handle(self, *args: object, **options: object) -> None:
        result = deliver_due_messages(limit=int(str(options["limit"])))
        self.stdout.write(str(result))
