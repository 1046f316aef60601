"""Bad list options and non-finite rule numbers are messages, never a 500 or a failed job (issue 17.10)."""

import pytest
from django.urls import reverse

from mutakhir.accounts.models import Role
from mutakhir.core.models import JobRun
from mutakhir.targeting import services
from mutakhir.targeting.rules import RuleError, parse

pytestmark = pytest.mark.django_db

RULE = "desil <= 4"


@pytest.fixture
def manager(client, make_user, settings):
    client.force_login(make_user(Role.PROGRAM_MANAGER))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.mark.parametrize(("options", "message"), [
    ({"grace": "nan"}, "Grace band (percentile points): Enter a number."),  # was an IntegrityError (500)
    ({"grace": "inf"}, "Grace band (percentile points): Enter a number."),
    ({"grace": "9" * 5000}, "Grace band (percentile points): Enter a number."),
    ({"grace": "101"}, "less than or equal to 100"),
    ({"near": "9" * 5000}, "Enter a whole number."),  # was ValueError's English text
    ({"near": "-1"}, "greater than or equal to 0"),
    ({"run": "abc"}, "Ranking run: Enter a whole number."),  # was a 500 (a text id)
    ({"run": "9" * 30}, "Ranking run: Ensure this value is less than or equal to"),  # overflowed the database
    ({"previous": "x"}, "Previous list: Enter a whole number."),
    ({"quotas": "1901," + "9" * 5000}, "write one region_code,quota per line"),
    ({"quotas": "1901,99999999999999"}, "The quota of 1901 is larger than 1,000,000,000"),
])
def test_bad_list_options_are_a_message_and_start_no_job(manager, ranked, options, message):
    program = services.do_create_program("Uji", RULE, "household")
    response = manager.post(reverse("targeting:build_list", args=[program.pk]), {"run": ranked.pk, **options},
                            follow=True)
    assert response.status_code == 200 and message in response.content.decode()
    assert not JobRun.objects.exists()


@pytest.mark.parametrize("rule", ["desil <= 1e999", "desil <= -1e999", "score < " + "9" * 400,
                                  "count(member.age < 6) >= 1e400", "percentile between 0 and 1e309"])
def test_a_number_too_large_for_a_float_is_a_rule_error(rule):
    """`desil <= 1e999` passed the check as `desil <= inf`, then failed the list job."""
    with pytest.raises(RuleError, match="is too large"):
        parse(rule)


def test_the_editor_reports_it_instead_of_calling_the_rule_valid(manager, ranked):
    html = manager.post(reverse("targeting:check_rule"), {"rule": "desil <= 1e999", "unit": "household"})
    assert "the number at column 10 is too large" in html.content.decode() and "&lt;= inf" not in html.content.decode()
    with pytest.raises(services.TargetingError, match="too large"):
        services.do_create_program("Uji", "desil <= 1e999", "household")
