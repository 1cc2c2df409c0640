//! gen_archive: a deterministic generator of realistic Vietnamese provincial news archives.
//!
//! tracuu's import, analysis, search and rebuild targets are stated for archives of 100,000
//! articles; no such archive can be shipped, so this example writes one of any size, the
//! same bytes for the same `--articles N --seed S`, together with the truth (what a perfect
//! extractor would return for every page) and a known-item query set. Pages come in the
//! documented layouts (mic.gov.vn SharePoint, the new chinhphu/baochinhphu/mic portals,
//! NukeViet) and in two invented ones (an old table-based portal in windows-1258, a
//! Joomla-like one), at 15–40 KB each, some NFD, some entity-heavy.
//!
//! ```text
//! cargo run --release --example gen_archive -- --articles 100000 --seed 1 --out /tmp/arch
//!     [--formats pages,warc,ndjson]
//! ```
//!
//! Output: `DIR/pages/<layout>/<nnnnnnn>.html`, `DIR/archive.warc.gz`, `DIR/articles.ndjson`,
//! `DIR/truth.jsonl`, `DIR/queries.tsv`. Everything streams to disk; only small per-article
//! keys (hashes) are kept in memory to pick unambiguous query targets.

#[path = "gen_archive/layouts.rs"]
mod layouts;
#[path = "gen_archive/story.rs"]
mod story;
#[path = "gen_archive/text.rs"]
mod text;
#[path = "gen_archive/vocab.rs"]
mod vocab;
#[path = "gen_archive/warc.rs"]
mod warc;

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};

use story::{Generator, Rng};

/// Which outputs to write.
#[derive(Clone, Copy, Debug)]
struct Formats {
    pages: bool,
    warc: bool,
    ndjson: bool,
}

struct Options {
    articles: u64,
    seed: u64,
    out: PathBuf,
    formats: Formats,
    queries: usize,
}

fn parse_args() -> Result<Options> {
    let mut articles = 1000u64;
    let mut seed = 1u64;
    let mut out: Option<PathBuf> = None;
    let mut formats = Formats {
        pages: true,
        warc: true,
        ndjson: true,
    };
    let mut queries = 0usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let (key, inline) = match a.split_once('=') {
            Some((k, v)) => (k.to_string(), Some(v.to_string())),
            None => (a.clone(), None),
        };
        let mut value = || -> Result<String> {
            match inline.clone() {
                Some(v) => Ok(v),
                None => args.next().with_context(|| format!("{key} needs a value")),
            }
        };
        match key.as_str() {
            "--articles" | "-n" => articles = value()?.parse().context("--articles: a number")?,
            "--seed" => seed = value()?.parse().context("--seed: a number")?,
            "--out" | "-o" => out = Some(PathBuf::from(value()?)),
            "--queries" => queries = value()?.parse().context("--queries: a number")?,
            "--formats" => {
                let v = value()?;
                formats = Formats {
                    pages: false,
                    warc: false,
                    ndjson: false,
                };
                for f in v.split(',') {
                    match f.trim() {
                        "pages" => formats.pages = true,
                        "warc" => formats.warc = true,
                        "ndjson" => formats.ndjson = true,
                        "" => {}
                        other => bail!("unknown format {other:?} (pages, warc, ndjson)"),
                    }
                }
            }
            "-h" | "--help" => {
                println!(
                    "gen_archive --articles N --seed S --out DIR [--formats pages,warc,ndjson] [--queries Q]"
                );
                std::process::exit(0);
            }
            other => bail!("unknown argument {other:?}; try --help"),
        }
    }
    let out = out.context("--out DIR is required")?;
    if queries == 0 {
        // About 1,500 for large archives (so that 1,000+ survive the uniqueness filter),
        // proportionally fewer for small ones.
        queries = (articles as usize / 4).clamp(40, 1500);
    }
    Ok(Options {
        articles,
        seed,
        out,
        formats,
        queries,
    })
}

