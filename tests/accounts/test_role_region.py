"""An account's region must be of its role's level (issue 17.6): model, database, scope, command and admin.

The attack: an account with a role and no region had `scope_prefix == ''` and saw the whole country, and
`full_clean()` accepted it. The expected table is written out by hand, not derived from ROLE_LEVELS.
"""

import pytest
from conftest import ALL_ROLES, in_english
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from mutakhir.accounts.models import Role, User
from mutakhir.accounts.scope import in_scope

english = pytest.fixture(autouse=True)(in_english)

LEVELS = {"nation": None, "province": "19", "district": "1901", "sub-district": "190101", "village": "1901011001"}
ALLOWED = {
    Role.REGISTRAR: {"village"},
    Role.PSM: {"village"},
    Role.TKSK: {"sub-district"},
    Role.DISTRICT_OPERATOR: {"district"},
    Role.DISTRICT_HEAD: {"district"},
    Role.NATIONAL: {"nation", "province", "district"},
    Role.PROGRAM_MANAGER: {"nation", "province", "district"},
    Role.AUDITOR: set(LEVELS),
}
MATRIX = [(role, level) for role in ALL_ROLES for level in LEVELS]


def account(role, level, **extra) -> User:
    return User(username=f"{role}-{level}", password="!", role=role, region_id=LEVELS[level], **extra)


def test_the_table_covers_every_role():
    assert set(ALLOWED) == set(ALL_ROLES)


@pytest.mark.parametrize(("role", "level"), MATRIX)
def test_the_model_refuses_a_region_of_another_level(role, level, regions):
    user = account(role, level)
    if level in ALLOWED[role]:
        user.full_clean()
        return
    with pytest.raises(ValidationError) as caught:
        user.full_clean()
    message = caught.value.message_dict["region"][0]
    assert ("needs a region" if level == "nation" else "is not of that level") in message


@pytest.mark.parametrize(("role", "level"), MATRIX)
def test_the_database_refuses_it_too(role, level, regions):
    """Code that skips full_clean() (a raw create, a queryset update) still cannot store the account."""
    if level in ALLOWED[role]:
        account(role, level).save()
        return
    with pytest.raises(IntegrityError), transaction.atomic():
        account(role, level).save()
    user = User.objects.create(username="later", role="", region_id=LEVELS[level])
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=user.pk).update(role=role)


@pytest.mark.parametrize(("role", "level"), MATRIX)
def test_the_scope_fails_closed(role, level):
    """An account whose region does not fit its role sees nothing, never the whole country."""
    expected = (LEVELS[level] or "") if level in ALLOWED[role] else None
    assert account(role, level).scope_prefix == expected


def test_an_inactive_account_may_keep_a_wrong_region_but_sees_nothing(regions):
    """The migration flags bad accounts by deactivating them; they cannot come back without a fitting region."""
    user = User.objects.create(username="flagged", role=Role.DISTRICT_OPERATOR, region_id=None, is_active=False)
    assert user.scope_prefix is None
    user.is_active = True
    with pytest.raises(IntegrityError), transaction.atomic():
        user.save()


def test_unknown_roles_are_refused(regions):
    with pytest.raises(ValidationError):
        User(username="x", password="!", role="god", region_id=None).full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="x", role="god", region_id=None)
    assert User(username="x", role="god").scope_prefix is None


def test_in_scope_reads_no_scope_as_nothing():
    district = account(Role.DISTRICT_OPERATOR, "district")
    assert in_scope(district, "1901011001") and not in_scope(district, "1902012003")
    assert not in_scope(account(Role.DISTRICT_OPERATOR, "nation"), "1901011001")
    assert in_scope(account(Role.NATIONAL, "nation"), "1902012003")


def run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("accounts", *args, stdout=out)
    return out.getvalue()


def test_the_command_creates_updates_and_deactivates_accounts(regions):
    assert run("create", "kasi", "--role", "registrar", "--region", "19.01.01.1001", "--first-name", "Sari")
    user = User.objects.get(username="kasi")
    assert (user.role, user.region_id, user.first_name, user.is_active) == ("registrar", "1901011001", "Sari", True)
    assert not user.has_usable_password()
    run("update", "kasi", "--role", "tksk", "--region", "190101")
    user.refresh_from_db()
    assert (user.role, user.region_id) == ("tksk", "190101")
    run("deactivate", "kasi")
    user.refresh_from_db()
    assert not user.is_active and user.scope_prefix is None
    run("update", "kasi", "--activate")
    user.refresh_from_db()
    assert user.is_active
    run("create", "pokja", "--role", "national")
    run("update", "pokja", "--region", "19")
    run("update", "pokja", "--nation")
    assert User.objects.get(username="pokja").region_id is None


