"""Shared pytest setup."""

# The fixture inputs and expected outputs are data, not tests: never collect
# or import them, whatever their names.
collect_ignore_glob = ["fixtures/*"]
