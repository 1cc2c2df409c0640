//! Word-segmentation quality on the UD Vietnamese-VTB dev split, scored by the shared
//! `seg_f1.py`. Skips (passes with a note) when `../shared` or python3 is absent.
//!
//! Set `TRACUU_SEGMENT_PRED=FILE` to keep the predictions for the text as written.

use std::io::Write;
use std::path::PathBuf;
use std::process::Command;

use tracuu::analyze::segment::Segmenter;

/// F1 the shipped model reaches on the text as written (0.9681), minus a small margin.
const MIN_F1: f64 = 0.965;
/// F1 it reaches on the same text lowercased, as the analyzer passes it (0.9512), minus a margin.
const MIN_F1_LOWERCASE: f64 = 0.948;

fn shared() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared");
    dir.join("data/ud-vi-vtb/dev_raw.txt")
        .exists()
        .then_some(dir)
}

/// Segments the dev text (optionally lowercased) and returns the scorer's F1, or None to skip.
fn dev_f1(lowercase: bool) -> Option<f64> {
    let Some(shared) = shared() else {
        eprintln!("note: ../shared/data/ud-vi-vtb not found, skipping the dev F1 test");
        return None;
    };
    let raw = std::fs::read_to_string(shared.join("data/ud-vi-vtb/dev_raw.txt")).unwrap();
    let seg = Segmenter::global();
    let mut pred = tempfile::NamedTempFile::new().unwrap();
    for line in raw.lines() {
        let line = if lowercase {
            line.to_lowercase()
        } else {
            line.to_string()
        };
        let out = seg.segment_line(&line);
        assert_eq!(
            out.replace('_', " "),
            line.split_whitespace().collect::<Vec<_>>().join(" ")
        );
        writeln!(pred, "{out}").unwrap();
    }
    pred.flush().unwrap();
    if !lowercase && let Ok(keep) = std::env::var("TRACUU_SEGMENT_PRED") {
        std::fs::copy(pred.path(), keep).unwrap();
    }
    let run = Command::new("python3")
        .arg(shared.join("tools/seg_f1.py"))
        .arg(shared.join("data/ud-vi-vtb/dev_gold_words.txt"))
        .arg(pred.path())
        .output();
    let Ok(run) = run else {
        eprintln!("note: python3 not available, skipping the scorer");
        return None;
    };
    let text = String::from_utf8_lossy(&run.stdout);
    eprintln!(
        "{}{text}",
        if lowercase {
            "lowercased: "
        } else {
            "as written: "
        }
    );
    assert!(
        run.status.success(),
        "seg_f1.py failed: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(!text.contains("warning"), "syllable counts changed: {text}");
    text.split_whitespace()
        .skip_while(|w| *w != "F1")
        .nth(1)
        .and_then(|v| v.parse().ok())
}

#[test]
fn dev_split_f1() {
    if let Some(f1) = dev_f1(false) {
        assert!(f1 >= MIN_F1, "dev F1 {f1} below {MIN_F1}");
    }
}

#[test]
fn dev_split_f1_lowercased() {
    if let Some(f1) = dev_f1(true) {
        assert!(
            f1 >= MIN_F1_LOWERCASE,
            "lowercased dev F1 {f1} below {MIN_F1_LOWERCASE}"
        );
    }
}
