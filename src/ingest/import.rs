//! The import: dumps are read on one thread, pages are extracted in parallel (rayon), and the
//! articles are written by tantivy's multithreaded writer, committed in batches.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::mpsc::sync_channel;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use serde::Serialize;

use super::{IngestOptions, Input, check_paths, read_all};
use crate::extract::extract;
use crate::index::writer::{IndexSession, Upsert};
use crate::{Article, Result};

/// How an import runs.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub index_dir: PathBuf,
    pub ingest: IngestOptions,
    /// Extraction threads and tantivy writer threads (0: all cores).
    pub threads: usize,
    /// Articles between two commits.
    pub commit_every: usize,
    /// No progress bar.
    pub quiet: bool,
}

impl ImportOptions {
    pub fn new(index_dir: PathBuf) -> Self {
        ImportOptions {
            index_dir,
            ingest: IngestOptions::default(),
            threads: 0,
            commit_every: 5_000,
            quiet: false,
        }
    }
}

/// One thing the import did not index, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    pub source: String,
    pub reason: String,
}

/// What an import did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportSummary {
    pub imported: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub duplicates: usize,
    pub skipped: usize,
    /// Every skipped input and every duplicate, with the reason.
    pub report: Vec<Skipped>,
    pub seconds: f64,
    /// Live articles in the index afterwards.
    pub total: usize,
    /// The index was built by an older analyzer: the new articles were analysed differently
    /// from the old ones until `tracuu rebuild` runs.
    pub outdated_index: bool,
}

impl ImportSummary {
    /// Records an input that gave no article.
    fn skip(&mut self, skipped: Skipped) {
        self.skipped += 1;
        self.report.push(skipped);
    }

    /// Records what indexing one article did; duplicates are listed in the report.
    fn count(&mut self, outcome: Upsert, source: &str) {
        match outcome {
            Upsert::Imported => self.imported += 1,
            Upsert::Updated => self.updated += 1,
            Upsert::Unchanged => self.unchanged += 1,
            Upsert::Duplicate { of } => {
                self.duplicates += 1;
                self.report.push(Skipped {
                    source: source.to_string(),
                    reason: format!("duplicate of article {of}"),
                });
            }
        }
    }

    /// "imported N, updated M, duplicates D, skipped K".
    pub fn line(&self) -> String {
        let mut s = format!(
            "imported {}, updated {}, duplicates {}, skipped {}",
            self.imported, self.updated, self.duplicates, self.skipped
        );
        if self.unchanged > 0 {
            s.push_str(&format!(", unchanged {}", self.unchanged));
        }
        s
    }
}

enum Extracted {
    Article(Box<Article>),
    Skip(Skipped),
}

/// Inputs read, extracted and sent on as one group: each channel message then carries this
/// many pages or articles, so that a waiting thread wakes once a group rather than once a page.
const GROUP: usize = 32;

/// Groups of read inputs that may wait for the extraction threads (some 14 MB of pages at most).
const READ_AHEAD: usize = 16;

/// Groups of extracted articles that may wait for the writer. A commit blocks the writing
/// thread while tantivy's indexing threads finish their segments (about half a second); with
/// room for a few seconds of extraction here (4,096 articles of a few KB: some 25 MB at most),
/// the extraction threads keep working through it instead of stopping on a full channel.
const EXTRACTED_AHEAD: usize = 128;

