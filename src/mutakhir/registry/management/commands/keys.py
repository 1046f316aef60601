"""`mutakhir keys create|show|trust|revoke|list`: the district signing keys of packages.

create --district 1901 [--replace]     on the district's server: make its private key, print the public key
show --district 1901                   print the district's public key and fingerprint
trust --district 1901 --public-key K   on the national server: trust the district's public key
revoke --fingerprint F                 on the national server: refuse packages signed by that key from now on
list                                   the trusted keys
"""

from django.core.management.base import BaseCommand, CommandError

from mutakhir.core import signing
from mutakhir.registry.models import DistrictKey
from mutakhir.registry.packages import PackageError
from mutakhir.registry.packages.keys import revoke_key, trust_key


class Command(BaseCommand):
    help = "Create, show, trust, revoke and list the districts' package signing keys (Ed25519)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create")
        create.add_argument("--district", required=True)
        create.add_argument("--replace", action="store_true")
        sub.add_parser("show").add_argument("--district", required=True)
        trust = sub.add_parser("trust")
        trust.add_argument("--district", required=True)
        trust.add_argument("--public-key", required=True)
        sub.add_parser("revoke").add_argument("--fingerprint", required=True)
        sub.add_parser("list")

    def handle(self, *args, action, **opts):
        try:
            if action == "create":
                public = signing.create_key(opts["district"], replace=opts["replace"])
                self.stdout.write(f"{public}\nfingerprint {signing.fingerprint(public)}")
            elif action == "show":
                public = signing.public_key(opts["district"])
                self.stdout.write(f"{public}\nfingerprint {signing.fingerprint(public)}")
            elif action == "trust":
                key = trust_key(opts["district"], opts["public_key"])
                self.stdout.write(f"trusted {key.district} {key.fingerprint}")
            elif action == "revoke":
                if not revoke_key(opts["fingerprint"]):
                    raise CommandError(f"No trusted key {opts['fingerprint']}.")
                self.stdout.write(f"revoked {opts['fingerprint']}")
            else:
                for key in DistrictKey.objects.all():
                    state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "trusted"
                    self.stdout.write(f"{key.district} {key.fingerprint} {state}")
        except (signing.SigningError, PackageError) as exc:
            raise CommandError(str(exc)) from exc
