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

# ---------------------------------------------------------------------------
# Layout 2: new chinhphu.vn / baochinhphu.vn / mic.gov.vn (2023 on)

CP_SITES = {
    "baochinhphu": ("Báo điện tử Chính phủ", "https://baochinhphu.vn", "(Chinhphu.vn) - ",
                    ["Chính trị", "Kinh tế", "Xã hội", "Chuyển đổi số", "Địa phương", "Quốc tế", "Multimedia"]),
    "chinhphu": ("Cổng Thông tin điện tử Chính phủ", "https://chinhphu.vn", "(Chinhphu.vn) - ",
                 ["Chính phủ", "Công dân", "Doanh nghiệp", "Chính sách mới", "Kinh tế", "Văn bản"]),
    "micnew": ("Bộ Thông tin và Truyền thông", "https://mic.gov.vn", "(Mic.gov.vn) - ",
               ["Giới thiệu", "Tin hoạt động", "Chuyển đổi số", "Văn bản", "Thủ tục hành chính", "Thống kê"]),
}


def render_chinhphu(art: dict, others: list[dict]) -> str:
    site_name, base, prefix, menu_items = CP_SITES[art["site"]]
    topic = art.get("topic")
    path = art["url"][len(base):]
    menu = "".join(f'<li class="item"><a href="/{slug(m).lower()}.htm" title="{a(m)}">{e(m)}</a></li>' for m in menu_items)
    ld = {
        "@context": "https://schema.org", "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": art["url"]},
        "headline": art["title"], "description": art["lead"] or art["body"][0][:160],
        "image": {"@type": "ImageObject", "url": f"{base}/thumb/{slug(art['title']).lower()}.jpg", "width": 800, "height": 450},
        "datePublished": iso_dt(art), "dateModified": iso_dt(art),
        "publisher": {"@type": "Organization", "name": site_name, "logo": {"@type": "ImageObject", "url": f"{base}/images/logo.png"}},
    }
    if art.get("author"):
        ld["author"] = {"@type": "Person", "name": art["author"]}
    crumbs = ""
    if topic:
        bl = {"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": [
            {"@type": "ListItem", "position": 1, "item": {"@id": base, "name": "Trang chủ"}},
            {"@type": "ListItem", "position": 2, "item": {"@id": f"{base}/{slug(topic).lower()}.htm", "name": topic}}]}
        crumbs = f'<script type="application/ld+json">{json.dumps(bl, ensure_ascii=False)}</script>'
    paras = []
    caps = {c["after"]: c["text"] for c in art.get("captions", [])}
    for i, p in enumerate(art["body"]):
        paras.append(f"<p>{e(dirty(p, art))}</p>")
        if i in caps:
            paras.append(
                f'<figure class="VCSortableInPreviewMode" type="Photo" style=""><div><a href="{base}/images/{i}.jpg" data-fancybox="img-lightbox">'
                f'<img src="{base}/thumb_w/640/images/{slug(art["title"]).lower()}-{i}.jpg" alt="{a(caps[i])}" width="640" height="427" /></a></div>'
                f'<figcaption class="PhotoCMS_Caption"><p data-placeholder="[nhập chú thích]">{e(caps[i])}</p></figcaption></figure>'
            )
        if i == 0 and art.get("related"):
            items = "".join(
                f'<li><a href="{base}/{slug(t).lower()}.htm" title="{a(t)}" data-newstype="0">{e(t)}</a></li>' for t in art["related"]
            )
            paras.append(
                '<!-- bonewsrelation --><div class="VCSortableInPreviewMode" type="RelatedNewsBox"><div class="kbwscwl-relatedbox type-3">'
                f'<strong>Tin liên quan</strong><ul class="kbwscwl-list">{items}</ul></div></div><!-- bonewsrelation -->'
            )
    author = ""
    if art.get("author"):
        author = f'<div class="detail-author-top"><span class="detail-author-top-name">{e(art["author"])}</span></div>'
    sapo = f'<h2 class="detail-sapo" data-role="sapo">{e(prefix)}{e(art["lead"])}</h2>' if art["lead"] else ""
    breadcrumb = ""
    if topic:
        breadcrumb = (
            f'<div class="detail-breadcrumb"><a href="/" class="home" title="Trang chủ"><span class="icon-home"></span></a>'
            f'<a href="/{slug(topic).lower()}.htm" class="item" title="{a(topic)}">{e(topic)}</a></div>'
        )
    tags = "".join(f'<li class="item"><a href="/tag/{slug(t).lower()}.htm" title="{a(t)}">#{e(t)}</a></li>' for t in art.get("tags", []))
    more = "".join(
        f'<div class="box-stream-item"><a class="box-stream-link-title" href="{o["url"][len(base):] if o["url"].startswith(base) else o["url"]}" title="{a(o["title"])}">{e(o["title"])}</a>'
        f'<p class="box-stream-sapo">{e(o["lead"][:120])}</p></div>'
        for o in others
    )
    return f"""<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8" />
<title>{e(art['title'])}</title>
<meta name="viewport" content="width=device-width, initial-scale=1" />
<meta name="description" content="{a(art['lead'] or art['title'])}" />
<meta property="og:site_name" content="{a(site_name)}" />
<meta property="og:type" content="article" />
<meta property="og:title" content="{a(art['title'])}" />
<meta property="og:url" content="{a(art['url'])}" />
<meta property="article:published_time" content="{iso_dt(art)}" />
<meta property="article:section" content="{a(topic or '')}" />
<link rel="canonical" href="{a(art['url'])}" />
<link rel="stylesheet" href="https://static.mediacdn.vn/{art['site']}/web_css/main.min.css?v=20240103" />
<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>
{crumbs}
<script>var pageSettings = {{ DomainAPI: "{base}/api", allowAds: true, commentsEnable: false }};</script>
</head>
<body>
<div id="admzone-top" class="ads"></div>
<header class="header">
 <div class="header__top"><div class="container"><span class="header__date">{weekday(art)}, {dmy(art)}</span>
  <a class="header__logo" href="/" title="{a(site_name)}"><img src="{base}/web_images/logo.png" alt="{a(site_name)}" /></a>
  <form class="header__search" action="/tim-kiem.htm"><input type="text" name="keywords" placeholder="Tìm kiếm" /></form></div></div>
 <nav class="header__nav"><ul class="menu-nav"><li class="item"><a href="/" title="Trang chủ">Trang chủ</a></li>{menu}</ul></nav>
</header>
<main class="detail-page">
 <div class="container">
  <div class="detail-container" data-layout="{art['site']}">
   {breadcrumb}
   <h1 class="detail-title" data-role="title">{e(art['title'])}</h1>
   <div class="detail-time"><div data-role="publishdate">{dmy(art)} {art.get('time') or ''}</div></div>
   {author}
   <div class="detail-share"><a href="https://www.facebook.com/sharer/sharer.php?u={a(art['url'])}" class="share-fb" rel="nofollow">Chia sẻ</a><a href="javascript:;" class="copy-link" data-href="{a(path)}">Sao chép liên kết</a><a href="javascript:window.print()" class="print">In bài</a></div>
   {sapo}
   <div class="detail-content afcbc-body" data-role="content" itemprop="articleBody">
{chr(10).join(paras)}
   </div>
   <div class="detail-tag"><span class="detail-tag-title">Từ khóa:</span><ul class="detail-tag-list">{tags}</ul></div>
  </div>
  <div class="detail-readmore"><h3 class="box-title">Đọc thêm</h3>{more}</div>
 </div>
</main>
<footer class="footer">
 <div class="container"><p class="footer__owner">{e(site_name)}</p>
 <p>Cơ quan chủ quản: {'Bộ Thông tin và Truyền thông' if art['site'] == 'micnew' else 'Văn phòng Chính phủ'}. Địa chỉ: {'18 Nguyễn Du, Hà Nội' if art['site'] == 'micnew' else '16 Lê Hồng Phong, Ba Đình, Hà Nội'}.</p>
 <p>Ghi rõ nguồn khi phát hành lại thông tin từ trang này.</p></div>
</footer>
<script src="https://static.mediacdn.vn/{art['site']}/web_js/main.min.js?v=20240103" async></script>
</body>
</html>
"""

