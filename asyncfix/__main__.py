"""``python -m asyncfix``."""

from .cli import entry

if __name__ == "__main__":
    entry()
