//! Presenting results: the terminal listing and the JSON contract for scripts.

use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::search::{Facets, Hit, SearchResult, Snippet};

/// How snippets mark matched words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marks {
    /// ANSI bold yellow, for a terminal.
    Colour,
    /// «word», when colour is off.
    Plain,
    /// `<mark>word</mark>`, in JSON.
    Html,
}

/// A snippet's text with its matched words marked.
pub fn mark(snippet: &Snippet, marks: Marks) -> String {
    let (open, close) = match marks {
        Marks::Colour => ("\x1b[1;33m", "\x1b[0m"),
        Marks::Plain => ("«", "»"),
        Marks::Html => ("<mark>", "</mark>"),
    };
    let mut out = String::with_capacity(snippet.text.len() + snippet.marks.len() * 8);
    let mut last = 0;
    for &(s, e) in &snippet.marks {
        if s < last
            || e > snippet.text.len()
            || !snippet.text.is_char_boundary(s)
            || !snippet.text.is_char_boundary(e)
        {
            continue;
        }
        out.push_str(&snippet.text[last..s]);
        out.push_str(open);
        out.push_str(&snippet.text[s..e]);
        out.push_str(close);
        last = e;
    }
    out.push_str(&snippet.text[last..]);
    out
}

fn hit_json(h: &Hit) -> Value {
    let a = &h.article;
    json!({
        "rank": h.rank,
        "id": a.id,
        "url": a.url,
        "source": a.source,
        "title": a.title,
        "date": a.date.map(|d| d.format("%Y-%m-%d").to_string()),
        "agency": a.agency,
        "topic": a.topic,
        "province": a.province,
        "author": a.author,
        "score": (h.score as f64 * 1000.0).round() / 1000.0,
        "snippet": mark(&h.snippet, Marks::Html),
    })
}

fn facets_json(f: &Facets) -> Value {
    serde_json::to_value(f).unwrap_or(Value::Null)
}

/// The JSON object of one search (one line of `--json` output).
pub fn result_json(r: &SearchResult) -> Value {
    let mut v = json!({
        "query": r.query,
        "total": r.total,
        "took_ms": (r.took_ms * 1000.0).round() / 1000.0,
        "hits": r.hits.iter().map(hit_json).collect::<Vec<_>>(),
    });
    if r.any_word_fallback {
        v["any_word_fallback"] = Value::Bool(true);
    }
    if let Some(f) = &r.facets {
        v["facets"] = facets_json(f);
    }
    if let Some(groups) = &r.groups {
        v["groups"] = Value::Array(
            groups
                .iter()
                .map(|g| json!({"key": g.key, "count": g.count, "hits": g.hits.iter().map(hit_json).collect::<Vec<_>>()}))
                .collect(),
        );
    }
    v
}

fn hit_text(out: &mut String, h: &Hit, marks: Marks) {
    let a = &h.article;
    let date = a.date.map_or_else(
        || "----------".to_string(),
        |d| d.format("%Y-%m-%d").to_string(),
    );
    let title = if marks == Marks::Colour {
        format!("\x1b[1m{}\x1b[0m", a.title)
    } else {
        a.title.clone()
    };
    let _ = writeln!(out, "{:>3}. {date}  {title}", h.rank);
    let mut meta = Vec::new();
    for v in [&a.agency, &a.province, &a.topic, &a.author]
        .into_iter()
        .flatten()
    {
        meta.push(v.as_str());
    }
    if !meta.is_empty() {
        let _ = writeln!(out, "     {}", meta.join(" · "));
    }
    if !h.snippet.text.is_empty() {
        let _ = writeln!(out, "     {}", mark(&h.snippet, marks));
    }
    let _ = writeln!(out, "     {}", a.url.as_deref().unwrap_or(&a.source));
}

/// The terminal listing of one search.
pub fn result_text(r: &SearchResult, marks: Marks) -> String {
    let mut out = String::new();
    if r.any_word_fallback {
        let _ = writeln!(
            out,
            "No article has every word; showing articles with any of them."
        );
    }
    let shown = r.hits.len();
    let first = r.hits.first().map_or(0, |h| h.rank);
    if let Some(groups) = &r.groups {
        let _ = writeln!(
            out,
            "{} results for {:?} in {} groups ({:.1} ms)",
            r.total,
            r.query,
            groups.len(),
            r.took_ms
        );
        for g in groups {
            let _ = writeln!(out, "\n== {} ({} of the top results)", g.key, g.count);
            for h in &g.hits {
                hit_text(&mut out, h, marks);
            }
        }
    } else {
        let range = if shown > 0 {
            format!(", showing {first}–{}", first + shown - 1)
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "{} results for {:?}{range} ({:.1} ms)\n",
            r.total, r.query, r.took_ms
        );
        for h in &r.hits {
            hit_text(&mut out, h, marks);
            out.push('\n');
        }
    }
    if let Some(f) = &r.facets {
        out.push_str(&facets_text(f));
    }
    out
}

/// Facet counts as text.
pub fn facets_text(f: &Facets) -> String {
    let mut out = String::new();
    for (name, list) in [
        ("agency", &f.agency),
        ("topic", &f.topic),
        ("province", &f.province),
        ("year", &f.year),
    ] {
        let _ = writeln!(out, "\n{name}:");
        for c in list.iter().take(15) {
            let _ = writeln!(out, "  {:>6}  {}", c.count, c.value);
        }
        if list.len() > 15 {
            let _ = writeln!(out, "  … {} more", list.len() - 15);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_wrap_ranges_and_ignore_bad_ones() {
        let s = Snippet {
            text: "Vũ Văn Họa".into(),
            marks: vec![(0, 3), (100, 200), (10, 15)],
        };
        assert_eq!(mark(&s, Marks::Plain), "«Vũ» Văn Họa");
        assert_eq!(mark(&s, Marks::Html), "<mark>Vũ</mark> Văn Họa");
    }
}