# ---------------------------------------------------------------------------
# Layout 3: NukeViet provincial portals

NV_SITES = {
    "stttt.nghean": ("Sở Thông tin và Truyền thông tỉnh Nghệ An", "Số 75, đường Nguyễn Thị Minh Khai, TP Vinh, Nghệ An"),
    "skhdt.dongnai": ("Sở Kế hoạch và Đầu tư tỉnh Đồng Nai", "Số 2, đường Nguyễn Văn Trị, TP Biên Hòa, Đồng Nai"),
    "stttt.baclieu": ("Sở Thông tin và Truyền thông tỉnh Bạc Liêu", "Số 6, đường Nguyễn Tất Thành, TP Bạc Liêu"),
    "sogddt.hanoi": ("Sở Giáo dục và Đào tạo Hà Nội", "Số 23, phố Quang Trung, Hoàn Kiếm, Hà Nội"),
    "stnmt.thuathienhue": ("Sở Tài nguyên và Môi trường tỉnh Thừa Thiên Huế", "Số 8, đường Hoàng Hoa Thám, TP Huế"),
    "stttt.daklak": ("Sở Thông tin và Truyền thông tỉnh Đắk Lắk", "Số 8, đường Lê Duẩn, TP Buôn Ma Thuột, Đắk Lắk"),
    "stttt.dongnai": ("Sở Thông tin và Truyền thông tỉnh Đồng Nai", "Số 2, đường Nguyễn Văn Trị, TP Biên Hòa, Đồng Nai"),
}


