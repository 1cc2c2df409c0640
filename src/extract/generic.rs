//! The generic extractor, for pages no profile knows.
//!
//! Main content is found the way readability-style extractors do it, on the blocks of the
//! single walk over the page ([`super::dom`]): every substantial, link-poor paragraph credits
//! its container and (less) the containers above; the best-scored container, discounted by its
//! link density, is the article, together with sibling containers that score nearly as well.
//! Metadata comes from what the page states explicitly (Open Graph, JSON-LD, `<time>`) before
//! what it only shows (a date line under the title, a breadcrumb).

use super::agency::canonical_agency_or;
use super::date::{Published, find_vn_date, parse_iso};
use super::dom::{Block, HeadMeta, Page};
use super::text::{clean_text, fold, starts_with_ci, strip_site_prefix};
use super::{is_home_crumb, norm};

/// Paragraphs shorter than this carry no weight when choosing the main content.
const MIN_SCORED_CHARS: usize = 25;

/// The article title: the heading that the `<title>`/og:title starts with, else og:title,
/// else the only h1, else the `<title>` without its site-name part.
pub fn title(page: &Page) -> Option<String> {
    let head = &page.head;
    let og = head
        .meta
        .get("og:title")
        .or_else(|| head.meta.get("twitter:title"));
    let refs: Vec<String> = og
        .iter()
        .map(|s| norm(s))
        .chain(head.title.iter().map(|s| norm(s)))
        .collect();
    // A heading contained in the document title(s) and long enough to be a headline.
    let mut best: Option<&str> = None;
    let longest_ref = refs.iter().map(String::len).max().unwrap_or(0);
    for b in page.blocks.iter().filter(|b| {
        (b.heading > 0 && b.heading <= 3 || b.titleish)
            && b.chars >= 10
            && b.text.len() <= longest_ref + 8
    }) {
        let n = norm(&b.text);
        if refs.iter().any(|r| r.contains(&n))
            && best.is_none_or(|cur| b.text.len() > cur.len())
            && !is_site_heading(&b.text)
        {
            best = Some(&b.text);
        }
    }
    if let Some(b) = best {
        return Some(b.to_string());
    }
    if let Some(o) = og {
        let stripped = strip_site_suffix(o);
        if !stripped.is_empty() && !is_site_heading(&stripped) {
            return Some(stripped);
        }
    }
    let h1s: Vec<&str> = page
        .blocks
        .iter()
        .filter(|b| b.heading == 1 && !b.boiler && b.chars >= 10 && !is_site_heading(&b.text))
        .map(|b| b.text.as_str())
        .collect();
    if h1s.len() == 1
        && let Some(h) = h1s.first()
    {
        return Some((*h).to_string());
    }
    head.title
        .as_deref()
        .map(strip_site_suffix)
        .filter(|t| t.chars().count() >= 10 && !is_site_heading(t))
}

/// A heading that names the site or its owner ("Ủy ban nhân dân tỉnh Sóc Trăng",
/// "Cổng thông tin điện tử tỉnh …") rather than an article.
fn is_site_heading(t: &str) -> bool {
    let l = t.to_lowercase();
    if [
        "cổng thông tin",
        "trang thông tin",
        "cổng ttđt",
        "trang ttđt",
        "website",
        "portal",
    ]
    .iter()
    .any(|k| l.starts_with(k))
    {
        return true;
    }
    match canonical_agency_or(t, None) {
        Some(a) => fold(t).len() <= fold(&a).len() + 6,
        None => false,
    }
}

/// When nothing names the headline, it is the heading-like line just above the main content
/// (or the content's own first line, when that is a short heading).
pub fn title_before_content(page: &Page, body: &[usize]) -> Option<String> {
    let first = *body.first()?;
    let plausible = |b: &Block| {
        (10..=250).contains(&b.chars)
            && b.link_density() < 0.5
            && !is_site_heading(&b.text)
            && find_vn_date(&b.text).is_none_or(|_| b.chars > 60)
    };
    // Marked headlines first; a bold line only if it does not read as a sentence (a bold
    // first paragraph ending in a period is the lead).
    let marked = |b: &Block| plausible(b) && (b.heading > 0 || b.titleish);
    let bold = |b: &Block| plausible(b) && b.all_bold() && !b.text.ends_with('.') && b.chars <= 200;
    let window: Vec<&Block> = std::iter::once(first)
        .chain((first.saturating_sub(8)..first).rev())
        .filter_map(|i| page.blocks.get(i))
        .collect();
    window
        .iter()
        .find(|b| marked(b))
        .or_else(|| window.iter().find(|b| bold(b)))
        .map(|b| b.text.clone())
}