/// Imports `paths` into the index at `options.index_dir`.
///
/// Inputs are numbered in the order they are read, and the writer takes them in that order
/// whatever thread extracted them first: which of two copies is the duplicate, and which
/// version of a re-imported article stays, do not depend on the threads' timing.
pub fn import(paths: &[PathBuf], options: &ImportOptions) -> Result<ImportSummary> {
    check_paths(paths)?;
    let started = Instant::now();
    let mut session = IndexSession::open(&options.index_dir, "import", options.threads)?;
    session.defer_merges();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads)
        .thread_name(|i| format!("tracuu-extract-{i}"))
        .build()
        .map_err(|e| crate::Error::Input(format!("cannot start threads: {e}")))?;
    let progress = progress_bar(options.quiet);
    let mut summary = ImportSummary::default();
    let (input_tx, input_rx) = sync_channel::<(usize, Vec<Input>)>(READ_AHEAD);
    let (out_tx, out_rx) = sync_channel::<(usize, Vec<Extracted>)>(EXTRACTED_AHEAD);
    let ingest = options.ingest.clone();
    let result: Result<()> = std::thread::scope(|scope| {
        // Named threads, so that `top -H`, `perf report --sort comm` and /proc tell the reading,
        // the extraction and tantivy's indexing ("thrd-tantivy-index") apart.
        std::thread::Builder::new()
            .name("tracuu-read".into())
            .spawn_scoped(scope, move || {
                let mut group = Vec::with_capacity(GROUP);
                let mut sent = 0;
                read_all(paths, &ingest, &mut |item| {
                    group.push(item);
                    if group.len() < GROUP {
                        return true;
                    }
                    let full = std::mem::replace(&mut group, Vec::with_capacity(GROUP));
                    let number = sent;
                    sent += 1;
                    input_tx.send((number, full)).is_ok()
                });
                if !group.is_empty() {
                    let _ = input_tx.send((sent, group));
                }
            })
            .map_err(|e| crate::Error::Input(format!("cannot start threads: {e}")))?;
        scope.spawn(move || {
            pool.install(|| {
                input_rx
                    .into_iter()
                    .par_bridge()
                    .for_each_with(out_tx, |tx, (number, group)| {
                        let out = group.into_iter().map(extract_input).collect();
                        let _ = tx.send((number, out));
                    });
            })
        });
        // Groups that arrived before an earlier one. Extraction is linear in a page's size, so
        // while one thread is on a slow group the others get at most a few seconds ahead.
        let mut waiting = std::collections::BTreeMap::new();
        let mut next = 0;
        for (number, group) in out_rx {
            waiting.insert(number, group);
            while let Some(group) = waiting.remove(&next) {
                next += 1;
                for item in group {
                    match item {
                        Extracted::Skip(s) => summary.skip(s),
                        Extracted::Article(a) => summary.count(session.upsert(&a)?, &a.source),
                    }
                    progress.inc(1);
                    if session.pending() >= options.commit_every {
                        session.commit()?;
                    }
                }
                progress.set_message(format!(
                    "{} new, {} skipped",
                    summary.imported + summary.updated,
                    summary.skipped
                ));
            }
        }
        Ok(())
    });
    result?;
    summary.total = session.len();
    summary.outdated_index = session.index.is_outdated();
    session.finish()?;
    progress.finish_and_clear();
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

/// Extracts one input on an extraction thread.
fn extract_input(item: Input) -> Extracted {
    match item {
        Input::Page(page) => match extract(&page) {
            Ok(a) => Extracted::Article(Box::new(a)),
            Err(e) => Extracted::Skip(Skipped {
                source: page.source,
                reason: e.to_string(),
            }),
        },
        Input::Article(a) => Extracted::Article(a),
        Input::Skip { source, reason } => Extracted::Skip(Skipped { source, reason }),
    }
}

fn progress_bar(quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{spinner} {pos} items, {per_sec} [{elapsed}] {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// Writes the skipped inputs and duplicates as TSV (`source`, `reason`) to `path`.
pub fn write_report(summary: &ImportSummary, path: &Path) -> Result<()> {
    let mut out = String::from("source\treason\n");
    for s in &summary.report {
        out.push_str(&format!(
            "{}\t{}\n",
            s.source.replace(['\t', '\n'], " "),
            s.reason.replace(['\t', '\n'], " ")
        ));
    }
    std::fs::write(path, out).map_err(|e| crate::Error::io(path, e))
}

/// Imports pages one at a time as they arrive (e.g. from the crawler), committing in batches.
pub struct PageImporter {
    session: IndexSession,
    summary: ImportSummary,
    commit_every: usize,
    started: Instant,
}

impl PageImporter {
    /// Opens the index at `dir` for writing (takes the writer lock).
    pub fn open(dir: &Path, commit_every: usize) -> Result<PageImporter> {
        Ok(PageImporter {
            session: IndexSession::open(dir, "import", 0)?,
            summary: ImportSummary::default(),
            commit_every: commit_every.max(1),
            started: Instant::now(),
        })
    }

    /// Extracts and indexes one page; a page that is not an article is counted as skipped.
    pub fn add(&mut self, page: &crate::extract::RawPage) -> Result<()> {
        match extract(page) {
            Err(e) => self.summary.skip(Skipped {
                source: page.source.clone(),
                reason: e.to_string(),
            }),
            Ok(a) => {
                let outcome = self.session.upsert(&a)?;
                self.summary.count(outcome, &a.source);
            }
        }
        if self.session.pending() >= self.commit_every {
            self.session.commit()?;
        }
        Ok(())
    }

    /// Commits what is left and returns the summary.
    pub fn finish(self) -> Result<ImportSummary> {
        let mut summary = self.summary;
        summary.total = self.session.len();
        self.session.finish()?;
        summary.seconds = self.started.elapsed().as_secs_f64();
        Ok(summary)
    }
}
