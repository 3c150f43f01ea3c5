"""The real corpus: public citizen messages labelled by our taxonomy (nlp/data/real/).

The repository holds the labels with each text's sha256, never the texts: their sources carry no
licence (see nlp/data/SOURCES.md). `rebuild` reads the texts back from the source
repositories at pinned commits (bare git mirrors), cleans them exactly as the labelling pool was
cleaned, checks every sha256 and writes them to var/real/texts.jsonl (untracked).

Run:
  python -m nlp.tools.real_corpus rebuild [--mirrors DIR] [--clone]   # texts into var/real/
  python -m nlp.tools.real_corpus windows [--offsets] [DIR]   # Wuhan dev2 texts from windows
  python -m nlp.tools.real_corpus import LABELS_DIR POOL.jsonl CHUNKS/  # labels into the repo
Then `python -m nlp train` uses the training rows and `python -m nlp evaluate --real dev` (or
`--real dev2`) scores the development rows. Standard library only (plus git on PATH).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import html
import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REAL_DIR = ROOT / "nlp" / "data" / "real"
LABELS = REAL_DIR / "labels.jsonl"
TEXTS = Path(os.environ.get("NLP_REAL_TEXTS", ROOT / "var" / "real" / "texts.jsonl"))
MIRRORS = Path(os.environ.get("CORPUS_MIRROR_ROOT", ROOT / "var" / "real" / "mirrors"))
LABEL_FIELDS = ("id", "source", "source_id", "sha256", "split", "intent", "category", "urgent",
                "place")  # fmt: skip

# Development rows (decided before any label existed, nlp/data/real/README.md): a city no
# training row comes from, and half of the Taicang forum by the first hex digit of the hash.
DEV_SOURCES = frozenset({"cq12345"})
HALF_DEV_SOURCES = frozenset({"tc_hanshan"})
# A second development set, kept apart from `dev` because `dev` has been looked at: every row of
# these sources is first measured by the lead, and is never trained or tuned on.
DEV2_SOURCES: frozenset[str] = frozenset({"wh_liuyan"})
SPLITS = ("train", "dev", "dev2")


def is_dev(source: str, sha256: str) -> bool:
    """True for a row of the first development set: never trained on."""
    return source in DEV_SOURCES or (source in HALF_DEV_SOURCES and sha256[0] in "01234567")


def split_of(source: str, sha256: str) -> str:
    """The split a row belongs to by the fixed rule: train, dev or dev2."""
    if source in DEV2_SOURCES:
        return "dev2"
    return "dev" if is_dev(source, sha256) else "train"


def text_of(title: str, body: str) -> str:
    """What the classifier reads and `place` is a substring of: title + newline + body."""
    return f"{title}\n{body}" if title else body


# ------------------------------------------------------------------ sources at pinned commits


@dataclass(frozen=True)
class Row:
    """One message as a source holds it."""

    source: str
    source_id: str
    title: str
    body: str


class Git:
    """Reads files of public GitHub repositories at commits, from bare mirrors under `root`."""

    def __init__(self, root: Path, clone: bool = False):
        self.root, self.clone = root, clone

    def git_dir(self, repo: str) -> Path:
        """The mirror of owner/name: <root>/<owner>+<name>/repo (bare) or repo/.git."""
        base = self.root / repo.replace("/", "+") / "repo"
        if (base / ".git").is_dir():
            return base / ".git"
        if not base.is_dir() and self.clone:
            base.parent.mkdir(parents=True, exist_ok=True)
            url = f"https://github.com/{repo}.git"
            cloned = subprocess.run(["git", "clone", "--bare", "--quiet", url, str(base)])
            if cloned.returncode != 0:
                raise RuntimeError(f"git clone {url} failed (exit {cloned.returncode})")
        return base

    def show(self, repo: str, commit: str, path: str) -> bytes:
        """The bytes of `path` at `commit` of `repo`."""
        result = subprocess.run(
            ["git", f"--git-dir={self.git_dir(repo)}", "show", f"{commit}:{path}"],
            capture_output=True,
            check=False,
        )
        if result.returncode != 0:
            err = result.stderr.decode(errors="replace").strip()
            raise RuntimeError(f"{repo}@{commit}:{path}: {err} (try --clone or --mirrors)")
        return result.stdout


def _csv(raw: bytes, encoding: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(raw.decode(encoding, errors="replace"))))


HK_TANN = ("Tann-chen/nlp-bureau-dispatching", "204d58f227d97642446706797e1f059adf1cb316")
HK_CFSC = ("Jincheng-Sun/CFSC", "5edf6b9a26c0a2a3cada6c678c55df56fc17cb42")
CQ = ("siriAo/myProject", "e35703b404ff2e33bc491e13994a1797c2192d6c")
TC = ("Aliweea/taicang", "6a7db3791f5be3d7e3104890cc66e558649dacbf")
FZ = ("timeofmei/work", "8fbab3f2371ef3200bf9668deb06927156dee089")
WH = ("asdf-anuo/WHCMB-PYTHON-PROJECT", "423960aaf09b31c58a05fbd775e0260da39d45ca")
WH_FILE = "wuhan_comments_20261008083749.csv"
# Jiamusi 政民互动 and Dalian 公众信箱: the data files were deleted from the repository later, so
# the pinned commit is the first one, which holds them.
WAIBAO = ("jamesfyp/WaiBaoSpider", "6982744fdab19be53daeb987e86ce6c7327e6410")
JMS_FILE = "WaiBaoSpider/data/jiamusi/jiamusi_detail.csv"
DL_FILE = "WaiBaoSpider/data/dalian/dalian_detail.csv"
# Zhuhai 12345 complaints and Shenzhen 在线咨询投诉 (one CSV per answering department; the
# combined file of the scrape is too large for the mirror and is not read).
CRAWLERS = ("linzch3/web-crawler-collections", "8b7f37b588d8e1b95692d5dcad212ce487435224")
ZH_FILE = "07.zhgovCrawler (★★☆)/投诉数据.csv"
SZ_DIR = "06.szgovCrawler(★★★)/ShenZhen_gov_info/"
SZ_DEPARTMENTS = ("城市管理局", "人居环境委员会", "规划和国土资源委员会", "住房和建设局",
                  "交通运输委员会", "公安局", "水务局", "市场和质量监督管理委员会", "教育局",
                  "民政局")  # fmt: skip


def hk12345(git: Git) -> Iterator[Row]:
    """Haikou 12345 tickets: top5000.csv, then the other sample's tickets not seen yet."""
    rows = _csv(git.show(*HK_TANN, "top5000.csv"), "gb18030")
    i_id, i_title, i_body = (rows[0].index(k) for k in ("工单编号", "工单标题", "诉求内容"))
    seen = set()
    for rec in rows[1:]:
        if len(rec) > i_body and rec[i_id].strip():
            seen.add(rec[i_id].strip())
            yield Row("hk12345", rec[i_id].strip(), rec[i_title], rec[i_body])
    rows = _csv(git.show(*HK_CFSC, "data/4k_testset.csv"), "gb18030")
    i_id, i_body = rows[0].index("工单编号"), rows[0].index("诉求内容")
    for rec in rows[1:]:
        if len(rec) > i_body and rec[i_id].strip() and rec[i_id].strip() not in seen:
            seen.add(rec[i_id].strip())
            yield Row("hk12345", rec[i_id].strip(), "", rec[i_body])  # no title in this export


