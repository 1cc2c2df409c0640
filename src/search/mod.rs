//! Search: finds, filters, ranks and groups articles, and cuts snippets around what matched.

pub mod build;
pub mod query;
mod rank;
pub mod snippet;
pub mod union;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Bound;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use chrono::{Datelike, NaiveDate};
use rayon::prelude::*;
use serde::Serialize;
use tantivy::collector::{Count, DocSetCollector, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, ConstScoreQuery, Occur, Query, RangeQuery, TermSetQuery,
};
use tantivy::schema::{Field, Value};
use tantivy::{
    DateTime, DocAddress, IndexReader, Order, Searcher as TantivySearcher, TantivyDocument, Term,
};

use crate::analyze::normalize::{fold, normalize_word};
use crate::analyze::synonyms::Synonyms;
use crate::extract::agency::canonical_province;
use crate::index::ArchiveIndex;
use crate::index::schema::{self, filter_key};
use crate::{Article, Error, Result};
pub use snippet::Snippet;

/// How results are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortOrder {
    #[default]
    Relevance,
    /// Newest first.
    Date,
    /// Relevance decayed by age.
    Recency,
}

/// What to group results by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    Agency,
    Topic,
    Year,
}

/// Largest `--limit` accepted.
pub const MAX_LIMIT: usize = 10_000;

/// Filters, order and paging of a search.
#[derive(Debug, Clone)]
pub struct SearchOptions {
    pub agency: Option<String>,
    pub topic: Option<String>,
    pub province: Option<String>,
    pub author: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub year: Option<i32>,
    pub sort: SortOrder,
    pub limit: usize,
    pub offset: usize,
    pub facets: bool,
    pub group_by: Option<GroupBy>,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions {
            agency: None,
            topic: None,
            province: None,
            author: None,
            from: None,
            to: None,
            year: None,
            sort: SortOrder::Relevance,
            limit: 10,
            offset: 0,
            facets: false,
            group_by: None,
        }
    }
}

impl SearchOptions {
    /// Checks the options for contradictions; messages say what to change.
    pub fn validate(&self) -> Result<()> {
        if self.limit == 0 || self.limit > MAX_LIMIT {
            return Err(Error::Input(format!(
                "--limit must be between 1 and {MAX_LIMIT}, not {}",
                self.limit
            )));
        }
        if self.offset > 1_000_000 {
            return Err(Error::Input(format!(
                "--offset {} is too large (at most 1000000)",
                self.offset
            )));
        }
        if let (Some(f), Some(t)) = (self.from, self.to)
            && f > t
        {
            return Err(Error::Input(format!(
                "--from {f} is after --to {t}: swap them"
            )));
        }
        if let Some(y) = self.year
            && !(1900..=2100).contains(&y)
        {
            return Err(Error::Input(format!(
                "--year {y} is out of range (1900–2100)"
            )));
        }
        Ok(())
    }

    fn has_filters(&self) -> bool {
        self.agency.is_some()
            || self.topic.is_some()
            || self.province.is_some()
            || self.author.is_some()
            || self.from.is_some()
            || self.to.is_some()
            || self.year.is_some()
    }
}

/// One result.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub rank: usize,
    pub score: f32,
    pub article: Article,
    pub snippet: Snippet,
}

/// Counts by agency, topic, province and year over the whole matching set.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Facets {
    pub agency: Vec<FacetCount>,
    pub topic: Vec<FacetCount>,
    pub province: Vec<FacetCount>,
    pub year: Vec<FacetCount>,
}

/// One value of a facet and how many matching articles have it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FacetCount {
    pub value: String,
    pub count: u64,
}

/// The best hits of one group.
#[derive(Debug, Clone, Serialize)]
pub struct Group {
    pub key: String,
    pub count: usize,
    pub hits: Vec<Hit>,
}

/// The answer to one query.
#[derive(Debug, Clone, Serialize)]
pub struct SearchResult {
    pub query: String,
    pub total: usize,
    pub took_ms: f64,
    pub hits: Vec<Hit>,
    /// True when no article had every word, and the results match any word instead.
    pub any_word_fallback: bool,
    pub facets: Option<Facets>,
    pub groups: Option<Vec<Group>>,
}

