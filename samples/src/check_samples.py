#!/usr/bin/env python3
"""Check the generated sample archive against its ground truth, independently of tracuu.

    python3 samples/src/check_samples.py

- expected.jsonl: exact keys, NFC, formats, coverage (layouts, provinces, agencies, topics, years);
- every page: decoded with its declared charset (windows-1258 included), entities decoded, NFC,
  must contain the expected title, lead and every body paragraph;
- extra.warc.gz: one gzip member per record, WARC/1.0 headers, exact Content-Length, block and
  payload digests, records ending in CRLF CRLF; the payload of each 200 response checked as a page;
- extra.jsonl: every good line equals its ground truth, the malformed line does not parse;
- queries.tsv: classes and counts, every target is an expected article, and a crude
  diacritics-folding word match finds every query's words in its target.
Python 3.11 standard library only. Exit status 1 on any failure.
"""

from __future__ import annotations

import base64
import collections
import hashlib
import html
import json
import re
import shlex
import sys
import unicodedata
import zlib
from pathlib import Path

SAMPLES = Path(__file__).resolve().parent.parent
KEYS = ["source", "layout", "known_layout", "url", "title", "lead", "body", "date", "time",
        "agency", "author", "topic", "province"]
failures: list[str] = []


def fail(msg: str) -> None:
    failures.append(msg)


def clean(text: str) -> str:
    """What extraction does to text: entities, NFC, Ð→Đ, invisible characters, whitespace."""
    text = html.unescape(text)
    text = unicodedata.normalize("NFC", text).replace("\u00d0", "\u0110")
    text = text.replace("\u00a0", " ").replace("\u200b", "").replace("\u00ad", "")
    return re.sub(r"\s+", " ", text).strip()


def page_text(raw: bytes, charset: str | None = None) -> str:
    if charset is None:
        m = re.search(rb'charset=["\']?([\w-]+)', raw[:2048])
        charset = m.group(1).decode("ascii").lower() if m else "utf-8"
    text = raw.decode("cp1258" if charset == "windows-1258" else charset)
    text = re.sub(r"(?s)<script.*?</script>", " ", text)
    text = re.sub(r"<[^>]*>", " ", text)
    return clean(text)


def check_page(label: str, raw: bytes, rec: dict, charset: str | None = None) -> None:
    text = page_text(raw, charset)
    parts = [rec["title"], rec["lead"]] + rec["body"].split("\n\n")
    for part in parts:
        if part and part not in text:
            fail(f"{label}: text not found in page: {part[:60]!r}")


def check_expected(expected: list[dict]) -> None:
    for r in expected:
        if list(r.keys()) != KEYS:
            fail(f"{r.get('source')}: keys {list(r.keys())}")
        for k in ("title", "lead", "body", "agency", "author", "topic", "province"):
            v = r.get(k)
            if isinstance(v, str) and not unicodedata.is_normalized("NFC", v):
                fail(f"{r['source']}: {k} not NFC")
        if not re.fullmatch(r"\d{4}-\d\d-\d\d", r["date"]):
            fail(f"{r['source']}: date {r['date']}")
        if r["time"] is not None and not re.fullmatch(r"\d\d:\d\d", r["time"]):
            fail(f"{r['source']}: time {r['time']}")
        if "./." in r["body"] or not r["title"] or not r["body"]:
            fail(f"{r['source']}: body or title")
    pages = [r for r in expected if r["source"].startswith("pages/")]
    by_layout = collections.Counter(r["layout"] for r in pages)
    need = {"mic2009": 9, "chinhphu": 9, "nukeviet": 9, "oldtable": 6, "joomla": 6}
    for lay, n in need.items():
        if by_layout[lay] < n:
            fail(f"layout {lay}: {by_layout[lay]} pages < {n}")
    if len(pages) < 44:
        fail(f"only {len(pages)} article pages")
    provinces = {r["province"] for r in expected if r["province"]}
    agencies = {r["agency"] for r in expected}
    topics = {r["topic"] for r in expected if r["topic"]}
    years = sorted({int(r["date"][:4]) for r in expected})
    if len(provinces) < 6 or len(agencies) < 8 or len(topics) < 6 or years[0] > 2008 or years[-1] < 2024:
        fail("coverage")
    print(f"expected: {len(expected)} articles ({len(pages)} pages: {dict(by_layout)}), "
          f"{len(provinces)} provinces, {len(agencies)} agencies, {len(topics)} topics, years {years[0]}-{years[-1]}")