def cq12345(git: Git) -> Iterator[Row]:
    """Chongqing 网上12345 cases: title, content, time, reply; the row index is the id."""
    for index, rec in enumerate(_csv(git.show(*CQ, "govern/chongQing/data.csv"), "utf-8")):
        if len(rec) >= 2:
            yield Row("cq12345", str(index), rec[0], rec[1])


_TC_HEADER = re.compile(r"^(咨询投诉|开门纳言) (.*?) ?$")
_TC_NOISE = re.compile(
    r"--来自寒山闻钟\S*客户端|发表于 [\d\- :]+\|\s*只看该作者|太仓市便民服务员|"
    r"\[url=\]查看楼层\[/url\]|部门回复"
)


def tc_hanshan(git: Git) -> Iterator[Row]:
    """Taicang 寒山闻钟 posts: a header line holds the title; the ordinal is the id."""
    text = git.show(*TC, "complaint.txt").decode("utf-8", errors="replace")
    title, lines, index = None, [], 0
    for line in text.split("\n") + ["咨询投诉 __end__ "]:
        header = _TC_HEADER.match(line)
        if header is None:
            lines.append(line)
            continue
        if title is not None:
            yield Row("tc_hanshan", str(index), title, _TC_NOISE.sub(" ", "\n".join(lines)))
            index += 1
        title, lines = header.group(2), []


