"""A researcher's own data: the export shapes, the sidecar, the prepared folder, and the notebooks on it."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import warnings
from pathlib import Path

import pandas as pd
import pytest

import wechat_study as ws
from wechat_study import narrative as nv
from wechat_study import reporting
from wechat_study.datasets import user
from wechat_study.errors import DataError
from wechat_study.notebooks import NotebookError

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture
def edges(tmp_path) -> Path:
    """A copy of the example edge list without its sidecar: no labels, no followers."""
    df = pd.read_csv(EXAMPLES / "weibo-cascades.csv", dtype=str)
    path = tmp_path / "mine.csv"
    df.drop(columns="followers").to_csv(path, index=False)
    return path


def test_the_example_edge_list_reads_with_its_sidecar(tmp_data):
    c = ws.load(EXAMPLES / "weibo-cascades.csv")
    assert c.name == "example_weibo"
    assert (len(c.posts), len(c.cascades)) == (30_270, 303)
    assert c.cascades["author_followers"].notna().all() and c.cascades["label"].isna().all()
    assert c.quality.count("times_without_offset") == 0
    assert "synthetic cascade model" in c.source.described
    assert user.folder(user.describe(EXAMPLES / "weibo-cascades.csv")).is_dir()


def test_a_parquet_folder_gives_the_same_tables_as_the_csv(tmp_data, tmp_path):
    df = pd.read_csv(EXAMPLES / "weibo-cascades.csv", dtype=str)
    parts = tmp_path / "parts"
    parts.mkdir()
    df.iloc[:15_000].to_parquet(parts / "part-0.parquet", index=False)
    df.iloc[15_000:].to_parquet(parts / "part-1.parquet", index=False)
    shutil.copy(EXAMPLES / "weibo-cascades.csv.yaml", parts / "dataset.yaml")
    a, b = ws.load(EXAMPLES / "weibo-cascades.csv"), ws.load(parts)
    pd.testing.assert_frame_equal(a.posts, b.posts)
    pd.testing.assert_frame_equal(a.cascades, b.cascades)
    assert b.quality.count("files") == 2


def test_the_weibo_api_shape(tmp_data):
    c = ws.load(EXAMPLES / "weibo-api.json")
    assert (len(c.posts), len(c.cascades)) == (826, 30)
    assert c.quality.count("parents_from_pid") > 0 and c.posts["parent_node"].max() > 0  # chains, not stars
    assert c.cascades[["author_followers", "author_verified", "reported_reposts"]].notna().all().all()
    assert c.posts["created_at"].notna().all()


def test_the_weibo_crawler_csv_reads_beijing_times(tmp_data):
    c = ws.load(EXAMPLES / "weibo-crawler.csv")
    assert (len(c.posts), len(c.cascades)) == (1_899, 40)
    assert c.quality.count("times_without_offset") == 1_899
    assert "Asia/Shanghai" in c.quality.quirks["times_without_offset"].action
    first = pd.read_csv(EXAMPLES / "weibo-crawler.csv", dtype=str, encoding="utf-8-sig").iloc[0]
    row = c.posts.set_index("post_id").loc[first["id"]]
    assert row["created_at"] == pd.Timestamp(first["发布时间"], tz="Asia/Shanghai").tz_convert("UTC")
    assert not (c.posts["user_id"].str.startswith("reader")).any()  # pseudonyms, never the file's ids


def test_a_crawler_csv_without_a_mapped_column_names_the_mapping(tmp_data, tmp_path):
    df = pd.read_csv(EXAMPLES / "weibo-crawler.csv", dtype=str, encoding="utf-8-sig").drop(columns="发布时间")
    path = tmp_path / "crawl.csv"
    df.to_csv(path, index=False)
    with pytest.raises(DataError, match=r"crawl\.csv: missing column\(s\) 发布时间 of the Weibo crawler CSV "
                                        r"mapping \(id → post_id, retweet_id → parent_id, user_id → user_id, "
                                        r"发布时间 → created_at\)"):
        ws.load(path, format="weibo-csv")


def test_labels_are_mapped_explicitly(tmp_data, edges):
    df = pd.read_csv(edges, dtype=str)
    df["veracity"] = ["fake" if int(p) % 2 else "real" for p in df["post_id"]]
    df.to_csv(edges, index=False)
    with pytest.raises(DataError, match=r"label '(fake|real)' \(cascade '\d+'\) is not one the study knows"
                                        r".*label_values"):
        ws.load(edges, labels="veracity")
    c = ws.load(edges, labels="veracity", label_values={"fake": "rumour", "real": "non-rumour"})
    assert set(c.cascades["label"]) == {"rumour", "non-rumour"}


def test_naive_times_are_read_as_utc_loudly(tmp_data, tmp_path):
    df = pd.read_csv(EXAMPLES / "weibo-cascades.csv", dtype=str).iloc[:500]
    df["created_at"] = df["created_at"].str[:19]
    path = tmp_path / "naive.csv"
    df.to_csv(path, index=False)
    with pytest.warns(UserWarning, match=r"naive\.csv: 500 times carry no UTC offset and were read as UTC"):
        c = ws.load(path)
    assert c.quality.count("times_without_offset") == 500
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        shifted = ws.load(path, timezone="Asia/Shanghai")
    assert (c.posts["created_at"] - shifted.posts["created_at"]).eq(pd.Timedelta(hours=8)).all()


def test_the_sidecar_is_checked(tmp_data, edges):
    side = edges.with_name("mine.csv.yaml")
    for text, message in [("nmae: x\n", r"unknown key 'nmae'"), ("name: ced\n", r"taken by a catalogued data set"),
                          ("name: My Data\n", r"not a short name"), ("format: excel\n", r"unknown format 'excel'"),
                          ("observation_end: 2019-05-01\n", r"not a time with a UTC offset"),
                          ("observation_end: 2019-05-01T00:00:00+08:00\n", r"is before the latest post"),
                          ("a: &x [1]\nb: *x\n", r"YAML alias")]:
        side.write_text(text, "utf-8")
        with pytest.raises(DataError, match=message):
            ws.load(edges)


def test_a_changed_file_is_prepared_again(tmp_data, edges):
    first = user.folder(user.describe(edges))
    ws.load(edges)
    df = pd.read_csv(edges, dtype=str).iloc[:-1]
    df.to_csv(edges, index=False)
    second = user.folder(user.describe(edges))
    assert second != first and len(ws.load(edges).posts) == 30_269


def _page(out: Path, stem: str) -> str:
    return (out / f"{stem}.html").read_text("utf-8")


@pytest.mark.slow
def test_the_notebooks_run_on_an_edge_list_without_labels_or_followers(tmp_data, edges, tmp_path):
    for stem, skipped in [("02-repost-cascades", ["Rumours and non-rumours: skipped.</strong> Mine gives no label"]),
                          ("03-legal-thresholds", ["Rumours and non-rumours: skipped.</strong> Mine gives no label",
                                                   "Views: skipped.</strong> Mine records the source author's follower "
                                                   "count for 0 of 303 cascades"]),
                          ("06-deletion-counterfactual",
                           ["What the size window leaves out: skipped.</strong> Mine has no known top"])]:
        r = reporting.run_one(stem, {"dataset": str(edges)}, out=tmp_path / stem)
        page = _page(tmp_path / stem, stem)
        for text in skipped:
            assert text in page, (stem, text)
        assert "CED is a rumour-detection collection" not in page and "Data: the researcher's file mine.csv" in page
        assert re.search(r'<section class="ws-findings".*?<li>', page, re.S), stem
        assert all(name.split(".")[1] == "mine" for name in r.findings)
        assert 'href="index.html"' not in page, f"{stem}: a run's folder has no front page to link back to"
        assert 'id="method"' in page and 'class="ws-see ws-method" href="#method"' in page, stem
    with pytest.raises(NotebookError, match=r"05-early-warning cannot run on mine: mine records the source author's "
                                            r"follower count for 0 of 303 cascades"):
        reporting.run_one("05", {"dataset": str(edges)}, out=tmp_path / "05")


def test_a_data_set_without_a_repost_is_refused_by_the_cascades_report_before_it_starts(tmp_data, tmp_path):
    path = tmp_path / "failed.csv"
    path.write_text("post_id,parent_id,user_id,created_at\n1,,u1,2019-08-15T15:32:06+0800\n"
                    "2,,u2,2019-08-16T15:32:06+0800\n", "utf-8")
    with pytest.raises(NotebookError, match=r"02-repost-cascades cannot run on failed: no cascade of failed has a "
                                            r"repost, so there is no spread to describe"):
        reporting.run_one("02", {"dataset": str(path)}, out=tmp_path / "02")
    assert not (tmp_path / "02").exists()


@pytest.mark.slow
def test_the_readme_example_states_its_own_numbers(tmp_data, tmp_path):
    r = reporting.run_one("03", {"dataset": str(EXAMPLES / "weibo-cascades.csv")}, out=tmp_path / "03")
    share = r.findings["thresholds.example_weibo.share_reaching_500_reposts"]["value"]
    box = re.search(r'<section class="ws-findings".*?</section>', _page(tmp_path / "03", "03-legal-thresholds"), re.S)
    assert f"{100 * share:.1f}%" in box.group(0) and "example weibo" in box.group(0)
    readme = (EXAMPLES.parent / "README.md").read_text("utf-8")
    quoted = " ".join(re.search(r'"(Of the cascades of example weibo[^"]+)"', readme).group(1).split())
    assert quoted in " ".join(re.sub(r"<[^>]+>", "", box.group(0)).split()), "the README quotes another run"
    unreached = sum(f["value"] is None for f in r.findings.values())
    said = f" ({unreached} not reached)" if unreached else ""
    assert f"ran, {len(r.findings)} findings{said}\n" in readme


def _trees(folder: Path, n: int = 12) -> None:
    """A Twitter15-style folder made here: tree/<id>.txt edges and label.txt (made-up ids)."""
    (folder / "tree").mkdir(parents=True)
    labels = []
    for k in range(n):
        root = str(800_000_000_000_000_000 + k * 1_000_003)
        lines = [f"['ROOT', 'ROOT', '0.0']->['100{k}', '{root}', '0.0']"]
        lines += [f"['100{k}', '{root}', '0.0']->['2{k}{j:03d}', '{root}', '{j * 1.5:.1f}']" for j in range(1, 6)]
        lines += [f"['2{k}001', '{root}', '1.5']->['3{k}{j:03d}', '{root}', '{10 + j:.1f}']" for j in range(3)]
        (folder / "tree" / f"{root}.txt").write_text("\n".join(lines) + "\n", "utf-8")
        labels.append(f"{'false' if k % 2 else 'non-rumor'}:{root}")
    (folder / "label.txt").write_text("\n".join(labels) + "\n", "utf-8")


def test_a_twitter_style_folder_of_trees(tmp_data, tmp_path):
    _trees(tmp_path / "mytrees")
    c = ws.load(tmp_path / "mytrees")
    assert c.name == "mytrees" and (len(c.cascades), len(c.posts)) == (12, 108)
    assert c.cascades["label"].value_counts().to_dict() == {"false": 6, "non-rumour": 6}
    assert c.posts["parent_node"].max() > 0 and set(c.posts["dataset"]) == {"mytrees"}


def test_data_check_prints_what_runs_and_writes_a_sidecar(tmp_data, edges, capsys):
    from wechat_study.cli import main

    assert main(["data", "check", str(edges), "--name", "mine", "--timezone", "Asia/Shanghai",
                 "--write-sidecar"]) == 0
    out = capsys.readouterr().out
    assert "mine: 30,270 posts in 303 cascades" in out
    assert "no   rumour against non-rumour: Mine gives no label per cascade" in out
    assert "yes  intervals and comparisons" in out
    assert edges.with_name("mine.csv.yaml").read_text("utf-8").endswith("name: mine\ntimezone: Asia/Shanghai\n")
    assert main(["data", "check", str(edges), "--write-sidecar"]) == 1
    assert "a sidecar exists already" in capsys.readouterr().err



def test_what_a_hostile_user_tried_gets_one_line(tmp_data, edges, tmp_path):
    from wechat_study.cli import main

    df = pd.read_csv(edges, dtype=str)
    df["lab"] = ["true" if int(p) % 2 else "false" for p in df["post_id"]]
    df.to_csv(edges, index=False)
    side = edges.with_name("mine.csv.yaml")
    for text, message in [("labels: lab\nlabel_values: {yes: rumour, no: non-rumour}\n", r"key True, not text"),
                          ("labels: lab\nlabel_values: {Fake: rumour, fake: non-rumour}\n", r"names one value twice"),
                          ("timezone: Mars/Olympus\n", r"unknown time zone 'Mars/Olympus'")]:
        side.write_text(text, "utf-8")
        with pytest.raises(DataError, match=message):
            ws.load(edges)
    side.unlink()
    (tmp_path / "f.csv").write_text("", "utf-8")
    with pytest.raises(DataError, match=r"f\.csv: cannot be read as a UTF-8 CSV of cascade_id,followers"):
        ws.load(edges, followers="f.csv")
    big = df.assign(followers="100000000000000000000")
    big.to_csv(tmp_path / "big.csv", index=False)
    with pytest.raises(DataError, match=r"is not a whole number from 0 to 2\^53"):
        ws.load(tmp_path / "big.csv", followers="followers")
    (tmp_path / "twice.csv").write_text("post_id,parent_id,user_id,created_at,post_id\n1,,a,2019-01-01T00:00:00Z,2\n")
    with pytest.raises(DataError, match=r"has the column post_id twice"):
        ws.load(tmp_path / "twice.csv")
    parts = tmp_path / "mixed"
    parts.mkdir()
    df.iloc[:100].to_csv(parts / "a.csv", index=False)
    df.iloc[100:].to_parquet(parts / "b.parquet", index=False)
    with pytest.raises(DataError, match=r"mixes Parquet and CSV parts"):
        ws.load(parts)
    (tmp_path / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(DataError, match=r"deep\.json: nests its JSON too deep"):
        ws.load(tmp_path / "deep.json")
    statuses = [{"id": 1, "created_at": "Tue May 31 17:46:55 +0800 2011",
                 "user": {"id": 5, "followers_count": "1.2万"}}]
    (tmp_path / "odd.json").write_text(json.dumps({"statuses": statuses}, ensure_ascii=False), "utf-8")
    with pytest.raises(DataError, match=r"odd\.json: record status 0: followers_count '1.2万' is not a whole number"):
        ws.load(tmp_path / "odd.json")
    # a sidecar is written only once the data read cleanly, and a labels CSV in a folder's sidecar works
    assert main(["data", "check", str(edges), "--labels", "nosuch", "--write-sidecar"]) == 1
    assert not side.exists()
    folder = tmp_path / "folder"
    folder.mkdir()
    df.to_parquet(folder / "part-0.parquet", index=False)
    roots = df.loc[df["parent_id"].isna(), "post_id"]
    pd.DataFrame({"cascade_id": roots, "labels": "rumour"}).to_csv(folder / "labels.csv", index=False)
    (folder / "dataset.yaml").write_text("labels: labels.csv\n", "utf-8")
    assert set(ws.load(folder).cascades["label"]) == {"rumour"}
    with pytest.raises(NotebookError, match=r"dataset takes one data set \(a name or a path\), not a list"):
        reporting.run_one("03", {"dataset": [str(edges)]}, out=tmp_path / "x")


@pytest.mark.slow
def test_notebook_03_runs_on_the_weibo_api_shape_and_a_parquet_folder(tmp_data, tmp_path):
    parts = tmp_path / "parts"
    parts.mkdir()
    df = pd.read_csv(EXAMPLES / "weibo-cascades.csv", dtype=str)
    for k, part in enumerate((df.iloc[:15_000], df.iloc[15_000:])):
        part.to_parquet(parts / f"part-{k}.parquet", index=False)
    (parts / "dataset.yaml").write_text("name: parts\nfollowers: followers\n", "utf-8")
    for path, name in [(EXAMPLES / "weibo-api.json", "example_weibo_api"), (parts, "parts")]:
        r = reporting.run_one("03", {"dataset": str(path)}, out=tmp_path / f"out-{name}")
        share = r.findings[f"thresholds.{name}.share_reaching_500_reposts"]["value"]
        page = _page(tmp_path / f"out-{name}", "03-legal-thresholds")
        box = re.search(r'<section class="ws-findings".*?</section>', page, re.S)
        # a share of 0 is read by its upper bound: "None of ... could still be as high as X"
        shown = share or r.findings[f"thresholds.{name}.share_reaching_500_reposts.ci_high"]["value"]
        assert nv.share(shown) in box.group(0), name


def _api_copy(tmp_path: Path, change) -> Path:
    """The example Weibo API file with ``change`` applied to its list of statuses."""
    data = json.loads((EXAMPLES / "weibo-api.json").read_text("utf-8"))
    change(data["reposts"])
    path = tmp_path / "api.json"
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return path


def test_weibo_api_errors_name_the_status_and_repeats_are_counted(tmp_data, tmp_path):
    def loop(st):
        st[3]["pid"], st[4]["pid"] = st[4]["id"], st[3]["id"]

    with pytest.raises(DataError, match=r"api\.json: record status 3: parent cycle"):
        ws.load(_api_copy(tmp_path, loop))
    again = ws.load(_api_copy(tmp_path, lambda st: st.append(dict(st[5], text="edited"))))
    assert again.quality.count("duplicate_statuses") == 1 and len(again.posts) == 826
    assert "record status 796" in again.quality.quirks["duplicate_statuses"].examples[0]

    def odd(st):
        st[2]["user"]["verified"] = "maybe"

    with pytest.raises(DataError, match=r"record status 2: user.verified 'maybe' is not true or false"):
        ws.load(_api_copy(tmp_path, odd))
    with pytest.raises(DataError, match=r"record status 9: created_at 'soon' is not Weibo's time format \("):
        ws.load(_api_copy(tmp_path, lambda st: st[9].update(created_at="soon")))


def test_unreadable_verified_values_are_refused_not_nulled(tmp_data, tmp_path):
    df = pd.read_csv(EXAMPLES / "weibo-crawler.csv", dtype=str, encoding="utf-8-sig")
    df.loc[4, "user_authentication"] = "绿V"
    path = tmp_path / "crawl.csv"
    df.to_csv(path, index=False)
    shutil.copy(EXAMPLES / "weibo-crawler.csv.yaml", tmp_path / "crawl.csv.yaml")
    with pytest.raises(DataError, match=r"crawl\.csv: record row 5: user_authentication '绿v' is not one of"):
        ws.load(path)


@pytest.mark.slow
def test_star_exports_skip_depth_and_virality(tmp_data, tmp_path):
    from wechat_study import supports

    assert supports.of(ws.load(EXAMPLES / "weibo-api.json")).structure is None
    stars = supports.of(ws.load(EXAMPLES / "weibo-crawler.csv"))
    assert stars.structure.startswith("example weibo crawler records every repost as a repost of the source post")
    r = reporting.run_one("02", {"dataset": str(EXAMPLES / "weibo-crawler.csv")}, out=tmp_path / "02")
    page = _page(tmp_path / "02", "02-repost-cascades")
    assert "Depth and structural virality: skipped.</strong> Example weibo crawler records every repost" in page
    assert not [n for n in r.findings if "depth" in n or "virality" in n]
    assert "A typical cascade" not in page and 'id="example-cascade"' not in page


def test_two_data_sets_of_one_name_are_refused_before_a_kernel_starts(tmp_data, tmp_path):
    for d in ("a", "b"):
        (tmp_path / d).mkdir()
        shutil.copy(EXAMPLES / "weibo-api.json", tmp_path / d / "api.json")
        shutil.copy(EXAMPLES / "weibo-api.json.yaml", tmp_path / d / "api.json.yaml")
    with pytest.raises(NotebookError, match=r"a/api\.json and .*b/api\.json are both named 'example_weibo_api'; give"):
        reporting.run_one("03", {"dataset": str(tmp_path / "a" / "api.json"),
                                 "compare": [str(tmp_path / "b" / "api.json")]}, out=tmp_path / "out")


# --- what a hostile tester found -------------------------------------------------------------------------

def _small(path: Path, rows: str = "1,,ann,2020-01-01T00:00:00Z\n2,1,ben,2020-01-01T01:00:00Z\n"
                                   "3,,cat,2020-01-02T00:00:00Z\n") -> Path:
    """A three-post edge list made here (two cascades, made-up ids)."""
    path.write_text("post_id,parent_id,user_id,created_at\n" + rows, "utf-8")
    return path


def test_a_symlink_takes_the_sidecar_beside_it_and_its_own_name(tmp_path):
    store = tmp_path / "store"
    store.mkdir()
    real = _small(store / "dump-2020.csv")
    link = tmp_path / "mine.csv"
    link.symlink_to(real)
    (tmp_path / "mine.csv.yaml").write_text("title: Beside the link\n", "utf-8")
    spec = user.describe(link)
    assert (spec.name, spec.title, spec.sidecar.name) == ("mine", "Beside the link", "mine.csv.yaml")
    (tmp_path / "mine.csv.yaml").unlink()
    (store / "dump-2020.csv.yaml").write_text("title: Beside the target\n", "utf-8")
    spec = user.describe(link)
    assert (spec.name, spec.title, spec.sidecar.name) == ("mine", "Beside the target", "dump-2020.csv.yaml")


def _tree_ids(folder: Path) -> list[str]:
    return sorted(p.stem for p in (folder / "tree").glob("*.txt"))


def test_a_tree_folder_takes_its_sidecar(tmp_data, tmp_path):
    folder = tmp_path / "mytrees"
    _trees(folder, n=4)
    ids = _tree_ids(folder)
    side = folder / "dataset.yaml"
    side.write_text("observation_end: 2001-01-01T00:00:00+00:00\n", "utf-8")
    with pytest.raises(DataError, match=r"dataset\.yaml: observation_end 2001-01-01T00:00:00\+00:00 is before the "
                                        r"latest post"):
        user.read(user.describe(folder))
    side.write_text("followers: followers\n", "utf-8")
    with pytest.raises(DataError, match=r"dataset\.yaml: followers: 'followers' names a column, but tree folders "
                                        r"have no columns \(give a CSV of cascade_id,followers\)"):
        user.read(user.describe(folder))
    pd.DataFrame({"cascade_id": ids, "followers": ["10", "20", "", "40"]}).to_csv(folder / "f.csv", index=False)
    pd.DataFrame({"cascade_id": ids[:2], "verified": ["true", "no"]}).to_csv(folder / "v.csv", index=False)
    pd.DataFrame({"cascade_id": ids, "reported_reposts": "7"}).to_csv(folder / "r.csv", index=False)
    (folder / "label.txt").write_text("".join(f"{'fake' if k % 2 else 'real'}:{i}\n" for k, i in enumerate(ids)))
    side.write_text("followers: f.csv\nverified: v.csv\nreported_reposts: r.csv\n"
                    "label_values: {fake: rumour, real: non-rumour}\n", "utf-8")
    tables, report = user.read(user.describe(folder))
    c = tables["cascades"].set_index("cascade_id").loc[ids]
    assert c["author_followers"].tolist() == [10, 20, pd.NA, 40]
    assert c["author_verified"].tolist() == [True, False, pd.NA, pd.NA]
    assert c["reported_reposts"].tolist() == [7] * 4 and len(tables["posts"]) == 36
    assert c["label"].tolist() == ["non-rumour", "rumour", "non-rumour", "rumour"]
    assert report.count("cascades_with_author_followers") == 3
    pd.DataFrame({"cascade_id": ids[:1], "labels": "true"}).to_csv(folder / "l.csv", index=False)
    side.write_text("labels: l.csv\nlabel_values: {fake: rumour, real: non-rumour}\n", "utf-8")
    c = user.read(user.describe(folder))[0]["cascades"].set_index("cascade_id").loc[ids]
    assert c["label"].fillna("-").tolist() == ["true", "-", "-", "-"]  # the CSV replaces label.txt's labels


def test_conflicting_label_lines_are_refused_and_repeats_counted(tmp_data, tmp_path):
    folder = tmp_path / "mytrees"
    _trees(folder, n=3)
    ids = _tree_ids(folder)
    (folder / "label.txt").write_text(f"false:{ids[0]}\ntrue:{ids[1]}\nfalse:{ids[0]}\n", "utf-8")
    tables, report = user.read(user.describe(folder))
    assert report.count("repeated_label_lines") == 1
    assert report.quirks["repeated_label_lines"].examples == ["mytrees/label.txt: record line 3"]
    (folder / "label.txt").write_text(f"false:{ids[0]}\ntrue:{ids[1]}\n\ntrue:{ids[0]}\n", "utf-8")
    with pytest.raises(DataError, match=rf"mytrees/label\.txt: record line 4: tree {ids[0]} is labelled false on "
                                        r"line 1 and true here \(keep one line per tree\)"):
        user.read(user.describe(folder))


def test_naive_parquet_timestamps_and_dates_are_counted(tmp_data, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    base = {"post_id": ["1", "2", "3"], "parent_id": [None, "1", None], "user_id": ["ann", "ben", "cat"]}
    naive = pd.to_datetime(["2020-01-01 08:00", "2020-01-01 09:00", None])
    for name, created in [("stamps", pa.array(naive, pa.timestamp("us"))),
                          ("dates", pa.array([dt.date(2020, 1, 1), dt.date(2020, 1, 2), None], pa.date32())),
                          ("dates64", pa.array([dt.date(2020, 1, 1), None, None], pa.date64()))]:
        path = tmp_path / f"{name}.parquet"
        pq.write_table(pa.table({**base, "created_at": created}), path)
        with pytest.warns(UserWarning, match=rf"{name}\.parquet: \d times carry no UTC offset and were read as UTC"):
            _, report = user.read(user.describe(path))
        assert report.count("times_without_offset") == 3 - created.null_count, name
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            _, report = user.read(user.describe(path, timezone="Asia/Shanghai"))
        assert "read as Asia/Shanghai" in report.quirks["times_without_offset"].action
    aware = tmp_path / "aware.parquet"
    pq.write_table(pa.table({**base, "created_at": pa.array(naive, pa.timestamp("us", "UTC"))}), aware)
    assert user.read(user.describe(aware))[1].count("times_without_offset") == 0


def test_per_cascade_csv_errors_name_the_csv_and_its_row(tmp_data, tmp_path):
    data = _small(tmp_path / "posts.csv")
    for key, values, message in [
            ("labels", ["rumour", "maybe"], r"labels\.csv: record row 2: label 'maybe' \(cascade '3'\) is not one"),
            ("verified", ["perhaps", "true"], r"verified\.csv: record row 1: verified 'perhaps' \(cascade '1'\) is "
                                              r"not true or false"),
            ("followers", ["12", "-3"], r"followers\.csv: record row 2: author_followers '-3' \(cascade '3'\) is "
                                        r"not a whole number")]:
        pd.DataFrame({"cascade_id": ["1", "3"], key: values}).to_csv(tmp_path / f"{key}.csv", index=False)
        with pytest.raises(DataError, match=message):
            user.read(user.describe(data, **{key: f"{key}.csv"}))
    pd.DataFrame({"cascade_id": ["1", "9", "3", "8"], "followers": ["5", "6", "7", "8"]}).to_csv(
        tmp_path / "followers.csv", index=False)
    tables, report = user.read(user.describe(data, followers="followers.csv"))
    assert tables["cascades"]["author_followers"].tolist() == [5, 7]
    assert report.count("followers_rows_without_cascade") == 2
    assert report.quirks["followers_rows_without_cascade"].examples == ["followers.csv: record row 2",
                                                                        "followers.csv: record row 4"]


def test_errors_in_a_folder_of_parts_name_the_part_and_its_row(tmp_data, tmp_path):
    parts = tmp_path / "parts"
    parts.mkdir()
    _small(parts / "part-0.csv")
    _small(parts / "part-1.csv", "4,,dan,2020-01-03T00:00:00Z\n5,4,eve,soon\n")
    with pytest.raises(DataError, match=r"parts: record part-1\.csv row 2: created_at 'soon' is not a date"):
        user.read(user.describe(parts))
    _small(parts / "part-1.csv", "4,,dan,2020-01-03T00:00:00Z\n,4,eve,2020-01-03T01:00:00Z\n")
    with pytest.raises(DataError, match=r"parts: record part-1\.csv row 2: empty post_id"):
        user.read(user.describe(parts))
    _small(parts / "part-1.csv", "4,,dan,2020-01-03T00:00:00Z\n1,4,eve,2020-01-03T01:00:00Z\n")
    _, report = user.read(user.describe(parts))
    assert report.quirks["duplicate_records"].examples[0].endswith("record part-1.csv row 2 (1)")


def test_weibo_api_counts_a_pid_in_another_cascade_and_a_source_seen_again(tmp_data, tmp_path):
    def status(i, source=None, pid=None):
        s = {"id": i, "created_at": f"Tue May 31 17:{10 + i % 40:02d}:55 +0800 2011", "user": {"id": 500 + i}}
        return {**s, "retweeted_status": status(source), "pid": pid} if source else s

    statuses = [status(11, source=1), status(21, source=2), status(12, source=1, pid=21), status(1)]
    path = tmp_path / "api.json"
    path.write_text(json.dumps({"reposts": statuses}), "utf-8")
    tables, report = user.read(user.describe(path))
    assert report.count("pid_in_another_cascade") == 1 and report.count("sources_seen_again") == 1
    assert report.quirks["pid_in_another_cascade"].examples == ["api.json: record status 2 (12)"]
    assert report.quirks["sources_seen_again"].examples == ["api.json: record status 3 (1)"]
    posts = tables["posts"].set_index("post_id")
    assert posts.loc["12", "parent_id"] == "1" and len(posts) == 5


def test_a_file_copied_over_with_its_times_is_hashed_again(tmp_path):
    import os
    import time

    f = tmp_path / "posts.csv"
    f.write_bytes(b"aaaa")
    before = os.stat(f)
    first = user.file_hash(f)
    time.sleep(0.05)
    with open(f, "r+b") as fh:  # what `cp -p` does: same inode, same size, the old times put back
        fh.write(b"bbbb")
    os.utime(f, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = os.stat(f)
    assert (after.st_ino, after.st_size, after.st_mtime_ns) == (before.st_ino, before.st_size, before.st_mtime_ns)
    if after.st_ctime_ns == before.st_ctime_ns:
        pytest.skip("this file system did not move ctime")
    assert user.file_hash(f) != first


def test_crawler_ids_written_as_floats_are_read_as_whole_ids(tmp_data, tmp_path):
    path = tmp_path / "crawl.csv"
    path.write_text("id,retweet_id,user_id,发布时间\n101,0.0,5,2019-03-21 23:00\n102.0,101.0,6.0,2019-03-21 23:03\n"
                    "103,101.0,7,2019-03-21 23:05\n", "utf-8")
    tables, report = user.read(user.describe(path, format="weibo-csv"))
    assert report.count("reposts_without_source") == 0 and report.count("ids_written_as_floats") == 3
    assert report.quirks["ids_written_as_floats"].examples == ["crawl.csv: record row 1 (retweet_id)",
                                                               "crawl.csv: record row 2 (id)",
                                                               "crawl.csv: record row 2 (retweet_id)"]
    assert tables["posts"]["post_id"].tolist() == ["101", "102", "103"] and len(tables["cascades"]) == 1
    path.write_text("id,retweet_id,user_id,发布时间\n101,0,5,2019-03-21 23:00\n1.02e+2,101,6,2019-03-21 23:03\n")
    with pytest.raises(DataError, match=r"crawl\.csv: record row 2: id .* is a number in exponent notation"):
        user.read(user.describe(path, format="weibo-csv"))


def _status(i, source=None, pid=None, **extra):
    s = {"id": i, "created_at": f"Tue May 31 17:{10 + i % 40:02d}:55 +0800 2011", "user": {"id": 500 + i}, **extra}
    return {**s, "retweeted_status": _status(source), "pid": pid} if source else s


def test_weibo_api_counts_a_pid_missing_from_the_file_and_sets_aside_reposts_of_deleted_sources(tmp_data, tmp_path):
    deleted = {"deleted": "1", "idstr": "", "created_at": "Tue May 31 17:00:00 +0800 2011"}
    statuses = [_status(11, source=1), _status(12, source=1, pid=99),
                {**_status(13, source=1), "retweeted_status": deleted}]
    path = tmp_path / "api.json"
    path.write_text(json.dumps({"reposts": statuses}), "utf-8")
    tables, report = user.read(user.describe(path))
    assert report.count("pid_not_in_file") == 1 and report.quirks["pid_not_in_file"].examples == [
        "api.json: record status 1 (12)"]
    assert report.count("reposts_of_deleted_sources") == 1
    assert sorted(tables["posts"]["post_id"]) == ["1", "11", "12"]


def test_crawler_counts_written_in_wan_are_read_and_counted(tmp_data, tmp_path):
    path = tmp_path / "crawl.csv"
    path.write_text("id,retweet_id,user_id,发布时间,转发数,粉丝数\n101,0,5,2019-03-21 23:00,1.2万,3亿\n"
                    "102,101,6,2019-03-21 23:03,7,80\n", "utf-8")
    tables, report = user.read(user.describe(path, format="weibo-csv"))
    assert report.count("reported_reposts_abbreviated") == 1 and report.count("followers_abbreviated") == 1
    row = tables["cascades"].iloc[0]
    assert (row["reported_reposts"], row["author_followers"]) == (12_000, 300_000_000)


def test_days_without_a_clock_time_are_counted_not_taken_for_offsets(tmp_data, tmp_path):
    path = tmp_path / "days.csv"
    path.write_text("post_id,parent_id,user_id,created_at\n1,,a,2019-08-01\n2,1,b,2019-08-01\n3,1,,2019-08-02\n")
    with pytest.warns(UserWarning, match="read as UTC"):
        c = ws.load(path)
    assert c.quality.count("times_without_offset") == 3 and c.quality.count("times_without_a_clock_time") == 3
    assert c.quality.count("posts_without_user_id") == 1


def test_a_labels_csv_may_say_label_and_a_sidecar_may_not_repeat_a_key(tmp_data, edges):
    ids = ws.load(edges).cascades["cascade_id"]
    (edges.parent / "labels.csv").write_text("cascade_id,label\n" + "".join(f"{c},rumour\n" for c in ids), "utf-8")
    (edges.parent / "mine.yaml").write_text("labels: labels.csv\n", "utf-8")
    assert ws.load(edges).cascades["label"].eq("rumour").all()
    (edges.parent / "mine.yaml").write_text("timezone: UTC\nlabels: labels.csv\ntimezone: Asia/Shanghai\n", "utf-8")
    with pytest.raises(DataError, match=r"mine\.yaml: gives the key 'timezone' twice \(line 3\)"):
        user.describe(edges)


def test_a_file_that_changes_while_it_is_read_is_refused(tmp_data, edges, monkeypatch):
    real = user.read

    def growing(spec):
        out = real(spec)
        with open(spec.path, "a", encoding="utf-8") as fh:  # a crawler still writing
            fh.write("999999,,zz,2019-10-01T00:00:00+08:00\n")
        return out

    monkeypatch.setattr(user, "read", growing)
    with pytest.raises(DataError, match="changed while it was being read"):
        user.prepare(user.describe(edges))
    assert not any(user.folder(user.describe(edges)).parent.glob("mine-*"))
