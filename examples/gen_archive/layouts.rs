//! Page layouts: how each kind of portal wraps an article in HTML.
//!
//! Three follow `../shared/HTML_LAYOUTS.md` (mic.gov.vn in its SharePoint era, the new
//! chinhphu/baochinhphu/mic portals, NukeViet provincial portals); two are invented so that
//! the extractor meets layouts no site profile knows (an old table-based portal, often in
//! windows-1258, without a canonical URL; and a Joomla-like portal). Each page is padded
//! with realistic boilerplate (menus, sidebars, scripts, footers) to a target size of
//! 15–40 KB measured after encoding.

use std::fmt::Write as _;

use chrono::{Datelike, NaiveTime};

use crate::story::{Encoding, Pools, Rng, Story};
use crate::text;
use crate::vocab;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Layout {
    MicSharePoint,
    Chinhphu,
    NukeViet,
    OldTable,
    Joomla,
}

impl Layout {
    pub const ALL: [Layout; 5] = [
        Layout::MicSharePoint,
        Layout::Chinhphu,
        Layout::NukeViet,
        Layout::OldTable,
        Layout::Joomla,
    ];

    pub fn dir(self) -> &'static str {
        match self {
            Layout::MicSharePoint => "mic-sharepoint",
            Layout::Chinhphu => "chinhphu",
            Layout::NukeViet => "nukeviet",
            Layout::OldTable => "oldtable",
            Layout::Joomla => "joomla",
        }
    }

    /// The years this kind of portal published in.
    pub fn years(self) -> (i32, i32) {
        match self {
            Layout::MicSharePoint => (2009, 2022),
            Layout::Chinhphu => (2023, 2025),
            Layout::NukeViet => (2010, 2021),
            Layout::OldTable => (2005, 2012),
            Layout::Joomla => (2012, 2022),
        }
    }

    pub fn pick(rng: &mut Rng) -> Layout {
        match rng.below(100) {
            0..=24 => Layout::MicSharePoint,
            25..=42 => Layout::Chinhphu,
            43..=67 => Layout::NukeViet,
            68..=81 => Layout::OldTable,
            _ => Layout::Joomla,
        }
    }
}

/// Page size bounds (bytes, after encoding).
const MIN_PAGE: usize = 15 * 1024 + 256;
const MAX_PAGE: usize = 40 * 1024 - 512;

/// Renders the page's bytes, padded to a size drawn in 15–40 KB.
pub fn render(s: &Story, pools: &Pools) -> Vec<u8> {
    let mut size_rng = Rng::new(s.render_seed ^ 0x5157);
    let target = size_rng.range(MIN_PAGE as u64 + 200, MAX_PAGE as u64 - 600) as usize;
    let base_html = build(s, pools, 0);
    let base = encode(s, &base_html);
    let ratio = base.len() as f64 / base_html.len().max(1) as f64;
    let mut fill = if target > base.len() {
        ((target - base.len()) as f64 / ratio) as usize
    } else {
        0
    };
    let mut page = base;
    for _ in 0..4 {
        page = encode(s, &build(s, pools, fill));
        if page.len() < MIN_PAGE {
            fill += ((MIN_PAGE - page.len()) as f64 / ratio) as usize + 400;
        } else if page.len() > MAX_PAGE && fill > 0 {
            fill = fill.saturating_sub(((page.len() - MAX_PAGE) as f64 / ratio) as usize + 400);
        } else {
            break;
        }
    }
    page
}

fn encode(s: &Story, html: &str) -> Vec<u8> {
    match s.encoding {
        Encoding::Utf8 => html.as_bytes().to_vec(),
        Encoding::Nfd => text::to_nfd(html).into_bytes(),
        Encoding::Entities => text::entity_encode(html, s.render_seed).into_bytes(),
        Encoding::Windows1258 => text::to_windows_1258(html),
    }
}

/// A page under construction: the HTML and the renderer's own random choices.
struct Page<'a> {
    h: String,
    rng: Rng,
    s: &'a Story,
    pools: &'a Pools,
}

