//! The way out to a distributed engine: every stored article written for OpenSearch /
//! Elasticsearch (`_bulk` stream plus an index body with mappings and analyzers) or for
//! Quickwit (index config YAML plus NDJSON for its ingest API).
//!
//! Neither engine knows Vietnamese word segmentation, tracuu's tone-placement normalisation or
//! its folding, and we do not want users to install a plugin. So the documents carry that
//! knowledge precomputed: beside each original text (`title`, `lead`, `body`) there is
//!
//! - `*_vi`: the normalised text (lowercase NFC, new-style tone placement) with punctuation
//!   dropped, compound words joined by `_` as tracuu's segmenter finds them
//!   ("ủy_ban nhân_dân tỉnh bạc_liêu") and protected tokens kept whole ("43/2008/qđ-ttg");
//! - `*_folded`: the same tokens without diacritics ("uy_ban nhan_dan tinh bac_lieu").
//!
//! The engine then only has to split on whitespace and lowercase (so a query typed in capitals
//! still matches). The OpenSearch mapping also gives each of those fields a `syllables` subfield
//! that splits on `_` too, so a query that was not segmented still finds words, and a search
//! analyzer with tracuu's abbreviation table as a `synonym_graph` filter ("UBND" finds
//! "Ủy ban nhân dân"). The synonym rules are written in the form of the indexed text, computed
//! by the same functions, so a rule's long form is exactly the token sequence it must match.
//!
//! Output is deterministic: articles in id order, no timestamps, fixed field order.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;
use serde_json::{Map, Value, json};
use tantivy::schema::Value as _;
use tantivy::{DocAddress, TantivyDocument};

use super::{ANALYZER_VERSION, ArchiveIndex};
use crate::analyze::normalize::fold_into;
use crate::analyze::tokens::Analyzer;
use crate::{Article, Error, Result};

/// The engines tracuu can write for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// OpenSearch or Elasticsearch (7 and later): `mapping.json` and `bulk.ndjson`.
    OpenSearch,
    /// Quickwit (config format 0.7 and later): `index-config.yaml` and `docs.ndjson`.
    Quickwit,
}

impl Engine {
    /// File names written into `--out DIR`: (index definition, document stream).
    pub fn file_names(self) -> (&'static str, &'static str) {
        match self {
            Engine::OpenSearch => ("mapping.json", "bulk.ndjson"),
            Engine::Quickwit => ("index-config.yaml", "docs.ndjson"),
        }
    }
}

/// Default name of the index in the target engine.
pub const DEFAULT_INDEX_NAME: &str = "tracuu";

/// Checks an index name against the rules of both engines (OpenSearch wants lowercase and no
/// punctuation but `-`/`_`; Quickwit wants a leading letter and at least 3 characters).
pub fn check_index_name(name: &str) -> Result<()> {
    let ok = name.len() >= 3
        && name.len() <= 255
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(Error::Input(format!(
            "index name {name:?} is not usable by OpenSearch and Quickwit: use 3 to 255 lowercase \
             ASCII letters, digits, '-' or '_', starting with a letter"
        )))
    }
}

// ---------------------------------------------------------------------------------------------
// Text forms

/// The `*_vi` form of a text: normalised tokens separated by single spaces, the syllables of a
/// compound word joined by `_`, protected tokens (codes, dates, numbers, abbreviations) whole,
/// punctuation dropped. Uses the same scanner and segmenter as tracuu's own index.
pub fn vi_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for word in Analyzer::default().words(text) {
        if !out.is_empty() {
            out.push(' ');
        }
        // A token never contains whitespace; be safe anyway, since whitespace is the separator.
        out.extend(
            word.chars()
                .map(|c| if c.is_whitespace() { '_' } else { c }),
        );
    }
    out
}

/// The `*_folded` form: a `*_vi` text without diacritics (`đ` → `d`).
pub fn folded_text(vi: &str) -> String {
    let mut out = String::with_capacity(vi.len());
    fold_into(vi, &mut out);
    out
}

// ---------------------------------------------------------------------------------------------
// Documents

