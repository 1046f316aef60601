from verification.fixtures import client, english, entry, operator, psm, tksk  # noqa: F401 - the same as there
