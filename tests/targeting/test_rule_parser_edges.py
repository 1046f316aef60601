"""The rule parser at its edges: what text may be compared with, what may start an operand, the length and
depth limits, signs and sizes of numbers, operator spellings, and the column each error names."""

import pytest

from mutakhir.targeting.rules import RuleError, parse
from mutakhir.targeting.rules.ast import Attr, Between, BoolOp, Compare, In, Not, Quant
from mutakhir.targeting.rules.parser import MAX_DEPTH, MAX_LENGTH, tokenize

REGION = Attr("region_code")
DESIL = Attr("desil")


def error(text: str) -> RuleError:
    with pytest.raises(RuleError) as err:
        parse(text)
    return err.value


@pytest.mark.parametrize("op", ["<", "<=", ">", ">="])
def test_text_is_never_ordered(op):
    err = error(f'region_code {op} "19"')
    assert err.message == "type error at column 13: text can only be compared with = or !=" and err.column == 13


@pytest.mark.parametrize(("op", "canonical"), [("=", "="), ("==", "="), ("!=", "!="), ("<>", "!=")])
def test_text_is_compared_with_equality_in_any_spelling(op, canonical):
    assert parse(f'region_code {op} "19"') == Compare(REGION, canonical, "19")


@pytest.mark.parametrize(("op", "canonical"), [("<", "<"), ("<=", "<="), (">", ">"), (">=", ">="), ("==", "="),
                                               ("<>", "!=")])
def test_numbers_take_every_comparison(op, canonical):
    assert parse(f"desil {op} 4") == Compare(DESIL, canonical, 4.0)


@pytest.mark.parametrize("text", ["= desil < 4", ") desil < 4", ", desil < 4", "- desil < 4", "<= 4"])
def test_an_operand_cannot_start_with_a_stray_operator(text):
    err = error(text)
    assert err.message.startswith("expected an attribute, not, any(, all(, count( or ( at column 1, found '")
    assert err.column == 1


def test_an_operand_may_start_with_a_parenthesis_that_must_close():
    assert parse("(desil < 4)") == Compare(DESIL, "<", 4.0)
    err = error("(desil < 4")
    assert err.message == "expected ) at column 11, found end of rule" and err.column == 11


def test_a_rule_may_be_as_long_as_the_limit_and_no_longer():
    rule = "desil < 4"
    assert parse(rule + " " * (MAX_LENGTH - len(rule))) == Compare(DESIL, "<", 4.0)
    err = error(rule + " " * (MAX_LENGTH + 1 - len(rule)))
    assert err.message == "The rule is longer than 4000 characters." and err.column == 1


@pytest.mark.parametrize(("prefix", "suffix"), [("(", ")"), ("not ", "")])
def test_nesting_is_limited(prefix, suffix):
    def nested(n):
        return prefix * n + "desil < 4" + suffix * n

    assert isinstance(parse(nested(MAX_DEPTH - 1)), Compare | Not)
    assert error(nested(MAX_DEPTH)).message == "the rule is nested too deeply"
    assert MAX_DEPTH == 40


def test_numbers_may_be_negative_but_not_infinite():
    assert parse("score > -1.5") == Compare(Attr("score"), ">", -1.5)
    assert parse("desil between -2 and 3e1") == Between(DESIL, -2.0, 30.0, False)
    assert error("desil > 1e999").message == "the number at column 9 is too large"
    err = error("desil > -x")
    assert err.message == "expected a number at column 10" and err.column == 10


def test_not_is_followed_by_in_or_between():
    assert parse("desil not in (1, 2)") == In(DESIL, (1.0, 2.0), True)
    assert parse("desil in (1)") == In(DESIL, (1.0,), False)
    assert parse("desil not between 1 and 2") == Between(DESIL, 1.0, 2.0, True)
    assert parse("not not desil = 1") == Not(Not(Compare(DESIL, "=", 1.0)))
    err = error("desil not < 4")
    assert err.message == "expected in or between at column 11, found '<'" and err.column == 11


def test_between_and_startswith_check_the_attribute_type():
    assert error('region_code between 1 and 2').message == (
        "type error at column 13: between needs a number attribute")
    assert error('desil startswith "1"').message == "type error at column 7: startswith needs a text attribute"
    assert parse('region_code startswith "19"') == Compare(REGION, "startswith", "19")
    assert parse('region_code in ("19", "31")') == In(REGION, ("19", "31"), False)


def test_count_needs_a_comparison_and_a_number():
    assert parse("count(member.age < 5) >= 2") == Quant("count", Compare(Attr("age", True), "<", 5.0), ">=", 2.0)
    err = error("count(member.age < 5) 2")
    assert err.message == "expected a comparison (=, !=, <, <=, >, >=) at column 23" and err.column == 23
    assert parse("all(member.age < 5)") == Quant("all", Compare(Attr("age", True), "<", 5.0))


def test_keywords_are_read_in_any_case_and_strings_unescaped():
    assert parse("desil < 4 AND desil > 1 Or desil = 9") == BoolOp("or", (
        BoolOp("and", (Compare(DESIL, "<", 4.0), Compare(DESIL, ">", 1.0))), Compare(DESIL, "=", 9.0)))
    assert parse(r'region_code = "a\"b"') == Compare(REGION, "=", 'a"b')
    assert parse(r"region_code = 'it\'s'") == Compare(REGION, "=", "it's")


def test_attributes_are_known_names_only():
    assert error("member.age.x < 3").message == "unexpected character '.' at column 11"  # one dot at most
    assert error("desil.x < 3").message.startswith("unknown attribute 'desil.x'")
    assert error("zzzz < 3").message == "unknown attribute 'zzzz' at column 1"  # nothing close: no hint


def test_tokens_carry_their_columns_and_errors_skip_leading_spaces():
    assert tokenize("  desil<=4 ") == [("name", "desil", 3), ("op", "<=", 8), ("num", "4", 10), ("end", "", 12)]
    err = error("desil <   !")
    assert err.message == "unexpected character '!' at column 11" and err.column == 11
    assert error("   ").message == "the rule is empty"
    err = error("desil < 4 )")
    assert err.message == "unexpected ')' at column 11: expected and, or, or the end" and err.column == 11
