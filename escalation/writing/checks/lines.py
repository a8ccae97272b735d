"""Which invoice a figure belongs to: a figure on the same line (or table row) as an invoice number is that
invoice's, and must be one of its own figures — so amounts or dates swapped between two invoices fail even when the
total is still right.

On a line with several invoice numbers a figure belongs to the number before it ("INV-1: 4,820.00, INV-2:
1,700.50"), or, when the line starts with a figure rather than a number ("4,820.00 for INV-1 and 1,700.50 for
INV-2"), to the number after it.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    number: str


class Owners:
    def __init__(self, masked: str, mentions: list[Mention]) -> None:
        """``masked``: the text with trusted text and invoice numbers blanked, so that its first digit on a line is
        a figure; ``mentions``: where the ledger's invoice numbers are, in text order."""
        self._line_starts = [0] + [match.end() for match in re.finditer("\n", masked)]
        self._by_line: dict[int, list[Mention]] = {}
        for mention in sorted(mentions, key=lambda item: item.start):
            self._by_line.setdefault(self._line(mention.start), []).append(mention)
        self._figure_first: dict[int, bool] = {}
        for line, on_line in self._by_line.items():
            first_digit = _DIGIT.search(masked, self._line_starts[line], on_line[0].start)
            self._figure_first[line] = (
                first_digit is not None and "\n" not in masked[first_digit.start() : on_line[0].start]
            )

    def _line(self, position: int) -> int:
        return bisect.bisect_right(self._line_starts, position) - 1

    def owner(self, position: int) -> str | None:
        """The invoice number a figure at ``position`` belongs to, or None when its line names no invoice."""
        line = self._line(position)
        on_line = self._by_line.get(line)
        if not on_line:
            return None
        if self._figure_first[line]:
            after = [mention for mention in on_line if mention.start >= position]
            return (after[0] if after else on_line[-1]).number
        before = [mention for mention in on_line if mention.start < position]
        return (before[-1] if before else on_line[0]).number

    def numbers_on_line(self, position: int) -> list[str]:
        return [mention.number for mention in self._by_line.get(self._line(position), [])]

    def line_text(self, text: str, position: int) -> str:
        line = self._line(position)
        end = self._line_starts[line + 1] - 1 if line + 1 < len(self._line_starts) else len(text)
        return text[self._line_starts[line] : end]