def fz12345(git: Git) -> Iterator[Row]:
    """Fuzhou 12345 complaints: the complaint table (t<i>), then the keyword search (s<key>)."""
    table = json.loads(git.show(*FZ, "data/content_suqiu.json"))
    for index, (title, body) in enumerate(zip(table["标题"], table["投诉件内容"], strict=False)):
        yield Row("fz12345", f"t{index}", str(title or ""), str(body or ""))
    search = json.loads(git.show(*FZ, "data/result_suqiu_update.json"))
    for key in sorted(search, key=int):
        rec = search[key]
        yield Row(
            "fz12345", f"s{key}", str(rec.get("标题") or ""), str(rec.get("诉求件内容") or "")
        )


_HTML_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)


def _unhtml(text: str) -> str:
    """The board's HTML line breaks and entities (&nbsp;) as plain text."""
    return html.unescape(_HTML_BREAK.sub(" ", text))


def wh_liuyan(git: Git) -> Iterator[Row]:
    """Wuhan 城市留言板 posts (a 2026 scrape): subject and content; queryCode is the id."""
    raw = git.show(*WH, WH_FILE).decode("utf-8-sig", errors="replace")
    for rec in csv.DictReader(io.StringIO(raw)):
        if row := _wh_row(rec):
            yield row


def _wh_row(rec: dict) -> Row | None:
    """A Wuhan CSV record as a Row, None for a record with no id or no content."""
    if not rec.get("queryCode") or rec.get("content") is None:
        return None
    subject, content = _unhtml(rec["subject"] or ""), _unhtml(rec["content"])
    return Row("wh_liuyan", rec["queryCode"], subject, content)


# The Wuhan file cannot be mirrored here (SOURCES.md): its dev2 rows come from 24 windows of
# WH_WINDOW chars copied at the pinned commit. A window starts mid-file, so it has no header.
WH_CHARS, WH_WINDOWS, WH_WINDOW = 10_018_196, 24, 16_000
WH_COLUMNS = (
    "anonymousState,ansCheckState,attachment,availableTime,checkNum,commentsNum,content,dateline,"
    "dateline_str,domainId,favNum,fdFailCount,fidsNum,handleState,handleTogetherHandleTime,"
    "handletogetherLastAnswerTime,hasSecAnswer,isOpenComment,isReply,isReplyStr,isShowComment,"
    "lastupdate,leaderAnswer,lybh,markState,nickName,overt,params,processState,queryCode,"
    "queryCodeList,recommend,reportState,satisfaction,score,sfnm,sfnmStr,smrxDataId,"
    "smrxGetReplyed,source,subject,threadState,tid,timelyAnswered,togetherNum,traceState,typeId,"
    "userId,viewsNum,keyword,crawl_time"
)


def wh_window_offsets() -> list[int]:
    """Where each window of the Wuhan file starts (chars): spread evenly over the file."""
    return [int((i + 0.5) * WH_CHARS / WH_WINDOWS) for i in range(WH_WINDOWS)]


def wh_rows_in_window(text: str, columns: str = WH_COLUMNS) -> Iterator[Row]:
    """Every record of a copied window that starts after one of its line breaks. A record the
    window cuts, or a line break inside a quoted field, reads as garbage that no label's hash
    matches, so the caller's hash check is the filter."""
    for start in [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]:
        try:
            rec = next(csv.DictReader(io.StringIO(columns + "\n" + text[start:])))
        except (StopIteration, csv.Error):
            continue
        if row := _wh_row(rec):
            yield row