def render_nukeviet(art: dict, others: list[dict]) -> str:
    owner, address = NV_SITES[art["site"]]
    base = art["url"].split("/tin-tuc/")[0]
    topic = art["topic"]
    cat_path = art["url"].split("/tin-tuc/")[1].split("/")[0]
    caps = {c["after"]: c["text"] for c in art.get("captions", [])}
    paras = []
    for i, p in enumerate(art["body"]):
        paras.append(f'<p style="text-align: justify;">{e(dirty(p, art))}</p>')
        if i in caps:
            paras.append(
                f'<figure class="image" style="display:block;margin:auto;width:600px;"><img alt="{a(art["title"])}" height="400" '
                f'src="/uploads/news/{art["date"][:7].replace("-", "_")}/anh-{i}.jpg" width="600" />'
                f"<figcaption>{e(caps[i])}</figcaption></figure>"
            )
    lead = f'<div class="hometext m-bottom">{e(art["lead"])}</div>' if art["lead"] else ""
    related = ""
    if art.get("related"):
        items = "".join(
            f'<li><em class="fa fa-angle-right">&nbsp;</em><a href="{base}/tin-tuc/{cat_path}/{slug(t).lower()}.html" title="{a(t)}">{e(t)}</a> <em>({dmy(art)})</em></li>'
            for t in art["related"]
        )
        related = f'<p class="h3"><strong>Tin liên quan</strong></p><ul class="related">{items}</ul>'
    newer = "".join(
        f'<li><em class="fa fa-angle-right">&nbsp;</em><a href="{o["url"]}" title="{a(o["title"])}">{e(o["title"])}</a> <em>({dmy(o)})</em></li>'
        for o in others[:3]
    )
    source_line = ""
    if art.get("source_line"):
        source_line = f'<p class="h5 text-right"><strong>Nguồn tin: </strong>{e(art["source_line"])}</p>'
    tags = ", ".join(f'<a title="{a(t)}" href="{base}/tin-tuc/tag/{slug(t).lower()}"><em>{e(t)}</em></a>' for t in art.get("tags", []))
    return f"""<!DOCTYPE html>
<html lang="vi" xmlns="http://www.w3.org/1999/xhtml" prefix="og: http://ogp.me/ns#">
<head>
<title>{e(art['title'])} - {e(owner)}</title>
<meta name="description" content="{a(art['lead'] or art['title'])}" />
<meta name="keywords" content="{a(', '.join(art.get('tags', [])))}" />
<meta name="news_keywords" content="{a(', '.join(art.get('tags', [])))}" />
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<meta name="generator" content="NukeViet v4.0" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<meta property="og:title" content="{a(art['title'])}" />
<meta property="og:type" content="article" />
<meta property="og:description" content="{a(art['lead'] or art['title'])}" />
<meta property="og:site_name" content="{a(owner)}" />
<meta property="og:url" content="{a(art['url'])}" />
<link rel="canonical" href="{a(art['url'])}" />
<link rel="StyleSheet" href="/themes/default/css/font-awesome.min.css" />
<link rel="StyleSheet" href="/themes/egov/css/style.css" />
<link rel="StyleSheet" href="/themes/egov/css/news.css" />
<script data-show="inline">var nv_base_siteurl="/",nv_lang_data="vi",nv_module_name="news",nv_func_name="detail";</script>
<script src="/assets/js/jquery/jquery.min.js"></script>
</head>
<body>
<noscript><div class="alert alert-danger">Trình duyệt của bạn đã tắt chức năng hỗ trợ JavaScript.<br />Website chỉ làm việc khi bạn bật nó trở lại.</div></noscript>
<div class="body-bg">
<div class="wraper">
 <header><div class="container"><div id="header" class="row">
  <div class="logo col-xs-24 col-sm-24 col-md-8"><a title="{a(owner)}" href="{base}/"><img src="/uploads/logo.png" alt="{a(owner)}" /></a>
   <span class="site_name">{e(owner.upper())}</span><span class="site_description">Cổng thông tin điện tử</span></div>
 </div></div></header>
 <nav class="second-nav" id="menusite"><div class="container"><ul class="nav navbar-nav">
  <li><a title="Trang nhất" href="{base}/"><em class="fa fa-lg fa-home">&nbsp;</em> Trang nhất</a></li>
  <li><a href="{base}/about/">Giới thiệu</a></li><li><a href="{base}/tin-tuc/">Tin tức</a></li><li><a href="{base}/van-ban/">Văn bản</a></li>
  <li><a href="{base}/laws/">Thủ tục hành chính</a></li><li><a href="{base}/contact/">Liên hệ</a></li>
 </ul></div></nav>
 <section><div class="container" id="body">
  <nav class="third-nav"><div class="breadcrumbs-wrap"><div class="display"><ul class="breadcrumbs list-none">
   <li itemscope itemtype="http://data-vocabulary.org/Breadcrumb"><a href="{base}/" itemprop="url" title="Trang nhất"><span itemprop="title">Trang nhất</span></a></li>
   <li itemscope itemtype="http://data-vocabulary.org/Breadcrumb"><a href="{base}/tin-tuc/" itemprop="url" title="Tin tức"><span itemprop="title">Tin tức</span></a></li>
   <li itemscope itemtype="http://data-vocabulary.org/Breadcrumb"><a href="{base}/tin-tuc/{cat_path}/" itemprop="url" title="{a(topic)}"><span itemprop="title">{e(topic)}</span></a></li>
  </ul></div></div></nav>
  <div class="row"><div class="col-md-16">
  <div class="news_column panel panel-default" itemtype="http://schema.org/NewsArticle" itemscope><div class="panel-body">
   <h1 class="title margin-bottom-lg" itemprop="headline">{e(art['title'])}</h1>
   <div class="row margin-bottom-lg"><div class="col-md-12"><span class="h5">{weekday(art)} - {dmy(art)} {art['time']}</span></div>
    <div class="col-md-12"><ul class="list-inline text-right"><li><a class="dimgray" rel="nofollow" title="Gửi bài viết qua email" href="javascript:void(0);"><em class="fa fa-at fa-lg">&nbsp;</em></a></li><li><a class="dimgray" rel="nofollow" title="In ra" href="javascript:void(0);"><em class="fa fa-print fa-lg">&nbsp;</em></a></li></ul></div></div>
   <div class="clearfix">
    {lead}
    <div id="news-bodyhtml" class="bodytext margin-bottom-lg">
{chr(10).join(paras)}
    </div>
   </div>
   <div class="margin-bottom-lg">
    <p class="h5 text-right"><strong>Tác giả: </strong>{e(art['author'])}</p>
    {source_line}
   </div>
  </div></div>
  <div class="news_column panel panel-default"><div class="panel-body"><div class="h5"><em class="fa fa-tags">&nbsp;</em><strong>Từ khóa: </strong>{tags}</div></div></div>
  <div class="news_column panel panel-default"><div class="panel-body"><form id="form3B" action=""><div class="h5 clearfix">
   <p>Tổng số điểm của bài viết là: 0 trong 0 đánh giá</p><div class="star-rating">Click để đánh giá bài viết</div></div></form></div></div>
  <div class="news_column panel panel-default"><div class="panel-body other-news">
   {related}
   <p class="h3"><strong>Những tin mới hơn</strong></p><ul class="related">{newer}</ul>
  </div></div>
  </div>
  <div class="col-md-8"><div class="panel panel-primary"><div class="panel-heading">Tin xem nhiều</div><div class="panel-body"><ul>{newer}</ul></div></div>
   <div class="panel panel-primary"><div class="panel-heading">Thống kê truy cập</div><div class="panel-body">Đang truy cập: 17 - Hôm nay: 1.204 - Tổng lượt truy cập: 2.391.005</div></div></div>
  </div>
 </div></section>
</div>
<footer id="footer"><div class="container"><div class="row"><div class="col-md-24">
 <p><strong>{e(owner.upper())}</strong></p><p>Địa chỉ: {e(address)}</p>
 <p>Chịu trách nhiệm chính: Giám đốc Sở. Ghi rõ nguồn khi phát hành lại thông tin từ website này.</p>
</div></div></div></footer>
</div>
<script src="/themes/egov/js/main.js"></script>
</body>
</html>
"""

