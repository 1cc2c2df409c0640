//! The analyzer bench's text (`benches/analyze.rs`), outside criterion: a fingerprint of the
//! whole token stream, to check that a change to the analyzer keeps every token (text, kind,
//! position, offsets), and a fixed amount of work for profilers such as callgrind.
//!
//! ```sh
//! cargo run --release --example analyze_check -- hash
//! valgrind --tool=callgrind target/release/examples/analyze_check run 1 full
//! ```
//!
//! `run N MODE` analyses the text N times; MODE is `full` (tracuu's tantivy tokenizer, as the
//! bench's full analysis), `analyzer` (the same analysis without copying the tokens for
//! tantivy), `plain` (without segmentation) or `tantivy` (tantivy's default tokenizer).
//!
//! `ratio ROUNDS` times one pass of tantivy's tokenizer and one of the full analysis in turn,
//! ROUNDS times, and prints the fastest pass of each and the median ratio of neighbouring
//! passes: on a shared machine that moves less than separate runs do.

use tantivy::tokenizer::{LowerCaser, SimpleTokenizer, TextAnalyzer, TokenStream, Tokenizer};
use tracuu::analyze::tokens::{Analyzer, VietnameseTokenizer};

#[path = "../benches/common/analyze_text.rs"]
mod analyze_text;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let text = analyze_text::sample_text();
    let docs: Vec<&str> = text.lines().filter(|l| !l.is_empty()).collect();
    let bytes: usize = docs.iter().map(|d| d.len()).sum();
    match args.first().map(String::as_str) {
        Some("hash") | None => hash(&docs, bytes),
        Some("run") => {
            let times = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(1);
            let mode = args.get(2).map_or("full", String::as_str);
            run(&docs, times, mode);
        }
        Some("ratio") => {
            let rounds = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(20);
            ratio(&docs, bytes, rounds);
        }
        Some(other) => {
            eprintln!(
                "usage: analyze_check [hash | run N full|analyzer|plain|tantivy | ratio ROUNDS], not `{other}`"
            );
            std::process::exit(2);
        }
    }
}

/// Prints blake3 fingerprints of every token of every document: the analyzer's own stream
/// (text, kind, position, offsets) and what tantivy receives from the tokenizer.
fn hash(docs: &[&str], bytes: usize) {
    let mut analyzer = Analyzer::default();
    let mut own = blake3::Hasher::new();
    let mut count = 0usize;
    for (d, doc) in docs.iter().enumerate() {
        own.update(&(d as u64).to_le_bytes());
        analyzer.for_each_token(doc, |text, kind, position, start, end| {
            own.update(text.as_bytes());
            own.update(&[0xff]);
            own.update(kind.name().as_bytes());
            for n in [position, start, end] {
                own.update(&(n as u64).to_le_bytes());
            }
            count += 1;
        });
    }
    let mut tokenizer = VietnameseTokenizer::default();
    let mut fed = blake3::Hasher::new();
    for (d, doc) in docs.iter().enumerate() {
        fed.update(&(d as u64).to_le_bytes());
        let mut stream = tokenizer.token_stream(doc);
        while stream.advance() {
            let t = stream.token();
            fed.update(t.text.as_bytes());
            fed.update(&[0xff]);
            for n in [t.position, t.position_length, t.offset_from, t.offset_to] {
                fed.update(&(n as u64).to_le_bytes());
            }
        }
    }
    println!("{} documents, {bytes} bytes, {count} tokens", docs.len());
    println!("analyzer tokens  {}", own.finalize());
    println!("tantivy stream   {}", fed.finalize());
}

fn ratio(docs: &[&str], bytes: usize, rounds: usize) {
    let mut tantivy = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(LowerCaser)
        .build();
    let mut full = VietnameseTokenizer::default();
    let pass = |t: &mut dyn FnMut(&str) -> usize| {
        let start = std::time::Instant::now();
        let n: usize = docs.iter().map(|d| t(d)).sum();
        std::hint::black_box(n);
        start.elapsed().as_secs_f64()
    };
    let (mut best_t, mut best_f, mut ratios) = (f64::MAX, f64::MAX, Vec::new());
    for _ in 0..rounds.max(1) {
        let t = pass(&mut |d| {
            let mut s = tantivy.token_stream(d);
            let mut n = 0;
            while s.advance() {
                n += s.token().text.len() & 1;
            }
            n
        });
        let f = pass(&mut |d| count(&mut full, d));
        best_t = best_t.min(t);
        best_f = best_f.min(f);
        ratios.push(t / f);
    }
    ratios.sort_by(f64::total_cmp);
    let mib = bytes as f64 / (1024.0 * 1024.0);
    println!(
        "tantivy {:.1} MiB/s, full {:.1} MiB/s (fastest passes): full/tantivy {:.3}, median of rounds {:.3}",
        mib / best_t,
        mib / best_f,
        best_t / best_f,
        ratios[ratios.len() / 2]
    );
}

fn count<T: Tokenizer>(t: &mut T, text: &str) -> usize {
    let mut s = t.token_stream(text);
    let mut n = 0;
    while s.advance() {
        n += s.token().text.len() & 1;
    }
    n
}

#[inline(never)]
fn run(docs: &[&str], times: usize, mode: &str) {
    let mut n = 0usize;
    match mode {
        "full" => {
            let mut t = VietnameseTokenizer::default();
            for _ in 0..times {
                for d in docs {
                    let mut s = t.token_stream(d);
                    while s.advance() {
                        n += s.token().text.len() & 1;
                    }
                }
            }
        }
        "analyzer" => {
            let mut a = Analyzer::default();
            for _ in 0..times {
                for d in docs {
                    a.for_each_token(d, |_, _, _, _, _| n += 1);
                }
            }
        }
        "plain" => {
            static NONE: tracuu::analyze::NoSegmentation = tracuu::analyze::NoSegmentation;
            let mut a = Analyzer::new(&NONE);
            for _ in 0..times {
                for d in docs {
                    a.for_each_token(d, |_, _, _, _, _| n += 1);
                }
            }
        }
        "tantivy" => {
            let mut t = TextAnalyzer::builder(SimpleTokenizer::default())
                .filter(LowerCaser)
                .build();
            for _ in 0..times {
                for d in docs {
                    let mut s = t.token_stream(d);
                    while s.advance() {
                        n += s.token().text.len() & 1;
                    }
                }
            }
        }
        other => {
            eprintln!("unknown mode `{other}`: full, analyzer, plain or tantivy");
            std::process::exit(2);
        }
    }
    println!("{n}");
}
