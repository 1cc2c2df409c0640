//! Ingest: reads dumps — directory trees of saved pages, WARC files and NDJSON exports — and
//! streams what they hold, one page or article at a time, so a dump of any size is read in
//! constant memory. [`import`] runs the whole import: ingest → extract → index.

pub mod import;
pub mod ndjson;
pub mod warc;

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use crate::Article;
use crate::extract::RawPage;
use ndjson::FieldMap;

/// One item read from a dump.
#[derive(Debug)]
pub enum Input {
    /// A page to extract.
    Page(RawPage),
    /// An article that came structured (NDJSON).
    Article(Box<Article>),
    /// Something that could not be used, with the reason.
    Skip { source: String, reason: String },
}

/// The kind of a dump file, from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DumpKind {
    Html,
    Warc,
    WarcGz,
    Ndjson,
}

/// Recognises a dump file by its name; `None` for files an import ignores.
pub fn dump_kind(path: &Path) -> Option<DumpKind> {
    let name = path.file_name()?.to_str()?.to_ascii_lowercase();
    if name.ends_with(".warc.gz") || name.ends_with(".warc.gzip") {
        Some(DumpKind::WarcGz)
    } else if name.ends_with(".warc") {
        Some(DumpKind::Warc)
    } else if name.ends_with(".jsonl")
        || name.ends_with(".ndjson")
        || name.ends_with(".jsonl.gz")
        || name.ends_with(".ndjson.gz")
    {
        Some(DumpKind::Ndjson)
    } else if name.ends_with(".html")
        || name.ends_with(".htm")
        || name.ends_with(".shtml")
        || name.ends_with(".aspx")
    {
        Some(DumpKind::Html)
    } else {
        None
    }
}

/// Options for reading dumps.
#[derive(Debug, Clone, Default)]
pub struct IngestOptions {
    pub field_map: FieldMap,
}

/// Checks that every path exists and is readable before anything is written.
pub fn check_paths(paths: &[PathBuf]) -> crate::Result<()> {
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|e| crate::Error::io(p, e))?;
        if meta.is_file() {
            if dump_kind(p).is_none() {
                return Err(crate::Error::Input(format!(
                    "{}: not a dump tracuu reads (a directory, .html/.htm, .warc, .warc.gz, .jsonl or .ndjson)",
                    p.display()
                )));
            }
            File::open(p).map_err(|e| crate::Error::io(p, e))?;
        }
    }
    Ok(())
}

/// Reads every path in turn and hands each item to `sink`. Returns early only if `sink`
/// returns `false` (the consumer stopped).
pub fn read_all(paths: &[PathBuf], options: &IngestOptions, sink: &mut dyn FnMut(Input) -> bool) {
    for root in paths {
        if root.is_dir() {
            let walker = walkdir::WalkDir::new(root)
                .sort_by_file_name()
                .follow_links(true);
            for entry in walker {
                let entry = match entry {
                    Ok(e) => e,
                    Err(e) => {
                        let source = e.path().map_or_else(
                            || root.display().to_string(),
                            |p| p.display().to_string(),
                        );
                        if !sink(Input::Skip {
                            source,
                            reason: format!("unreadable: {e}"),
                        }) {
                            return;
                        }
                        continue;
                    }
                };
                if !entry.file_type().is_file() {
                    continue;
                }
                // Inside directories only saved pages are read; dumps are named explicitly.
                let Some(kind @ DumpKind::Html) = dump_kind(entry.path()) else {
                    continue;
                };
                let rel = entry.path().strip_prefix(root).unwrap_or(entry.path());
                if !read_file(
                    entry.path(),
                    &rel.display().to_string(),
                    kind,
                    options,
                    sink,
                ) {
                    return;
                }
            }
        } else if let Some(kind) = dump_kind(root)
            && !read_file(root, &root.display().to_string(), kind, options, sink)
        {
            return;
        }
    }
}

