"""Status flows: a table of allowed moves, and the error raised for any other move."""


class TransitionError(Exception):
    """A status change the flow does not allow; subclasses set `message` and the flow's `status` choices."""

    message = "%(old)s -> %(new)s"
    status = None  # the flow's TextChoices: the message then names the labels, not the stored values

    def __init__(self, old, new):
        names = {"old": old, "new": new} if self.status is None else {
            "old": self.status(old).label, "new": self.status(new).label}
        super().__init__(self.message % names)
        self.old, self.new = old, new


class Flow:
    """The moves `next` allows (status -> statuses it may become); `error` is raised for the others."""

    def __init__(self, next: dict, error: type[TransitionError]):
        self.next, self.error = next, error

    def can_move(self, old: str, new: str) -> bool:
        return new in self.next.get(old, ())

    def check_transition(self, old: str, new: str) -> None:
        """Raise the flow's error unless it allows old -> new."""
        if not self.can_move(old, new):
            raise self.error(old, new)
