#!/usr/bin/env python3
"""Build tracuu's bundled sample archive from the article data in samples/src/articles/.

Every page, dump and the ground truth (samples/expected.jsonl) come from the same records,
so they cannot drift apart. The output is deterministic: running the script twice writes
the same bytes. Python 3.11 standard library only.

    python3 samples/src/build_samples.py

All article text in samples/src/articles/*.json was written for tracuu.
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import hashlib
import html
import html.entities
import json
import os
import sys
import unicodedata
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
SAMPLES = HERE.parent
ARTICLES = HERE / "articles"
FIXTURES_NDJSON = SAMPLES.parent / "tests" / "fixtures" / "ndjson"

KNOWN_LAYOUTS = {"mic2009", "chinhphu", "nukeviet"}
WEEKDAYS = ["Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật"]
TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
UUID_NS = uuid.UUID("6f1b7c52-3d0e-4f7a-9b53-7a0c1d2e9f10")


def e(text: str) -> str:
    """Escape text for HTML content."""
    return html.escape(text, quote=False)


def a(text: str) -> str:
    """Escape text for an HTML attribute value."""
    return html.escape(text, quote=True)


def ddate(article: dict) -> dt.date:
    return dt.date.fromisoformat(article["date"])


def dmy(article: dict, pad: bool = True) -> str:
    d = ddate(article)
    return f"{d.day:02d}/{d.month:02d}/{d.year}" if pad else f"{d.day}/{d.month}/{d.year}"


def weekday(article: dict) -> str:
    return WEEKDAYS[ddate(article).weekday()]


def iso_dt(article: dict) -> str:
    t = article.get("time") or "00:00"
    return f"{article['date']}T{t}:00+07:00"


def q(article: dict, name: str) -> bool:
    return name in article.get("quirks", [])


def site_prefix_dash(article: dict) -> str:
    if q(article, "dash_en"):
        return "–"
    if q(article, "dash_ndash_entity"):
        return "&ndash;"
    if q(article, "dash_em"):
        return "—"
    return "-"


# ---------------------------------------------------------------------------
# Encoding quirks applied to a whole rendered page


def to_entities(page: str, seed: int) -> str:
    """Write (almost) every non-ASCII letter as an HTML entity: named where HTML has a name,
    otherwise decimal or hexadecimal references, alternating."""
    named = html.entities.codepoint2name
    out = []
    in_tag = False
    n = seed
    for ch in page:
        if ch == "<":
            in_tag = True
        elif ch == ">":
            in_tag = False
        cp = ord(ch)
        if cp < 128 or in_tag:
            out.append(ch)
            continue
        n += 1
        if n % 23 == 0:  # a few letters stay raw UTF-8
            out.append(ch)
        elif cp in named and n % 3 != 0:
            out.append(f"&{named[cp]};")
        elif n % 2:
            out.append(f"&#{cp};")
        else:
            out.append(f"&#x{cp:X};")
    return "".join(out)


def to_cp1258_text(text: str) -> str:
    """Rewrite text the way windows-1258 stores it: the base letter (with its circumflex, breve
    or horn, which the code page has) followed by a combining tone mark."""
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        base = "".join(c for c in parts if c not in TONE_MARKS)
        tones = "".join(c for c in parts if c in TONE_MARKS)
        out.append(unicodedata.normalize("NFC", base) + tones)
    return "".join(out)


def encode_page(page: str, article: dict) -> bytes:
    if q(article, "entities"):
        page = to_entities(page, len(article["title"]))
    if q(article, "nfd"):
        page = unicodedata.normalize("NFD", page)
    if q(article, "cp1258"):
        return to_cp1258_text(page).encode("cp1258")
    return page.encode("utf-8")


def charset_of(article: dict) -> str:
    return "windows-1258" if q(article, "cp1258") else "utf-8"


def dirty(text: str, article: dict) -> str:
    """Sprinkle the invisible characters real pages carry (removed again by extraction)."""
    if not q(article, "invisible"):
        return text
    words = text.split(" ")
    for i in range(2, len(words), 7):
        words[i] = words[i] + "\u00a0"
    s = " ".join(words).replace("\u00a0 ", "\u00a0")
    s = s.replace("thông tin", "thông\u200b tin", 1)
    return s.replace("nghiệp", "nghi\u00adệp", 1)


def eth(text: str, article: dict) -> str:
    """Ð (U+00D0, Latin capital eth) typed for Đ, as some legacy pages do."""
    return text.replace("Đ", "\u00d0") if q(article, "eth") else text


# ---------------------------------------------------------------------------
# Layout 1: mic.gov.vn, SharePoint era

MIC_CATEGORIES = {
    "Bưu chính": 1747, "Viễn thông": 1748, "Ứng dụng CNTT": 1749, "An toàn thông tin": 1694,
    "Công nghiệp ICT": 1751, "Báo chí truyền thông": 1752,
}


def webpart_id(article: dict, n: int) -> str:
    h = hashlib.sha1(f"{article['key']}{n}".encode()).hexdigest()
    return f"ctl00_ctl{40 + n}_g_{h[:8]}_{h[8:12]}_{h[12:16]}_{h[16:20]}_{h[20:32]}"


def render_mic(art: dict, others: list[dict]) -> str:
    prefix = "/mic_2020" if q(art, "mic2020") else ""
    topic = art["topic"]
    cat = MIC_CATEGORIES.get(topic, 1749)
    date_line = dmy(art) + (f" {art['time']}" if art.get("time") else "")
    if art["date"] < "2012-01-01":
        date_line = f"{weekday(art)}, {date_line}"
    lead = f"(Mic.gov.vn) {site_prefix_dash(art)} {e(art['lead'])}"
    if q(art, "lead_strong"):
        lead = f"<strong>{lead}</strong>"
    paras = list(art["body"])
    if q(art, "lead_repeated"):
        paras = [art["lead"]] + paras
    captions = {c["after"] + (1 if q(art, "lead_repeated") else 0): c["text"] for c in art.get("captions", [])}
    body = []
    for i, p in enumerate(paras):
        text = e(dirty(p, art))
        if i == len(paras) - 1:
            text += "/."
        body.append(f'<p style="text-align: justify;">{text}</p>')
        if i in captions:
            body.append(
                f'<p style="text-align: center;"><img alt="" src="{prefix}/SiteAssets/Images/{art["url"].split("/")[-2]}-{i}.jpg" '
                f'style="width: 500px; height: 333px;" /></p>'
            )
            body.append(f'<p style="text-align: center;"><em>{e(captions[i])}</em></p>')
    if q(art, "no_breadcrumb_topic_from_category"):
        crumb = f'<div class="ms-rteCustom-TieuDeChuyenMuc">{e(topic)}</div>'
    else:
        crumb = (
            f'<div class="breadcrumb"><a href="{prefix}/Pages/Home.aspx">Trang chủ</a> &gt; '
            f'<a href="{prefix}/Pages/ChuyenMuc/1690/Tin-tuc-Su-kien.html">Tin tức - Sự kiện</a> &gt; '
            f'<a href="{prefix}/Pages/ChuyenMuc/{cat}/{slug(topic)}.html">{e(topic)}</a></div>'
        )
    tags = "".join(f'<a href="{prefix}/Pages/Tag.aspx?tag={a(t)}">{e(t)}</a>, ' for t in art.get("tags", []))
    other = "".join(
        f'<li><a href="{o["url"]}">{e(o["title"])}</a> <span class="date">({dmy(o)})</span></li>' for o in others
    )
    menu = "".join(
        f'<li><a href="{prefix}/Pages/ChuyenMuc/{cid}/{slug(name)}.html">{e(name)}</a></li>'
        for name, cid in MIC_CATEGORIES.items()
    )
    viewstate = base64.b64encode(hashlib.sha256(art["key"].encode()).digest() * 3).decode()
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html dir="ltr" xmlns="http://www.w3.org/1999/xhtml" lang="vi">
<head id="ctl00_Head1"><meta http-equiv="Content-Type" content="text/html; charset=utf-8" /><meta http-equiv="X-UA-Compatible" content="IE=8" /><meta name="GENERATOR" content="Microsoft SharePoint" /><meta name="progid" content="SharePoint.WebPartPage.Document" />
<title>
	{e(art['title'])}
</title>
<link rel="stylesheet" type="text/css" href="{prefix}/_layouts/1033/styles/core.css?rev=5msmprmeONfN6lJ3wtbAlA%3D%3D"/>
<link rel="stylesheet" type="text/css" href="{prefix}/Style%20Library/mic/css/style.css"/>
<script type="text/javascript" language="javascript" src="{prefix}/_layouts/1033/init.js?rev=qX%2BG3yl4pldKy9KbPLXf9w%3D%3D"></script>
<link rel="canonical" href="{a(art['url'])}" />
<meta name="description" content="{a(art['title'])}" />
</head>
<body scroll="yes" onload="javascript:if (typeof(_spBodyOnLoadWrapper) != 'undefined') _spBodyOnLoadWrapper();">
<form name="aspnetForm" method="post" action="{a(art['url'].split('mic.gov.vn')[-1])}" id="aspnetForm">
<div>
<input type="hidden" name="MSOWebPartPage_PostbackSource" id="MSOWebPartPage_PostbackSource" value="" />
<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="/wEPDwUBMA9kFgJmD2QWAgIBD2QWBAIB{viewstate}" />
</div>
<div id="wrapper">
 <div id="header">
  <div class="logo"><a href="{prefix}/Pages/Home.aspx"><img src="{prefix}/Style%20Library/mic/images/logo.png" alt="Bộ Thông tin và Truyền thông" /></a></div>
  <div class="banner-text">BỘ THÔNG TIN VÀ TRUYỀN THÔNG<br />MINISTRY OF INFORMATION AND COMMUNICATIONS</div>
  <div class="search-box"><input type="text" name="q" title="Tìm kiếm" /><a href="#" class="btn-search">Tìm kiếm</a></div>
 </div>
 <div id="topmenu"><ul>
  <li><a href="{prefix}/Pages/Home.aspx">Trang chủ</a></li><li><a href="{prefix}/Pages/GioiThieu.aspx">Giới thiệu</a></li>
  <li><a href="{prefix}/Pages/ChuyenMuc/1690/Tin-tuc-Su-kien.html">Tin tức - Sự kiện</a></li><li><a href="{prefix}/Pages/VanBan.aspx">Văn bản pháp quy</a></li>
  <li><a href="{prefix}/Pages/ThuTuc.aspx">Thủ tục hành chính</a></li><li><a href="{prefix}/Pages/HoiDap.aspx">Hỏi đáp</a></li><li><a href="{prefix}/en/Pages/Home.aspx">English</a></li>
 </ul></div>
 <table class="layout" width="100%" cellpadding="0" cellspacing="0"><tr>
 <td id="leftcol" valign="top">
  <div id="{webpart_id(art, 1)}" class="ms-WPBody"><h3 class="box-title">Chuyên mục</h3><ul class="menu-left">{menu}</ul></div>
  <div id="{webpart_id(art, 2)}" class="ms-WPBody"><h3 class="box-title">Liên kết website</h3>
   <select onchange="window.open(this.value)"><option>-- Chọn đơn vị --</option><option value="http://www.chinhphu.vn">Cổng TTĐT Chính phủ</option><option value="http://www.vnnic.vn">Trung tâm Internet Việt Nam</option></select></div>
 </td>
 <td id="maincol" valign="top">
 <div id="{webpart_id(art, 3)}" class="ms-WPBody">
  {crumb}
  <div id="news_content">
   <h1>{e(art['title'])}</h1>
   <div class="ms-rteCustom-NgayDang">{date_line}</div>
   <div id="divArticleDescription" class="ms-rteCustom-Sapo">{lead}</div>
   <div id="divArticleContent" class="ms-rtestate-field">
{chr(10).join(body)}
   </div>
   <p style="text-align: right;"><strong>{e(art['byline'])}</strong></p>
   <div class="tags"><span>Tags:</span> {tags}</div>
   <div class="rating" id="{webpart_id(art, 4)}_rating">ĐÁNH GIÁ BÀI VIẾT( 0)<span class="stars"><a href="#" title="1">&#9734;</a><a href="#" title="2">&#9734;</a><a href="#" title="3">&#9734;</a><a href="#" title="4">&#9734;</a><a href="#" title="5">&#9734;</a></span></div>
   <div class="share"><a href="javascript:window.print()">In bài viết</a> | <a href="mailto:?subject={a(art['title'])}">Gửi email</a> | <a href="http://www.facebook.com/sharer.php?u={a(art['url'])}">Chia sẻ</a></div>
  </div>
  <div class="other-news"><h3>Các tin khác</h3><ul>{other}</ul></div>
 </div>
 </td></tr></table>
 <div id="footer">
  <p>Cơ quan chủ quản: Bộ Thông tin và Truyền thông</p>
  <p>Địa chỉ: 18 Nguyễn Du, Hà Nội. Điện thoại: 024.39436040. Email: banbientap@mic.gov.vn</p>
  <p>Giấy phép số 1014/GP-TTĐT. Ghi rõ nguồn "mic.gov.vn" khi phát hành lại thông tin từ website này.</p>
 </div>
</div>
<script type="text/javascript">//<![CDATA[
var _spFormDigestRefreshInterval = 1440000;_spBodyOnLoadFunctionNames.push("micInitRating");
//]]></script>
</form>
</body>
</html>
"""


