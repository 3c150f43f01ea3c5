"""The real corpus in the repo: labels only, well-formed, split by the fixed rule; tooling."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter

import pytest

from nlp.tools import real_corpus as rc
from spec.taxonomy import CATEGORY_CODES, INTENTS


@pytest.fixture(scope="module")
def labels() -> list[dict]:
    return rc.read_jsonl(rc.LABELS)


def test_labels_are_well_formed_and_hold_no_text(labels):
    """Every row has the label fields only (no text), a valid label and a 64-hex sha256."""
    assert len(labels) > 5000
    for row in labels:
        assert set(row) == set(rc.LABEL_FIELDS), row["id"]
        assert row["intent"] in INTENTS
        assert (row["category"] in CATEGORY_CODES) == (row["intent"] == "complaint"), row["id"]
        assert row["urgent"] in (True, False) and (not row["urgent"] or row["category"])
        assert len(row["sha256"]) == 64 and int(row["sha256"], 16) >= 0
    assert len({r["id"] for r in labels}) == len(labels)


def test_split_follows_the_rule_fixed_before_labelling(labels):
    """Development rows: every Chongqing row and Taicang rows whose hash starts with 0-7."""
    for row in labels:
        assert row["split"] == rc.split_of(row["source"], row["sha256"])
    per = Counter((r["source"], r["split"]) for r in labels)
    assert per[("cq12345", "train")] == 0 and per[("tc_hanshan", "dev")] > 300
    assert per[("hk12345", "dev")] == per[("fz12345", "dev")] == 0


def test_text_and_hash_as_labelled():
    """The classifier's text is title + newline + body; the hash is over the same string."""
    assert rc.text_of("标题", "正文") == "标题\n正文" and rc.text_of("", "正文") == "正文"
    assert rc.sha256_of("", "x") != rc.sha256_of("x", "")
    title, body = rc.clean(rc.Row("hk12345", "1", " 标题 ", "正文\u3000内容（请职能局按规定办理）"))
    assert (title, body) == ("标题", "正文 内容")


def test_load_without_texts_says_how_to_rebuild(tmp_path):
    """Training or scoring real rows without the rebuilt texts fails with the fix in the message."""
    with pytest.raises(FileNotFoundError, match="rebuild"):
        rc.load("train", texts=tmp_path / "missing.jsonl")


def test_load_rejects_a_stale_text(tmp_path):
    """A text whose hash differs from its label's is not used."""
    labels = tmp_path / "labels.jsonl"
    texts = tmp_path / "texts.jsonl"
    row = {k: None for k in rc.LABEL_FIELDS} | {"id": "a", "split": "train", "sha256": "0" * 64}
    labels.write_text(json.dumps(row) + "\n", "utf-8")
    stale = {"id": "a", "title": "", "body": "x", "sha256": "1" * 64}
    texts.write_text(json.dumps(stale) + "\n", "utf-8")
    with pytest.raises(ValueError, match="stale"):
        rc.load("train", labels=labels, texts=texts)


def test_every_row_of_a_dev2_source_is_dev2(monkeypatch):
    """A second-development source is dev2 whatever its hash, and the other rules are unchanged."""
    monkeypatch.setattr(rc, "DEV2_SOURCES", frozenset({"new_board"}))
    assert {rc.split_of("new_board", h * 64) for h in "0f"} == {"dev2"}
    assert rc.split_of("cq12345", "f" * 64) == "dev"
    assert [rc.split_of("tc_hanshan", h * 64) for h in "07f"] == ["dev", "dev", "train"]
    assert rc.split_of("hk12345", "0" * 64) == "train"


def _write_corpus(tmp_path, splits: list[str]):
    labels, texts = tmp_path / "labels.jsonl", tmp_path / "texts.jsonl"
    with open(labels, "w", encoding="utf-8") as lf, open(texts, "w", encoding="utf-8") as tf:
        for i, split in enumerate(splits):
            sha = rc.sha256_of("", f"正文{i}")
            row = {k: None for k in rc.LABEL_FIELDS} | {
                "id": f"r_{i}",
                "split": split,
                "sha256": sha,
            }
            lf.write(json.dumps(row) + "\n")
            tf.write(
                json.dumps({"id": f"r_{i}", "title": "", "body": f"正文{i}", "sha256": sha}) + "\n"
            )
    return labels, texts