/// One exported document: the article with its precomputed Vietnamese forms. The same shape is
/// sent to OpenSearch and to Quickwit; the field order here is the order in the output.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportDoc<'a> {
    pub id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<&'a str>,
    pub source: &'a str,
    pub title: &'a str,
    pub title_vi: String,
    pub title_folded: String,
    pub lead: &'a str,
    pub lead_vi: String,
    pub lead_folded: String,
    pub body: &'a str,
    pub body_vi: String,
    pub body_folded: String,
    /// `yyyy-MM-dd`, the local (Vietnam) publication date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// RFC 3339 with the Vietnam offset (`+07:00`), since tracuu's datetimes are local times.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub datetime: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agency: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topic: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub province: Option<&'a str>,
    #[serde(skip_serializing_if = "no_tags")]
    pub tags: &'a [String],
}

fn no_tags(tags: &&[String]) -> bool {
    tags.is_empty()
}

fn non_blank(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// Builds the exported document of an article.
pub fn document(article: &Article) -> ExportDoc<'_> {
    let (title_vi, lead_vi, body_vi) = (
        vi_text(&article.title),
        vi_text(&article.lead),
        vi_text(&article.body),
    );
    ExportDoc {
        id: &article.id,
        url: non_blank(&article.url),
        source: &article.source,
        title: &article.title,
        title_folded: folded_text(&title_vi),
        title_vi,
        lead: &article.lead,
        lead_folded: folded_text(&lead_vi),
        lead_vi,
        body: &article.body,
        body_folded: folded_text(&body_vi),
        body_vi,
        date: article.date.map(|d| d.format("%Y-%m-%d").to_string()),
        datetime: article
            .datetime
            .map(|dt| dt.format("%Y-%m-%dT%H:%M:%S+07:00").to_string()),
        agency: non_blank(&article.agency),
        author: non_blank(&article.author),
        topic: non_blank(&article.topic),
        province: non_blank(&article.province),
        tags: &article.tags,
    }
}

/// The `_bulk` action line that precedes a document.
pub fn bulk_action(index_name: &str, id: &str) -> String {
    // Written by hand to keep the key order of the engines' documentation; values are escaped.
    format!(
        "{{\"index\":{{\"_index\":{},\"_id\":{}}}}}",
        Value::from(index_name),
        Value::from(id)
    )
}

// ---------------------------------------------------------------------------------------------
// Fields: one table from which both engines' definitions are written

/// How a document field is indexed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// Exact value (ids, URLs): keyword, not analysed.
    Keyword,
    /// Exact value for filters and aggregations, plus analysed subfields for full-text search.
    Facet,
    /// A list of exact values.
    KeywordList,
    /// The original text: kept for display, not indexed (its `*_vi`/`*_folded` forms are).
    Original,
    /// A `*_vi` text: whitespace-separated normalised tokens.
    Vietnamese,
    /// A `*_folded` text: the same without diacritics.
    Folded,
    /// A date, `yyyy-MM-dd`.
    Date,
    /// A date and time with offset (RFC 3339).
    DateTime,
}

/// Every field of an exported document, in document order, with what it holds.
pub const FIELDS: &[(&str, FieldKind, &str)] = &[
    ("id", FieldKind::Keyword, "tracuu's article id"),
    ("url", FieldKind::Keyword, "canonical URL of the article"),
    (
        "source",
        FieldKind::Keyword,
        "where tracuu imported it from",
    ),
    ("title", FieldKind::Original, "title as published"),
    (
        "title_vi",
        FieldKind::Vietnamese,
        "title, normalised and word-segmented",
    ),
    (
        "title_folded",
        FieldKind::Folded,
        "title_vi without diacritics",
    ),
    ("lead", FieldKind::Original, "lead (sapo) as published"),
    (
        "lead_vi",
        FieldKind::Vietnamese,
        "lead, normalised and word-segmented",
    ),
    (
        "lead_folded",
        FieldKind::Folded,
        "lead_vi without diacritics",
    ),
    (
        "body",
        FieldKind::Original,
        "body as published, paragraphs separated by blank lines",
    ),
    (
        "body_vi",
        FieldKind::Vietnamese,
        "body, normalised and word-segmented",
    ),
    (
        "body_folded",
        FieldKind::Folded,
        "body_vi without diacritics",
    ),
    (
        "date",
        FieldKind::Date,
        "publication date, Vietnam local time",
    ),
    (
        "datetime",
        FieldKind::DateTime,
        "publication date and time, +07:00",
    ),
    (
        "agency",
        FieldKind::Facet,
        "publishing agency, canonical full name",
    ),
    ("author", FieldKind::Facet, "author"),
    ("topic", FieldKind::Facet, "category or breadcrumb topic"),
    ("province", FieldKind::Facet, "province"),
    ("tags", FieldKind::KeywordList, "tags"),
];

