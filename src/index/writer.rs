//! Writing articles into the index: insert, update in place, recognise duplicates, commit in
//! batches. A commit is the unit of durability: a process killed between commits leaves the
//! last commit searchable, and importing again completes the work.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use tantivy::index::SegmentId;
use tantivy::indexer::UserOperation;
use tantivy::{IndexWriter, Term};

use super::lock::WriterLock;
use super::{ArchiveIndex, current_generation, schema, switch_current};
use crate::{Article, Error, Result};

/// What happened to one article given to [`IndexSession::upsert`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Upsert {
    /// A new article.
    Imported,
    /// An article already in the index (same id) whose content changed.
    Updated,
    /// The same article, unchanged: nothing to do.
    Unchanged,
    /// The same content is already indexed under another id (a republished copy).
    Duplicate { of: String },
}

/// A writing session on an index: holds the writer lock until dropped.
pub struct IndexSession {
    pub index: ArchiveIndex,
    writer: IndexWriter,
    /// id → content fingerprint of every live article (committed or pending).
    ids: HashMap<String, String>,
    /// fingerprint → id.
    fingerprints: HashMap<String, String>,
    pending: usize,
    /// Articles added or replaced in this session.
    written: usize,
    /// The segments the index had when the session opened.
    segments_before: HashSet<SegmentId>,
    threads: usize,
    /// Deletions and additions not yet handed to tantivy's indexing threads: they go over in
    /// groups of [`OPS_PER_SEND`], one channel message each, so that an indexing thread wakes
    /// once a group instead of once an article.
    ops: Vec<UserOperation>,
    _lock: WriterLock,
}

/// Operations handed to tantivy's writer at once (see [`IndexSession::upsert`]).
const OPS_PER_SEND: usize = 32;

/// Memory given to tantivy's writer, in bytes per indexing thread.
const MEMORY_PER_THREAD: usize = 120_000_000;

