"""The command line: every user mistake is one line on stderr (never a traceback), help is quick and complete."""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from wechat_study import cli, notebooks
from wechat_study.errors import WechatStudyError

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "wechat_study.cli"]
STEMS = ", ".join(notebooks.stems())


def shell(*args, env=None):
    return subprocess.run(CLI + list(args), capture_output=True, text=True, cwd=ROOT, timeout=300,
                          env={**os.environ, **(env or {})})


def one_line_error(out, code: int) -> str:
    """The error line, after checking there is exactly one, no traceback, and the exit status."""
    assert out.returncode == code, (out.returncode, out.stderr)
    assert "Traceback" not in out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("wechat-study: error: "), out.stderr
    return lines[0]


def main(capsys, *argv, code: int) -> str:
    """``cli.main`` in this process; returns its single stderr line."""
    assert cli.main(list(argv)) == code
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("wechat-study: error: "), err
    return lines[0]


# --- each mistake from the issue -----------------------------------------------------------------------

@pytest.mark.parametrize("name", ["03-censorship", "99", "weibo"])
def test_reproduce_unknown_notebook_lists_the_names(name):
    line = one_line_error(shell("reproduce", name), 1)
    assert f"no notebook '{name}'" in line and STEMS in line


@pytest.mark.parametrize("short", ["03", "3", "03-thresholds", "03-legal-thresholds", "legal-thresholds",
                                   "Legal-Thresholds", "03-legal-thresholds.ipynb"])
def test_short_notebook_names_resolve(short):
    assert notebooks.resolve(short) == "03-legal-thresholds"


def test_ambiguous_notebook_name_says_which():
    with pytest.raises(WechatStudyError, match="fits several notebooks"):
        notebooks.resolve("e")


def test_synth_posts_zero():
    line = one_line_error(shell("synth", "--posts", "0", "--out", "never-written"), 2)
    assert "--posts: must be at least 1, not 0" in line
    assert not (ROOT / "never-written").exists()


@pytest.mark.parametrize("workers", ["0", "-1", "two"])
def test_metrics_workers_must_be_positive(capsys, tmp_path, workers):
    line = main(capsys, "metrics", str(tmp_path), "--out", str(tmp_path / "m.parquet"), "--workers", workers, code=2)
    assert "argument --workers:" in line
    assert not (tmp_path / "m.parquet").exists()


def test_metrics_workers_minus_one_does_not_hang(tmp_path):
    t = time.perf_counter()
    one_line_error(shell("metrics", str(tmp_path), "--out", str(tmp_path / "m.parquet"), "--workers", "-1"), 2)
    assert time.perf_counter() - t < 60


def test_metrics_missing_folder(capsys, tmp_path):
    line = main(capsys, "metrics", str(tmp_path / "nope"), "--out", str(tmp_path / "m.parquet"), code=2)
    assert "nope: no such folder" in line


def test_unknown_data_set_lists_the_catalog(capsys, tmp_data):
    line = main(capsys, "data", "fetch", "weibo", code=1)
    assert line.endswith("unknown data set 'weibo'; the catalog has: ced, citizenlab, twitter15, twitter16, wbmsf, "
                         "wechatscope")


def test_load_unknown_data_set_is_a_clear_error(tmp_data):
    import wechat_study as ws

    with pytest.raises(WechatStudyError, match="the catalog has: ced, citizenlab"):
        ws.load("weibo")


def test_data_set_names_are_case_folded(capsys, tmp_data, tmp_path):
    empty = tmp_path / "mirror"
    empty.mkdir()
    line = main(capsys, "data", "fetch", "CED", "--mirror", str(empty), code=1)
    assert "ced: the mirror has no" in line  # CED was understood as ced: it looked for ced's archive


def test_audit_accepts_mirror(tmp_path):
    args = cli.parser().parse_args(["audit", "--mirror", str(tmp_path)])
    assert args.func is cli.cmd_audit and args.mirror == str(tmp_path)


def test_mirror_folder_that_does_not_exist(capsys, tmp_data, tmp_path):
    for argv in (["audit"], ["data", "fetch", "ced"], ["reproduce"], ["run", "03"], ["verify"]):
        line = main(capsys, *argv, "--mirror", str(tmp_path / "nope"), code=2)
        assert f"--mirror: {tmp_path / 'nope'}: no such folder" in line


def test_mirror_variable_that_names_no_folder(capsys, tmp_data, tmp_path, monkeypatch):
    monkeypatch.setenv("WECHAT_STUDY_MIRROR", str(tmp_path / "nope"))
    line = main(capsys, "data", "fetch", "ced", code=1)
    assert f"WECHAT_STUDY_MIRROR={tmp_path / 'nope'}: no such folder" in line


def test_run_unknown_parameter_lists_parameters_and_defaults(capsys):
    line = main(capsys, "run", "03", "-p", "threshold", "1000", code=1)
    assert "03-legal-thresholds has no parameter 'threshold'" in line
    assert "threshold_reposts=500" in line and 'dataset="ced"' in line