// ---------------------------------------------------------------------------------------------
// Synonyms

const SYNONYMS_TSV: &str = include_str!("../../data/synonyms.tsv");

/// One abbreviation group in indexed form.
#[derive(Debug, Clone, PartialEq)]
struct SynonymGroup {
    /// Abbreviations in indexed form, each with whether it is also a syllable.
    abbreviations: Vec<(String, bool)>,
    long_form: String,
    ambiguous: bool,
}

/// Escapes the characters that mean something in the Solr synonym syntax.
fn escape_rule_term(term: &str) -> String {
    let mut s = String::with_capacity(term.len());
    for c in term.chars() {
        if matches!(c, ',' | '\\' | '=' | '>') {
            s.push('\\');
        }
        s.push(c);
    }
    s
}

/// tracuu's abbreviation table (`data/synonyms.tsv`) as synonym rules in the Solr syntax that
/// OpenSearch and Elasticsearch read: `abbr1, abbr2, long form` for an equivalence, and
/// `abbr => abbr, long form` for an ambiguous abbreviation (so the long form typed by a user is
/// not widened to every "TP" or "QĐ", just as tracuu ranks those expansions low). Terms are in
/// the `*_vi` form (`ủy_ban nhân_dân`), or folded when `folded`.
pub fn synonym_rules(folded: bool) -> Vec<String> {
    let form = |s: &str| {
        let vi = vi_text(s);
        if folded { folded_text(&vi) } else { vi }
    };
    let mut groups: Vec<SynonymGroup> = Vec::new();
    for line in SYNONYMS_TSV.lines() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let mut cols = line.split('\t');
        let (Some(abbr), Some(long)) = (cols.next(), cols.next()) else {
            continue;
        };
        let ambiguous = cols.next().is_some_and(|c| c.trim() == "ambiguous");
        // An abbreviation that is also a Vietnamese syllable once lowercased ("TƯ" → "tư")
        // must not stand for its long form when a user types that form, so it maps one way
        // only; folded, it collides with a whole family of syllables ("tu": tư, từ, tự, tu),
        // so it is left out of the folded rules.
        let word_like = is_word_like(&vi_text(abbr));
        if folded && word_like {
            continue;
        }
        let (abbr, long) = (form(abbr), form(long));
        if abbr.is_empty() || long.is_empty() || abbr == long {
            continue;
        }
        let abbr = (abbr, word_like);
        match groups.iter_mut().find(|g| g.long_form == long) {
            Some(g) => {
                g.ambiguous &= ambiguous;
                if !g.abbreviations.iter().any(|a| a.0 == abbr.0) {
                    g.abbreviations.push(abbr);
                }
            }
            None => groups.push(SynonymGroup {
                abbreviations: vec![abbr],
                long_form: long,
                ambiguous,
            }),
        }
    }
    let mut rules = Vec::new();
    for g in groups {
        let long = escape_rule_term(&g.long_form);
        let (mut one_way, mut both_ways) = (Vec::new(), Vec::new());
        for (a, word_like) in &g.abbreviations {
            if g.ambiguous || *word_like {
                one_way.push(escape_rule_term(a));
            } else {
                both_ways.push(escape_rule_term(a));
            }
        }
        if !both_ways.is_empty() {
            rules.push(format!("{}, {long}", both_ways.join(", ")));
        }
        rules.extend(one_way.iter().map(|a| format!("{a} => {a}, {long}")));
    }
    rules
}

/// True for an abbreviation that reads as a Vietnamese syllable: only letters, one of them a
/// vowel with a diacritic ("tư"), as opposed to "ubnd", "đbqh" or "tt&tt".
fn is_word_like(vi_abbr: &str) -> bool {
    !vi_abbr.is_empty()
        && vi_abbr.chars().all(char::is_alphabetic)
        && vi_abbr.chars().any(|c| {
            let mut f = String::new();
            fold_into(c.encode_utf8(&mut [0; 4]), &mut f);
            c != 'đ' && f != c.to_string()
        })
}

// ---------------------------------------------------------------------------------------------
// OpenSearch / Elasticsearch

