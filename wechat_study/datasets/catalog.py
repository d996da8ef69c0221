"""The catalog: every public data set the package knows, pinned to an upstream commit.

Each entry names the upstream GitHub repository and commit, the files that make up the
data set (with their sizes and git-blob SHA-1s, in ``manifests/NAME.tsv``), the licence,
the citation and the loader. The manifests list upstream paths as upstream named them, except
where a name embeds a raw user id (CED's ``<index>_<mid>_<uid>.json``): there the uid is
replaced by ``sha256-`` and the first 20 hex digits of the SHA-256 of the whole upstream path
(``Dataset.committed_path``), so nothing committed carries the id while the manifest still pins
each file's name. Fetch matches an archive member by the same digest and keeps its upstream
name on disk. ``manifest_from_upstream`` turns upstream's MANIFEST.tsv into the committed form
(docs/methods.md#13-pseudonyms-and-privacy).
"""

from __future__ import annotations

import hashlib
import re
import sys
from dataclasses import dataclass
from functools import cached_property
from importlib import resources

__all__ = [
    "GITHUB", "PATH_DIGEST_HEX", "ManifestEntry", "Dataset", "CATALOG", "INVESTIGATED",
    "manifest_from_upstream", "write_manifest", "get"
]

GITHUB = "https://github.com"
#: Hex digits of a path's SHA-256 kept in place of a uid (80 bits: no collision among a data set's files).
PATH_DIGEST_HEX = 20


@dataclass(frozen=True)
class ManifestEntry:
    """One upstream file: its path under the archive's top folder, size in bytes, git-blob SHA-1.

    Parameters
    ----------
    path : str
        The path under the archive's top folder, in its committed form (``Dataset.committed_path``).
    size : int
        The file's size in bytes.
    blob_sha1 : str
        The git-blob SHA-1 of its bytes (40 hex digits).

    Examples
    --------
    >>> from wechat_study.datasets.catalog import get
    >>> get("wechatscope").manifest["ceninfo.csv"]
    ManifestEntry(path='ceninfo.csv', size=3781186, blob_sha1='119ab6c71c35748c27e74333c9d7733fefae7f60')
    """

    path: str
    size: int
    blob_sha1: str


