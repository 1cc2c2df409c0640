//! URL normalisation and link discovery for the crawler.
//!
//! The same page is reachable under many spellings (`HTTP://Site.VN:80/a#top`,
//! `/a?utm_source=zalo`, `./a`); fetching each spelling would waste the site's bandwidth and
//! fill the archive with duplicates. Every URL the crawler sees goes through [`normalize`]
//! before it is compared, queued or written.

use std::borrow::Cow;

use scraper::{Html, Selector};
use url::Url;

/// Query parameters that only track where a click came from; dropping them never changes the
/// page served.
fn is_tracking_param(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.starts_with("utm_")
        || matches!(
            lower.as_str(),
            "fbclid" | "gclid" | "dclid" | "msclkid" | "mc_cid" | "mc_eid" | "_ga" | "zarsrc"
        )
}

/// Resolves `href` against `base` and normalises it: http(s) only, fragment dropped, host
/// lower-cased, default port removed, dot segments resolved, empty path made `/`, tracking
/// parameters (`utm_*`, `fbclid`, `gclid`, `zarsrc`, …) removed while the remaining query keeps
/// its order. Returns `None` for links that are not fetchable web pages (`mailto:`,
/// `javascript:`, malformed).
pub fn normalize(base: Option<&Url>, href: &str) -> Option<Url> {
    let href = href.trim();
    if href.is_empty() {
        return None;
    }
    let mut url = match base {
        Some(b) => b.join(href).ok()?,
        None => Url::parse(href).ok()?,
    };
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return None;
    }
    url.set_fragment(None);
    // The url crate already lower-cases the host, strips default ports and resolves dot
    // segments for http(s); what remains is the query.
    if let Some(query) = url.query() {
        let kept: Vec<&str> = query
            .split('&')
            .filter(|pair| {
                let name = pair.split('=').next().unwrap_or("");
                !pair.is_empty() && !is_tracking_param(name)
            })
            .collect();
        if kept.is_empty() {
            url.set_query(None);
        } else {
            let joined = kept.join("&");
            if joined != query {
                url.set_query(Some(&joined));
            }
        }
    }
    if url.username() != "" {
        // Credentials in links are never something to archive or replay.
        let _ = url.set_username("");
        let _ = url.set_password(None);
    }
    Some(url)
}

/// The scheme, host and port of a URL: the unit that robots.txt and rate limits apply to.
pub fn origin_key(url: &Url) -> String {
    url.origin().ascii_serialization()
}

/// The host name alone (lower case), for `--allow-host` checks.
pub fn host_of(url: &Url) -> String {
    url.host_str().unwrap_or("").to_ascii_lowercase()
}

/// The `charset=` parameter of a Content-Type value, if any.
pub fn charset_param(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|p| {
        let (name, value) = p.split_once('=')?;
        if name.trim().eq_ignore_ascii_case("charset") {
            let v = value.trim().trim_matches(['"', '\'']);
            (!v.is_empty()).then(|| v.to_string())
        } else {
            None
        }
    })
}

/// Decodes an HTML body just well enough to read its links: the HTTP charset, else a
/// `<meta charset>` in the first kilobytes, else UTF-8; undecodable bytes become U+FFFD.
pub fn decode_for_links<'a>(body: &'a [u8], http_charset: Option<&str>) -> Cow<'a, str> {
    let label = http_charset
        .map(str::to_string)
        .or_else(|| meta_charset(body));
    let encoding = label
        .and_then(|l| encoding_rs::Encoding::for_label(l.as_bytes()))
        .unwrap_or(encoding_rs::UTF_8);
    let (text, _, _) = encoding.decode(body);
    text
}

/// Looks for `charset=` inside the first 2 KiB (covers both `<meta charset="x">` and the
/// http-equiv form).
fn meta_charset(body: &[u8]) -> Option<String> {
    let head = body.get(..body.len().min(2048))?;
    let lower = head.to_ascii_lowercase();
    let pos = memchr::memmem::find(&lower, b"charset=")?;
    let rest = lower.get(pos + 8..)?;
    let rest: Vec<u8> = rest
        .iter()
        .copied()
        .skip_while(|b| *b == b'"' || *b == b'\'')
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_')
        .collect();
    (!rest.is_empty()).then(|| String::from_utf8_lossy(&rest).into_owned())
}

/// True when the first bytes look like an HTML document (used when no Content-Type is sent).
pub fn sniff_html(body: &[u8]) -> bool {
    let head = body.get(..body.len().min(1024)).unwrap_or(body);
    let lower = head.to_ascii_lowercase();
    let trimmed = lower
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .and_then(|i| lower.get(i..))
        .unwrap_or(&[]);
    trimmed.starts_with(b"<!doctype html")
        || trimmed.starts_with(b"<html")
        || memchr::memmem::find(&lower, b"<html").is_some()
        || memchr::memmem::find(&lower, b"<head").is_some()
        || memchr::memmem::find(&lower, b"<body").is_some()
}