def test_load_dev2_returns_only_dev2_rows(tmp_path):
    """`load("dev2")` is the second development set alone; `load("train")` never includes it."""
    labels, texts = _write_corpus(tmp_path, ["train", "dev", "dev2", "dev2"])
    assert [r["id"] for r in rc.load("dev2", labels=labels, texts=texts)] == ["r_2", "r_3"]
    assert [r["id"] for r in rc.load("train", labels=labels, texts=texts)] == ["r_0"]


def test_dev2_labels_stay_out_of_the_hashed_label_bytes(tmp_path):
    """The inputs hash sees the label file without its dev2 rows, byte for byte otherwise."""
    labels, _ = _write_corpus(tmp_path, ["train", "dev"])
    before = labels.read_bytes()
    assert rc.hashed_label_bytes(labels) == before
    with open(labels, "a", encoding="utf-8") as fh:
        fh.write(json.dumps({"id": "x", "split": "dev2"}) + "\n")
    assert rc.hashed_label_bytes(labels) == before


def test_evaluate_accepts_every_split(monkeypatch):
    """`python -m nlp evaluate --real dev2` is a valid command line (parsed, not run here)."""
    import io
    import sys

    from nlp.tools import cli

    seen = {}
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO()))
    monkeypatch.setattr(cli, "cmd_evaluate", lambda args: seen.setdefault("real", args.real) and 0)
    assert cli.main(["evaluate", "--real", "dev2"]) == 0
    assert seen == {"real": "dev2"} and set(rc.SPLITS) == {"train", "dev", "dev2"}


def _git_repo_with(root, repo: str, files: dict[str, bytes]) -> str:
    """A real git repository laid out as a mirror (<owner>+<name>/repo/.git) holding `files`
    (path -> bytes, folders included); its commit."""
    import subprocess

    work = root / repo.replace("/", "+") / "repo"
    for name, content in files.items():
        (work / name).parent.mkdir(parents=True, exist_ok=True)
        (work / name).write_bytes(content)
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t", "PATH": "/usr/bin:/bin"}  # fmt: skip
    for cmd in (["init", "-q"], ["add", "."], ["commit", "-qm", "data"]):
        subprocess.run(["git", *cmd], cwd=work, env=env, check=True)
    out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=work, capture_output=True, check=True)
    return out.stdout.decode().strip()


WH_CSV = (
    "content,lybh,queryCode,subject,tid,crawl_time\n"
    '"楼下烧烤店,油烟<br>太大&nbsp;了",[2025]1,3541001,烧烤扰民,1246124597995479040,2026-10-08\n'
    "路灯不亮,[2025]2,3541002,,1246121091980959744,2026-10-08\n"
).encode()


def test_wuhan_board_rows_read_from_a_pinned_commit(tmp_path, monkeypatch):
    """The Wuhan reader: subject, content and queryCode from the CSV, HTML as plain text."""
    commit = _git_repo_with(tmp_path, rc.WH[0], {rc.WH_FILE: WH_CSV})
    monkeypatch.setattr(rc, "WH", (rc.WH[0], commit))
    rows = [rc.clean(r) + (r.source_id,) for r in rc.wh_liuyan(rc.Git(tmp_path))]
    assert rows == [("烧烤扰民", "楼下烧烤店,油烟 太大 了", "3541001"), ("", "路灯不亮", "3541002")]


JMS_CSV = (
    "信件内容,信件标题,咨询时间,来信人,链接\n"
    "楼下烧烤店油烟太大,烧烤扰民,2018-1-1,某某,http://www.jms.gov.cn/html/zmhd/content/4972.html\n"
    '"路灯不亮,晚上很黑",路灯,2018-1-2,某某,http://www.jms.gov.cn/html/zmhd/content/ab-12.html\n'
).encode("gb18030")
DL_CSV = (
    "反映内容,反映时间,反映标题,受理编号,答复内容\n"
    "楼道里堆满杂物,2018-12-27,楼道堆物,G20181227-0026,已处理\n"
).encode("gb18030")


