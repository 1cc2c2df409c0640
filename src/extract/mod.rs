//! Extraction: turns one saved page (bytes in some encoding, some layout) into an [`Article`].
//!
//! The page is decoded ([`charset`]) and its tokens (html5gum, a WHATWG tokenizer) are walked
//! once into text blocks and metadata ([`dom`]); no DOM tree is built, the walk keeps its own
//! stack of open elements with the tree-building rules that matter for where text ends up. The
//! same walk checks the site profiles' rules on every start tag, so a profile ([`profiles`])
//! says where the parts are when the layout is a documented one; otherwise the main content is
//! chosen by text and link density ([`generic`]). Both paths then share the same clean-up and
//! the same metadata rules (title, lead, dates, byline, agency, province, topic), so every
//! layout yields the same conventions: NFC text, no site prefix on the lead, no "./.", no
//! captions, related lists, widgets or bylines in the body, canonical agency and province
//! names.

pub mod agency;
pub mod charset;
pub mod date;
mod dom;
mod generic;
mod profiles;
pub mod text;

use crate::Article;
use crate::article::{id_from_content, id_from_url};
use agency::{canonical_agency_or, find_province, province_from_host};
use date::{Published, find_vn_date, parse_iso};
use dom::{Block, Page};
use text::{clean_text, starts_with_ci, strip_closing_mark, strip_site_prefix};

/// One page as it came out of a dump, before it is understood.
#[derive(Debug, Clone, Default)]
pub struct RawPage {
    /// The raw bytes, in whatever encoding the page was saved.
    pub bytes: Vec<u8>,
    /// The URL the page was fetched from (WARC-Target-URI), when known.
    pub url: Option<String>,
    /// Where it came from, for messages and for [`Article::source`].
    pub source: String,
    /// The charset named by an HTTP `Content-Type` header (WARC response records), if any.
    pub http_charset: Option<String>,
}

/// Why a page yielded no article.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ExtractError {
    #[error("not an article page: {0}")]
    NotArticle(String),
    #[error("unreadable page: {0}")]
    Unreadable(String),
}

/// Fewer body characters than this and the page is not an article.
const MIN_BODY_CHARS: usize = 200;

/// Extracts the article from a page.
pub fn extract(page: &RawPage) -> Result<Article, ExtractError> {
    let html = charset::decode(&page.bytes, page.http_charset.as_deref())?;
    if html.trim().is_empty() {
        return Err(ExtractError::NotArticle("empty page".into()));
    }
    if !looks_like_html(&html) {
        return Err(ExtractError::NotArticle("not an HTML page".into()));
    }
    let walked = dom::walk(&html);
    let located = profiles::locate(&walked);
    build(page, &walked, located)
}

/// Plain text or junk without a single tag is not a saved page.
fn looks_like_html(s: &str) -> bool {
    let head = s.get(..s.len().min(4096)).unwrap_or(s);
    let lower = head.to_ascii_lowercase();
    [
        "<html",
        "<!doctype",
        "<head",
        "<body",
        "<title",
        "<div",
        "<p",
        "<meta",
        "<table",
    ]
    .iter()
    .any(|t| lower.contains(t))
}