fn main() -> Result<()> {
    let opts = parse_args()?;
    let started = Instant::now();
    let summary = generate(
        &opts.out,
        opts.articles,
        opts.seed,
        opts.formats,
        opts.queries,
    )?;
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "gen_archive: {} articles, {} page bytes ({:.1} KB/page), {} queries in {:.1}s ({:.0} articles/s) -> {}",
        opts.articles,
        summary.page_bytes,
        summary.page_bytes as f64 / opts.articles.max(1) as f64 / 1024.0,
        summary.queries,
        secs,
        opts.articles as f64 / secs.max(1e-9),
        opts.out.display()
    );
    Ok(())
}

/// What a run wrote.
struct Summary {
    pub page_bytes: u64,
    pub queries: usize,
}

fn create(path: &Path) -> Result<BufWriter<File>> {
    let f = File::create(path).with_context(|| format!("creating {}", path.display()))?;
    Ok(BufWriter::with_capacity(1 << 20, f))
}

/// Writes the whole archive under `out`.
fn generate(
    out: &Path,
    articles: u64,
    seed: u64,
    formats: Formats,
    queries: usize,
) -> Result<Summary> {
    fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let mut generator = Generator::new(seed, articles, queries);
    let mut truth = create(&out.join("truth.jsonl"))?;
    let mut ndjson = if formats.ndjson {
        Some(create(&out.join("articles.ndjson"))?)
    } else {
        None
    };
    let mut warc = if formats.warc {
        let mut w = warc::WarcWriter::new(create(&out.join("archive.warc.gz"))?);
        let mut r = Rng::new(seed ^ 0x5741_5243);
        w.warcinfo(
            &r.uuid(),
            "2025-11-01T00:00:00Z",
            "archive.warc.gz",
            &format!(
                "software: tracuu gen_archive\r\nformat: WARC File Format 1.0\r\ndescription: synthetic Vietnamese provincial news archive, {articles} articles, seed {seed}\r\n"
            ),
        )?;
        Some(w)
    } else {
        None
    };
    if formats.pages {
        for l in layouts::Layout::ALL {
            let d = out.join("pages").join(l.dir());
            fs::create_dir_all(&d).with_context(|| format!("creating {}", d.display()))?;
        }
    }
    let mut page_bytes = 0u64;
    for idx in 0..articles {
        let story = generator.next_story(idx);
        let page = layouts::render(&story, &generator.pools);
        page_bytes += page.len() as u64;
        let rel = format!("pages/{}/{:07}.html", story.layout.dir(), idx);
        if formats.pages {
            let path = out.join(&rel);
            fs::write(&path, &page).with_context(|| format!("writing {}", path.display()))?;
        }
        if let Some(w) = warc.as_mut() {
            let mut r = Rng::new(seed ^ idx.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x1234);
            let crawl = story.crawl_time(idx);
            w.response(
                &r.uuid(),
                &crawl.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
                &story.url,
                story.charset(),
                &crawl.format("%a, %d %b %Y %H:%M:%S GMT").to_string(),
                &page,
            )
            .context("writing archive.warc.gz")?;
        }
        serde_json::to_writer(&mut truth, &story.truth_json(&rel))
            .context("writing truth.jsonl")?;
        truth.write_all(b"\n")?;
        if let Some(n) = ndjson.as_mut() {
            serde_json::to_writer(&mut *n, &story.article_json())
                .context("writing articles.ndjson")?;
            n.write_all(b"\n")?;
        }
    }
    truth.flush()?;
    if let Some(mut n) = ndjson {
        n.flush()?;
    }
    if let Some(w) = warc {
        w.into_inner().flush()?;
    }
    let mut q = create(&out.join("queries.tsv"))?;
    let written = generator.write_queries(&mut q)?;
    q.flush()?;
    Ok(Summary {
        page_bytes,
        queries: written,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all() -> Formats {
        Formats {
            pages: true,
            warc: true,
            ndjson: true,
        }
    }

    fn read_tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
        let mut out = Vec::new();
        for e in walkdir::WalkDir::new(dir).sort_by_file_name() {
            let e = e.unwrap();
            if e.file_type().is_file() {
                let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
                out.push((rel, fs::read(e.path()).unwrap()));
            }
        }
        out
    }

    #[test]
    fn same_seed_gives_same_bytes() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        generate(a.path(), 60, 7, all(), 40).unwrap();
        generate(b.path(), 60, 7, all(), 40).unwrap();
        let ta = read_tree(a.path());
        assert!(ta.len() > 60);
        assert_eq!(ta, read_tree(b.path()));
        let c = tempfile::tempdir().unwrap();
        generate(c.path(), 60, 8, all(), 40).unwrap();
        assert_ne!(ta, read_tree(c.path()));
    }

    #[test]
    fn pages_are_15_to_40_kb_and_cover_every_layout() {
        let d = tempfile::tempdir().unwrap();
        generate(d.path(), 300, 3, all(), 60).unwrap();
        let mut layouts = std::collections::BTreeSet::new();
        for (rel, bytes) in read_tree(&d.path().join("pages")) {
            assert!(
                (15 * 1024..=40 * 1024).contains(&bytes.len()),
                "{rel}: {} bytes",
                bytes.len()
            );
            layouts.insert(rel.split('/').next().unwrap().to_string());
        }
        assert_eq!(layouts.len(), layouts::Layout::ALL.len());
    }

    #[test]
    fn windows_1258_pages_decode_to_the_truth() {
        use unicode_normalization::UnicodeNormalization;
        let d = tempfile::tempdir().unwrap();
        generate(d.path(), 200, 5, all(), 40).unwrap();
        let truth = fs::read_to_string(d.path().join("truth.jsonl")).unwrap();
        let arts = fs::read_to_string(d.path().join("articles.ndjson")).unwrap();
        let mut checked = 0;
        for (t, a) in truth.lines().zip(arts.lines()) {
            let t: serde_json::Value = serde_json::from_str(t).unwrap();
            if t["encoding"] != "windows-1258" {
                continue;
            }
            let a: serde_json::Value = serde_json::from_str(a).unwrap();
            let bytes = fs::read(d.path().join(t["path"].as_str().unwrap())).unwrap();
            let (decoded, _, errors) = encoding_rs::WINDOWS_1258.decode(&bytes);
            assert!(!errors);
            let nfc: String = decoded.nfc().collect();
            let title = a["title"].as_str().unwrap();
            let mut escaped = String::new();
            text::escape(title, &mut escaped);
            assert!(
                nfc.contains(&escaped),
                "title {title:?} not in the decoded page"
            );
            checked += 1;
        }
        assert!(checked > 0, "no windows-1258 page among 200");
    }

    #[test]
    fn queries_name_existing_targets() {
        let d = tempfile::tempdir().unwrap();
        generate(d.path(), 400, 9, all(), 120).unwrap();
        let truth = fs::read_to_string(d.path().join("truth.jsonl")).unwrap();
        let urls: std::collections::HashSet<String> = truth
            .lines()
            .map(|l| {
                serde_json::from_str::<serde_json::Value>(l).unwrap()["url"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        assert_eq!(urls.len(), 400, "urls are unique");
        let q = fs::read_to_string(d.path().join("queries.tsv")).unwrap();
        let mut lines = q.lines();
        assert_eq!(lines.next(), Some("class\tquery\ttarget_url\tflags"));
        let mut classes = std::collections::BTreeSet::new();
        let mut n = 0;
        for l in lines {
            let cols: Vec<&str> = l.split('\t').collect();
            assert_eq!(cols.len(), 4, "{l}");
            assert!(urls.contains(cols[2]), "{l}");
            classes.insert(cols[0].to_string());
            n += 1;
        }
        assert!(n >= 60, "only {n} queries");
        assert!(classes.len() >= 8, "{classes:?}");
    }
}
