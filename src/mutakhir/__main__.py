"""`python -m mutakhir` is the `mutakhir` command."""

from mutakhir.cli import main

main()