def _letters(
    git: Git, pin: tuple[str, str], source: str, path: str, columns: tuple[str | None, str, str]
) -> Iterator[Row]:
    """A city letter board's CSV (GB18030, header row): id, title and body columns by name; with
    no id column the data row's ordinal is the id (the file has none of its own)."""
    rows = _csv(git.show(*pin, path), "gb18030")
    id_column, title, body = columns
    i_title, i_body = rows[0].index(title), rows[0].index(body)
    i_id = rows[0].index(id_column) if id_column else -1
    for n, rec in enumerate(rows[1:]):
        rid = rec[i_id].strip() if i_id >= 0 and len(rec) > i_id else str(n)
        if len(rec) > max(i_id, i_title, i_body) and rid:
            yield Row(source, rid, rec[i_title], rec[i_body])


def jms_zmhd(git: Git) -> Iterator[Row]:
    """Jiamusi 政民互动 letters (2013-2019): the id is the letter page's UUID (链接)."""
    for row in _letters(git, WAIBAO, "jms_zmhd", JMS_FILE, ("链接", "信件标题", "信件内容")):
        uuid = row.source_id.rsplit("/", 1)[-1].removesuffix(".html")
        yield Row(row.source, uuid, row.title, row.body)


def dl_xinxiang(git: Git) -> Iterator[Row]:
    """Dalian 公众信箱 letters (2017-2019): the id is the 受理编号."""
    yield from _letters(git, WAIBAO, "dl_xinxiang", DL_FILE, ("受理编号", "反映标题", "反映内容"))


def zh12345(git: Git) -> Iterator[Row]:
    """Zhuhai 12345 complaints (2015-2017): subject and text; the id is the data row's ordinal."""
    yield from _letters(git, CRAWLERS, "zh12345", ZH_FILE, (None, "投诉主题", "投诉内容"))


def sz_zxts(git: Git) -> Iterator[Row]:
    """Shenzhen 在线咨询投诉 (2006-2017), the departments' files in SZ_DEPARTMENTS order: no
    header; id, title, department, asked, answered, message, answer (the answer is not used)."""
    for dept in SZ_DEPARTMENTS:
        for rec in _csv(git.show(*CRAWLERS, f"{SZ_DIR}深圳市{dept}.csv"), "gb18030"):
            if len(rec) >= 6 and rec[0].strip():
                yield Row("sz_zxts", rec[0].strip(), rec[1], rec[5])


EXTRACTORS: dict[str, Callable[[Git], Iterator[Row]]] = {
    "hk12345": hk12345,
    "cq12345": cq12345,
    "tc_hanshan": tc_hanshan,
    "fz12345": fz12345,
    "wh_liuyan": wh_liuyan,
    "jms_zmhd": jms_zmhd,
    "dl_xinxiang": dl_xinxiang,
    "zh12345": zh12345,
    "sz_zxts": sz_zxts,
}

# ------------------------------------------------------------------ cleaning (as the pool's)

_WS = re.compile(r"\s+")
_BOILERPLATE = (re.compile(r"[（(]\s*请职能局按规定[^）)]*[）)]"), re.compile(r"^【网上12345】"))
_REPLY_TAIL = re.compile(
    r"\s*\d{4}-\d{1,2}-\d{1,2}[\d:\s]*[^，。]{0,30}?(?:答复|反馈|回复)[:：].*$"
)
_SENTENCE_END = "。！？!?；;…"
MAX_BODY = 500


def _normalise(text: str) -> str:
    """Whitespace collapsed, bad bytes, dispatch boilerplate and appended answers removed."""
    text = _WS.sub(" ", text.replace("\ufffd", "").replace("\u3000", " ")).strip()
    text = _REPLY_TAIL.sub("", text)
    for pattern in _BOILERPLATE:
        text = pattern.sub("", text).strip()
    return text


def _cut(body: str) -> str:
    """At most MAX_BODY chars, cut at the last sentence end in the second half if any."""
    if len(body) <= MAX_BODY:
        return body
    head = body[:MAX_BODY]
    cut = max(head.rfind(mark) for mark in _SENTENCE_END)
    return head[: cut + 1] if cut >= MAX_BODY // 2 else head