def sha1_b32(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def check_warc(path: Path, expected: dict[str, dict]) -> None:
    data = path.read_bytes()
    records = []
    while data:
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        member = d.decompress(data)
        if not d.eof:
            fail("warc: truncated gzip member")
            return
        records.append(member)
        data = d.unused_data
    types = []
    for member in records:
        head, sep, rest = member.partition(b"\r\n\r\n")
        lines = head.decode("utf-8").split("\r\n")
        if lines[0] != "WARC/1.0":
            fail(f"warc: version line {lines[0]!r}")
        fields = dict(line.split(": ", 1) for line in lines[1:])
        n = int(fields["Content-Length"])
        block, tail = rest[:n], rest[n:]
        if tail != b"\r\n\r\n":
            fail(f"warc: record tail {tail[:10]!r} (Content-Length wrong?)")
        if "WARC-Block-Digest" in fields and fields["WARC-Block-Digest"] != sha1_b32(block):
            fail("warc: block digest")
        for f in ("WARC-Type", "WARC-Record-ID", "WARC-Date"):
            if f not in fields:
                fail(f"warc: missing {f}")
        if not re.fullmatch(r"<urn:uuid:[0-9a-f-]{36}>", fields["WARC-Record-ID"]):
            fail("warc: record id")
        types.append(fields["WARC-Type"])
        if fields["WARC-Type"] != "response":
            continue
        if fields["Content-Type"] != "application/http; msgtype=response":
            fail("warc: content type")
        http_head, _, payload = block.partition(b"\r\n\r\n")
        if fields["WARC-Payload-Digest"] != sha1_b32(payload):
            fail("warc: payload digest")
        status = http_head.split(b"\r\n")[0].decode()
        uri = fields["WARC-Target-URI"]
        source = f"dumps/extra.warc.gz#{uri}"
        if " 200 " not in status:
            if source in expected:
                fail(f"warc: {uri} is {status} but expected")
            continue
        m = re.search(rb"Content-Type: text/html; charset=([\w-]+)", http_head)
        charset = m.group(1).decode().lower() if m else "utf-8"
        rec = expected.get(source)
        if rec is None:
            fail(f"warc: {uri} not in expected")
            continue
        if charset == "windows-1258" and b"charset" in payload[:2048].lower():
            print(f"  note: {uri} declares its charset in the page too")
        check_page(source, payload, rec, charset)
    print(f"warc: {len(records)} gzip members: {collections.Counter(types)}")


def check_jsonl(path: Path, expected: dict[str, dict]) -> None:
    good = bad = 0
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        source = f"dumps/extra.jsonl:{n}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            bad += 1
            if source in expected:
                fail(f"{source}: malformed but expected")
            continue
        rec = expected[source]
        good += 1
        for k in ("url", "title", "lead", "body", "date", "agency", "author", "topic", "province"):
            if obj[k] != rec[k]:
                fail(f"{source}: {k} differs")
        t = obj["datetime"][11:16] if obj["datetime"] else None
        if t != rec["time"]:
            fail(f"{source}: datetime/time differ")
    print(f"jsonl: {good} articles, {bad} malformed")


FOLD = str.maketrans("đĐ", "dD")


def fold(s: str) -> str:
    s = unicodedata.normalize("NFD", s.translate(FOLD))
    return "".join(c for c in s if unicodedata.category(c) != "Mn").lower()


SYN = {"ubnd": "uy ban nhan dan", "hdnd": "hoi dong nhan dan", "tt&tt": "thong tin va truyen thong",
       "cntt": "cong nghe thong tin", "kh&dt": "ke hoach va dau tu", "tp.hcm": "thanh pho ho chi minh",
       "gd&dt": "giao duc va dao tao", "nn&ptnt": "nong nghiep va phat trien nong thon",
       "tn&mt": "tai nguyen va moi truong", "kh&cn": "khoa hoc va cong nghe"}


OLD_TO_NEW = {}
for _v, _marks in (("oa", "àáảãạ"), ("oe", "èéẻẽẹ"), ("uy", "ỳýỷỹỵ")):
    for _i, _m in enumerate(_marks):
        _new = unicodedata.normalize("NFC", _v[0] + "\u0300\u0301\u0309\u0303\u0323"[_i] + _v[1])
        OLD_TO_NEW[_v[0] + _m] = _new


def tone_canon(word: str) -> str:
    """New-style tone placement for open oa/oe/uy syllables (hoà -> hòa, thuỷ -> thủy)."""
    for old, new in OLD_TO_NEW.items():
        if word.endswith(old) and not word.endswith("q" + old):
            return word[: -len(old)] + new
    return word


def searchable(rec: dict) -> str:
    hay = fold(" ".join(str(rec[k] or "") for k in ("title", "lead", "body")))
    for short, long in SYN.items():  # abbreviations typed either way
        if long in hay:
            hay += " " + short
        if re.search(r"(?<![\w&])" + re.escape(short) + r"(?![\w&])", hay):
            hay += " " + long
    return hay


def filtered_hits(query: str, flags: str, expected: dict[str, dict]) -> list[str]:
    """A crude model of the CLI filters: agency as an accent-insensitive prefix (abbreviations
    expanded), province and topic equal, year, from and to; then every query word present."""
    args = shlex.split(flags)
    opts = dict(zip(args[::2], args[1::2]))
    words = fold(query).split()
    hits = []
    for src, r in expected.items():
        if "--agency" in opts:
            want = fold(opts["--agency"])
            for short, long in SYN.items():
                want = re.sub(r"(?<![\w&])" + re.escape(short) + r"(?![\w&])", long, want)
            if not fold(r["agency"]).startswith(want):
                continue
        if "--province" in opts and fold(r["province"] or "") != fold(opts["--province"]):
            continue
        if "--topic" in opts and fold(r["topic"] or "") != fold(opts["--topic"]):
            continue
        if "--year" in opts and r["date"][:4] != opts["--year"]:
            continue
        if "--from" in opts and r["date"] < opts["--from"]:
            continue
        if "--to" in opts and r["date"] > opts["--to"]:
            continue
        hay_words = set(re.findall(r"\w+", searchable(r)))
        if all(w in hay_words for w in words):
            hits.append(src)
    return hits


def check_queries(path: Path, expected: dict[str, dict]) -> None:
    rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()]
    if rows[0] != ["class", "query", "target_source", "flags"]:
        fail(f"queries: header {rows[0]}")
    classes = collections.Counter()
    for row in rows[1:]:
        if len(row) != 4:
            fail(f"queries: bad row {row}")
            continue
        cls, query, target, flags = row
        classes[cls] += 1
        rec = expected.get(target)
        if rec is None:
            fail(f"queries: unknown target {target}")
            continue
        hay = searchable(rec)
        hay_words = set(re.findall(r"[\w&./-]+", hay))
        words = re.findall(r"[\w&./-]+", fold(query.replace('"', " ")))
        for w in words:
            w2 = w.strip(".")
            if w2 in SYN and SYN[w2] in hay:
                continue
            if cls == "doc_code" and w2.replace("-", "") in hay.replace("-", ""):
                continue
            if w2 not in hay_words and w2 not in hay:
                fail(f"queries: {cls} {query!r}: word {w!r} not in {target}")
        if cls == "filtered":
            hits = filtered_hits(query, flags, expected)
            if hits != [target]:
                fail(f"queries: filtered {query!r} {flags}: matches {hits}")
        elif cls == "body_phrase":
            phrase = fold(query.strip('"'))
            hits = [s for s, r in expected.items() if phrase in fold(r["body"])]
            if hits != [target]:
                fail(f"queries: phrase {query!r} found in {hits}")
        elif cls in ("official", "official_nodiac"):
            # The intended article names the official in its title or lead, and no other does;
            # other articles may name them in the body (distractors).
            name = fold(query)
            for title in ("pho chu tich", "thu truong", "giam doc so"):
                name = name.replace(title, "").strip()
            named = [s for s, r in expected.items() if name in fold(r["title"] + " " + r["lead"])]
            if not named:
                named = [s for s, r in expected.items() if name in fold(r["body"])]
            if named != [target]:
                fail(f"queries: official {query!r}: named in title/lead of {named}")
        elif cls == "tone_variant":
            exact = set(re.findall(r"\w+", " ".join(str(rec[k] or "") for k in ("title", "lead", "body")).lower()))
            words = re.findall(r"\w+", query.lower())
            variants = [w for w in words if w not in exact and tone_canon(w) in {tone_canon(x) for x in exact}]
            if not variants:
                fail(f"queries: tone_variant {query!r}: no word in the other tone placement")
        elif cls == "doc_code":
            num = re.search(r"\d+/\d+|\d+", query).group(0)
            hits = [s for s, r in expected.items() if re.search(r"(?<![\d/])" + re.escape(num) + r"(?![\d])", r["lead"] + " " + r["body"])]
            if hits != [target]:
                fail(f"queries: doc code {query!r} found in {hits}")
    need = ["title_nodiac", "tone_variant", "body_phrase", "official", "official_nodiac", "abbrev", "doc_code", "filtered"]
    for c in need:
        if classes[c] < 5:
            fail(f"queries: class {c} has {classes[c]} < 5")
    print(f"queries: {sum(classes.values())} in {dict(classes)}")


