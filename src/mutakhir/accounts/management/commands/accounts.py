"""`mutakhir accounts create|update|deactivate|list`: staff accounts, each with a role and a region of its level."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from mutakhir.accounts import services
from mutakhir.accounts.models import Role, User, role_fits_region

ROLES = [role.value for role in Role]


class Command(BaseCommand):
    help = ("Staff accounts: create, update (role, region, reactivate), deactivate, list. A village role needs a "
            "village, TKSK a sub-district, district roles a district; only national roles and auditors may have "
            "no region.")

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Create an account (no password: set it with changepassword).")
        create.add_argument("username")
        create.add_argument("--role", required=True, choices=ROLES)
        create.add_argument("--region", default=None, help="Region code, e.g. 19.01 (none = the nation).")
        create.add_argument("--first-name", default="")
        create.add_argument("--last-name", default="")
        create.add_argument("--email", default="")
        update = actions.add_parser("update", help="Change an account's role or region, or reactivate it.")
        update.add_argument("username")
        update.add_argument("--role", choices=ROLES, default=services.UNCHANGED)
        where = update.add_mutually_exclusive_group()
        where.add_argument("--region", default=services.UNCHANGED, help="New region code, e.g. 19.01.01.")
        where.add_argument("--nation", dest="region", action="store_const", const=None,
                           help="No region: the whole nation (national roles and auditors only).")
        update.add_argument("--activate", action="store_true", help="Reactivate the account.")
        deactivate = actions.add_parser("deactivate", help="Deactivate an account (it can no longer log in).")
        deactivate.add_argument("username")
        listing = actions.add_parser("list", help="List accounts; --invalid: those whose region does not fit "
                                                          "their role (the migration deactivated them).")
        listing.add_argument("--invalid", action="store_true")

    def handle(self, *args, action, **opts):
        try:
            if action == "list":
                return self.list(opts["invalid"])
            if action == "create":
                user = services.do_create_account(opts["username"], opts["role"], opts["region"],
                                                  first_name=opts["first_name"], last_name=opts["last_name"],
                                                  email=opts["email"])
            elif action == "update":
                user = services.do_update_account(opts["username"], role=opts["role"], region=opts["region"],
                                                  activate=opts["activate"])
            else:
                user = services.do_deactivate_account(opts["username"])
        except services.AccountError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.describe(user))

    def list(self, invalid: bool) -> None:
        for user in User.objects.order_by("username"):
            if not invalid or (user.role and not role_fits_region(user.role, user.region_id)):
                self.stdout.write(self.describe(user))

    @staticmethod
    def describe(user: User) -> str:
        state = _("active") if user.is_active else _("inactive")
        return f"{user.username}\t{user.role or '-'}\t{user.region_id or _('nation')}\t{state}"