/// Analyzer names used by the mapping.
const WORDS: &str = "tracuu_words";
const WORDS_SEARCH_VI: &str = "tracuu_words_search_vi";
const WORDS_SEARCH_FOLDED: &str = "tracuu_words_search_folded";
const SYLLABLES: &str = "tracuu_syllables";
const SYLLABLES_SEARCH_VI: &str = "tracuu_syllables_search_vi";
const SYLLABLES_SEARCH_FOLDED: &str = "tracuu_syllables_search_folded";
const NAME: &str = "tracuu_name";
const NAME_FOLDED: &str = "tracuu_name_folded";

/// Separator pattern (Java regex) of the syllable tokenizer.
const SYLLABLE_SPLIT: &str = r#"[\s_,;!?"'()\[\]{}«»“”…]+|[.:]+(?:\s+|$)"#;

/// The index body for `PUT /<index>`: analysis settings and mappings.
pub fn opensearch_mapping() -> Value {
    let custom = |tokenizer: &str, filters: &[&str]| json!({"type": "custom", "tokenizer": tokenizer, "filter": filters});
    let analysis = json!({
        "tokenizer": {
            // Syllables: split on whitespace and on the `_` that joins a compound word; for
            // queries typed as prose, also on punctuation that never sits inside a token, and
            // on a period or colon that ends a word (not the one inside "tp.hcm" or "1.000").
            "tracuu_syllable_tokenizer": {"type": "pattern", "pattern": SYLLABLE_SPLIT}
        },
        "filter": {
            "tracuu_synonyms_vi": {"type": "synonym_graph", "synonyms": synonym_rules(false)},
            "tracuu_synonyms_folded": {"type": "synonym_graph", "synonyms": synonym_rules(true)}
        },
        "analyzer": {
            WORDS: custom("whitespace", &["lowercase"]),
            WORDS_SEARCH_VI: custom("whitespace", &["lowercase", "tracuu_synonyms_vi"]),
            WORDS_SEARCH_FOLDED: custom("whitespace", &["lowercase", "tracuu_synonyms_folded"]),
            SYLLABLES: custom("tracuu_syllable_tokenizer", &["lowercase"]),
            SYLLABLES_SEARCH_VI: custom("tracuu_syllable_tokenizer", &["lowercase", "tracuu_synonyms_vi"]),
            SYLLABLES_SEARCH_FOLDED: custom("tracuu_syllable_tokenizer", &["lowercase", "tracuu_synonyms_folded"]),
            NAME: custom("standard", &["lowercase"]),
            NAME_FOLDED: custom("standard", &["lowercase", "asciifolding"])
        }
    });
    let analysed = |analyzer: &str, search: &str, syl_search: &str| {
        json!({
            "type": "text",
            "analyzer": analyzer,
            "search_analyzer": search,
            "fields": {
                "syllables": {"type": "text", "analyzer": SYLLABLES, "search_analyzer": syl_search}
            }
        })
    };
    let mut properties = Map::new();
    for &(name, kind, _) in FIELDS {
        let mapping = match kind {
            FieldKind::Keyword | FieldKind::KeywordList => json!({"type": "keyword"}),
            FieldKind::Facet => json!({
                "type": "keyword",
                "fields": {
                    "text": {"type": "text", "analyzer": NAME},
                    "folded": {"type": "text", "analyzer": NAME_FOLDED}
                }
            }),
            FieldKind::Original => json!({"type": "text", "index": false}),
            FieldKind::Vietnamese => analysed(WORDS, WORDS_SEARCH_VI, SYLLABLES_SEARCH_VI),
            FieldKind::Folded => analysed(WORDS, WORDS_SEARCH_FOLDED, SYLLABLES_SEARCH_FOLDED),
            FieldKind::Date => json!({"type": "date", "format": "yyyy-MM-dd"}),
            FieldKind::DateTime => json!({"type": "date", "format": "strict_date_optional_time"}),
        };
        properties.insert(name.to_string(), mapping);
    }
    json!({
        "settings": {"analysis": analysis},
        "mappings": {
            "_meta": {
                "generated_by": "tracuu export --format opensearch",
                "tracuu_version": env!("CARGO_PKG_VERSION"),
                "tracuu_analyzer_version": ANALYZER_VERSION,
                "text_forms": "*_vi: normalised lowercase NFC text, new-style tone placement, compound words joined by '_', punctuation dropped; *_folded: the same without diacritics. Queries against them must be written the same way (tracuu segment), or go to the .syllables subfields."
            },
            "dynamic": "strict",
            "properties": properties
        }
    })
}

