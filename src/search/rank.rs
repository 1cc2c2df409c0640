//! Relevance ranking that scores only the articles that can reach the page.
//!
//! Every article matching the query is counted, but scoring one is costly: each slot sums
//! its clauses in four fields, exact and folded, and the optional bonus clauses (phrases and
//! names in the title, lead and body) read positions. Each clause has an upper bound on its
//! score (BM25 cannot exceed its term weight), so once the page of best hits is full, an article
//! whose bound cannot reach the page is only counted (the "MaxScore" idea). An article's bound
//! comes from the fields its slots matched in, which the conjunction knows for free: a body-only
//! match cannot earn a title phrase bonus. The ranking is the same as scoring every clause for
//! every article.
//!
//! The slots are intersected here rather than by tantivy's `BooleanQuery`: the cheapest slot
//! leads and the others are checked in order of cost, so slots with phrase alternatives (read
//! positions) are checked last, only for articles that every other slot matched.

use std::cell::RefCell;
use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::sync::atomic::{AtomicU32, Ordering as AtomicOrdering};

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use tantivy::query::{Bm25StatisticsProvider, EnableScoring, Query, Scorer, Weight};
use tantivy::schema::Field;
use tantivy::{DocAddress, DocId, DocSet, Score, Searcher, SegmentReader, TERMINATED, Term};

use super::build::{Clause, SlotClauses};
use super::union::{Sub, SumScorer, after_seek, probe};

/// What a ranking scores.
pub struct Ranking<'a> {
    /// Slots every ranked article matches, scored clause by clause.
    pub slots: &'a [SlotClauses],
    /// Other queries every ranked article matches, whose scores add in: with the most each can
    /// add (`None`: unknown, so every match is scored).
    pub others: Vec<(&'a dyn Query, Option<Score>)>,
    /// Optional clauses adding to the score of the articles they match.
    pub bonuses: &'a [Clause],
}

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

/// Ranks the articles matching every slot and every other query by the sum of their scores
/// and the bonuses'.
pub fn rank(searcher: &Searcher, ranking: &Ranking<'_>, fetch: usize) -> tantivy::Result<Ranked> {
    let split = Split {
        min_docs: MIN_SPLIT,
        cut_cost: SPLIT_COST,
        side_by_side_cost: SIDE_BY_SIDE_COST,
    };
    rank_split(searcher, ranking, fetch, &split)
}

/// When a ranking uses more than one thread.
struct Split {
    /// Segments smaller than this many documents per thread are searched whole.
    min_docs: u32,
    /// A segment is cut into ranges when its leading clause costs at least this.
    cut_cost: u64,
    /// Segments (or ranges) are ranked side by side when their leading clauses cost this
    /// together.
    side_by_side_cost: u64,
}

/// Segments smaller than this many documents per thread are searched whole.
const MIN_SPLIT: u32 = 16_384;

/// A segment is cut into ranges, one per thread, when its leading clause has this many
/// candidates (building a range's scorers again then costs little against ranking it).
const SPLIT_COST: u64 = 20_000;

/// Segments already apart are ranked side by side from this many candidates on (all segments
/// together): far below the cost worth cutting a segment for, since nothing is built twice.
/// On the 100k bench index (2 segments), in alternating runs: batch p50 about 2.2 ms with
/// 20,000, 1.8 with 2,500, 1.55 with 500; 50 was no better than 500.
const SIDE_BY_SIDE_COST: u64 = 500;

/// A bit for a field, to record in which fields a slot matched. A field beyond the bits gets
/// them all: it then counts as every field, which only loosens the bounds.
fn tag(field: Field) -> u32 {
    1u32.checked_shl(field.field_id()).unwrap_or(u32::MAX)
}

/// The searcher's statistics, each looked up once per query: the same terms recur across a
/// query's clauses (a word's slot and its phrase bonuses), and every lookup reads each
/// segment's term dictionary.
struct Statistics<'a> {
    searcher: &'a Searcher,
    /// Keyed by terms of a few bytes each, asked about hundreds of times per query: a fast
    /// hash (FxHash), with which the cache's own work costs a third of what it did with SipHash.
    doc_freqs: RefCell<FxHashMap<Term, u64>>,
    tokens: RefCell<FxHashMap<Field, u64>>,
}