def check_specials(expected_list: list[dict]) -> None:
    """The archive must keep its awkward pages: legacy charset, NFD, entities, invisibles, Ð."""
    found = collections.Counter()
    for r in expected_list:
        if not r["source"].startswith("pages/"):
            continue
        raw = (SAMPLES / r["source"]).read_bytes()
        if b"charset=windows-1258" in raw[:2048]:
            found["windows-1258"] += 1
            continue
        text = raw.decode("utf-8")
        if not unicodedata.is_normalized("NFC", text):
            found["nfd"] += 1
        if len(re.findall(r"&#x?[0-9A-Fa-f]+;|&[a-z]+;", text)) > 300:
            found["entities"] += 1
        if "\u200b" in text or "\u00ad" in text:
            found["invisible"] += 1
        if "\u00d0" in text:
            found["eth"] += 1
        if "./.</p>" in text:
            found["closing ./."] += 1
        if "RelatedNewsBox" in text:
            found["related box"] += 1
        if "Tin liên quan" in text and "news-bodyhtml" in text:
            found["tin lien quan"] += 1
        if "figcaption" in text or "img_caption" in text or "<em>" in text:
            found["captions"] += 1
        if "ĐÁNH GIÁ BÀI VIẾT( 0)" in text:
            found["rating"] += 1
    for k in ("windows-1258", "nfd", "entities", "invisible", "eth", "closing ./.", "related box", "tin lien quan", "captions", "rating"):
        if not found[k]:
            fail(f"special missing: {k}")
    print(f"specials: {dict(found)}")