def slug(text: str) -> str:
    s = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    s = "".join(c for c in s if unicodedata.category(c) != "Mn")
    out = []
    for ch in s:
        out.append(ch if ch.isalnum() else "-")
    return "-".join(p for p in "".join(out).split("-") if p)


RENDERERS = {"mic2009": render_mic}


# ---------------------------------------------------------------------------
# Ground truth


def expected_record(art: dict, source: str) -> dict:
    body = art["body"]
    if "truncate_after" in art:
        body = body[: art["truncate_after"]]
    rec = {
        "source": source,
        "layout": art["layout"],
        "known_layout": art["layout"] in KNOWN_LAYOUTS,
        "url": None if q(art, "no_url") else art["url"],
        "title": art["title"],
        "lead": art["lead"],
        "body": "\n\n".join(body),
        "date": art["date"],
        "time": art.get("time"),
        "agency": art["agency"],
        "author": art.get("author"),
        "topic": art.get("topic"),
        "province": art.get("province"),
    }
    for k in ("author", "topic", "province"):
        if k in art.get("truncate_drops", []):
            rec[k] = None
    return rec


def check_text(art: dict) -> None:
    """The data must already be what extraction should give: NFC, single spaces, no invisibles."""
    for field in ("title", "lead", "agency", "author", "topic", "province"):
        v = art.get(field)
        if v is None:
            continue
        assert unicodedata.is_normalized("NFC", v), (art["key"], field)
        assert "  " not in v and v == v.strip(), (art["key"], field, v)
    for p in art["body"]:
        assert unicodedata.is_normalized("NFC", p) and "  " not in p and p == p.strip(), (art["key"], p)
        assert "\n" not in p


