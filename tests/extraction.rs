//! Extraction accuracy, measured against pages with known answers.
//!
//! Two sets: the project's own fixtures in `tests/fixtures/extract/` (always present), and
//! `samples/expected.jsonl` written by the sample generator (skipped with a note when absent).
//! Per layout, and for known versus unknown layouts, the suite reports:
//!
//! * title: exact match after whitespace clean-up;
//! * date: the publication date equals the expected one (time: the HH:MM equals, where given);
//! * agency: exact match of the canonical agency name (`None` must match `None`);
//! * body F1: token F1 of the body, tokens being the whitespace-split lowercase text
//!   (bag of tokens, counted with multiplicity);
//! * leak: the share of pages whose extracted body contains text from outside the true body.
//!   A page leaks when, aligning the extracted token sequence to the true one by longest
//!   common subsequence, at least 3 extracted tokens are left unaligned (text that appears in
//!   the output but nowhere in that place of the truth: a menu line, a related headline,
//!   a caption, a byline). Tokens the extractor dropped do not count as a leak.
//!
//! Targets asserted: unknown layouts title ≥ 98%, date ≥ 98%, body F1 ≥ 0.95, leak ≤ 1%;
//! known layouts title ≥ 98%, date ≥ 98%, agency ≥ 95%, body F1 ≥ 0.97, leak ≤ 1%.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use serde::Deserialize;
use tracuu::extract::text::clean_text;
use tracuu::extract::{RawPage, extract};

#[derive(Debug, Deserialize)]
struct Expected {
    source: String,
    layout: String,
    known_layout: bool,
    title: String,
    #[serde(default)]
    lead: String,
    body: String,
    date: Option<String>,
    time: Option<String>,
    agency: Option<String>,
    author: Option<String>,
    topic: Option<String>,
    province: Option<String>,
}

#[derive(Default, Clone)]
struct Tally {
    pages: usize,
    extracted: usize,
    title: usize,
    date: usize,
    time_pages: usize,
    time: usize,
    agency: usize,
    author: usize,
    topic: usize,
    province: usize,
    lead: usize,
    f1_sum: f64,
    leaks: usize,
}

impl Tally {
    fn add(&mut self, o: &Tally) {
        self.pages += o.pages;
        self.extracted += o.extracted;
        self.title += o.title;
        self.date += o.date;
        self.time_pages += o.time_pages;
        self.time += o.time;
        self.agency += o.agency;
        self.author += o.author;
        self.topic += o.topic;
        self.province += o.province;
        self.lead += o.lead;
        self.f1_sum += o.f1_sum;
        self.leaks += o.leaks;
    }
    fn rate(&self, n: usize) -> f64 {
        if self.pages == 0 {
            1.0
        } else {
            n as f64 / self.pages as f64
        }
    }
    fn f1(&self) -> f64 {
        if self.pages == 0 {
            1.0
        } else {
            self.f1_sum / self.pages as f64
        }
    }
    fn row(&self, name: &str) -> String {
        let time = if self.time_pages == 0 {
            "   -  ".to_string()
        } else {
            format!("{:5.1}%", 100.0 * self.time as f64 / self.time_pages as f64)
        };
        format!(
            "{name:<22} {:>5} {:>5} {:6.1}% {:6.1}% {} {:6.1}% {:6.4} {:6.1}% {:6.1}% {:6.1}% {:6.1}% {:6.1}%",
            self.pages,
            self.extracted,
            100.0 * self.rate(self.title),
            100.0 * self.rate(self.date),
            time,
            100.0 * self.rate(self.agency),
            self.f1(),
            100.0 * self.rate(self.leaks),
            100.0 * self.rate(self.lead),
            100.0 * self.rate(self.author),
            100.0 * self.rate(self.topic),
            100.0 * self.rate(self.province),
        )
    }
}

fn tokens(s: &str) -> Vec<String> {
    s.split_whitespace().map(str::to_lowercase).collect()
}

