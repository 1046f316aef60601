"""What to check on a re-verification prelist entry: its reason tokens, read in the reader's language.

Tokens (`;`-separated in PrelistEntry.changes): `stale:<months>`, `signal:<flag pk>`, `complaint:<ticket>`,
`jump:<old desil>:<new desil>`, `split:<verification pk>`.
"""

from django.utils.translation import gettext as _

from mutakhir.verivali.models import SignalFlag


def describe_checks(changes: str) -> list[str]:
    """Return one line per reason of a verivali prelist entry."""
    tokens = [t.split(":") for t in changes.split(";") if t]
    flag_pks = [int(t[1]) for t in tokens if t[0] == "signal" and t[1].isdigit()]
    flags = SignalFlag.objects.in_bulk(flag_pks)
    return [_line(token, flags) for token in tokens]


def _line(token: list[str], flags: dict) -> str:
    kind, args = token[0], token[1:]
    if kind == "stale":
        return _("Data not re-verified for %(months)s months: re-verify all data") % {"months": args[0]}
    if kind == "signal":
        flag = flags.get(int(args[0])) if args[0].isdigit() else None
        return _("Administrative signal: %(reason)s") % {"reason": flag.reason if flag else args[0]}
    if kind == "complaint":
        return _("Complaint %(ticket)s asked for re-verification") % {"ticket": args[0]}
    if kind == "jump":
        return _("Desil moved from %(old)s to %(new)s between the last two ranking runs: check what changed") % {
            "old": args[0], "new": args[1]}
    if kind == "split":
        return _("The household split at its last verification: check who remains")
    return ":".join(token)


def short_reasons(reasons: str) -> list[str]:
    """Return the rule names of a selection item's reasons, for lists and counts."""
    return [t.split(":")[0] for t in reasons.split(";") if t]
