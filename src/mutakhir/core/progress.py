"""A progress bar for the CLI (rich), quiet when output is not a terminal unless asked."""

from contextlib import contextmanager

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


@contextmanager
def progress_bar(description: str, total: int | None):
    """Yield `advance(done)`, which moves the bar to `done` of `total`."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, transient=False) as bar:
        task = bar.add_task(description, total=total)

        def advance(done: int, total_now: int | None = None) -> None:
            bar.update(task, completed=done, total=total_now if total_now is not None else total)

        yield advance