// ---------------------------------------------------------------------------------------------
// Quickwit

/// A YAML double-quoted scalar.
fn yaml_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The Quickwit index config (YAML, config format 0.7).
pub fn quickwit_config(index_name: &str) -> String {
    let mut y = String::new();
    y.push_str(&format!(
        "# Quickwit index config written by `tracuu export --format quickwit`\n\
         # (tracuu {}, analyzer version {ANALYZER_VERSION}).\n\
         # *_vi fields hold normalised, word-segmented text (compound words joined by '_');\n\
         # *_folded fields the same without diacritics. Write queries the same way\n\
         # (`tracuu segment`), e.g. body_vi:\"ủy_ban nhân_dân\" or body_folded:bac_lieu.\n\
         #   quickwit index create --index-config index-config.yaml\n\
         #   quickwit index ingest --index {index_name} --input-path docs.ndjson\n",
        env!("CARGO_PKG_VERSION")
    ));
    y.push_str("version: 0.7\n");
    y.push_str(&format!("index_id: {}\n", yaml_str(index_name)));
    y.push_str("doc_mapping:\n  mode: strict\n  field_mappings:\n");
    for &(name, kind, description) in FIELDS {
        y.push_str(&format!("    - name: {name}\n"));
        y.push_str(&format!("      description: {}\n", yaml_str(description)));
        let lines: &[&str] = match kind {
            FieldKind::Keyword => &["type: text", "tokenizer: raw", "fast: true"],
            FieldKind::Facet => &["type: text", "tokenizer: raw", "fast: true"],
            FieldKind::KeywordList => &["type: array<text>", "tokenizer: raw", "fast: true"],
            FieldKind::Original => &["type: text", "indexed: false", "stored: true"],
            FieldKind::Vietnamese | FieldKind::Folded => &[
                "type: text",
                "tokenizer: whitespace",
                "record: position",
                "fieldnorms: true",
                "stored: false",
            ],
            FieldKind::Date => &[
                "type: datetime",
                "input_formats: [rfc3339, \"%Y-%m-%d\"]",
                "output_format: rfc3339",
                "fast: true",
                "fast_precision: seconds",
            ],
            FieldKind::DateTime => &[
                "type: datetime",
                "input_formats: [rfc3339]",
                "output_format: rfc3339",
                "fast: true",
                "fast_precision: seconds",
            ],
        };
        for l in lines {
            y.push_str("      ");
            y.push_str(l);
            y.push('\n');
        }
    }
    y.push_str("  timestamp_field: date\n");
    y.push_str("search_settings:\n  default_search_fields: [");
    let defaults: Vec<&str> = FIELDS
        .iter()
        .filter(|(_, k, _)| matches!(k, FieldKind::Vietnamese | FieldKind::Folded))
        .map(|(n, _, _)| *n)
        .collect();
    y.push_str(&defaults.join(", "));
    y.push_str("]\n");
    y
}

// ---------------------------------------------------------------------------------------------
// Writing

/// What an export wrote.
#[derive(Debug, Clone, Serialize)]
pub struct ExportSummary {
    pub articles: usize,
    /// The index definition file, when one was written.
    pub definition: Option<PathBuf>,
    /// The document stream file (None: stdout).
    pub documents: Option<PathBuf>,
}

/// The addresses of every live article of the index, in id order (so that two exports of
/// the same archive are byte-identical whatever its segment layout).
fn addresses_by_id(index: &ArchiveIndex, searcher: &tantivy::Searcher) -> Result<Vec<DocAddress>> {
    let mut ids: Vec<(String, DocAddress)> = Vec::new();
    for (seg_ord, segment) in searcher.segment_readers().iter().enumerate() {
        let alive = segment.alive_bitset();
        for doc in 0..segment.max_doc() {
            if alive.is_some_and(|a| !a.is_alive(doc)) {
                continue;
            }
            let address = DocAddress::new(seg_ord as u32, doc);
            let d: TantivyDocument = searcher.doc(address)?;
            let id = d
                .get_first(index.fields.id)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string();
            ids.push((id, address));
        }
    }
    ids.sort();
    Ok(ids.into_iter().map(|(_, a)| a).collect())
}