def _read_pinned(root, monkeypatch, pin: str, reader, files: dict, **paths) -> list[tuple]:
    """(id, title, body) of each row `reader` yields from a mirror under `root` holding `files`,
    its commit pinned as `rc.<pin>` and the module's path settings `paths` set."""
    commit = _git_repo_with(root, getattr(rc, pin)[0], files)
    monkeypatch.setattr(rc, pin, (getattr(rc, pin)[0], commit))
    for name, value in paths.items():
        monkeypatch.setattr(rc, name, value)
    return [(r.source_id, r.title, r.body) for r in reader(rc.Git(root))]


def test_city_letter_boards_read_from_a_pinned_commit(tmp_path, monkeypatch):
    """Jiamusi and Dalian letters: title and body by column name (GB18030), the page id or the
    受理编号 as the row id; the writer and the official answer are not read."""
    files = {"jms.csv": JMS_CSV}
    rows = _read_pinned(tmp_path, monkeypatch, "WAIBAO", rc.jms_zmhd, files, JMS_FILE="jms.csv")
    assert rows == [
        ("4972", "烧烤扰民", "楼下烧烤店油烟太大"),
        ("ab-12", "路灯", "路灯不亮,晚上很黑"),
    ]
    files = {"dl.csv": DL_CSV}
    rows = _read_pinned(tmp_path / "dl", monkeypatch, "WAIBAO", rc.dl_xinxiang, files,
                        DL_FILE="dl.csv")  # fmt: skip
    assert rows == [("G20181227-0026", "楼道堆物", "楼道里堆满杂物")]


ZH_CSV = (
    "受理意见,处理单位,处理状态,投诉主题,投诉人,投诉内容,投诉日期\n"
    "None,市城市管理行政执法局,处理中,夜间施工扰民,陈*****,工地通宵施工，噪声极大,2017-06-05\n"
    '已办结,斗门区,已办结,占道经营,吕*****,"路口摊贩占道,影响通行",2017-06-06\n'
).encode("gb18030")
SZ_CSV = {
    "sz/深圳市城管.csv": '169,广场噪音,城管局,2017.05.03,2017.05.04,"外置功放唱歌到10点",已回复\n',
    "sz/深圳市人居.csv": "7,垃圾站臭味,人居委,2016.01.02,2016.01.05,垃圾站很臭,答复\n",
}


def test_zhuhai_and_shenzhen_boards_read_from_a_pinned_commit(tmp_path, monkeypatch):
    """Zhuhai complaints by column name with the row ordinal as id; Shenzhen's department files
    (no header) in the listed order, the first column as id; answers and names are not read."""
    files = {"zh/投诉.csv": ZH_CSV}
    rows = _read_pinned(tmp_path, monkeypatch, "CRAWLERS", rc.zh12345, files, ZH_FILE="zh/投诉.csv")
    assert rows == [
        ("0", "夜间施工扰民", "工地通宵施工，噪声极大"),
        ("1", "占道经营", "路口摊贩占道,影响通行"),
    ]
    files = {path: text.encode("gb18030") for path, text in SZ_CSV.items()}
    rows = _read_pinned(tmp_path / "sz", monkeypatch, "CRAWLERS", rc.sz_zxts, files,
                        SZ_DIR="sz/", SZ_DEPARTMENTS=("人居", "城管"))  # fmt: skip
    assert rows == [("7", "垃圾站臭味", "垃圾站很臭"), ("169", "广场噪音", "外置功放唱歌到10点")]