/// The links of an HTML page worth following, normalised, in document order, without
/// duplicates: `<a href>`, `<area href>`, `<link rel=next|prev>` and `<frame|iframe src>`.
/// A `<base href>` is honoured.
pub fn extract_links(page_url: &Url, html: &str) -> Vec<Url> {
    let doc = Html::parse_document(html);
    let base = Selector::parse("base[href]")
        .ok()
        .and_then(|sel| doc.select(&sel).next())
        .and_then(|el| el.value().attr("href"))
        .and_then(|href| page_url.join(href.trim()).ok())
        .unwrap_or_else(|| page_url.clone());
    let mut out: Vec<Url> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let Ok(sel) = Selector::parse("a[href], area[href], link[href], frame[src], iframe[src]")
    else {
        return out;
    };
    for el in doc.select(&sel) {
        let v = el.value();
        let raw = if v.name() == "link" {
            let rel = v.attr("rel").unwrap_or("").to_ascii_lowercase();
            if !rel.split_whitespace().any(|r| r == "next" || r == "prev") {
                continue;
            }
            v.attr("href")
        } else {
            v.attr("href").or_else(|| v.attr("src"))
        };
        let Some(raw) = raw else { continue };
        if let Some(url) = normalize(Some(&base), raw)
            && seen.insert(url.as_str().to_string())
        {
            out.push(url);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(base: &str, href: &str) -> Option<String> {
        let b = Url::parse(base).ok();
        normalize(b.as_ref(), href).map(|u| u.to_string())
    }

    #[test]
    fn normalisation_rules() {
        let base = "https://stttt.baclieu.gov.vn/Pages/ChuyenMuc/a.aspx";
        assert_eq!(
            n(
                base,
                "HTTPS://STTTT.BacLieu.gov.vn:443/x/../Pages/b.aspx#top"
            )
            .as_deref(),
            Some("https://stttt.baclieu.gov.vn/Pages/b.aspx")
        );
        assert_eq!(
            n(
                base,
                "/Pages/tin.aspx?ItemID=12&utm_source=zalo&page=2&fbclid=x"
            )
            .as_deref(),
            Some("https://stttt.baclieu.gov.vn/Pages/tin.aspx?ItemID=12&page=2")
        );
        assert_eq!(
            n(base, "c.aspx?utm_medium=a").as_deref(),
            Some("https://stttt.baclieu.gov.vn/Pages/ChuyenMuc/c.aspx")
        );
        assert_eq!(
            n("http://h.vn:80", "").as_deref(),
            None,
            "empty hrefs are not links"
        );
        assert_eq!(n("http://H.vn:80", "/").as_deref(), Some("http://h.vn/"));
        assert_eq!(n(base, "mailto:a@b.vn"), None);
        assert_eq!(n(base, "javascript:__doPostBack('x','')"), None);
        assert_eq!(
            n(base, "  PhanTrang/2  ").as_deref(),
            Some("https://stttt.baclieu.gov.vn/Pages/ChuyenMuc/PhanTrang/2")
        );
        // Query order is kept as written.
        assert_eq!(
            n(base, "/q?b=2&a=1").as_deref(),
            Some("https://stttt.baclieu.gov.vn/q?b=2&a=1")
        );
    }

    #[test]
    fn links_in_document_order_with_base_and_rel_next() {
        let page = Url::parse("http://h.vn/list/1").unwrap();
        let html = r#"<html><head><base href="http://h.vn/root/"><link rel="next" href="/list/2">
            <link rel="stylesheet" href="/s.css"></head><body>
            <a href="a.html">A</a><a href="a.html#x">A again</a><a href="mailto:x@h.vn">m</a>
            <a href="http://other.vn/z">Z</a></body></html>"#;
        let links: Vec<String> = extract_links(&page, html)
            .into_iter()
            .map(|u| u.to_string())
            .collect();
        assert_eq!(
            links,
            [
                "http://h.vn/list/2",
                "http://h.vn/root/a.html",
                "http://other.vn/z"
            ]
        );
    }

    #[test]
    fn charset_helpers() {
        assert_eq!(
            charset_param("text/html; charset=\"windows-1258\"").as_deref(),
            Some("windows-1258")
        );
        assert_eq!(charset_param("text/html"), None);
        let body = b"<html><head><meta charset=\"windows-1258\"></head><body>\xd0</body></html>";
        assert!(decode_for_links(body, None).contains('\u{0110}'));
        assert!(sniff_html(b"  <!DOCTYPE html><html>"));
        assert!(!sniff_html(b"%PDF-1.4"));
    }
}
