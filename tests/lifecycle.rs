//! The index lifecycle through the real binary: kill -9 during an import and during a
//! rebuild, the writer lock, rebuild, stats and optimize.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{imported_samples, root, sample_inputs, stderr, stdout, tracuu};

/// Writes an NDJSON dump of `n` distinct articles.
fn write_dump(path: &Path, n: usize) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let provinces = ["Bạc Liêu", "Cà Mau", "Sóc Trăng", "Đồng Nai", "Nghệ An"];
    for i in 0..n {
        let p = provinces[i % provinces.len()];
        let body: String = (0..40)
            .map(|k| format!("Câu {k} của bài {i}: Sở Thông tin và Truyền thông {p} triển khai chuyển đổi số, ứng dụng công nghệ thông tin."))
            .collect::<Vec<_>>()
            .join(" ");
        let v = serde_json::json!({
            "url": format!("http://example.gov.vn/tin/{i}.html"),
            "title": format!("Bài số {i} về chuyển đổi số ở {p}"),
            "body": body,
            "date": format!("20{:02}-0{}-1{}", 8 + i % 16, 1 + i % 9, i % 10),
            "agency": format!("Sở TT&TT {p}"),
        });
        writeln!(f, "{v}").unwrap();
    }
}

fn article_count(dir: &Path, index: &str) -> u64 {
    let out = tracuu(dir, &["stats", "--index", index, "--json"]);
    assert!(out.status.success(), "stats: {}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    v["articles"].as_u64().unwrap()
}

/// Starts `tracuu ARGS`, waits until `ready` holds (or a timeout), then kills it with SIGKILL.
fn kill_when(dir: &Path, args: &[&str], ready: impl Fn() -> bool) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tracuu"))
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while !ready() && start.elapsed() < Duration::from_secs(60) {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill(); // SIGKILL on Unix
    let _ = child.wait();
}

/// True once a commit beyond the first (empty) one has been written.
fn has_committed_articles(index: &Path) -> bool {
    let Ok(current) = std::fs::read_to_string(index.join("CURRENT")) else {
        return false;
    };
    let generation = index.join(current.trim());
    std::fs::read_dir(&generation)
        .map(|d| {
            d.flatten()
                .filter(|e| e.file_name().to_string_lossy().ends_with(".store"))
                .count()
                > 0
        })
        .unwrap_or(false)
}

#[test]
fn kill_9_during_import_keeps_the_last_commit_and_a_rerun_completes() {
    let dir = tempfile::tempdir().unwrap();
    let dump = dir.path().join("dump.jsonl");
    const N: usize = 1500;
    write_dump(&dump, N);
    let index = dir.path().join("idx");
    kill_when(
        dir.path(),
        &[
            "import",
            "--quiet",
            "--index",
            "idx",
            "--commit-every",
            "100",
            "dump.jsonl",
        ],
        || has_committed_articles(&index),
    );
    // The index opens and searches; it has whatever was committed.
    let partial = article_count(dir.path(), "idx");
    assert!(partial as usize <= N);
    let out = tracuu(
        dir.path(),
        &["search", "--index", "idx", "--json", "chuyển đổi số"],
    );
    assert!(
        matches!(out.status.code(), Some(0) | Some(1)),
        "{}",
        stderr(&out)
    );
    // The lock left by the killed process does not block the next import.
    let rerun = tracuu(
        dir.path(),
        &["import", "--quiet", "--index", "idx", "dump.jsonl"],
    );
    assert!(rerun.status.success(), "{}", stderr(&rerun));
    assert_eq!(article_count(dir.path(), "idx"), N as u64);
    let line = stdout(&rerun);
    assert!(
        line.contains(&format!("unchanged {partial}")) || partial == 0,
        "{line}"
    );
}

#[test]
fn kill_9_during_rebuild_leaves_the_live_index_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let dump = dir.path().join("dump.jsonl");
    write_dump(&dump, 800);
    let out = tracuu(
        dir.path(),
        &["import", "--quiet", "--index", "idx", "dump.jsonl"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let live = std::fs::read_to_string(dir.path().join("idx/CURRENT")).unwrap();
    let idx = dir.path().join("idx");
    kill_when(
        dir.path(),
        &["rebuild", "--quiet", "--index", "idx"],
        || {
            std::fs::read_dir(&idx)
                .map(|d| {
                    d.flatten()
                        .filter(|e| e.file_name().to_string_lossy().starts_with("gen-"))
                        .count()
                        >= 2
                })
                .unwrap_or(false)
        },
    );
    let now = std::fs::read_to_string(dir.path().join("idx/CURRENT")).unwrap();
    if now == live {
        assert_eq!(article_count(dir.path(), "idx"), 800);
    }
    // A complete rebuild afterwards cleans up and switches.
    let out = tracuu(dir.path(), &["rebuild", "--quiet", "--index", "idx"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("rebuilt 800 articles"),
        "{}",
        stdout(&out)
    );
    assert_eq!(article_count(dir.path(), "idx"), 800);
    let gens = std::fs::read_dir(&idx)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("gen-"))
        .count();
    assert_eq!(gens, 1, "leftover generations are removed");
}

#[test]
fn a_second_writer_is_refused_while_one_runs() {
    let dir = tempfile::tempdir().unwrap();
    let dump = dir.path().join("dump.jsonl");
    write_dump(&dump, 3000);
    let mut first = Command::new(env!("CARGO_BIN_EXE_tracuu"))
        .args(["import", "--quiet", "--index", "idx", "dump.jsonl"])
        .current_dir(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let lock = dir.path().join("idx/write.lock");
    let start = Instant::now();
    while std::fs::read_to_string(&lock).map_or(true, |s| s.is_empty())
        && start.elapsed() < Duration::from_secs(30)
    {
        std::thread::sleep(Duration::from_millis(10));
    }
    let second = tracuu(
        dir.path(),
        &["import", "--quiet", "--index", "idx", "dump.jsonl"],
    );
    let still_running = first.try_wait().unwrap().is_none();
    let _ = first.kill();
    let _ = first.wait();
    if still_running {
        assert_eq!(second.status.code(), Some(2), "{}", stderr(&second));
        assert!(
            stderr(&second).contains("index busy (import by pid"),
            "{}",
            stderr(&second)
        );
    }
}

#[test]
fn rebuild_stats_and_optimize_on_the_samples() {
    let src = imported_samples();
    let dir = tempfile::tempdir().unwrap();
    // Work on a copy: the shared sample index stays as it is for other tests.
    copy_dir(&src.join("index"), &dir.path().join("idx"));
    let before = tracuu(
        dir.path(),
        &["search", "--index", "idx", "--json", "Vũ Văn Họa"],
    );
    let out = tracuu(dir.path(), &["rebuild", "--index", "idx", "--threads", "2"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let after = tracuu(
        dir.path(),
        &["search", "--index", "idx", "--json", "Vũ Văn Họa"],
    );
    let ids = |o: &std::process::Output| {
        let v: serde_json::Value = serde_json::from_str(&stdout(o)).unwrap();
        v["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["id"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&before), ids(&after), "a rebuild keeps the ranking");
    let out = tracuu(dir.path(), &["optimize", "--index", "idx"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let stats = tracuu(dir.path(), &["stats", "--index", "idx", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&stats)).unwrap();
    assert_eq!(v["articles"], 54);
    assert_eq!(v["segments"], 1);
    assert!(
        v["facets"]["province"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["value"] == "Bạc Liêu")
    );
    assert_eq!(v["first_date"].as_str().unwrap().get(..4), Some("2008"));
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// The `tracuu.json` of the live generation of the index at `idx`.
fn live_meta_path(idx: &Path) -> std::path::PathBuf {
    let current = std::fs::read_to_string(idx.join("CURRENT")).unwrap();
    idx.join(current.trim()).join("tracuu.json")
}

#[test]
fn analyzer_versions_are_checked_when_opening() {
    let src = imported_samples();
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&src.join("index"), &dir.path().join("idx"));
    let meta_path = live_meta_path(&dir.path().join("idx"));
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&meta_path).unwrap()).unwrap();
    let with_version = |v: u64| {
        let mut m = meta.clone();
        m["analyzer_version"] = v.into();
        std::fs::write(&meta_path, m.to_string()).unwrap();
    };
    // Older: searches work, with a warning that says to rebuild.
    with_version(0);
    let out = tracuu(dir.path(), &["search", "--index", "idx", "Bạc Liêu"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stderr(&out).contains("tracuu rebuild"), "{}", stderr(&out));
    // A rebuild brings it up to date.
    let out = tracuu(dir.path(), &["rebuild", "--quiet", "--index", "idx"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = tracuu(dir.path(), &["search", "--index", "idx", "Bạc Liêu"]);
    assert!(!stderr(&out).contains("older analyzer"), "{}", stderr(&out));
    // Newer than this program: refused with a clear message.
    let meta_path = live_meta_path(&dir.path().join("idx"));
    let mut m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&meta_path).unwrap()).unwrap();
    m["analyzer_version"] = 999.into();
    std::fs::write(&meta_path, m.to_string()).unwrap();
    let out = tracuu(dir.path(), &["search", "--index", "idx", "Bạc Liêu"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("newer than this tracuu"),
        "{}",
        stderr(&out)
    );
}

/// Writes the sample articles into a hand-made generation of `idx` with `schema`, plus
/// `extra` raw documents; returns the number of articles written.
fn hand_made_index(
    idx: &Path,
    schema: tantivy::schema::Schema,
    version: u32,
    extra: Vec<tantivy::TantivyDocument>,
) -> u64 {
    use tracuu::index::{Fields, register_tokenizers};
    let generation = idx.join("gen-000001");
    std::fs::create_dir_all(&generation).unwrap();
    let fields = Fields::from_schema(&schema).unwrap();
    let index = tantivy::Index::create_in_dir(&generation, schema).unwrap();
    register_tokenizers(&index);
    let mut writer: tantivy::IndexWriter = index.writer_with_num_threads(1, 20_000_000).unwrap();
    let expected = std::fs::read_to_string(root().join("samples/expected.jsonl")).unwrap();
    let mut n = 0;
    for line in expected.lines() {
        let mut v: serde_json::Value = serde_json::from_str(line).unwrap();
        if v["title"].as_str().is_none_or(str::is_empty) {
            continue; // a page that is not an article
        }
        let url = v["url"]
            .as_str()
            .unwrap_or(v["source"].as_str().unwrap())
            .to_string();
        v["id"] = tracuu::article::id_from_url(&url).into();
        let Ok(article) = serde_json::from_value::<tracuu::Article>(v.clone()) else {
            panic!("not an article: {v}");
        };
        writer.add_document(fields.document(&article)).unwrap();
        n += 1;
    }
    for d in extra {
        writer.add_document(d).unwrap();
    }
    writer.commit().unwrap();
    assert!(n > 20, "expected.jsonl should hold the sample articles");
    std::fs::write(
        generation.join("tracuu.json"),
        format!(r#"{{"analyzer_version": {version}, "created": "2026-01-01T00:00:00+00:00"}}"#),
    )
    .unwrap();
    std::fs::write(idx.join("CURRENT"), "gen-000001").unwrap();
    n
}

/// A schema of an older analyzer version: each field of the current schema handed to `field`,
/// which adds it as that version had it (or leaves it out).
fn older_schema(
    field: impl Fn(&mut tantivy::schema::SchemaBuilder, &tantivy::schema::FieldEntry),
) -> tantivy::schema::Schema {
    let (current, _) = tracuu::index::schema::build_schema();
    let mut old = tantivy::schema::Schema::builder();
    for (_, entry) in current.fields() {
        field(&mut old, entry);
    }
    old.build()
}

/// An index written before a field was added to the schema (version 1 had no `meta`) is read
/// by field name: it searches (with the rebuild warning), and `tracuu rebuild` brings it to the
/// current schema with every article.
#[test]
fn an_index_from_an_older_schema_searches_and_rebuilds() {
    let dir = tempfile::tempdir().unwrap();
    let idx = dir.path().join("idx");
    let old = older_schema(|old, entry| {
        if entry.name() != "meta" {
            old.add_field(entry.clone());
        }
    });
    let n = hand_made_index(&idx, old, 1, Vec::new());

    let out = tracuu(dir.path(), &["search", "--index", "idx", "Bạc Liêu"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("tracuu rebuild"), "{}", stderr(&out));
    let out = tracuu(dir.path(), &["rebuild", "--quiet", "--index", "idx"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = tracuu(dir.path(), &["stats", "--json", "--index", "idx"]);
    let stats: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(stats["articles"].as_u64(), Some(n), "{stats}");
    let out = tracuu(dir.path(), &["search", "--index", "idx", "Bạc Liêu"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stderr(&out).contains("older analyzer"), "{}", stderr(&out));
}

/// A stored article that no longer parses fails the rebuild with a message, and the live
/// index stays as it was.
#[test]
fn a_rebuild_with_an_unreadable_stored_article_keeps_the_live_index() {
    use tracuu::index::{Fields, schema::build_schema};

    let dir = tempfile::tempdir().unwrap();
    let idx = dir.path().join("idx");
    let (schema, _) = build_schema();
    let fields = Fields::from_schema(&schema).unwrap();
    let mut broken = tantivy::TantivyDocument::default();
    broken.add_text(fields.id, "broken");
    broken.add_text(fields.doc, "{\"title\": \"cut off");
    hand_made_index(&idx, schema, tracuu::index::ANALYZER_VERSION, vec![broken]);
    let out = tracuu(dir.path(), &["rebuild", "--quiet", "--index", "idx"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("unreadable"), "{}", stderr(&out));
    let current = std::fs::read_to_string(idx.join("CURRENT")).unwrap();
    assert_eq!(current.trim(), "gen-000001");
    let out = tracuu(dir.path(), &["search", "--index", "idx", "Bạc Liêu"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

fn segment_count(dir: &Path, index: &str) -> u64 {
    let out = tracuu(dir, &["stats", "--index", index, "--json"]);
    assert!(out.status.success(), "stats: {}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    v["segments"].as_u64().unwrap()
}

#[test]
fn an_import_leaves_at_most_one_segment_per_thread_and_a_rebuild_one_per_thread() {
    let dir = tempfile::tempdir().unwrap();
    let dump = dir.path().join("dump.jsonl");
    write_dump(&dump, 240);
    // Twelve commits of two threads: up to 24 segments before the import's final merge.
    let args = [
        "import",
        "dump.jsonl",
        "--index",
        "idx",
        "--threads",
        "2",
        "--commit-every",
        "20",
        "--quiet",
    ];
    let out = tracuu(dir.path(), &args);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(article_count(dir.path(), "idx"), 240);
    assert!(segment_count(dir.path(), "idx") <= 2);
    let out = tracuu(
        dir.path(),
        &["search", "--index", "idx", "--json", "bài số 17 Sóc Trăng"],
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["hits"][0]["url"], "http://example.gov.vn/tin/17.html");

    // A small import beside them merges only its own segments.
    let extra = dir.path().join("extra.jsonl");
    let text = std::fs::read_to_string(&dump).unwrap();
    let renamed: String = text
        .lines()
        .take(30)
        .map(|l| l.replace("example.gov.vn/tin/", "example.gov.vn/khac/") + "\n")
        .map(|l| l.replace("Bài số", "Tin số"))
        .collect();
    std::fs::write(&extra, renamed).unwrap();
    let before = segment_count(dir.path(), "idx");
    let out = tracuu(
        dir.path(),
        &[
            "import",
            "extra.jsonl",
            "--index",
            "idx",
            "--threads",
            "2",
            "--commit-every",
            "5",
            "--quiet",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(article_count(dir.path(), "idx"), 270);
    let after = segment_count(dir.path(), "idx");
    assert!(after <= before + 2, "{before} segments, then {after}");

    let out = tracuu(dir.path(), &["rebuild", "--index", "idx", "--threads", "2"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(article_count(dir.path(), "idx"), 270);
    assert_eq!(segment_count(dir.path(), "idx"), 2);
    let out = tracuu(dir.path(), &["rebuild", "--index", "idx", "--threads", "1"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(segment_count(dir.path(), "idx"), 1);
}

/// An index of analyzer version 2 (a `url` field, the fingerprint indexed as well as fast)
/// takes a new import: its articles are recognised by id and fingerprint (the samples again add
/// nothing: each is unchanged, or, where the hand-made index keyed a page without a URL by its
/// path, a duplicate by content), and it searches, with the rebuild warning.
#[test]
fn an_index_of_version_2_takes_an_import() {
    use tantivy::schema::{FAST, STRING};

    let dir = tempfile::tempdir().unwrap();
    let idx = dir.path().join("idx");
    let old = older_schema(|old, entry| {
        if entry.name() == "fingerprint" {
            old.add_text_field("fingerprint", STRING | FAST);
            old.add_text_field("url", STRING);
        } else {
            old.add_field(entry.clone());
        }
    });
    let n = hand_made_index(&idx, old, 2, Vec::new());
    let mut args = vec!["import", "--index", "idx"];
    let inputs: Vec<String> = sample_inputs()
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    args.extend(inputs.iter().map(String::as_str));
    let out = tracuu(dir.path(), &args);
    assert!(out.status.success(), "{}", stderr(&out));
    let line = stdout(&out);
    assert!(line.starts_with("imported 0, updated 0,"), "{line}");
    assert!(
        line.contains(&format!("({n} articles in the index")),
        "{line}"
    );
    assert!(stderr(&out).contains("tracuu rebuild"), "{}", stderr(&out));
    let out = tracuu(dir.path(), &["search", "--index", "idx", "Bạc Liêu"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}