impl<'a> Statistics<'a> {
    fn new(searcher: &'a Searcher) -> Statistics<'a> {
        Statistics {
            searcher,
            doc_freqs: RefCell::default(),
            tokens: RefCell::default(),
        }
    }
}

impl Bm25StatisticsProvider for Statistics<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        if let Some(n) = self.tokens.borrow().get(&field) {
            return Ok(*n);
        }
        let n = self.searcher.total_num_tokens(field)?;
        self.tokens.borrow_mut().insert(field, n);
        Ok(n)
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        self.searcher.total_num_docs()
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        if let Some(n) = self.doc_freqs.borrow().get(term) {
            return Ok(*n);
        }
        let n = self.searcher.doc_freq(term)?;
        self.doc_freqs.borrow_mut().insert(term.clone(), n);
        Ok(n)
    }
}

/// One clause, ready to score: its weight, boost, field tag and upper bound.
struct Prepared {
    weight: Box<dyn Weight>,
    boost: Score,
    tag: u32,
    bound: Score,
    /// A phrase of several terms.
    phrase: bool,
    /// For an extra of a slot: the slot clause of its folded form (see [`Sub::needs`]).
    needs: Option<usize>,
}

impl Prepared {
    /// The clause's scorer in one segment, if it has a document there.
    fn sub(&self, reader: &SegmentReader, needs: Option<usize>) -> tantivy::Result<Option<Sub>> {
        let scorer = self.weight.scorer(reader, self.boost)?;
        Ok((scorer.doc() != TERMINATED).then_some(Sub {
            scorer,
            tag: self.tag,
            bound: self.bound,
            phrase: self.phrase,
            needs,
        }))
    }
}

/// The most a term or phrase can score in BM25 before boosts: its idf (summed over a phrase's
/// terms) times `1 + k1`, which tantivy's weight reaches as the term frequency grows. Computed
/// from the statistics alone: building a tantivy `Bm25Weight` for it would fill a 256-entry table.
fn max_bm25(stats: &Statistics<'_>, terms: &[Term]) -> tantivy::Result<Score> {
    const K1: Score = 1.2;
    let n = stats.total_num_docs()?;
    let mut idf = 0.0;
    for t in terms {
        let df = stats.doc_freq(t)?.min(n);
        let x = ((n - df) as Score + 0.5) / (df as Score + 0.5);
        idf += (1.0 + x).ln();
    }
    Ok(idf * (1.0 + K1))
}

/// A bonus clause, with the slot matches it cannot do without: `(slot, field tag)` pairs, one
/// for each of its terms that is a slot's clause in the same field.
struct Bonus {
    clause: Prepared,
    needs: Vec<(usize, u32)>,
}

/// The weights of a ranking, shared by every segment and range.
struct Weights {
    /// Clauses and extras of each slot.
    slots: Vec<(Vec<Prepared>, Vec<Prepared>)>,
    /// Other required queries and their bounds (infinite: unknown).
    others: Vec<(Box<dyn Weight>, Score)>,
    /// Largest bound first.
    bonuses: Vec<Bonus>,
}