impl Page<'_> {
    fn raw(&mut self, html: &str) {
        self.h.push_str(html);
    }

    /// Escaped text; on "noisy" pages with the invisible characters real pages carry
    /// (non-breaking and zero-width spaces, soft hyphens, Ð for Đ).
    fn text(&mut self, t: &str) {
        if !self.s.noisy {
            text::escape(t, &mut self.h);
            return;
        }
        let mut noisy = String::with_capacity(t.len() + 16);
        for (i, word) in t.split(' ').enumerate() {
            if i > 0 {
                match self.rng.below(90) {
                    0 => noisy.push('\u{a0}'),
                    1 => noisy.push_str(" \u{200b}"),
                    _ => noisy.push(' '),
                }
            }
            if word.chars().count() > 6
                && word.chars().all(char::is_alphabetic)
                && self.rng.below(60) == 0
            {
                let mut chars = word.chars();
                let head: String = chars.by_ref().take(3).collect();
                noisy.push_str(&head);
                noisy.push('\u{ad}');
                noisy.extend(chars);
            } else if word.starts_with('Đ') && self.rng.below(4) == 0 {
                noisy.push('Ð');
                noisy.extend(word.chars().skip(1));
            } else {
                noisy.push_str(word);
            }
        }
        text::escape(&noisy, &mut self.h);
    }

    fn attr(&mut self, t: &str) {
        text::escape(t, &mut self.h);
    }

    fn menu(&mut self, href_prefix: &str, count: usize) {
        let start = self.rng.below(vocab::MENU.len());
        for i in 0..count {
            let label = vocab::MENU[(start + i) % vocab::MENU.len()];
            let _ = write!(
                self.h,
                "<li class=\"menu-item\"><a href=\"{href_prefix}{}\" title=\"",
                text::slug(label)
            );
            self.attr(label);
            self.raw("\">");
            self.attr(label);
            self.raw("</a></li>\n");
        }
    }

    fn headline_link(&mut self, href: &str, with_date: bool) {
        let t = self.rng.pick(&self.pools.headlines).clone();
        let _ = write!(self.h, "<li><a href=\"{href}\" title=\"");
        self.attr(&t);
        self.raw("\">");
        self.attr(&t);
        self.raw("</a>");
        if with_date {
            let _ = write!(
                self.h,
                " <span class=\"date\">({:02}/{:02}/{})</span>",
                self.rng.range(1, 28),
                self.rng.range(1, 12),
                self.rng.range(2005, 2025)
            );
        }
        self.raw("</li>\n");
    }

    /// Sidebar boxes until about `bytes` bytes were written.
    fn filler(&mut self, bytes: usize, style: &str) {
        let start = self.h.len();
        let boxes = [
            "Tin mới",
            "Tin đọc nhiều",
            "Văn bản mới",
            "Liên kết website",
            "Thông báo",
        ];
        let mut b = 0usize;
        while self.h.len() - start < bytes {
            let title = boxes[b % boxes.len()];
            let _ = writeln!(
                self.h,
                "<div class=\"{style}\"><h3 class=\"box-title\">{title}</h3>"
            );
            match b % boxes.len() {
                2 => {
                    self.raw("<ul class=\"docs\">\n");
                    for _ in 0..6 {
                        let d = self.rng.pick(&self.pools.doc_titles).clone();
                        let id = self.rng.range(1000, 99999);
                        let _ = write!(self.h, "<li><a href=\"/van-ban/{id}\">");
                        self.attr(&d);
                        self.raw("</a></li>\n");
                    }
                    self.raw("</ul>\n");
                }
                3 => {
                    self.raw("<select onchange=\"window.open(this.value)\"><option value=\"\">-- Liên kết website --</option>\n");
                    let first = self.rng.below(vocab::PROVINCES.len());
                    for i in 0..20 {
                        let p = &vocab::PROVINCES[(first + i) % vocab::PROVINCES.len()];
                        let _ = writeln!(
                            self.h,
                            "<option value=\"https://{}.gov.vn\">Cổng TTĐT {}</option>",
                            p.slug, p.name
                        );
                    }
                    self.raw("</select>\n");
                }
                _ => {
                    self.raw("<ul class=\"news-list\">\n");
                    for _ in 0..6 {
                        let id = self.rng.range(1000, 999_999);
                        self.headline_link(&format!("/tin-tuc/{id}.html"), b.is_multiple_of(2));
                    }
                    self.raw("</ul>\n");
                }
            }
            self.raw("</div>\n");
            b += 1;
        }
    }

    /// Body paragraphs with the page's quirks: the lead repeated first, photos with
    /// captions between paragraphs, and the closing "./.".
    fn paragraphs(&mut self, photo: &str, closing: bool) {
        let s = self.s;
        if s.lead_repeated {
            self.raw("<p>");
            self.text(&s.lead);
            self.raw("</p>\n");
        }
        let n = s.paras.len();
        for (i, p) in s.paras.iter().enumerate() {
            if let Some(cap) = s.captions.get(i)
                && i > 0
            {
                let img = self.rng.range(10000, 99999);
                let html = photo.replace("{IMG}", &img.to_string());
                let mut escaped = String::new();
                text::escape(cap, &mut escaped);
                self.raw(&html.replace("{CAP}", &escaped));
            }
            self.raw("<p>");
            self.text(p);
            if closing && i + 1 == n {
                self.raw("/.");
            }
            self.raw("</p>\n");
        }
    }

    fn footer(&mut self, class: &str) {
        let s = self.s;
        let _ = writeln!(self.h, "<div class=\"{class}\">");
        let street = *self.rng.pick(&vocab::STREETS);
        let prov = s.province.map(|p| p.name).unwrap_or("Hà Nội");
        for line in vocab::FOOTER.iter() {
            let l = line
                .replace("{OWNER}", &s.owner_display)
                .replace("{STREET}", street)
                .replace("{PR}", prov)
                .replace("{HEAD}", "Chánh Văn phòng")
                .replace("{n3}", &self.rng.range(200, 299).to_string())
                .replace("{n4}", &self.rng.range(100, 999).to_string())
                .replace("{n5}", &self.rng.range(100, 999).to_string())
                .replace("{n6}", &self.rng.range(100, 999).to_string())
                .replace("{n}", &self.rng.range(1, 300).to_string());
            self.raw("<p>");
            self.attr(&l);
            self.raw("</p>\n");
        }
        self.raw("</div>\n");
    }
}

