"""What a page says about the run that made it, so that a page sent alone keeps its context.

A page made with parameters other than the notebook's defaults (``wechat-study run``) names them three times:
in a banner at the top of the page (``banner``), in the title itself where it states a threshold (``retitled``), and in
the version line (``clause``). A page made with the defaults (``reports/``) says so in its version line only.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

__all__ = ["changed", "shown", "banner", "retitled", "clause"]

# The parameters a title may state, and the unit that follows the number there ("500 reposts").
TITLE_UNITS = {"threshold_reposts": "reposts", "threshold_views": "views"}


def changed(stem: str, params: dict) -> dict[str, tuple]:
    """The parameters whose values differ from the notebook's defaults.

    Parameters
    ----------
    stem : str
        The notebook's stem (its defaults are read from ``investigations/params.yaml``); an unknown stem has no
        defaults, so nothing is changed.
    params : dict
        The parameters the notebook ran with (``pages.executed_parameters``).

    Returns
    -------
    dict
        Name -> ``(value, default)``, in the order of ``params``.

    Examples
    --------
    >>> from wechat_study import run_notes
    >>> run_notes.changed("03-legal-thresholds", {"dataset": "ced", "threshold_reposts": 200})
    {'threshold_reposts': (200, 500)}
    """
    from .notebooks import defaults

    try:
        base = defaults(stem)
    except Exception:  # a page rendered from a notebook outside investigations/
        return {}
    return {k: (v, base[k]) for k, v in params.items() if k in base and v != base[k]}


def shown(value) -> str:
    """A parameter's value as a reader sees it: a path by its file name, a number with thousands separators.

    Parameters
    ----------
    value : object
        A parameter value (str, number, list, mapping).

    Returns
    -------
    str
        Plain text (not yet HTML-escaped).

    Examples
    --------
    >>> from wechat_study import run_notes
    >>> run_notes.shown("/home/me/posts.csv"), run_notes.shown(5000), run_notes.shown([30, 60]), run_notes.shown(0.5)
    ('your file posts.csv', '5,000', '[30, 60]', '0.5')
    """
    if isinstance(value, str):
        return f"your file {Path(value).name}" if Path(value).is_absolute() else value
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, list):
        return "[" + ", ".join(shown(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False, default=str)


def banner(stem: str, params: dict) -> str:
    """The banner of a page made with other parameters than the defaults (empty for a default run).

    Parameters
    ----------
    stem : str
        The notebook's stem.
    params : dict
        The parameters it ran with.

    Returns
    -------
    str
        An HTML ``<aside>`` naming each changed parameter with its default, or ``""``.

    Examples
    --------
    >>> from wechat_study import run_notes
    >>> print(run_notes.banner("03-legal-thresholds", {"threshold_reposts": 200}))
    <aside class="ws-run-banner" role="note"><strong>A run with other parameters.</strong> This page was made with
    threshold_reposts = 200 (the investigation uses 500). Every other parameter is the investigation's own
    (investigations/params.yaml); its findings are not the published ones.</aside>
    >>> run_notes.banner("03-legal-thresholds", {"threshold_reposts": 500})
    ''
    """
    diff = changed(stem, params)
    if not diff:
        return ""
    items = "; ".join(f"{html.escape(k)} = {html.escape(shown(v), quote=False)} (the investigation uses "
                      f"{html.escape(shown(d), quote=False)})" for k, (v, d) in diff.items())
    return ('<aside class="ws-run-banner" role="note"><strong>A run with other parameters.</strong> This page was '
            f"made with\n{items}. Every other parameter is the investigation's own\n(investigations/params.yaml); "
            "its findings are not the published ones.</aside>")


def retitled(title: str, stem: str, params: dict) -> str:
    """``title`` with each threshold it states ("500 reposts") set to the run's value.

    Parameters
    ----------
    title : str
        The notebook's title (its first ``# `` heading).
    stem : str
        The notebook's stem.
    params : dict
        The parameters it ran with.

    Returns
    -------
    str
        The title; unchanged for a default run or a title that states no changed threshold.

    Examples
    --------
    >>> from wechat_study import run_notes
    >>> run_notes.retitled("How fast do posts reach 500 reposts or 5,000 views?", "03-legal-thresholds",
    ...                    {"threshold_reposts": 200})
    'How fast do posts reach 200 reposts or 5,000 views?'
    """
    for name, (value, default) in changed(stem, params).items():
        unit = TITLE_UNITS.get(name)
        if unit and isinstance(value, int | float) and isinstance(default, int | float):
            title = title.replace(f"{default:,} {unit}", f"{value:,} {unit}")
    return title


def clause(stem: str, params: dict) -> str:
    """The version line's words on parameters.

    Parameters
    ----------
    stem : str
        The notebook's stem.
    params : dict
        The parameters it ran with.

    Returns
    -------
    str
        Plain text: "with the investigation's parameters" or "with NAME = VALUE, … (other parameters the
        investigation's)".

    Examples
    --------
    >>> from wechat_study import run_notes
    >>> run_notes.clause("03-legal-thresholds", {"threshold_reposts": 500})
    "with the investigation's parameters"
    >>> run_notes.clause("03-legal-thresholds", {"threshold_reposts": 200, "seed": 7})
    "with threshold_reposts = 200, seed = 7 (every other parameter the investigation's)"
    """
    diff = changed(stem, params)
    if not diff:
        return "with the investigation's parameters"
    return ("with " + ", ".join(f"{k} = {shown(v)}" for k, (v, _) in diff.items())
            + " (every other parameter the investigation's)")