/// A section label just above the headline ("Kinh tế" over the title): short, marked as a
/// heading, bold or a lone link, not a date, not a menu row.
fn section_label_above(page: &Page, title_idx: Option<usize>) -> Option<String> {
    let t = title_idx?;
    (t.saturating_sub(4)..t)
        .rev()
        .filter_map(|i| page.blocks.get(i))
        .filter(|b| find_vn_date(&b.text).is_none())
        .find(|b| {
            (3..=50).contains(&b.chars)
                && !b.text.contains('|')
                && !b.text.ends_with('.')
                && !b.boiler
                && !is_site_heading(&b.text)
                && !is_home_crumb(&b.text)
                && (b.heading > 0 || b.titleish || b.all_bold() || b.link_density() > 0.9)
        })
        .map(|b| b.text.trim_end_matches(['»', '>', ':']).trim().to_string())
}

/// Words that mark a `<title>` segment as the site's name rather than the headline.
fn is_site_name(seg: &str) -> bool {
    let l = seg.to_lowercase();
    [
        "cổng thông tin",
        "trang thông tin",
        "cổng ttđt",
        "trang ttđt",
        "website",
        "portal",
        ".vn",
        ".gov",
        ".com",
        "báo điện tử",
        "sở ",
        "ubnd",
        "ủy ban nhân dân",
        "uỷ ban nhân dân",
        "bộ ",
    ]
    .iter()
    .any(|k| l.starts_with(k) || l.contains(k) && seg.chars().count() < 60)
}

/// "Headline - Site name" / "Site | Headline" → "Headline".
fn strip_site_suffix(t: &str) -> String {
    let t = clean_text(t);
    for sep in [" | ", " - ", " – ", " — ", " :: ", " » "] {
        if t.contains(sep) {
            let parts: Vec<&str> = t.split(sep).collect();
            let kept: Vec<&str> = parts.iter().copied().filter(|p| !is_site_name(p)).collect();
            if !kept.is_empty() && kept.len() < parts.len() {
                return kept.join(sep).trim().to_string();
            }
        }
    }
    t
}

/// Indices of the blocks forming the main content.
pub fn content_blocks(page: &Page, title_idx: Option<usize>) -> Vec<usize> {
    let blocks = &page.blocks;
    let n = page.parents.len();
    let mut score = vec![0.0f32; n];
    let mut scored = vec![false; n];
    let mut chars = vec![(0usize, 0usize); n];
    for b in blocks {
        // Text and link totals under every container, boilerplate included.
        for id in std::iter::once(b.node).chain(page.ancestors(b.node)) {
            if let Some(e) = chars.get_mut(id) {
                e.0 += b.chars;
                e.1 += b.link_chars;
            }
        }
        if b.boiler
            || b.caption
            || b.chars < MIN_SCORED_CHARS
            || b.link_density() > 0.4
            || b.heading == 1
        {
            continue;
        }
        let commas = b.text.matches(',').count() as f32;
        let s = 1.0 + commas.min(10.0) + (b.chars as f32 / 80.0).min(4.0) + b.chars as f32 / 400.0;
        let weights = [1.0f32, 1.0, 0.5, 0.3, 0.2];
        for (id, w) in std::iter::once(b.node)
            .chain(page.ancestors(b.node))
            .zip(weights)
        {
            if let (Some(sc), Some(f)) = (score.get_mut(id), scored.get_mut(id)) {
                *sc += s * w;
                *f = true;
            }
        }
    }
    let adjusted = |id: usize| -> f32 {
        let (c, l) = chars.get(id).copied().unwrap_or((1, 0));
        let ld = l as f32 / c.max(1) as f32;
        score.get(id).copied().unwrap_or(0.0) * (1.0 - ld)
    };
    // The best container; on ties the outermost (earliest numbered) one.
    let mut best: Option<(usize, f32)> = None;
    for id in (0..n).filter(|&i| scored.get(i).copied().unwrap_or(false)) {
        let a = adjusted(id);
        if best.is_none_or(|(_, s)| a > s) {
            best = Some((id, a));
        }
    }
    let Some((top, top_score)) = best else {
        return Vec::new();
    };
    // Siblings of the top container that also hold article text.
    let parent = page.parents.get(top).copied().flatten();
    let mut included: Vec<usize> = vec![top];
    if let Some(p) = parent {
        for s in (0..n).filter(|&i| {
            i != top
                && scored.get(i).copied().unwrap_or(false)
                && page.parents.get(i).copied().flatten() == Some(p)
        }) {
            if adjusted(s) >= (top_score * 0.25).max(6.0) {
                included.push(s);
            }
        }
    }
    blocks
        .iter()
        .enumerate()
        .filter(|(i, b)| {
            title_idx.is_none_or(|t| *i > t) && included.iter().any(|&r| page.is_within(b.node, r))
        })
        .map(|(i, _)| i)
        .collect()
}