const SCRIPT_GA: &str = "<script type=\"text/javascript\">\nvar _gaq = _gaq || [];\n_gaq.push(['_setAccount', 'UA-21330416-1']);\n_gaq.push(['_trackPageview']);\n(function() {\n  var ga = document.createElement('script'); ga.type = 'text/javascript'; ga.async = true;\n  ga.src = ('https:' == document.location.protocol ? 'https://ssl' : 'http://www') + '.google-analytics.com/ga.js';\n  var s = document.getElementsByTagName('script')[0]; s.parentNode.insertBefore(ga, s);\n})();\n</script>\n";

const STYLE_BLOCK: &str = "<style type=\"text/css\">\nbody{margin:0;padding:0;font-family:Arial,Helvetica,sans-serif;font-size:13px;color:#333}\n.menu-item{display:inline-block;padding:6px 10px}.menu-item a{color:#fff;text-decoration:none}\n.box-title{background:#0b5fa5;color:#fff;font-size:14px;padding:5px 8px;margin:0}\n.news-list li{border-bottom:1px dotted #ccc;padding:4px 0}.date{color:#888;font-size:11px}\n#footer,.footer{background:#eee;border-top:3px solid #0b5fa5;padding:10px;font-size:12px}\n</style>\n";

fn date_dmy(s: &Story, pad: bool) -> String {
    let d = s.date;
    if pad {
        format!("{:02}/{:02}/{}", d.day(), d.month(), d.year())
    } else {
        format!("{}/{}/{}", d.day(), d.month(), d.year())
    }
}

fn hm(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

fn weekday(s: &Story) -> &'static str {
    vocab::WEEKDAYS[s.date.weekday().num_days_from_monday() as usize]
}

fn iso(s: &Story) -> String {
    let t = s.time.unwrap_or_default();
    format!(
        "{}T{}+07:00",
        s.date.format("%Y-%m-%d"),
        t.format("%H:%M:%S")
    )
}

fn build(s: &Story, pools: &Pools, fill: usize) -> String {
    let mut page = Page {
        h: String::with_capacity(48 * 1024),
        rng: Rng::new(s.render_seed),
        s,
        pools,
    };
    match s.layout {
        Layout::MicSharePoint => mic_sharepoint(&mut page, fill),
        Layout::Chinhphu => chinhphu(&mut page, fill),
        Layout::NukeViet => nukeviet(&mut page, fill),
        Layout::OldTable => old_table(&mut page, fill),
        Layout::Joomla => joomla(&mut page, fill),
    }
    page.h
}

fn dash(rng: &mut Rng) -> &'static str {
    match rng.below(3) {
        0 => "-",
        1 => "–",
        _ => "&ndash;",
    }
}

