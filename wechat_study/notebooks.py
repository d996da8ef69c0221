"""The investigation's notebooks: their names, their parameters, and checks on new parameter values.

- ``stems()`` lists the notebooks in run order (the keys of ``investigations/params.yaml``).
- ``resolve(name)`` accepts a short name: ``03``, ``3``, ``03-legal-thresholds``, ``legal-thresholds``,
  ``thresholds`` or ``03-thresholds`` (any case, with or without ``.ipynb``).
- ``defaults(stem)`` is what a run uses unless told otherwise: the notebook's parameters cell,
  overridden by its entry in ``params.yaml``.
- ``check(stem, overrides)`` checks new values against those defaults (name and type) and against the
  ranges of ``investigations/ranges.yaml``, and returns them normalised; ``parse_value(text)`` reads a
  value written on the command line (a YAML scalar or list: ``1000``, ``0.5``, ``ced``, ``[10, 60]``).

This module imports nothing heavy, so the command line can use it before it loads the library.
"""

from __future__ import annotations

import ast
import itertools
import json
import operator
import re
from pathlib import Path

from . import paths
from .errors import WechatStudyError

__all__ = [
    "INVESTIGATIONS", "NotebookError", "parameters", "stems", "resolve", "cell_parameters", "defaults",
    "parse_value", "describe", "ranges", "range_words", "check_ranges", "check", "accepted_datasets"
]

INVESTIGATIONS = paths.CHECKOUT / "investigations"


class NotebookError(WechatStudyError, ValueError):
    """An unknown notebook, or a parameter it does not have or cannot take.

    It is also a ``ValueError``.

    Examples
    --------
    >>> from wechat_study import notebooks
    >>> issubclass(notebooks.NotebookError, ValueError)
    True
    >>> try:
    ...     notebooks.resolve("07")
    ... except notebooks.NotebookError as e:
    ...     print(e)
    no notebook '07'; the notebooks are 01-data-audit, ... (a number such as 03 or a name such as legal-thresholds
    also works)
    """


def parameters() -> dict[str, dict]:
    """``investigations/params.yaml``: notebook stem -> the parameters ``reproduce`` runs it with.

    Returns
    -------
    dict
        Notebook stem -> {parameter: value}, in the file's order (empty when the file is empty). Only the
        parameters the file sets are there; ``defaults`` adds the notebook's own.

    Raises
    ------
    NotebookError
        ``investigations/params.yaml`` is missing (an installed package, not the project's checkout).

    Examples
    --------
    >>> from wechat_study import notebooks
    >>> notebooks.parameters()["03-legal-thresholds"]["threshold_reposts"]
    500
    """
    import yaml

    found = INVESTIGATIONS / "params.yaml"
    if not found.is_file():
        raise NotebookError(f"the notebooks are not here ({found} is missing): running notebooks needs the "
                            "project's checkout (git clone, then `make env` in it); an installed package holds "
                            "the library and the data commands only")
    return yaml.safe_load(found.read_text("utf-8")) or {}


def stems() -> list[str]:
    """Notebook stems in run order: the keys of ``investigations/params.yaml``.

    Returns
    -------
    list of str
        The stems (file names without ``.ipynb``).

    Examples
    --------
    >>> from wechat_study import notebooks
    >>> notebooks.stems()[:3]
    ['01-data-audit', '02-repost-cascades', '03-legal-thresholds']
    """
    return list(parameters())