/// An open index ready for searching.
pub struct Searcher {
    pub index: ArchiveIndex,
    reader: IndexReader,
    synonyms: Synonyms,
    /// The filter keys of each filtered column's values, for the index state they were read
    /// from (its generation): a batch of filtered queries reads each column's dictionary once.
    filter_values: Mutex<(u64, HashMap<&'static str, FilterValues>)>,
}

/// A column's values with their filter keys: `(key, value)`.
type FilterValues = Arc<Vec<(String, String)>>;

impl Searcher {
    /// Opens the index at `dir`. `synonyms`: extra abbreviations, or the built-in table.
    pub fn open(dir: &Path, synonyms: Option<Synonyms>) -> Result<Searcher> {
        let index = ArchiveIndex::open(dir)?;
        let reader = index.reader()?;
        Ok(Searcher {
            index,
            reader,
            synonyms: synonyms.unwrap_or_else(|| Synonyms::builtin().clone()),
            filter_values: Mutex::default(),
        })
    }

    /// Runs one query.
    pub fn search(&self, query_text: &str, options: &SearchOptions) -> Result<SearchResult> {
        let started = Instant::now();
        options.validate()?;
        let parsed = query::parse(query_text)?;
        if parsed.must.is_empty() && !options.has_filters() {
            return Err(Error::Query(if parsed.must_not.is_empty() {
                "empty query: give words to search for, or a filter such as --agency or --year"
                    .into()
            } else {
                "a query of exclusions only matches nothing: add words or a filter".into()
            }));
        }
        let searcher = self.reader.searcher();
        let fields = &self.index.fields;
        let filters = self.filters(&searcher, options)?;
        let mut fallback = false;
        let mut plan = build::build(&parsed, fields, &self.synonyms, false);
        let mut query = Compiled::new(&plan, &filters);
        let words: usize = parsed
            .must
            .iter()
            .map(|p| p.text.split_whitespace().count())
            .sum();
        let sort_for = |plan: &build::Plan| {
            if plan.has_terms {
                options.sort
            } else {
                SortOrder::Date
            }
        };
        let run = |query: &Compiled<'_>, plan: &build::Plan| -> Result<(usize, Vec<Hit>)> {
            if options.group_by.is_some() {
                Ok((searcher.search(&*query.required, &Count)?, Vec::new()))
            } else {
                self.top_hits(
                    &searcher,
                    query,
                    sort_for(plan),
                    options.offset,
                    options.limit,
                    &plan.highlight,
                )
            }
        };
        let (mut total, mut hits) = run(&query, &plan)?;
        if total == 0 && words >= 2 {
            plan = build::build(&parsed, fields, &self.synonyms, true);
            query = Compiled::new(&plan, &filters);
            (total, hits) = run(&query, &plan)?;
            fallback = total > 0;
        }
        let sort = sort_for(&plan);
        let groups = match options.group_by {
            Some(g) => {
                Some(self.groups(&searcher, &query, sort, g, options.limit, &plan.highlight)?)
            }
            None => None,
        };
        let facets = if options.facets {
            Some(self.facets(&searcher, &*query.required)?)
        } else {
            None
        };
        Ok(SearchResult {
            query: query_text.to_string(),
            total,
            took_ms: started.elapsed().as_secs_f64() * 1000.0,
            hits,
            any_word_fallback: fallback,
            facets,
            groups,
        })
    }

    /// The number of articles and their facet counts over the whole index.
    pub fn overview(&self) -> Result<(usize, Facets)> {
        let searcher = self.reader.searcher();
        let total = searcher.search(&AllQuery, &Count)?;
        Ok((total, self.facets(&searcher, &AllQuery)?))
    }

    /// The tantivy searcher of the opened index state.
    pub fn tantivy_searcher(&self) -> TantivySearcher {
        self.reader.searcher()
    }

