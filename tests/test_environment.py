"""environment.yml (for conda users) pins the same versions as uv.lock."""

from __future__ import annotations

import re
import tomllib
from collections import defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_environment_yml_agrees_with_the_lock():
    lock = tomllib.loads((ROOT / "uv.lock").read_text("utf-8"))
    locked = defaultdict(set)
    for p in lock["package"]:
        locked[norm(p["name"])].add(p["version"])
    env = yaml.safe_load((ROOT / "environment.yml").read_text("utf-8"))
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    pins = {}
    for line in pip:
        if line == "-e .":
            continue
        m = re.fullmatch(r"([A-Za-z0-9_.\-]+)==([^\s;]+)(\s*;.*)?", line)
        assert m, f"environment.yml: {line!r} is not an exact pin"
        name, version = norm(m.group(1)), m.group(2)
        assert version in locked[name], f"environment.yml pins {name}=={version}; uv.lock has {sorted(locked[name])}"
        pins.setdefault(name, set()).add(version)
    project = next(p for p in lock["package"] if p["name"] == "wechat-study")
    direct = {norm(d["name"]) for d in project["dependencies"]}
    assert direct <= set(pins), f"environment.yml lacks {sorted(direct - set(pins))}"
    assert "python=3.11" in env["dependencies"]
