"""The wheel alone: built from the checkout, installed into a fresh environment with the base dependencies only
(at the lock's versions), it imports the library, loads and checks a researcher's file, and the command line
answers; a command that needs an extra or the checkout says which, in one line."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent


def _uv() -> str:
    found = ROOT / ".tools" / "bin" / "uv"
    return str(found) if found.is_file() else (shutil.which("uv") or pytest.fail("no uv: run `make env` first"))


def _sh(*args, env=None, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(list(map(str, args)), capture_output=True, text=True, env=env, cwd=cwd, timeout=600)


@pytest.fixture(scope="module")
def wheel_env(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("wheel")
    uv = _uv()
    built = _sh(uv, "build", "--wheel", "--out-dir", tmp / "dist", cwd=ROOT)
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp / "dist").glob("wechat_study-*.whl")
    pins = _sh(uv, "export", "--frozen", "--no-dev", "--no-emit-project", "--no-hashes", "--no-header",
               "--no-annotate", "--format", "requirements-txt", cwd=ROOT)
    assert pins.returncode == 0, pins.stderr
    (tmp / "pins.txt").write_text(pins.stdout)
    venv = tmp / "venv"
    made = _sh(uv, "venv", "--quiet", "--python", sys.executable, venv)
    assert made.returncode == 0, made.stderr
    env = {**os.environ, "VIRTUAL_ENV": str(venv)}
    installed = _sh(uv, "pip", "install", "--quiet", "-c", tmp / "pins.txt", wheel, env=env)
    assert installed.returncode == 0, installed.stderr
    run_env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    run_env["WECHAT_STUDY_DATA"] = str(tmp / "data")
    work = tmp / "work"
    work.mkdir()
    for f in ("weibo-cascades.csv", "weibo-cascades.csv.yaml"):
        shutil.copy(ROOT / "examples" / f, work / f)
    return venv / "bin", run_env, work


def test_the_wheel_holds_the_library_and_not_the_notebooks_stack(wheel_env):
    bin_, env, work = wheel_env
    listed = _sh(bin_ / "python", "-m", "pip", "list", "--format=freeze", env=env)
    names = {line.split("==")[0].lower() for line in (listed.stdout or "").splitlines()}
    if listed.returncode != 0:  # a uv-made venv may have no pip: ask importlib instead
        probe = _sh(bin_ / "python", "-c", "import importlib.metadata as m; print('\\n'.join(d.metadata['Name'] for d "
                    "in m.distributions()))", env=env)
        names = {n.lower() for n in probe.stdout.split()}
    assert {"pandas", "pyarrow", "numba", "wechat-study"} <= {n.replace("_", "-") for n in names}
    assert not {"altair", "papermill", "jupyterlab", "dask"} & names


def test_the_wheel_loads_and_checks_a_researchers_file(wheel_env):
    bin_, env, work = wheel_env
    code = ("import wechat_study as ws; c = ws.load('weibo-cascades.csv'); m = ws.cascade_metrics(c.posts); "
            "print(len(c.cascades), len(m), ws.__version__)")
    out = _sh(bin_ / "python", "-c", code, env=env, cwd=work)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split()[:2] == ["303", "303"]
    check = _sh(bin_ / "wechat-study", "data", "check", "weibo-cascades.csv", env=env, cwd=work)
    assert check.returncode == 0, check.stderr
    assert "quality report: example_weibo" in check.stdout and "run it: wechat-study run 03" in check.stdout


def test_the_wheels_command_line_answers_and_names_what_is_missing(wheel_env):
    bin_, env, work = wheel_env
    helped = _sh(bin_ / "wechat-study", "--help", env=env, cwd=work)
    assert helped.returncode == 0 and "examples:" in helped.stdout
    run = _sh(bin_ / "wechat-study", "run", "03", env=env, cwd=work)
    assert run.returncode == 1 and "pip install 'wechat_study[reports]'" in run.stderr
    assert run.stderr.count("\n") == 1, run.stderr
    listing = _sh(bin_ / "wechat-study", "run", "03", "--help", env=env, cwd=work)
    assert listing.returncode == 2 and "the notebooks are not here" in listing.stderr
    synth = _sh(bin_ / "wechat-study", "synth", "--posts", "500", "--out", work / "parts", env=env, cwd=work)
    assert synth.returncode == 0, synth.stderr
    metrics = _sh(bin_ / "wechat-study", "metrics", work / "parts", "--out", work / "m.parquet", env=env, cwd=work)
    assert metrics.returncode == 1 and "pip install 'wechat_study[scale]'" in metrics.stderr
