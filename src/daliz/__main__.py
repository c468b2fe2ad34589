"""`python -m daliz` runs the command line."""

from daliz.cli import main

if __name__ == "__main__":
    main()
