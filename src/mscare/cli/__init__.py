"""The ``mscare`` command line, one module per feature; ``main`` is the console entry point."""

from mscare.cli.main import main, register_commands

__all__ = ["main", "register_commands"]
