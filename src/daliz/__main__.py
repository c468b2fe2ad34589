"""`python -m daliz` runs the command line."""

from daliz.cli import main

main()