impl Weights {
    fn new(searcher: &Searcher, ranking: &Ranking<'_>) -> tantivy::Result<Weights> {
        let stats = Statistics::new(searcher);
        let scoring = EnableScoring::enabled_from_statistics_provider(&stats, searcher);
        let has_docs = searcher.num_docs() > 0;
        let mut prepare = |c: &Clause| -> tantivy::Result<Prepared> {
            let bound = if c.terms.is_empty() || !has_docs {
                0.0
            } else {
                max_bm25(&stats, &c.terms)?
            };
            Ok(Prepared {
                weight: c.query.weight(scoring)?,
                boost: c.boost,
                tag: c.terms.first().map_or(u32::MAX, |t| tag(t.field())),
                phrase: c.terms.len() > 1,
                // A little headroom for rounding in the scorers.
                bound: bound * c.boost * 1.001 + 1e-4,
                needs: None,
            })
        };
        let mut slots = Vec::with_capacity(ranking.slots.len());
        for s in ranking.slots {
            let clauses = s
                .clauses
                .iter()
                .map(&mut prepare)
                .collect::<Result<_, _>>()?;
            let mut extras = Vec::with_capacity(s.extras.len());
            for e in &s.extras {
                let mut p = prepare(e)?;
                p.needs = s.clauses.iter().position(|c| c.terms == e.folded);
                extras.push(p);
            }
            slots.push((clauses, extras));
        }
        let mut bonuses = Vec::with_capacity(ranking.bonuses.len());
        for b in ranking.bonuses {
            if b.terms.is_empty() || !has_docs {
                continue;
            }
            let needs = b
                .folded
                .iter()
                .filter_map(|t| {
                    ranking.slots.iter().position(|s| {
                        s.clauses
                            .iter()
                            .any(|c| c.terms.len() == 1 && c.terms[0] == *t)
                    })
                })
                .map(|s| (s, tag(b.folded[0].field())))
                .collect();
            bonuses.push(Bonus {
                clause: prepare(b)?,
                needs,
            });
        }
        bonuses.sort_by(|a, b| b.clause.bound.total_cmp(&a.clause.bound));
        let others = ranking
            .others
            .iter()
            .map(|(q, bound)| Ok((q.weight(scoring)?, bound.unwrap_or(Score::INFINITY))))
            .collect::<tantivy::Result<_>>()?;
        Ok(Weights {
            slots,
            others,
            bonuses,
        })
    }

    /// The scorers of one segment, or `None` when a required part matches nothing in it.
    fn scorers(&self, reader: &SegmentReader) -> tantivy::Result<Option<Conjunction>> {
        let mut slots = Vec::with_capacity(self.slots.len());
        // Where each prepared clause of a slot went among its live scorers.
        let mut live = Vec::new();
        for (clauses, extras) in &self.slots {
            live.clear();
            let mut subs = Vec::with_capacity(clauses.len());
            for p in clauses {
                let sub = p.sub(reader, None)?;
                live.push(sub.is_some().then_some(subs.len()));
                subs.extend(sub);
            }
            if subs.is_empty() {
                return Ok(None);
            }
            let mut extra_subs = Vec::with_capacity(extras.len());
            for p in extras {
                let needs = match p.needs {
                    // Its folded form is in no document of this segment: neither is it.
                    Some(j) => match live.get(j).copied().flatten() {
                        Some(i) => Some(i),
                        None => continue,
                    },
                    None => None,
                };
                extra_subs.extend(p.sub(reader, needs)?);
            }
            slots.push(SumScorer::new(subs, extra_subs));
        }
        let mut others = Vec::with_capacity(self.others.len());
        for (weight, bound) in &self.others {
            let scorer = weight.scorer(reader, 1.0)?;
            if scorer.doc() == TERMINATED {
                return Ok(None);
            }
            others.push((scorer, *bound));
        }
        if slots.is_empty() && others.is_empty() {
            return Ok(None);
        }
        Ok(Some(Conjunction::new(slots, others)))
    }
}

/// The documents matching every slot and every other scorer, led by the cheapest.
struct Conjunction {
    slots: Vec<SumScorer>,
    others: Vec<(Box<dyn Scorer>, Score)>,
    /// Members by cost, cheapest first: `i < slots.len()` a slot, else an other.
    order: Vec<usize>,
    /// The bound of the others together.
    others_bound: Score,
    doc: DocId,
}

impl Conjunction {
    fn new(slots: Vec<SumScorer>, others: Vec<(Box<dyn Scorer>, Score)>) -> Conjunction {
        let mut c = Conjunction {
            others_bound: others.iter().map(|(_, b)| *b).sum(),
            order: (0..slots.len() + others.len()).collect(),
            slots,
            others,
            doc: 0,
        };
        let costs: Vec<u64> = (0..c.order.len()).map(|i| c.cost_of(i)).collect();
        c.order.sort_by_key(|&i| costs[i]);
        // The members after the leader are only asked about its candidates.
        for k in 1..c.order.len() {
            if let Some(s) = c.slots.get_mut(c.order[k]) {
                s.checked();
            }
        }
        c.doc = c.align(c.member_doc(c.order[0]));
        c
    }

