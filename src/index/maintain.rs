//! Index maintenance: reading every stored article back, statistics, rebuilding into a fresh
//! generation (searches keep working on the live one), and merging segments.

use std::io::IsTerminal;
use std::path::Path;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::sync::atomic::{AtomicUsize, Ordering as AtomicOrdering};
use std::sync::{Arc, OnceLock};

use serde::Serialize;
use tantivy::TantivyDocument;
use tantivy::schema::{Document, Value};

use super::lock::WriterLock;
use super::writer::remove_stale_generations;
use super::{ANALYZER_VERSION, ArchiveIndex, Fields, current_generation, switch_current};
use crate::search::{Facets, Searcher};
use crate::{Article, Error, Result};

/// Calls `f` with every live article of the index, in index order.
pub fn for_each_article(
    index: &ArchiveIndex,
    f: &mut dyn FnMut(Article) -> std::io::Result<()>,
) -> Result<()> {
    for_each_stored_json(index, &mut |json| {
        let article: Article = serde_json::from_str(json)
            .map_err(|e| Error::Input(format!("stored article unreadable ({e})")))?;
        f(article).map_err(|e| Error::io("<stdout>", e))
    })
}

/// Calls `f` with the stored JSON of every live article, reading each segment's document
/// store sequentially (every compressed block is decompressed once).
pub fn for_each_stored_json(
    index: &ArchiveIndex,
    f: &mut dyn FnMut(&str) -> Result<()>,
) -> Result<()> {
    let reader = index.reader()?;
    let searcher = reader.searcher();
    for segment in searcher.segment_readers() {
        let store = segment
            .get_store_reader(4)
            .map_err(|e| Error::io(&index.generation, e))?;
        for doc in store.iter::<TantivyDocument>(segment.alive_bitset()) {
            let doc = doc?;
            f(doc
                .get_first(index.fields.doc)
                .and_then(|v| v.as_str())
                .unwrap_or("{}"))?;
        }
    }
    Ok(())
}

/// What `tracuu stats` reports.
#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    pub index: String,
    pub generation: String,
    pub articles: usize,
    pub first_date: Option<String>,
    pub last_date: Option<String>,
    pub index_bytes: u64,
    pub segments: usize,
    pub analyzer_version: u32,
    pub current_analyzer_version: u32,
    pub facets: Facets,
}

impl Stats {
    pub fn text(&self) -> String {
        let mut s = format!(
            "index {} ({})\narticles {}\ndates {} – {}\nsize {:.1} MB in {} segments ({} bytes per article)\nanalyzer version {}{}\n",
            self.index,
            self.generation,
            self.articles,
            self.first_date.as_deref().unwrap_or("?"),
            self.last_date.as_deref().unwrap_or("?"),
            self.index_bytes as f64 / 1e6,
            self.segments,
            self.index_bytes / self.articles.max(1) as u64,
            self.analyzer_version,
            if self.analyzer_version < self.current_analyzer_version {
                " (outdated: run `tracuu rebuild`)"
            } else {
                ""
            },
        );
        s.push_str(&crate::present::facets_text(&self.facets));
        s
    }
}