/// A page of article links, not an article: its main region is mostly linked headlines.
pub fn is_listing(page: &Page, body: &[usize]) -> bool {
    let mut link_items = 0usize;
    let mut paragraphs = 0usize;
    let mut plain_chars = 0usize;
    for &i in body {
        let Some(b) = page.blocks.get(i) else {
            continue;
        };
        if b.boiler || b.caption {
            continue;
        }
        if b.link_density() > 0.7 && b.chars >= 15 {
            link_items += 1;
        } else if b.chars >= 80 {
            paragraphs += 1;
            plain_chars += b.chars;
        }
    }
    link_items >= 5 && (link_items >= paragraphs * 2 / 3 || plain_chars < 600)
}

/// The lead: an element marked as a summary, else the page description when it appears as
/// a paragraph, else a bold first paragraph.
pub fn lead(page: &Page, body: &[usize], title_idx: Option<usize>, title: &str) -> Option<String> {
    let title_n = norm(title);
    for t in &page.lead_candidates {
        let n = t.chars().count();
        if (30..=1200).contains(&n) && norm(t) != title_n {
            return Some(t.clone());
        }
    }
    let first_body = body.first().copied();
    let desc = page
        .head
        .meta
        .get("og:description")
        .or_else(|| page.head.meta.get("description"));
    if let Some(d) = desc {
        let dn = norm(strip_site_prefix(d));
        let dn = dn
            .trim_end_matches(['.', '…'])
            .trim_end_matches("...")
            .trim()
            .to_string();
        if dn.chars().count() >= 30 && dn != title_n {
            let from = title_idx.unwrap_or(0);
            let to = first_body.map_or(from + 12, |f| f + 3);
            for b in page.blocks.iter().take(to.saturating_add(1)).skip(from) {
                let bn = norm(strip_site_prefix(&b.text));
                if bn == dn || (dn.chars().count() >= 60 && bn.starts_with(&dn)) {
                    return Some(b.text.clone());
                }
            }
        }
    }
    let f = page.blocks.get(first_body?)?;
    if f.all_bold() && f.chars >= 60 && f.heading == 0 {
        return Some(f.text.clone());
    }
    None
}

/// A date line close to the title: first after it (before the body), then just before it.
pub fn date_near_title(page: &Page, title_idx: Option<usize>, body: &[usize]) -> Option<Published> {
    let blocks = &page.blocks;
    let t = title_idx?;
    let body_start = body.first().copied().unwrap_or(t + 10);
    let limit = body_start.max(t + 1).min(t + 12);
    let short = |i: usize| {
        blocks
            .get(i)
            .filter(|b| b.chars < 200 && b.link_density() < 0.5)
    };
    if let Some(d) = (t + 1..=limit)
        .filter_map(short)
        .find_map(|b| find_vn_date(&b.text))
    {
        return Some(d);
    }
    if let Some(d) = (t.saturating_sub(4)..t)
        .rev()
        .filter_map(short)
        .find_map(|b| find_vn_date(&b.text))
    {
        return Some(d);
    }
    // A date line right after the body (some CMSs print it at the foot of the article).
    let end = body.last().copied()?;
    (end + 1..end + 4)
        .filter_map(short)
        .find_map(|b| find_vn_date(&b.text))
}