    /// Ranked hits `offset..offset+limit`, ties broken by date (newest first) then id; and the
    /// number of matching articles.
    fn top_hits(
        &self,
        searcher: &TantivySearcher,
        query: &Compiled<'_>,
        sort: SortOrder,
        offset: usize,
        limit: usize,
        highlight: &HashSet<String>,
    ) -> Result<(usize, Vec<Hit>)> {
        // Fetch a little more than needed so that ties at the page edge sort deterministically.
        let fetch = offset + limit + 8;
        let (total, scored): (usize, Vec<(f32, DocAddress)>) = match sort {
            SortOrder::Relevance => {
                let ranked = rank::rank(searcher, &query.ranking(), fetch)?;
                (ranked.total, ranked.top)
            }
            SortOrder::Date => {
                let (n, top) = searcher.search(
                    &*query.required,
                    &(
                        Count,
                        TopDocs::with_limit(fetch)
                            .order_by_fast_field::<DateTime>(schema::DATE, Order::Desc),
                    ),
                )?;
                (
                    n,
                    top.into_iter()
                        .map(|(d, a)| {
                            (
                                d.map_or(0.0, |d| d.into_timestamp_secs() as f32 / 86_400.0),
                                a,
                            )
                        })
                        .collect(),
                )
            }
            SortOrder::Recency => {
                let total = searcher.search(&*query.required, &Count)?;
                let today = chrono::Local::now().date_naive();
                let collector = TopDocs::with_limit(fetch).tweak_score(
                    move |segment: &tantivy::SegmentReader| {
                        let dates = segment
                            .fast_fields()
                            .date(schema::DATE)
                            .ok()
                            .map(|c| c.first_or_default_col(DateTime::MIN));
                        move |doc: tantivy::DocId, score: tantivy::Score| {
                            let age_days = dates.as_ref().map_or(3650.0, |c| {
                                let secs = c.get_val(doc).into_timestamp_secs();
                                let now = today
                                    .and_hms_opt(0, 0, 0)
                                    .map_or(0, |t| t.and_utc().timestamp());
                                ((now - secs) as f32 / 86_400.0).max(0.0)
                            });
                            score / (1.0 + age_days / 730.0)
                        }
                    },
                );
                let top = searcher.search(&*query.full(), &collector)?;
                (total, top)
            }
        };
        // Ties are broken by the fast fields, so only the page's articles are read; ids are
        // looked up only where score and date are equal.
        let mut keyed: Vec<(f32, i64, Option<String>, DocAddress)> = scored
            .into_iter()
            .map(|(score, addr)| (score, tie_date(searcher, addr), None, addr))
            .collect();
        keyed.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| b.1.cmp(&a.1)));
        let mut i = 0;
        while i < keyed.len() {
            let mut j = i + 1;
            while j < keyed.len() && keyed[j].0 == keyed[i].0 && keyed[j].1 == keyed[i].1 {
                j += 1;
            }
            if j - i > 1 {
                for k in &mut keyed[i..j] {
                    k.2 = Some(tie_id(searcher, k.3));
                }
                keyed[i..j].sort_by(|a, b| a.2.cmp(&b.2));
            }
            i = j;
        }
        // Reading the page's articles and cutting their snippets (a scan of each text) are
        // independent: they run side by side.
        let page: Vec<(f32, DocAddress)> = keyed
            .into_iter()
            .skip(offset)
            .take(limit)
            .map(|(score, _, _, addr)| (score, addr))
            .collect();
        let page = page
            .into_par_iter()
            .enumerate()
            .map(|(i, (score, addr))| {
                let article = self.article_at(searcher, addr)?;
                Ok(Hit {
                    rank: offset + i + 1,
                    score,
                    snippet: snippet::make(&article, highlight),
                    article,
                })
            })
            .collect::<Result<Vec<Hit>>>()?;
        Ok((total, page))
    }

    fn article_at(&self, searcher: &TantivySearcher, addr: DocAddress) -> Result<Article> {
        let doc: TantivyDocument = searcher.doc(addr)?;
        let json = doc
            .get_first(self.index.fields.doc)
            .and_then(|v| v.as_str())
            .unwrap_or("{}");
        serde_json::from_str(json).map_err(|e| {
            Error::Input(format!(
                "stored article is unreadable ({e}); run `tracuu rebuild`"
            ))
        })
    }

    /// The best hits of each group, groups ordered by their best hit.
    fn groups(
        &self,
        searcher: &TantivySearcher,
        query: &Compiled<'_>,
        sort: SortOrder,
        by: GroupBy,
        limit: usize,
        highlight: &HashSet<String>,
    ) -> Result<Vec<Group>> {
        const PER_GROUP: usize = 3;
        let (_, hits) = self.top_hits(searcher, query, sort, 0, 500, highlight)?;
        let mut order: Vec<String> = Vec::new();
        let mut groups: HashMap<String, Group> = HashMap::new();
        for h in hits {
            let key = match by {
                GroupBy::Agency => h.article.agency.clone(),
                GroupBy::Topic => h.article.topic.clone(),
                GroupBy::Year => h.article.date.map(|d| d.year().to_string()),
            }
            .unwrap_or_else(|| "(không rõ)".to_string());
            let g = groups.entry(key.clone()).or_insert_with(|| {
                order.push(key.clone());
                Group {
                    key,
                    count: 0,
                    hits: Vec::new(),
                }
            });
            g.count += 1;
            if g.hits.len() < PER_GROUP {
                g.hits.push(h);
            }
        }
        Ok(order
            .into_iter()
            .take(limit)
            .filter_map(|k| groups.remove(&k))
            .collect())
    }

    /// Facet counts over every matching article.
    fn facets(&self, searcher: &TantivySearcher, query: &dyn Query) -> Result<Facets> {
        let docs = searcher.search(query, &DocSetCollector)?;
        let mut by_segment: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
        for d in docs {
            by_segment.entry(d.segment_ord).or_default().push(d.doc_id);
        }
        let mut counts: [HashMap<String, u64>; 4] = Default::default();
        let mut buf = String::new();
        for (seg, docs) in by_segment {
            let reader = searcher.segment_reader(seg);
            let ff = reader.fast_fields();
            for (i, name) in [schema::AGENCY_KEY, schema::TOPIC_KEY, schema::PROVINCE_KEY]
                .iter()
                .enumerate()
            {
                let Some(col) = ff.str(name)? else { continue };
                let mut per_ord: HashMap<u64, u64> = HashMap::new();
                for &d in &docs {
                    for ord in col.term_ords(d) {
                        *per_ord.entry(ord).or_default() += 1;
                    }
                }
                for (ord, n) in per_ord {
                    buf.clear();
                    if col.ord_to_str(ord, &mut buf).unwrap_or(false) {
                        *counts[i].entry(buf.clone()).or_default() += n;
                    }
                }
            }
            if let Ok(col) = ff.u64(schema::YEAR) {
                for &d in &docs {
                    if let Some(y) = col.first(d) {
                        *counts[3].entry(y.to_string()).or_default() += 1;
                    }
                }
            }
        }
        let sorted = |m: HashMap<String, u64>| {
            let mut v: Vec<FacetCount> = m
                .into_iter()
                .map(|(value, count)| FacetCount { value, count })
                .collect();
            v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
            v
        };
        let [agency, topic, province, year] = counts;
        let mut year = sorted(year);
        year.sort_by(|a, b| b.value.cmp(&a.value));
        Ok(Facets {
            agency: sorted(agency),
            topic: sorted(topic),
            province: sorted(province),
            year,
        })
    }

    /// The filter clauses of the options.
    fn filters(
        &self,
        searcher: &TantivySearcher,
        o: &SearchOptions,
    ) -> Result<Vec<Box<dyn Query>>> {
        let f = &self.index.fields;
        let mut out: Vec<Box<dyn Query>> = Vec::new();
        if let Some(a) = &o.agency {
            out.push(self.key_filter(
                searcher,
                f.agency_key,
                schema::AGENCY_KEY,
                &self.expand_keys(a),
                true,
            )?);
        }
        if let Some(t) = &o.topic {
            out.push(self.key_filter(
                searcher,
                f.topic_key,
                schema::TOPIC_KEY,
                &[filter_key(t)],
                true,
            )?);
        }
        if let Some(p) = &o.province {
            let canon = canonical_province(p).unwrap_or_else(|| p.clone());
            out.push(self.key_filter(
                searcher,
                f.province_key,
                schema::PROVINCE_KEY,
                &[filter_key(&canon)],
                false,
            )?);
        }
        if let Some(a) = &o.author {
            out.push(self.key_filter(
                searcher,
                f.author_key,
                schema::AUTHOR_KEY,
                &[filter_key(a)],
                true,
            )?);
        }
        let mut from = o.from;
        let mut to = o.to;
        if let Some(y) = o.year {
            let (ys, ye) = (
                NaiveDate::from_ymd_opt(y, 1, 1),
                NaiveDate::from_ymd_opt(y, 12, 31),
            );
            from = from.max(ys);
            to = match (to, ye) {
                (Some(t), Some(e)) => Some(t.min(e)),
                (t, e) => t.or(e),
            };
        }
        if from.is_some() || to.is_some() {
            let term = |d: NaiveDate| {
                let secs = d
                    .and_hms_opt(0, 0, 0)
                    .map_or(0, |t| t.and_utc().timestamp());
                Term::from_field_date_for_search(f.date, DateTime::from_timestamp_secs(secs))
            };
            let lower = from.map_or(Bound::Unbounded, |d| Bound::Included(term(d)));
            let upper = to.map_or(Bound::Unbounded, |d| Bound::Included(term(d)));
            out.push(Box::new(RangeQuery::new(lower, upper)));
        }
        Ok(out)
    }

    /// An agency filter's keys: as typed, and with abbreviations expanded ("Sở TT&TT" →
    /// "sở thông tin và truyền thông").
    fn expand_keys(&self, text: &str) -> Vec<String> {
        let mut keys = vec![filter_key(text)];
        let expanded: Vec<String> = text
            .split_whitespace()
            .map(|w| {
                let f = fold(&normalize_word(w));
                match self.synonyms.by_abbreviation(&f) {
                    Some(g) if !g.ambiguous => g.long_form.join(" "),
                    _ => w.to_string(),
                }
            })
            .collect();
        keys.push(filter_key(&expanded.join(" ")));
        if let Some(c) = crate::extract::agency::canonical_agency(text) {
            keys.push(filter_key(&c));
        }
        keys.sort();
        keys.dedup();
        keys
    }

    /// Documents whose key field value matches one of `keys` (normalised, folded): equal, or,
    /// when `prefix`, starting with it at a word boundary.
    fn key_filter(
        &self,
        searcher: &TantivySearcher,
        field: Field,
        name: &'static str,
        keys: &[String],
        prefix: bool,
    ) -> Result<Box<dyn Query>> {
        let values = self.filter_values(searcher, name)?;
        let terms: HashSet<&str> = values
            .iter()
            .filter(|(k, _)| {
                keys.iter().any(|key| {
                    !key.is_empty()
                        && (k == key
                            || (prefix
                                && k.starts_with(key.as_str())
                                && k[key.len()..].starts_with(' ')))
                })
            })
            .map(|(_, v)| v.as_str())
            .collect();
        let terms: Vec<Term> = terms
            .into_iter()
            .map(|t| Term::from_field_text(field, t))
            .collect();
        Ok(Box::new(TermSetQuery::new(terms)))
    }

    /// Every value of the column `name`, with its [`filter_key`], read once per index state.
    fn filter_values(
        &self,
        searcher: &TantivySearcher,
        name: &'static str,
    ) -> Result<FilterValues> {
        let generation = searcher.generation().generation_id();
        {
            let cache = self
                .filter_values
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            if cache.0 == generation
                && let Some(v) = cache.1.get(name)
            {
                return Ok(Arc::clone(v));
            }
        }
        let mut values: Vec<(String, String)> = Vec::new();
        // Values already seen (segments share most of them).
        let mut seen: HashSet<Vec<u8>> = HashSet::new();
        for seg in searcher.segment_readers() {
            let Some(col) = seg.fast_fields().str(name)? else {
                continue;
            };
            // One sequential pass over the segment's dictionary (each block decompressed once).
            let mut stream = col
                .dictionary()
                .stream()
                .map_err(|e| Error::Input(format!("unreadable index column {name}: {e}")))?;
            while stream.advance() {
                let key = stream.key();
                if !seen.insert(key.to_vec()) {
                    continue;
                }
                if let Ok(value) = std::str::from_utf8(key) {
                    values.push((filter_key(value), value.to_string()));
                }
            }
        }
        let values = Arc::new(values);
        let mut cache = self
            .filter_values
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if cache.0 != generation {
            *cache = (generation, HashMap::new());
        }
        cache.1.insert(name, Arc::clone(&values));
        Ok(values)
    }
}