fn mic_sharepoint(p: &mut Page, fill: usize) {
    let s = p.s;
    p.raw("<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\" \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd\">\n<html dir=\"ltr\" lang=\"vi-VN\" xmlns:o=\"urn:schemas-microsoft-com:office:office\">\n<head><meta http-equiv=\"X-UA-Compatible\" content=\"IE=8\"/><meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\"/>\n<title>\r\n\t");
    p.text(&s.title);
    p.raw("\r\n</title>\n<link rel=\"stylesheet\" type=\"text/css\" href=\"/_layouts/1066/styles/Themable/corev4.css?rev=cubXa6K6Ngs1yW0RLuYFfg%3D%3D\"/>\n");
    if s.has_canonical {
        if p.rng.chance(0.5) {
            let _ = writeln!(p.h, "<link rel=\"canonical\" href=\"{}\"/>", s.url);
        } else {
            let _ = writeln!(p.h, "<meta property=\"og:url\" content=\"{}\"/>", s.url);
        }
    }
    p.raw("<script type=\"text/javascript\">var _fV4UI = true; var L_Menu_BaseUrl=\"\"; var L_Menu_LCID=\"1066\"; var L_Menu_SiteTheme=\"\";</script>\n");
    p.raw(STYLE_BLOCK);
    p.raw("</head>\n<body scroll=\"yes\" onload=\"javascript:_spBodyOnLoadWrapper();\">\n<form name=\"aspnetForm\" method=\"post\" action=\"");
    p.attr(&s.url.replace("https://mic.gov.vn", ""));
    p.raw("\" id=\"aspnetForm\">\n<div><input type=\"hidden\" name=\"__VIEWSTATE\" id=\"__VIEWSTATE\" value=\"/wEPDwUBMA9kFgJmD2QWAgIBD2QWBAIBD2QWAgIDD2QWAgIBDxYCHhNQcmV2aW91c0NvbnRyb2xNb2RlCymIAU1pY3Jvc29mdC5TaGFyZVBvaW50LldlYkNvbnRyb2xzLlNQQ29udHJvbE1vZGUsIE1pY3Jvc29mdC5TaGFyZVBvaW50LCBWZXJzaW9uPTE0LjAuMC4wLCBDdWx0dXJlPW5ldXRyYWwsIFB1YmxpY0tleVRva2VuPTcxZTliY2UxMTFlOTQyOWMBZAIDD2QWBgIHD2QWBgUmZ19hNjNiZmY5\"/></div>\n<div id=\"s4-workspace\"><div id=\"s4-bodyContainer\">\n<div id=\"header\"><a href=\"/\"><img src=\"/Style%20Library/mic/images/banner.jpg\" alt=\"Bộ Thông tin và Truyền thông\"/></a><div class=\"site-name\">BỘ THÔNG TIN VÀ TRUYỀN THÔNG</div></div>\n<div id=\"menu\"><ul class=\"root\">\n");
    p.menu("/Pages/ChuyenMuc/", 22);
    p.raw("</ul></div>\n");
    let (cat_id, cat) = vocab::MIC_CATEGORIES
        .iter()
        .find(|(_, n)| *n == s.topic)
        .copied()
        .unwrap_or((1749, "Ứng dụng CNTT"));
    let wp = p.rng.uuid().replace('-', "_");
    let _ = write!(
        p.h,
        "<div id=\"MSOZoneCell_WebPartWPQ2\" class=\"s4-wpcell-plain\"><div id=\"ctl00_ctl46_g_{wp}\" class=\"ms-WPBody\" webpartid=\"{}\">\n<div class=\"breadcrumb\"><a href=\"/\">Trang chủ</a> &gt; <a href=\"/Pages/ChuyenMuc/PhanTrang/{cat_id}/1/{}.html\">",
        wp.replace('_', "-"),
        text::title_slug(cat)
    );
    p.attr(cat);
    p.raw("</a></div>\n<div id=\"news_content\">\n<h1>");
    p.text(&s.title);
    p.raw("</h1>\n<div class=\"date\">");
    let date = date_dmy(s, true);
    let when = match s.time {
        Some(t) => format!("{}, {} {}", weekday(s), date, hm(t)),
        None => date,
    };
    p.attr(&when);
    p.raw("</div>\n<div id=\"divArticleDescription\" class=\"ms-rtestate-field\"><strong>(Mic.gov.vn) ");
    let d = dash(&mut p.rng);
    p.raw(d);
    p.raw(" ");
    p.text(&s.lead);
    p.raw("</strong></div>\n<div id=\"divArticleContent\" class=\"ms-rtestate-field\">\n");
    p.paragraphs(
        "<table class=\"image\" align=\"center\"><tr><td><img src=\"/PublishingImages/{IMG}.jpg\" width=\"500\"/></td></tr><tr><td class=\"image_desc\"><em>{CAP}</em></td></tr></table>\n",
        true,
    );
    p.raw("</div>\n");
    if let Some(b) = &s.byline {
        p.raw("<p style=\"text-align: right;\"><strong>");
        p.text(b);
        p.raw("</strong></p>\n");
    }
    if !s.tags.is_empty() {
        p.raw("<div class=\"tags\">Từ khóa: ");
        for t in &s.tags {
            let _ = write!(p.h, "<a href=\"/Pages/TimKiem.aspx?k={}\">", text::slug(t));
            p.attr(t);
            p.raw("</a> ");
        }
        p.raw("</div>\n");
    }
    p.raw("<div class=\"rating\"><span>ĐÁNH GIÁ BÀI VIẾT</span>( 0)</div>\n<div class=\"tools\"><a href=\"javascript:window.print()\">In bài viết</a> | <a href=\"mailto:?subject=tin\">Gửi email</a></div>\n<div class=\"other-news\"><h3>Các tin khác</h3><ul>\n");
    for _ in 0..8 {
        let id = p.rng.range(1000, 999_999);
        p.headline_link(&format!("/Pages/TinTuc/{id}/tin.html"), true);
    }
    p.raw("</ul></div>\n</div></div></div>\n<div id=\"sidebar\" class=\"right-col\">\n");
    p.filler(fill, "ms-WPBody box");
    p.raw("</div>\n");
    p.footer("footer");
    p.raw(SCRIPT_GA);
    p.raw("<script type=\"text/javascript\">_spBodyOnLoadFunctionNames.push(\"_spFormOnSubmitWrapper\");</script>\n</div></div></form></body></html>\n");
}