@dataclass(frozen=True)
class Dataset:
    """A catalogued data set. ``loader`` is the module under ``wechat_study.datasets``.

    Parameters
    ----------
    name : str
        The canonical name (``"ced"``), the key in ``CATALOG``.
    owner, repo, commit : str
        The upstream GitHub repository and the pinned commit (40 hex digits).
    title, licence, citation : str
        What the data set is, its licence and how to cite it, for readers.
    loader : str
        The module under ``wechat_study.datasets`` that reads it.
    tables : tuple of str
        The canonical tables it gives (``("posts", "cascades")``).
    observation_end : str
        When observation ended: an ISO UTC time, ``"latest record"``, or empty when it does not apply.
    observation_end_note : str
        Why that end was chosen, for readers.
    uid_in_path : str
        A regular expression an upstream path fully matches when its name embeds a raw user id (group ``uid``);
        empty when no file name carries one.

    Examples
    --------
    >>> from wechat_study.datasets.catalog import CATALOG
    >>> d = CATALOG["wechatscope"]
    >>> d.owner, d.repo, d.commit[:7], d.tables
    ('Terminus2049', 'Wechatscope', '65bcd53', ('removals',))
    >>> d.archive_name
    'Wechatscope-65bcd538015ea1e1f97b07ef82940a8112dcb185.tar.gz'
    """

    name: str
    owner: str
    repo: str
    commit: str
    title: str
    licence: str
    citation: str
    loader: str
    tables: tuple[str, ...]
    #: When observation of the cascades ended (the crawl): an ISO UTC time, or ``"latest record"``
    #: to take it from the data (the latest post time in the data set, a lower bound on the crawl).
    #: Cascades that never cross a threshold are censored here (docs/methods.md#4-censoring-and-time-to-threshold).
    observation_end: str = ""
    observation_end_note: str = ""
    #: A regular expression an upstream path fully matches when its name embeds a raw user id, with the id
    #: as group ``uid``; empty when no file name carries one.
    uid_in_path: str = ""

    def committed_path(self, upstream: str) -> str:
        """The manifest's name for the upstream path ``upstream`` (relative to the archive's top folder).

        A path carrying a raw uid has it replaced by ``sha256-`` and the first ``PATH_DIGEST_HEX`` hex digits of
        the SHA-256 of the whole upstream path (UTF-8); other paths are kept. The digest pins the name without
        spelling the id; it is not a secret (uids are few enough to enumerate), it keeps raw ids out of the
        repository (docs/methods.md#13-pseudonyms-and-privacy).

        Parameters
        ----------
        upstream : str
            A path as upstream names it, relative to the archive's top folder.

        Returns
        -------
        str
            The committed name: ``upstream`` itself unless it fully matches ``uid_in_path``.

        Examples
        --------
        >>> from wechat_study.datasets.catalog import get
        >>> ced = get("ced")
        >>> ced.committed_path("CED_Dataset/rumor-repost/12_Abc123_456789.json")
        'CED_Dataset/rumor-repost/12_Abc123_sha256-d370cf317006a9d45636.json'
        >>> ced.committed_path("CED_Dataset/README.md")
        'CED_Dataset/README.md'
        """
        m = re.fullmatch(self.uid_in_path, upstream) if self.uid_in_path else None
        if m is None:
            return upstream
        digest = hashlib.sha256(upstream.encode("utf-8")).hexdigest()[:PATH_DIGEST_HEX]
        return f"{upstream[: m.start('uid')]}sha256-{digest}{upstream[m.end('uid') :]}"

    def archive_url(self, base: str = GITHUB) -> str:
        """The upstream archive of the pinned commit (``base`` stands in for GitHub).

        Parameters
        ----------
        base : str
            The server's address, ``GITHUB`` by default (a trailing ``/`` is dropped).

        Returns
        -------
        str
            ``BASE/OWNER/REPO/archive/COMMIT.tar.gz``.

        Examples
        --------
        >>> from wechat_study.datasets.catalog import get
        >>> get("wechatscope").archive_url("http://127.0.0.1:8000/")
        'http://127.0.0.1:8000/Terminus2049/Wechatscope/archive/65bcd538015ea1e1f97b07ef82940a8112dcb185.tar.gz'
        """
        return f"{base.rstrip('/')}/{self.owner}/{self.repo}/archive/{self.commit}.tar.gz"

    @property
    def url(self) -> str:
        return self.archive_url()

    @property
    def archive_name(self) -> str:
        """The archive's file name, as the download and a mirror both name it."""
        return f"{self.repo}-{self.commit}.tar.gz"

    @property
    def top_folder(self) -> str:
        return f"{self.repo}-{self.commit}"

    @cached_property
    def manifest_text(self) -> str:
        return resources.files(__package__).joinpath("manifests", f"{self.name}.tsv").read_text("utf-8")

    @cached_property
    def manifest(self) -> dict[str, ManifestEntry]:
        """Path → entry, for every file of the data set."""
        entries = {}
        for line in self.manifest_text.splitlines():
            if not line.strip():
                continue
            path, size, sha, *_ = line.split("\t")
            entries[path] = ManifestEntry(path, int(size), sha)
        return entries

    @property
    def manifest_digest(self) -> str:
        """SHA-256 of the manifest; a verified copy records it."""
        return hashlib.sha256(self.manifest_text.encode("utf-8")).hexdigest()


