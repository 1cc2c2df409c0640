//! The command line through the real binary: the samples imported, searched, exported, and the
//! errors a user can make.

mod common;

use common::{imported_samples, sample_inputs, stderr, stdout, tracuu};
use serde_json::Value;

fn search_json(query: &str, extra: &[&str]) -> Value {
    let dir = imported_samples();
    let mut args = vec!["search", "--index", "index", "--json", query];
    args.extend_from_slice(extra);
    let out = tracuu(dir, &args);
    assert!(
        out.status.code() == Some(0) || out.status.code() == Some(1),
        "{}",
        stderr(&out)
    );
    serde_json::from_str(&stdout(&out)).expect("search --json prints one JSON object")
}

fn first_title(v: &Value) -> String {
    v["hits"][0]["title"].as_str().unwrap_or("").to_string()
}

fn titles(v: &Value) -> Vec<String> {
    v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["title"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn import_reports_what_it_did() {
    let dir = tempfile::tempdir().unwrap();
    let mut args = vec!["import".to_string(), "--index".into(), "idx".into()];
    args.extend(sample_inputs().iter().map(|p| p.display().to_string()));
    let report = dir.path().join("report.tsv");
    args.extend(["--report".into(), report.display().to_string()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = tracuu(dir.path(), &args);
    assert!(out.status.success(), "{}", stderr(&out));
    let line = stdout(&out);
    assert!(
        line.starts_with("imported 54, updated 0, duplicates 0, skipped 7"),
        "{line}"
    );
    let report = std::fs::read_to_string(report).unwrap();
    assert_eq!(report.lines().count(), 1 + 7, "{report}");
    assert!(report.contains("HTTP status 404"));
    // Importing again changes nothing and duplicates nothing.
    let again = tracuu(dir.path(), &args);
    assert!(
        stdout(&again).starts_with("imported 0, updated 0, duplicates 0, skipped 7, unchanged 54"),
        "{}",
        stdout(&again)
    );
}

#[test]
fn keyword_search_ranks_the_article() {
    let v = search_json("Đặng Thanh Tốt Khmer", &[]);
    assert_eq!(
        first_title(&v),
        "UBND tỉnh Bạc Liêu làm việc với Sở Thông tin và Truyền thông"
    );
}

#[test]
fn query_without_diacritics_finds_accented_text() {
    let v = search_json(
        "ubnd tinh bac lieu lam viec voi so thong tin va truyen thong",
        &[],
    );
    assert_eq!(
        first_title(&v),
        "UBND tỉnh Bạc Liêu làm việc với Sở Thông tin và Truyền thông"
    );
}

#[test]
fn quoted_phrase_must_match_as_a_phrase() {
    let v = search_json("\"Đề án 191\"", &[]);
    assert!(v["total"].as_u64().unwrap() >= 1);
    assert_eq!(
        first_title(&v),
        "UBND tỉnh Bạc Liêu làm việc với Sở Thông tin và Truyền thông"
    );
    // The words scattered do not match the phrase.
    let scattered = search_json("\"191 Đề án\"", &[]);
    assert_eq!(scattered["total"], 0);
}

#[test]
fn official_found_under_both_tone_placements() {
    let a = search_json("Vũ Văn Họa", &["--limit", "20"]);
    let b = search_json("Vũ Văn Hoạ", &["--limit", "20"]);
    let ta = titles(&a);
    assert!(ta.len() >= 4, "{ta:?}");
    assert_eq!(ta, titles(&b), "both spellings give the same results");
    assert!(
        ta.iter()
            .any(|t| t == "UBND tỉnh Bạc Liêu làm việc với Sở Thông tin và Truyền thông")
    );
}

#[test]
fn json_output_follows_the_contract() {
    let v = search_json("Bạc Liêu", &["--limit", "3"]);
    assert!(v["query"].is_string() && v["total"].is_u64() && v["took_ms"].is_f64());
    let hits = v["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 3);
    for (i, h) in hits.iter().enumerate() {
        assert_eq!(h["rank"], i + 1);
        for key in ["id", "source", "title", "snippet"] {
            assert!(h[key].is_string(), "{key} in {h}");
        }
        for key in ["url", "date", "agency", "topic", "province", "author"] {
            assert!(h.get(key).is_some(), "{key} missing in {h}");
        }
        assert!(h["score"].is_number());
        let date = h["date"].as_str().unwrap();
        assert!(
            chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").is_ok(),
            "{date}"
        );
    }
}

#[test]
fn filters_and_date_sort() {
    let v = search_json(
        "",
        &["--province", "Bac Lieu", "--sort", "date", "--limit", "50"],
    );
    let hits = v["hits"].as_array().unwrap();
    assert!(!hits.is_empty());
    assert!(hits.iter().all(|h| h["province"] == "Bạc Liêu"));
    let dates: Vec<&str> = hits
        .iter()
        .map(|h| h["date"].as_str().unwrap_or(""))
        .collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted, "newest first");
    let y = search_json(
        "",
        &["--agency", "Sở TT&TT", "--year", "2009", "--limit", "50"],
    );
    for h in y["hits"].as_array().unwrap() {
        assert!(
            h["agency"]
                .as_str()
                .unwrap()
                .starts_with("Sở Thông tin và Truyền thông"),
            "{h}"
        );
        assert!(h["date"].as_str().unwrap().starts_with("2009"));
    }
}

#[test]
fn batch_mode_answers_in_input_order() {
    let lines = batch_json("queries.txt", "Khmer\nxyzzyqwerty\n\"Bạc Liêu\n");
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["query"], "Khmer");
    assert!(lines[0]["total"].as_u64().unwrap() >= 2);
    assert_eq!(lines[1]["total"], 0);
    assert!(
        lines[2]["error"]
            .as_str()
            .unwrap()
            .contains("unbalanced quote")
    );
}

#[test]
fn export_writes_every_article() {
    let dir = imported_samples();
    let out = tracuu(dir, &["export", "--index", "index"]);
    assert!(out.status.success());
    let lines: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 54);
    for key in [
        "id", "url", "source", "title", "lead", "body", "date", "datetime", "agency", "author",
        "topic", "province",
    ] {
        assert!(lines[0].get(key).is_some(), "{key}");
    }
}

#[test]
fn nothing_found_exits_1() {
    let dir = imported_samples();
    let out = tracuu(dir, &["search", "--index", "index", "xyzzyqwerty"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn search_without_an_index_says_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let out = tracuu(dir.path(), &["search", "Bạc Liêu"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("tracuu import"), "{}", stderr(&out));
    assert!(
        !dir.path().join("index").exists(),
        "a search writes nothing"
    );
}

#[test]
fn unknown_flag_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = tracuu(dir.path(), &["search", "--colour", "x"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--colour"));
}

#[test]
fn unreadable_path_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = tracuu(
        dir.path(),
        &["import", "--index", "idx", "khong-co-thu-muc-nay"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("khong-co-thu-muc-nay"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.path().join("idx").exists(), "nothing written");
}

#[test]
fn bad_queries_and_flags_exit_2_with_a_message() {
    let dir = imported_samples();
    for (args, needle) in [
        (vec!["search", "--index", "index", "  "], "empty query"),
        (
            vec!["search", "--index", "index", "\"Bạc Liêu"],
            "unbalanced quote",
        ),
        (
            vec!["search", "--index", "index", "tacgiaa:x"],
            "unknown field",
        ),
        (
            vec!["search", "--index", "index", "x", "--from", "2009-13-45"],
            "--from",
        ),
        (
            vec![
                "search",
                "--index",
                "index",
                "x",
                "--from",
                "2010-01-01",
                "--to",
                "2009-01-01",
            ],
            "after --to",
        ),
        (
            vec!["search", "--index", "index", "x", "--limit", "0"],
            "--limit",
        ),
    ] {
        let out = tracuu(dir, &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains(needle), "{args:?}: {}", stderr(&out));
        assert!(!stderr(&out).contains("panicked"));
    }
}

#[test]
fn segment_keeps_tokens_and_joins_words() {
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_tracuu"))
        .arg("segment")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all("Sở Thông tin và Truyền thông tỉnh Bạc Liêu .\n\nhai\n".as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(
        lines[0].replace('_', " "),
        "Sở Thông tin và Truyền thông tỉnh Bạc Liêu ."
    );
    assert!(lines[0].contains("Thông_tin"), "{}", lines[0]);
}

#[test]
fn contiguous_name_ranks_above_scattered_syllables() {
    // Five sample articles name Vũ Văn Họa/Hoạ; another has "vụ", "Văn hóa" scattered.
    for query in ["vu van hoa", "Vũ Văn Họa", "Phó Chủ tịch Vũ Văn Hoạ"] {
        let v = search_json(query, &["--limit", "10"]);
        let t = titles(&v);
        let scattered = t
            .iter()
            .position(|x| x.starts_with("Đưa dịch vụ bưu chính"));
        let named = [
            "UBND tỉnh Bạc Liêu làm việc với Sở Thông tin và Truyền thông",
            "Bạc Liêu tổng kết công tác thông tin tuyên truyền năm 2010",
            "Bạc Liêu đưa phần mềm quản lý văn bản đến cấp xã",
        ];
        for n in named {
            let p = t
                .iter()
                .position(|x| x == n)
                .unwrap_or_else(|| panic!("{n} missing for {query}: {t:?}"));
            assert!(
                scattered.is_none_or(|s| p < s),
                "{query}: {n} below the scattered match: {t:?}"
            );
        }
    }
}

#[test]
fn batch_lines_carry_their_own_filters() {
    let lines = batch_json(
        "filtered-queries.txt",
        "vu van hoa\nvu van hoa\t--province=Bạc Liêu --year=2009\nvu van hoa\t--colour=red\n\
         vu van hoa\t--offset=-1\n",
    );
    assert_eq!(lines.len(), 4);
    let all = lines[0]["total"].as_u64().unwrap();
    let filtered = lines[1]["total"].as_u64().unwrap();
    assert!(filtered >= 1 && filtered < all, "{all} vs {filtered}");
    for h in lines[1]["hits"].as_array().unwrap() {
        assert!(h["date"].as_str().unwrap().starts_with("2009"), "{h}");
        assert_eq!(h["province"], "Bạc Liêu");
    }
    assert!(
        lines[2]["error"].as_str().unwrap().contains("--colour"),
        "{}",
        lines[2]
    );
    assert!(
        lines[3]["error"].as_str().unwrap().contains("--offset"),
        "{}",
        lines[3]
    );
}

/// Runs `content` as a batch file (written as `name` beside the imported samples) with
/// `--json`; checks the exit code and returns one JSON object per output line.
fn batch_json(name: &str, content: &str) -> Vec<Value> {
    let dir = imported_samples();
    let batch = dir.join(name);
    std::fs::write(&batch, content).unwrap();
    let out = tracuu(
        dir,
        &[
            "search",
            "--index",
            "index",
            "--json",
            "--batch",
            batch.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// A reader that stops early (`tracuu stats --json | head -1`) ends the output quietly: exit 0,
/// no panic message.
#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    let dir = imported_samples();
    for args in [
        &["stats", "--index", "index", "--json"][..],
        &["stats", "--index", "index"][..],
        &["search", "--index", "index", "--json", "ủy ban"][..],
    ] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_tracuu"))
            .args(args)
            .current_dir(dir)
            .env_remove("TRACUU_INDEX")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Closed before the index is even open: the first write finds no reader.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

/// Imports `input` (relative to `dir`) into `dir/idx` on two threads; the output and the report.
fn import_on_two_threads(dir: &std::path::Path, input: &str) -> (std::process::Output, String) {
    let report = dir.join("report.tsv");
    let out = tracuu(
        dir,
        &[
            "import",
            input,
            "--index",
            "idx",
            "--threads",
            "2",
            "--report",
            report.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let report = std::fs::read_to_string(report).unwrap();
    (out, report)
}

/// Copies and updates are judged in the order the inputs were read, whatever thread took them:
/// of two copies read one after the other, the second is always the duplicate, and the last
/// version of a re-imported article is the one that stays.
#[test]
fn duplicates_and_updates_follow_the_reading_order_on_every_thread() {
    let dir = tempfile::tempdir().unwrap();
    let n = 400;
    let mut lines = Vec::new();
    let body = |k: usize, v: &str| {
        format!("Nội dung bài số {k} {v}: Ủy ban nhân dân tỉnh tổ chức hội nghị lần thứ {k}.")
    };
    for k in 0..n {
        for site in ["goc", "ban-sao"] {
            lines.push(serde_json::json!({
                "url": format!("https://{site}.example.vn/bai/{k}"),
                "title": format!("Bài viết số {k} về chuyển đổi số"),
                "body": body(k, "bản đầu"),
            }));
        }
    }
    for k in [0, 7, 399] {
        lines.push(serde_json::json!({
            "url": format!("https://goc.example.vn/bai/{k}"),
            "title": format!("Bài viết số {k} về chuyển đổi số"),
            "body": body(k, "bản sửa"),
        }));
    }
    let dump = dir.path().join("dump.jsonl");
    let text: Vec<String> = lines.iter().map(Value::to_string).collect();
    std::fs::write(&dump, text.join("\n") + "\n").unwrap();
    let (out, report) = import_on_two_threads(dir.path(), "dump.jsonl");
    assert!(
        stdout(&out).starts_with(&format!(
            "imported {n}, updated 3, duplicates {n}, skipped 0"
        )),
        "{}",
        stdout(&out)
    );
    // Every copy read second (an even line) is the duplicate, in reading order.
    let lines_reported: Vec<usize> = report
        .lines()
        .skip(1)
        .map(|l| {
            let source = l.split('\t').next().unwrap();
            source.rsplit(':').next().unwrap().parse().unwrap()
        })
        .collect();
    let expected: Vec<usize> = (1..=n).map(|k| 2 * k).collect();
    assert_eq!(lines_reported, expected, "{report}");
    let export = tracuu(dir.path(), &["export", "--index", "idx"]);
    let updated = stdout(&export)
        .lines()
        .filter(|l| l.contains("bản sửa"))
        .count();
    assert_eq!(updated, 3);
}

/// Each sample page read twice: first padded with a long script (slow to read through), then
/// right after it, unpadded, under another URL (quick). The quick copy is usually extracted
/// first, on the other thread or in the next group, and must still be the one reported as the
/// duplicate.
#[test]
fn a_slow_original_is_not_overtaken_by_its_quick_copy() {
    let dir = tempfile::tempdir().unwrap();
    let pages = dir.path().join("pages");
    std::fs::create_dir(&pages).unwrap();
    // Shifts the pairs by one, so that some pairs straddle two groups of inputs.
    std::fs::write(
        pages.join("000-filler.html"),
        "<html><body>menu</body></html>",
    )
    .unwrap();
    let padding = format!("<script>{}</script>", "var x = 1; ".repeat(60_000));
    let mut pairs = 0;
    for layout in std::fs::read_dir(common::root().join("samples/pages")).unwrap() {
        for page in std::fs::read_dir(layout.unwrap().path()).unwrap() {
            // Pages in legacy encodings are left out: this test edits the text.
            let Ok(html) = std::fs::read_to_string(page.unwrap().path()) else {
                continue;
            };
            let Some(at) = html.find("rel=\"canonical\" href=\"") else {
                continue;
            };
            let rest = &html[at + 22..];
            let url = &rest[..rest.find('"').unwrap()];
            pairs += 1;
            let padded = html.replacen("</head>", &format!("{padding}</head>"), 1);
            let copy = html.replace(url, &format!("{url}?ban-sao=1"));
            std::fs::write(pages.join(format!("{pairs:03}-a.html")), padded).unwrap();
            std::fs::write(pages.join(format!("{pairs:03}-b.html")), copy).unwrap();
        }
    }
    let (out, report) = import_on_two_threads(dir.path(), "pages");
    let duplicates: Vec<&str> = report
        .lines()
        .filter(|l| l.contains("duplicate of"))
        .collect();
    assert!(duplicates.len() >= 30, "{pairs} pairs: {report}");
    for d in &duplicates {
        assert!(d.contains("-b.html\t"), "{d}");
    }
    assert!(
        stdout(&out).starts_with(&format!(
            "imported {n}, updated 0, duplicates {n},",
            n = duplicates.len()
        )),
        "{}",
        stdout(&out)
    );
}