def clean(row: Row) -> tuple[str, str]:
    """(title, body) as they were labelled."""
    return _normalise(row.title), _cut(_normalise(row.body))


def sha256_of(title: str, body: str) -> str:
    """The hash a label carries: sha256 of title + newline + body (UTF-8)."""
    return hashlib.sha256(f"{title}\n{body}".encode()).hexdigest()


# ------------------------------------------------------------------ labels and texts


def read_jsonl(path: Path) -> list[dict]:
    """Objects of a JSON Lines file."""
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def rebuild(git: Git, labels: Path = LABELS, out: Path = TEXTS) -> int:
    """Write the labelled texts to `out`; return the number of rows whose hash did not match."""
    wanted = {(r["source"], r["source_id"]): r for r in read_jsonl(labels)}
    found, differs = {}, set()
    for source in sorted({s for s, _ in wanted}):
        try:
            rows = list(EXTRACTORS[source](git))
        except RuntimeError as err:
            print(f"{source}: its repository cannot be read here ({err})")
            found.update(_kept_texts(source, wanted.values(), out))
            continue
        for row in rows:
            label = wanted.get((row.source, row.source_id))
            if label is None or label["id"] in found:
                continue
            text = _text_record(label, row)
            if text is None:
                differs.add(label["id"])  # a repeated id upstream may still match later
                continue
            found[label["id"]] = text
    missing = [r["id"] for r in wanted.values() if r["id"] not in found]
    bad = sum(rid in differs for rid in missing)
    for rid in missing:
        why = "does not match its sha256" if rid in differs else "is not in its source"
        print(f"{rid}: the text at the pinned commit {why}")
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8") as fh:
        for rec in found.values():
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    print(f"{len(found)} texts written to {out}; {bad} hash mismatches, {len(missing)} missing")
    return len(missing)


def import_windows(folder: Path, labels: Path = LABELS, out: Path = TEXTS) -> int:
    """Add the labelled Wuhan texts found in copied windows (`folder`/*.txt) to `out`, each row
    kept only when its cleaned text's sha256 and id are a label's; returns the labelled Wuhan
    rows still missing from `out`."""
    wanted = {r["source_id"]: r for r in read_jsonl(labels) if r["source"] == "wh_liuyan"}
    have = {r["id"] for r in read_jsonl(out)} if out.exists() else set()
    found: dict[str, dict] = {}
    windows = sorted(folder.glob("*.txt"))
    for path in windows:
        for row in wh_rows_in_window(path.read_text("utf-8")):
            label = wanted.get(row.source_id)
            if label and label["id"] not in have and (text := _text_record(label, row)):
                found[label["id"]] = text
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "a", encoding="utf-8") as fh:
        for rec in found.values():
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    missing = len({r["id"] for r in wanted.values()} - have - found.keys())
    print(f"{len(found)} Wuhan texts added to {out} from {len(windows)} windows; {missing} missing")
    return missing


def _text_record(label: dict, row: Row) -> dict | None:
    """The texts file's record of `row` cleaned, or None when its hash is not the label's."""
    title, body = clean(row)
    if sha256_of(title, body) != label["sha256"]:
        return None
    return {"id": label["id"], "title": title, "body": body, "sha256": label["sha256"]}


def _kept_texts(source: str, labels, out: Path) -> dict[str, dict]:
    """Texts of `source` already in `out` whose hash still matches: kept when the source's
    repository cannot be read (rebuild is a cache refill, not a reason to lose a set)."""
    if not out.exists():
        return {}
    want = {r["id"]: r["sha256"] for r in labels if r["source"] == source}
    kept = {}
    for rec in read_jsonl(out):
        if want.get(rec["id"]) == rec["sha256"] == sha256_of(rec["title"], rec["body"]):
            kept[rec["id"]] = rec
    if kept:
        print(f"{source}: kept {len(kept)} texts already in {out}")
    return kept