fn build(
    page: &RawPage,
    walked: &Page,
    located: Option<profiles::Located>,
) -> Result<Article, ExtractError> {
    let loc = located.unwrap_or_default();
    let blocks = &walked.blocks;
    let head = &walked.head;

    // Title: the profile's, the one the page names, else the headline above the content.
    let mut title = loc
        .title
        .clone()
        .filter(|t| !t.is_empty())
        .or_else(|| generic::title(walked));
    if title.is_none() && !loc.body_found {
        let body = generic::content_blocks(walked, None);
        title = generic::title_before_content(walked, &body);
    }
    let title = title.ok_or_else(|| ExtractError::NotArticle("no title".into()))?;
    if is_error_title(&title) {
        return Err(ExtractError::NotArticle(format!("error page ({title})")));
    }
    let title_idx = find_title_block(blocks, &title);

    // Body blocks: the profile's container, else the densest content region.
    let root = loc.body_root;
    let body_idx: Vec<usize> = match root {
        Some(root) => blocks
            .iter()
            .enumerate()
            .filter(|(_, b)| walked.is_within(b.node, root))
            .map(|(i, _)| i)
            .collect(),
        None => generic::content_blocks(walked, title_idx),
    };
    if !loc.body_found && generic::is_listing(walked, &body_idx) {
        return Err(ExtractError::NotArticle(
            "listing page (mostly links)".into(),
        ));
    }

    // Lead.
    let lead_raw = loc
        .lead
        .clone()
        .filter(|l| !l.is_empty())
        .or_else(|| generic::lead(walked, &body_idx, title_idx, &title));
    let lead = lead_raw
        .as_deref()
        .map(|l| strip_site_prefix(l).trim().to_string())
        .unwrap_or_default();

    // Body clean-up, collecting the byline on the way.
    let cleaned = clean_body(walked, &body_idx, &title, &lead, lead_raw.as_deref());
    let body_chars: usize = cleaned.paragraphs.iter().map(|p| p.chars().count()).sum();
    if body_chars < MIN_BODY_CHARS {
        let all: Vec<usize> = (0..blocks.len()).collect();
        if generic::is_listing(walked, &all) {
            return Err(ExtractError::NotArticle(
                "listing page (mostly links)".into(),
            ));
        }
        return Err(ExtractError::NotArticle(format!(
            "too little article text ({body_chars} characters)"
        )));
    }
    let mut byline = cleaned.byline.clone();
    if byline.is_none() {
        byline = find_trailing_byline(blocks, &body_idx);
    }
    let labels = scan_labels(blocks, title_idx);

    // Dates.
    let published = pick_date(walked, &loc, title_idx, &body_idx);

    // Author.
    let author = loc
        .author
        .clone()
        .and_then(|a| person_name(&a))
        .or_else(|| byline.as_ref().and_then(|b| author_from_byline(b)))
        .or_else(|| cleaned.label_author.clone())
        .or_else(|| labels.author.clone())
        .or_else(|| generic::json_ld_author(head).and_then(|a| person_name(&a)))
        .or_else(|| head.meta.get("author").and_then(|a| person_name(a)))
        .or_else(|| head.meta.get("article:author").and_then(|a| person_name(a)));

    // URL.
    let url = head
        .canonical
        .clone()
        .filter(|u| u.starts_with("http"))
        .or_else(|| {
            head.meta
                .get("og:url")
                .cloned()
                .filter(|u| u.starts_with("http"))
        })
        .or_else(|| page.url.clone());
    let host = url
        .as_deref()
        .and_then(|u| url::Url::parse(u).ok())
        .and_then(|u| u.host_str().map(str::to_string));

    // Province and agency.
    let body_text = cleaned.paragraphs.join("\n\n");
    let byline_agency = byline
        .as_deref()
        .into_iter()
        .chain(cleaned.source_line.as_deref())
        .chain(labels.source.as_deref())
        .find_map(|b| canonical_agency_or(b, None));
    let portal_agency = portal_agency(walked, title_idx, &title, host.as_deref());
    // The text is searched for a province only when the agency names none (a ministry's).
    let text_province = || {
        find_province(&title)
            .or_else(|| find_province(&lead))
            .or_else(|| {
                let start: String = body_text.chars().take(1500).collect();
                find_province(&start)
            })
    };
    let province = byline_agency
        .as_deref()
        .and_then(agency_province)
        .or_else(|| portal_agency.as_deref().and_then(agency_province))
        .or_else(text_province)
        .or_else(|| host.as_deref().and_then(province_from_host));
    let agency = byline_agency.or(portal_agency);

    // Topic.
    let topic = loc
        .topic
        .clone()
        .filter(|t| !is_home_crumb(t))
        .or_else(|| generic::topic(walked, &title));

    let tags = if loc.tags.is_empty() {
        walked.tag_links.clone()
    } else {
        loc.tags.clone()
    };

    let id = match &url {
        Some(u) => id_from_url(u),
        None => id_from_content(&title, &body_text),
    };
    Ok(Article {
        id,
        url,
        source: page.source.clone(),
        title,
        lead,
        body: body_text,
        date: published.map(|p| p.date),
        datetime: published.and_then(|p| p.datetime),
        agency,
        author,
        topic,
        province,
        tags,
    })
}

/// The province part of a provincial agency name ("Sở … Bạc Liêu" → "Bạc Liêu").
fn agency_province(agency: &str) -> Option<String> {
    if agency.starts_with("Bộ ") || agency == "Văn phòng Chính phủ" {
        return None;
    }
    find_province(agency)
}

fn is_error_title(t: &str) -> bool {
    let l = t.to_lowercase();
    l.contains("404")
        || l.contains("not found")
        || l.contains("không tìm thấy")
        || l.contains("trang không tồn tại")
        || l.contains("lỗi truy cập")
        || l.contains("page not found")
}