def test_run_parameter_of_the_wrong_type(capsys):
    line = main(capsys, "run", "legal-thresholds", "-p", "threshold_reposts", "many", code=1)
    assert "threshold_reposts takes a whole number (default 500), not \"many\"" in line
    line = main(capsys, "run", "03", "-p", "dataset", "weibo", code=1)
    assert "dataset='weibo' is not a data set" in line and "synthetic" in line


@pytest.mark.parametrize("text", ["2014-01-01", "2014-01-01 10:00:00", "!!binary aGVsbG8=", "!!set {a: null}"])
def test_run_parameter_that_yaml_types_oddly_gets_one_line(capsys, text):
    assert notebooks.parse_value("[2014-01-01, 5]") == ["2014-01-01", 5]  # a date is its ISO text
    date = notebooks.check("03-legal-thresholds", {"interpretation_date": notebooks.parse_value("2014-01-01")})
    assert date == {"interpretation_date": "2014-01-01"}
    line = main(capsys, "run", "03", "-p", "threshold_reposts", text, code=1)
    assert "threshold_reposts takes a whole number (default 500), not " in line and "Traceback" not in line


def test_run_parameter_given_twice(capsys):
    assert "given twice" in main(capsys, "run", "03", "-p", "seed", "1", "-p", "seed", "2", code=2)


def test_run_into_a_folder_it_must_not_touch(capsys, tmp_path):
    (tmp_path / "mine.txt").write_text("keep me")
    line = main(capsys, "run", "04", "-p", "dataset", "synthetic", "--out", str(tmp_path), code=1)
    assert "the folder is not empty and was not written by wechat-study run" in line
    assert [p.name for p in tmp_path.iterdir()] == ["mine.txt"]


@pytest.mark.parametrize("argv", [[], ["bogus"], ["data"], ["run"], ["cache"], ["synth", "--posts", "10"],
                                  ["metrics", "."], ["run", "03", "-p", "x"]])
def test_argument_errors_are_one_line(capsys, argv):
    assert "(see `wechat-study" in main(capsys, *argv, code=2)


# --- help and version ------------------------------------------------------------------------------------

def _parsers(p: argparse.ArgumentParser):
    yield p
    for action in p._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from _parsers(sub)


def test_every_option_has_help_and_no_rest_markup():
    for p in _parsers(cli.parser()):
        text = p.format_help()
        assert "``" not in text, p.prog
        assert p.description, f"{p.prog} has no description"
        for action in p._actions:
            if not isinstance(action, argparse._HelpAction | argparse._VersionAction | argparse._SubParsersAction):
                assert action.help, f"{p.prog} {action.option_strings or action.dest} has no help"
    assert "the random seed" in shell("synth", "--help").stdout


def test_help_has_description_and_examples():
    out = shell("--help")
    assert out.returncode == 0
    assert "5,000 views" in out.stdout and "examples:" in out.stdout
    assert "wechat-study run 03 -p threshold_reposts 750" in out.stdout


def test_version():
    out = shell("--version")
    assert out.returncode == 0 and re.fullmatch(r"wechat-study \d+\.\d+\.\d+\S*", out.stdout.strip())


def test_cli_module_imports_nothing_heavy():
    code = ("import sys; import wechat_study.cli; wechat_study.cli.parser().format_help(); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in {'pandas', 'numpy', 'pyarrow', 'networkx', "
            "'papermill', 'nbformat', 'dask', 'scipy', 'altair', 'yaml', 'numba', 'importlib_metadata'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_help_is_quick():
    """Best of five (the machine may be busy); ``benchmarks/bench_cli.py`` measures it properly."""
    times = []
    for _ in range(5):
        t = time.perf_counter()
        subprocess.run(CLI + ["--help"], capture_output=True, check=True, cwd=ROOT)
        times.append(time.perf_counter() - t)
    assert min(times) < 0.5, f"wechat-study --help took {min(times):.2f} s at best"


def test_help_names_every_catalogued_data_set():
    from wechat_study.datasets.catalog import CATALOG

    assert cli._catalog_names() == sorted(CATALOG)


def test_every_notebook_parameter_declares_its_range_and_the_defaults_lie_in_it():
    from wechat_study import notebooks

    for stem in notebooks.stems():
        declared = set(notebooks.ranges()[stem]) - {"rules", "needs"}
        names = set()
        for name, value in notebooks.defaults(stem).items():
            names |= {f"{name}.{k}" for k in value} if isinstance(value, dict) else {name}
        assert declared == names, stem
        notebooks.check_ranges(stem, notebooks.defaults(stem))


@pytest.mark.parametrize("spec, inside, outside, words", [
    ("[1, inf)", [1, 10**9], [0, -5000], "at least 1"),
    ("(0, 1)", [0.5], [0, 1, 1.5], "between 0 and 1, both excluded"),
    ("(0, 1]", [1], [0], "more than 0 and at most 1"),
    ("[100, 1000000]", [100, 10**6], [99, 10**6 + 1], "from 100 to 1,000,000"),
])
def test_a_range_in_interval_notation(spec, inside, outside, words):
    from wechat_study import notebooks

    assert notebooks.range_words(spec) == words
    assert all(notebooks._inside(x, spec) for x in inside)
    assert not any(notebooks._inside(x, spec) for x in outside)
