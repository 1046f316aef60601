"""`mutakhir apitoken create USERNAME [--purpose P] [--days N] [--program NAME]`, `revoke PREFIX`, `list [USERNAME]`."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from mutakhir.registration.models import ApiToken, TokenPurpose
from mutakhir.registration.tokens import TokenError, create_token


class Command(BaseCommand):
    help = "Create, list or revoke API tokens (the key is printed once and stored only as a hash)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a token for a user")
        create.add_argument("username")
        create.add_argument("--name", default="", help="what the token is for")
        create.add_argument("--purpose", default=TokenPurpose.REGISTRATIONS, choices=TokenPurpose.values)
        create.add_argument("--days", type=int, default=90, help="lifetime in days (1-365)")
        create.add_argument("--per-minute", type=int, default=60, help="requests per minute")
        create.add_argument("--program", default="", help="the program's name (purpose lists only)")
        revoke = sub.add_parser("revoke", help="revoke a token by its prefix")
        revoke.add_argument("prefix")
        listing = sub.add_parser("list", help="list tokens (of one user)")
        listing.add_argument("username", nargs="?")

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(options)

    def _create(self, options):
        from mutakhir.targeting.models import Program

        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None or not user.is_active:
            raise CommandError(f"No active user {options['username']!r}.")
        program = None
        if options["program"]:
            program = Program.objects.filter(name=options["program"]).first()
            if program is None:
                raise CommandError(f"No program {options['program']!r}.")
        try:
            token, key = create_token(user, options["name"], purpose=options["purpose"], days=options["days"],
                                      program=program, per_minute=options["per_minute"])
        except TokenError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(key)
        self.stderr.write(f"Token {token.prefix}… ({token.purpose}) for {user.username}, expires "
                          f"{token.expires_at:%Y-%m-%d}: keep the key, it cannot be shown again.")

    def _revoke(self, options):
        count = ApiToken.objects.filter(prefix=options["prefix"], revoked_at__isnull=True).update(
            revoked_at=timezone.now())
        if not count:
            raise CommandError(f"No active token with prefix {options['prefix']!r}.")
        self.stdout.write(f"Revoked {count} token(s).")

    def _list(self, options):
        tokens = ApiToken.objects.select_related("user", "program")
        if options["username"]:
            tokens = tokens.filter(user__username=options["username"])
        for t in tokens:
            state = "revoked" if t.revoked_at else ("expired" if not t.is_active else "active")
            self.stdout.write(f"{t.prefix}\t{t.user.username}\t{t.purpose}\t{t.program or '-'}\t"
                              f"{t.expires_at:%Y-%m-%d}\t{state}\t{t.name}")
