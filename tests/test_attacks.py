"""The hostile-user attacks of the safety review, re-run as a user would run them: through the command line,
each in a subprocess with bounded memory (``RLIMIT_AS``) and time, on a data folder of the test's own.

Each asserts the refusal or the one-line error (the bad file named, no traceback) and that nothing was
half-written or served from other data. Crafted archives are fetched here through ``--mirror``; the archive
reader's other checks (sizes, hashes, truncation) are in ``test_fetch.py``; pickling of every error class
and multi-process bad input in ``test_bad_input.py``; pseudonym known answers in ``test_privacy.py``.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tarfile
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-c", "import sys; from wechat_study.cli import main; sys.exit(main())"]
MEMORY = 2 << 30  # bytes of address space each attacked command may use
TIMEOUT_S = 120


def attack(args: list[str], data: Path, *, file_size: int | None = None, cwd: Path = ROOT, expect: int = 1):
    """Run ``wechat-study ARGS`` on the data folder ``data``, memory- and time-bounded; return (stdout, stderr).

    ``file_size`` caps the bytes any file may grow to (``RLIMIT_FSIZE``): writes beyond it fail as on a full disk.
    """
    def limits():
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
        if file_size is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))

    env = {**os.environ, "WECHAT_STUDY_DATA": str(data), "PYTHONPATH": str(ROOT)}
    r = subprocess.run([*CLI, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT_S,
                       preexec_fn=limits)
    assert "Traceback" not in r.stderr, r.stderr
    assert r.returncode == expect, (r.returncode, r.stdout[-2000:], r.stderr[-2000:])
    if expect:
        lines = [line for line in r.stderr.splitlines() if line.startswith("wechat-study: error:")]
        assert len(lines) == 1, r.stderr
    return r.stdout, r.stderr


@pytest.fixture(scope="module")
def fetched(tmp_path_factory, mirror) -> Path:
    """A data folder with wbmsf and wechatscope fetched and prepared (once for the module)."""
    data = tmp_path_factory.mktemp("attacks") / "data"
    attack(["data", "prepare", "wbmsf", "wechatscope"], data, expect=0)
    return data


@pytest.fixture
def data(fetched, tmp_path) -> Path:
    """A copy of ``fetched`` for one attack (the raw files keep their times, so the copy stays verified)."""
    copy = tmp_path / "data"
    shutil.copytree(fetched, copy, symlinks=True)
    return copy


def _processed(data: Path, name: str) -> Path:
    return data / "processed" / name


@pytest.mark.slow
def test_a_file_added_to_a_raw_folder_is_named_and_refused(data):
    extra = data / "raw" / "wbmsf" / "data" / "repost_cascades" / "99999.csv"
    shutil.copy(next(extra.parent.glob("*.csv")), extra)
    for args in (["data", "fetch", "wbmsf"], ["data", "prepare", "wbmsf", "--force"]):
        _, err = attack(args, data)
        assert "data/repost_cascades/99999.csv" in err and "does not list" in err
    assert not (data / "processed" / "wbmsf").joinpath("posts.parquet").stat().st_size == 0
    attack(["data", "fetch", "wbmsf", "--force"], data, expect=0)  # the way out the message gives
    assert not extra.exists()


@pytest.mark.parametrize("kind", ["symlinked_folder", "folder_named_like_a_file"])
def test_a_folder_added_to_a_raw_folder_is_named_and_refused(data, tmp_path, kind):
    cascades = data / "raw" / "wbmsf" / "data" / "repost_cascades"
    if kind == "symlinked_folder":  # the files stay listed, but the folder now leads elsewhere
        elsewhere = tmp_path / "elsewhere"
        shutil.move(cascades, elsewhere)
        cascades.symlink_to(elsewhere)
        shutil.copy(next(elsewhere.glob("*.csv")), elsewhere / "99999.csv")
        named = "data/repost_cascades"
    else:
        (cascades / "evil.csv").mkdir()
        named = "data/repost_cascades/evil.csv"
    _, err = attack(["data", "prepare", "wbmsf", "--force"], data)
    assert named in err and "does not list" in err


@pytest.mark.slow
@pytest.mark.parametrize("damage", ["truncate", "delete", "swap_columns", "break_quality"])
def test_a_damaged_processed_table_is_caught_and_rebuilt(data, damage):
    folder = _processed(data, "wechatscope")
    table = folder / "removals.parquet"
    original = pd.read_parquet(table)
    if damage == "truncate":
        table.write_bytes(table.read_bytes()[: table.stat().st_size // 2])
    elif damage == "delete":
        table.unlink()
    elif damage == "swap_columns":
        original.drop(columns=original.columns[0]).assign(extra=1).to_parquet(table)
    else:
        (folder / "quality.json").write_text("{not json", "utf-8")
    out, _ = attack(["data", "list"], data, expect=0)
    line = out.splitlines()[next(i for i, t in enumerate(out.splitlines()) if t.startswith("wechatscope"))]
    assert line.split()[1] == "fetched"
    assert "wechat-study data prepare wechatscope" in out
    attack(["data", "prepare", "wechatscope"], data, expect=0)  # not "prepared in 0.0 s" from the damaged copy
    pd.testing.assert_frame_equal(pd.read_parquet(table), original)
    json.loads((folder / "quality.json").read_text("utf-8"))


def test_the_notebook_cache_key_follows_the_processed_tables(data, monkeypatch):
    monkeypatch.setenv("WECHAT_STUDY_DATA", str(data))
    from wechat_study import corpus, reporting

    params = {"dataset": "wechatscope", "keywords": "citizenlab"}
    before = reporting.cache_key("04-wechat-censorship", params)
    table = _processed(data, "wechatscope") / "removals.parquet"
    original = pd.read_parquet(table)
    original.iloc[1:].to_parquet(table)  # a hand edit: one row fewer
    assert corpus.problem("wechatscope") == "removals.parquet differs from what prepare wrote"
    pd.testing.assert_frame_equal(corpus.load("wechatscope").removals, original)  # rebuilt before use
    assert corpus.is_prepared("wechatscope")
    assert reporting.cache_key("04-wechat-censorship", params) == before  # same data again, same key
    stamp = json.loads((_processed(data, "wechatscope") / corpus.STAMP).read_text("utf-8"))
    assert set(stamp["files"]) == {"removals.parquet", "quality.json"}


@pytest.mark.parametrize("args, words", [
    (["run", "03", "-p", "threshold_views", "-5000"], "threshold_views=-5000 is out of range; must be at least 1"),
    (["run", "04", "-p", "coverage", "1.5"], "coverage=1.5 is out of range; must be between 0 and 1"),
    (["run", "05", "-p", "test_share", "0"], "test_share=0.0 is out of range"),
    (["run", "05", "-p", "headline_minutes", "45"], "headline_minutes=45 must be one of observation_minutes"),
    (["run", "06", "-p", "scenario_by_1h", "0.95"], "scenario_by_1h=0.95 must be at most scenario_by_24h"),
    (["run", "03", "-p", "interpretation_date", "2013-02-30"], "is not a date; write it as YYYY-MM-DD"),
    (["run", "03", "-p", "interpretation_date", "!!binary aGVsbG8="], "is not a date"),
    (["run", "03", "-p", "seed", "!!set {a: null}"], "seed takes a whole number"),
    (["run", "04", "-p", "seed", "&a [*a]"], "seed takes a whole number"),  # a YAML alias: refused, not expanded
    (["run", "03", "-p", "view_rates", "[]"], "view_rates takes a list of numbers"),
    (["run", "06", "-p", "tail_assumptions", "{window_upper: 1000, donor_from: 900, cap: x, exponents: [1]}"],
     "tail_assumptions takes a mapping (window_upper: a whole number;"),
    (["run", "06", "-p", "bands", "{by_1h: [], by_24h: [0.9], deletion_probability: [0.1], speed_exponent: [1]}"],
     "bands takes a mapping"),
])
def test_parameters_out_of_range_or_oddly_typed_get_one_line(data, tmp_path, args, words):
    _, err = attack([*args, "--out", str(tmp_path / "out")], data)
    assert words in err
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_a_full_disk_gets_one_line_naming_the_path_and_leaves_nothing_half_written(data, tmp_path):
    shutil.rmtree(_processed(data, "wbmsf"))
    _, err = attack(["data", "prepare", "wbmsf"], data, file_size=100_000)
    assert "file too large (the disk refused)" in err and "processed" in err
    assert not _processed(data, "wbmsf").exists()
    assert not [p for p in (data / "processed").iterdir() if p.name.startswith(".wbmsf")]
    _, err = attack(["synth", "--out", str(tmp_path / "synth"), "--posts", "200000"], data, file_size=100_000)
    assert "the disk refused" in err and str(tmp_path / "synth") in err
    assert not (tmp_path / "synth").exists()
    shutil.rmtree(data / "raw" / "wechatscope")
    _, err = attack(["data", "fetch", "wechatscope"], data, file_size=100_000)
    assert "the disk refused" in err and "corrupt" not in err
    assert not (data / "raw" / "wechatscope").exists()


@pytest.mark.slow
def test_a_full_disk_while_the_pseudonym_key_is_made_leaves_no_key(data):
    (data / "pseudonym.key").unlink(missing_ok=True)
    shutil.rmtree(_processed(data, "wechatscope"))
    env_key = os.environ.pop("WECHAT_STUDY_PSEUDONYM_KEY", None)
    try:
        _, err = attack(["data", "prepare", "wechatscope"], data, file_size=10)
        assert "the disk refused" in err
        assert not (data / "pseudonym.key").exists()
        attack(["data", "prepare", "wechatscope"], data, expect=0)  # room again: a whole key is made
    finally:
        if env_key is not None:
            os.environ["WECHAT_STUDY_PSEUDONYM_KEY"] = env_key
    assert len((data / "pseudonym.key").read_text("ascii").strip()) == 32


def test_run_outputs_are_ignored_by_git_wherever_under_runs():
    r = subprocess.run(["git", "check-ignore", "-q", "runs/mine/a/executed.ipynb"], cwd=ROOT)
    assert r.returncode == 0


def test_a_ragged_edge_list_row_is_named_by_line_and_not_shown(tmp_path):
    import wechat_study as ws
    from wechat_study.errors import DataError

    path = tmp_path / "edges.csv"
    path.write_text("post_id,parent_id,user_id,time\n1,,5555512345,0\n2,1,5555599999,5,extra\n", "utf-8")
    with pytest.raises(DataError) as e:
        ws.load_edgelist(path)
    assert "record line 3" in str(e.value) and "expected 4 columns, got 5" in str(e.value)
    assert "5555599999" not in str(e.value)


def _crafted(mirror: Path, dest: Path, before: list[tuple[tarfile.TarInfo, bytes]] = (),
             after: list[tuple[tarfile.TarInfo, bytes]] = ()) -> Path:
    """A mirror folder at ``dest`` whose wechatscope archive is the real one with raw tar blocks (a header as
    declared, then ``bytes``, which may be shorter than the header says) put before and after its members."""
    from wechat_study.datasets.catalog import get

    ds = get("wechatscope")
    (dest / "wechatscope").mkdir(parents=True)
    with tarfile.open(mirror / "wechatscope" / ds.archive_name, "r:gz") as tin:
        real = io.BytesIO()
        with tarfile.open(fileobj=real, mode="w", format=tarfile.USTAR_FORMAT) as tout:
            for m in tin:
                tout.addfile(m, tin.extractfile(m) if m.isfile() else None)
        body = real.getvalue().rstrip(b"\0")
    body += b"\0" * (-len(body) % tarfile.BLOCKSIZE)

    def blocks(members):
        return b"".join(m.tobuf(tarfile.USTAR_FORMAT) + data + b"\0" * (-len(data) % tarfile.BLOCKSIZE)
                        for m, data in members)

    with gzip.open(dest / "wechatscope" / ds.archive_name, "wb", compresslevel=1) as out:
        out.write(blocks(before) + body + blocks(after) + b"\0" * (2 * tarfile.BLOCKSIZE))
    return dest


def _header(name: str, kind: bytes, size: int) -> tarfile.TarInfo:
    from wechat_study.datasets.catalog import get

    m = tarfile.TarInfo(f"{get('wechatscope').top_folder}/{name}")
    m.type, m.size = kind, size
    return m


@pytest.mark.parametrize("kind", [tarfile.XHDTYPE, tarfile.GNUTYPE_LONGNAME])
def test_a_huge_extended_tar_header_is_refused_before_it_is_read(data, mirror, tmp_path, kind):
    # tarfile reads pax and GNU long-name data whole: 3 GB declared, 32 MiB present, under a 2 GiB memory cap
    header = _header("PaxHeader", kind, 3_000_000_000), b"a" * (32 << 20)
    crafted = _crafted(mirror, tmp_path / "mirror", before=[header])
    shutil.rmtree(data / "raw" / "wechatscope")
    _, err = attack(["data", "fetch", "wechatscope", "--mirror", str(crafted)], data)
    assert "an extended header of 3,000,000,000 bytes (at most 1,048,576 are read)" in err
    assert not (data / "raw" / "wechatscope").exists()


def test_a_huge_member_outside_the_manifest_is_refused_unread(data, mirror, tmp_path):
    header = _header("video.mp4", tarfile.REGTYPE, 3_000_000_000), b"\0" * (1 << 20)
    crafted = _crafted(mirror, tmp_path / "mirror", before=[header])
    shutil.rmtree(data / "raw" / "wechatscope")
    _, err = attack(["data", "fetch", "wechatscope", "--mirror", str(crafted)], data)
    assert "is not the pinned upstream archive" in err and "video.mp4 is 3,000,000,000 bytes" in err
    assert not (data / "raw" / "wechatscope").exists()


@pytest.mark.parametrize("kind, count, words", [
    (tarfile.XHDTYPE, 3000, "extended headers chained too deep"),  # tarfile recurses once per chained header
    (tarfile.XGLTYPE, 40, "more than 16,777,216 bytes of extended headers"),  # global keys all stay in memory
])
def test_many_extended_tar_headers_are_refused(data, mirror, tmp_path, kind, count, words):
    size = 1000 if kind == tarfile.XHDTYPE else 1 << 20
    headers = []
    for i in range(count):
        record = f"k{i}=" + "v" * (size - len(f"k{i}=") - 12)
        body = f"{len(record) + 1 + len(str(len(record) + 1)) + 1} {record}\n".encode()
        headers.append((_header(f"PaxHeader{i}", kind, len(body)), body))
    crafted = _crafted(mirror, tmp_path / "mirror", before=headers)
    shutil.rmtree(data / "raw" / "wechatscope")
    _, err = attack(["data", "fetch", "wechatscope", "--mirror", str(crafted)], data)
    assert words in err
    assert not (data / "raw" / "wechatscope").exists()


def test_reading_stops_once_every_manifest_file_is_found(data, mirror, tmp_path):
    # what follows the manifest's files is never read: here a header that would otherwise be refused
    header = _header("PaxHeader", tarfile.XHDTYPE, 3_000_000_000), b""
    crafted = _crafted(mirror, tmp_path / "mirror", after=[header])
    shutil.rmtree(data / "raw" / "wechatscope")
    attack(["data", "fetch", "wechatscope", "--mirror", str(crafted)], data, expect=0)
    attack(["data", "prepare", "wechatscope"], data, expect=0)


def test_an_output_folder_under_a_file_is_refused_before_the_run(data, tmp_path):
    (tmp_path / "afile").write_text("", "utf-8")
    _, err = attack(["run", "04", "-p", "dataset", "synthetic", "-p", "keywords", "synthetic",
                     "--out", str(tmp_path / "afile" / "sub")], data)
    assert "is a file and not a folder" in err