def load(name: str) -> list[dict]:
    with open(ARTICLES / name, encoding="utf-8") as f:
        arts = json.load(f)
    for art in arts:
        check_text(art)
    return arts


def write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def main() -> int:
    pages: list[dict] = []
    for name in sorted(os.listdir(ARTICLES)):
        if name.endswith(".json") and not name.startswith(("dump_", "foreign")):
            pages.extend(load(name))
    expected = []
    by_layout: dict[str, list[dict]] = {}
    for art in pages:
        by_layout.setdefault(art["layout"], []).append(art)
    for art in pages:
        peers = [o for o in by_layout[art["layout"]] if o is not art and o.get("site") == art.get("site")][:5]
        page = RENDERERS[art["layout"]](art, peers)
        data = encode_page(page, art)
        if "truncate_after" in art:
            data = truncate(data, art)
        write(SAMPLES / art["key"], data)
        expected.append(expected_record(art, art["key"]))
    lines = "".join(json.dumps(r, ensure_ascii=False, sort_keys=False) + "\n" for r in expected)
    write(SAMPLES / "expected.jsonl", lines.encode("utf-8"))
    print(f"wrote {len(expected)} expected articles", file=sys.stderr)
    return 0


def truncate(data: bytes, art: dict) -> bytes:
    """Cut the page inside the tag that opens the first paragraph not kept."""
    n = art["truncate_after"]
    marker = art["body"][n][:20]
    text = data.decode("utf-8")
    at = text.index(e(marker))
    tag = text.rfind("<p", 0, at)
    return text[: tag + 12].encode("utf-8")


if __name__ == "__main__":
    sys.exit(main())
