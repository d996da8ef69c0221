"""A notebook's parameters in words, for ``wechat-study run NOTEBOOK --help``.

Each parameter is listed with the kind of value it takes, the value the investigation uses
(``investigations/params.yaml``, else the parameters cell), the range ``investigations/ranges.yaml`` allows,
and its meaning: the comment after it in the notebook's cell tagged ``parameters``.
"""

from __future__ import annotations

import io
import json
import re
import tokenize

from .notebooks import INVESTIGATIONS, NotebookError, _kind, accepted_datasets, defaults, range_words, ranges

__all__ = ["meanings", "rows", "text"]


def meanings(stem: str) -> dict[str, str]:
    """Each parameter's meaning: the ``#`` comment on the line that assigns it in the parameters cell.

    Parameters
    ----------
    stem : str
        The notebook's stem.

    Returns
    -------
    dict
        Parameter name -> comment text ("" where the line has none), in the cell's order.

    Raises
    ------
    NotebookError
        The notebook has no single cell tagged ``parameters``.

    Examples
    --------
    >>> from wechat_study import params_help
    >>> params_help.meanings("03-legal-thresholds")["early_reposts"]
    'an earlier milestone, timed before and after the interpretation'
    """
    nb = json.loads((INVESTIGATIONS / f"{stem}.ipynb").read_text("utf-8"))
    cells = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(cells) != 1:
        raise NotebookError(f"{stem}: expected one cell tagged 'parameters', found {len(cells)}")
    source = "".join(cells[0]["source"])
    comments: dict[int, str] = {}
    names: dict[str, int] = {}
    depth = 0
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT:
            comments[tok.start[0]] = tok.string.lstrip("#").strip()
        elif tok.type == tokenize.OP and tok.string in "([{":
            depth += 1
        elif tok.type == tokenize.OP and tok.string in ")]}":
            depth -= 1
        elif tok.type == tokenize.NAME and depth == 0 and tok.start[1] == 0:
            names.setdefault(tok.string, tok.start[0])
    return {name: comments.get(line, "") for name, line in names.items()}


def _takes(stem: str, name: str, value, spec) -> str:
    """The kind of value and what ``ranges.yaml`` allows of it, in words."""
    if spec is None:
        return _kind(value)
    match = re.fullmatch(r"data set(?: of \w+)?( or path)?", str(spec))
    if match:
        names = ("all, " if value == "all" else "") + ", ".join(accepted_datasets(stem, name))
        names += ", or the path of your own posts" if match[1] else ""
        return f"a list, each item one of {names}" if isinstance(value, list) else f"one of {names}"
    if spec == "date":
        return "a day, YYYY-MM-DD"
    each = "each item " if isinstance(value, list) else ""
    return f"{_kind(value)}; {each}{range_words(str(spec))}"


def rows(stem: str) -> list[dict]:
    """One row per parameter: ``name``, ``default``, ``takes`` (kind and allowed range, in words), ``meaning``.

    Parameters
    ----------
    stem : str
        The notebook's stem.

    Returns
    -------
    list of dict
        In the parameters cell's order; ``default`` is the value as JSON.

    Examples
    --------
    >>> from wechat_study import params_help
    >>> row = [r for r in params_help.rows("03-legal-thresholds") if r["name"] == "threshold_reposts"][0]
    >>> row["default"], row["takes"]
    ('500', 'a whole number; at least 1')
    """
    base, limits, meaning = defaults(stem), ranges().get(stem) or {}, meanings(stem)
    return [{"name": name, "default": json.dumps(value, ensure_ascii=False),
             "takes": _takes(stem, name, value, limits.get(name)), "meaning": meaning.get(name, "")}
            for name, value in base.items()]


def text(stem: str) -> str:
    """The parameters as a help text: one block per parameter, then the rules and needs.

    Parameters
    ----------
    stem : str
        The notebook's stem.

    Returns
    -------
    str
        Plain text, lines under 100 characters where the words allow.

    Examples
    --------
    >>> from wechat_study import params_help
    >>> print(params_help.text("06-deletion-counterfactual").splitlines()[0])
    parameters of 06-deletion-counterfactual (set with -p NAME VALUE; VALUE is YAML):
    """
    lines = [f"parameters of {stem} (set with -p NAME VALUE; VALUE is YAML):"]
    for row in rows(stem):
        lines.append(f"  {row['name']} = {row['default']}")
        lines.append(f"      {row['takes']}")
        if row["meaning"]:
            lines.append(f"      {row['meaning']}")
    limits = ranges().get(stem) or {}
    if limits.get("rules"):
        lines.append("rules: " + "; ".join(limits["rules"]))
    if limits.get("needs"):
        lines.append("needs (refused before the run when the data set lacks it): " + ", ".join(limits["needs"]))
    return "\n".join(lines)