# ---------------------------------------------------------------------------
# Layout 4 (not documented): an old table-based provincial portal, font tags, no canonical URL

OLD_SITES = {
    "soctrang": ("UBND TỈNH SÓC TRĂNG", "Ủy ban nhân dân tỉnh Sóc Trăng", "Số 01, đường Trần Hưng Đạo, TP Sóc Trăng", "#0066CC"),
    "baclieu": ("UỶ BAN NHÂN DÂN TỈNH BẠC LIÊU", "Uỷ ban nhân dân tỉnh Bạc Liêu", "Số 2, đường Hùng Vương, thị xã Bạc Liêu", "#006633"),
    "khanhhoa": ("UỶ BAN NHÂN DÂN TỈNH KHÁNH HOÀ", "Uỷ ban nhân dân tỉnh Khánh Hoà", "Số 1, đường Trần Phú, TP Nha Trang", "#003399"),
    "hochiminhcity": ("UBND THÀNH PHỐ HỒ CHÍ MINH", "Ủy ban nhân dân Thành phố Hồ Chí Minh", "86 Lê Thánh Tôn, Quận 1, TP.HCM", "#990000"),
    "dongnai": ("UBND TỈNH ĐỒNG NAI", "Ủy ban nhân dân tỉnh Đồng Nai", "Số 2, đường Nguyễn Văn Trị, TP Biên Hòa", "#336699"),
    "nghean_old": ("UỶ BAN NHÂN DÂN TỈNH NGHỆ AN", "Uỷ ban nhân dân tỉnh Nghệ An", "Số 3, đường Trường Thi, TP Vinh", "#0055AA"),
}


def old_date(art: dict) -> str:
    t = art.get("time")
    site = art["site"]
    if site == "soctrang":
        return f"Cập nhật: {dmy(art)}" + (f" {t}" if t else "")
    if site == "baclieu":
        return f"({dmy(art)}" + (f" {t}" if t else "") + ")"
    if site == "khanhhoa":
        return f"Ngày đăng: {dmy(art)}"
    if site == "hochiminhcity":
        return f"{weekday(art)}, {dmy(art)}" + (f", {t}" if t else "")
    return f"Ngày {dmy(art, pad=False)}"


def render_oldtable(art: dict, others: list[dict]) -> str:
    banner, owner, address, color = OLD_SITES[art["site"]]
    charset = charset_of(art)
    fe = lambda s: e(eth(s, art))  # noqa: E731 - old pages type Ð for Đ
    title_tag = owner if q(art, "static_title") else f"{art['title']} - {owner}"
    meta_charset = "" if q(art, "no_meta_charset") else f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">\n'
    if q(art, "br_paragraphs"):
        body = '<font face="Arial" size="2">' + "<br>\n<br>\n".join(fe(p) for p in art["body"]) + "</font>"
    else:
        body = "\n".join(f'<p align="justify"><font face="Arial" size="2">{fe(p)}</font></p>' for p in art["body"])
    lead = f'<p align="justify"><font face="Arial" size="2"><b>{fe(art["lead"])}</b></font></p>' if art["lead"] else ""
    topic = ""
    if art.get("topic"):
        topic = f'<tr><td bgcolor="#DDE8F5" height="22"><font face="Arial" size="2" color="#003399"><b>&nbsp;{fe(art["topic"])}</b></font></td></tr>'
    others_html = "".join(
        f'&nbsp;-&nbsp;<a href="{a(o["url"])}"><font face="Arial" size="2">{fe(o["title"])}</font></a> <font size="1" color="#999999">({dmy(o)})</font><br>\n'
        for o in others
    )
    left = "".join(
        f'<tr><td height="22" background="/images/bg_menu.gif">&nbsp;<img src="/images/arrow.gif" width="7" height="7"> <a href="/{slug(m).lower()}.asp"><font face="Arial" size="2" color="#003366">{fe(m)}</font></a></td></tr>'
        for m in ["Giới thiệu chung", "Lịch sử - Văn hóa", "Tổ chức bộ máy", "Tin tức - Sự kiện", "Văn bản pháp quy", "Lịch công tác", "Thủ tục hành chính", "Hỏi đáp trực tuyến"]
    )
    return f"""<html>
<head>
{meta_charset}<title>{fe(title_tag)}</title>
<link href="/css/style.css" rel="stylesheet" type="text/css">
<script language="JavaScript" src="/js/menu.js"></script>
<script language="JavaScript">
<!--
function MM_openBrWindow(theURL,winName,features) {{ window.open(theURL,winName,features); }}
//-->
</script>
</head>
<body bgcolor="#FFFFFF" leftmargin="0" topmargin="0" marginwidth="0" marginheight="0">
<table width="778" border="0" cellspacing="0" cellpadding="0" align="center">
<tr><td><img src="/images/banner.jpg" width="778" height="120" alt="{a(eth(banner, art))}"></td></tr>
<tr><td bgcolor="{color}" height="24"><font face="Arial" size="2" color="#FFFFFF"><b>&nbsp;<a href="/"><font color="#FFFFFF">Trang chủ</font></a> | <a href="/gioithieu.asp"><font color="#FFFFFF">Giới thiệu</font></a> | <a href="/tintuc.asp"><font color="#FFFFFF">Tin tức</font></a> | <a href="/vanban.asp"><font color="#FFFFFF">Văn bản</font></a> | <a href="/lienhe.asp"><font color="#FFFFFF">Liên hệ</font></a></b></font></td></tr>
<tr><td>
 <table width="100%" border="0" cellspacing="0" cellpadding="0"><tr>
  <td width="180" valign="top" bgcolor="#EEF3FA">
   <table width="100%" border="0" cellspacing="0" cellpadding="0">{left}</table>
   <table width="100%" border="0" cellspacing="0" cellpadding="4"><tr><td><font face="Arial" size="1">Số lượt truy cập: 0{len(art['title']) * 7919}</font></td></tr></table>
  </td>
  <td valign="top">
   <table width="100%" border="0" cellspacing="0" cellpadding="6">
   {topic}
   <tr><td><font face="Arial" size="1" color="#666666">{old_date(art)}</font></td></tr>
   <tr><td><font face="Arial" size="3" color="#CC0000"><b>{fe(art['title'])}</b></font></td></tr>
   <tr><td>
{lead}
{body}
<p align="right"><font face="Arial" size="2"><b><i>{fe(art['author'])}</i></b></font></p>
   </td></tr>
   <tr><td><img src="/images/print.gif" width="16" height="16"> <a href="javascript:window.print()"><font face="Arial" size="1">In trang</font></a> | <a href="javascript:history.back()"><font face="Arial" size="1">Quay lại</font></a></td></tr>
   <tr><td><font face="Arial" size="2" color="#003399"><b>Các tin khác:</b></font><br>
{others_html}   </td></tr>
   </table>
  </td>
 </tr></table>
</td></tr>
<tr><td bgcolor="{color}" align="center"><font face="Arial" size="1" color="#FFFFFF">Bản quyền thuộc {fe(owner)}<br>Địa chỉ: {fe(address)}<br>Thiết kế và quản trị: Trung tâm Tin học</font></td></tr>
</table>
</body>
</html>
"""


