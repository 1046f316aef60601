from .fixtures import client, english, entry, operator, psm, tksk  # noqa: F401 - registered as fixtures here
