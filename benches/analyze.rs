//! Analyzer speed, side by side in one run: normalisation alone, tracuu's full analysis
//! (normalise, fold, segment, protected tokens) and tantivy's default tokenizer
//! (SimpleTokenizer + LowerCaser) on the same text. Throughput is reported in bytes.
//!
//! Text: the bundled sample articles (`samples/expected.jsonl`), and when `../shared` exists,
//! also 2,000 real news articles from the VNTC corpus.

use std::io::Read;
use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tantivy::tokenizer::{LowerCaser, SimpleTokenizer, TextAnalyzer, TokenStream, Tokenizer};
use tracuu::analyze::normalize::normalize_text;
use tracuu::analyze::tokens::{Analyzer, VietnameseTokenizer};

fn sample_text() -> String {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut text = String::new();
    if let Ok(lines) = std::fs::read_to_string(root.join("samples/expected.jsonl")) {
        for l in lines.lines() {
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(l) {
                for k in ["title", "lead", "body"] {
                    text.push_str(v[k].as_str().unwrap_or(""));
                    text.push('\n');
                }
            }
        }
    }
    let vntc = root.join("../shared/data/vntc/vntc-train.jsonl.xz");
    if let Ok(f) = std::fs::File::open(&vntc) {
        // The first 8 MB of the corpus; the cut may fall inside a character, so only whole
        // lines are kept.
        let mut bytes = Vec::new();
        let read = xz2::read::XzDecoder::new(f)
            .take(8_000_000)
            .read_to_end(&mut bytes);
        if let Some(end) = bytes.iter().rposition(|&b| b == b'\n') {
            bytes.truncate(end + 1);
        }
        let s = String::from_utf8_lossy(&bytes);
        if read.is_ok() && !s.is_empty() {
            for l in s.lines().take(2000) {
                if let Ok(v) = serde_json::from_str::<serde_json::Value>(l) {
                    text.push_str(v["text"].as_str().unwrap_or(""));
                    text.push('\n');
                }
            }
        } else {
            eprintln!("note: could not read {}", vntc.display());
        }
    } else {
        eprintln!("note: ../shared absent; benchmarking on the bundled samples only");
    }
    text
}

fn count_tokens<T: Tokenizer>(tok: &mut T, text: &str) -> usize {
    let mut stream = tok.token_stream(text);
    let mut n = 0;
    while stream.advance() {
        n += stream.token().text.len() & 1;
    }
    n
}

fn bench(c: &mut Criterion) {
    let text = sample_text();
    let docs: Vec<&str> = text.lines().filter(|l| !l.is_empty()).collect();
    let bytes: u64 = docs.iter().map(|d| d.len() as u64).sum();
    let mut g = c.benchmark_group("analysis");
    g.throughput(Throughput::Bytes(bytes));
    g.sample_size(10);
    g.bench_function("tantivy_default_tokenizer", |b| {
        let mut t = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .build();
        b.iter(|| {
            let mut n = 0usize;
            for d in &docs {
                let mut s = t.token_stream(d);
                while s.advance() {
                    n += s.token().text.len() & 1;
                }
            }
            n
        })
    });
    g.bench_function("tracuu_normalize_only", |b| {
        b.iter(|| docs.iter().map(|d| normalize_text(d).len()).sum::<usize>())
    });
    g.bench_function("tracuu_full_analysis", |b| {
        let mut t = VietnameseTokenizer::default();
        b.iter(|| docs.iter().map(|d| count_tokens(&mut t, d)).sum::<usize>())
    });
    g.bench_function("tracuu_analysis_without_segmentation", |b| {
        static NONE: tracuu::analyze::NoSegmentation = tracuu::analyze::NoSegmentation;
        let mut a = Analyzer::new(&NONE);
        b.iter(|| {
            let mut n = 0usize;
            for d in &docs {
                a.for_each_token(d, |_, _, _, _, _| n += 1);
            }
            n
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
