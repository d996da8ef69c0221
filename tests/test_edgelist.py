"""Edge lists: nothing silently wrong (times, ids, offsets, time zones), the same answer streamed or in
memory, and a one-line error naming file, row and problem for every bad input (issue 14)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import wechat_study as ws
from wechat_study.errors import OutputExistsError
from wechat_study.quality import QualityReport

HEAD = "post_id,parent_id,user_id,created_at\n"
ISO = "(write ISO 8601, e.g. 2020-01-31 08:05:00 or 2020-01-31T08:05:00+08:00)"


def write(tmp_path, text: str, name: str = "edges.csv", encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def error(path, **kw) -> str:
    with pytest.raises(ws.DataError) as e:
        ws.load_edgelist(path, **kw)
    assert "\n" not in str(e.value)
    return str(e.value)


@pytest.mark.parametrize("when", ["1600-01-01", "9999-12-31", "2300-01-01 00:00:00+08:00"])
def test_a_time_outside_the_representable_range_is_an_error(tmp_path, when):
    path = write(tmp_path, HEAD + f"a,,u1,2020-01-01\nb,a,u2,{when}\n")
    assert error(path) == (f"{path}: record row 2: created_at {when!r} is outside the times this package can hold "
                           "(1677-09-21 .. 2262-04-11)")


def test_a_parquet_time_outside_the_range_is_an_error(tmp_path):
    times = pa.array([0, -11_676_096_000 * 10**6], pa.timestamp("us", "UTC"))  # 1970 and 1600
    pq.write_table(pa.table({"post_id": ["a", "b"], "parent_id": [None, "a"], "user_id": ["u1", "u2"],
                             "created_at": times}), tmp_path / "e.parquet")
    assert error(tmp_path / "e.parquet") == (f"{tmp_path / 'e.parquet'}: record row 2: created_at "
                                             "'1600-01-01 00:00:00+00:00' is outside the times this package can "
                                             "hold (1677-09-21 .. 2262-04-11)")


def test_numeric_times_need_an_explicit_unit(tmp_path):
    path = write(tmp_path, HEAD + "a,,u1,1380000000\nb,a,u2,1380000060\n")
    assert error(path) == (f"{path}: record row 1: created_at '1380000000' is a number, and a number is not a "
                           "time until its unit is known (say what it counts: time_unit='s' (or 'ms', 'us', 'ns'))")
    posts = ws.load_edgelist(path, time_unit="s").posts.set_index("post_id")
    assert posts.loc["b", "created_at"] == pd.Timestamp("2013-09-24 05:21:00", tz="UTC")
    assert posts.loc["a", "created_at"] == pd.Timestamp(1_380_000_000, unit="s", tz="UTC")


def test_a_typical_pandas_parquet_integer_ids_float_parents_epoch_seconds(tmp_path):
    # parent_id is float because roots are NaN; created_at is epoch seconds
    df = pd.DataFrame({"post_id": [1, 2, 3, 4], "parent_id": [np.nan, 1.0, 2.0, 3.0], "user_id": [10, 11, 12, 13],
                       "created_at": [1_380_000_000, 1_380_000_060, 1_380_000_120, 1_380_000_180]})
    df.to_parquet(tmp_path / "e.parquet")
    assert error(tmp_path / "e.parquet") == (
        f"{tmp_path / 'e.parquet'}: created_at holds numbers (int64), and a number is not a time until its unit is "
        "known (say what they count: time_unit='s' (or 'ms', 'us', 'ns'))")
    corpus = ws.load_edgelist(tmp_path / "e.parquet", time_unit="s")
    posts = corpus.posts
    assert corpus.quality.count("orphans") == 0
    assert posts["parent_id"].tolist()[1:] == ["1", "2", "3"] and posts["parent_node"].tolist() == [-1, 0, 1, 2]
    assert ws.cascade_metrics(posts).iloc[0]["depth"] == 3
    assert posts["created_at"].dt.year.eq(2013).all()


def test_float_ids_written_to_csv_by_pandas_equal_the_integer_ids(tmp_path):
    df = pd.DataFrame({"post_id": [1, 2, 3], "parent_id": [np.nan, 1.0, 2.0], "user_id": [7, 7.0, 8],
                       "created_at": ["2020-01-01 00:00"] * 3})
    df.to_csv(tmp_path / "e.csv", index=False)  # parent_id is written as 1.0, 2.0
    posts = ws.load_edgelist(tmp_path / "e.csv").posts
    assert posts["parent_node"].tolist() == [-1, 0, 1] and not posts["is_orphan"].any()
    assert posts["user_id"].iloc[0] == posts["user_id"].iloc[1]


@pytest.mark.parametrize("value, why", [(1.5, "is not a whole number"),
                                        (2.0**60, "is too large for a float to hold exactly")])
def test_a_float_id_that_is_not_an_exact_whole_number(tmp_path, value, why):
    df = pd.DataFrame({"post_id": [1.0, value], "parent_id": [None, 1.0], "user_id": ["x", "y"],
                       "created_at": pd.to_datetime(["2020-01-01"] * 2, utc=True)})
    df.to_parquet(tmp_path / "e.parquet")
    assert error(tmp_path / "e.parquet") == (f"{tmp_path / 'e.parquet'}: record row 2: post_id {value!r} {why} "
                                             "(write ids as text or whole numbers)")


def test_per_row_utc_offsets_across_daylight_saving_are_honoured(tmp_path):
    path = write(tmp_path, HEAD + "a,,u1,2021-03-13T23:00:00-05:00\nb,a,u2,2021-03-14T04:00:00-04:00\n"
                                  "c,a,u3,2021-03-14 09:00:00\n")
    posts = ws.load_edgelist(path).posts.set_index("post_id")["created_at"]
    assert posts["a"] == pd.Timestamp("2021-03-14 04:00", tz="UTC")
    assert posts["b"] == pd.Timestamp("2021-03-14 08:00", tz="UTC")
    assert posts["c"] == pd.Timestamp("2021-03-14 09:00", tz="UTC")  # naive: read in timezone (UTC)


def test_a_naive_time_in_a_daylight_saving_gap_names_the_row(tmp_path):
    path = write(tmp_path, HEAD + "a,,u1,2021-03-14 01:30:00\nb,a,u2,2021-03-14 02:30:00\n")
    assert error(path, timezone="America/New_York") == (
        f"{path}: record row 2: created_at '2021-03-14 02:30:00' does not exist in America/New_York (the clocks "
        "skipped it for daylight saving) (give the UTC offset, e.g. 2021-03-14T02:30:00-05:00, or the times in UTC "
        "with timezone='UTC')")


def test_an_ambiguous_naive_time_names_the_row(tmp_path):
    path = write(tmp_path, HEAD + "a,,u1,2021-11-07 00:30:00\nb,a,u2,2021-11-07 01:30:00\n")
    assert error(path, timezone="America/New_York") == (
        f"{path}: record row 2: created_at '2021-11-07 01:30:00' is ambiguous in America/New_York (it happened "
        "twice as the clocks went back) (give the UTC offset, e.g. 2021-03-14T02:30:00-05:00, or the times in UTC "
        "with timezone='UTC')")


def test_beijing_time_has_no_gaps(tmp_path):
    path = write(tmp_path, HEAD + "a,,u1,2021-03-14 02:30:00\n")
    assert ws.load_edgelist(path, timezone="Asia/Shanghai").posts["created_at"].iloc[0] == \
        pd.Timestamp("2021-03-13 18:30", tz="UTC")


def test_an_unknown_time_zone(tmp_path):
    path = write(tmp_path, HEAD + "a,,u1,2021-03-14 02:30:00\n")
    assert error(path, timezone="Mars/Olympus") == (f"{path}: unknown time zone 'Mars/Olympus' (give an IANA name "
                                                    "such as 'Asia/Shanghai' or 'UTC')")


def duplicated_file(tmp_path):
    """34 distinct posts in 9 cascades, with 4 post ids repeated in other cascades."""
    rows = ["cascade_id,post_id,parent_id,user_id,created_at"]
    for c in range(9):
        rows.append(f"c{c},r{c},,u{c},2020-01-0{c + 1} 00:00")
        for k in range(1 + c % 5):
            rows.append(f"c{c},p{c}_{k},r{c},v{k},2020-01-0{c + 1} 0{k + 1}:00")
    for c, dup in ((8, "p0_0"), (7, "p1_1"), (6, "p2_0"), (5, "r3")):
        rows.append(f"c{c},{dup},r{c},w,2020-01-09 09:00")
    return write(tmp_path, "\n".join(rows) + "\n")


def test_streaming_enforces_post_id_uniqueness_across_parts_like_memory(tmp_path):
    path = duplicated_file(tmp_path)
    memory = ws.load_edgelist(path)
    assert len(memory.posts) == 34 and memory.quality.count("duplicate_records") == 4
    out = ws.load_edgelist(path, out=tmp_path / "out", rows_per_part=10)
    parts = sorted((out / "posts").glob("*.parquet"))
    assert len(parts) >= 3
    streamed = pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True)
    assert len(streamed) == 34 and streamed["post_id"].is_unique
    cols = ["cascade_id", "post_id", "parent_id", "created_at", "is_orphan"]
    pd.testing.assert_frame_equal(streamed.sort_values("post_id")[cols].reset_index(drop=True),
                                  memory.posts.sort_values("post_id")[cols].reset_index(drop=True), check_dtype=False)
    quality = ws.quality.QualityReport.from_dict(__import__("json").loads((out / "quality.json").read_text()))
    assert quality.quirks["duplicate_records"].examples == memory.quality.quirks["duplicate_records"].examples


def test_streaming_a_parquet_honours_rows_per_part(tmp_path):
    n = 3000
    cascade = np.repeat(np.arange(n // 10), 10)
    post = np.arange(n)
    parent = np.where(post % 10 == 0, np.nan, (post // 10) * 10)
    df = pd.DataFrame({"cascade_id": cascade, "post_id": post, "parent_id": parent, "user_id": post % 97,
                       "created_at": pd.Timestamp("2020-01-01", tz="UTC") + pd.to_timedelta(post, unit="s")})
    pq.write_table(pa.Table.from_pandas(df, preserve_index=False), tmp_path / "e.parquet", row_group_size=n)
    out = ws.load_edgelist(tmp_path / "e.parquet", out=tmp_path / "out", rows_per_part=300)
    parts = [len(pd.read_parquet(p)) for p in sorted((out / "posts").glob("*.parquet"))]
    assert len(parts) == 10 and sum(parts) == n and max(parts) < 600


def test_a_header_only_file(tmp_path):
    path = write(tmp_path, HEAD)
    assert error(path) == f"{path}: has a header but no rows (an edge list has one row per post)"
    path = write(tmp_path, "cascade_id," + HEAD, name="c.csv")
    assert error(path, out=tmp_path / "out") == f"{path}: has a header but no rows (an edge list has one row per post)"
    assert not (tmp_path / "out").exists()


def test_an_empty_file(tmp_path):
    path = write(tmp_path, "")
    assert error(path) == f"{path}: is empty (an edge list has a header line and one row per post)"


def test_a_nested_parquet_column(tmp_path):
    pq.write_table(pa.table({"post_id": [["a"], ["b"]], "parent_id": [None, "a"], "user_id": ["u1", "u2"],
                             "created_at": ["2020-01-01", "2020-01-02"]}), tmp_path / "e.parquet")
    assert error(tmp_path / "e.parquet") == (f"{tmp_path / 'e.parquet'}: column post_id holds list<element: string> "
                                             "values; ids must be text or whole numbers")


@pytest.mark.parametrize("streamed", [False, True])
def test_a_file_that_is_not_utf8(tmp_path, streamed):
    path = write(tmp_path, "cascade_id," + HEAD + "c,a,,用户,2020-01-01\n", encoding="gb18030")
    kw = {"out": tmp_path / "out"} if streamed else {}
    assert error(path, **kw) == f"{path}: is not UTF-8 text (save the file as UTF-8)"
    assert not (tmp_path / "out").exists()


def test_a_ragged_row_is_one_line(tmp_path):
    path = write(tmp_path, HEAD + "a,,u1,2020-01-01\nb,a\n")
    expected = "record line 3: cannot be read as CSV: expected 4 columns, got 2 (the row is not shown)"
    assert error(path) == f"{path}: {expected}"


def test_a_huge_cycle_gives_a_short_message_naming_the_first_posts(tmp_path):
    n = 1_000_000
    ids = np.char.add("n", np.arange(n).astype(str)).astype(object)
    df = pd.DataFrame({"cascade_id": "c", "post_id": np.r_[["root"], ids].astype(object),
                       "parent_id": np.r_[[None], np.roll(ids, 1)].astype(object), "user_id": "u",
                       "created_at": pd.Timestamp("2020-01-01", tz="UTC")})
    df.to_parquet(tmp_path / "cycle.parquet")
    message = error(tmp_path / "cycle.parquet")
    assert len(message) < 300
    assert message == (f"{tmp_path / 'cycle.parquet'}: record row 2: parent cycle: n0 -> n999999 -> n999998 -> "
                       "n999997 -> n999996 -> ... (1,000,000 posts in the cycle) (every post's parents must lead "
                       "back to the root)")


class TestOutputFolders:
    def test_an_existing_folder_with_other_files_is_refused_and_kept(self, tmp_path):
        v = tmp_path / "v"
        v.mkdir()
        path = duplicated_file(v)
        before = path.read_bytes()
        with pytest.raises(OutputExistsError) as e:
            ws.load_edgelist(path, out=v)
        assert str(e.value) == (f"{v}: the folder is not empty and was not written by load_edgelist (it holds "
                                "edges.csv); give a new or empty folder (nothing was changed)")
        assert path.read_bytes() == before and sorted(p.name for p in v.iterdir()) == ["edges.csv"]
        assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]

    def test_an_empty_folder_and_a_rerun_are_fine(self, tmp_path):
        path = duplicated_file(tmp_path)
        (tmp_path / "out").mkdir()
        ws.load_edgelist(path, out=tmp_path / "out")
        first = sorted(p.name for p in (tmp_path / "out").iterdir())
        ws.load_edgelist(path, out=tmp_path / "out", rows_per_part=10)
        assert sorted(p.name for p in (tmp_path / "out").iterdir()) == first
        assert ".wechat_study-output.json" in first

    def test_a_file_added_to_an_earlier_output_is_never_deleted(self, tmp_path):
        path = duplicated_file(tmp_path)
        out = ws.load_edgelist(path, out=tmp_path / "out")
        (out / "notes.txt").write_text("mine", "utf-8")
        with pytest.raises(OutputExistsError, match=r"holds files load_edgelist did not write \(notes.txt\)"):
            ws.load_edgelist(path, out=out)
        assert (out / "notes.txt").read_text("utf-8") == "mine"

    def test_another_commands_output_is_refused(self, tmp_path):
        from wechat_study import scaleout

        syn = tmp_path / "syn"
        scaleout.write_synthetic(syn, 2000, posts_per_file=1000)
        with pytest.raises(OutputExistsError, match="was not written by load_edgelist"):
            ws.load_edgelist(duplicated_file(tmp_path), out=syn)
        assert len(list(syn.glob("part-*.parquet"))) == 2


def test_a_shuffled_edge_list_gives_back_the_same_trees_and_valid_tables(tmp_path):
    from wechat_study.datasets.trees import cascade_table
    from wechat_study.schema import validate

    posts = ws.synthetic_posts(20_000, seed=1)
    posts[["cascade_id", "post_id", "parent_id", "user_id", "created_at"]].sample(frac=1, random_state=0).to_parquet(
        tmp_path / "e.parquet")
    corpus = ws.load_edgelist(tmp_path / "e.parquet")
    validate("posts", corpus.posts, "posts")
    validate("cascades", corpus.cascades, "cascades")
    pd.testing.assert_frame_equal(corpus.cascades, cascade_table(corpus.posts, "custom"))
    got, want = corpus.posts.set_index("post_id").sort_index(), posts.set_index("post_id").sort_index()
    assert got.index.equals(want.index)
    for col in ("cascade_id", "parent_id", "created_at", "is_root"):
        assert got[col].equals(want[col]) or (got[col].fillna("") == want[col].fillna("")).all(), col
    assert ws.cascade_metrics(corpus.posts).set_index("cascade_id")["depth"].equals(
        ws.cascade_metrics(posts).set_index("cascade_id").loc[lambda m: m.index.isin(corpus.cascades["cascade_id"]),
                                                              "depth"].sort_index())


@pytest.mark.parametrize("streamed", [False, True], ids=["in memory", "streamed"])
def test_naive_times_read_as_utc_by_default_are_said_loudly(tmp_path, streamed):
    path = write(tmp_path, "cascade_id," + HEAD + "a,a,,u1,2014-01-01 08:00:00\na,b,a,u2,2014-01-01T09:00:00+08:00\n"
                 "a,c,a,u3,2014-01-02\n")
    out = {"out": tmp_path / "out"} if streamed else {}
    with pytest.warns(UserWarning, match=r"edges\.csv: 2 times carry no UTC offset and were read as UTC; .*"
                                         r"timezone='Asia/Shanghai'"):
        got = ws.load_edgelist(path, **out)
    quality = QualityReport.from_dict(json.loads((got / "quality.json").read_text())) if streamed else got.quality
    assert quality.quirks["times_without_offset"].count == 2
    assert quality.quirks["times_without_offset"].action == "read as UTC (the default; set timezone)"
    assert quality.quirks["times_without_a_clock_time"].count == 1


def test_a_zone_given_is_not_warned_about_and_is_named_in_the_report(tmp_path, recwarn):
    path = write(tmp_path, HEAD + "a,,u1,2014-01-01 08:00:00\nb,a,u2,2014-01-01 09:00:00\n")
    for zone in ("UTC", "Asia/Shanghai"):
        corpus = ws.load_edgelist(path, timezone=zone)
        assert corpus.quality.quirks["times_without_offset"].action == f"read as {zone} (as given)"
    offsets = write(tmp_path, HEAD + "a,,u1,2014-01-01T08:00:00Z\n", name="utc.csv")
    assert ws.load_edgelist(offsets).quality.quirks["times_without_offset"].count == 0
    assert not [w for w in recwarn if "UTC offset" in str(w.message)]