CATALOG: dict[str, Dataset] = {
    d.name: d
    for d in [
        Dataset(
            name="ced",
            owner="thunlp",
            repo="Chinese_Rumor_Dataset",
            commit="c1178d8cfd4c245c296889a51fc252b17c9037c5",
            title="CED: 3,387 Sina Weibo source posts (1,538 rumours, 1,849 non-rumours) with their repost/comment trees",
            licence="No licence file upstream; research use",
            citation="Song, Tu, Yang, Liu & Sun (2018). CED: Credible Early Detection of Social Media Rumors. arXiv:1811.04175",
            loader="ced",
            tables=("posts", "cascades"),
            observation_end="latest record",
            uid_in_path=r"CED_Dataset/(?:original-microblog|rumor-repost|non-rumor-repost)/\d+_[0-9A-Za-z]+_(?P<uid>\d+)\.json",
            observation_end_note=(
                "No crawl date is published. The crawl came after the latest record: year-less dates "
                "(Weibo's form for the current year) resolve to September 2016, while every source "
                "post is from April 2014 or earlier. The end is taken as the latest record, a lower "
                "bound; the results are shown not to depend on it."
            ),
        ),
        Dataset(
            name="wbmsf",
            owner="Les1ie",
            repo="HERI-GCN",
            commit="82277e86891fdaef07ecc0a66aa7f9331c43575d",
            title="Wb-MSF 5% sample (Sina Weibo, 2020): 521 repost cascades",
            licence="No licence file upstream; research use",
            citation="Wu et al. (2022). HERI-GCN: Hierarchical influence graph convolution for cascade popularity prediction. ICDE 2022",
            loader="wbmsf",
            tables=("posts", "cascades"),
            observation_end="latest record",
            observation_end_note=(
                "The upstream README and paper give no crawl date. The end is taken as the latest "
                "repost in the sample (January 2021), a lower bound on the crawl."
            ),
        ),
        Dataset(
            name="wechatscope",
            owner="Terminus2049",
            repo="Wechatscope",
            commit="65bcd538015ea1e1f97b07ef82940a8112dcb185",
            title="WeChatscope daily archive: 17,411 removed WeChat public-account articles (2018-07 to 2020-09)",
            licence="MPL-2.0",
            citation="Terminus2049/Wechatscope, a daily archive of HKU JMSC's WeChatscope (wechatscope.jmsc.hku.hk); see Tai & Fu (2020), Journal of Communication 70(6)",
            loader="wechatscope",
            tables=("removals",),
        ),
        Dataset(
            name="twitter15",
            owner="gszswork",
            repo="Twitter15_16_dataset",
            commit="6a33ebd91d4cafeb5a42eabc5727226fec7bb0e5",
            title="Twitter15 propagation trees with 4-class labels (1,490 source tweets)",
            licence="No licence file upstream; Twitter's terms apply to tweet ids",
            citation="Ma, Gao & Wong (2017). Detect Rumors in Microblog Posts Using Propagation Structure via Kernel Learning. ACL 2017",
            loader="twitter",
            tables=("posts", "cascades"),
            observation_end="latest record",
            observation_end_note=(
                "Ma et al. (2017) give no crawl date for the trees. The end is taken as the latest "
                "record in the data set (October 2016), a lower bound on the crawl."
            ),
        ),
        Dataset(
            name="twitter16",
            owner="gszswork",
            repo="Twitter15_16_dataset",
            commit="6a33ebd91d4cafeb5a42eabc5727226fec7bb0e5",
            title="Twitter16 propagation trees with 4-class labels (818 source tweets)",
            licence="No licence file upstream; Twitter's terms apply to tweet ids",
            citation="Ma, Gao & Wong (2017). Detect Rumors in Microblog Posts Using Propagation Structure via Kernel Learning. ACL 2017",
            loader="twitter",
            tables=("posts", "cascades"),
            observation_end="latest record",
            observation_end_note=(
                "Ma et al. (2017) give no crawl date for the trees. The end is taken as the latest "
                "record in the data set, a lower bound on the crawl."
            ),
        ),
        Dataset(
            name="citizenlab",
            owner="citizenlab",
            repo="chat-censorship",
            commit="1eeb5e679ec952926b8291b5980dd6fb4c329c9a",
            title="Citizen Lab: keywords and websites found blocked in WeChat tests, 2016-2017",
            licence="CC BY-NC-SA 4.0",
            citation="Citizen Lab, chat-censorship: One App, Two Systems (2016); We (Can't) Chat (2017); Remembering Liu Xiaobo (2017); Managing the Message (2017)",
            loader="citizenlab",
            tables=("keywords", "blocked_urls"),
        ),
    ]
}


#: The data sets the investigation reads; ``twitter16`` is catalogued for users who download it.
INVESTIGATED = ("ced", "wbmsf", "wechatscope", "twitter15", "citizenlab")


