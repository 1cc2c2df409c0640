//! Index-time tokens: what the index stores for a text, and the tantivy tokenizer around it.
//!
//! Every syllable is indexed at its position in its canonical form and, when that differs, in
//! its folded form (no diacritics) at the same position, so a query typed without diacritics
//! finds accented text while a query with diacritics can prefer exact matches. Compound words
//! found by word segmentation are indexed at the position of their first syllable, joined by
//! `_` ("công_nghệ"), also exact and folded. Protected tokens (document codes, dates, …) are
//! indexed whole, with their alternative forms at the same position and their parts at
//! consecutive positions.

use super::normalize::fold_into;
use super::units::{ProtectedKind, ScanMemory, Unit, recycle, scan_reusing};
use super::{WordSegmenter, default_segmenter};

/// What an index token stands for (shown by `tracuu analyze`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Syllable,
    Folded,
    /// A compound word from segmentation, its syllables joined by `_`, in its exact form only
    /// (a query without diacritics meets the word through its folded syllables).
    Word,
    Protected(ProtectedKind),
    /// Another form of a protected token, at its position.
    Alternative,
    /// A part of a protected token, at consecutive positions.
    Part,
}

impl TokenKind {
    pub fn name(self) -> &'static str {
        match self {
            TokenKind::Syllable => "syllable",
            TokenKind::Folded => "folded",
            TokenKind::Word => "word",
            TokenKind::Protected(k) => k.name(),
            TokenKind::Alternative => "alternative",
            TokenKind::Part => "part",
        }
    }
}

/// One index token.
#[derive(Debug, Clone, PartialEq)]
pub struct AnalyzedToken {
    pub text: String,
    pub kind: TokenKind,
    pub position: usize,
    /// Byte offsets into the original text.
    pub start: usize,
    pub end: usize,
}

/// Turns text into index tokens. Cheap to create; reuses its buffers across calls.
#[derive(Default)]
pub struct Analyzer {
    /// Loaded on first use, so that opening an index for searching does not load the model.
    segmenter: Option<&'static dyn WordSegmenter>,
    units: Vec<Unit>,
    /// Spare syllable strings and known syllables, reused from one text to the next.
    memory: ScanMemory,
    /// Word lengths of the current run, from segmentation.
    lengths: Vec<usize>,
    /// The compound word being emitted.
    word: String,
    scratch: String,
}

impl Clone for Analyzer {
    fn clone(&self) -> Self {
        Analyzer {
            segmenter: self.segmenter,
            ..Analyzer::default()
        }
    }
}

impl Analyzer {
    pub fn new(segmenter: &'static dyn WordSegmenter) -> Self {
        Analyzer {
            segmenter: Some(segmenter),
            ..Analyzer::default()
        }
    }

    /// Calls `emit(text, kind, position, start, end)` for each index token of `text`, in position order.
    pub fn for_each_token(
        &mut self,
        text: &str,
        mut emit: impl FnMut(&str, TokenKind, usize, usize, usize),
    ) {
        recycle(&mut self.units, &mut self.memory);
        scan_reusing(text, &mut self.units, &mut self.memory);
        let mut position = 0usize;
        let mut i = 0usize;
        let units = std::mem::take(&mut self.units);
        while i < units.len() {
            match &units[i] {
                Unit::Break => i += 1,
                Unit::Protected {
                    kind,
                    norm,
                    alts,
                    parts,
                    start,
                    end,
                } => {
                    let (s, e) = (*start, *end);
                    self.emit_with_fold(
                        norm,
                        TokenKind::Protected(*kind),
                        TokenKind::Alternative,
                        position,
                        s,
                        e,
                        &mut emit,
                    );
                    for alt in alts {
                        self.emit_with_fold(
                            alt,
                            TokenKind::Alternative,
                            TokenKind::Alternative,
                            position,
                            s,
                            e,
                            &mut emit,
                        );
                    }
                    for (k, part) in parts.iter().enumerate() {
                        self.emit_with_fold(
                            part,
                            TokenKind::Part,
                            TokenKind::Part,
                            position + k,
                            s,
                            e,
                            &mut emit,
                        );
                    }
                    position += parts.len().max(1);
                    i += 1;
                }
                Unit::Syllable { .. } => {
                    let run_end = units[i..]
                        .iter()
                        .position(|u| !matches!(u, Unit::Syllable { .. }))
                        .map_or(units.len(), |n| i + n);
                    self.emit_run(text, &units[i..run_end], position, &mut emit);
                    position += run_end - i;
                    i = run_end;
                }
            }
        }
        self.units = units;
    }