# ---------------------------------------------------------------------------
# Layout 5 (not documented): a Joomla / vnPortal-style portal with its own class names

JM_SITES = {
    "stttt.quangninh": ("UBND TỈNH QUẢNG NINH", "SỞ THÔNG TIN VÀ TRUYỀN THÔNG", "Sở Thông tin và Truyền thông tỉnh Quảng Ninh"),
    "cantho": ("CỔNG THÔNG TIN ĐIỆN TỬ", "THÀNH PHỐ CẦN THƠ", "Ủy ban nhân dân thành phố Cần Thơ"),
    "skhcn.laocai": ("UBND TỈNH LÀO CAI", "SỞ KHOA HỌC VÀ CÔNG NGHỆ", "Sở Khoa học và Công nghệ tỉnh Lào Cai"),
    "sldtbxh.baria-vungtau": ("UBND TỈNH BÀ RỊA - VŨNG TÀU", "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", "Sở Lao động - Thương binh và Xã hội tỉnh Bà Rịa - Vũng Tàu"),
    "snnptnt.soctrang": ("UBND TỈNH SÓC TRĂNG", "SỞ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN", "Sở Nông nghiệp và Phát triển nông thôn tỉnh Sóc Trăng"),
    "stttt.khanhhoa": ("UBND TỈNH KHÁNH HÒA", "SỞ THÔNG TIN VÀ TRUYỀN THÔNG", "Sở Thông tin và Truyền thông tỉnh Khánh Hòa"),
}


def joomla_date(art: dict) -> str:
    d = ddate(art)
    style = art.get("date_style", "cap_nhat")
    if style == "hms" and art.get("time"):
        h, m = art["time"].split(":")
        s = art.get("seconds", (d.day * 7 + d.month) % 60)
        return f"{int(h)}:{m}:{s:02d} , {d.day}/{d.month}/{d.year}"
    if style == "weekday_dash" and art.get("time"):
        return f"{weekday(art).replace('Thứ ', 'Thứ ').title()}, {dmy(art)} - {art['time']}"
    return f"Cập nhật: {dmy(art)}"


def render_joomla(art: dict, others: list[dict]) -> str:
    line1, line2, owner = JM_SITES[art["site"]]
    base = art["url"].split("/index.php")[0]
    caps = {c["after"]: c["text"] for c in art.get("captions", [])}
    paras = []
    for i, p in enumerate(art["body"]):
        paras.append(f'<p style="text-align: justify;">{e(p)}</p>')
        if i in caps:
            paras.append(
                f'<div class="img_caption center" style="width: 500px;"><img src="{base}/images/stories/tintuc/{art["date"][:4]}/anh{i}.jpg" '
                f'alt="{a(caps[i])}" width="500" height="320" /><p class="img_caption">{e(caps[i])}</p></div>'
            )
    author_end = ""
    author_info = ""
    if art.get("author_style") == "bold_end":
        paras.append(f'<p style="text-align: right;"><strong>{e(art["author"])}</strong></p>')
    else:
        author_info = f'<dd class="createdby">Tác giả: {e(art["author"])}</dd>'
    intro = f'<div class="vnp-intro"><p><strong>{e(art["lead"])}</strong></p></div>' if art["lead"] else ""
    pathway = ""
    if art.get("topic") and not q(art, "no_pathway"):
        pathway = (
            f'<div id="vnp-pathway"><span class="showHere">Bạn đang ở: </span><a href="{base}/" class="pathway">Trang chủ</a> '
            f'<img src="{base}/templates/vnp_gov/images/arrow.png" alt="" /> <a href="{base}/index.php?option=com_content&amp;view=category&amp;id=2" class="pathway">Tin tức</a> '
            f'<img src="{base}/templates/vnp_gov/images/arrow.png" alt="" /> <span>{e(art["topic"])}</span></div>'
        )
    menu = "".join(
        f'<li class="item-{100 + i}"><a href="{base}/index.php?Itemid={100 + i}">{e(m)}</a></li>'
        for i, m in enumerate(["Trang chủ", "Giới thiệu", "Tin tức - Sự kiện", "Chỉ đạo điều hành", "Văn bản", "Dịch vụ công", "Hỏi đáp", "Liên hệ"])
    )
    other = "".join(f'<li><a href="{a(o["url"])}">{e(o["title"])}</a> <span class="small">({dmy(o)})</span></li>' for o in others)
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="vi-vn" lang="vi-vn" dir="ltr">
<head>
  <base href="{a(art['url'])}" />
  <meta http-equiv="content-type" content="text/html; charset=utf-8" />
  <meta name="keywords" content="{a(owner)}, tin tức, sự kiện" />
  <meta name="author" content="Super User" />
  <meta name="description" content="{a(owner)}" />
  <meta name="generator" content="Joomla! - Open Source Content Management" />
  <title>{e(art['title'])}</title>
  <link href="{a(art['url'])}" rel="canonical" />
  <link rel="stylesheet" href="{base}/templates/vnp_gov/css/template.css" type="text/css" />
  <script src="{base}/media/system/js/mootools-core.js" type="text/javascript"></script>
  <script src="{base}/media/system/js/caption.js" type="text/javascript"></script>
  <script type="text/javascript">window.addEvent('load', function() {{ new JCaption('img.caption'); }});</script>