/// Writes the document stream of every article of `index` to `out`, in id order: for
/// OpenSearch an action line before each document, for Quickwit the documents alone.
/// Documents are built in parallel, in chunks, and written in order. Returns the count.
pub fn write_documents(
    index: &ArchiveIndex,
    engine: Engine,
    index_name: &str,
    out: &mut dyn Write,
    out_name: &Path,
) -> Result<usize> {
    let reader = index.reader()?;
    let searcher = reader.searcher();
    let addresses = addresses_by_id(index, &searcher)?;
    for chunk in addresses.chunks(512) {
        let lines: Vec<String> = chunk
            .par_iter()
            .map(|&addr| -> Result<String> {
                let d: TantivyDocument = searcher.doc(addr)?;
                let json = d
                    .get_first(index.fields.doc)
                    .and_then(|v| v.as_str())
                    .unwrap_or("{}");
                let article: Article = serde_json::from_str(json)
                    .map_err(|e| Error::Input(format!("stored article unreadable ({e})")))?;
                let doc = serde_json::to_string(&document(&article))
                    .map_err(|e| Error::Input(format!("article {}: {e}", article.id)))?;
                Ok(match engine {
                    Engine::OpenSearch => {
                        format!("{}\n{doc}\n", bulk_action(index_name, &article.id))
                    }
                    Engine::Quickwit => format!("{doc}\n"),
                })
            })
            .collect::<Result<_>>()?;
        for l in lines {
            out.write_all(l.as_bytes())
                .map_err(|e| Error::io(out_name, e))?;
        }
    }
    out.flush().map_err(|e| Error::io(out_name, e))?;
    Ok(addresses.len())
}

/// The index definition of `engine` as file content.
pub fn definition(engine: Engine, index_name: &str) -> String {
    match engine {
        Engine::OpenSearch => {
            let mut s = serde_json::to_string_pretty(&opensearch_mapping()).unwrap_or_default();
            s.push('\n');
            s
        }
        Engine::Quickwit => quickwit_config(index_name),
    }
}

/// Makes sure `dir` is a usable output directory (creating it if needed).
pub fn prepare_out_dir(dir: &Path) -> Result<()> {
    if dir.exists() && !dir.is_dir() {
        return Err(Error::Input(format!(
            "--out {}: exists and is not a directory; give a directory to write into",
            dir.display()
        )));
    }
    fs::create_dir_all(dir).map_err(|e| {
        Error::Input(format!(
            "--out {}: cannot create the directory ({e})",
            dir.display()
        ))
    })
}

/// Writes `content` to `path` through a temporary file and a rename, so a failed export never
/// leaves a half-written file under the final name.
pub fn write_file_atomically(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> Result<()>,
) -> Result<()> {
    let tmp = path.with_extension(format!(
        "{}.tmp",
        path.extension().and_then(|e| e.to_str()).unwrap_or("")
    ));
    let file = fs::File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
    let mut w = std::io::BufWriter::new(file);
    let result = write(&mut w).and_then(|()| w.flush().map_err(|e| Error::io(&tmp, e)));
    drop(w);
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
}

