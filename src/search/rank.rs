//! Relevance ranking with the optional clauses checked only when they can matter.
//!
//! Every article matching the required slots is counted and scored by them. The optional
//! bonus clauses (phrases and names in the title, lead and body) are the costly part: a phrase
//! check reads positions. Each has an upper bound on its score (BM25 cannot exceed its term
//! weight), so once the page of best hits is full, an article whose score plus the bounds of the
//! clauses not yet checked cannot reach the page is left there (the "MaxScore" idea). The
//! ranking is the same as scoring every clause for every article.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::sync::atomic::{AtomicU32, Ordering as AtomicOrdering};

use rayon::prelude::*;

use tantivy::query::{Bm25Weight, EnableScoring, Query, Scorer, Weight};
use tantivy::{DocAddress, DocId, DocSet, Score, Searcher};

use super::build::Bonus;

/// The number of matching articles and the best `fetch` of them, best first.
pub struct Ranked {
    pub total: usize,
    pub top: Vec<(Score, DocAddress)>,
}

#[derive(PartialEq)]
struct Entry(Score, DocAddress);

impl Eq for Entry {}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0
            .total_cmp(&other.0)
            // Equal scores: the earlier document is kept (as tantivy's TopDocs does).
            .then_with(|| other.1.cmp(&self.1))
    }
}

/// Ranks the articles matching `required` by its score plus the bonuses'.
pub fn rank(
    searcher: &Searcher,
    required: &dyn Query,
    bonuses: &[Bonus],
    fetch: usize,
) -> tantivy::Result<Ranked> {
    rank_split(searcher, required, bonuses, fetch, MIN_SPLIT, SPLIT_COST)
}

/// [`rank`], cutting segments of at least `min_split` documents per thread into ranges when
/// the query's leading clause costs at least `split_cost`.
fn rank_split(
    searcher: &Searcher,
    required: &dyn Query,
    bonuses: &[Bonus],
    fetch: usize,
    min_split: u32,
    split_cost: u64,
) -> tantivy::Result<Ranked> {
    let scoring = EnableScoring::enabled_from_searcher(searcher);
    let required = required.weight(scoring)?;
    let has_docs = searcher.num_docs() > 0;
    let mut clauses: Vec<(Box<dyn Weight>, Score, Score)> = Vec::with_capacity(bonuses.len());
    for b in bonuses {
        if b.terms.is_empty() || !has_docs {
            continue;
        }
        let bound = Bm25Weight::for_terms(searcher, &b.terms)?
            .boost_by(b.boost)
            .max_score();
        clauses.push((b.query.weight(scoring)?, b.boost, bound));
    }
    // Largest bounds first: the remaining bound shrinks fastest.
    clauses.sort_by(|a, b| b.2.total_cmp(&a.2));
    // remaining[i]: the most that clauses i.. can add.
    let mut remaining = vec![0.0; clauses.len() + 1];
    for i in (0..clauses.len()).rev() {
        // A little headroom for rounding in the scorers.
        remaining[i] = remaining[i + 1] + clauses[i].2 * 1.001 + 1e-4;
    }
    // Large segments are cut into ranges searched in parallel; they share the page's
    // threshold (the best `fetch` scores one range has seen bound what the page needs).
    let parts = rayon::current_num_threads().max(1) as u32;
    let mut ranges: Vec<Range> = Vec::new();
    let mut cost = 0u64;
    for (ord, reader) in searcher.segment_readers().iter().enumerate() {
        let max_doc = reader.max_doc();
        let scorer = required.scorer(reader, 1.0)?;
        cost = cost.saturating_add(scorer.cost());
        // Only a query with many candidates is worth the threads: its leading clause's cost.
        let n = if max_doc >= min_split.saturating_mul(parts) && scorer.cost() >= split_cost {
            parts
        } else {
            1
        };
        if n == 1 {
            ranges.push((ord, 0, max_doc, Some(scorer)));
            continue;
        }
        for i in 0..n {
            let start = (u64::from(max_doc) * u64::from(i) / u64::from(n)) as DocId;
            let end = (u64::from(max_doc) * u64::from(i + 1) / u64::from(n)) as DocId;
            ranges.push((ord, start, end, None));
        }
    }
    let shared = AtomicU32::new(0);
    let context = Context {
        searcher,
        required: &*required,
        clauses: &clauses,
        remaining: &remaining,
        fetch,
        shared: &shared,
    };
    // Several segments are ranked side by side only when there is enough work for the threads;
    // a light query ranks them one after another (the page threshold still carries over).
    let parallel = ranges.len() > 1 && cost >= split_cost;
    let results: Vec<tantivy::Result<(usize, BinaryHeap<Reverse<Entry>>)>> = if parallel {
        ranges
            .into_par_iter()
            .map(|(ord, start, end, scorer)| context.range(ord, start, end, scorer))
            .collect()
    } else {
        ranges
            .into_iter()
            .map(|(ord, start, end, scorer)| context.range(ord, start, end, scorer))
            .collect()
    };
    let mut total = 0usize;
    let mut top: Vec<(Score, DocAddress)> = Vec::new();
    for r in results {
        let (n, heap) = r?;
        total += n;
        top.extend(heap.into_iter().map(|Reverse(e)| (e.0, e.1)));
    }
    top.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    top.truncate(fetch);
    Ok(Ranked { total, top })
}