@pytest.mark.parametrize(("args", "message"), [
    (["create", "op", "--role", "district_operator"], "needs a region"),
    (["create", "op", "--role", "district_operator", "--region", "19.01.01"], "is not of that level"),
    (["create", "op", "--role", "registrar", "--region", "19.01.x"], "is not a region code"),
    (["create", "op", "--role", "registrar", "--region", "19.99.99.9999"], "There is no region 19.99.99.9999"),
    (["update", "nobody", "--role", "psm"], "No account"),
])
def test_the_command_refuses_a_region_that_does_not_fit(args, message, regions):
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert not User.objects.filter(username="op").exists()


def test_the_command_refuses_to_move_an_account_to_another_level(regions, make_user):
    user = make_user(Role.TKSK, "190101", username="tksk")
    with pytest.raises(CommandError, match="is not of that level"):
        run("update", "tksk", "--role", "district_operator")
    with pytest.raises(CommandError, match="needs a region"):
        run("update", "tksk", "--nation")
    user.refresh_from_db()
    assert (user.role, user.region_id) == ("tksk", "190101")


def test_the_command_lists_the_accounts_to_fix(regions, make_user):
    make_user(Role.PSM, "1901011001", username="fine")
    User.objects.create(username="flagged", role=Role.DISTRICT_OPERATOR, region_id="190101", is_active=False)
    assert "fine\tpsm\t1901011001" in run("list")
    assert run("list", "--invalid").split("\t")[0] == "flagged"


ADD = {"username": "kasi", "password1": "sandi-panjang-sekali-9", "password2": "sandi-panjang-sekali-9",
       "usable_password": "true", "role": "registrar"}


@pytest.fixture
def admin_client(client, make_user, settings):
    client.force_login(make_user("", None, username="root", is_superuser=True, is_staff=True))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_admin_refuses_an_account_without_its_region(admin_client):
    response = admin_client.post("/admin/accounts/user/add/", {**ADD, "region": ""})
    assert response.status_code == 200 and "needs a region" in response.content.decode()
    response = admin_client.post("/admin/accounts/user/add/", {**ADD, "region": "1901"})
    assert response.status_code == 200 and "is not of that level" in response.content.decode()
    assert not User.objects.filter(username="kasi").exists()
    response = admin_client.post("/admin/accounts/user/add/", {**ADD, "region": "1901011001"})
    assert response.status_code == 302
    assert User.objects.get(username="kasi").region_id == "1901011001"


def test_the_admin_change_form_checks_the_level_too(admin_client, make_user):
    user = make_user(Role.DISTRICT_OPERATOR, "1901", username="op")
    page = admin_client.get(f"/admin/accounts/user/{user.pk}/change/")
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(role="district_operator", region="", date_joined_0="2026-01-01", date_joined_1="08:00:00",
                is_active="on")
    data.pop("date_joined", None)
    data.pop("last_login", None)
    response = admin_client.post(f"/admin/accounts/user/{user.pk}/change/", data)
    assert response.status_code == 200 and "needs a region" in response.content.decode()
    user.refresh_from_db()
    assert user.region_id == "1901"


@pytest.mark.django_db(transaction=True)
def test_the_migration_deactivates_bad_accounts_before_adding_the_check(regions):
    """Existing accounts that break the rule are flagged (deactivated, role and region kept), not lost."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = [("accounts", "0001_initial")], [("accounts", "0002_user_role_region_level")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("accounts", "User")
    old.objects.create(username="no-region", role="district_operator", region_id=None)
    old.objects.create(username="wrong-level", role="registrar", region_id="1901")
    old.objects.create(username="fine", role="tksk", region_id="190101")
    old.objects.create(username="pokja", role="national", region_id=None)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    users = {u.username: u for u in User.objects.all()}
    assert not users["no-region"].is_active and not users["wrong-level"].is_active
    assert (users["wrong-level"].role, users["wrong-level"].region_id) == ("registrar", "1901")
    assert users["fine"].is_active and users["pokja"].is_active
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(username="no-region").update(is_active=True)


def test_the_refusal_speaks_indonesian_first(regions):
    from django.utils import translation

    with translation.override("id"), pytest.raises(ValidationError) as caught:
        account(Role.DISTRICT_OPERATOR, "nation").full_clean()
    assert "memerlukan wilayah (Kabupaten/kota)" in caught.value.message_dict["region"][0]