/// Exports the index at `index_dir` for `engine` into `out_dir`: the index definition and the
/// document stream, under the names of [`Engine::file_names`].
pub fn export_to_dir(
    index: &ArchiveIndex,
    engine: Engine,
    index_name: &str,
    out_dir: &Path,
) -> Result<ExportSummary> {
    check_index_name(index_name)?;
    prepare_out_dir(out_dir)?;
    let (def_name, docs_name) = engine.file_names();
    let def_path = out_dir.join(def_name);
    let docs_path = out_dir.join(docs_name);
    let mut articles = 0usize;
    write_file_atomically(&docs_path, |w| {
        articles = write_documents(index, engine, index_name, w, &docs_path)?;
        Ok(())
    })?;
    let text = definition(engine, index_name);
    write_file_atomically(&def_path, |w| {
        w.write_all(text.as_bytes())
            .map_err(|e| Error::io(&def_path, e))
    })?;
    Ok(ExportSummary {
        articles,
        definition: Some(def_path),
        documents: Some(docs_path),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn article() -> Article {
        Article {
            id: "abc123".into(),
            url: Some("https://stttt.baclieu.gov.vn/tin/1".into()),
            source: "pages/a.html".into(),
            title: "UBND tỉnh Bạc Liêu triển khai Quyết định 43/2008/QĐ-TTg".into(),
            lead: "Sở TT&TT Bạc Liêu hướng dẫn ứng dụng công nghệ thông tin.".into(),
            body: "Ủy ban nhân dân tỉnh đã họp.\n\nKinh phí 1,5 tỷ đồng; thuỷ lợi, hoà bình."
                .into(),
            date: NaiveDate::from_ymd_opt(2009, 4, 20),
            datetime: NaiveDate::from_ymd_opt(2009, 4, 20).and_then(|d| d.and_hms_opt(8, 30, 0)),
            agency: Some("Sở Thông tin và Truyền thông Bạc Liêu".into()),
            author: Some("  ".into()),
            topic: Some("Ứng dụng CNTT".into()),
            province: Some("Bạc Liêu".into()),
            tags: vec![],
        }
    }

    #[test]
    fn vi_text_keeps_codes_whole_joins_words_and_drops_punctuation() {
        let vi = vi_text("Quyết định 43/2008/QĐ-TTg của Ủy ban nhân dân, ngày 20/4/2009.");
        let tokens: Vec<&str> = vi.split(' ').collect();
        assert!(tokens.contains(&"43/2008/qđ-ttg"), "{vi}");
        assert!(tokens.contains(&"20/4/2009"), "{vi}");
        assert!(tokens.contains(&"quyết_định"), "{vi}");
        assert!(!vi.contains(',') || vi.contains("1,5"));
        assert!(!vi.contains("  ") && !vi.starts_with(' ') && !vi.ends_with(' '));
        assert_eq!(vi, vi.to_lowercase());
    }

    #[test]
    fn vi_tokens_are_the_analyzers_words() {
        // Every `*_vi` token is a token tracuu itself indexes (a word, syllable or protected
        // token), and the syllables of the `*_vi` text are the analyzer's syllables in order.
        let text = "Sở Thông tin và Truyền thông tỉnh Bạc Liêu tổ chức hội nghị về cải cách hành chính, \
                    Quyết định 43/2008/QĐ-TTg; hoà bình và thuỷ lợi";
        let toks = crate::analyze::tokens::Analyzer::default().tokens(text);
        let vi = vi_text(text);
        for t in vi.split(' ') {
            assert!(
                toks.iter().any(|a| a.text == t),
                "{t} not indexed by tracuu: {vi}"
            );
        }
        assert!(vi.contains("hòa") && vi.contains("thủy"), "{vi}");
    }

    #[test]
    fn folding_removes_every_diacritic() {
        let vi = vi_text("Đường Hồ Chí Minh, Ủy ban nhân dân Thừa Thiên Huế");
        let f = folded_text(&vi);
        assert!(f.is_ascii(), "{f}");
        assert_eq!(f.split(' ').count(), vi.split(' ').count());
        assert!(f.contains("duong"));
    }

    #[test]
    fn document_carries_the_three_forms_and_clean_metadata() {
        let a = article();
        let d = document(&a);
        assert_eq!(d.id, "abc123");
        assert_eq!(d.title, a.title);
        assert!(d.title_vi.contains("43/2008/qđ-ttg"));
        assert!(d.title_folded.contains("43/2008/qd-ttg"));
        assert!(d.body_vi.contains("1,5"));
        assert_eq!(d.date.as_deref(), Some("2009-04-20"));
        assert_eq!(d.datetime.as_deref(), Some("2009-04-20T08:30:00+07:00"));
        assert_eq!(d.author, None, "blank author is left out");
        let v = serde_json::to_value(&d).unwrap();
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        for k in &keys {
            assert!(FIELDS.iter().any(|(n, _, _)| n == k), "{k} not in FIELDS");
        }
        assert!(!keys.contains(&"tags") && !keys.contains(&"author"));
    }

    #[test]
    fn every_mapping_field_and_analyzer_is_defined() {
        let m = opensearch_mapping();
        let analyzers = m["settings"]["analysis"]["analyzer"].as_object().unwrap();
        let filters = m["settings"]["analysis"]["filter"].as_object().unwrap();
        for (_, a) in analyzers {
            for f in a["filter"].as_array().unwrap() {
                let f = f.as_str().unwrap();
                assert!(
                    ["lowercase", "asciifolding"].contains(&f) || filters.contains_key(f),
                    "{f}"
                );
            }
        }
        let props = m["mappings"]["properties"].as_object().unwrap();
        assert_eq!(props.len(), FIELDS.len());
        for (_, p) in props {
            for key in ["analyzer", "search_analyzer"] {
                if let Some(a) = p[key].as_str() {
                    assert!(analyzers.contains_key(a), "{a}");
                }
            }
        }
    }

    #[test]
    fn synonym_rules_use_the_indexed_form() {
        let vi = synonym_rules(false);
        assert!(vi.iter().any(|r| r == "ubnd, ủy_ban_nhân_dân"), "{vi:?}");
        // "TƯ" lowercased is the syllable "tư": it only maps one way, and not at all folded.
        assert!(vi.iter().any(|r| r == "t.ư, trung_ương"), "{vi:?}");
        assert!(vi.iter().any(|r| r == "tư => tư, trung_ương"), "{vi:?}");
        assert!(vi.iter().any(|r| r.starts_with("tp => tp, ")), "{vi:?}");
        assert!(vi.iter().any(|r| r.contains("tt&tt, tttt, ")), "{vi:?}");
        let folded = synonym_rules(true);
        assert!(folded.iter().all(|r| r.is_ascii()), "{folded:?}");
        assert!(
            folded.iter().any(|r| r == "ubnd, uy_ban_nhan_dan"),
            "{folded:?}"
        );
        assert!(folded.iter().any(|r| r == "t.u, trung_uong"), "{folded:?}");
        assert!(!folded.iter().any(|r| r.starts_with("tu")), "{folded:?}");
        for r in vi.iter().chain(&folded) {
            let (lhs, rhs) = r.split_once(" => ").unwrap_or(("", r));
            for term in lhs
                .split(", ")
                .chain(rhs.split(", "))
                .filter(|t| !t.is_empty())
            {
                assert_eq!(term.trim(), term, "{r}");
                assert!(!term.contains("  "), "{r}");
            }
        }
    }

    #[test]
    fn syllable_pattern_splits_typed_queries_but_keeps_protected_tokens() {
        // The pattern uses no look-around, so the regex crate reads it as Java does.
        let re = regex::Regex::new(SYLLABLE_SPLIT).unwrap();
        let split = |t: &str| -> Vec<String> {
            re.split(t)
                .filter(|x| !x.is_empty())
                .map(str::to_string)
                .collect()
        };
        assert_eq!(
            split("Ủy ban nhân dân, tỉnh (Bạc Liêu)."),
            ["Ủy", "ban", "nhân", "dân", "tỉnh", "Bạc", "Liêu"]
        );
        assert_eq!(
            split("ủy_ban_nhân_dân 43/2008/qđ-ttg tp.hcm 1.000 cđs"),
            [
                "ủy",
                "ban",
                "nhân",
                "dân",
                "43/2008/qđ-ttg",
                "tp.hcm",
                "1.000",
                "cđs"
            ]
        );
    }

    #[test]
    fn escaping_and_yaml_quoting() {
        assert_eq!(escape_rule_term("a,b=>c"), "a\\,b\\=\\>c");
        assert_eq!(yaml_str("a\"b\\"), "\"a\\\"b\\\\\"");
    }

    #[test]
    fn quickwit_config_lists_every_field_once() {
        let y = quickwit_config("tracuu");
        for (name, _, _) in FIELDS {
            assert_eq!(
                y.matches(&format!("    - name: {name}\n")).count(),
                1,
                "{name}"
            );
        }
        assert!(y.contains("timestamp_field: date"));
    }

    #[test]
    fn index_names_are_checked() {
        assert!(check_index_name("tracuu").is_ok());
        assert!(check_index_name("tracuu-2024_a").is_ok());
        for bad in ["", "ab", "Tracuu", "1abc", "a b c", "tra/cuu"] {
            assert!(check_index_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn bad_out_dir_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("f");
        fs::write(&file, "x").unwrap();
        let e = prepare_out_dir(&file).unwrap_err().to_string();
        assert!(e.contains("not a directory"), "{e}");
        let e = prepare_out_dir(&file.join("sub")).unwrap_err().to_string();
        assert!(e.contains("cannot create"), "{e}");
        assert!(prepare_out_dir(&dir.path().join("new/deeper")).is_ok());
    }
}
