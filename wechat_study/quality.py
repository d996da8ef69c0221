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
    """One kind of quirk: how many, what was done about it, and where it was seen.

    Parameters
    ----------
    count : int
        How many records had the quirk.
    action : str
        A sentence saying what the loader did about it.
    examples : list of str
        Up to ``MAX_EXAMPLES`` places it was seen, each naming the file and the record.

    Examples
    --------
    >>> from wechat_study.quality import Quirk
    >>> Quirk(2, "identical row again; the first is kept", ["ceninfo.csv: record line 7"])
    Quirk(count=2, action='identical row again; the first is kept', examples=['ceninfo.csv: record line 7'])
    """

    count: int = 0
    action: str = ""
    examples: list[str] = field(default_factory=list)


@dataclass
class QualityReport:
    """Counts of quirks and plain facts (rows read, files read) for one data set.

    Parameters
    ----------
    dataset : str
        The data set's name.
    facts : dict of str to int
        Plain counts by name.
    quirks : dict of str to Quirk
        Quirks by name.

    Examples
    --------
    >>> from wechat_study.quality import QualityReport
    >>> report = QualityReport("mine")
    >>> report.fact("rows_read", 120)
    >>> report.quirk("duplicate_rows", 2, "identical row again; the first is kept", ["posts.csv: record line 7"])
    >>> report.count("duplicate_rows"), report.count("rows_read"), report.count("never_met")
    (2, 120, 0)
    """

    dataset: str
    facts: dict[str, int] = field(default_factory=dict)
    quirks: dict[str, Quirk] = field(default_factory=dict)

    def fact(self, name: str, value: int) -> None:
        """Record a plain count, such as the number of files read.

        Parameters
        ----------
        name : str
            The fact's name (``"rows_read"``); a second call with the same name replaces the value.
        value : int
            The count, stored as ``int(value)``.

        Examples
        --------
        >>> from wechat_study.quality import QualityReport
        >>> report = QualityReport("mine")
        >>> report.fact("files_read", 3)
        >>> report.facts
        {'files_read': 3}
        """
        self.facts[name] = int(value)

    def quirk(self, name: str, count: int, action: str, examples=()) -> None:
        """Record a quirk (even a zero count, so a reader sees it was checked).

        Parameters
        ----------
        name : str
            The quirk's name (``"duplicate_rows"``). Calling again with the same name adds to its count.
        count : int
            How many records had it (0 records that the check ran).
        action : str
            What was done about it; the latest call's sentence is kept.
        examples : iterable
            Places it was seen (file and record); each is stored as text, up to ``MAX_EXAMPLES`` in all.

        Examples
        --------
        >>> from wechat_study.quality import QualityReport
        >>> report = QualityReport("mine")
        >>> report.quirk("empty_titles", 0, "kept as an empty string")
        >>> report.quirk("duplicate_rows", 2, "the first is kept", ["line 7", "line 9"])
        >>> report.quirk("duplicate_rows", 3, "the first is kept", ["line 12", "line 20"])
        >>> report.quirks["duplicate_rows"]
        Quirk(count=5, action='the first is kept', examples=['line 7', 'line 9', 'line 12'])
        """
        q = self.quirks.setdefault(name, Quirk(action=action))
        q.count += int(count)
        q.action = action
        for e in examples:
            if len(q.examples) >= MAX_EXAMPLES:
                break
            q.examples.append(str(e))

    def count(self, name: str) -> int:
        """The count of a quirk or a fact by name (0 when the loader never met it).

        Parameters
        ----------
        name : str
            A quirk's or a fact's name; a quirk wins when both have it.

        Returns
        -------
        int
            The quirk's count, else the fact's value, else 0.

        Examples
        --------
        >>> from wechat_study.quality import QualityReport
        >>> report = QualityReport("mine", facts={"rows_read": 120})
        >>> report.count("rows_read"), report.count("duplicate_rows")
        (120, 0)
        """
        if name in self.quirks:
            return self.quirks[name].count
        return self.facts.get(name, 0)

    def to_dict(self) -> dict:
        """The report as plain JSON-ready data, facts and quirks sorted by name.

        Returns
        -------
        dict
            ``{"dataset", "facts": {name: count}, "quirks": {name: {"count", "action", "examples"}}}``.

        Examples
        --------
        >>> from wechat_study.quality import QualityReport
        >>> report = QualityReport("mine", facts={"rows_read": 120})
        >>> report.quirk("duplicate_rows", 2, "the first is kept")
        >>> report.to_dict()
        {'dataset': 'mine', 'facts': {'rows_read': 120},
         'quirks': {'duplicate_rows': {'count': 2, 'action': 'the first is kept', 'examples': []}}}
        """
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
        """The report ``to_dict`` gave (e.g. read back from ``quality.json``).

        Parameters
        ----------
        d : dict
            ``to_dict``'s form; ``facts`` and ``quirks`` may be missing (then empty).

        Returns
        -------
        QualityReport
            A new report with the same facts and quirks.

        Examples
        --------
        >>> from wechat_study.quality import QualityReport
        >>> report = QualityReport("mine", facts={"rows_read": 120})
        >>> report.quirk("duplicate_rows", 2, "the first is kept")
        >>> QualityReport.from_dict(report.to_dict()) == report
        True
        """
        report = cls(d["dataset"], dict(d.get("facts", {})))
        for k, q in d.get("quirks", {}).items():
            report.quirks[k] = Quirk(q["count"], q["action"], list(q["examples"]))
        return report

    def to_json(self) -> str:
        """``to_dict`` as JSON text (UTF-8 characters kept, indented by 2, a final newline): ``quality.json``.

        Returns
        -------
        str
            The JSON text.

        Examples
        --------
        >>> from wechat_study.quality import QualityReport
        >>> print(QualityReport("mine", facts={"rows_read": 120}).to_json())
        {
          "dataset": "mine",
          "facts": {
            "rows_read": 120
          },
          "quirks": {}
        }
        <BLANKLINE>
        """
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2, sort_keys=False) + "\n"

    def format(self) -> str:
        """A plain-text table for the terminal.

        Returns
        -------
        str
            A title line, then one line per fact and per quirk (sorted by name) with its count, each quirk
            followed by its action and one ``e.g.`` line per example.

        Examples
        --------
        >>> from wechat_study.quality import QualityReport
        >>> report = QualityReport("mine", facts={"rows_read": 1200})
        >>> report.quirk("duplicate_rows", 2, "the first is kept", ["posts.csv: record line 7"])
        >>> print(report.format())
        quality report: mine
          rows_read                               1,200
          duplicate_rows                              2  the first is kept
                                                           e.g. posts.csv: record line 7
        """
        lines = [f"quality report: {self.dataset}"]
        for k, v in sorted(self.facts.items()):
            lines.append(f"  {k:<34} {v:>10,}")
        for k, q in sorted(self.quirks.items()):
            lines.append(f"  {k:<34} {q.count:>10,}  {q.action}")
            for e in q.examples:
                lines.append(f"  {'':<34} {'':>10}    e.g. {e}")
        return "\n".join(lines)