fn chinhphu(p: &mut Page, fill: usize) {
    let s = p.s;
    let prefix = match s.host.as_str() {
        "baochinhphu.vn" | "chinhphu.vn" => "(Chinhphu.vn) ",
        "mic.gov.vn" => "(Mic.gov.vn) ",
        _ => "",
    };
    p.raw("<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\"/>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n<title>");
    p.text(&s.title);
    p.raw("</title>\n<meta name=\"description\" content=\"");
    p.attr(&s.lead);
    p.raw("\"/>\n<meta property=\"og:title\" content=\"");
    p.attr(&s.title);
    let _ = write!(
        p.h,
        "\"/>\n<meta property=\"og:url\" content=\"{0}\"/>\n<link rel=\"canonical\" href=\"{0}\"/>\n<meta property=\"article:published_time\" content=\"{1}\"/>\n",
        s.url,
        iso(s)
    );
    let site = s.owner_display.clone();
    let ld = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": s.title,
        "datePublished": iso(s),
        "author": {"@type": "Person", "name": s.author.clone().unwrap_or_default()},
        "publisher": {"@type": "Organization", "name": site},
        "mainEntityOfPage": s.url,
    });
    let crumbs = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": 1, "name": "Trang chủ", "item": format!("https://{}/", s.host)},
            {"@type": "ListItem", "position": 2, "name": s.topic, "item": format!("https://{}/{}.htm", s.host, text::slug(&s.topic))},
        ],
    });
    let _ = write!(
        p.h,
        "<script type=\"application/ld+json\">{}</script>\n<script type=\"application/ld+json\">{}</script>\n",
        ld.to_string().replace("</", "<\\/"),
        crumbs.to_string().replace("</", "<\\/")
    );
    p.raw(STYLE_BLOCK);
    p.raw("<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}gtag('js',new Date());gtag('config','G-XXXXXX');</script>\n</head>\n<body>\n<header class=\"header\"><div class=\"header__logo\"><a href=\"/\" title=\"");
    p.attr(&site);
    p.raw("\">");
    p.attr(&site);
    p.raw("</a></div>\n<nav class=\"header__nav\"><ul class=\"menu-nav\">\n");
    p.menu("/", 18);
    p.raw("</ul></nav></header>\n<main class=\"detail__wrapper\">\n<div class=\"detail-breadcrumb\"><a href=\"/\" title=\"Trang chủ\">Trang chủ</a> <a href=\"/");
    p.raw(&text::slug(&s.topic));
    p.raw(".htm\" data-role=\"cate-name\">");
    p.attr(&s.topic);
    p.raw("</a></div>\n<div class=\"detail__cmain\">\n<h1 class=\"detail-title\" data-role=\"title\">");
    p.text(&s.title);
    p.raw("</h1>\n<div class=\"detail-author-top\">");
    if let Some(a) = &s.author {
        p.raw("<span class=\"detail-author-top-name\">");
        p.text(a);
        p.raw("</span> ");
    }
    let t = s.time.unwrap_or_default();
    let _ = write!(
        p.h,
        "<div class=\"detail-time\"><div data-role=\"publishdate\">{} {}</div></div></div>\n<h2 class=\"detail-sapo\" data-role=\"sapo\">",
        date_dmy(s, true),
        hm(t)
    );
    if !prefix.is_empty() {
        p.raw(prefix);
        let d = dash(&mut p.rng);
        p.raw(d);
        p.raw(" ");
    }
    p.text(&s.lead);
    p.raw("</h2>\n<div class=\"detail-content afcbc-body\" data-role=\"content\">\n");
    let related_at = p.s.paras.len() / 2;
    // Paragraphs with figures, and the related-news box in the middle.
    let n = s.paras.len();
    for (i, para) in s.paras.iter().enumerate() {
        if let Some(cap) = s.captions.get(i)
            && i > 0
        {
            let img = p.rng.range(10000, 99999);
            let _ = write!(
                p.h,
                "<figure class=\"VCSortableInPreviewMode\" type=\"Photo\"><div><img src=\"https://bcp.cdnchinhphu.vn/334894974524682240/{img}.jpg\" alt=\""
            );
            p.attr(cap);
            p.raw("\"/></div><figcaption class=\"PhotoCMS_Caption\"><p data-placeholder=\"Nhập chú thích ảnh\">");
            p.attr(cap);
            p.raw("</p></figcaption></figure>\n");
        }
        if i == related_at && !s.related.is_empty() {
            p.raw("<!-- bonewsrelation --><div type=\"RelatedNewsBox\" class=\"VCSortableInPreviewMode\"><div class=\"kbwscwl-relatedbox type-3\"><strong>Tin liên quan</strong><ul>\n");
            for r in &s.related.clone() {
                let id = p.rng.range(100_000, 999_999);
                let _ = write!(p.h, "<li><a href=\"/{}-102{id}.htm\">", text::slug(r));
                p.attr(r);
                p.raw("</a></li>\n");
            }
            p.raw("</ul></div></div><!-- bonewsrelation -->\n");
        }
        p.raw("<p>");
        p.text(para);
        if i + 1 == n && p.rng.chance(0.3) {
            p.raw("/.");
        }
        p.raw("</p>\n");
    }
    p.raw("</div>\n");
    if !s.tags.is_empty() {
        p.raw("<div class=\"detail-tab\"><ul class=\"detail-tag-list\">\n");
        for t in &s.tags {
            let _ = write!(p.h, "<li><a href=\"/tag/{}.htm\">", text::slug(t));
            p.attr(t);
            p.raw("</a></li>\n");
        }
        p.raw("</ul></div>\n");
    }
    p.raw("<div class=\"detail-share\"><a class=\"fb\" href=\"#\">Chia sẻ</a> <a class=\"print\" href=\"#\">In</a></div>\n</div>\n<aside class=\"detail__aside\">\n");
    p.filler(fill, "box-category");
    p.raw("</aside>\n</main>\n<footer class=\"footer\">\n");
    p.footer("footer__info");
    p.raw("</footer>\n<script src=\"https://static.mediacdn.vn/js/main.min.js\" async></script>\n</body>\n</html>\n");
}