fn is_home_crumb(t: &str) -> bool {
    let l = t.to_lowercase();
    l.is_empty()
        || matches!(
            l.as_str(),
            "trang chủ" | "home" | "trang nhất" | "trang chính"
        )
}

/// Whether a cleaned line equals a [`norm`]ed one, without lowercasing lines whose length
/// already differs (case changes keep Vietnamese letters' UTF-8 length).
fn same_text(t: &str, normed: &str) -> bool {
    let t = t.trim();
    t.len().abs_diff(normed.len()) <= 4 && lowers_to(t, normed)
}

/// Comparison form of a line (already cleaned text): lowercase, ends trimmed.
fn norm(s: &str) -> String {
    s.trim().to_lowercase()
}

/// Whether `s.to_lowercase() == lowered`, comparing as it lowers, without a copy: it stops at
/// the first difference. A capital sigma, which `to_lowercase` lowers by its place in a
/// word, takes the copying path.
fn lowers_to(s: &str, lowered: &str) -> bool {
    if s.contains('\u{03A3}') {
        return s.to_lowercase() == lowered;
    }
    let mut rest = lowered.chars();
    s.chars()
        .flat_map(char::to_lowercase)
        .all(|c| rest.next() == Some(c))
        && rest.next().is_none()
}

fn find_title_block(blocks: &[Block], title: &str) -> Option<usize> {
    let t = norm(title);
    // Case changes keep Vietnamese letters' UTF-8 length; compare lengths before allocating.
    let same = |b: &Block| b.text.len().abs_diff(t.len()) <= 4 && lowers_to(b.text.trim(), &t);
    blocks
        .iter()
        .position(|b| b.heading > 0 && same(b))
        .or_else(|| blocks.iter().position(same))
        .or_else(|| blocks.iter().position(|b| b.heading == 1))
}

/// The cleaned body and what was taken out of it.
struct CleanBody {
    paragraphs: Vec<String>,
    /// A "Name – Agency" / source line found at the end.
    byline: Option<String>,
    /// The author named by a "Tác giả: …" line.
    label_author: Option<String>,
    /// A "Nguồn tin: …" / "Nguồn: …" line's value.
    source_line: Option<String>,
}

/// Headings after which a page lists other articles.
fn is_related_heading(t: &str) -> bool {
    if t.len() > 80 {
        return false;
    }
    let l = t.trim().trim_end_matches([':', '.']).trim().to_lowercase();
    matches!(
        l.as_str(),
        "tin liên quan"
            | "tin khác"
            | "các tin khác"
            | "các tin đã đưa"
            | "tin đã đưa"
            | "bài viết liên quan"
            | "các bài viết liên quan"
            | "tin cùng chuyên mục"
            | "bài liên quan"
            | "xem thêm"
            | "đọc thêm"
            | "tin mới"
            | "tin mới hơn"
            | "tin cũ hơn"
            | "các tin mới"
            | "các tin cũ hơn"
            | "tin bài liên quan"
            | "có thể bạn quan tâm"
            | "bài viết khác"
            | "các bài viết khác"
    )
}

/// Short widget lines: rating, share, print, back, view counters.
fn is_widget_line(t: &str) -> bool {
    if t.len() > 360 || t.chars().count() > 120 {
        return false;
    }
    const STARTS: &[&str] = &[
        "đánh giá bài viết",
        "in bài",
        "bản in",
        "gửi email",
        "gửi bài viết",
        "chia sẻ",
        "quay lại",
        "trở về",
        "về đầu trang",
        "lên đầu trang",
        "lượt xem",
        "số lượt xem",
        "tags:",
        "tag:",
        "từ khóa:",
        "từ khoá:",
        "từ khóa",
        "bình luận",
        "ý kiến bạn đọc",
        "gửi ý kiến",
        "tweet",
        "facebook",
        "print",
        "email",
        "share",
        "sao chép liên kết",
        "xem tiếp",
        "đầu trang",
        "in trang",
    ];
    STARTS.iter().any(|s| starts_with_ci(t, s).is_some())
        || t.eq_ignore_ascii_case("top")
        || t == "./."
}

/// "Tác giả: X", "Nguồn tin: Y", "Nguồn: Z": a labelled byline line.
fn label_value<'a>(t: &'a str, labels: &[&str]) -> Option<&'a str> {
    for l in labels {
        if let Some(len) = starts_with_ci(t, l) {
            let rest = t.get(len..)?;
            let rest = rest.trim_start_matches([':', ' ', '-']).trim();
            return Some(rest);
        }
    }
    None
}

