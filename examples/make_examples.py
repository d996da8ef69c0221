"""Write the example data sets in this folder from the project's synthetic cascade model.

Nothing here is a real post or a real account: cascades come from ``ws.synthetic_posts`` (a marked
branching process), ids are renumbered, and follower counts are drawn at random. Run it from the
repository's top folder to remake the files byte for byte:

    .venv/bin/python examples/make_examples.py
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

import wechat_study as ws

HERE = Path(__file__).resolve().parent
BEIJING = "Asia/Shanghai"


def posts(n_posts: int = 30_000, seed: int = 7) -> pd.DataFrame:
    """Synthetic reposts with readable made-up ids, Beijing times, and each author's follower count."""
    p = ws.synthetic_posts(n_posts, seed=seed, root_mu=2.5, root_sigma=1.8, start="2019-03-01", span_days=180.0)
    rng = np.random.default_rng(seed)
    number = {pid: f"{4300000000000000 + i}" for i, pid in enumerate(p["post_id"])}
    users = {u: f"reader{i:05d}" for i, u in enumerate(dict.fromkeys(p["user_id"]))}
    followers = dict(zip(users.values(), np.round(rng.lognormal(5.5, 1.8, len(users))).astype(int), strict=True))
    out = pd.DataFrame({
        "post_id": p["post_id"].map(number),
        "parent_id": p["parent_id"].map(number),
        "user_id": p["user_id"].map(users),
        "created_at": p["created_at"].dt.tz_convert(BEIJING).dt.strftime("%Y-%m-%dT%H:%M:%S%z"),
    })
    out["followers"] = out["user_id"].map(followers)
    out["root"] = p["cascade_id"].to_numpy()
    return out


def edge_list(df: pd.DataFrame) -> None:
    df.drop(columns="root").to_csv(HERE / "weibo-cascades.csv", index=False)


def _some(df: pd.DataFrame, k: int, first: bool) -> pd.DataFrame:
    """The first (or last) ``k`` cascades with 2 to 300 posts."""
    size = df.groupby("root", sort=False).size()
    roots = list(size[(size >= 2) & (size <= 300)].index)
    return df[df["root"].isin(roots[:k] if first else roots[-k:])]


def weibo_api(df: pd.DataFrame, cascades: int = 30) -> None:
    """Cascades as Weibo's repost timeline JSON: statuses with retweeted_status, and pid for a repost of a repost."""
    keep = _some(df, cascades, first=True)
    when = pd.to_datetime(keep["created_at"]).dt.strftime("%a %b %d %H:%M:%S %z %Y")
    by_id = {r.post_id: (r, w) for r, w in zip(keep.itertuples(), when, strict=True)}

    def status(r, w):
        return {"created_at": w, "id": int(r.post_id), "idstr": r.post_id, "text": "示例转发（合成数据）",
                "reposts_count": 0, "user": {"id": int(r.user_id[6:]), "idstr": r.user_id, "screen_name": "示例用户",
                                             "followers_count": int(r.followers), "verified": False}}

    reposts = []
    for r, w in by_id.values():
        if pd.isna(r.parent_id):
            continue
        s = status(r, w)
        source_id = keep.loc[(keep["root"] == r.root) & keep["parent_id"].isna(), "post_id"].iloc[0]
        src_r, src_w = by_id[source_id]
        s["retweeted_status"] = status(src_r, src_w) | {"reposts_count": int((keep["root"] == r.root).sum() - 1)}
        if r.parent_id != source_id:
            s["pid"] = int(r.parent_id)
        reposts.append(s)
    lines = ",\n".join(json.dumps(r, ensure_ascii=False) for r in reposts)
    (HERE / "weibo-api.json").write_text(f'{{"total_number": {len(reposts)}, "reposts": [\n{lines}\n]}}\n', "utf-8")


def weibo_crawler(df: pd.DataFrame, cascades: int = 40) -> None:
    """Cascades as a Weibo crawler's CSV: Chinese headers, Beijing times without an offset, star trees."""
    keep = _some(df, cascades, first=False)
    source = keep[keep["parent_id"].isna()].set_index("root")["post_id"]
    size = keep.groupby("root").size() - 1
    out = pd.DataFrame({
        "id": keep["post_id"], "bid": "", "user_id": keep["user_id"], "用户昵称": "示例用户",
        "微博正文": "合成数据，非真实微博",
        "转发数": np.where(keep["parent_id"].isna(), keep["root"].map(size), 0), "评论数": 0, "点赞数": 0,
        "发布时间": pd.to_datetime(keep["created_at"]).dt.strftime("%Y-%m-%d %H:%M"),
        "retweet_id": np.where(keep["parent_id"].isna(), "", keep["root"].map(source)),
        "user_authentication": "普通用户",
    })
    out.to_csv(HERE / "weibo-crawler.csv", index=False, encoding="utf-8-sig")


if __name__ == "__main__":
    frame = posts()
    edge_list(frame)
    weibo_api(frame)
    weibo_crawler(frame)
    for f in sorted(HERE.glob("weibo-*[!l]")):
        print(f"{f.relative_to(HERE.parent)}: {f.stat().st_size:,} bytes")