    fn member_doc(&self, i: usize) -> DocId {
        match self.slots.get(i) {
            Some(s) => s.doc(),
            None => self.others[i - self.slots.len()].0.doc(),
        }
    }

    fn cost_of(&self, i: usize) -> u64 {
        match self.slots.get(i) {
            Some(s) => s.cost(),
            None => self.others[i - self.slots.len()].0.cost(),
        }
    }

    fn seek_member(&mut self, i: usize, target: DocId) -> DocId {
        let n = self.slots.len();
        match self.slots.get_mut(i) {
            Some(s) => s.seek(target),
            None => seek_at_least(&mut *self.others[i - n].0, target),
        }
    }

    /// Whether member `i` (not the leader) has `target`: `target` if so, else a lower bound of
    /// its next document.
    fn check_member(&mut self, i: usize, target: DocId) -> DocId {
        let n = self.slots.len();
        match self.slots.get_mut(i) {
            Some(s) => s.check(target),
            None => seek_at_least(&mut *self.others[i - n].0, target),
        }
    }

    /// The cost of the leading member: how many candidates the conjunction visits at most.
    fn cost(&self) -> u64 {
        self.cost_of(self.order[0])
    }

    /// The first document at or after `candidate` that every member matches; the leader must
    /// already be at `candidate`.
    fn align(&mut self, mut candidate: DocId) -> DocId {
        let leader = self.order[0];
        'candidates: while candidate != TERMINATED {
            for k in 1..self.order.len() {
                let i = self.order[k];
                let d = self.check_member(i, candidate);
                if d > candidate {
                    candidate = self.seek_member(leader, d);
                    continue 'candidates;
                }
            }
            break;
        }
        candidate
    }

    fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        let leader = self.order[0];
        let next = match self.slots.get_mut(leader) {
            Some(s) => s.advance(),
            None => self.others[leader - self.slots.len()].0.advance(),
        };
        self.doc = self.align(next);
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        let first = self.seek_member(self.order[0], target);
        self.doc = self.align(first);
        self.doc
    }

    /// The fields each slot matched the current document in (into `masks`), and the most its
    /// required score can be.
    fn matched(&self, masks: &mut [u32]) -> Score {
        let mut bound = self.others_bound;
        for (m, s) in masks.iter_mut().zip(&self.slots) {
            let (mask, b) = s.matched();
            *m = mask;
            bound += b;
        }
        bound
    }

    /// The required score of the current document.
    fn score(&mut self) -> Score {
        let mut total = 0.0;
        for s in &mut self.slots {
            total += s.score();
        }
        for (s, _) in &mut self.others {
            total += s.score();
        }
        total
    }
}

/// Moves `scorer` to its first document at or after `target`, leaving it where it is when it
/// is there already (tantivy's scorers may not be sought backwards).
fn seek_at_least(scorer: &mut dyn Scorer, target: DocId) -> DocId {
    let d = scorer.doc();
    if d >= target { d } else { scorer.seek(target) }
}