    /// A run of syllables between breaks: syllables, then words from segmentation.
    fn emit_run(
        &mut self,
        text: &str,
        run: &[Unit],
        first_position: usize,
        emit: &mut impl FnMut(&str, TokenKind, usize, usize, usize),
    ) {
        // The segmenter reads capital letters as a sign of names: it sees the syllables as written.
        self.lengths.clear();
        if run.len() >= 2 {
            self.segmenter
                .get_or_insert_with(default_segmenter)
                .segment_units(text, run, &mut self.lengths);
        } else {
            self.lengths.push(run.len());
        }
        let mut k = 0usize;
        for &len in &self.lengths {
            if k >= run.len() {
                break;
            }
            let len = len.max(1).min(run.len() - k);
            let word = &run[k..k + len];
            for (j, unit) in word.iter().enumerate() {
                let Unit::Syllable {
                    norm,
                    folded,
                    start,
                    end,
                    ..
                } = unit
                else {
                    continue;
                };
                let position = first_position + k + j;
                emit(norm, TokenKind::Syllable, position, *start, *end);
                if folded != norm && !folded.is_empty() {
                    emit(folded, TokenKind::Folded, position, *start, *end);
                }
            }
            if len >= 2 {
                self.word.clear();
                let (mut s, mut e) = (0, 0);
                for (j, unit) in word.iter().enumerate() {
                    let Unit::Syllable {
                        norm, start, end, ..
                    } = unit
                    else {
                        continue;
                    };
                    if j == 0 {
                        s = *start;
                    } else {
                        self.word.push('_');
                    }
                    e = *end;
                    self.word.push_str(norm);
                }
                emit(&self.word, TokenKind::Word, first_position + k, s, e);
            }
            k += len;
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn emit_with_fold(
        &mut self,
        text: &str,
        kind: TokenKind,
        folded_kind: TokenKind,
        position: usize,
        start: usize,
        end: usize,
        emit: &mut impl FnMut(&str, TokenKind, usize, usize, usize),
    ) {
        emit(text, kind, position, start, end);
        if !text.is_ascii() {
            self.scratch.clear();
            fold_into(text, &mut self.scratch);
            if self.scratch != text && !self.scratch.is_empty() {
                emit(&self.scratch, folded_kind, position, start, end);
            }
        }
    }

    /// The words of `text` in order, as the index sees them: compound words joined by `_`,
    /// other syllables alone, protected tokens whole (normalised; punctuation dropped).
    pub fn words(&mut self, text: &str) -> Vec<String> {
        let mut found: Vec<(usize, u8, String)> = Vec::new();
        self.for_each_token(text, |t, kind, position, _, _| {
            let rank = match kind {
                TokenKind::Word => 0,
                TokenKind::Protected(_) => 1,
                TokenKind::Syllable => 2,
                _ => return,
            };
            found.push((position, rank, t.to_string()));
        });
        // A word's syllables come before the word itself: order by position, words first.
        found.sort_by_key(|&(position, rank, _)| (position, rank));
        let mut words = Vec::with_capacity(found.len());
        let mut next = 0usize;
        for (position, rank, text) in found {
            if position < next {
                continue;
            }
            next = position
                + if rank == 0 {
                    text.matches('_').count() + 1
                } else {
                    1
                };
            words.push(text);
        }
        words
    }

    /// All index tokens of `text` (for `tracuu analyze` and tests).
    pub fn tokens(&mut self, text: &str) -> Vec<AnalyzedToken> {
        let mut out = Vec::new();
        self.for_each_token(text, |t, kind, position, start, end| {
            out.push(AnalyzedToken {
                text: t.to_string(),
                kind,
                position,
                start,
                end,
            })
        });
        out
    }
}

/// The tantivy tokenizer registered for tracuu's text fields.
#[derive(Clone, Default)]
pub struct VietnameseTokenizer {
    analyzer: Analyzer,
    tokens: Vec<tantivy::tokenizer::Token>,
}

/// Name under which [`VietnameseTokenizer`] is registered in the index.
pub const TOKENIZER_NAME: &str = "tracuu_vi";

impl tantivy::tokenizer::Tokenizer for VietnameseTokenizer {
    type TokenStream<'a> = VietnameseTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        let tokens = &mut self.tokens;
        let mut n = 0usize;
        self.analyzer
            .for_each_token(text, |t, _kind, position, start, end| {
                if n == tokens.len() {
                    tokens.push(tantivy::tokenizer::Token::default());
                }
                let tok = &mut tokens[n];
                tok.text.clear();
                tok.text.push_str(t);
                tok.position = position;
                tok.offset_from = start;
                tok.offset_to = end;
                tok.position_length = 1;
                n += 1;
            });
        VietnameseTokenStream {
            tokens: &mut self.tokens[..n],
            next: 0,
        }
    }
}

/// Token stream over the tokens computed for one text.
pub struct VietnameseTokenStream<'a> {
    tokens: &'a mut [tantivy::tokenizer::Token],
    next: usize,
}

