//! Snippets: the passage of an article that best shows why it matched, with the matched
//! words marked by byte ranges (the presenter decides how to show them).

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashSet;

use serde::Serialize;

use crate::Article;
use crate::analyze::normalize::fold;
use crate::analyze::units::{Unit, recycle, scan_pooled};

/// A passage and the byte ranges of its matched words.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Snippet {
    pub text: String,
    pub marks: Vec<(usize, usize)>,
}

/// Longest snippet, in characters (roughly).
const WINDOW_CHARS: usize = 220;

/// The best passage of the lead and body for the folded `terms`.
pub fn make(article: &Article, terms: &HashSet<String>) -> Snippet {
    let mut best: Option<(usize, Snippet)> = None;
    for text in [&article.lead, &article.body, &article.title] {
        if text.is_empty() {
            continue;
        }
        let (score, snip) = best_window(text, terms);
        if best.as_ref().is_none_or(|(s, _)| score > *s) {
            best = Some((score, snip));
        }
        if score > 0 && text == &article.lead && score >= terms.len().min(3) {
            break;
        }
    }
    best.map(|(_, s)| s).unwrap_or_default()
}

thread_local! {
    /// The scanned units of the last text and spare syllable strings, reused from one
    /// snippet to the next.
    static SCAN: RefCell<(Vec<Unit>, Vec<String>)> = const { RefCell::new((Vec::new(), Vec::new())) };
}

fn best_window(text: &str, terms: &HashSet<String>) -> (usize, Snippet) {
    SCAN.with(|cell| {
        let mut buffers = cell.borrow_mut();
        let (units, pool) = &mut *buffers;
        recycle(units, pool);
        scan_pooled(text, units, pool);
        window(text, units, terms)
    })
}

fn window(text: &str, units: &[Unit], terms: &HashSet<String>) -> (usize, Snippet) {
    let matched: Vec<(usize, usize, Cow<'_, str>)> = units
        .iter()
        .filter_map(|u| {
            let (start, end, f) = match u {
                Unit::Syllable {
                    folded, start, end, ..
                } => (*start, *end, Cow::Borrowed(folded.as_str())),
                Unit::Protected {
                    norm, start, end, ..
                } => (*start, *end, Cow::Owned(fold(norm))),
                Unit::Break => return None,
            };
            terms.contains(f.as_ref()).then_some((start, end, f))
        })
        .collect();
    // Window start: the match that begins the densest span of distinct terms.
    let mut best = (0usize, 0usize);
    for (i, &(s, _, _)) in matched.iter().enumerate() {
        let mut seen = HashSet::new();
        for (ms, _, t) in &matched[i..] {
            if *ms - s > WINDOW_CHARS * 2 {
                break;
            }
            seen.insert(t.as_ref());
        }
        if seen.len() > best.0 {
            best = (seen.len(), s);
        }
    }
    let anchor = best.1;
    // Start a little before the first match, at a word boundary.
    let mut start = floor_boundary(text, anchor.saturating_sub(60));
    if start > 0 {
        start = text[start..anchor]
            .find(' ')
            .map_or(anchor, |i| start + i + 1);
    }
    let mut end = floor_boundary(text, (start + WINDOW_CHARS * 2).min(text.len()));
    if end < text.len() {
        end = text[start..end].rfind(' ').map_or(end, |i| start + i);
    }
    let mut snippet_text = String::new();
    if start > 0 {
        snippet_text.push('…');
    }
    let offset = snippet_text.len();
    snippet_text.push_str(&text[start..end].replace('\n', " "));
    if end < text.len() {
        snippet_text.push('…');
    }
    let marks = matched
        .iter()
        .filter(|(s, e, _)| *s >= start && *e <= end)
        .map(|(s, e, _)| (s - start + offset, e - start + offset))
        .collect();
    (
        best.0,
        Snippet {
            text: snippet_text,
            marks,
        },
    )
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_matched_words_even_without_diacritics_in_the_query() {
        let article = Article {
            lead: "Phó Chủ tịch UBND tỉnh Vũ Văn Hoạ làm việc với Sở.".into(),
            ..Article::default()
        };
        let terms: HashSet<String> = ["vu", "van", "hoa"].iter().map(|s| s.to_string()).collect();
        let s = make(&article, &terms);
        let marked: Vec<&str> = s.marks.iter().map(|&(a, b)| &s.text[a..b]).collect();
        assert_eq!(marked, ["Vũ", "Văn", "Hoạ"]);
    }
}