</head>
<body class="site com_content view-article">
<div id="vnp-wrapper">
 <div id="vnp-header"><div class="vnp-logo"><a href="{base}/"><img src="{base}/images/logo.png" alt="{a(owner)}" /></a></div>
  <div class="vnp-sitename"><span class="line1">{e(line1)}</span><span class="line2">{e(line2)}</span></div></div>
 <div id="vnp-mainmenu"><ul class="menu">{menu}</ul></div>
 <div id="vnp-marquee"><marquee scrollamount="3">Chào mừng bạn đến với Cổng thông tin điện tử {e(owner)}</marquee></div>
 {pathway}
 <div id="vnp-main">
  <div id="vnp-content">
   <div class="item-page">
    <h2 class="contentheading"><a href="{a(art['url'])}">{e(art['title'])}</a></h2>
    <dl class="article-info"><dd class="create">{joomla_date(art)}</dd>{author_info}<dd class="hits">Lượt xem: {len(art['body'][0]) * 3}</dd></dl>
    <div class="vnp-tools"><a href="{base}/index.php?tmpl=component&amp;print=1" rel="nofollow">Bản in</a> | <a href="{base}/index.php?option=com_mailto" rel="nofollow">Gửi email</a></div>
    {intro}
    <div class="vnp-fulltext">
{chr(10).join(paras)}
    </div>
    <div class="vnp-back"><a href="javascript:history.back();">Quay lại</a></div>
    <div class="vnp-othernews"><h3>Các tin đã đưa</h3><ul>{other}</ul></div>
   </div>
  </div>
  <div id="vnp-right">
   <div class="moduletable"><h3>Liên kết website</h3><ul><li><a href="http://www.chinhphu.vn">Cổng TTĐT Chính phủ</a></li><li><a href="http://dichvucong.gov.vn">Cổng Dịch vụ công quốc gia</a></li></ul></div>
   <div class="moduletable"><h3>Thăm dò ý kiến</h3><p>Bạn đánh giá thế nào về giao diện mới của cổng thông tin?</p>
    <form><input type="radio" name="vote" /> Đẹp, dễ sử dụng<br /><input type="radio" name="vote" /> Bình thường<br /><input type="radio" name="vote" /> Khó sử dụng<br /><input type="submit" value="Biểu quyết" /></form></div>
   <div class="moduletable"><h3>Thống kê truy cập</h3><p>Đang online: 23<br />Tổng lượt truy cập: 1.0{len(art['title'])}8.337</p></div>
  </div>
 </div>
 <div id="vnp-footer"><p>{e(owner.upper())}</p><p>Chịu trách nhiệm nội dung: Trưởng Ban biên tập. Ghi rõ nguồn khi phát hành lại thông tin từ cổng thông tin này.</p></div>
</div>
</body>
</html>
"""


RENDERERS = {
    "mic2009": render_mic, "chinhphu": render_chinhphu, "nukeviet": render_nukeviet,
    "oldtable": render_oldtable, "joomla": render_joomla,
}


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


def render(art: dict, peers: list[dict]) -> bytes:
    data = encode_page(RENDERERS[art["layout"]](art, peers), art)
    if "truncate_after" in art:
        data = truncate(data, art)
    return data


def truncate(data: bytes, art: dict) -> bytes:
    """Cut the page inside the tag that opens the first paragraph not kept, as an interrupted
    download does: everything before it (title, date, the kept paragraphs) is intact."""
    n = art["truncate_after"]
    marker = art["body"][n][:20]
    text = data.decode("utf-8")
    at = text.index(e(marker))
    tag = text.rfind("<p", 0, at)
    return text[: tag + 12].encode("utf-8")


def peers_of(art: dict, pool: list[dict]) -> list[dict]:
    """Other articles of the same site, for the 'other news' lists around an article."""
    same = [o for o in pool if o is not art and o.get("site") == art.get("site")]
    return same[:5]


# ---------------------------------------------------------------------------
# Files an import must skip


def non_article_files(pages: list[dict]) -> list[tuple[str, bytes, str]]:
    """(path, bytes, reason) of each file under pages/ that is not an article."""
    mic = [p for p in pages if p["layout"] == "mic2009"]
    listing_items = "\n".join(
        f'<li><a href="{a(p["url"])}">{e(p["title"])}</a><span class="date">{dmy(p)}</span></li>' for p in mic
    )
    listing = f"""<!DOCTYPE html>