impl IndexSession {
    /// Opens the index at `dir` for writing (creating it if needed), taking the writer lock.
    /// `threads` is the number of tantivy indexing threads (0: one per core, at most 4).
    pub fn open(dir: &Path, operation: &str, threads: usize) -> Result<IndexSession> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let lock = WriterLock::acquire(dir, operation)?;
        remove_stale_generations(dir);
        let index = match current_generation(dir) {
            Some(_) => ArchiveIndex::open(dir)?,
            None => {
                let created = ArchiveIndex::create_generation(dir)?;
                switch_current(dir, &created.generation)?;
                created
            }
        };
        let threads = if threads == 0 {
            std::thread::available_parallelism()
                .map_or(1, |n| n.get())
                .min(4)
        } else {
            threads
        };
        let writer = index
            .index
            .writer_with_num_threads(threads, MEMORY_PER_THREAD * threads)?;
        let (ids, fingerprints) = load_identities(&index)?;
        let segments_before = index.index.searchable_segment_ids()?.into_iter().collect();
        Ok(IndexSession {
            index,
            writer,
            ids,
            fingerprints,
            pending: 0,
            written: 0,
            segments_before,
            threads,
            ops: Vec::with_capacity(OPS_PER_SEND),
            _lock: lock,
        })
    }

    /// Adds or updates one article.
    pub fn upsert(&mut self, article: &Article) -> Result<Upsert> {
        let fp = schema::fingerprint(article);
        if let Some(existing) = self.ids.get(&article.id)
            && *existing == fp
        {
            return Ok(Upsert::Unchanged);
        }
        if let Some(other) = self.fingerprints.get(&fp)
            && *other != article.id
            && self.ids.contains_key(other)
        {
            return Ok(Upsert::Duplicate { of: other.clone() });
        }
        let outcome = if let Some(old_fp) = self.ids.get(&article.id).cloned() {
            // Operations of one group get increasing opstamps, so this deletion still reaches
            // an earlier version added in the same group, and spares the one added next.
            self.ops.push(UserOperation::Delete(Term::from_field_text(
                self.index.fields.id,
                &article.id,
            )));
            self.fingerprints.remove(&old_fp);
            Upsert::Updated
        } else {
            Upsert::Imported
        };
        self.ops.push(UserOperation::Add(
            self.index.fields.document_with_fingerprint(article, &fp),
        ));
        if self.ops.len() >= OPS_PER_SEND {
            self.send_ops()?;
        }
        self.ids.insert(article.id.clone(), fp.clone());
        self.fingerprints.insert(fp, article.id.clone());
        self.pending += 1;
        self.written += 1;
        Ok(outcome)
    }

    /// Merges nothing until [`finish`](Self::finish), for a bulk import: its segments are all
    /// merged at the end anyway, so merging them level by level in the background as well
    /// (tantivy's default policy) merges most articles twice or more and takes CPU from the
    /// extraction and indexing threads. `finish` then lets tantivy's merge policy look at the
    /// whole index once, as the session's commits would have.
    pub fn defer_merges(&mut self) {
        self.writer
            .set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
    }

    /// Articles added or updated since the last commit.
    pub fn pending(&self) -> usize {
        self.pending
    }

    /// Hands the buffered operations to tantivy's indexing threads.
    fn send_ops(&mut self) -> Result<()> {
        if !self.ops.is_empty() {
            let ops = std::mem::replace(&mut self.ops, Vec::with_capacity(OPS_PER_SEND));
            self.writer.run(ops)?;
        }
        Ok(())
    }

    /// Makes everything added so far durable and searchable.
    pub fn commit(&mut self) -> Result<()> {
        self.send_ops()?;
        self.writer.commit()?;
        self.pending = 0;
        Ok(())
    }

    /// Number of live articles (committed or pending).
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Commits, waits for background merges to finish, then merges the segments this session
    /// wrote into at most one per indexing thread (side by side), so that searches read few
    /// segments. Segments from before the session, and merges that took them in, are left to
    /// tantivy's merge policy, which looks at the whole index once more at the end (so the
    /// segments of a killed import are still merged by the next one, even with
    /// [`defer_merges`](Self::defer_merges)): a small import into a large index stays cheap.
    pub fn finish(mut self) -> Result<()> {
        self.commit()?;
        let IndexSession {
            index,
            writer,
            written,
            segments_before,
            threads,
            _lock,
            ..
        } = self;
        writer.wait_merging_threads()?;
        let fresh: Vec<(SegmentId, u32)> = index
            .index
            .searchable_segment_metas()?
            .iter()
            .filter(|m| !segments_before.contains(&m.id()) && m.num_docs() as usize <= written)
            .map(|m| (m.id(), m.num_docs()))
            .collect();
        let mut writer: IndexWriter = index.index.writer_with_num_threads(1, 15_000_000)?;
        if fresh.len() > threads {
            writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
            super::maintain::merge_groups(&mut writer, fresh, threads)?;
        }
        // tantivy consults its merge policy after a commit: this one adds nothing.
        writer.set_merge_policy(Box::new(tantivy::indexer::LogMergePolicy::default()));
        writer.commit()?;
        writer.wait_merging_threads()?;
        Ok(())
    }
}

/// Removes generation directories other than the live one: leftovers of an interrupted rebuild.
/// Only called while holding the writer lock.
pub fn remove_stale_generations(dir: &Path) {
    let live = current_generation(dir);
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        let is_gen = p
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("gen-"));
        if is_gen && Some(&p) != live.as_ref() && p.is_dir() {
            let _ = std::fs::remove_dir_all(&p);
        }
    }
}