/// A document's date in seconds (undated: last), from its fast field.
fn tie_date(searcher: &TantivySearcher, addr: DocAddress) -> i64 {
    searcher
        .segment_reader(addr.segment_ord)
        .fast_fields()
        .date(schema::DATE)
        .ok()
        .and_then(|c| c.first(addr.doc_id))
        .map_or(i64::MIN, |d| d.into_timestamp_secs())
}

/// A document's id, from its fast field.
fn tie_id(searcher: &TantivySearcher, addr: DocAddress) -> String {
    let mut id = String::new();
    if let Ok(Some(col)) = searcher
        .segment_reader(addr.segment_ord)
        .fast_fields()
        .str(schema::ID)
        && let Some(ord) = col.term_ords(addr.doc_id).next()
    {
        let _ = col.ord_to_str(ord, &mut id);
    }
    id
}

/// A plan's queries with the filters and exclusions applied.
struct Compiled<'a> {
    plan: &'a build::Plan,
    filters: &'a [Box<dyn Query>],
    /// The required slots: counts run on it, and the relevance ranking adds the bonuses itself.
    required: Box<dyn Query>,
    /// The exclusions and filters alone, scoring nothing (`None`: there are none).
    restrict: Option<Box<dyn Query>>,
}

impl<'a> Compiled<'a> {
    fn new(plan: &'a build::Plan, filters: &'a [Box<dyn Query>]) -> Compiled<'a> {
        let restrict = (!plan.exclusions.is_empty() || !filters.is_empty()).then(|| {
            let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, Box::new(AllQuery))];
            clauses.extend(
                plan.exclusions
                    .iter()
                    .map(|e| (Occur::MustNot, e.box_clone())),
            );
            clauses.extend(filters.iter().map(|f| (Occur::Must, f.box_clone())));
            Box::new(ConstScoreQuery::new(
                Box::new(BooleanQuery::new(clauses)),
                0.0,
            )) as Box<dyn Query>
        });
        Compiled {
            plan,
            filters,
            required: combine(plan, &*plan.required, filters),
            restrict,
        }
    }

    /// What the relevance ranking scores: the slots one by one and the restrictions, or (in
    /// the any-word fallback) the whole required query.
    fn ranking(&self) -> rank::Ranking<'_> {
        if self.plan.conjunctive && self.plan.has_terms {
            rank::Ranking {
                slots: &self.plan.slots,
                others: self.restrict.iter().map(|q| (&**q, Some(0.0))).collect(),
                bonuses: &self.plan.bonuses,
            }
        } else {
            rank::Ranking {
                slots: &[],
                others: vec![(&*self.required, None)],
                bonuses: &self.plan.bonuses,
            }
        }
    }

    /// Required slots and bonuses in one query (for rankings other than `rank::rank`).
    fn full(&self) -> Box<dyn Query> {
        combine(self.plan, &*self.plan.query(), self.filters)
    }
}

/// `main` with the plan's exclusions and the filters, which restrict without scoring.
fn combine(plan: &build::Plan, main: &dyn Query, filters: &[Box<dyn Query>]) -> Box<dyn Query> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    if plan.has_terms {
        clauses.push((Occur::Must, main.box_clone()));
    } else {
        clauses.push((Occur::Must, Box::new(AllQuery)));
    }
    for e in &plan.exclusions {
        clauses.push((Occur::MustNot, e.box_clone()));
    }
    for f in filters {
        clauses.push((
            Occur::Must,
            Box::new(ConstScoreQuery::new(f.box_clone(), 0.0)),
        ));
    }
    Box::new(BooleanQuery::new(clauses))
}