fn nukeviet(p: &mut Page, fill: usize) {
    let s = p.s;
    // The portal's name in its header says "tỉnh"; the canonical agency drops it.
    let site = site_name_with_level(s);
    p.raw("<!DOCTYPE html>\n<html lang=\"vi\" xmlns=\"http://www.w3.org/1999/xhtml\" prefix=\"og: http://ogp.me/ns#\">\n<head>\n<title>");
    p.text(&s.title);
    p.raw(" - ");
    p.attr(&site);
    p.raw("</title>\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\"/>\n<meta name=\"generator\" content=\"NukeViet v4.0\"/>\n<meta name=\"description\" content=\"");
    p.attr(&s.lead);
    let _ = write!(
        p.h,
        "\"/>\n<meta property=\"og:type\" content=\"article\"/>\n<meta property=\"og:url\" content=\"{0}\"/>\n<meta property=\"og:site_name\" content=\"",
        s.url
    );
    p.attr(&site);
    let _ = write!(
        p.h,
        "\"/>\n<link rel=\"canonical\" href=\"{}\"/>\n<link rel=\"StyleSheet\" href=\"/themes/default/css/news.css\"/>\n<script src=\"/assets/js/jquery/jquery.min.js\"></script>\n<script>var nv_base_siteurl=\"/\",nv_lang_data=\"vi\",nv_module_name=\"news\",nv_my_ofs=7;</script>\n",
        s.url
    );
    p.raw(STYLE_BLOCK);
    p.raw("</head>\n<body>\n<div class=\"header\"><div class=\"site-name\">");
    p.attr(&site.to_uppercase());
    p.raw("</div></div>\n<nav class=\"second-nav\"><ul class=\"nav navbar-nav\">\n");
    p.menu("/", 16);
    let topic_slug = vocab::TOPICS
        .iter()
        .find(|t| t.name == s.topic)
        .map(|t| t.slug)
        .unwrap_or("tin-tuc");
    let _ = write!(
        p.h,
        "</ul></nav>\n<div class=\"breadcrumbs-wrap\"><ul class=\"breadcrumbs\"><li><a href=\"/\">Trang chủ</a></li><li><a href=\"/news/\">Tin tức</a></li><li><a href=\"/news/{topic_slug}/\">"
    );
    p.attr(&s.topic);
    p.raw("</a></li></ul></div>\n<div class=\"row\"><div class=\"col-md-16\"><div class=\"news_column panel panel-default\"><div class=\"panel-body\">\n<h1 class=\"title margin-bottom-lg\">");
    p.text(&s.title);
    p.raw("</h1>\n<div class=\"row margin-bottom-lg\"><span class=\"h5\">");
    let t = s.time.unwrap_or_default();
    let when = format!("{} - {} {}", weekday(s), date_dmy(s, true), hm(t));
    p.attr(&when);
    p.raw("</span></div>\n<div class=\"hometext m-bottom\"><strong>");
    p.text(&s.lead);
    p.raw("</strong></div>\n");
    if let Some(cap) = s.captions.first() {
        let img = p.rng.range(1000, 9999);
        let _ = write!(
            p.h,
            "<figure class=\"article center\"><img alt=\"\" src=\"/uploads/news/{img}.jpg\" class=\"img-thumbnail\"/><figcaption>"
        );
        p.attr(cap);
        p.raw("</figcaption></figure>\n");
    }
    p.raw("<div id=\"news-bodyhtml\" class=\"bodytext margin-bottom-lg\">\n");
    let closing = p.rng.chance(0.5);
    p.paragraphs(
        "<p style=\"text-align:center\"><img src=\"/uploads/news/{IMG}.jpg\"/><br/><em class=\"caption\">{CAP}</em></p>\n",
        closing,
    );
    p.raw("</div>\n<div class=\"margin-bottom-lg\">\n");
    if let Some(a) = &s.author {
        p.raw("<p class=\"h5 text-right\"><strong>Tác giả: </strong>");
        p.text(a);
        p.raw("</p>\n");
    }
    p.raw("<p class=\"h5 text-right\"><strong>Nguồn tin: </strong>");
    let src = if p.rng.chance(0.6) {
        s.agency.short.clone()
    } else {
        s.agency.canonical.clone()
    };
    p.text(&src);
    p.raw("</p>\n</div>\n");
    if !s.tags.is_empty() {
        p.raw("<div class=\"keywords\"><em>Từ khóa:</em> ");
        for t in &s.tags {
            let _ = write!(p.h, "<a href=\"/news/tag/{}\">", text::slug(t));
            p.attr(t);
            p.raw("</a>, ");
        }
        p.raw("</div>\n");
    }
    p.raw("<div class=\"news-rating\">Đánh giá bài viết: <span class=\"stars\">★★★★★</span> Tổng số điểm là 0 trong 0 đánh giá</div>\n</div></div>\n<div class=\"news_column panel panel-default\"><div class=\"panel-heading\"><strong>Tin liên quan</strong></div><ul class=\"related\">\n");
    for r in &s.related.clone() {
        let id = p.rng.range(100, 99999);
        let _ = write!(
            p.h,
            "<li><a href=\"/news/{topic_slug}/{}-{id}.html\">",
            text::slug(r)
        );
        p.attr(r);
        let _ = writeln!(
            p.h,
            "</a> <em>({:02}/{:02}/{})</em></li>",
            p.rng.range(1, 28),
            p.rng.range(1, 12),
            p.rng.range(2010, 2021)
        );
    }
    p.raw("</ul></div>\n</div>\n<div class=\"col-md-8\">\n");
    p.filler(fill, "panel panel-default");
    p.raw("</div></div>\n<footer id=\"footer\">\n");
    p.footer("footer-info");
    p.raw("</footer>\n");
    p.raw(SCRIPT_GA);
    p.raw("</body>\n</html>\n");
}

