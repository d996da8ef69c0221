"""Bad input gets an error that names the file, the record and the problem; known quirks are counted."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import wechat_study as ws
from wechat_study.datasets import ced, twitter, wbmsf, wechatscope

SHOWN = "CED_Dataset/rumor-repost/0_Root1_*.json"


def make_ced(root: Path, records, source=None, text: str | None = None) -> Path:
    """A one-cascade CED tree of invented records (source post Root1 by user 111)."""
    base = root / "CED_Dataset"
    for folder in ("original-microblog", "rumor-repost", "non-rumor-repost"):
        (base / folder).mkdir(parents=True, exist_ok=True)
    src = source or {"time": 1_380_000_000, "reposts": 2, "comments": 0, "user": {"followers": 10}}
    (base / "original-microblog" / "0_Root1_111.json").write_text(json.dumps(src), "utf-8")
    body = text if text is not None else json.dumps(records, ensure_ascii=False)
    (base / "rumor-repost" / "0_Root1_111.json").write_text(body, "utf-8")
    return root


def rec(mid, parent="", date="2013-09-24 10:00:00", uid="222"):
    return {"mid": mid, "uid": uid, "parent": parent, "kids": [], "text": "", "date": date}


def load_ced(root):
    return ced.load(root, workers=1)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_error_of_the_package_survives_pickling():
    import pickle

    import wechat_study.cli  # noqa: F401  (every module that defines an error)
    import wechat_study.fetch  # noqa: F401
    import wechat_study.reporting  # noqa: F401

    classes = [ws.WechatStudyError, *_subclasses(ws.WechatStudyError)]
    assert len(classes) >= 10
    for cls in classes:
        e = cls("f.csv", "a problem", 3, "run this") if issubclass(cls, ws.DataError) else cls("a problem")
        back = pickle.loads(pickle.dumps(e))
        assert type(back) is cls and str(back) == str(e), cls
        if isinstance(e, ws.DataError):
            assert (back.path, back.problem, back.record, back.hint) == ("f.csv", "a problem", 3, "run this")


def test_bad_input_read_by_worker_processes_is_the_same_one_line_error(tmp_path):
    bad = rec("a2")
    del bad["date"]
    make_ced(tmp_path, [rec("a1"), bad])
    with pytest.raises(ws.DataError) as e:
        ced.load(tmp_path, workers=2)
    assert str(e.value) == f"{SHOWN}: record 1: missing field 'date'"


def test_malformed_json_names_the_file(tmp_path):
    make_ced(tmp_path, None, text='[{"mid": "a1", ')
    with pytest.raises(ws.DataError) as e:
        load_ced(tmp_path)
    assert str(e.value).startswith(f"{SHOWN}: malformed JSON: ")


def test_a_missing_field_names_the_record(tmp_path):
    bad = rec("a2")
    del bad["date"]
    make_ced(tmp_path, [rec("a1"), bad])
    with pytest.raises(ws.DataError) as e:
        load_ced(tmp_path)
    assert str(e.value) == f"{SHOWN}: record 1: missing field 'date'"


def test_a_parent_cycle_names_the_record_and_the_cycle(tmp_path):
    make_ced(tmp_path, [rec("a1", parent="a2"), rec("a2", parent="a1"), rec("a3")])
    with pytest.raises(ws.DataError) as e:
        load_ced(tmp_path)
    assert str(e.value) == (
        f"{SHOWN}: record 0 (a1): parent cycle: a1 -> a2 -> a1 (every post's parents must lead back to the root)"
    )


@pytest.mark.parametrize("date", ["2013-13-45 10:00:00", "yesterday 10:00"])
def test_an_unparseable_date_names_the_record(tmp_path, date):
    make_ced(tmp_path, [rec("a1"), rec("a2", date=date)])
    with pytest.raises(ws.DataError) as e:
        load_ced(tmp_path)
    assert str(e.value) == f"{SHOWN}: record 1 (a2): unparseable date {date!r}"


def test_a_source_time_that_is_not_a_time(tmp_path):
    make_ced(tmp_path, [rec("a1")], source={"time": "last week", "user": "empty"})
    with pytest.raises(ws.DataError) as e:
        load_ced(tmp_path)
    assert (
        str(e.value)
        == "CED_Dataset/original-microblog/0_Root1_*.json: record time: unparseable source time 'last week'"
    )


def test_known_quirks_are_handled_and_counted(tmp_path):
    make_ced(
        tmp_path,
        [
            rec("a1"),
            rec("a1", date="2013-09-25 10:00:00"),  # duplicate: the first is kept
            rec("a2", parent="gone"),  # orphan: attached to the root
            rec("a3", parent="a1", date="2014-01-01 00:00:00"),
            rec("a4", parent="a1", date="01月02日 03:04"),  # no year: resolved to 2015
        ],
        source={"time": "Tue Sep 24 08:00:00 +0800 2013", "reposts": 4, "user": "empty"},
    )
    tables, q = load_ced(tmp_path)
    posts = tables["posts"].set_index("post_id")
    assert q.count("duplicate_records") == 1 and q.count("orphans") == 1
    assert posts.loc["a2", "is_orphan"] and posts.loc["a2", "parent_id"] == "Root1"
    assert posts.loc["a1", "created_at"] == pd.Timestamp("2013-09-24 02:00:00", tz="UTC")  # Beijing 10:00
    assert q.count("dates_without_year_resolved") == 1
    assert posts.loc["a4", "created_at"] == pd.Timestamp("2015-01-01 19:04:00", tz="UTC")
    assert q.count("source_user_empty") == 1 and q.count("source_time_as_text") == 1
    assert posts.loc["Root1", "created_at"] == pd.Timestamp("2013-09-24 00:00:00", tz="UTC")
    assert tables["cascades"]["author_followers"].isna().all()
    assert posts["user_id"].str.fullmatch(r"u[0-9a-f]{16}").all()


def test_a_date_with_no_year_that_cannot_be_placed_is_quarantined(tmp_path):
    make_ced(
        tmp_path,
        [rec("a1", date="2012-05-01 00:00:00"), rec("a2", date="01月01日 00:00")],
        source={"time": 1_380_000_000, "user": {"followers": 1}},
    )  # source in 2013-09; crawl year 2013
    tables, q = load_ced(tmp_path)
    assert q.count("dates_without_year_quarantined") == 1
    assert pd.isna(tables["posts"].set_index("post_id").loc["a2", "created_at"])


def test_a_csv_missing_a_column(tmp_path):
    folder = tmp_path / "data" / "repost_cascades"
    folder.mkdir(parents=True)
    (folder / "7.csv").write_text("origin_id,origin_uid,id,uid\n,,P1,h1\nP1,1,P2,h2\n", "utf-8")
    with pytest.raises(ws.DataError) as e:
        wbmsf.load(tmp_path)
    assert str(e.value) == (
        "data/repost_cascades/7.csv: missing column(s) created_at; expected origin_id, origin_uid, id, uid, created_at"
    )


def test_a_csv_header_with_a_column_twice_and_a_parquet_file_named_csv(tmp_path):
    folder = tmp_path / "data" / "repost_cascades"
    folder.mkdir(parents=True)
    (folder / "7.csv").write_text("origin_id,origin_uid,id,uid,created_at,uid\n,,P1,h1,2020,h9\n", "utf-8")
    with pytest.raises(ws.DataError) as e:
        wbmsf.load(tmp_path)
    assert str(e.value) == "data/repost_cascades/7.csv: record line 1: the header names column(s) uid more than once"
    pd.DataFrame({"a": [1]}).to_parquet(folder / "7.csv")
    with pytest.raises(ws.DataError) as e:
        wbmsf.load(tmp_path)
    assert str(e.value) == ("data/repost_cascades/7.csv: not a CSV text file: it holds a Parquet file "
                            "(replace it with the CSV it should be)")
    assert "\0" not in str(e.value)


def test_a_twitter_line_that_is_not_an_edge(tmp_path):
    (tmp_path / "twitter15" / "tree").mkdir(parents=True)
    (tmp_path / "twitter15" / "label.txt").write_text("true:1000000000000000000\n", "utf-8")
    (tmp_path / "twitter15" / "tree" / "1000000000000000000.txt").write_text(
        "['ROOT', 'ROOT', '0.0']->['1', '1000000000000000000', '0.0']\nnot an edge\n", "utf-8"
    )
    with pytest.raises(ws.DataError) as e:
        twitter.load(tmp_path, "twitter15")
    assert str(e.value) == (
        "twitter15/tree/1000000000000000000.txt: record line 2: "
        "not an edge of the form ['uid', 'tweet', 'delay']->[...]: 'not an edge'"
    )


def test_an_unknown_removal_notice(tmp_path):
    (tmp_path / "ceninfo.csv").write_text(
        "title,nickname,created_at,archive,censored_date,censored_msg\n"
        "t,n,2019-01-01,x,2019-01-02 00:00:00,该内容已被发布者删除\n"
        "t2,n,2019-01-01,x,2019-01-02 00:00:00,something else\n",
        "utf-8",
    )
    with pytest.raises(ws.DataError) as e:
        wechatscope.load(tmp_path)
    assert str(e.value) == (
        "ceninfo.csv: record line 3: unknown removal notice 'something else' "
        "(add it to wechat_study.datasets.wechatscope.REASONS)"
    )


class TestEdgelist:
    def write(self, tmp_path, text, name="edges.csv"):
        path = tmp_path / name
        path.write_text(text, "utf-8")
        return path

    def test_a_missing_column(self, tmp_path):
        path = self.write(tmp_path, "post_id,parent_id,created_at\na,,2020-01-01\n")
        with pytest.raises(ws.DataError) as e:
            ws.load_edgelist(path)
        assert str(e.value) == (
            f"{path}: missing column(s) user_id; an edge list needs "
            "post_id, parent_id, user_id, created_at and may have cascade_id"
        )

    def test_a_cycle(self, tmp_path):
        path = self.write(
            tmp_path,
            "post_id,parent_id,user_id,created_at\n"
            "a,,u1,2020-01-01 00:00\nb,c,u2,2020-01-01 00:01\nc,b,u3,2020-01-01 00:02\n",
        )
        with pytest.raises(ws.DataError) as e:
            ws.load_edgelist(path)
        assert str(e.value) == (
            f"{path}: record row 2: parent cycle: b -> c -> b (every post's parents must lead back to a source post)"
        )

    def test_a_bad_time(self, tmp_path):
        path = self.write(tmp_path, "post_id,parent_id,user_id,created_at\na,,u1,2020-01-01 00:00\nb,a,u2,soon\n")
        with pytest.raises(ws.DataError) as e:
            ws.load_edgelist(path)
        assert str(e.value) == (
            f"{path}: record row 2: created_at 'soon' is not a date and time "
            "(write ISO 8601, e.g. 2020-01-31 08:05:00 or 2020-01-31T08:05:00+08:00)"
        )

    def test_an_orphan_without_cascade_ids_cannot_be_placed(self, tmp_path):
        path = self.write(
            tmp_path, "post_id,parent_id,user_id,created_at\na,,u1,2020-01-01 00:00\nb,zz,u2,2020-01-01 00:01\n"
        )
        with pytest.raises(ws.DataError, match=r"record row 2: post 'b' names parent 'zz', which is not in the file"):
            ws.load_edgelist(path)

    def test_orphans_duplicates_and_time_zones(self, tmp_path):
        path = self.write(
            tmp_path,
            "cascade_id,post_id,parent_id,user_id,created_at\n"
            "c1,a,,u1,2020-01-01 08:00\n"
            "c1,b,a,u2,2020-01-01 08:05\n"
            "c1,b,a,u2,2020-01-01 08:06\n"
            "c1,d,zz,u3,2020-01-01 08:07\n"
            "c2,e,,u1,2020-01-02 08:00\n",
        )
        corpus = ws.load_edgelist(path, dataset="mine", timezone="Asia/Shanghai")
        p = corpus.posts.set_index("post_id")
        assert corpus.quality.count("duplicate_records") == 1
        assert corpus.quality.count("orphans") == 1 and p.loc["d", "is_orphan"] and p.loc["d", "parent_id"] == "a"
        assert p.loc["a", "created_at"] == pd.Timestamp("2020-01-01 00:00", tz="UTC")
        assert list(corpus.cascades["cascade_id"]) == ["c1", "c2"]
        assert (p["user_id"] != "u1").all()

    def test_parquet_without_cascade_ids(self, tmp_path):
        df = pd.DataFrame(
            {
                "post_id": ["a", "b", "c", "x"],
                "parent_id": [None, "a", "b", None],
                "user_id": ["u1", "u2", "u3", "u4"],
                "created_at": pd.to_datetime(["2020-01-01", "2020-01-02", "2020-01-03", "2020-01-01"], utc=True),
            }
        )
        df.to_parquet(tmp_path / "e.parquet")
        corpus = ws.load_edgelist(tmp_path / "e.parquet")
        assert corpus.posts.set_index("post_id")["cascade_id"].to_dict() == {"a": "a", "b": "a", "c": "a", "x": "x"}
        assert corpus.cascades["observed_until"].tolist() == [
            pd.Timestamp("2020-01-03", tz="UTC"),
            pd.Timestamp("2020-01-01", tz="UTC"),
        ]


@pytest.mark.parametrize("streamed", [False, True])
def test_a_post_from_the_future_is_named_in_memory_and_streamed(tmp_path, streamed):
    path = tmp_path / "future.csv"
    path.write_text("cascade_id,post_id,parent_id,user_id,created_at\n"
                    "c1,p1,,u1,2019-03-01T10:00:00+08:00\n"
                    "c1,p2,p1,u2,2099-01-01T00:00:00+08:00\n", "utf-8")
    named = r"future\.csv: record .*2: created_at '2099-01-01T00:00:00\+08:00' is after"
    with pytest.raises(ws.DataError, match=named):
        ws.load_edgelist(path, out=tmp_path / "out") if streamed else ws.load_edgelist(path)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("streamed", [False, True])
def test_a_column_named_twice_is_refused_in_memory_and_streamed(tmp_path, streamed):
    path = tmp_path / "twice.csv"
    path.write_text("post_id,parent_id,user_id,created_at,post_id,cascade_id\n"
                    "p1,,u1,2019-03-01T10:00:00+08:00,p9,c1\n", "utf-8")
    with pytest.raises(ws.DataError, match=r"twice\.csv: has the column post_id twice"):
        ws.load_edgelist(path, out=tmp_path / "out") if streamed else ws.load_edgelist(path)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("body", "what"), [(b"\x00\x01\x02\xff\xfe", "binary"),
                                            ("post_id,parent_id\n1,\n".encode("utf-16"), "UTF-16")])
def test_a_file_that_is_not_utf8_text_says_what_it_is(tmp_path, body, what):
    path = tmp_path / "edges.csv"
    path.write_bytes(body)
    with pytest.raises(ws.DataError, match=f"edges.csv: is not UTF-8 text: it is {what}"):
        ws.load_edgelist(path)


@pytest.mark.parametrize("streamed", [False, True])
def test_a_gzip_compressed_edge_list_reads_like_the_plain_one(tmp_path, streamed):
    import gzip

    text = ("post_id,parent_id,user_id,created_at,cascade_id\n" + "p1,,u1,2019-03-01T10:00:00+08:00,c1\n"
            + "".join(f"p{i},p1,u{i},2019-03-01T10:{i:02d}:00+08:00,c1\n" for i in range(2, 60)))
    (tmp_path / "edges.csv").write_text(text, "utf-8")
    (tmp_path / "edges.csv.gz").write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))
    if streamed:
        ws.load_edgelist(tmp_path / "edges.csv.gz", out=tmp_path / "gz")
        ws.load_edgelist(tmp_path / "edges.csv", out=tmp_path / "plain")
        got, want = (pd.read_parquet(tmp_path / d / "posts") for d in ("gz", "plain"))
    else:
        got, want = (ws.load_edgelist(tmp_path / n).posts for n in ("edges.csv.gz", "edges.csv"))
    pd.testing.assert_frame_equal(got, want)


def test_a_gzip_file_not_named_gz_says_so(tmp_path):
    import gzip

    path = tmp_path / "edges.csv"
    path.write_bytes(gzip.compress(b"post_id,parent_id,user_id,created_at\np1,,u1,2019-03-01T10:00:00+08:00\n"))
    with pytest.raises(ws.DataError, match=r"edges\.csv: is gzip-compressed but not named \.gz \(rename it"):
        ws.load_edgelist(path)