const AUTHOR_LABELS: &[&str] = &[
    "tác giả",
    "người viết",
    "bài và ảnh",
    "bài, ảnh",
    "phóng viên",
];
const SOURCE_LABELS: &[&str] = &["nguồn tin", "nguồn"];

fn is_date_line(b: &Block) -> bool {
    b.chars < 80 && find_vn_date(&b.text).is_some() && {
        // Mostly the date itself: few letters besides weekday and labels.
        let words = b.text.split_whitespace().count();
        words <= 10
    }
}

fn clean_body(
    page: &Page,
    idx: &[usize],
    title: &str,
    lead: &str,
    lead_raw: Option<&str>,
) -> CleanBody {
    let title_n = norm(title);
    let lead_n = norm(lead);
    let lead_raw_n = lead_raw.map(norm).unwrap_or_default();
    let mut out: Vec<(String, bool)> = Vec::new(); // (text, byline-shaped)
    let mut label_author = None;
    let mut source_line = None;
    let mut byline = None;
    for &i in idx {
        let Some(b) = page.blocks.get(i) else {
            continue;
        };
        if b.boiler || b.caption {
            continue;
        }
        let t = b.text.trim();
        if t.is_empty() {
            continue;
        }
        if is_related_heading(t) {
            if out.is_empty() {
                continue;
            }
            break;
        }
        if let Some(v) = label_value(t, AUTHOR_LABELS).filter(|_| b.chars < 120) {
            if label_author.is_none() {
                label_author = person_name(v);
            }
            continue;
        }
        if let Some(v) = label_value(t, SOURCE_LABELS).filter(|_| b.chars < 120) {
            if source_line.is_none() {
                source_line = Some(v.to_string());
            }
            continue;
        }
        if is_widget_line(t) {
            continue;
        }
        if b.link_density() > 0.6 && (b.list_item || b.chars < 150) {
            continue;
        }
        if b.heading == 1 || same_text(t, &title_n) {
            continue;
        }
        if out.is_empty()
            && (same_text(t, &lead_n)
                || same_text(t, &lead_raw_n)
                || (!lead_n.is_empty() && same_text(strip_site_prefix(t), &lead_n)))
        {
            continue;
        }
        if out.is_empty() && is_date_line(b) {
            continue;
        }
        let shaped = (b.chars < 100 && (b.right || b.all_bold()) && byline_shaped(t))
            || (b.chars < 50 && !t.ends_with('.') && byline_shaped(t));
        out.push((t.to_string(), shaped));
    }
    // The lead repeated as the first paragraph (possibly with the prefix).
    if let Some((first, _)) = out.first()
        && !lead_n.is_empty()
        && lowers_to(strip_site_prefix(first).trim(), &lead_n)
    {
        out.remove(0);
    }
    // A byline at the end: "Minh Thanh – Sở TT&TT Bạc Liêu", "Theo ictnews.vn".
    while let Some((last, shaped)) = out.last() {
        let plain_source = last.chars().count() < 80
            && (last.starts_with("Theo ") || last.starts_with("(Theo "))
            && !last.contains(". ");
        if *shaped || plain_source {
            if byline.is_none() {
                byline = Some(last.clone());
            }
            out.pop();
        } else {
            break;
        }
    }
    let mut paragraphs: Vec<String> = out.into_iter().map(|(t, _)| t).collect();
    if let Some(last) = paragraphs.last_mut() {
        *last = strip_closing_mark(last);
        if last.is_empty() {
            paragraphs.pop();
        }
    }
    CleanBody {
        paragraphs,
        byline,
        label_author,
        source_line,
    }
}

/// A short line that reads like a byline: a person's name, "Name – Agency", or "Theo …".
fn byline_shaped(t: &str) -> bool {
    if t.starts_with("Theo ") || t.starts_with("(Theo ") || t.starts_with("Nguồn") {
        return true;
    }
    let (name, _) = split_byline(t);
    person_name(name).is_some()
}

/// Splits "Name – Agency" at the dash that precedes the agency part.
fn split_byline(t: &str) -> (&str, Option<&str>) {
    for sep in [" – ", " — ", " - ", "–", "—"] {
        if let Some((a, b)) = t.split_once(sep) {
            return (a.trim(), Some(b.trim()));
        }
    }
    if let Some((a, b)) = t.split_once(" (")
        && b.ends_with(')')
    {
        return (a.trim(), Some(b.trim_end_matches(')').trim()));
    }
    (t.trim(), None)
}