/// Values of `key` anywhere in the page's JSON-LD objects, articles first.
fn json_ld_values(head: &HeadMeta, key: &str) -> Vec<serde_json::Value> {
    let mut out = Vec::new();
    for raw in &head.json_ld {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(raw.trim()) else {
            continue;
        };
        collect_key(&v, key, &mut out, 0);
    }
    out
}

fn collect_key(v: &serde_json::Value, key: &str, out: &mut Vec<serde_json::Value>, depth: usize) {
    if depth > 8 {
        return;
    }
    match v {
        serde_json::Value::Object(m) => {
            if let Some(x) = m.get(key) {
                out.push(x.clone());
            }
            for (_, x) in m {
                collect_key(x, key, out, depth + 1);
            }
        }
        serde_json::Value::Array(a) => {
            for x in a {
                collect_key(x, key, out, depth + 1);
            }
        }
        _ => {}
    }
}

pub fn json_ld_date(head: &HeadMeta) -> Option<Published> {
    json_ld_values(head, "datePublished")
        .iter()
        .filter_map(|v| v.as_str())
        .find_map(|s| parse_iso(s).or_else(|| find_vn_date(s)))
}

pub fn json_ld_author(head: &HeadMeta) -> Option<String> {
    json_ld_values(head, "author").iter().find_map(|v| match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Object(m) => m.get("name").and_then(|n| n.as_str()).map(str::to_string),
        serde_json::Value::Array(a) => a
            .first()
            .and_then(|x| x.get("name"))
            .and_then(|n| n.as_str())
            .map(str::to_string),
        _ => None,
    })
}

/// The topic: the last meaningful breadcrumb item, from the page's breadcrumb trail, JSON-LD
/// `BreadcrumbList` or `article:section`.
pub fn topic(page: &Page, title: &str) -> Option<String> {
    let head = &page.head;
    let title_n = norm(title);
    let pick = |items: Vec<String>| -> Option<String> {
        items
            .into_iter()
            .map(|s| {
                s.trim_matches(|c: char| c == '>' || c == '»' || c == '/' || c.is_whitespace())
                    .to_string()
            })
            .rfind(|s| {
                !s.is_empty() && !is_home_crumb(s) && norm(s) != title_n && s.chars().count() < 60
            })
    };
    if let Some(t) = pick(page.crumbs.clone()) {
        return Some(t);
    }
    if let Some(t) = pick(text_breadcrumb(page)) {
        return Some(t);
    }
    if let Some(t) = page
        .blocks
        .iter()
        .find_map(|b| label_topic(&b.text).filter(|t| !t.is_empty() && t.chars().count() < 60))
    {
        return Some(t);
    }
    if let Some(t) = pick(
        page.category_names
            .iter()
            .map(|t| strip_topic_label(t))
            .take(1)
            .collect(),
    ) {
        return Some(t);
    }
    let mut names = Vec::new();
    for v in json_ld_values(head, "itemListElement") {
        if let Some(items) = v.as_array() {
            for it in items {
                let name = it.get("name").and_then(|n| n.as_str()).or_else(|| {
                    it.get("item")
                        .and_then(|i| i.get("name"))
                        .and_then(|n| n.as_str())
                });
                if let Some(n) = name {
                    names.push(clean_text(n));
                }
            }
        }
    }
    if let Some(t) = pick(names) {
        return Some(t);
    }
    let title_idx = super::find_title_block(&page.blocks, title);
    if let Some(t) = section_label_above(page, title_idx) {
        return Some(t);
    }
    if let Some(t) = category_link_near_title(page, title_idx) {
        return Some(t);
    }
    head.meta
        .get("article:section")
        .map(|s| clean_text(s))
        .filter(|s| !s.is_empty() && !is_home_crumb(s))
}

