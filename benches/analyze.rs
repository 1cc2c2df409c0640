//! Analyzer speed, side by side in one run: normalisation alone, tracuu's full analysis
//! (normalise, fold, segment, protected tokens) and tantivy's default tokenizer
//! (SimpleTokenizer + LowerCaser) on the same text. Throughput is reported in bytes.
//!
//! Text: the bundled sample articles (`samples/expected.jsonl`), and when `../shared` exists,
//! also 2,000 real news articles from the VNTC corpus.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tantivy::tokenizer::{LowerCaser, SimpleTokenizer, TextAnalyzer, TokenStream, Tokenizer};
use tracuu::analyze::normalize::normalize_text;
use tracuu::analyze::tokens::{Analyzer, VietnameseTokenizer};

#[path = "common/analyze_text.rs"]
mod analyze_text;
use analyze_text::sample_text;

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
