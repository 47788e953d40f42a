"""The root of lrreport's own errors: anything raised as one is a message for the user, not a bug.

Each stage keeps its own subclasses next to its code (``ListrakError``, ``WarehouseError``,
``LoadInputError`` ...); they all derive from :class:`LrreportError`, so a caller (the CLI, a
notebook, a scheduler) can tell lrreport's refusals from defects with one ``except``.
"""

from __future__ import annotations


class LrreportError(Exception):
    """An error lrreport explains to the user: a bad input, a refused request, an unusable state."""