/// Reads the id and fingerprint of every live article from the fast fields.
fn load_identities(
    index: &ArchiveIndex,
) -> Result<(HashMap<String, String>, HashMap<String, String>)> {
    let reader = index.reader()?;
    let searcher = reader.searcher();
    let mut ids = HashMap::new();
    let mut fps = HashMap::new();
    let (mut id_buf, mut fp_buf) = (String::new(), String::new());
    for segment in searcher.segment_readers() {
        let ff = segment.fast_fields();
        let (Some(id_col), Some(fp_col)) = (ff.str(schema::ID)?, ff.str(schema::FINGERPRINT)?)
        else {
            continue;
        };
        let alive = segment.alive_bitset();
        for doc in 0..segment.max_doc() {
            if alive.is_some_and(|a| !a.is_alive(doc)) {
                continue;
            }
            let (Some(i), Some(f)) = (id_col.term_ords(doc).next(), fp_col.term_ords(doc).next())
            else {
                continue;
            };
            id_buf.clear();
            fp_buf.clear();
            id_col
                .ord_to_str(i, &mut id_buf)
                .map_err(|e| Error::Input(e.to_string()))?;
            fp_col
                .ord_to_str(f, &mut fp_buf)
                .map_err(|e| Error::Input(e.to_string()))?;
            ids.insert(id_buf.clone(), fp_buf.clone());
            fps.insert(fp_buf.clone(), id_buf.clone());
        }
    }
    Ok((ids, fps))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(n: usize) -> Article {
        Article {
            id: format!("bai-{n}"),
            source: format!("{n}.html"),
            title: format!("Bài số {n}"),
            body: format!("Nội dung của bài số {n} về chuyển đổi số."),
            ..Article::default()
        }
    }

    /// Writes `commits` commits of one article each, starting at article `first`.
    fn commit_one_by_one(session: &mut IndexSession, first: usize, commits: usize) {
        for n in first..first + commits {
            assert_eq!(session.upsert(&article(n)).unwrap(), Upsert::Imported);
            session.commit().unwrap();
        }
    }

    fn segments(dir: &Path) -> usize {
        let index = ArchiveIndex::open(dir).unwrap();
        index.index.searchable_segment_ids().unwrap().len()
    }

    #[test]
    fn deferred_merges_leave_every_commit_to_the_final_merge() {
        let dir = tempfile::tempdir().unwrap();
        let mut session = IndexSession::open(dir.path(), "test", 1).unwrap();
        session.defer_merges();
        // Ten segments: enough for tantivy's default policy to merge eight of them.
        commit_one_by_one(&mut session, 0, 10);
        let IndexSession { writer, _lock, .. } = session;
        writer.wait_merging_threads().unwrap();
        assert_eq!(segments(dir.path()), 10);
    }

    #[test]
    fn finish_merges_the_sessions_segments_and_lets_the_policy_take_in_older_ones() {
        let dir = tempfile::tempdir().unwrap();
        // A session that stops without finishing (as a killed import) leaves its segments.
        let mut killed = IndexSession::open(dir.path(), "test", 1).unwrap();
        killed.defer_merges();
        commit_one_by_one(&mut killed, 0, 10);
        drop(killed);
        assert_eq!(segments(dir.path()), 10);
        // The next import writes nothing new, yet the merge policy sees the leftovers.
        let mut rerun = IndexSession::open(dir.path(), "test", 1).unwrap();
        rerun.defer_merges();
        assert_eq!(rerun.upsert(&article(3)).unwrap(), Upsert::Unchanged);
        rerun.finish().unwrap();
        assert!(segments(dir.path()) < 10);
        // A session's own segments end up in one per thread.
        let mut session = IndexSession::open(dir.path(), "test", 2).unwrap();
        session.defer_merges();
        let before = segments(dir.path());
        commit_one_by_one(&mut session, 10, 6);
        session.finish().unwrap();
        assert!(segments(dir.path()) <= before + 2);
        assert_eq!(
            ArchiveIndex::open(dir.path())
                .unwrap()
                .reader()
                .unwrap()
                .searcher()
                .num_docs(),
            16
        );
    }
}