fn read_file(
    path: &Path,
    source: &str,
    kind: DumpKind,
    options: &IngestOptions,
    sink: &mut dyn FnMut(Input) -> bool,
) -> bool {
    let skip = |reason: String| Input::Skip {
        source: source.to_string(),
        reason,
    };
    match kind {
        DumpKind::Html => match std::fs::read(path) {
            Ok(bytes) => sink(Input::Page(RawPage {
                bytes,
                url: None,
                source: source.to_string(),
                http_charset: None,
            })),
            Err(e) => sink(skip(format!("unreadable: {e}"))),
        },
        DumpKind::Warc | DumpKind::WarcGz => {
            let file = match File::open(path) {
                Ok(f) => f,
                Err(e) => return sink(skip(format!("unreadable: {e}"))),
            };
            let reader: Box<dyn Read> = if kind == DumpKind::WarcGz || is_gzip(path) {
                Box::new(flate2::read::MultiGzDecoder::new(BufReader::new(file)))
            } else {
                Box::new(file)
            };
            read_warc(reader, source, sink)
        }
        DumpKind::Ndjson => {
            let file = match File::open(path) {
                Ok(f) => f,
                Err(e) => return sink(skip(format!("unreadable: {e}"))),
            };
            let reader: Box<dyn BufRead> = if path.to_string_lossy().ends_with(".gz") {
                Box::new(BufReader::new(flate2::read::MultiGzDecoder::new(file)))
            } else {
                Box::new(BufReader::new(file))
            };
            read_ndjson(reader, source, options, sink)
        }
    }
}

fn is_gzip(path: &Path) -> bool {
    let mut magic = [0u8; 2];
    File::open(path)
        .and_then(|mut f| f.read_exact(&mut magic))
        .is_ok()
        && magic == [0x1f, 0x8b]
}

fn read_warc(reader: Box<dyn Read>, source: &str, sink: &mut dyn FnMut(Input) -> bool) -> bool {
    for (n, record) in warc::WarcReader::new(reader).enumerate() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let reason = format!("{e} (after {n} records; the records before it were read)");
                return sink(Input::Skip {
                    source: source.to_string(),
                    reason,
                });
            }
        };
        let uri = record
            .target_uri
            .clone()
            .unwrap_or_else(|| format!("record-{}", n + 1));
        let rec_source = format!("{source}#{uri}");
        let item = match record.record_type.as_str() {
            "response" => match warc::parse_http_response(&record.block) {
                None => Input::Skip {
                    source: rec_source,
                    reason: "response record without an HTTP header".into(),
                },
                Some(http) if !(200..300).contains(&http.status) => Input::Skip {
                    source: rec_source,
                    reason: format!("HTTP status {}", http.status),
                },
                Some(http) if http.media_type.as_deref().is_some_and(|m| !is_html(m)) => {
                    Input::Skip {
                        source: rec_source,
                        reason: format!("not HTML ({})", http.media_type.unwrap_or_default()),
                    }
                }
                Some(http) => Input::Page(RawPage {
                    bytes: http.body.to_vec(),
                    url: record.target_uri.clone(),
                    source: rec_source,
                    http_charset: http.charset,
                }),
            },
            "resource" => {
                let (media, charset) = record
                    .content_type
                    .as_deref()
                    .map(warc::split_content_type)
                    .unwrap_or((None, None));
                if media.as_deref().is_some_and(|m| !is_html(m)) {
                    Input::Skip {
                        source: rec_source,
                        reason: format!("not HTML ({})", media.unwrap_or_default()),
                    }
                } else {
                    Input::Page(RawPage {
                        bytes: record.block,
                        url: record.target_uri,
                        source: rec_source,
                        http_charset: charset,
                    })
                }
            }
            // warcinfo, request, metadata, revisit…: not pages.
            _ => continue,
        };
        if !sink(item) {
            return false;
        }
    }
    true
}

fn is_html(media: &str) -> bool {
    media.contains("html") || media == "text/plain"
}

fn read_ndjson(
    reader: Box<dyn BufRead>,
    source: &str,
    options: &IngestOptions,
    sink: &mut dyn FnMut(Input) -> bool,
) -> bool {
    for (i, line) in reader.split(b'\n').enumerate() {
        let line_source = format!("{source}:{}", i + 1);
        let item = match line {
            Err(e) => {
                // A broken stream (e.g. truncated gzip) does not recover: report and stop here.
                return sink(Input::Skip {
                    source: line_source,
                    reason: format!("unreadable from here on: {e}"),
                });
            }
            Ok(bytes) => {
                let text = String::from_utf8_lossy(&bytes);
                let text = text.trim();
                if text.is_empty() {
                    continue;
                }
                match ndjson::parse_line(text, &options.field_map, line_source.clone()) {
                    Ok(a) => Input::Article(Box::new(a)),
                    Err(reason) => Input::Skip {
                        source: line_source,
                        reason,
                    },
                }
            }
        };
        if !sink(item) {
            return false;
        }
    }
    true
}