fn dir_size(path: &Path) -> u64 {
    walkdir::WalkDir::new(path)
        .into_iter()
        .flatten()
        .filter_map(|e| e.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum()
}

/// Statistics of the index opened by `searcher`.
pub fn stats(searcher: &Searcher) -> Result<Stats> {
    let (articles, facets) = searcher.overview()?;
    let ts = searcher.tantivy_searcher();
    let (mut first, mut last): (Option<i64>, Option<i64>) = (None, None);
    for seg in ts.segment_readers() {
        if let Ok(col) = seg.fast_fields().date(super::schema::DATE)
            && let (Some(lo), Some(hi)) = (
                col.min_value().into_timestamp_secs().into(),
                col.max_value().into_timestamp_secs().into(),
            )
            && col.num_docs() > 0
        {
            first = Some(first.map_or(lo, |f: i64| f.min(lo)));
            last = Some(last.map_or(hi, |l: i64| l.max(hi)));
        }
    }
    let day =
        |secs: i64| chrono::DateTime::from_timestamp(secs, 0).map(|d| d.date_naive().to_string());
    let index = &searcher.index;
    Ok(Stats {
        index: index.dir.display().to_string(),
        generation: index
            .generation
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        articles,
        first_date: first.and_then(day),
        last_date: last.and_then(day),
        index_bytes: dir_size(&index.generation),
        segments: ts.segment_readers().len(),
        analyzer_version: index.meta.analyzer_version,
        current_analyzer_version: ANALYZER_VERSION,
        facets,
    })
}

/// What a rebuild did.
#[derive(Debug, Clone, Serialize)]
pub struct RebuildReport {
    pub articles: usize,
    pub seconds: f64,
}

/// Re-analyses every stored article into a fresh generation beside the live one, then
/// switches to it atomically. Searches keep using the live generation until the switch; an
/// interrupted rebuild leaves it untouched, and its leftovers are removed on the next write.
pub fn rebuild(dir: &Path, threads: usize, quiet: bool) -> Result<RebuildReport> {
    let started = Instant::now();
    let _lock = WriterLock::acquire(dir, "rebuild")?;
    remove_stale_generations(dir);
    let live = ArchiveIndex::open(dir)?;
    let old_generation = current_generation(dir);
    let fresh = ArchiveIndex::create_generation(dir)?;
    let threads = if threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        threads
    };
    let writer: tantivy::IndexWriter<StoredArticle> = fresh
        .index
        .writer_with_num_threads(threads, REBUILD_MEMORY_PER_THREAD * threads)?;
    // No merges while indexing: each indexing thread's segments are merged once, at the end,
    // into `threads` segments side by side (see `merge_into`), instead of being merged level
    // by level in the background and finally into one segment on one core.
    writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
    let reader = live.reader()?;
    let searcher = reader.searcher();
    let total: u64 = searcher
        .segment_readers()
        .iter()
        .map(|s| s.num_docs() as u64)
        .sum();
    let bar = if quiet || !std::io::stderr().is_terminal() {
        ProgressBar::hidden()
    } else {
        let b = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
        b.set_style(
            ProgressStyle::with_template(
                "rebuild {bar:30} {pos}/{len} {per_sec} [{elapsed}] {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        b.enable_steady_tick(Duration::from_millis(200));
        b
    };
    // This thread reads the stored articles in order; tantivy's indexing threads parse each
    // one and analyse it (see `StoredArticle`), so `threads` spreads all of the work.
    let fields = Arc::new(fresh.fields.clone());
    let unreadable = Arc::new(AtomicUsize::new(0));
    let mut count = 0usize;
    for_each_stored_json(&live, &mut |json| {
        writer.add_document(StoredArticle {
            json: json.to_string(),
            fields: fields.clone(),
            doc: OnceLock::new(),
            unreadable: unreadable.clone(),
        })?;
        count += 1;
        bar.inc(1);
        Ok(())
    })?;
    let mut writer = writer;
    writer.commit()?;
    let bad = unreadable.load(AtomicOrdering::Relaxed);
    if bad > 0 {
        // The fresh generation is not switched to; it is removed on the next write.
        return Err(Error::Input(format!(
            "{bad} stored articles are unreadable; the live index is unchanged"
        )));
    }
    bar.set_message("merging");
    merge_into(&fresh.index, &mut writer, threads)?;
    writer.wait_merging_threads()?;
    switch_current(dir, &fresh.generation)?;
    if let Some(old) = old_generation {
        let _ = std::fs::remove_dir_all(old);
    }
    bar.finish_and_clear();
    Ok(RebuildReport {
        articles: count,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Indexing memory of each rebuild thread. A thread writes a segment each time it fills this,
/// so it also sets how many segments the final merge reads.
const REBUILD_MEMORY_PER_THREAD: usize = 120_000_000;

/// Merges the committed segments of `index` into at most `groups` segments of about the same
/// number of articles, the merges running side by side (one merge is one thread's work).
fn merge_into<D: Document>(
    index: &tantivy::Index,
    writer: &mut tantivy::IndexWriter<D>,
    groups: usize,
) -> Result<()> {
    let segments = index
        .searchable_segment_metas()?
        .iter()
        .map(|m| (m.id(), m.num_docs()))
        .collect();
    merge_groups(writer, segments, groups)
}

/// Merges `segments` `(id, articles)` into at most `groups` segments of about the same number
/// of articles, side by side, and waits for the merges.
pub(crate) fn merge_groups<D: Document>(
    writer: &mut tantivy::IndexWriter<D>,
    segments: Vec<(tantivy::index::SegmentId, u32)>,
    groups: usize,
) -> Result<()> {
    let mut pending = Vec::new();
    for group in balanced_groups(segments, groups) {
        if group.len() > 1 {
            pending.push(writer.merge(&group));
        }
    }
    for merge in pending {
        merge.wait()?;
    }
    Ok(())
}

/// Splits segments `(id, articles)` into at most `groups` groups of about equal size: the
/// largest segment first, each into the group that has the fewest articles so far.
fn balanced_groups<Id: Copy>(mut segments: Vec<(Id, u32)>, groups: usize) -> Vec<Vec<Id>> {
    segments.sort_by_key(|&(_, n)| std::cmp::Reverse(n));
    let mut out: Vec<(u64, Vec<Id>)> =
        vec![(0, Vec::new()); groups.clamp(1, segments.len().max(1))];
    for (id, n) in segments {
        if let Some(smallest) = out.iter_mut().min_by_key(|(total, _)| *total) {
            smallest.0 += u64::from(n);
            smallest.1.push(id);
        }
    }
    out.into_iter()
        .map(|(_, ids)| ids)
        .filter(|ids| !ids.is_empty())
        .collect()
}

/// A stored article on its way into a fresh index: its JSON is parsed and its tantivy fields
/// built by the indexing thread that takes it, on first use.
struct StoredArticle {
    json: String,
    fields: Arc<Fields>,
    doc: OnceLock<TantivyDocument>,
    /// Counts the articles whose JSON does not parse (indexed empty, and the rebuild fails).
    unreadable: Arc<AtomicUsize>,
}

impl Document for StoredArticle {
    type Value<'a> = <TantivyDocument as Document>::Value<'a>;
    type FieldsValuesIter<'a> = <TantivyDocument as Document>::FieldsValuesIter<'a>;

    fn iter_fields_and_values(&self) -> Self::FieldsValuesIter<'_> {
        self.doc
            .get_or_init(|| match serde_json::from_str::<Article>(&self.json) {
                Ok(article) => self.fields.document_with_json(&article, &self.json),
                Err(_) => {
                    self.unreadable.fetch_add(1, AtomicOrdering::Relaxed);
                    TantivyDocument::default()
                }
            })
            .iter_fields_and_values()
    }
}

/// Merges all segments of the live generation into one. Returns how many there were.
pub fn optimize(dir: &Path) -> Result<usize> {
    let _lock = WriterLock::acquire(dir, "optimize")?;
    let live = ArchiveIndex::open(dir)?;
    let ids = live.index.searchable_segment_ids()?;
    if ids.len() <= 1 {
        return Ok(ids.len());
    }
    let mut writer: tantivy::IndexWriter = live.index.writer_with_num_threads(1, 200_000_000)?;
    let _ = writer.merge(&ids).wait()?;
    writer.commit()?;
    writer.wait_merging_threads()?;
    Ok(ids.len())
}

#[cfg(test)]
mod tests {
    use super::balanced_groups;

    #[test]
    fn groups_are_balanced_and_keep_every_segment() {
        let segs = vec![(1, 50), (2, 10), (3, 40), (4, 30), (5, 20), (6, 5)];
        let groups = balanced_groups(segs.clone(), 2);
        assert_eq!(groups.len(), 2);
        let size = |g: &Vec<i32>| -> u32 {
            g.iter()
                .map(|id| segs.iter().find(|s| s.0 == *id).map_or(0, |s| s.1))
                .sum()
        };
        let (a, b) = (size(&groups[0]), size(&groups[1]));
        assert_eq!(a + b, 155);
        assert!(a.abs_diff(b) <= 5, "{groups:?}");
        let mut all: Vec<i32> = groups.concat();
        all.sort();
        assert_eq!(all, vec![1, 2, 3, 4, 5, 6]);
    }

    #[test]
    fn one_group_or_fewer_segments_than_groups() {
        assert_eq!(balanced_groups(vec![(1, 3), (2, 4)], 1).len(), 1);
        assert_eq!(balanced_groups(vec![(1, 3)], 4), vec![vec![1]]);
        assert!(balanced_groups(Vec::<(i32, u32)>::new(), 2).is_empty());
        assert_eq!(balanced_groups(vec![(1, 3), (2, 4)], 0).len(), 1);
    }
}