def manifest_from_upstream(text: str, name: str) -> str:
    """Upstream's MANIFEST.tsv text (path, size, git-blob SHA-1, status; tab-separated) in our committed form.

    Each path goes through ``Dataset.committed_path``; sizes, SHA-1s, other columns and the line order are kept.
    Raises ``ValueError`` when two upstream paths would share a committed name.

    Parameters
    ----------
    text : str
        The text of upstream's MANIFEST.tsv; blank lines are kept as they are.
    name : str
        The catalogued data set it belongs to.

    Returns
    -------
    str
        The same text with each line's path in its committed form.

    Raises
    ------
    UnknownDatasetError
        When ``name`` is not in the catalog.
    ValueError
        When two upstream paths would share a committed name (lengthen ``PATH_DIGEST_HEX``).

    Examples
    --------
    >>> from wechat_study.datasets.catalog import manifest_from_upstream
    >>> text = "CED_Dataset/README.md\\t1514\\t6b98b349971024ef3d34d15cac99d88111f58d53\\tok\\n" \\
    ...        "CED_Dataset/rumor-repost/12_Abc123_456789.json\\t100\\t" + 40 * "0" + "\\tok\\n"
    >>> for line in manifest_from_upstream(text, "ced").splitlines():
    ...     print(line.split("\\t")[0])
    CED_Dataset/README.md
    CED_Dataset/rumor-repost/12_Abc123_sha256-d370cf317006a9d45636.json
    """
    ds = get(name)
    out, seen = [], {}
    for n, line in enumerate(text.splitlines(keepends=True), 1):
        if not line.strip():
            out.append(line)
            continue
        path, rest = line.split("\t", 1)
        committed = ds.committed_path(path)
        if committed in seen:
            raise ValueError(
                f"{name}: MANIFEST.tsv line {n}: {committed} is also the committed name of line "
                f"{seen[committed]}; lengthen PATH_DIGEST_HEX"
            )
        seen[committed] = n
        out.append(f"{committed}\t{rest}")
    return "".join(out)


def write_manifest(upstream: str, name: str) -> None:
    """Regenerate ``manifests/NAME.tsv`` from upstream's MANIFEST.tsv at ``upstream`` (a file path).

    The file in the package is replaced atomically by ``manifest_from_upstream`` of the upstream text (so the
    same errors apply). It is what ``python -m wechat_study.datasets.catalog NAME MANIFEST`` runs.

    Parameters
    ----------
    upstream : str or pathlib.Path
        Upstream's MANIFEST.tsv, e.g. in a local mirror of the archives.
    name : str
        The catalogued data set.

    Examples
    --------
    It rewrites a file of the package from a catalogued data set's upstream manifest, so it is not run here:

    >>> from wechat_study.datasets.catalog import write_manifest
    >>> write_manifest("mirror/ced/MANIFEST.tsv", "ced")  # doctest: +SKIP
    """
    from pathlib import Path

    from ..atomic import write_text

    text = manifest_from_upstream(Path(upstream).read_text("utf-8"), name)
    write_text(Path(__file__).parent / "manifests" / f"{name}.tsv", text)


def get(name: str) -> Dataset:
    """The catalog entry for ``name``; a clear error lists the known names.

    Parameters
    ----------
    name : str
        A catalogued name, in any case (``"ced"``, ``"CED"``).

    Returns
    -------
    Dataset
        The entry in ``CATALOG``.

    Raises
    ------
    UnknownDatasetError
        When neither ``name`` nor its lower-case form is in the catalog; the message lists the known names.

    Examples
    --------
    >>> from wechat_study.datasets.catalog import get
    >>> get("CED").repo
    'Chinese_Rumor_Dataset'
    >>> get("weibo")
    Traceback (most recent call last):
    ...
    wechat_study.errors.UnknownDatasetError: unknown data set 'weibo'; the catalog has: ced, citizenlab, twitter15, ...
    """
    from ..errors import UnknownDatasetError

    entry = CATALOG.get(name) or CATALOG.get(str(name).lower())
    if entry is None:
        known = ", ".join(sorted(CATALOG))
        raise UnknownDatasetError(f"unknown data set {name!r}; the catalog has: {known}")
    return entry


if __name__ == "__main__":  # python -m wechat_study.datasets.catalog NAME MIRROR/NAME/MANIFEST.tsv
    write_manifest(sys.argv[2], sys.argv[1])
