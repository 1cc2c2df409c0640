//! Word-segmentation quality on the UD Vietnamese-VTB dev split, scored by the shared
//! `seg_f1.py`. Skips (passes with a note) when `../shared` or python3 is absent.

use std::io::Write;
use std::path::PathBuf;
use std::process::Command;

use tracuu::analyze::segment::Segmenter;

/// The F1 the shipped model reaches (see README), minus a small margin.
const MIN_F1: f64 = 0.965;

fn shared() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared");
    dir.join("data/ud-vi-vtb/dev_raw.txt")
        .exists()
        .then_some(dir)
}

#[test]
fn dev_split_f1() {
    let Some(shared) = shared() else {
        eprintln!("note: ../shared/data/ud-vi-vtb not found, skipping the dev F1 test");
        return;
    };
    let raw = std::fs::read_to_string(shared.join("data/ud-vi-vtb/dev_raw.txt")).unwrap();
    let seg = Segmenter::global();
    let mut pred = tempfile::NamedTempFile::new().unwrap();
    for line in raw.lines() {
        let out = seg.segment_line(line);
        assert_eq!(
            out.replace('_', " ").split_whitespace().count(),
            line.split_whitespace().count()
        );
        writeln!(pred, "{out}").unwrap();
    }
    pred.flush().unwrap();
    if let Ok(keep) = std::env::var("TRACUU_SEGMENT_PRED") {
        std::fs::copy(pred.path(), keep).unwrap();
    }
    let run = Command::new("python3")
        .arg(shared.join("tools/seg_f1.py"))
        .arg(shared.join("data/ud-vi-vtb/dev_gold_words.txt"))
        .arg(pred.path())
        .output();
    let Ok(run) = run else {
        eprintln!("note: python3 not available, skipping the scorer");
        return;
    };
    let text = String::from_utf8_lossy(&run.stdout);
    eprintln!("{text}");
    assert!(
        run.status.success(),
        "seg_f1.py failed: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(!text.contains("warning"), "syllable counts changed: {text}");
    let f1: f64 = text
        .split_whitespace()
        .skip_while(|w| *w != "F1")
        .nth(1)
        .and_then(|v| v.parse().ok())
        .expect("F1 figure in the scorer's output");
    assert!(f1 >= MIN_F1, "dev F1 {f1} below {MIN_F1}");
}