impl tantivy::tokenizer::TokenStream for VietnameseTokenStream<'_> {
    fn advance(&mut self) -> bool {
        if self.next < self.tokens.len() {
            self.next += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &tantivy::tokenizer::Token {
        &self.tokens[self
            .next
            .saturating_sub(1)
            .min(self.tokens.len().saturating_sub(1))]
    }

    fn token_mut(&mut self) -> &mut tantivy::tokenizer::Token {
        let i = self
            .next
            .saturating_sub(1)
            .min(self.tokens.len().saturating_sub(1));
        &mut self.tokens[i]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn texts(text: &str) -> Vec<(String, usize)> {
        Analyzer::default()
            .tokens(text)
            .into_iter()
            .map(|t| (t.text, t.position))
            .collect()
    }

    #[test]
    fn syllables_are_indexed_exact_and_folded_at_one_position() {
        let t = texts("Vũ Văn Hoạ");
        assert!(t.contains(&("vũ".into(), 0)));
        assert!(t.contains(&("vu".into(), 0)));
        assert!(t.contains(&("họa".into(), 2)));
        assert!(t.contains(&("hoa".into(), 2)));
    }

    #[test]
    fn compound_words_are_indexed_exact_at_their_first_syllable() {
        let toks = Analyzer::default().tokens("Sở Thông tin và Truyền thông");
        let words: Vec<(&str, usize)> = toks
            .iter()
            .filter(|t| t.kind == TokenKind::Word)
            .map(|t| (t.text.as_str(), t.position))
            .collect();
        assert_eq!(words, [("thông_tin", 1), ("truyền_thông", 4)]);
        // Folded, a compound is its folded syllables at their positions, not a token of its own.
        assert!(
            !toks
                .iter()
                .any(|t| t.text == "thong_tin" || t.text == "truyen_thong")
        );
        assert!(toks.iter().any(|t| t.text == "thong" && t.position == 1));
        assert!(toks.iter().any(|t| t.text == "tin" && t.position == 2));
    }

    #[test]
    fn document_code_parts() {
        let t = texts("Quyết định 43/2008/QĐ-TTg");
        for want in [
            "43/2008/qđ-ttg",
            "43/2008/qd-ttg",
            "43/2008",
            "qd-ttg",
            "qđ",
            "qd",
            "ttg",
        ] {
            assert!(
                t.iter().any(|(x, _)| x == want),
                "{want} missing from {t:?}"
            );
        }
    }

    #[test]
    fn words_join_compounds_and_keep_codes_whole() {
        let words = Analyzer::default()
            .words("Theo Quyết định 43/2008/QĐ-TTg, Sở Thông tin và Truyền thông");
        assert!(words.contains(&"43/2008/qđ-ttg".to_string()), "{words:?}");
        assert!(words.contains(&"thông_tin".to_string()), "{words:?}");
        let syllables: usize = words
            .iter()
            .filter(|w| !w.contains('/'))
            .map(|w| w.matches('_').count() + 1)
            .sum();
        assert_eq!(syllables, 9, "{words:?}");
    }

    #[test]
    fn offsets_cover_nfd_text() {
        let text = "Vie\u{302}\u{323}t Nam";
        let toks = Analyzer::default().tokens(text);
        let first = &toks[0];
        assert_eq!(&text[first.start..first.end], "Vie\u{302}\u{323}t");
    }

    /// The built-in segmenter seen through [`WordSegmenter::segment`] only, so that it reads
    /// every syllable as written instead of taking the scanner's canonical form and case.
    struct AsWritten;

    impl WordSegmenter for AsWritten {
        fn segment(&self, syllables: &[&str]) -> Vec<usize> {
            crate::analyze::segment::Segmenter::global().segment(syllables)
        }
    }

    static AS_WRITTEN: AsWritten = AsWritten;

    fn same_tokens_as_written(text: &str) -> Result<(), TestCaseError> {
        let fast = Analyzer::default().tokens(text);
        let reference = Analyzer::new(&AS_WRITTEN).tokens(text);
        prop_assert_eq!(fast, reference, "{:?}", text);
        Ok(())
    }

    #[test]
    fn scanned_syllables_segment_as_written() {
        let text = "Theo Quyết định 43/2008/QĐ-TTg, Sở Thông tin và Truyền thông Bạc Liêu \
                    ÐÀ NẴNG hoà thuỷ Uỷ ban nhân dân TP.HCM công nghệ thông tin";
        same_tokens_as_written(text).unwrap();
    }

    proptest! {
        #[test]
        fn scanned_syllables_segment_as_written_any(words in proptest::collection::vec(
            "(công|nghệ|Thông|tin|HÀ|Nội|người|dân|cho|biết|Uỷ|ban|hoà|THUỶ|Ðà|Nẵng|ñandú|thông\u{ad}tin|Vie\u{302}\u{323}t|2009|x|,|\\.|\\PC{1,4})",
            0..30)) {
            same_tokens_as_written(&words.join(" "))?;
        }

        #[test]
        fn never_panics_and_offsets_are_valid(s in "\\PC{0,80}") {
            for t in Analyzer::default().tokens(&s) {
                prop_assert!(t.start <= t.end && t.end <= s.len());
                prop_assert!(s.is_char_boundary(t.start) && s.is_char_boundary(t.end));
                prop_assert!(!t.text.is_empty());
            }
        }
    }
}
