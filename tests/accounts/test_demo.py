from mutakhir.accounts.demo import create_demo_users
from mutakhir.accounts.models import Role, User


def test_it_creates_one_login_per_role_scoped_inside_the_district(regions, make_household):
    make_household("1901022004", members=1)
    rows = create_demo_users("1901")
    assert len(rows) == len(Role) and len({username for _, username, _, _ in rows}) == len(Role)
    users = {u.role: u for u in User.objects.filter(username__startswith="demo-")}
    assert users[Role.REGISTRAR].region_id == users[Role.PSM].region_id == "1901022004"
    assert users[Role.TKSK].region_id == "190102"
    assert users[Role.DISTRICT_OPERATOR].region_id == users[Role.DISTRICT_HEAD].region_id == "1901"
    assert users[Role.NATIONAL].region_id is None and users[Role.PROGRAM_MANAGER].region_id is None
    for _, username, password, _ in rows:
        assert User.objects.get(username=username).check_password(password)


def test_it_resets_the_demo_logins_when_run_again(regions):
    create_demo_users("1901")
    rows = create_demo_users("1901", password="another-demo-password")
    assert User.objects.filter(username__startswith="demo-").count() == len(Role)
    assert User.objects.get(username=rows[0][1]).check_password("another-demo-password")


def test_the_header_names_a_person_beside_the_role_not_the_role_twice(regions, client):
    """Issue 16.11: "Pekerja sosial masyarakat (Pekerja sosial masyarakat (PSM))"."""
    from django.utils import translation
    from django_otp.plugins.otp_totp.models import TOTPDevice

    with translation.override("id"):  # `make demo` runs in the interface's language
        create_demo_users("1901")
    TOTPDevice.objects.all().delete()
    for user in User.objects.filter(username__startswith="demo-"):
        with translation.override("id"):
            role_words = set(str(user.get_role_display()).replace("(", " ").replace(")", " ").split())
        assert not set(user.get_full_name().split()) & role_words, user.get_full_name()
        client.force_login(user)
        page = client.get("/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
        assert user.get_full_name() in page
