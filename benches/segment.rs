//! Word-segmentation throughput, in bytes of input text per second.
//!
//! Runs on the UD Vietnamese-VTB dev text when `../shared` is present, else on the small text
//! shipped in `data/segment/bench_text.txt` (repeated to a comparable size).

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tracuu::analyze::segment::{Segmenter, tokenize_line};

fn bench_text() -> String {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let shared = root.join("../shared/data/ud-vi-vtb/dev_raw.txt");
    if let Ok(text) = std::fs::read_to_string(&shared) {
        return text;
    }
    eprintln!(
        "note: {} not found, using data/segment/bench_text.txt",
        shared.display()
    );
    let small =
        std::fs::read_to_string(root.join("data/segment/bench_text.txt")).unwrap_or_default();
    small.repeat(150)
}

fn segmentation(c: &mut Criterion) {
    let text = bench_text();
    let lines: Vec<&str> = text.lines().collect();
    let seg = Segmenter::global();
    // What the analyzer passes: runs of lowercase syllables between punctuation and numbers.
    let lowered = text.to_lowercase();
    let runs: Vec<Vec<&str>> = lowered
        .lines()
        .flat_map(|l| {
            l.split_whitespace()
                .collect::<Vec<_>>()
                .split(|t| !t.chars().all(char::is_alphabetic))
                .map(<[&str]>::to_vec)
                .collect::<Vec<_>>()
        })
        .filter(|r| !r.is_empty())
        .collect();
    let run_bytes: usize = runs.iter().flatten().map(|s| s.len() + 1).sum();

    let mut g = c.benchmark_group("segment");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("segment_line", |b| {
        b.iter(|| {
            let mut n = 0;
            for line in &lines {
                n += seg.segment_line(black_box(line)).len();
            }
            n
        })
    });
    g.bench_function("tokenize_line", |b| {
        b.iter(|| {
            let mut n = 0;
            for line in &lines {
                n += tokenize_line(black_box(line)).len();
            }
            n
        })
    });
    g.throughput(Throughput::Bytes(run_bytes as u64));
    g.bench_function("segment_runs", |b| {
        b.iter(|| {
            let mut n = 0;
            for run in &runs {
                n += seg.segment(black_box(run)).len();
            }
            n
        })
    });
    g.finish();

    let mut g = c.benchmark_group("segment_load");
    // An empty extra-word file: what is timed is parsing the built-in model.
    let empty = std::env::temp_dir().join("tracuu-bench-empty-words.txt");
    let _ = std::fs::write(&empty, "");
    g.bench_function("load_builtin_model", |b| {
        b.iter(|| black_box(Segmenter::with_extra_words(&empty).is_ok()))
    });
    g.finish();
}

criterion_group!(benches, segmentation);
criterion_main!(benches);