/// "Sở Thông tin và Truyền thông tỉnh Bạc Liêu": the way a portal names its owner.
fn site_name_with_level(s: &Story) -> String {
    match s.province {
        Some(pr) if s.owner_display.starts_with("Sở ") => {
            let bare = s.owner_display.trim_end_matches(pr.name).trim_end();
            let level = if pr.name == "Hồ Chí Minh" {
                "Thành phố"
            } else if pr.city {
                "thành phố"
            } else {
                "tỉnh"
            };
            format!("{bare} {level} {}", pr.name)
        }
        _ => s.owner_display.clone(),
    }
}

fn old_table(p: &mut Page, fill: usize) {
    let s = p.s;
    let charset = s.charset();
    let _ = write!(
        p.h,
        "<html>\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset={charset}\">\n<title>"
    );
    p.attr(&s.agency.short);
    p.raw(" - ");
    p.text(&s.title);
    p.raw("</title>\n<style>\ntd{font-family:Arial;font-size:9pt}\n.newstitle{font-size:12pt;color:#990000}\n.path{color:#666}\n</style>\n<script language=\"JavaScript\">\nfunction MM_swapImgRestore(){var i,x,a=document.MM_sr;for(i=0;a&&i<a.length&&(x=a[i])&&x.oSrc;i++)x.src=x.oSrc;}\nfunction MM_preloadImages(){var d=document;if(d.images){if(!d.MM_p)d.MM_p=new Array();}}\n</script>\n</head>\n<body bgcolor=\"#FFFFFF\" leftmargin=\"0\" topmargin=\"0\" onLoad=\"MM_preloadImages('images/m1_over.gif')\">\n<table width=\"990\" border=\"0\" cellpadding=\"0\" cellspacing=\"0\" align=\"center\">\n<tr><td colspan=\"3\" class=\"banner\"><img src=\"images/banner.gif\" width=\"990\" height=\"120\"><br><font size=\"4\" color=\"#CC0000\"><b>");
    p.attr(&s.owner_display.to_uppercase());
    p.raw("</b></font></td></tr>\n<tr><td width=\"180\" valign=\"top\" class=\"leftmenu\"><table width=\"100%\" cellpadding=\"3\">\n");
    let start = p.rng.below(vocab::MENU.len());
    for i in 0..20 {
        let label = vocab::MENU[(start + i) % vocab::MENU.len()];
        let _ = write!(
            p.h,
            "<tr><td><img src=\"images/arrow.gif\"> <a href=\"news.asp?cat={}\">",
            i + 1
        );
        p.attr(label);
        p.raw("</a></td></tr>\n");
    }
    p.raw("</table></td>\n<td width=\"600\" valign=\"top\"><table width=\"100%\" cellpadding=\"5\">\n<tr><td class=\"path\">Tin tức - Sự kiện &raquo; ");
    p.attr(&s.topic);
    p.raw("</td></tr>\n<tr><td class=\"newstitle\"><b>");
    p.text(&s.title);
    p.raw("</b></td></tr>\n<tr><td class=\"date\">");
    let when = match s.time {
        Some(t) => format!("Cập nhật: {} {}", date_dmy(s, true), hm(t)),
        None if p.rng.chance(0.5) => format!(
            "Ngày {} tháng {} năm {}",
            s.date.day(),
            s.date.month(),
            s.date.year()
        ),
        None => format!("Cập nhật: {}", date_dmy(s, true)),
    };
    p.attr(&when);
    p.raw("</td></tr>\n<tr><td class=\"summary\"><i>");
    p.text(&s.lead);
    p.raw("</i></td></tr>\n<tr><td class=\"content\">\n");
    p.paragraphs(
        "<p align=\"center\"><img src=\"upload/{IMG}.jpg\" width=\"400\"><br><i>{CAP}</i></p>\n",
        p.s.idx.is_multiple_of(3),
    );
    if let Some(a) = &s.author {
        p.raw("<p align=\"right\"><b>");
        p.text(a);
        p.raw("</b></p>\n");
    }
    p.raw("</td></tr>\n<tr><td><a href=\"javascript:window.print()\">In trang</a> | <a href=\"mailto:?subject=tin\">Gửi email</a> | <a href=\"javascript:history.back()\">Trở về</a></td></tr>\n<tr><td><b>Các tin khác:</b><br>\n");
    for r in &s.related.clone() {
        let id = p.rng.range(100, 99999);
        let _ = write!(p.h, "• <a href=\"news.asp?id={id}\">");
        p.attr(r);
        let _ = writeln!(
            p.h,
            "</a> ({:02}/{:02}/{})<br>",
            p.rng.range(1, 28),
            p.rng.range(1, 12),
            p.rng.range(2005, 2012)
        );
    }
    p.raw("</td></tr></table></td>\n<td width=\"210\" valign=\"top\">\n");
    p.filler(fill, "rightbox");
    p.raw("</td></tr>\n<tr><td colspan=\"3\" class=\"footer\">\n");
    p.footer("copyright");
    p.raw("</td></tr></table>\n</body>\n</html>\n");
}

