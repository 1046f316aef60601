"""The desil of registry households in the latest ranking run that covers a region."""

from mutakhir.ranking.models import RankingResult, RankingRun


def prefixes(region_code: str) -> list[str]:
    """Return the region codes whose runs cover `region_code`: the nation, its province, district..."""
    return ["", *(region_code[:n] for n in (2, 4, 6, 10) if n <= len(region_code))]


def latest_run(region_code: str = "", before=None) -> RankingRun | None:
    """Return the newest ranking run covering the region (optionally the newest before run `before`)."""
    runs = RankingRun.objects.filter(region_code__in=prefixes(region_code))
    if before is not None:
        runs = runs.filter(pk__lt=before.pk)
    return runs.order_by("-pk").first()


def desil_of(run: RankingRun | None, household_ids) -> dict[str, int]:
    """Return {household ID: desil} in `run` for the given registry household IDs."""
    if run is None:
        return {}
    return dict(RankingResult.objects.filter(run=run, household_id__in=list(household_ids))
                .values_list("household_id", "desil"))
