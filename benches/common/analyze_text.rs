//! The text of the analyzer bench, shared with `examples/analyze_check.rs` (which hashes the
//! token stream of the same text and drives profilers over it).

use std::io::Read;
use std::path::PathBuf;

/// The bundled sample articles (`samples/expected.jsonl`: title, lead and body) and, when
/// `../shared` exists, 2,000 real news articles from the VNTC corpus, one document a line.
pub fn sample_text() -> String {
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
