"""The quality report: every data quirk a loader met, counted, with examples.

Nothing a loader changes or sets aside goes unrecorded: each quirk has a count, a sentence
saying what was done, and up to a few examples that name the file and the record.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

__all__ = ["MAX_EXAMPLES", "Quirk", "QualityReport"]

MAX_EXAMPLES = 3


@dataclass
class Quirk:
    """One kind of quirk: how many, what was done about it, and where it was seen."""

    count: int = 0
    action: str = ""
    examples: list[str] = field(default_factory=list)


@dataclass
class QualityReport:
    """Counts of quirks and plain facts (rows read, files read) for one data set."""

    dataset: str
    facts: dict[str, int] = field(default_factory=dict)
    quirks: dict[str, Quirk] = field(default_factory=dict)

    def fact(self, name: str, value: int) -> None:
        """Record a plain count, such as the number of files read."""
        self.facts[name] = int(value)

    def quirk(self, name: str, count: int, action: str, examples=()) -> None:
        """Record a quirk (even a zero count, so a reader sees it was checked)."""
        q = self.quirks.setdefault(name, Quirk(action=action))
        q.count += int(count)
        q.action = action
        for e in examples:
            if len(q.examples) >= MAX_EXAMPLES:
                break
            q.examples.append(str(e))

    def count(self, name: str) -> int:
        """The count of a quirk or a fact by name (0 when the loader never met it)."""
        if name in self.quirks:
            return self.quirks[name].count
        return self.facts.get(name, 0)

    def to_dict(self) -> dict:
        return {
            "dataset": self.dataset,
            "facts": dict(sorted(self.facts.items())),
            "quirks": {
                k: {"count": q.count, "action": q.action, "examples": q.examples}
                for k, q in sorted(self.quirks.items())
            },
        }

    @classmethod
    def from_dict(cls, d: dict) -> QualityReport:
        report = cls(d["dataset"], dict(d.get("facts", {})))
        for k, q in d.get("quirks", {}).items():
            report.quirks[k] = Quirk(q["count"], q["action"], list(q["examples"]))
        return report

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2, sort_keys=False) + "\n"

    def format(self) -> str:
        """A plain-text table for the terminal."""
        lines = [f"quality report: {self.dataset}"]
        for k, v in sorted(self.facts.items()):
            lines.append(f"  {k:<34} {v:>10,}")
        for k, q in sorted(self.quirks.items()):
            lines.append(f"  {k:<34} {q.count:>10,}  {q.action}")
            for e in q.examples:
                lines.append(f"  {'':<34} {'':>10}    e.g. {e}")
        return "\n".join(lines)
