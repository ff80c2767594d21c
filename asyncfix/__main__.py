"""``python -m asyncfix``."""

from .cli import main

if __name__ == "__main__":
    main(prog_name="asyncfix")