/// The author in a byline, if the byline names a person ("Theo X" names a source, not one).
fn author_from_byline(b: &str) -> Option<String> {
    let t = b.trim();
    if t.starts_with("Theo ") || t.starts_with("(Theo ") || t.starts_with("Nguồn") {
        return None;
    }
    let (name, _) = split_byline(t);
    person_name(name)
}

/// A person's name: 1–5 capitalised words, no digits, not an agency.
fn person_name(s: &str) -> Option<String> {
    let s = clean_text(s);
    let s = s.trim_matches(|c: char| c == '.' || c == ',' || c.is_whitespace());
    let words: Vec<&str> = s.split_whitespace().collect();
    if words.is_empty() || words.len() > 5 || s.chars().count() > 40 {
        return None;
    }
    let ok = words.iter().all(|w| {
        w.chars().next().is_some_and(char::is_uppercase)
            && w.chars().all(|c| c.is_alphabetic() || c == '.' || c == '-')
    });
    if !ok || canonical_agency_or(s, None).is_some() {
        return None;
    }
    let lower = s.to_lowercase();
    if [
        "ban biên tập",
        "bbt",
        "admin",
        "quản trị",
        "super user",
        "webmaster",
        "biên tập viên",
        "trang chủ",
        "quay lại",
    ]
    .iter()
    .any(|x| lower.starts_with(x))
    {
        return None;
    }
    Some(s.to_string())
}

/// Labelled lines anywhere after the title: "Tác giả: …", "Nguồn tin: …".
#[derive(Default)]
struct Labels {
    author: Option<String>,
    source: Option<String>,
}

fn scan_labels(blocks: &[Block], title_idx: Option<usize>) -> Labels {
    let mut out = Labels::default();
    for b in blocks
        .iter()
        .skip(title_idx.unwrap_or(0))
        .filter(|b| b.chars < 120)
    {
        if out.author.is_none()
            && let Some(v) = label_value(&b.text, AUTHOR_LABELS)
        {
            out.author = person_name(v);
        }
        if out.source.is_none()
            && let Some(v) = label_value(&b.text, SOURCE_LABELS)
        {
            out.source = Some(v.to_string());
        }
    }
    out
}

/// A byline printed after the body container (SharePoint puts it below the content web part).
fn find_trailing_byline(blocks: &[Block], body_idx: &[usize]) -> Option<String> {
    let last = *body_idx.last()?;
    blocks
        .iter()
        .skip(last + 1)
        .take(6)
        .filter(|b| !b.boiler && b.link_density() < 0.5)
        .find(|b| b.chars < 60 && byline_shaped(&b.text) && !b.text.starts_with("Nguồn"))
        .map(|b| b.text.clone())
}

/// The publication date: the profile's date line, machine-readable metadata, a date line
/// near the title, `<time>`; a time is borrowed from another source giving the same day.
fn pick_date(
    page: &Page,
    loc: &profiles::Located,
    title_idx: Option<usize>,
    body_idx: &[usize],
) -> Option<Published> {
    let head = &page.head;
    let mut cands: Vec<Published> = Vec::new();
    if let Some(p) = loc.date_text.as_deref().and_then(find_vn_date) {
        cands.push(p);
    }
    for key in [
        "article:published_time",
        "og:published_time",
        "datepublished",
        "pubdate",
        "publishdate",
        "article:published",
        "dc.date.issued",
        "dc.date",
        "date",
    ] {
        if let Some(p) = head
            .meta
            .get(key)
            .and_then(|v| parse_iso(v).or_else(|| find_vn_date(v)))
        {
            cands.push(p);
            break;
        }
    }
    if let Some(p) = generic::json_ld_date(head) {
        cands.push(p);
    }
    if let Some(p) = generic::date_near_title(page, title_idx, body_idx) {
        cands.push(p);
    }
    if let Some(p) = head.times.iter().find_map(|(t, _)| parse_iso(t)) {
        cands.push(p);
    }
    let first = *cands.first()?;
    if first.datetime.is_some() {
        return Some(first);
    }
    let time = cands
        .iter()
        .skip(1)
        .find(|c| c.date == first.date && c.datetime.is_some())
        .and_then(|c| c.datetime);
    Some(Published {
        date: first.date,
        datetime: time,
    })
}

