//! A disjunction that sums its clauses' scores and is cheap to skip through.
//!
//! tantivy's `BooleanQuery` of `Should` clauses scores with a buffered union: every time an
//! enclosing intersection skips it ahead, it refills a 4,096-document window and scores every
//! document in it, phrase checks included. A query slot ("the word in any of seven fields, exact
//! or folded") inside a conjunction is skipped ahead once per candidate, so most of that work is
//! thrown away. [`SumQuery`] moves each clause only as far as asked and scores only the
//! documents that the enclosing query actually visits. The scores are the same as a boolean
//! `Should` union's: the sum of the matching clauses' scores.

use tantivy::query::{EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{
    DocId, DocSet, Score, SeekDangerResult, SegmentReader, TERMINATED, TantivyError, Term,
};
use tantivy_common::TinySet;

/// Matches documents matching any clause; scores them by the sum of the matching clauses.
///
/// `extras` are clauses that only add to the score: every document they match is matched by
/// a clause too (an exact form, beside its folded form in the same field). They are looked at
/// only for the documents that are scored.
#[derive(Debug)]
pub struct SumQuery {
    clauses: Vec<Box<dyn Query>>,
    extras: Vec<Box<dyn Query>>,
}

impl SumQuery {
    pub fn new(clauses: Vec<Box<dyn Query>>) -> SumQuery {
        SumQuery {
            clauses,
            extras: Vec::new(),
        }
    }

    /// `clauses` decide the matches; `extras` (matching nothing the clauses do not) only score.
    pub fn with_extras(clauses: Vec<Box<dyn Query>>, extras: Vec<Box<dyn Query>>) -> SumQuery {
        SumQuery { clauses, extras }
    }
}

impl Clone for SumQuery {
    fn clone(&self) -> Self {
        SumQuery {
            clauses: self.clauses.iter().map(|c| c.box_clone()).collect(),
            extras: self.extras.iter().map(|c| c.box_clone()).collect(),
        }
    }
}

impl Query for SumQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let weights = |qs: &[Box<dyn Query>]| {
            qs.iter()
                .map(|c| c.weight(enable_scoring))
                .collect::<tantivy::Result<Vec<_>>>()
        };
        Ok(Box::new(SumWeight {
            weights: weights(&self.clauses)?,
            extras: if enable_scoring.is_scoring_enabled() {
                weights(&self.extras)?
            } else {
                Vec::new()
            },
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for c in self.clauses.iter().chain(&self.extras) {
            c.query_terms(visitor);
        }
    }
}

struct SumWeight {
    weights: Vec<Box<dyn Weight>>,
    extras: Vec<Box<dyn Weight>>,
}

impl Weight for SumWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let live = |weights: &[Box<dyn Weight>]| -> tantivy::Result<Vec<Sub>> {
            let mut scorers = Vec::with_capacity(weights.len());
            for w in weights {
                let s = w.scorer(reader, boost)?;
                if s.doc() != TERMINATED {
                    scorers.push(Sub::plain(s));
                }
            }
            Ok(scorers)
        };
        let mut scorers = live(&self.weights)?;
        let extras = live(&self.extras)?;
        Ok(match (scorers.len(), extras.is_empty()) {
            (0, _) => Box::new(EmptyScorer),
            (1, true) => scorers
                .pop()
                .map_or_else(|| Box::new(EmptyScorer) as Box<dyn Scorer>, |s| s.scorer),
            _ => Box::new(SumScorer::new(scorers, extras)),
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let details: Vec<Explanation> = self
            .weights
            .iter()
            .chain(&self.extras)
            .filter_map(|w| w.explain(reader, doc).ok())
            .collect();
        if details.is_empty() {
            return Err(TantivyError::InvalidArgument(format!(
                "document #{doc} does not match"
            )));
        }
        let mut out = Explanation::new("sum of", details.iter().map(Explanation::value).sum());
        for d in details {
            out.add_detail(d);
        }
        Ok(out)
    }
}

/// Tiny sets in the block of `DocSet::fill_bitset_block` (tantivy does not export the constant).
const BLOCK_TINYSETS: usize = 16;

/// One clause of a [`SumScorer`], with what a ranking knows about it: `tag`, a bit for its
/// field, and `bound`, the most it can add to a score (0 where nobody asks).
pub(crate) struct Sub {
    pub scorer: Box<dyn Scorer>,
    pub tag: u32,
    pub bound: Score,
    /// A phrase: finding its next match reads positions, so a checked union asks it only
    /// about one document at a time (see [`SumScorer::check`]).
    pub phrase: bool,
    /// For a score-only clause (an exact form): the clause of its folded form, which the
    /// index has wherever it has the exact form. Where that clause is not on a document,
    /// neither is this one, and scoring the document need not move it.
    pub needs: Option<usize>,
}

impl Sub {
    pub(crate) fn plain(scorer: Box<dyn Scorer>) -> Sub {
        Sub {
            scorer,
            tag: 0,
            bound: 0.0,
            phrase: false,
            needs: None,
        }
    }
}

/// Whether `scorer` has `target`, asking it about that document alone (`seek_danger`: a phrase
/// reads the positions of the documents asked about, not of every candidate between two of
/// them). `next` is `None` while the scorer is on a document of its own (its `doc()` can be
/// read), `Some(n)` after a miss: it has nothing before `n` and may only be asked about
/// documents from `n` on. Targets must not decrease.
pub(crate) fn probe(scorer: &mut dyn Scorer, next: &mut Option<DocId>, target: DocId) -> bool {
    match *next {
        None => {
            let d = scorer.doc();
            if d >= target {
                return d == target;
            }
        }
        Some(n) if target < n => return false,
        Some(_) => {}
    }
    let found = scorer.seek_danger(target);
    *next = after_seek(found);
    next.is_none()
}

/// The `next` state of [`probe`] after a `seek_danger` (or `scorer_danger`) answered `found`.
pub(crate) fn after_seek(found: SeekDangerResult) -> Option<DocId> {
    match found {
        SeekDangerResult::Found => None,
        SeekDangerResult::SeekLowerBound(n) => Some(n),
    }
}

/// The union of scorers, each moved only when the union passes its document.
pub(crate) struct SumScorer {
    scorers: Vec<Sub>,
    /// The document each of `scorers` is on (`TERMINATED` once exhausted), kept here so that
    /// finding the union's document and the clauses on it reads one array.
    docs: Vec<DocId>,
    /// Score-only clauses, moved to a document when it is scored.
    extras: Vec<Sub>,
    doc: DocId,
    /// Set by [`SumScorer::checked`]: the union is only asked whether it has a document.
    checked: bool,
    /// In a checked union: `doc` is a document the union has (not a lower bound).
    known: bool,
    /// In a checked union, the phrase clauses (asked one document at a time) and the others.
    phrases: Vec<usize>,
    terms: Vec<usize>,
    /// Per phrase clause of a checked union: `None` while it is on a document of its own (its
    /// `doc()` can be read); `Some(n)` after it was asked about a document it did not have:
    /// it has none before `n`, and may only be asked about documents from `n` on.
    asked: Vec<Option<DocId>>,
}

impl SumScorer {
    pub(crate) fn new(scorers: Vec<Sub>, extras: Vec<Sub>) -> SumScorer {
        let docs: Vec<DocId> = scorers.iter().map(|s| s.scorer.doc()).collect();
        let doc = docs.iter().copied().min().unwrap_or(TERMINATED);
        let (phrases, terms) = (0..scorers.len()).partition(|&i| scorers[i].phrase);
        SumScorer {
            asked: vec![None; scorers.len()],
            scorers,
            docs,
            extras,
            doc,
            checked: false,
            known: true,
            phrases,
            terms,
        }
    }

    /// Makes this union one that an intersection only asks about candidates ([`check`]), as
    /// every member but the leading one is: its phrase clauses then check the positions of
    /// the candidates that no other clause has, and of the matches that get scored, instead
    /// of finding their own next match at every step.
    ///
    /// [`check`]: SumScorer::check
    pub(crate) fn checked(&mut self) {
        self.checked = !self.phrases.is_empty();
    }

    /// Whether the union has `target` (then it is on it and returns it); otherwise a lower
    /// bound of its next document, greater than `target`. Targets must not decrease.
    pub(crate) fn check(&mut self, target: DocId) -> DocId {
        if !self.checked {
            return self.seek(target);
        }
        if self.doc == target && self.known {
            return target;
        }
        let mut next = TERMINATED;
        for &i in &self.terms {
            let d = &mut self.docs[i];
            if *d < target {
                *d = self.scorers[i].scorer.seek(target);
            }
            next = next.min(*d);
        }
        if next != target {
            for k in 0..self.phrases.len() {
                if self.ask(self.phrases[k], target) {
                    next = target;
                    break;
                }
            }
            if next != target {
                next = next.min(target + 1);
            }
        }
        self.known = next == target;
        self.doc = next;
        next
    }

    /// Whether phrase clause `i` of a checked union has `target`.
    fn ask(&mut self, i: usize, target: DocId) -> bool {
        probe(&mut *self.scorers[i].scorer, &mut self.asked[i], target)
    }

    /// Moves to the smallest document of the clauses.
    fn settle(&mut self) -> DocId {
        self.doc = self.docs.iter().copied().min().unwrap_or(TERMINATED);
        self.doc
    }

    /// The fields (tags) in which the current document matches, and the most its score can
    /// be: the bounds of the clauses on it, and of the extras in those fields (an extra matches
    /// only where a clause of its field does).
    ///
    /// In a checked union, a phrase clause not yet asked about the document counts as
    /// matching: asking would read positions, and the bound stays a bound.
    pub(crate) fn matched(&self) -> (u32, Score) {
        let doc = self.doc;
        let mut mask = 0;
        let mut bound = 0.0;
        for (i, (s, &d)) in self.scorers.iter().zip(&self.docs).enumerate() {
            let on = if self.checked && s.phrase {
                match self.asked[i] {
                    None => s.scorer.doc() <= doc,
                    Some(next) => next <= doc,
                }
            } else {
                d == doc
            };
            if on {
                mask |= s.tag;
                bound += s.bound;
            }
        }
        for s in &self.extras {
            if s.tag & mask != 0 {
                bound += s.bound;
            }
        }
        (mask, bound)
    }
}

impl DocSet for SumScorer {
    fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        let current = self.doc;
        for (s, d) in self.scorers.iter_mut().zip(&mut self.docs) {
            if *d == current {
                *d = s.scorer.advance();
            }
        }
        self.settle()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        for (s, d) in self.scorers.iter_mut().zip(&mut self.docs) {
            if *d < target {
                *d = s.scorer.seek(target);
            }
        }
        self.settle()
    }

    /// A block of documents for a counting intersection: the clauses' blocks together.
    fn fill_bitset_block(&mut self, min_doc: DocId, mask: &mut [TinySet; BLOCK_TINYSETS]) -> DocId {
        for (s, d) in self.scorers.iter_mut().zip(&mut self.docs) {
            *d = s.scorer.fill_bitset_block(min_doc, mask);
        }
        self.settle()
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    /// At least as many documents as its largest clause.
    fn size_hint(&self) -> u32 {
        self.scorers
            .iter()
            .map(|s| s.scorer.size_hint())
            .max()
            .unwrap_or(0)
    }

    fn cost(&self) -> u64 {
        self.scorers
            .iter()
            .map(|s| s.scorer.cost())
            .fold(0u64, u64::saturating_add)
    }
}

impl Scorer for SumScorer {
    fn score(&mut self) -> Score {
        let doc = self.doc;
        let mut total = 0.0;
        if self.checked {
            for k in 0..self.terms.len() {
                let i = self.terms[k];
                if self.docs[i] == doc {
                    total += self.scorers[i].scorer.score();
                }
            }
            for k in 0..self.phrases.len() {
                let i = self.phrases[k];
                if self.ask(i, doc) {
                    total += self.scorers[i].scorer.score();
                }
            }
        } else {
            for (s, &d) in self.scorers.iter_mut().zip(&self.docs) {
                if d == doc {
                    total += s.scorer.score();
                }
            }
        }
        for s in &mut self.extras {
            if let Some(i) = s.needs {
                // A checked union's phrase clauses are asked, not moved: their `docs` entry
                // says nothing about this document.
                let asked_not_moved = self.checked && self.scorers[i].phrase;
                if self.docs[i] != doc && !asked_not_moved {
                    continue;
                }
            }
            if s.scorer.doc() < doc {
                s.scorer.seek(doc);
            }
            if s.scorer.doc() == doc {
                total += s.scorer.score();
            }
        }
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::TopDocs;
    use tantivy::query::{BooleanQuery, Occur, TermQuery};
    use tantivy::schema::{IndexRecordOption, STRING, Schema, TEXT};
    use tantivy::{Index, IndexWriter, doc};

    /// The same documents and scores as a boolean union of the same clauses, alone and inside a
    /// conjunction (where it is skipped ahead).
    #[test]
    fn sums_like_a_boolean_union() {
        let mut builder = Schema::builder();
        let text = builder.add_text_field("text", TEXT);
        let tag = builder.add_text_field("tag", STRING);
        let index = Index::create_in_ram(builder.build());
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        let words = ["a", "b", "c", "d"];
        for i in 0..600u32 {
            let mut body = String::new();
            for (k, w) in words.iter().enumerate() {
                if i % (k as u32 + 2) == 0 {
                    body.push_str(w);
                    body.push(' ');
                }
            }
            body.push('z');
            let t = if i % 7 == 0 { "seven" } else { "other" };
            writer.add_document(doc!(text => body, tag => t)).unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let term = |w: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(text, w),
                IndexRecordOption::WithFreqs,
            ))
        };
        let clauses = || vec![term("a"), term("c"), term("d")];
        let boolean =
            BooleanQuery::new(clauses().into_iter().map(|c| (Occur::Should, c)).collect());
        let sum = SumQuery::new(clauses());
        let top = |q: &dyn Query| {
            let mut v: Vec<(u32, u32)> = searcher
                .search(q, &TopDocs::with_limit(1000).order_by_score())
                .unwrap()
                .into_iter()
                .map(|(s, a)| (a.doc_id, (s * 1000.0).round() as u32))
                .collect();
            v.sort();
            v
        };
        assert_eq!(top(&boolean), top(&sum));
        assert!(!top(&sum).is_empty());
        // "c" matches only documents "a" matches too (multiples of 4 are even): as an extra,
        // it scores the same and matches nothing more.
        let with_extras = SumQuery::with_extras(vec![term("a"), term("d")], vec![term("c")]);
        assert_eq!(top(&boolean), top(&with_extras));
        let seven: Box<dyn Query> = Box::new(TermQuery::new(
            Term::from_field_text(tag, "seven"),
            IndexRecordOption::Basic,
        ));
        let within = |q: Box<dyn Query>| {
            BooleanQuery::new(vec![(Occur::Must, seven.box_clone()), (Occur::Must, q)])
        };
        let a = top(&within(Box::new(boolean.clone())));
        let b = top(&within(Box::new(sum.clone())));
        assert_eq!(a, b);
        assert!(!a.is_empty() && a.len() < 100);
    }
}