<html lang="vi"><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<title>Ứng dụng CNTT - Trang 2</title>
<link rel="canonical" href="http://mic.gov.vn/mic_2020/Pages/ChuyenMuc/PhanTrang/1749/2/Ung-dung-CNTT.html" /></head>
<body><div id="header"><div class="banner-text">BỘ THÔNG TIN VÀ TRUYỀN THÔNG</div></div>
<div id="topmenu"><ul><li><a href="/Pages/Home.aspx">Trang chủ</a></li><li><a href="/Pages/ChuyenMuc/1690/Tin-tuc-Su-kien.html">Tin tức - Sự kiện</a></li></ul></div>
<div class="breadcrumb"><a href="/Pages/Home.aspx">Trang chủ</a> &gt; <a href="/Pages/ChuyenMuc/1749/Ung-dung-CNTT.html">Ứng dụng CNTT</a></div>
<div class="list-news"><ul>
{listing_items}
</ul></div>
<div class="paging"><a href="/mic_2020/Pages/ChuyenMuc/PhanTrang/1749/1/Ung-dung-CNTT.html">&laquo; Trước</a> <a href="/mic_2020/Pages/ChuyenMuc/PhanTrang/1749/1/Ung-dung-CNTT.html">1</a> <b>2</b> <a href="/mic_2020/Pages/ChuyenMuc/PhanTrang/1749/3/Ung-dung-CNTT.html">3</a> <a href="/mic_2020/Pages/ChuyenMuc/PhanTrang/1749/3/Ung-dung-CNTT.html">Sau &raquo;</a></div>
<div id="footer"><p>Cơ quan chủ quản: Bộ Thông tin và Truyền thông</p></div></body></html>
"""
    not_found = """<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8" /><title>404 - Không tìm thấy trang</title></head>