fn token_f1(got: &str, want: &str) -> f64 {
    let g = tokens(got);
    let w = tokens(want);
    if g.is_empty() && w.is_empty() {
        return 1.0;
    }
    let mut counts: HashMap<&str, i64> = HashMap::new();
    for t in &w {
        *counts.entry(t).or_default() += 1;
    }
    let mut common = 0i64;
    for t in &g {
        if let Some(c) = counts.get_mut(t.as_str())
            && *c > 0
        {
            *c -= 1;
            common += 1;
        }
    }
    if common == 0 {
        return 0.0;
    }
    let p = common as f64 / g.len() as f64;
    let r = common as f64 / w.len() as f64;
    2.0 * p * r / (p + r)
}

/// Extracted tokens not aligned to the truth by a longest common subsequence.
fn unaligned_tokens(got: &str, want: &str) -> usize {
    let g = tokens(got);
    let w = tokens(want);
    let (n, m) = (g.len(), w.len());
    let mut dp = vec![0u32; (n + 1) * (m + 1)];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            let v = if g[i] == w[j] {
                dp[(i + 1) * (m + 1) + j + 1] + 1
            } else {
                dp[(i + 1) * (m + 1) + j].max(dp[i * (m + 1) + j + 1])
            };
            dp[i * (m + 1) + j] = v;
        }
    }
    n - dp[0] as usize
}

const LEAK_MIN_TOKENS: usize = 3;

fn crate_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn load(path: &Path) -> Vec<Expected> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .filter_map(|l| match serde_json::from_str::<Expected>(l) {
            Ok(e) => Some(e),
            Err(err) => {
                eprintln!("skipping bad expected line in {}: {err}", path.display());
                None
            }
        })
        .filter(|e| !e.source.contains('#') && !e.source.contains(".jsonl:"))
        .collect()
}

fn verbose() -> bool {
    std::env::var_os("EXTRACT_VERBOSE").is_some()
}

/// Runs the extractor over one set and returns per-layout tallies (layout, known) → tally.
fn evaluate(base: &Path, expected: &[Expected]) -> Vec<((String, bool), Tally)> {
    let mut by_layout: Vec<((String, bool), Tally)> = Vec::new();
    for e in expected {
        let key = (e.layout.clone(), e.known_layout);
        let idx = match by_layout.iter().position(|(k, _)| *k == key) {
            Some(i) => i,
            None => {
                by_layout.push((key, Tally::default()));
                by_layout.len() - 1
            }
        };
        let t = &mut by_layout[idx].1;
        t.pages += 1;
        let bytes = match std::fs::read(base.join(&e.source)) {
            Ok(b) => b,
            Err(err) => {
                eprintln!("cannot read {}: {err}", e.source);
                continue;
            }
        };
        let page = RawPage {
            bytes,
            url: None,
            source: e.source.clone(),
            http_charset: None,
        };
        let a = match extract(&page) {
            Ok(a) => a,
            Err(err) => {
                eprintln!("{}: {err}", e.source);
                continue;
            }
        };
        t.extracted += 1;
        let mut misses = Vec::new();
        if a.title == clean_text(&e.title) {
            t.title += 1;
        } else {
            misses.push(format!("title {:?} != {:?}", a.title, e.title));
        }
        let date = a.date.map(|d| d.format("%Y-%m-%d").to_string());
        if date == e.date {
            t.date += 1;
        } else {
            misses.push(format!("date {date:?} != {:?}", e.date));
        }
        if let Some(want) = &e.time {
            t.time_pages += 1;
            let got = a.datetime.map(|d| d.format("%H:%M").to_string());
            if got.as_deref() == Some(want.as_str()) {
                t.time += 1;
            } else {
                misses.push(format!("time {got:?} != {want:?}"));
            }
        }
        if a.agency == e.agency {
            t.agency += 1;
        } else {
            misses.push(format!("agency {:?} != {:?}", a.agency, e.agency));
        }
        if a.author == e.author {
            t.author += 1;
        } else {
            misses.push(format!("author {:?} != {:?}", a.author, e.author));
        }
        if a.topic == e.topic {
            t.topic += 1;
        } else {
            misses.push(format!("topic {:?} != {:?}", a.topic, e.topic));
        }
        if a.province == e.province {
            t.province += 1;
        } else {
            misses.push(format!("province {:?} != {:?}", a.province, e.province));
        }
        if a.lead == clean_text(&e.lead) {
            t.lead += 1;
        } else {
            misses.push(format!("lead {:?} != {:?}", a.lead, e.lead));
        }
        let f1 = token_f1(&a.body, &e.body);
        t.f1_sum += f1;
        let leaked = unaligned_tokens(&a.body, &e.body);
        if leaked >= LEAK_MIN_TOKENS {
            t.leaks += 1;
            misses.push(format!("leak of {leaked} tokens"));
        }
        if f1 < 0.99 {
            misses.push(format!("body F1 {f1:.3}"));
        }
        if verbose() && !misses.is_empty() {
            eprintln!("{}:\n  {}", e.source, misses.join("\n  "));
            if f1 < 0.99 || leaked >= LEAK_MIN_TOKENS {
                eprintln!("  GOT BODY: {:?}\n  WANT BODY: {:?}", a.body, e.body);
            }
        }
    }
    by_layout
}

