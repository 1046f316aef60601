"""`mutakhir verivali` actions of the selection part: {name: (add_arguments(parser), handle(command, options))}.

`verivali select --period ID [--months 24] [--jump 3] [--quota 30] [--no-signals] [--no-complaints] [--no-splits]`
previews the households each village would re-verify; with `--commit --user NAME` it puts them on the
next prelists. `verivali outcomes --period ID [--pdf FILE] [--xlsx FILE]` prints (and writes) the outcome report.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from mutakhir.registry.models import UpdatePeriod

from .models import SelectionItem
from .outcomes import exports
from .outcomes.figures import COUNTS, LABELS, figures
from .outcomes.services import decree_of
from .selection.rules import SelectionRules
from .selection.services import SelectionError, check_rules, do_commit, plan


def _period(pk) -> UpdatePeriod:
    period = UpdatePeriod.objects.filter(pk=pk).select_related("region").first()
    if period is None:
        raise CommandError(_("No update period #%(pk)s.") % {"pk": pk})
    return period


def add_select_arguments(parser) -> None:
    defaults = SelectionRules()
    parser.add_argument("--period", type=int, required=True, help="Update period ID (one district).")
    parser.add_argument("--months", type=int, default=defaults.months, help="Data older than N months (0 = off).")
    parser.add_argument("--jump", type=int, default=defaults.jump, help="Desil jump between the last two runs.")
    parser.add_argument("--quota", type=int, default=defaults.quota, help="Households per village at most.")
    for rule in ("signals", "complaints", "splits"):
        parser.add_argument(f"--no-{rule}", action="store_true", help=f"Switch the {rule} rule off.")
    parser.add_argument("--commit", action="store_true", help="Put the households on the next prelists.")
    parser.add_argument("--user", help="Account recorded as the selector (required with --commit).")


def handle_select(command, options) -> None:
    """Preview (or commit) the households selected for re-verification, per village."""
    period = _period(options["period"])
    rules = SelectionRules(months=options["months"], jump=options["jump"], quota=options["quota"],
                           signals=not options["no_signals"], complaints=not options["no_complaints"],
                           splits=not options["no_splits"])
    try:
        check_rules(period, rules)
        result = plan(period, rules)
        for village in result.villages:
            rules_text = ", ".join(f"{k} {v}" for k, v in sorted(village.by_rule.items()))
            command.stdout.write(f"{village.code}\t{village.name}\t{len(village.candidates)}\t{len(village.chosen)}"
                                 f"\t{rules_text}\t{village.already_listed}")
        command.stdout.write(_("%(selected)s households selected of %(candidates)s candidates in %(villages)s "
                               "villages.")
                             % {"selected": result.selected, "candidates": result.candidates,
                                "villages": len(result.villages)})
        if options["commit"]:
            user = get_user_model().objects.filter(username=options["user"] or "").first()
            if user is None:
                raise CommandError(_("Give an existing account with --user to commit."))
            selection = do_commit(user, period, rules)
            command.stdout.write(command.style.SUCCESS(_("Selection #%(pk)s: %(n)s households on the next prelists.")
                                                       % {"pk": selection.pk, "n": selection.households}))
    except SelectionError as exc:
        raise CommandError(str(exc)) from exc


def add_outcomes_arguments(parser) -> None:
    parser.add_argument("--period", type=int, required=True)
    parser.add_argument("--pdf", help="Write the report as PDF here.")
    parser.add_argument("--xlsx", help="Write the report as XLSX here.")


def handle_outcomes(command, options) -> None:
    """Print the re-verification outcomes of an update period (and write PDF/XLSX)."""
    period = _period(options["period"])
    report = figures(period, SelectionItem.objects.filter(region__pk__startswith=period.region_id))
    for code in COUNTS:
        command.stdout.write(f"{LABELS[code]}\t{report['totals'][code]}")
    d = report["desil"]
    command.stdout.write(_("Desil: %(compared)s compared, %(up)s up, %(down)s down, %(same)s same.") % d)
    if options["pdf"]:
        Path(options["pdf"]).write_bytes(exports.pdf(report, period, decree_of(period)))
    if options["xlsx"]:
        Path(options["xlsx"]).write_bytes(exports.xlsx(report, period, decree_of(period)))


ACTIONS = {"select": (add_select_arguments, handle_select), "outcomes": (add_outcomes_arguments, handle_outcomes)}
