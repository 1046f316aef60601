"""Verivali models, one module per part: `sync` (civil-registry sync and its proposed changes),
`signals` (administrative signals), `selection` (re-verification selection and its outcomes)."""

from .selection import *  # noqa: F403
from .signals import *  # noqa: F403
from .sync import *  # noqa: F403