fn report(name: &str, results: &[((String, bool), Tally)]) -> (Tally, Tally) {
    println!("\n{name}");
    println!(
        "{:<22} {:>5} {:>5} {:>7} {:>7} {:>6} {:>7} {:>6} {:>7} {:>7} {:>7} {:>7} {:>7}",
        "layout",
        "pages",
        "ok",
        "title",
        "date",
        "time",
        "agency",
        "bodyF1",
        "leak",
        "lead",
        "author",
        "topic",
        "prov."
    );
    let mut known = Tally::default();
    let mut unknown = Tally::default();
    for ((layout, is_known), t) in results {
        let label = format!("{layout}{}", if *is_known { "" } else { " (unknown)" });
        println!("{}", t.row(&label));
        if *is_known {
            known.add(t);
        } else {
            unknown.add(t);
        }
    }
    println!("{}", known.row("ALL KNOWN"));
    println!("{}", unknown.row("ALL UNKNOWN"));
    (known, unknown)
}

fn assert_targets(set: &str, known: &Tally, unknown: &Tally) {
    if unknown.pages > 0 {
        assert!(
            unknown.rate(unknown.title) >= 0.98,
            "{set}: unknown-layout title accuracy below 98%"
        );
        assert!(
            unknown.rate(unknown.date) >= 0.98,
            "{set}: unknown-layout date accuracy below 98%"
        );
        assert!(
            unknown.f1() >= 0.95,
            "{set}: unknown-layout body F1 below 0.95"
        );
        assert!(
            unknown.rate(unknown.leaks) <= 0.01,
            "{set}: boilerplate leaks in more than 1% of unknown-layout pages"
        );
    }
    if known.pages > 0 {
        assert!(
            known.rate(known.title) >= 0.98,
            "{set}: known-layout title accuracy below 98%"
        );
        assert!(
            known.rate(known.date) >= 0.98,
            "{set}: known-layout date accuracy below 98%"
        );
        assert!(
            known.rate(known.agency) >= 0.95,
            "{set}: known-layout agency accuracy below 95%"
        );
        assert!(known.f1() >= 0.97, "{set}: known-layout body F1 below 0.97");
        assert!(
            known.rate(known.leaks) <= 0.01,
            "{set}: boilerplate leaks in more than 1% of known-layout pages"
        );
    }
}