/// A link to a category page printed next to the headline (article info lines).
fn category_link_near_title(page: &Page, title_idx: Option<usize>) -> Option<String> {
    let t = title_idx?;
    let links = &page.category_links;
    if links.is_empty() {
        return None;
    }
    (t.saturating_sub(4)..t + 8)
        .filter(|&i| i != t)
        .filter_map(|i| page.blocks.get(i))
        .filter(|b| b.chars < 200)
        .find_map(|b| {
            // The most specific item is the last one ("Tin tức » Kinh tế").
            links
                .iter()
                .filter(|l| l.chars().count() < 60)
                .filter_map(|l| b.text.rfind(l.as_str()).map(|p| (p, l)))
                .max_by_key(|(p, _)| *p)
                .map(|(_, l)| l.clone())
        })
}

/// "Chuyên mục: Kinh tế" → "Kinh tế".
pub fn strip_topic_label(t: &str) -> String {
    label_topic(t).unwrap_or_else(|| t.to_string())
}

/// A breadcrumb written as text: "Trang chủ > Tin tức > Kinh tế".
fn text_breadcrumb(page: &Page) -> Vec<String> {
    for b in page.blocks.iter().filter(|b| b.chars < 200) {
        let t = b.text.as_str();
        let home = ["trang chủ", "trang nhất", "home"]
            .iter()
            .any(|h| starts_with_ci(t, h).is_some());
        if !home {
            continue;
        }
        if !t.contains(['>', '»', '›', '→']) {
            continue;
        }
        let parts: Vec<String> = b
            .text
            .split(['>', '»', '›', '→'])
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty())
            .collect();
        if parts.len() >= 2 {
            return parts;
        }
    }
    Vec::new()
}

/// "Chuyên mục: Kinh tế", "Danh mục: Thời sự", also inside an info line
/// ("Ngày đăng: 17/1/2018 | Chuyên mục: Kinh tế | Lượt xem: 12").
fn label_topic(t: &str) -> Option<String> {
    if !t.contains(':') || t.len() > 600 || t.chars().count() > 200 {
        return None;
    }
    let l = t.to_lowercase();
    for label in [
        "chuyên mục",
        "danh mục",
        "chủ đề",
        "lĩnh vực",
        "chuyên trang",
    ] {
        let Some(pos) = l.find(label) else { continue };
        // The label starts the line or follows a separator.
        let before = l.get(..pos).unwrap_or("").trim_end();
        if !(before.is_empty() || before.ends_with(['|', '•', '·', '-', '–', ',', ';', ')', ']']))
        {
            continue;
        }
        let rest = l.get(pos + label.len()..).unwrap_or("").trim_start();
        let Some(v) = rest.strip_prefix(':') else {
            continue;
        };
        // Same byte offsets: lowercasing Vietnamese letters keeps their UTF-8 length
        // (anything else only yields no value, never a panic).
        let start = t.len().saturating_sub(v.len());
        let value = t.get(start..).unwrap_or("");
        let end = value.find(['|', '•', '·', '\n']).unwrap_or(value.len());
        let mut value = value.get(..end).unwrap_or("").trim();
        // Another label follows on the same line ("Kinh tế Thẻ: rau", "Kinh tế Từ khóa: x").
        if let Some(colon) = value.find(':') {
            let head = value.get(..colon).unwrap_or("");
            let lower = head.to_lowercase();
            let cut = [
                "từ khóa",
                "từ khoá",
                "lượt xem",
                "ngày đăng",
                "tác giả",
                "người viết",
                "bình luận",
            ]
            .iter()
            .filter_map(|l| lower.rfind(l))
            .min()
            .or_else(|| head.rfind(char::is_whitespace));
            value = head.get(..cut.unwrap_or(0)).unwrap_or("").trim();
        }
        if !value.is_empty() {
            return Some(value.to_string());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_suffixes_are_stripped() {
        assert_eq!(
            strip_site_suffix("Bạc Liêu: Khai trương cổng - Cổng thông tin điện tử tỉnh Bạc Liêu"),
            "Bạc Liêu: Khai trương cổng"
        );
        assert_eq!(
            strip_site_suffix("Sở TT&TT Cà Mau | Hội nghị tổng kết"),
            "Hội nghị tổng kết"
        );
        assert_eq!(
            strip_site_suffix("Bà Rịa - Vũng Tàu đẩy mạnh chuyển đổi số"),
            "Bà Rịa - Vũng Tàu đẩy mạnh chuyển đổi số"
        );
    }
}