/// The agency that owns the portal: named in the site name, the page header, the footer's
/// "Cơ quan chủ quản", the `<title>` beside the article title, or known from the host.
fn portal_agency(
    page: &Page,
    title_idx: Option<usize>,
    title: &str,
    host: Option<&str>,
) -> Option<String> {
    let head = &page.head;
    if let Some(a) = head
        .meta
        .get("og:site_name")
        .and_then(|s| canonical_agency_or(s, None))
    {
        return Some(a);
    }
    let host_agency = host.and_then(agency_from_host);
    let header_end = title_idx.unwrap_or(0).min(40);
    let header = page
        .blocks
        .iter()
        .take(header_end)
        .filter(|b| b.link_density() < 0.5 && b.chars < 200)
        .find_map(|b| canonical_agency_or(&b.text, None));
    if header.is_some() {
        return header;
    }
    let owner = page.blocks.iter().rev().take(30).find_map(|b| {
        let t = &b.text;
        let owner_line = [
            "chủ quản",
            "Chủ quản",
            "CHỦ QUẢN",
            "bản quyền",
            "Bản quyền",
            "BẢN QUYỀN",
            "opyright",
            "OPYRIGHT",
            "©",
        ]
        .iter()
        .any(|k| t.contains(k));
        if owner_line {
            canonical_agency_or(&b.text, None)
        } else {
            None
        }
    });
    if owner.is_some() {
        return owner;
    }
    if let Some(t) = &head.title {
        let tn = norm(title);
        for part in t
            .split([' ', '|'])
            .collect::<Vec<_>>()
            .join(" ")
            .split(" - ")
        {
            if norm(part) != tn
                && !tn.contains(&norm(part))
                && let Some(a) = canonical_agency_or(part, None)
            {
                return Some(a);
            }
        }
    }
    host_agency
}

/// Agencies known from their portal's host name.
fn agency_from_host(host: &str) -> Option<String> {
    let h = host.to_ascii_lowercase();
    let h = h.strip_prefix("www.").unwrap_or(&h);
    if h == "mic.gov.vn" || h.ends_with(".mic.gov.vn") {
        return Some("Bộ Thông tin và Truyền thông".into());
    }
    if h == "chinhphu.vn" || h == "baochinhphu.vn" || h.ends_with(".chinhphu.vn") {
        return Some("Văn phòng Chính phủ".into());
    }
    if h == "most.gov.vn" {
        return Some("Bộ Khoa học và Công nghệ".into());
    }
    let province = province_from_host(h)?;
    let first = h.split('.').next().unwrap_or("");
    if matches!(first, "stttt" | "sotttt" | "tttt" | "sotttt-") || h.contains("/stttt") {
        return Some(format!("Sở Thông tin và Truyền thông {province}"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn lowering_while_comparing_agrees_with_to_lowercase(
            s in "[a-zA-ZĐđƠƯẠỆİΣσς \u{301}]{0,12}",
            t in "[a-zA-ZĐđƠƯẠỆİΣσς \u{301}]{0,12}",
        ) {
            proptest::prop_assert!(lowers_to(&s, &s.to_lowercase()));
            proptest::prop_assert_eq!(lowers_to(&s, &t), s.to_lowercase() == t);
            proptest::prop_assert_eq!(lowers_to(&s, &t.to_lowercase()), s.to_lowercase() == t.to_lowercase());
        }
    }

    #[test]
    fn bylines_split_into_author_and_agency() {
        assert_eq!(
            author_from_byline("Minh Thanh – Sở TT&TT Bạc Liêu").as_deref(),
            Some("Minh Thanh")
        );
        assert_eq!(author_from_byline("Theo ictnews.vietnamnet.vn"), None);
        assert_eq!(
            author_from_byline("Thanh Hương").as_deref(),
            Some("Thanh Hương")
        );
        assert_eq!(person_name("Sở TT&TT Bạc Liêu"), None);
        assert_eq!(person_name("bài viết hay"), None);
    }

    #[test]
    fn junk_is_rejected_not_panicking() {
        let p = |b: &[u8]| RawPage {
            bytes: b.to_vec(),
            source: "x".into(),
            ..RawPage::default()
        };
        assert!(matches!(extract(&p(b"")), Err(ExtractError::NotArticle(_))));
        assert!(matches!(
            extract(&p(b"\x00\x01\x02binary")),
            Err(ExtractError::Unreadable(_))
        ));
        assert!(matches!(
            extract(&p(b"just words")),
            Err(ExtractError::NotArticle(_))
        ));
        assert!(matches!(
            extract(&p(
                b"<html><head><title>404 Not Found</title></head><body><h1>404</h1></body></html>"
            )),
            Err(ExtractError::NotArticle(_))
        ));
    }
}
