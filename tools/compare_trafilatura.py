#!/usr/bin/env python3
"""Runs trafilatura on the same pages as tests/extraction.rs and prints the same metrics.

Usage: python3 tools/compare_trafilatura.py [samples/expected.jsonl tests/fixtures/extract/expected.jsonl ...]

Metrics (as in tests/extraction.rs): title exact match, date accuracy, body token F1
(lowercase whitespace tokens, bag with multiplicity), leak rate (a page leaks when >= 3
extracted tokens are left unaligned by a longest-common-subsequence alignment to the truth).
trafilatura has no lead/body split, so its text is scored two ways: against the true body
(strict, as tracuu is scored) and against lead + body (lenient; the lead then is not a leak).
It has no agency concept, so agency is not scored. Only `pages/...` entries are used.
"""
import json
import os
import sys
import unicodedata
from collections import Counter, defaultdict

import trafilatura


def toks(s):
    return unicodedata.normalize("NFC", s or "").lower().split()


def f1(got, want):
    g, w = toks(got), toks(want)
    if not g and not w:
        return 1.0
    common = sum((Counter(g) & Counter(w)).values())
    if common == 0:
        return 0.0
    p, r = common / len(g), common / len(w)
    return 2 * p * r / (p + r)


def unaligned(got, want):
    g, w = toks(got), toks(want)
    n, m = len(g), len(w)
    prev = [0] * (m + 1)
    for i in range(n - 1, -1, -1):
        cur = [0] * (m + 1)
        gi = g[i]
        for j in range(m - 1, -1, -1):
            cur[j] = prev[j + 1] + 1 if gi == w[j] else max(prev[j], cur[j + 1])
        prev = cur
    return n - prev[0]


def clean(s):
    return " ".join(unicodedata.normalize("NFC", s or "").split())


def main(paths):
    rows = defaultdict(lambda: Counter())
    for path in paths:
        if not os.path.exists(path):
            print(f"note: {path} not found, skipped")
            continue
        base = os.path.dirname(path)
        for line in open(path, encoding="utf-8"):
            if not line.strip():
                continue
            e = json.loads(line)
            src = e["source"]
            if "#" in src or ".jsonl:" in src:
                continue
            key = ("fixtures" if "fixtures" in path else "samples", e["layout"], e["known_layout"])
            t = rows[key]
            t["pages"] += 1
            raw = open(os.path.join(base, src), "rb").read()
            doc = trafilatura.bare_extraction(raw, with_metadata=True, include_comments=False,
                                              include_tables=True, favor_precision=False)
            if doc is None:
                continue
            d = doc if isinstance(doc, dict) else doc.as_dict()
            t["ok"] += 1
            text = d.get("text") or ""
            t["title"] += clean(d.get("title")) == clean(e["title"])
            t["date"] += (d.get("date") or None) == e.get("date")
            t["f1_body"] += f1(text, e["body"])
            lead_body = (e.get("lead") or "") + "\n\n" + e["body"]
            t["f1_lead_body"] += f1(text, lead_body)
            t["leak_strict"] += unaligned(text, e["body"]) >= 3
            t["leak_lenient"] += unaligned(text, lead_body) >= 3
            t["author"] += clean(d.get("author")) == clean(e.get("author") or "")
    hdr = f"{'set/layout':<36}{'pages':>6}{'ok':>5}{'title':>8}{'date':>8}{'F1body':>8}{'F1l+b':>8}{'leak':>7}{'leak l+b':>9}{'author':>8}"
    print(hdr)
    totals = defaultdict(Counter)
    for (setname, layout, known), t in sorted(rows.items()):
        totals[(setname, known)].update(t)
        print(fmt(f"{setname}/{layout}{'' if known else ' (unknown)'}", t))
    for (setname, known), t in sorted(totals.items()):
        print(fmt(f"{setname} ALL {'KNOWN' if known else 'UNKNOWN'}", t))


def fmt(name, t):
    n = max(t["pages"], 1)
    pct = lambda k: f"{100 * t[k] / n:7.1f}%"
    return (f"{name:<36}{t['pages']:>6}{t['ok']:>5}{pct('title')}{pct('date')}"
            f"{t['f1_body'] / n:8.4f}{t['f1_lead_body'] / n:8.4f}{pct('leak_strict')}{pct('leak_lenient')} {pct('author')}")


if __name__ == "__main__":
    args = sys.argv[1:] or ["samples/expected.jsonl", "tests/fixtures/extract/expected.jsonl"]
    main(args)