/// [`rank`], using threads as `split` says.
fn rank_split(
    searcher: &Searcher,
    ranking: &Ranking<'_>,
    fetch: usize,
    split: &Split,
) -> tantivy::Result<Ranked> {
    let weights = Weights::new(searcher, ranking)?;
    // Large segments are cut into ranges searched in parallel; they share the page's
    // threshold (the best `fetch` scores one range has seen bound what the page needs).
    let parts = rayon::current_num_threads().max(1) as u32;
    let readers = searcher.segment_readers();
    // Building a segment's scorers (term lookups, postings, position readers) is a good part
    // of a short query's time: segments build theirs side by side.
    let built: Vec<tantivy::Result<Option<Conjunction>>> = if readers.len() > 1 && parts > 1 {
        readers.par_iter().map(|r| weights.scorers(r)).collect()
    } else {
        readers.iter().map(|r| weights.scorers(r)).collect()
    };
    let mut ranges: Vec<Range> = Vec::new();
    let mut cost = 0u64;
    for (ord, (reader, conjunction)) in readers.iter().zip(built).enumerate() {
        let max_doc = reader.max_doc();
        let Some(conjunction) = conjunction? else {
            continue;
        };
        cost = cost.saturating_add(conjunction.cost());
        // Only a query with many candidates is worth cutting a segment for: its leading
        // clause's cost.
        let n = if max_doc >= split.min_docs.saturating_mul(parts)
            && conjunction.cost() >= split.cut_cost
        {
            parts
        } else {
            1
        };
        // The first range starts where the built conjunction stands; the others build their own.
        let mut first = Some(conjunction);
        for i in 0..n {
            let start = (u64::from(max_doc) * u64::from(i) / u64::from(n)) as DocId;
            let end = (u64::from(max_doc) * u64::from(i + 1) / u64::from(n)) as DocId;
            ranges.push((ord, start, end, first.take()));
        }
    }
    let shared = AtomicU32::new(0);
    let context = Context {
        searcher,
        weights: &weights,
        fetch,
        shared: &shared,
    };
    // Several segments are ranked side by side only when there is enough work for the threads;
    // a light query ranks them one after another (the page threshold still carries over).
    let parallel = ranges.len() > 1 && cost >= split.side_by_side_cost;
    let results: Vec<tantivy::Result<(usize, BinaryHeap<Reverse<Entry>>)>> = if parallel {
        ranges
            .into_par_iter()
            .map(|(ord, start, end, c)| context.range(ord, start, end, c))
            .collect()
    } else {
        ranges
            .into_iter()
            .map(|(ord, start, end, c)| context.range(ord, start, end, c))
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

/// A segment's range of documents, with its conjunction when it is already built.
type Range = (usize, DocId, DocId, Option<Conjunction>);

/// What every range of a ranking shares.
struct Context<'a> {
    searcher: &'a Searcher,
    weights: &'a Weights,
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
        conjunction: Option<Conjunction>,
    ) -> tantivy::Result<(usize, BinaryHeap<Reverse<Entry>>)> {
        let reader = self.searcher.segment_reader(ord as u32);
        let fetch = self.fetch;
        let mut required = match conjunction {
            Some(c) => c,
            None => match self.weights.scorers(reader)? {
                Some(c) => c,
                None => return Ok((0, BinaryHeap::new())),
            },
        };
        let bonuses = &self.weights.bonuses;
        // A bonus clause's scorer (for a phrase: term lookups and position readers) is built
        // the first time a document needs that clause; a pruned clause never costs anything.
        let mut cursors: Vec<BonusCursor> = std::iter::repeat_with(BonusCursor::default)
            .take(bonuses.len())
            .collect();
        let mut masks = vec![0u32; required.slots.len()];
        // Per document: the bonuses it can earn, and the most those from the i-th on can add.
        let mut possible: Vec<usize> = Vec::with_capacity(bonuses.len());
        let mut remaining: Vec<Score> = Vec::with_capacity(bonuses.len() + 1);
        let mut checked: Vec<Score> = Vec::with_capacity(bonuses.len());
        let alive = reader.alive_bitset();
        let mut total = 0usize;
        let mut heap: BinaryHeap<Reverse<Entry>> = BinaryHeap::with_capacity(fetch + 1);
        let mut doc: DocId = required.doc;
        if doc < start {
            doc = required.seek(start);
        }
        while doc < end {
            if alive.is_none_or(|a| a.is_alive(doc)) {
                total += 1;
                let full = heap.len() >= fetch;
                let local = if full {
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
                let mut bound = required.matched(&mut masks);
                possible.clear();
                for (i, b) in bonuses.iter().enumerate() {
                    if !b.needs.iter().all(|&(s, t)| masks[s] & t != 0) {
                        continue;
                    }
                    // A lone term no slot vouches for (an official's title, "chủ tịch", in the
                    // title) is looked up: its postings are short, and it is rarely there.
                    if b.needs.is_empty()
                        && !b.clause.phrase
                        && cursors[i].score(&b.clause, reader, doc)? == 0.0
                    {
                        continue;
                    }
                    possible.push(i);
                    bound += b.clause.bound;
                }
                if bound <= threshold || fetch == 0 {
                    doc = required.advance();
                    continue;
                }
                // The bonuses this document cannot reach the page without are checked before
                // its slots are scored: most documents lack them and are left at that.
                let mut ask = |i: usize| cursors[i].score(&bonuses[i].clause, reader, doc);
                checked.clear();
                for &i in &possible {
                    let b = bonuses[i].clause.bound;
                    if bound - b > threshold {
                        break;
                    }
                    let s = ask(i)?;
                    checked.push(s);
                    bound += s - b;
                    if bound <= threshold {
                        break;
                    }
                }
                if bound <= threshold {
                    doc = required.advance();
                    continue;
                }
                let mut score = required.score();
                for s in &checked {
                    score += s;
                }
                let rest = &possible[checked.len()..];
                remaining.clear();
                remaining.resize(rest.len() + 1, 0.0);
                for k in (0..rest.len()).rev() {
                    remaining[k] = remaining[k + 1] + bonuses[rest[k]].clause.bound;
                }
                for (k, &i) in rest.iter().enumerate() {
                    if score + remaining[k] <= threshold {
                        break;
                    }
                    score += ask(i)?;
                }
                if score > threshold {
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
            doc = required.advance();
        }
        Ok((total, heap))
    }
}

/// Where a bonus clause stands in a segment: its scorer, built the first time a document needs
/// the clause (a clause no document needs costs nothing), and the [`probe`] state it is in.
#[derive(Default)]
struct BonusCursor {
    scorer: Option<Box<dyn Scorer>>,
    next: Option<DocId>,
}

impl BonusCursor {
    /// The clause's score for `doc` (0 when it does not match). Documents are asked about in
    /// increasing order, and only they are checked ([`probe`]).
    fn score(
        &mut self,
        clause: &Prepared,
        reader: &SegmentReader,
        doc: DocId,
    ) -> tantivy::Result<Score> {
        let scorer = match &mut self.scorer {
            Some(s) => {
                if !probe(&mut **s, &mut self.next, doc) {
                    return Ok(0.0);
                }
                s
            }
            None => {
                let (found, s) = clause.weight.scorer_danger(reader, doc, clause.boost)?;
                self.next = after_seek(found);
                let s = self.scorer.insert(s);
                if self.next.is_some() {
                    return Ok(0.0);
                }
                s
            }
        };
        Ok(scorer.score())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::union::SumQuery;
    use tantivy::collector::{Count, TopDocs};
    use tantivy::query::{
        AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, TermQuery,
    };
    use tantivy::schema::{IndexRecordOption, Schema, TEXT};
    use tantivy::{Index, IndexWriter, Term, doc};

    fn term_clause(f: Field, w: &str, boost: Score) -> Clause {
        let t = Term::from_field_text(f, w);
        Clause {
            query: Box::new(TermQuery::new(t.clone(), IndexRecordOption::WithFreqs)),
            terms: vec![t.clone()],
            folded: vec![Term::from_field_text(f, &w.replace('ũ', "u"))],
            boost,
        }
    }

    fn phrase_clause(f: Field, words: &[&str], boost: Score) -> Clause {
        let terms: Vec<Term> = words.iter().map(|w| Term::from_field_text(f, w)).collect();
        Clause {
            query: Box::new(PhraseQuery::new(terms.clone())),
            folded: words
                .iter()
                .map(|w| Term::from_field_text(f, &w.replace('ũ', "u")))
                .collect(),
            terms,
            boost,
        }
    }

    /// An index in RAM with a title and a body field, and its writer.
    fn title_and_body() -> (Index, Field, Field, IndexWriter) {
        let mut builder = Schema::builder();
        let title = builder.add_text_field("title", TEXT);
        let body = builder.add_text_field("body", TEXT);
        let index = Index::create_in_ram(builder.build());
        let writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        (index, title, body, writer)
    }

    fn boosted_all(cs: &[Clause]) -> Vec<Box<dyn Query>> {
        cs.iter()
            .map(|c| Box::new(BoostQuery::new(c.query.box_clone(), c.boost)) as Box<dyn Query>)
            .collect()
    }

    /// The same total and the same best hits, with the same scores, as tantivy scoring the
    /// required clauses and every bonus for every matching document: with slots (and their
    /// extras), a restriction, bonuses that need slot matches and bonuses that need none, and
    /// in the any-word form where the whole required query is one opaque clause.
    #[test]
    fn ranks_like_scoring_everything() {
        let (index, title, body, mut writer) = title_and_body();
        // "vũ" always comes with "vu" in the same field, as an exact form with its folded one.
        let vocab = [
            "vu", "vũ vu", "van", "hoa", "bac", "lieu", "so", "xa", "tinh",
        ];
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
        let slot = |w: &str| SlotClauses {
            clauses: vec![term_clause(title, w, 3.0), term_clause(body, w, 1.0)],
            extras: if w == "vu" {
                vec![term_clause(title, "vũ", 1.5), term_clause(body, "vũ", 0.5)]
            } else {
                Vec::new()
            },
        };
        // A slot with a phrase alternative ("Bạc Liêu" in the body, or "tinh" in the title),
        // checked after the others, and alone, where it leads.
        let phrase_slot = || SlotClauses {
            clauses: vec![
                phrase_clause(body, &["bac", "lieu"], 1.0),
                term_clause(title, "tinh", 2.0),
            ],
            extras: Vec::new(),
        };
        // Leaked: the cases below borrow them for the whole test.
        let slots: &'static [SlotClauses] = Vec::leak(vec![slot("vu"), slot("hoa")]);
        let with_phrase: &'static [SlotClauses] =
            Vec::leak(vec![slot("vu"), phrase_slot(), slot("hoa")]);
        let phrase_alone: &'static [SlotClauses] = Vec::leak(vec![phrase_slot()]);
        let bonuses = vec![
            phrase_clause(title, &["vu", "van", "hoa"], 10.0),
            phrase_clause(body, &["vu", "van", "hoa"], 3.0),
            phrase_clause(title, &["vũ", "vu"], 2.0),
            term_clause(title, "bac", 0.3),
            term_clause(body, "hoa", 0.7),
        ];
        let queries_of = |slots: &[SlotClauses]| -> Vec<Box<dyn Query>> {
            slots
                .iter()
                .map(|s| {
                    Box::new(SumQuery::with_extras(
                        boosted_all(&s.clauses),
                        boosted_all(&s.extras),
                    )) as Box<dyn Query>
                })
                .collect()
        };
        let slot_queries = queries_of(slots);
        let excluded: Box<dyn Query> = Box::new(TermQuery::new(
            Term::from_field_text(title, "xa"),
            IndexRecordOption::Basic,
        ));
        // A filter and an exclusion: an intersection, which tantivy does not let anyone seek
        // backwards.
        let filter: Box<dyn Query> = Box::new(TermQuery::new(
            Term::from_field_text(body, "so"),
            IndexRecordOption::Basic,
        ));
        let filter2: Box<dyn Query> = Box::new(TermQuery::new(
            Term::from_field_text(body, "tinh"),
            IndexRecordOption::Basic,
        ));
        let restrict: Box<dyn Query> = Box::new(ConstScoreQuery::new(
            Box::new(BooleanQuery::new(vec![
                (Occur::Must, Box::new(AllQuery)),
                (Occur::MustNot, excluded.box_clone()),
                (Occur::Must, filter.box_clone()),
                (Occur::Must, filter2.box_clone()),
            ])),
            0.0,
        ));
        let bonus_sum: Box<dyn Query> = Box::new(SumQuery::new(boosted_all(&bonuses)));
        let full_of = |slot_queries: &[Box<dyn Query>], occur: Occur, restricted: bool| {
            let mut clauses: Vec<(Occur, Box<dyn Query>)> = slot_queries
                .iter()
                .map(|q| (occur, q.box_clone()))
                .collect();
            if restricted {
                clauses.push((Occur::MustNot, excluded.box_clone()));
                for f in [&filter, &filter2] {
                    clauses.push((
                        Occur::Must,
                        Box::new(ConstScoreQuery::new(f.box_clone(), 0.0)),
                    ));
                }
            }
            let required = BooleanQuery::new(clauses);
            Box::new(BooleanQuery::new(vec![
                (Occur::Must, Box::new(required) as Box<dyn Query>),
                (Occur::Should, bonus_sum.box_clone()),
            ])) as Box<dyn Query>
        };
        let full = |occur: Occur, restricted: bool| full_of(&slot_queries, occur, restricted);
        let any_word: Box<dyn Query> = Box::new(BooleanQuery::new(
            slot_queries
                .iter()
                .map(|q| (Occur::Should, q.box_clone()))
                .collect(),
        ));
        let case = |name: &'static str, slots: &'static [SlotClauses], restricted: bool| {
            let others = if restricted {
                vec![(&*restrict, Some(0.0))]
            } else {
                Vec::new()
            };
            let ranking = Ranking {
                slots,
                others,
                bonuses: &bonuses,
            };
            (
                name,
                ranking,
                full_of(&queries_of(slots), Occur::Must, restricted),
            )
        };
        let cases: Vec<(&str, Ranking<'_>, Box<dyn Query>)> = vec![
            case("slots", slots, false),
            case("slots and a restriction", slots, true),
            case("slots with a phrase alternative", with_phrase, true),
            case("a phrase slot alone", phrase_alone, false),
            (
                "any word",
                Ranking {
                    slots: &[],
                    others: vec![(&*any_word, None)],
                    bonuses: &bonuses,
                },
                full(Occur::Should, false),
            ),
        ];
        for (name, ranking, expected_query) in &cases {
            for (fetch, min_docs, cut_cost, side_by_side_cost) in [
                (1, MIN_SPLIT, 0, 0),
                (10, MIN_SPLIT, 0, 0),
                (50, MIN_SPLIT, 0, 0),
                (1, 64, 0, 0),
                (10, 64, 0, 0),
                (50, 64, 0, 0),
                (1, MIN_SPLIT, u64::MAX, 0),
                (10, MIN_SPLIT, u64::MAX, 0),
                (1, MIN_SPLIT, u64::MAX, u64::MAX),
                (10, MIN_SPLIT, u64::MAX, u64::MAX),
            ] {
                // min_docs 64: the segments are cut into ranges ranked in parallel; cut_cost
                // u64::MAX: the segments are not cut, but ranked side by side, unless
                // side_by_side_cost is u64::MAX too: then one after the other on this thread.
                let split = Split {
                    min_docs,
                    cut_cost,
                    side_by_side_cost,
                };
                let ranked = rank_split(&searcher, ranking, fetch, &split).unwrap();
                let (count, expected) = searcher
                    .search(
                        &**expected_query,
                        &(Count, TopDocs::with_limit(fetch).order_by_score()),
                    )
                    .unwrap();
                assert_eq!(ranked.total, count, "{name}");
                assert!(count > 100, "the test needs many matches to prune");
                let scores = |v: &[(Score, DocAddress)]| -> Vec<i64> {
                    v.iter().map(|(s, _)| (s * 1e3).round() as i64).collect()
                };
                assert_eq!(
                    scores(&ranked.top),
                    scores(&expected),
                    "{name}, fetch {fetch}"
                );
            }
        }
    }

    /// A bonus clause's needs are the slots whose clause is its folded term in its field.
    #[test]
    fn bonuses_need_the_slots_of_their_terms() {
        let (index, title, body, mut writer) = title_and_body();
        writer
            .add_document(doc!(title => "vu van hoa", body => "vu hoa"))
            .unwrap();
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let slot = |w: &str| SlotClauses {
            clauses: vec![term_clause(title, w, 3.0), term_clause(body, w, 1.0)],
            extras: Vec::new(),
        };
        let slots = vec![slot("vu"), slot("hoa")];
        let bonuses = vec![
            phrase_clause(title, &["vũ", "van", "hoa"], 10.0),
            term_clause(body, "lieu", 1.0),
        ];
        let ranking = Ranking {
            slots: &slots,
            others: Vec::new(),
            bonuses: &bonuses,
        };
        let weights = Weights::new(&searcher, &ranking).unwrap();
        let mut needs: Vec<Vec<(usize, u32)>> =
            weights.bonuses.iter().map(|b| b.needs.clone()).collect();
        needs.sort();
        // "van" is in no slot: only "vu" (slot 0) and "hoa" (slot 1) in the title are needed.
        assert_eq!(needs, vec![vec![], vec![(0, tag(title)), (1, tag(title))]]);
    }
}