/// Segments smaller than this many documents per thread are searched whole.
const MIN_SPLIT: u32 = 16_384;

/// Queries whose leading clause has fewer candidates than this are searched in one thread.
const SPLIT_COST: u64 = 20_000;

/// A segment's range of documents, with the required scorer when it is already built.
type Range = (usize, DocId, DocId, Option<Box<dyn Scorer>>);

/// What every range of a ranking shares.
struct Context<'a> {
    searcher: &'a Searcher,
    required: &'a dyn Weight,
    /// (weight, boost, upper bound), largest bound first.
    clauses: &'a [(Box<dyn Weight>, Score, Score)],
    remaining: &'a [Score],
    fetch: usize,
    /// The best known page threshold (bits of a non-negative f32; 0: none yet).
    shared: &'a AtomicU32,
}

impl Context<'_> {
    /// Counts and ranks the matching documents `start..end` of segment `ord`.
    fn range(
        &self,
        ord: usize,
        start: DocId,
        end: DocId,
        scorer: Option<Box<dyn Scorer>>,
    ) -> tantivy::Result<(usize, BinaryHeap<Reverse<Entry>>)> {
        let reader = self.searcher.segment_reader(ord as u32);
        let fetch = self.fetch;
        let mut scorer = match scorer {
            Some(s) => s,
            None => self.required.scorer(reader, 1.0)?,
        };
        // A bonus clause's scorer (for a phrase: term lookups and position readers) is built
        // the first time a document needs that clause; a pruned clause never costs anything.
        let mut optional: Vec<Option<Box<dyn Scorer>>> = std::iter::repeat_with(|| None)
            .take(self.clauses.len())
            .collect();
        let alive = reader.alive_bitset();
        let mut total = 0usize;
        let mut heap: BinaryHeap<Reverse<Entry>> = BinaryHeap::with_capacity(fetch + 1);
        let mut doc: DocId = scorer.doc();
        if doc < start {
            doc = scorer.seek(start);
        }
        while doc < end {
            if alive.is_none_or(|a| a.is_alive(doc)) {
                total += 1;
                let local = if heap.len() >= fetch {
                    heap.peek().map_or(Score::NEG_INFINITY, |e| e.0.0)
                } else {
                    Score::NEG_INFINITY
                };
                let shared = f32::from_bits(self.shared.load(AtomicOrdering::Relaxed));
                let threshold = if shared > 0.0 {
                    local.max(shared)
                } else {
                    local
                };
                let mut score = scorer.score();
                for (i, slot) in optional.iter_mut().enumerate() {
                    if score + self.remaining[i] <= threshold {
                        break;
                    }
                    let clause = match slot {
                        Some(clause) => clause,
                        None => {
                            let (weight, boost, _) = &self.clauses[i];
                            slot.insert(weight.scorer(reader, *boost)?)
                        }
                    };
                    if clause.doc() < doc {
                        clause.seek(doc);
                    }
                    if clause.doc() == doc {
                        score += clause.score();
                    }
                }
                if score > threshold && fetch > 0 {
                    heap.push(Reverse(Entry(score, DocAddress::new(ord as u32, doc))));
                    if heap.len() > fetch {
                        heap.pop();
                    }
                    if heap.len() >= fetch
                        && let Some(Reverse(Entry(t, _))) = heap.peek()
                        && *t > 0.0
                    {
                        self.shared.fetch_max(t.to_bits(), AtomicOrdering::Relaxed);
                    }
                }
            }
            doc = scorer.advance();
        }
        Ok((total, heap))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::union::SumQuery;
    use tantivy::collector::{Count, TopDocs};
    use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery, TermQuery};
    use tantivy::schema::{IndexRecordOption, Schema, TEXT};
    use tantivy::{Index, IndexWriter, Term, doc};

    /// The same total and the same best hits, with the same scores, as tantivy scoring the
    /// required clauses and every bonus for every matching document.
    #[test]
    fn ranks_like_scoring_everything() {
        let mut builder = Schema::builder();
        let title = builder.add_text_field("title", TEXT);
        let body = builder.add_text_field("body", TEXT);
        let index = Index::create_in_ram(builder.build());
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        let vocab = ["vu", "van", "hoa", "bac", "lieu", "so", "xa", "tinh"];
        let mut state = 7u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) as usize
        };
        for i in 0..3000 {
            let words = |n: usize, next: &mut dyn FnMut() -> usize| {
                (0..n)
                    .map(|_| vocab[next() % vocab.len()])
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            let t = words(3 + next() % 5, &mut next);
            let b = words(10 + next() % 60, &mut next);
            writer.add_document(doc!(title => t, body => b)).unwrap();
            if i == 1500 {
                writer.commit().unwrap(); // two segments
            }
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let term = |f, w: &str| Term::from_field_text(f, w);
        let tq = |f, w: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(term(f, w), IndexRecordOption::WithFreqs))
        };
        let slot = |w: &str| -> Box<dyn Query> {
            Box::new(SumQuery::new(vec![tq(title, w), tq(body, w)]))
        };
        let required: Box<dyn Query> = Box::new(BooleanQuery::new(vec![
            (Occur::Must, slot("vu")),
            (Occur::Must, slot("hoa")),
        ]));
        let phrase = |f| -> Box<dyn Query> {
            Box::new(PhraseQuery::new(vec![
                term(f, "vu"),
                term(f, "van"),
                term(f, "hoa"),
            ]))
        };
        let bonuses = vec![
            Bonus {
                query: phrase(title),
                terms: vec![term(title, "vu"), term(title, "van"), term(title, "hoa")],
                boost: 10.0,
            },
            Bonus {
                query: phrase(body),
                terms: vec![term(body, "vu"), term(body, "van"), term(body, "hoa")],
                boost: 3.0,
            },
            Bonus {
                query: tq(title, "bac"),
                terms: vec![term(title, "bac")],
                boost: 0.3,
            },
        ];
        let full = BooleanQuery::new(vec![
            (Occur::Must, required.box_clone()),
            (
                Occur::Should,
                Box::new(SumQuery::new(
                    bonuses
                        .iter()
                        .map(|b| {
                            Box::new(BoostQuery::new(b.query.box_clone(), b.boost))
                                as Box<dyn Query>
                        })
                        .collect(),
                )),
            ),
        ]);
        for (fetch, min_split, split_cost) in [
            (1, MIN_SPLIT, 0),
            (10, MIN_SPLIT, 0),
            (50, MIN_SPLIT, 0),
            (1, 64, 0),
            (10, 64, 0),
            (50, 64, 0),
            (1, MIN_SPLIT, u64::MAX),
            (10, MIN_SPLIT, u64::MAX),
        ] {
            // min_split 64: the segments are cut into ranges ranked in parallel; split_cost
            // u64::MAX: the two segments are ranked one after the other on this thread.
            let ranked = rank_split(
                &searcher, &*required, &bonuses, fetch, min_split, split_cost,
            )
            .unwrap();
            let (count, expected) = searcher
                .search(&full, &(Count, TopDocs::with_limit(fetch).order_by_score()))
                .unwrap();
            assert_eq!(ranked.total, count);
            assert!(count > 100, "the test needs many matches to prune");
            let scores = |v: &[(Score, DocAddress)]| -> Vec<i64> {
                v.iter().map(|(s, _)| (s * 1e4).round() as i64).collect()
            };
            assert_eq!(scores(&ranked.top), scores(&expected), "fetch {fetch}");
        }
    }
}
