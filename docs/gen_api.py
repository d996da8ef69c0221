"""Write docs/pages/api/<module>.md, one page per module of the package, each rendering its docstrings.

Run from the repository's top folder after adding or removing a module (a test checks the pages match):

    .venv/bin/python docs/gen_api.py
"""

from __future__ import annotations

import pkgutil
from pathlib import Path

import wechat_study

API = Path(__file__).resolve().parent / "pages" / "api"


def modules() -> list[str]:
    return ["wechat_study"] + sorted(m.name for m in pkgutil.walk_packages(wechat_study.__path__, "wechat_study."))


def page(name: str) -> str:
    return f"# `{name}`\n\n::: {name}\n" + ("    options:\n      members: true\n" if name != "wechat_study" else
                                             "    options:\n      members: false\n")


if __name__ == "__main__":
    API.mkdir(exist_ok=True)
    for old in API.glob("*.md"):
        old.unlink()
    for name in modules():
        (API / f"{name}.md").write_text(page(name), "utf-8")
    print(f"{len(modules())} pages in {API}")