def main() -> int:
    expected_list = [json.loads(line) for line in (SAMPLES / "expected.jsonl").read_text(encoding="utf-8").splitlines()]
    expected = {r["source"]: r for r in expected_list}
    if len(expected) != len(expected_list):
        fail("duplicate sources")
    check_expected(expected_list)
    for r in expected_list:
        if r["source"].startswith("pages/"):
            check_page(r["source"], (SAMPLES / r["source"]).read_bytes(), r)
    for line in (SAMPLES / "expected_skips.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        path = line.split("\t")[0]
        if path.startswith("pages/") and not (SAMPLES / path).exists():
            fail(f"skip file missing: {path}")
        if path in expected:
            fail(f"{path} is both expected and skipped")
    on_disk = {str(p.relative_to(SAMPLES)) for p in (SAMPLES / "pages").rglob("*.html")}
    listed = {line.split("\t")[0] for line in (SAMPLES / "expected_skips.txt").read_text(encoding="utf-8").splitlines()}
    for p in sorted(on_disk - set(expected) - listed):
        fail(f"page neither expected nor skipped: {p}")
    check_warc(SAMPLES / "dumps" / "extra.warc.gz", expected)
    check_jsonl(SAMPLES / "dumps" / "extra.jsonl", expected)
    if (SAMPLES / "queries.tsv").exists():
        check_queries(SAMPLES / "queries.tsv", expected)
    # The windows-1258 pages really are windows-1258, not UTF-8.
    for r in expected_list:
        raw = (SAMPLES / r["source"]).read_bytes() if r["source"].startswith("pages/") else b""
        if b"charset=windows-1258" in raw[:2048]:
            try:
                raw.decode("utf-8")
                fail(f"{r['source']}: declared windows-1258 but is valid UTF-8")
            except UnicodeDecodeError:
                pass
    check_specials(expected_list)
    for f in failures:
        print("FAIL", f)
    print("ok" if not failures else f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