def resolve(name: str, known: list[str] | None = None) -> str:
    """The stem a short name means; a ``NotebookError`` listing the notebooks when none or several fit.

    The name is compared in lower case without an ``investigations/`` prefix or ``.ipynb`` suffix: a whole
    stem first; then a number with an optional part of the topic (``03``, ``3``, ``03-thresholds``); else a
    whole topic, then a part of one (``thresholds``).

    Parameters
    ----------
    name : str
        A short name, e.g. ``03``, ``legal-thresholds`` or ``03-legal-thresholds.ipynb``.
    known : list of str, optional
        The stems to choose from (default ``stems()``).

    Returns
    -------
    str
        The one stem that fits.

    Raises
    ------
    NotebookError
        No stem fits, or several do; the message lists the notebooks.

    Examples
    --------
    >>> from wechat_study import notebooks
    >>> notebooks.resolve("3"), notebooks.resolve("Thresholds"), notebooks.resolve("legal-thresholds.ipynb")
    ('03-legal-thresholds', '03-legal-thresholds', '03-legal-thresholds')
    >>> notebooks.resolve("e")
    Traceback (most recent call last):
    ...
    wechat_study.notebooks.NotebookError: 'e' fits several notebooks (02-repost-cascades, ...
    """
    known = stems() if known is None else known
    text = str(name).strip().lower().removeprefix("investigations/").removesuffix(".ipynb")
    hits = [s for s in known if s.lower() == text]
    if not hits:
        m = re.fullmatch(r"(\d+)(?:[-_ ]+(.*))?", text)
        if m:
            rest = m.group(2) or ""
            hits = [s for s in known if _number(s) == int(m.group(1)) and rest in _topic(s)]
        elif text:
            hits = [s for s in known if _topic(s) == text] or [s for s in known if text in _topic(s)]
    if len(hits) == 1:
        return hits[0]
    listed = ", ".join(known)
    if hits:
        raise NotebookError(f"{name!r} fits several notebooks ({', '.join(hits)}); name one of: {listed}")
    raise NotebookError(f"no notebook {name!r}; the notebooks are {listed} "
                        "(a number such as 03 or a name such as legal-thresholds also works)")


def _number(stem: str) -> int | None:
    head = stem.split("-", 1)[0]
    return int(head) if head.isdigit() else None


def _topic(stem: str) -> str:
    head, _, rest = stem.lower().partition("-")
    return rest if head.isdigit() else stem.lower()


_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
        ast.USub: operator.neg, ast.UAdd: operator.pos}