fn joomla(p: &mut Page, fill: usize) {
    let s = p.s;
    let site = site_name_with_level(s);
    let base = s.url.split("/index.php").next().unwrap_or("").to_string();
    let _ = write!(
        p.h,
        "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" xml:lang=\"vi-vn\" lang=\"vi-vn\" dir=\"ltr\">\n<head>\n<base href=\"{base}/\"/>\n<meta http-equiv=\"content-type\" content=\"text/html; charset=utf-8\"/>\n<meta name=\"generator\" content=\"Joomla! - Open Source Content Management\"/>\n<title>"
    );
    p.text(&s.title);
    p.raw(" - ");
    p.attr(&site);
    p.raw("</title>\n");
    if s.has_canonical {
        p.raw("<link href=\"");
        p.attr(&s.url);
        p.raw("\" rel=\"canonical\"/>\n");
    }
    p.raw("<link rel=\"stylesheet\" href=\"/templates/gk_news/css/template.css\" type=\"text/css\"/>\n<script src=\"/media/jui/js/jquery.min.js\" type=\"text/javascript\"></script>\n<script type=\"text/javascript\">jQuery(function($){ $('.hasTooltip').tooltip({\"html\": true,\"container\": \"body\"}); });</script>\n");
    p.raw(STYLE_BLOCK);
    let t = s.time.unwrap_or_default();
    let _ = write!(
        p.h,
        "</head>\n<body class=\"site com_content view-article no-layout no-task itemid-{}\">\n<div id=\"gkTop\"><h1 class=\"site-title\"><a href=\"/\">",
        100 + s.idx % 50
    );
    p.attr(&site);
    p.raw("</a></h1></div>\n<div id=\"gkMainMenu\"><ul class=\"nav menu\">\n");
    p.menu("index.php/", 20);
    p.raw("</ul></div>\n<div id=\"gkBreadcrumb\"><ul class=\"breadcrumb\"><li><a href=\"/\" class=\"pathway\">Trang chủ</a></li><li><a href=\"#\" class=\"pathway\">");
    p.attr(&s.topic);
    p.raw("</a></li><li class=\"active\"><span>");
    p.attr(&s.title);
    p.raw("</span></li></ul></div>\n<div id=\"gkContent\"><div class=\"item-page\" itemscope itemtype=\"https://schema.org/Article\">\n<div class=\"page-header\"><h2 itemprop=\"headline\">");
    p.text(&s.title);
    p.raw("</h2></div>\n<dl class=\"article-info muted\"><dt class=\"article-info-term\">Chi tiết</dt>\n<dd class=\"category-name\">Danh mục: <a href=\"#\" itemprop=\"genre\">");
    p.attr(&s.topic);
    let shown = format!(
        "{}:{:02}:{:02} , {}",
        t.format("%-H"),
        t.format("%M"),
        t.format("%S"),
        date_dmy(s, false)
    );
    let _ = write!(
        p.h,
        "</a></dd>\n<dd class=\"published\"><span class=\"icon-calendar\"></span> <time datetime=\"{}\" itemprop=\"datePublished\">{shown}</time></dd>\n<dd class=\"hits\"><span class=\"icon-eye-open\"></span> Lượt xem: {}</dd></dl>\n<div itemprop=\"articleBody\">\n<p><strong>",
        iso(s),
        p.rng.range(10, 9000)
    );
    p.text(&s.lead);
    p.raw("</strong></p>\n");
    p.paragraphs(
        "<p style=\"text-align: center;\"><img src=\"images/tin/{IMG}.jpg\" alt=\"\"/></p>\n<p style=\"text-align: center;\"><em>{CAP}</em></p>\n",
        false,
    );
    if let Some(b) = &s.author {
        p.raw("<p style=\"text-align: right;\"><strong>");
        p.text(b);
        p.raw("</strong></p>\n");
    }
    p.raw("</div>\n<ul class=\"pager pagenav\"><li class=\"previous\"><a href=\"#\" rel=\"prev\">&lt; Trước</a></li><li class=\"next\"><a href=\"#\" rel=\"next\">Tiếp &gt;</a></li></ul>\n</div>\n<div class=\"moduletable\"><h3>Tin cùng chuyên mục</h3><ul class=\"category-module\">\n");
    for r in &s.related.clone() {
        let id = p.rng.range(100, 99999);
        let _ = write!(
            p.h,
            "<li><a class=\"mod-articles-category-title\" href=\"index.php?option=com_content&amp;view=article&amp;id={id}\">"
        );
        p.attr(r);
        p.raw("</a></li>\n");
    }
    p.raw("</ul></div></div>\n<div id=\"gkRight\">\n");
    p.filler(fill, "moduletable");
    p.raw("</div>\n<div id=\"gkFooter\">\n");
    p.footer("gkCopyrights");
    p.raw("</div>\n");
    p.raw(SCRIPT_GA);
    p.raw("</body>\n</html>\n");
}