<body><header class="header"><a class="header__logo" href="/">Báo điện tử Chính phủ</a></header>
<main class="page-404"><h1>404</h1><p>Rất tiếc, trang bạn tìm kiếm không tồn tại hoặc đã bị gỡ bỏ.</p>
<p><a href="/">Quay về trang chủ</a></p></main>
<footer class="footer"><p>Báo điện tử Chính phủ</p></footer></body></html>
"""
    # A JPEG saved under an .html name: a real header, then bytes no decoder accepts.
    junk = bytearray(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x48\x00\x48\x00\x00")
    seed = b"tracuu-junk"
    while len(junk) < 4096:
        seed = hashlib.sha256(seed).digest()
        junk += seed
    cut_head = render_nukeviet(next(p for p in pages if p["key"].endswith("dak-lak-cong-dan-so.html")), [])
    cut_head = cut_head[: cut_head.index('<nav class="second-nav"') + 40].encode("utf-8")
    return [
        ("pages/mic/chuyen-muc-ung-dung-cntt-trang-2.html", listing.encode("utf-8"), "listing page: links to articles, no article text"),
        ("pages/chinhphu/khong-tim-thay.html", not_found.encode("utf-8"), "404 page: 'không tìm thấy trang', no article"),
        ("pages/joomla/empty.html", b"", "empty file"),
        ("pages/oldportal/anh-minh-hoa.html", bytes(junk), "binary junk (a JPEG saved as .html), not text"),
        ("pages/nukeviet/bi-cat-truoc-noi-dung.html", cut_head, "truncated before the title: only head and page header remain"),
    ]


# ---------------------------------------------------------------------------
# Dumps: WARC and NDJSON


def sha1_b32(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def warc_record(fields: list[tuple[str, str]], block: bytes) -> bytes:
    """One WARC/1.0 record as its own gzip member (mtime 0, so the bytes are reproducible)."""
    head = "WARC/1.0\r\n" + "".join(f"{k}: {v}\r\n" for k, v in fields)
    head += f"Content-Length: {len(block)}\r\n\r\n"
    return gzip.compress(head.encode("utf-8") + block + b"\r\n\r\n", compresslevel=9, mtime=0)


def http_response(status: str, content_type: str, payload: bytes, when: str) -> bytes:
    head = (
        f"HTTP/1.1 {status}\r\nDate: {when}\r\nServer: Microsoft-IIS/8.5\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(payload)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode("ascii") + payload


def response_fields(uri: str, warc_date: str, block: bytes, payload: bytes) -> list[tuple[str, str]]:
    return [
        ("WARC-Type", "response"),
        ("WARC-Record-ID", f"<urn:uuid:{uuid.uuid5(UUID_NS, 'response ' + uri)}>"),
        ("WARC-Date", warc_date),
        ("WARC-Target-URI", uri),
        ("WARC-IP-Address", "203.162.0.10"),
        ("Content-Type", "application/http; msgtype=response"),
        ("WARC-Block-Digest", sha1_b32(block)),
        ("WARC-Payload-Digest", sha1_b32(payload)),
    ]


def build_warc(arts: list[dict], pool: list[dict]) -> tuple[bytes, list[tuple[str, str]]]:
    """The WARC file and (target URI, skip reason) of each record an import must skip."""
    info = (
        "software: tracuu samples/src/build_samples.py\r\nformat: WARC File Format 1.0\r\n"
        "conformsTo: http://bibnum.bnf.fr/WARC/WARC_ISO_28500_version1_latestdraft.pdf\r\n"
        "description: sample crawl of Vietnamese government news pages written for tracuu\r\n"
    ).encode("utf-8")
    out = [warc_record([
        ("WARC-Type", "warcinfo"),
        ("WARC-Record-ID", f"<urn:uuid:{uuid.uuid5(UUID_NS, 'warcinfo')}>"),
        ("WARC-Date", "2024-12-01T02:00:00Z"),
        ("WARC-Filename", "extra.warc.gz"),
        ("Content-Type", "application/warc-fields"),
    ], info)]
    skips = []
    for i, art in enumerate(arts):
        uri = art["url"]
        when_http = "Sun, 01 Dec 2024 02:%02d:00 GMT" % (i + 1)
        warc_date = "2024-12-01T02:%02d:00Z" % (i + 1)
        payload = render(art, peers_of(art, pool))
        if i == 0:
            host = uri.split("/")[2]
            req = (f"GET /{uri.split('/', 3)[3]} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: tracuu-sample/0.1\r\n"
                   "Accept: text/html\r\n\r\n").encode("utf-8")
            out.append(warc_record([
                ("WARC-Type", "request"),
                ("WARC-Record-ID", f"<urn:uuid:{uuid.uuid5(UUID_NS, 'request ' + uri)}>"),
                ("WARC-Date", warc_date),
                ("WARC-Target-URI", uri),
                ("Content-Type", "application/http; msgtype=request"),
            ], req))
        block = http_response("200 OK", f"text/html; charset={charset_of(art)}", payload, when_http)
        out.append(warc_record(response_fields(uri, warc_date, block, payload), block))
    gone = "http://mic.gov.vn/Pages/TinTuc/99999/Bai-viet-da-go.html"
    payload = "<html><head><title>404 - Không tìm thấy</title></head><body><h1>Không tìm thấy trang</h1></body></html>".encode("utf-8")
    block = http_response("404 Not Found", "text/html; charset=utf-8", payload, "Sun, 01 Dec 2024 02:30:00 GMT")
    out.insert(3, warc_record(response_fields(gone, "2024-12-01T02:30:00Z", block, payload), block))
    skips.append((gone, "HTTP 404 response"))
    return b"".join(out), skips


def build_jsonl(arts: list[dict]) -> tuple[bytes, list[tuple[int, str]]]:
    by_line = {int(a_["key"].split(":")[1]): a_ for a_ in arts}
    lines = []
    skips = []
    for n in range(1, max(by_line) + 1):
        art = by_line.get(n)
        if art is None:
            lines.append('{"url": "https://example.gov.vn/bai-loi.html", "title": "Bài viết bị cắt giữa chừng", "body": "Nội dung')
            skips.append((n, "malformed JSON (line cut off)"))
            continue
        t = art.get("time")
        obj = {
            "url": art["url"], "title": art["title"], "lead": art["lead"], "body": "\n\n".join(art["body"]),
            "date": art["date"], "datetime": f"{art['date']}T{t}:00" if t else None,
            "agency": art["agency"], "author": art.get("author"), "topic": art.get("topic"), "province": art.get("province"),
        }
        lines.append(json.dumps(obj, ensure_ascii=False))
    return ("\n".join(lines) + "\n").encode("utf-8"), skips


def build_foreign() -> tuple[bytes, bytes]:
    """tests/fixtures/ndjson/foreign.jsonl (foreign field names, for --map) and what tracuu
    should read from it once mapped."""
    with open(ARTICLES / "foreign.json", encoding="utf-8") as f:
        items = json.load(f)
    raw, exp = [], []
    for it in items:
        rec = {k: v for k, v in it.items() if k != "expected"}
        raw.append(json.dumps(rec, ensure_ascii=False))
        exp.append(json.dumps({
            "url": it["duong_dan"], "title": it["tieu_de"], "lead": it["tom_tat"], "body": it["noi_dung"],
            "author": it["tac_gia"], **it["expected"],
        }, ensure_ascii=False))
    return ("\n".join(raw) + "\n").encode("utf-8"), ("\n".join(exp) + "\n").encode("utf-8")


def main() -> int:
    pages: list[dict] = []
    for name in ("mic2009.json", "chinhphu.json", "nukeviet.json", "oldtable.json", "joomla.json"):
        pages.extend(load(name))
    warc_arts = load("dump_warc.json")
    jsonl_arts = load("dump_jsonl.json")
    expected, skips = [], []
    for art in pages:
        write(SAMPLES / art["key"], render(art, peers_of(art, pages)))
        expected.append(expected_record(art, art["key"]))
    for path, data, reason in non_article_files(pages):
        write(SAMPLES / path, data)
        skips.append((path, reason))

    warc, warc_skips = build_warc(warc_arts, pages + warc_arts)
    write(SAMPLES / "dumps" / "extra.warc.gz", warc)
    for art in warc_arts:
        rec = expected_record(art, f"dumps/extra.warc.gz#{art['url']}")
        rec["url"] = art["url"]  # the record's target URI, even where the page has no canonical link
        expected.append(rec)
    skips += [(f"dumps/extra.warc.gz#{uri}", why) for uri, why in warc_skips]

    jsonl, jsonl_skips = build_jsonl(jsonl_arts)
    write(SAMPLES / "dumps" / "extra.jsonl", jsonl)
    for art in jsonl_arts:
        rec = expected_record(art, f"dumps/extra.jsonl:{art['key'].split(':')[1]}")
        rec["known_layout"] = True
        expected.append(rec)
    skips += [(f"dumps/extra.jsonl:{n}", why) for n, why in jsonl_skips]

    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in expected)
    write(SAMPLES / "expected.jsonl", lines.encode("utf-8"))
    head = "# Inputs under samples/ that an import must skip, with the reason (path or dump#record<TAB>reason)\n"
    write(SAMPLES / "expected_skips.txt", (head + "".join(f"{p}\t{r}\n" for p, r in skips)).encode("utf-8"))

    foreign, foreign_expected = build_foreign()
    write(FIXTURES_NDJSON / "foreign.jsonl", foreign)
    write(FIXTURES_NDJSON / "foreign.expected.jsonl", foreign_expected)
    print(f"wrote {len(expected)} expected articles, {len(skips)} skips", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