def _constant(node: ast.AST):
    """A literal, allowing arithmetic on numbers (``5 / 60``); anything else raises ValueError."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.List | ast.Tuple):
        return [_constant(e) for e in node.elts]
    if isinstance(node, ast.Dict):
        return {_constant(k): _constant(v) for k, v in zip(node.keys, node.values, strict=True)}
    if isinstance(node, ast.UnaryOp) and type(node.op) in _OPS:
        return _OPS[type(node.op)](_constant(node.operand))
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        return _OPS[type(node.op)](_constant(node.left), _constant(node.right))
    raise ValueError(ast.dump(node))


def cell_parameters(stem: str) -> dict:
    """The assignments of the notebook's cell tagged ``parameters``, in order (name -> value).

    Values are read without running the cell: literals, lists, dicts and arithmetic on numbers (``5 / 60``);
    any other value is None (a parameter that takes any value).

    Parameters
    ----------
    stem : str
        The notebook's stem (``investigations/<stem>.ipynb``).

    Returns
    -------
    dict
        Parameter name -> value, in the cell's order.

    Raises
    ------
    NotebookError
        The notebook does not have exactly one cell tagged ``parameters``.

    Examples
    --------
    >>> from wechat_study import notebooks
    >>> cell = notebooks.cell_parameters("05-early-warning")
    >>> cell["threshold_reposts"], cell["observation_minutes"]
    (500, [10, 30, 60, 180])
    """
    path = INVESTIGATIONS / f"{stem}.ipynb"
    nb = json.loads(Path(path).read_text("utf-8"))
    cells = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(cells) != 1:
        raise NotebookError(f"{path}: expected one cell tagged 'parameters', found {len(cells)}")
    source = "".join(cells[0]["source"]) if isinstance(cells[0]["source"], list) else cells[0]["source"]
    out = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            try:
                out[node.targets[0].id] = _constant(node.value)
            except ValueError:
                out[node.targets[0].id] = None  # not a literal: any value is accepted
    return out


def defaults(stem: str) -> dict:
    """The parameters a run uses by default: the notebook's cell, overridden by ``params.yaml``.

    Parameters
    ----------
    stem : str
        The notebook's stem.

    Returns
    -------
    dict
        Parameter name -> value: the cell's order, then any name only ``params.yaml`` gives.

    Examples
    --------
    >>> from wechat_study import notebooks
    >>> params = notebooks.defaults("03-legal-thresholds")
    >>> params["dataset"], params["compare"], params["interpretation_date"]
    ('ced', ['wbmsf', 'twitter15'], '2013-09-10')
    """
    return {**cell_parameters(stem), **(parameters().get(stem) or {})}


def parse_value(text: str):
    """A command-line value as YAML: ``1000`` -> 1000, ``0.5`` -> 0.5, ``[10, 60]`` -> [10, 60], ``ced`` -> "ced".

    Numbers may carry thousands separators (``100,000``, ``100_000``) and exponents (``1e5``).

    Parameters
    ----------
    text : str
        The value as written.

    Returns
    -------
    object
        An int, float, bool, None, str, list or dict; YAML dates become ISO text. Text that is not YAML, holds
        an alias, or a type no parameter holds is returned as it is.

    Examples
    --------
    >>> from wechat_study import notebooks
    >>> [notebooks.parse_value(t) for t in ["1000", "0.5", "[10, 60]", "ced", "100,000", "1e5", "2014-01-01"]]
    [1000, 0.5, [10, 60], 'ced', 100000, 100000.0, '2014-01-01']
    """
    import yaml

    try:
        if any(isinstance(e, yaml.AliasEvent) for e in yaml.parse(text)):  # *alias: recursion, "billion laughs"
            return text
        value = _plain(yaml.safe_load(text))
    except (yaml.YAMLError, ValueError):  # not YAML, or an impossible date (2013-02-30): keep the text
        return text
    except TypeError:  # a YAML type a notebook parameter cannot hold (!!binary, !!set, ...): keep the text
        return text
    if isinstance(value, str):
        number = _number_text(value)
        return value if number is None else number
    return value


def _plain(value):
    """``value`` with YAML's dates and times as ISO text (``2014-01-01`` -> "2014-01-01"); a type no notebook
    parameter holds (bytes, sets, ...) raises ``TypeError``."""
    import datetime as dt

    if isinstance(value, dt.date):  # datetime is a date too
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"{type(value).__name__} is not a parameter value")


def _number_text(text: str):
    if "," in text and not re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?([eE][+-]?\d+)?", text.strip()):
        return None   # "1,2" is not a number with separators: kept as text, so the range check names it
    plain = text.replace(",", "").replace("_", "")
    if re.fullmatch(r"[+-]?\d{1,300}", plain):
        return int(plain)
    try:
        return float(plain) if re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", plain) else None
    except ValueError:
        return None


def _kind(value) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a name"
    if isinstance(value, list):
        return f"a list of {_plural(value[0])}" if value else "a list"
    if isinstance(value, dict):
        return "a mapping (" + "; ".join(f"{k}: {_kind(v)}" for k, v in value.items()) + ")"
    return type(value).__name__


def _plural(value) -> str:
    for kind, words in ((bool, "true/false values"), (int, "whole numbers"), (float, "numbers"), (str, "names"),
                        (list, "lists")):
        if isinstance(value, kind):
            return words
    return "values"


def _fits(value, default) -> bool:
    """True when ``value`` has the type of ``default`` (an int where a float is expected is fine)."""
    if default is None:
        return True
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(value, bool) and isinstance(default, bool)
    if isinstance(default, float):
        return isinstance(value, int | float)
    if isinstance(default, int):
        return isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if isinstance(default, list):
        return isinstance(value, list) and (not default or (bool(value) and all(_fits(v, default[0]) for v in value)))
    if isinstance(default, dict):
        return isinstance(value, dict) and all(_fits(value[k], d) for k, d in default.items() if k in value)
    return isinstance(value, type(default))


def _normalised(value, default):
    if isinstance(default, float) and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if isinstance(default, int) and not isinstance(default, bool) and isinstance(value, float):
        return int(value)
    if isinstance(default, list) and default and isinstance(value, list):
        return [_normalised(v, default[0]) for v in value]
    if isinstance(default, dict) and isinstance(value, dict):
        return {k: _normalised(v, default.get(k)) for k, v in value.items()}
    return value


def _dataset_choices(default) -> set[str] | None:
    """Allowed names when a parameter names data sets (its default does); None otherwise."""
    from .datasets.catalog import CATALOG

    values = default if isinstance(default, list) else [default]
    if not values or not all(isinstance(v, str) and (v in CATALOG or v == "all") for v in values):
        return None
    return set(CATALOG) | ({"synthetic"} if not isinstance(default, list) else set()) | (
        {"all"} if "all" in values else set())


def describe(stem: str) -> str:
    """``name=default`` for each parameter, comma-separated (for error messages).

    Parameters
    ----------
    stem : str
        The notebook's stem.

    Returns
    -------
    str
        Each parameter of ``defaults(stem)`` with its value as JSON.

    Examples
    --------
    >>> from wechat_study import notebooks
    >>> notebooks.describe("03-legal-thresholds")
    'dataset="ced", compare=["wbmsf", "twitter15"], threshold_reposts=500, ...'
    """
    return ", ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in defaults(stem).items())


def ranges() -> dict[str, dict]:
    """``investigations/ranges.yaml``: notebook stem -> parameter (dotted into mappings) -> allowed values,
    and ``rules`` relating parameters (the file's header says how they are written).

    Returns
    -------
    dict
        Notebook stem -> {parameter or ``rules`` or ``needs``: the range, list of rules or list of needs}.

    Examples
    --------
    >>> from wechat_study import notebooks
    >>> declared = notebooks.ranges()["03-legal-thresholds"]
    >>> declared["threshold_reposts"], declared["interpretation_date"], declared["rules"]
    ('[1, inf)', 'date', ['early_reposts <= threshold_reposts', 'sweep_thresholds ascending'])
    """
    import yaml

    return yaml.safe_load((INVESTIGATIONS / "ranges.yaml").read_text("utf-8")) or {}


_INTERVAL = re.compile(r"([\[(])\s*([^,\s]+)\s*,\s*([^\])\s]+)\s*([\])])")


def _bounds(spec: str) -> tuple[float, float, bool, bool]:
    """(low, high, low included, high included) of an interval such as ``(0, 1]`` or ``[1, inf)``."""
    m = _INTERVAL.fullmatch(spec.strip())
    if not m:
        raise NotebookError(f"{INVESTIGATIONS / 'ranges.yaml'}: {spec!r} is not an interval such as [1, inf)")
    return float(m.group(2)), float(m.group(3)), m.group(1) == "[", m.group(4) == "]"


def range_words(spec: str) -> str:
    """An interval in words: ``[1, inf)`` -> "at least 1", ``(0, 1)`` -> "between 0 and 1, both excluded".

    Parameters
    ----------
    spec : str
        An interval: ``[`` or ``(``, the low end, a comma, the high end (``inf`` for none), ``]`` or ``)``.

    Returns
    -------
    str
        The interval in words, whole numbers with thousands separators.

    Raises
    ------
    NotebookError
        ``spec`` is not an interval.

    Examples
    --------
    >>> from wechat_study import notebooks
    >>> [notebooks.range_words(r) for r in ["[1, inf)", "(0, 1)", "(0, 1]", "[100, 1000000]"]]
    ['at least 1', 'between 0 and 1, both excluded', 'more than 0 and at most 1', 'from 100 to 1,000,000']
    """
    lo, hi, lo_in, hi_in = _bounds(spec)
    a, b = (f"{int(x):,}" if x.is_integer() else f"{x:,g}" for x in (lo, hi))
    if hi == float("inf"):
        return f"at least {a}" if lo_in else f"more than {a}"
    if lo_in and hi_in:
        return f"from {a} to {b}"
    if not lo_in and not hi_in:
        return f"between {a} and {b}, both excluded"
    return f"{'at least' if lo_in else 'more than'} {a} and {'at most' if hi_in else 'less than'} {b}"


def _inside(x, spec: str) -> bool:
    lo, hi, lo_in, hi_in = _bounds(spec)
    return (lo <= x if lo_in else lo < x) and (x <= hi if hi_in else x < hi)


def _items(value) -> list:
    return value if isinstance(value, list) else [value]


def _lookup(params: dict, dotted: str):
    value = params
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _dataset_spec(spec) -> tuple[str | None, bool] | None:
    """``(table, paths_ok)`` for a range that names data sets ("data set", optionally "of TABLE", "or path")."""
    match = re.fullmatch(r"data set(?: of (\w+))?( or path)?", str(spec or ""))
    return (match[1], bool(match[2])) if match else None


def _check_range(stem: str, name: str, value, spec: str) -> None:
    if _dataset_spec(spec):
        return  # checked against the catalog in ``check``
    if spec == "date":
        import datetime as dt

        try:
            dt.date.fromisoformat(str(value))
        except ValueError:
            raise NotebookError(f"{stem}: {name}={value!r} is not a date; write it as YYYY-MM-DD") from None
        return
    bad = [x for x in _items(value) if isinstance(x, int | float) and not _inside(x, spec)]
    if bad:
        each = "each item " if isinstance(value, list) else ""
        raise NotebookError(f"{stem}: {name}={json.dumps(bad[0])} is out of range; {each}must be "
                            f"{range_words(spec)} (the range {spec})")


def _check_rule(stem: str, rule: str, params: dict) -> None:
    left, op, right = (rule.split() + [""])[:3]
    a = _items(_lookup(params, left))
    if op == "ascending":
        if any(x >= y for x, y in itertools.pairwise(a)):
            raise NotebookError(f"{stem}: {left}={json.dumps(a)} must rise, each item above the one before")
        return
    b = _items(_lookup(params, right))
    ok = {"<=": lambda: max(a) <= min(b), "<": lambda: max(a) < min(b), "in": lambda: set(a) <= set(b)}[op]()
    if not ok:
        said = {"<=": "at most", "<": "less than", "in": "one of"}[op]
        raise NotebookError(f"{stem}: {left}={json.dumps(_lookup(params, left))} must be {said} "
                            f"{right}={json.dumps(_lookup(params, right))}")


def check_ranges(stem: str, params: dict) -> None:
    """Raise a ``NotebookError`` naming the parameter, its value and the allowed range, when a value of the
    full parameter set ``params`` lies outside ``investigations/ranges.yaml`` or breaks one of its rules.

    A parameter missing from ``params`` (or None) is not checked against its range; data-set names are left to
    ``check``; a ``date`` must be a YYYY-MM-DD day.

    Parameters
    ----------
    stem : str
        The notebook's stem.
    params : dict
        Every parameter of the run (``defaults`` updated with the new values): the rules read all they name.

    Raises
    ------
    NotebookError
        A value outside its range, a date that is not one, or a broken rule; also a range in the file that
        is not an interval.

    Examples
    --------
    >>> from wechat_study import notebooks
    >>> params = notebooks.defaults("03-legal-thresholds")
    >>> notebooks.check_ranges("03-legal-thresholds", params)
    >>> notebooks.check_ranges("03-legal-thresholds", {**params, "early_reposts": 600})
    Traceback (most recent call last):
    ...
    wechat_study.notebooks.NotebookError: 03-legal-thresholds: early_reposts=600 must be at most threshold_reposts=500
    """
    declared = dict(ranges().get(stem) or {})
    rules = declared.pop("rules", [])
    declared.pop("needs", None)
    for name, spec in declared.items():
        value = _lookup(params, name)
        if value is not None:
            _check_range(stem, name, value, spec)
    for rule in rules:
        _check_rule(stem, rule, params)


def check(stem: str, overrides: dict) -> dict:
    """``overrides`` checked against the notebook's parameters and normalised.

    A scalar where a list is expected becomes a one-item list; an integer where a float is
    expected becomes a float; data-set names are case-folded and must be catalogued (or
    ``synthetic``). Anything else unknown or mistyped raises a ``NotebookError`` that lists
    the parameters and their defaults; a value outside its range (``check_ranges``) names the range.

    A whole float where an integer is expected becomes an integer. Where ``ranges.yaml`` says ``data set or
    path``, a value that looks like a path is made absolute and must exist; with such a ``dataset`` and no
    ``compare`` given, ``compare`` becomes ``[]``.

    Parameters
    ----------
    stem : str
        The notebook's stem.
    overrides : dict
        New values, parameter name -> value (e.g. from ``parse_value``).

    Returns
    -------
    dict
        The overrides, normalised (plus ``compare=[]`` as above).

    Raises
    ------
    NotebookError
        An unknown parameter, a value of the wrong type, a list for a single data set, an unknown data set or
        missing path, a mapping with other keys than the default's, or (``check_ranges``) a value out of range.

    Examples
    --------
    >>> from wechat_study import notebooks
    >>> notebooks.check("03-legal-thresholds", {"threshold_reposts": 1000.0, "compare": "WBMSF"})
    {'threshold_reposts': 1000, 'compare': ['wbmsf']}
    >>> notebooks.check("03-legal-thresholds", {"threshold": 1000})
    Traceback (most recent call last):
    ...
    wechat_study.notebooks.NotebookError: 03-legal-thresholds has no parameter 'threshold'; its parameters ...
    """
    base = defaults(stem)
    out = {}
    for name, value in overrides.items():
        if name not in base:
            raise NotebookError(f"{stem} has no parameter {name!r}; its parameters (with defaults) are: "
                                f"{describe(stem)}")
        default = base[name]
        if isinstance(default, list) and not isinstance(value, list):
            value = [value]
        choices = _dataset_choices(default)
        if choices is not None and isinstance(value, list) and not isinstance(default, list):
            raise NotebookError(f"{stem}: {name} takes one data set (a name or a path), not a list")
        table, paths_ok = _dataset_spec(ranges().get(stem, {}).get(name)) or (None, False)
        if choices is not None:
            value = [_dataset_value(stem, name, v, paths_ok) for v in value] if isinstance(value, list) else \
                _dataset_value(stem, name, value, paths_ok)
            bad = [v for v in (value if isinstance(value, list) else [value]) if v not in choices and not
                   (paths_ok and Path(v).is_absolute())]
            if bad:
                raise NotebookError(f"{stem}: {name}={bad[0]!r} is not a data set; choose from "
                                    f"{', '.join(sorted(choices))}" + (", or give the path of your own posts"
                                                                      if paths_ok else ""))
            _check_tables(stem, name, value, table, choices, paths_ok)
        elif not _fits(value, default):
            raise NotebookError(f"{stem}: {name} takes {_kind(default)} (default {json.dumps(default)}), "
                                f"not {json.dumps(value, ensure_ascii=False, default=str)}; its parameters are: "
                                f"{describe(stem)}")
        if isinstance(default, dict) and set(value) != set(default):
            raise NotebookError(f"{stem}: {name} takes a mapping with the keys {', '.join(default)}, "
                                f"not {', '.join(map(str, value)) or 'none'}")
        out[name] = _normalised(value, default)
    if _is_path(out.get("dataset")) and "compare" in base and "compare" not in out:
        out["compare"] = []  # your own data is compared with nothing unless you say so
    check_ranges(stem, {**base, **out})
    return out


def _check_tables(stem: str, name: str, value, table: str | None, choices: set[str], paths_ok: bool) -> None:
    """Refuse a catalogued data set that does not give the ``table`` the parameter's range asks for."""
    from .datasets.catalog import CATALOG

    if table is None:
        return
    for v in _items(value):
        if v in CATALOG and table not in CATALOG[v].tables:
            able = sorted(c for c in choices - {"all"} if c not in CATALOG or table in CATALOG[c].tables)
            raise NotebookError(
                f"{stem}: {name}={v!r} gives {' and '.join(CATALOG[v].tables)}, not the {table} this notebook "
                f"reads; choose from {', '.join(able)}" + (", or give the path of your own posts" if paths_ok else ""))


def accepted_datasets(stem: str, name: str = "dataset") -> list[str]:
    """The catalogued data sets (and ``synthetic``) that ``check`` lets a notebook's parameter name.

    Parameters
    ----------
    stem : str
        The notebook's stem.
    name : str
        A parameter that names data sets (``dataset``, ``compare``, ``keywords``).

    Returns
    -------
    list of str
        Sorted names; those whose tables the parameter's range (``ranges.yaml``) does not ask for are left out.

    Raises
    ------
    NotebookError
        ``name`` is not a parameter of the notebook that names data sets.

    Examples
    --------
    >>> from wechat_study import notebooks
    >>> notebooks.accepted_datasets("04-wechat-censorship")
    ['synthetic', 'wechatscope']
    >>> notebooks.accepted_datasets("04-wechat-censorship", "keywords")
    ['citizenlab', 'synthetic']
    """
    from .datasets.catalog import CATALOG

    choices = _dataset_choices(defaults(stem).get(name))
    if choices is None:
        raise NotebookError(f"{stem} has no parameter {name!r} that names data sets")
    table, _ = _dataset_spec(ranges().get(stem, {}).get(name)) or (None, False)
    return sorted(c for c in choices - {"all"} if table is None or c not in CATALOG or table in CATALOG[c].tables)


def _is_path(value) -> bool:
    return isinstance(value, str) and Path(value).is_absolute()


def _dataset_value(stem: str, name: str, value, paths_ok: bool) -> str:
    """A data set's name case-folded, or (where the parameter takes one) a path made absolute."""
    text = str(value)
    if paths_ok and ("/" in text or "\\" in text or "." in text or Path(text).exists()):
        path = Path(text).expanduser().resolve()
        if not path.exists():
            raise NotebookError(f"{stem}: {name}={text!r}: no such file or folder")
        return str(path)
    return text.lower()