#[test]
fn fixtures_accuracy() {
    let base = crate_root().join("tests/fixtures/extract");
    let expected = load(&base.join("expected.jsonl"));
    assert!(
        !expected.is_empty(),
        "tests/fixtures/extract/expected.jsonl is missing or empty"
    );
    let results = evaluate(&base, &expected);
    let (known, unknown) = report("fixtures (tests/fixtures/extract)", &results);
    assert_targets("fixtures", &known, &unknown);
}

#[test]
fn samples_accuracy() {
    let base = crate_root().join("samples");
    let path = base.join("expected.jsonl");
    if !path.exists() {
        println!("note: samples/expected.jsonl not found; skipping the samples accuracy suite");
        return;
    }
    let expected = load(&path);
    if expected.is_empty() {
        println!("note: no page entries in samples/expected.jsonl; skipping");
        return;
    }
    let results = evaluate(&base, &expected);
    let (known, unknown) = report("samples (samples/expected.jsonl)", &results);
    assert_targets("samples", &known, &unknown);
}

#[test]
fn non_articles_are_rejected_with_a_reason() {
    let base = crate_root().join("tests/fixtures/extract");
    for (file, want) in [("listing.html", "listing"), ("notfound.html", "error page")] {
        let bytes = std::fs::read(base.join(file)).unwrap_or_default();
        let page = RawPage {
            bytes,
            url: None,
            source: file.into(),
            http_charset: None,
        };
        match extract(&page) {
            Err(tracuu::extract::ExtractError::NotArticle(reason)) => {
                assert!(
                    reason.contains(want),
                    "{file}: reason {reason:?} does not say {want:?}"
                )
            }
            other => panic!("{file}: expected NotArticle, got {other:?}"),
        }
    }
}

#[test]
fn metric_helpers_behave() {
    assert!((token_f1("a b c", "a b c") - 1.0).abs() < 1e-9);
    assert_eq!(token_f1("x", "a"), 0.0);
    assert_eq!(unaligned_tokens("a b menu trang chủ c", "a b c"), 3);
    assert_eq!(unaligned_tokens("a c", "a b c"), 0);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let _ = extract(&RawPage { bytes, url: None, source: "p".into(), http_charset: None });
    }

    #[test]
    fn never_panics_on_html_ish(parts in proptest::collection::vec(
        prop_oneof![
            Just("<div class=\"content\">".to_string()),
            Just("</div>".to_string()),
            Just("<p>".to_string()),
            Just("</p>".to_string()),
            Just("<h1>".to_string()),
            Just("</h1>".to_string()),
            Just("<a href=x>".to_string()),
            Just("</a>".to_string()),
            Just("<br>".to_string()),
            Just("<title>".to_string()),
            Just("</title>".to_string()),
            Just("<!-- bonewsrelation -->".to_string()),
            Just("<meta property=\"article:published_time\" content=\"2020-13-45T99:00\">".to_string()),
            Just("<script type=\"application/ld+json\">{\"datePublished\":".to_string()),
            Just("Thứ tư - 31/08/2016 09:39 ".to_string()),
            Just("Sở TT&TT Bạc Liêu – ".to_string()),
            Just("(Mic.gov.vn) - ".to_string()),
            Just("./.".to_string()),
            "[\\PC]{0,40}",
        ],
        0..80,
    ), charset in proptest::option::of("[a-z0-9-]{0,12}")) {
        let html = parts.concat();
        let _ = extract(&RawPage { bytes: html.into_bytes(), url: Some("http://x".into()), source: "p".into(), http_charset: charset });
    }
}

/// `EXTRACT_DEBUG_FILE=path cargo test --test extraction debug_one -- --nocapture` prints what
/// the extractor makes of one page (a development aid; passes without the variable).
#[test]
fn debug_one() {
    let Some(path) = std::env::var_os("EXTRACT_DEBUG_FILE") else {
        return;
    };
    let bytes = std::fs::read(&path).unwrap_or_default();
    let page = RawPage {
        bytes,
        url: None,
        source: path.to_string_lossy().into_owned(),
        http_charset: None,
    };
    println!("{:#?}", extract(&page));
}
