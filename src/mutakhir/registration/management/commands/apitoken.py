"""`mutakhir apitoken create USERNAME [--name NAME]` and `mutakhir apitoken revoke PREFIX`."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from mutakhir.registration.models import ApiToken
from mutakhir.registration.tokens import create_token


class Command(BaseCommand):
    help = "Create or revoke API tokens (the key is printed once and stored only as a hash)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a token for a user")
        create.add_argument("username")
        create.add_argument("--name", default="", help="what the token is for")
        revoke = sub.add_parser("revoke", help="revoke a token by its prefix")
        revoke.add_argument("prefix")

    def handle(self, *args, action, **options):
        if action == "create":
            user = get_user_model().objects.filter(username=options["username"]).first()
            if user is None or not user.is_active:
                raise CommandError(f"No active user {options['username']!r}.")
            token, key = create_token(user, options["name"])
            self.stdout.write(key)
            self.stderr.write(f"Token {token.prefix}… for {user.username}: keep the key, it cannot be shown again.")
        else:
            count = ApiToken.objects.filter(prefix=options["prefix"], revoked_at__isnull=True).update(
                revoked_at=timezone.now())
            if not count:
                raise CommandError(f"No active token with prefix {options['prefix']!r}.")
            self.stdout.write(f"Revoked {count} token(s).")