def test_rebuild_keeps_texts_of_a_source_it_cannot_read(tmp_path):
    """A source whose repository is unreachable keeps its already rebuilt, still matching texts."""
    labels, texts = tmp_path / "labels.jsonl", tmp_path / "texts.jsonl"
    sha = rc.sha256_of("烧烤扰民", "油烟太大")
    ids = {"id": "wh_liuyan_1", "source": "wh_liuyan", "source_id": "1"}
    row = {k: None for k in rc.LABEL_FIELDS} | ids | {"sha256": sha, "split": "dev2"}
    labels.write_text(json.dumps(row) + "\n", "utf-8")
    kept = {"id": "wh_liuyan_1", "title": "烧烤扰民", "body": "油烟太大", "sha256": sha}
    texts.write_text(json.dumps(kept, ensure_ascii=False) + "\n", "utf-8")
    assert rc.rebuild(rc.Git(tmp_path / "no-mirrors"), labels=labels, out=texts) == 0
    assert rc.read_jsonl(texts) == [kept]
    texts.write_text(json.dumps(kept | {"body": "改过"}, ensure_ascii=False) + "\n", "utf-8")
    assert rc.rebuild(rc.Git(tmp_path / "no-mirrors"), labels=labels, out=texts) == 1


def _wh_record(query_code: str, subject: str, content: str) -> str:
    """One row of the Wuhan file as its CSV writer wrote it (every column, most empty)."""
    columns = rc.WH_COLUMNS.split(",")
    values = {"queryCode": query_code, "subject": subject, "content": content}
    out = io.StringIO()
    csv.writer(out).writerow([values.get(c, "0") for c in columns])
    return out.getvalue().replace("\r\n", "\n")


def test_wuhan_texts_come_back_from_copied_windows(tmp_path):
    """A window starts mid-record and may cut its last one: every whole record whose hash and id
    are a label's is added once; the cut ones and unlabelled ones are not."""
    posts = [("3541001", "烧烤扰民", "楼下烧烤店油烟<br>太大"), ("3541004", "没标注", "不在标注里"),
             ("3541002", "", "路灯不亮,\n晚上很黑"), ("3541003", "占道", "有人摆摊")]  # fmt: skip
    text = "".join(_wh_record(*p) for p in posts)
    windows = tmp_path / "windows"
    windows.mkdir()
    cut = text[10 : text.rindex("有人摆摊") + 2]  # into the first record and the last one's text
    (windows / "win_00.txt").write_text(cut, "utf-8")
    labels, out = tmp_path / "labels.jsonl", tmp_path / "texts.jsonl"
    with open(labels, "w", encoding="utf-8") as fh:
        for code, title, body in posts[:1] + posts[2:]:
            cleaned = rc.clean(rc.Row("wh_liuyan", code, title, rc._unhtml(body)))
            row = {"id": f"wh_liuyan_{code}", "source": "wh_liuyan", "source_id": code,
                   "sha256": rc.sha256_of(*cleaned), "split": "dev2"}  # fmt: skip
            fh.write(json.dumps(row) + "\n")
    assert rc.import_windows(windows, labels=labels, out=out) == 2  # 3541001 and 3541003 cut
    assert [(r["id"], r["title"], r["body"]) for r in rc.read_jsonl(out)] == [
        ("wh_liuyan_3541002", "", "路灯不亮, 晚上很黑")
    ]
    (windows / "win_01.txt").write_text(text, "utf-8")  # the whole file: the rest comes back
    assert rc.import_windows(windows, labels=labels, out=out) == 0
    assert sorted(r["id"] for r in rc.read_jsonl(out)) == [
        "wh_liuyan_3541001", "wh_liuyan_3541002", "wh_liuyan_3541003"
    ]  # fmt: skip
    assert all(rc.sha256_of(r["title"], r["body"]) == r["sha256"] for r in rc.read_jsonl(out))


def test_wuhan_windows_are_spread_over_the_file():
    offsets = rc.wh_window_offsets()
    assert len(offsets) == rc.WH_WINDOWS and offsets[0] == 208_712 and offsets[-1] == 9_809_483
    assert all(b - a > rc.WH_WINDOW for a, b in zip(offsets, offsets[1:], strict=False))
