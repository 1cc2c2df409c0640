//! The index: a tantivy index of articles, kept in generations so a rebuild can prepare a
//! fresh one beside the live one and switch atomically.
//!
//! Layout of an index directory:
//! - `CURRENT`: the name of the live generation (replaced atomically by rename);
//! - `gen-NNNNNN/`: a tantivy index plus `tracuu.json` (schema and analyzer version);
//! - `write.lock`: held by the one process that writes (see [`lock`]).

pub mod export;
pub mod lock;
pub mod maintain;
pub mod schema;
pub mod writer;

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tantivy::directory::MmapDirectory;
use tantivy::{Index, IndexReader, ReloadPolicy};

use crate::analyze::tokens::{TOKENIZER_NAME, VietnameseTokenizer};
use crate::{Error, Result};
pub use schema::{ANALYZER_VERSION, Fields};

const CURRENT: &str = "CURRENT";
const META: &str = "tracuu.json";

/// What tracuu records about a generation, beside tantivy's own metadata.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GenerationMeta {
    pub analyzer_version: u32,
    pub created: String,
}

/// An opened index generation.
pub struct ArchiveIndex {
    pub dir: PathBuf,
    pub generation: PathBuf,
    pub index: Index,
    pub fields: Fields,
    pub meta: GenerationMeta,
}

/// Registers tracuu's analyzer on a tantivy index.
pub fn register_tokenizers(index: &Index) {
    index
        .tokenizers()
        .register(TOKENIZER_NAME, VietnameseTokenizer::default());
}

/// The path of the live generation of the index at `dir`, if there is one.
pub fn current_generation(dir: &Path) -> Option<PathBuf> {
    let name = fs::read_to_string(dir.join(CURRENT)).ok()?;
    let name = name.trim();
    if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
        return None;
    }
    let p = dir.join(name);
    p.join(META).is_file().then_some(p)
}

/// Makes `generation` (a directory inside `dir`) the live one, atomically.
pub fn switch_current(dir: &Path, generation: &Path) -> Result<()> {
    let name = generation
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| Error::Input(format!("bad generation path {}", generation.display())))?;
    let tmp = dir.join(format!("{CURRENT}.tmp"));
    fs::write(&tmp, name).map_err(|e| Error::io(&tmp, e))?;
    if let Ok(f) = fs::File::open(&tmp) {
        let _ = f.sync_all();
    }
    fs::rename(&tmp, dir.join(CURRENT)).map_err(|e| Error::io(dir.join(CURRENT), e))?;
    Ok(())
}

/// A new, empty generation directory name inside `dir`.
pub fn next_generation_path(dir: &Path) -> PathBuf {
    let mut highest = 0u32;
    if let Ok(entries) = fs::read_dir(dir) {
        for e in entries.flatten() {
            let name = e.file_name();
            if let Some(n) = name
                .to_str()
                .and_then(|n| n.strip_prefix("gen-"))
                .and_then(|n| n.parse::<u32>().ok())
            {
                highest = highest.max(n);
            }
        }
    }
    dir.join(format!("gen-{:06}", highest + 1))
}

impl ArchiveIndex {
    /// Opens the live generation of the index at `dir` for searching.
    pub fn open(dir: &Path) -> Result<ArchiveIndex> {
        let generation =
            current_generation(dir).ok_or_else(|| Error::NoIndex(dir.to_path_buf()))?;
        let meta_path = generation.join(META);
        let meta_text = fs::read_to_string(&meta_path).map_err(|e| Error::io(&meta_path, e))?;
        let meta: GenerationMeta = serde_json::from_str(&meta_text).map_err(|e| {
            Error::Input(format!(
                "{}: unreadable index metadata ({e}); run `tracuu rebuild`",
                meta_path.display()
            ))
        })?;
        if meta.analyzer_version > ANALYZER_VERSION {
            return Err(Error::IndexTooNew {
                path: dir.to_path_buf(),
                found: meta.analyzer_version,
                supported: ANALYZER_VERSION,
            });
        }
        let directory = MmapDirectory::open(&generation)
            .map_err(|e| Error::Input(format!("{}: {e}", generation.display())))?;
        let index = Index::open(directory)?;
        register_tokenizers(&index);
        let fields = Fields::from_schema(&index.schema()).map_err(|e| {
            Error::Input(format!(
                "{}: {e}; the index is damaged or was not written by tracuu",
                generation.display()
            ))
        })?;
        Ok(ArchiveIndex {
            dir: dir.to_path_buf(),
            generation,
            index,
            fields,
            meta,
        })
    }

    /// Creates a new, empty generation inside `dir` (not yet live).
    pub fn create_generation(dir: &Path) -> Result<ArchiveIndex> {
        let generation = next_generation_path(dir);
        fs::create_dir_all(&generation).map_err(|e| Error::io(&generation, e))?;
        let (schema, fields) = schema::build_schema();
        let directory = MmapDirectory::open(&generation)
            .map_err(|e| Error::Input(format!("{}: {e}", generation.display())))?;
        let index = Index::create(directory, schema, tantivy::IndexSettings::default())?;
        register_tokenizers(&index);
        let meta = GenerationMeta {
            analyzer_version: ANALYZER_VERSION,
            created: chrono::Local::now().to_rfc3339(),
        };
        let meta_path = generation.join(META);
        let text = serde_json::to_string_pretty(&meta).map_err(|e| Error::Input(e.to_string()))?;
        fs::write(&meta_path, text).map_err(|e| Error::io(&meta_path, e))?;
        Ok(ArchiveIndex {
            dir: dir.to_path_buf(),
            generation,
            index,
            fields,
            meta,
        })
    }

    /// True when the index was built by an older analyzer and should be rebuilt.
    pub fn is_outdated(&self) -> bool {
        self.meta.analyzer_version < ANALYZER_VERSION
    }

    /// A reader for searching (reloads only when asked).
    pub fn reader(&self) -> Result<IndexReader> {
        Ok(self
            .index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?)
    }
}
