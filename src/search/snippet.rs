//! Snippets: the passage of an article that best shows why it matched, with the matched
//! words marked by byte ranges (the presenter decides how to show them).

use std::cell::RefCell;
use std::collections::HashSet;

use serde::Serialize;

use crate::Article;
use crate::analyze::normalize::fold;
use crate::analyze::units::{ScanMemory, Unit, recycle, scan_reusing};

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
    /// The scanned units of the last text and the scanner's memory, reused from one snippet
    /// to the next.
    static SCAN: RefCell<(Vec<Unit>, ScanMemory)> = RefCell::new((Vec::new(), ScanMemory::default()));
}

fn best_window(text: &str, terms: &HashSet<String>) -> (usize, Snippet) {
    SCAN.with(|cell| {
        let mut buffers = cell.borrow_mut();
        let (units, memory) = &mut *buffers;
        recycle(units, memory);
        scan_reusing(text, units, memory);
        window(text, units, terms)
    })
}

fn window(text: &str, units: &[Unit], terms: &HashSet<String>) -> (usize, Snippet) {
    // A query has a few terms: comparing lengths first beats hashing every syllable.
    let wanted: Vec<&str> = terms.iter().map(String::as_str).collect();
    let id_of = |f: &str| wanted.iter().position(|t| t.len() == f.len() && *t == f);
    // (start, end, term id) of every matched unit.
    let matched: Vec<(usize, usize, usize)> = units
        .iter()
        .filter_map(|u| match u {
            Unit::Syllable {
                folded, start, end, ..
            } => id_of(folded).map(|id| (*start, *end, id)),
            Unit::Protected {
                norm, start, end, ..
            } => id_of(&fold(norm)).map(|id| (*start, *end, id)),
            Unit::Break => None,
        })
        .collect();
    // Window start: the match that begins the densest span of distinct terms (the first such,
    // with the span reaching every match that starts within two window widths).
    let mut best = (0usize, 0usize);
    let mut counts = vec![0u32; wanted.len()];
    let mut distinct = 0usize;
    let mut j = 0;
    for &(s, _, id) in &matched {
        while j < matched.len() && matched[j].0 - s <= WINDOW_CHARS * 2 {
            let c = &mut counts[matched[j].2];
            distinct += usize::from(*c == 0);
            *c += 1;
            j += 1;
        }
        if distinct > best.0 {
            best = (distinct, s);
        }
        let c = &mut counts[id];
        *c -= 1;
        distinct -= usize::from(*c == 0);
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

    proptest::proptest! {
        /// The window starts at the first match whose span (the matches starting within two
        /// window widths of it) holds the most distinct terms, as counting each span afresh
        /// finds.
        #[test]
        fn the_window_holds_the_most_distinct_terms(
            words in proptest::collection::vec(0usize..12, 0..400)
        ) {
            let vocab = ["vu", "văn", "hoá", "bạc", "liêu", "sở", "xã", "tỉnh", "và", "của", "ở", "ra"];
            let text = words.iter().map(|&w| vocab[w]).collect::<Vec<_>>().join(" ");
            let terms: HashSet<String> =
                ["van", "hoa", "xa", "ra"].iter().map(|s| s.to_string()).collect();
            let units = crate::analyze::units::scan(&text);
            let (score, snip) = window(&text, &units, &terms);
            let starts: Vec<(usize, String)> = units
                .iter()
                .filter_map(|u| match u {
                    Unit::Syllable { folded, start, .. } if terms.contains(folded) => {
                        Some((*start, folded.clone()))
                    }
                    _ => None,
                })
                .collect();
            let mut expected = 0;
            for (i, (s, _)) in starts.iter().enumerate() {
                let span: HashSet<&String> = starts[i..]
                    .iter()
                    .take_while(|(m, _)| m - s <= WINDOW_CHARS * 2)
                    .map(|(_, t)| t)
                    .collect();
                expected = expected.max(span.len());
            }
            proptest::prop_assert_eq!(score, expected);
            proptest::prop_assert_eq!(snip.marks.is_empty(), expected == 0);
        }
    }
}