def hashed_label_bytes(labels: Path = LABELS) -> bytes:
    """The label file as a model's inputs hash sees it: without the dev2 rows.

    The model never reads them, so labelling a new evaluation set does not make it stale; with no
    dev2 row these are the file's bytes unchanged.
    """
    lines = labels.read_bytes().splitlines(keepends=True)
    return b"".join(line for line in lines if not line.strip() or _split(line) != "dev2")


def _split(line: bytes) -> str | None:
    return json.loads(line).get("split")


def load(split: str | None = None, labels: Path = LABELS, texts: Path = TEXTS) -> list[dict]:
    """Labelled rows with their text (`split`: train, dev, dev2 or None for all).

    Raises FileNotFoundError when the texts have not been rebuilt.
    """
    if not texts.exists():
        raise FileNotFoundError(
            f"{texts} missing: run `python -m nlp.tools.real_corpus rebuild` first"
        )
    by_id = {t["id"]: t for t in read_jsonl(texts)}
    rows = []
    for lab in read_jsonl(labels):
        if split and lab["split"] != split:
            continue
        t = by_id.get(lab["id"])
        if t is None or t["sha256"] != lab["sha256"]:
            raise ValueError(f"{lab['id']}: text missing or stale in {texts}: rebuild")
        rows.append({**lab, "text": text_of(t["title"], t["body"])})
    return rows


def import_labels(labels_dir: Path, rows_from: list[Path], out: Path = LABELS) -> int:
    """Join the labellers' chunk_*.jsonl with the rows' source ids (from pool or chunk files
    and folders in `rows_from`); write the repo's label file."""
    meta = {}
    for src in rows_from:
        for path in sorted(src.glob("*.jsonl")) if src.is_dir() else [src]:
            meta.update((r["id"], r) for r in read_jsonl(path))
    rows = []
    for path in sorted(labels_dir.glob("chunk_*.jsonl")):
        for lab in read_jsonl(path):
            m = meta[lab["id"]]
            if m["sha256"] != lab["sha256"]:
                raise ValueError(f"{path.name}: {lab['id']}: sha256 differs from the pool")
            split = split_of(m["source"], m["sha256"])
            rows.append({**lab, "source": m["source"], "source_id": m["source_id"],
                         "split": split})  # fmt: skip
    rows.sort(key=lambda r: (r["source"], _natural(r["id"])))
    with open(out, "w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps({k: r.get(k) for k in LABEL_FIELDS}, ensure_ascii=False) + "\n")
    print(f"{len(rows)} labels written to {out}")
    return 0


def _natural(rid: str) -> tuple[str, int]:
    head, _, num = rid.rpartition("_")
    return head, int(num) if num.isdigit() else 0


def main(argv: list[str] | None = None) -> int:
    """Command line (see the module docstring)."""
    parser = argparse.ArgumentParser(prog="python -m nlp.tools.real_corpus")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("rebuild", help="texts from the pinned commits into var/real/")
    p.add_argument("--mirrors", type=Path, default=MIRRORS, help="<owner>+<name>/repo mirrors")
    p.add_argument("--clone", action="store_true", help="clone missing mirrors from GitHub")
    p.add_argument("--out", type=Path, default=TEXTS)
    p = sub.add_parser("windows", help="Wuhan dev2 texts from copied windows of its file")
    p.add_argument("folder", type=Path, nargs="?", help="the windows, one .txt file each")
    p.add_argument("--offsets", action="store_true", help="print where the windows start")
    p.add_argument("--out", type=Path, default=TEXTS)
    p = sub.add_parser("import", help="labels from the labelling workspace into the repo")
    p.add_argument("labels_dir", type=Path)
    p.add_argument("rows", type=Path, nargs="+", help="pool.jsonl and/or chunk folders")
    args = parser.parse_args(argv)
    if args.command == "rebuild":
        return 1 if rebuild(Git(args.mirrors, args.clone), out=args.out) else 0
    if args.command == "windows":
        if args.offsets or args.folder is None:
            print(" ".join(map(str, wh_window_offsets())))
            return 0
        return 1 if import_windows(args.folder, out=args.out) else 0
    return import_labels(args.labels_dir, args.rows)


if __name__ == "__main__":
    sys.exit(main())
