//! `tracuu export --format opensearch|quickwit` through the real binary, on the imported
//! samples: the output parses, agrees with its own mapping, carries tracuu's analysis, and is
//! deterministic.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use common::{imported_samples, stderr, stdout, tracuu};
use serde_json::Value;

/// Articles in the imported samples (pages, WARC and NDJSON dumps).
const SAMPLE_ARTICLES: usize = 54;

fn index_arg() -> String {
    imported_samples().join("index").display().to_string()
}

/// Exports the samples for `format` into a fresh directory and returns it.
fn export(format: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("out");
    let o = tracuu(
        tmp.path(),
        &[
            "export",
            "--index",
            &index_arg(),
            "--format",
            format,
            "--out",
            out.to_str().expect("utf-8 path"),
        ],
    );
    assert!(o.status.success(), "export failed: {}", stderr(&o));
    (tmp, out)
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// (action, document) pairs of a `_bulk` stream.
fn bulk_pairs(text: &str) -> Vec<(Value, Value)> {
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len() % 2, 0, "a _bulk stream has pairs of lines");
    lines
        .chunks(2)
        .map(|p| {
            let a: Value = serde_json::from_str(p[0]).expect("action line parses");
            let d: Value = serde_json::from_str(p[1]).expect("document line parses");
            (a, d)
        })
        .collect()
}

fn opensearch_docs() -> (BTreeMap<String, Value>, Value) {
    let (_tmp, out) = export("opensearch");
    let pairs = bulk_pairs(&read(&out.join("bulk.ndjson")));
    let mapping: Value =
        serde_json::from_str(&read(&out.join("mapping.json"))).expect("mapping parses");
    let docs = pairs
        .into_iter()
        .map(|(_, d)| (d["id"].as_str().unwrap_or_default().to_string(), d))
        .collect();
    (docs, mapping)
}

#[test]
fn bulk_stream_pairs_actions_with_the_article_ids() {
    let (_tmp, out) = export("opensearch");
    let pairs = bulk_pairs(&read(&out.join("bulk.ndjson")));
    assert_eq!(pairs.len(), SAMPLE_ARTICLES);
    let mut seen = HashSet::new();
    for (action, doc) in &pairs {
        let meta = &action["index"];
        assert_eq!(meta["_index"], "tracuu", "{action}");
        let id = meta["_id"].as_str().expect("every action has an _id");
        assert_eq!(doc["id"].as_str(), Some(id), "the _id is the article id");
        assert!(seen.insert(id.to_string()), "duplicate _id {id}");
    }
    // The ids are the ones tracuu's own NDJSON export gives.
    let o = tracuu(imported_samples(), &["export", "--index", &index_arg()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let plain: HashSet<String> = stdout(&o)
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("ndjson line");
            v["id"].as_str().unwrap_or_default().to_string()
        })
        .collect();
    assert_eq!(plain, seen);
    // In id order.
    let ids: Vec<&str> = pairs.iter().filter_map(|(_, d)| d["id"].as_str()).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted);
}

/// Every analyzer name used in a mapping property (and its subfields).
fn referenced_analyzers(props: &serde_json::Map<String, Value>, out: &mut BTreeSet<String>) {
    for p in props.values() {
        for key in ["analyzer", "search_analyzer"] {
            if let Some(a) = p[key].as_str() {
                out.insert(a.to_string());
            }
        }
        if let Some(sub) = p["fields"].as_object() {
            referenced_analyzers(sub, out);
        }
    }
}

#[test]
fn mapping_declares_every_field_and_defines_every_analyzer() {
    let (docs, mapping) = opensearch_docs();
    let props = mapping["mappings"]["properties"]
        .as_object()
        .expect("mappings.properties");
    assert_eq!(mapping["mappings"]["dynamic"], "strict");
    assert!(
        mapping["mappings"]["_meta"]["tracuu_analyzer_version"].is_u64(),
        "the analyzer version is recorded"
    );
    for doc in docs.values() {
        for (field, value) in doc.as_object().expect("object") {
            let p = props
                .get(field)
                .unwrap_or_else(|| panic!("{field} not in the mapping"));
            let ty = p["type"]
                .as_str()
                .unwrap_or_else(|| panic!("{field}: no type"));
            match ty {
                "keyword" => assert!(value.is_string() || value.is_array(), "{field}"),
                "text" => assert!(value.is_string(), "{field}"),
                "date" => assert!(value.is_string(), "{field}"),
                other => panic!("{field}: unexpected type {other}"),
            }
        }
    }
    for f in ["agency", "topic", "province", "author"] {
        assert_eq!(
            props[f]["type"], "keyword",
            "{f} is exact, for aggregations"
        );
        assert!(props[f]["fields"].is_object(), "{f} has text subfields");
    }
    assert_eq!(props["date"]["format"], "yyyy-MM-dd");
    let analysis = &mapping["settings"]["analysis"];
    let analyzers = analysis["analyzer"].as_object().expect("analyzers");
    let filters = analysis["filter"].as_object().expect("filters");
    let tokenizers = analysis["tokenizer"].as_object().expect("tokenizers");
    let mut used = BTreeSet::new();
    referenced_analyzers(props, &mut used);
    assert!(!used.is_empty());
    for a in &used {
        assert!(analyzers.contains_key(a), "analyzer {a} is not defined");
    }
    for (name, a) in analyzers {
        let t = a["tokenizer"].as_str().expect("tokenizer");
        assert!(
            ["whitespace", "standard"].contains(&t) || tokenizers.contains_key(t),
            "{name}: tokenizer {t}"
        );
        for f in a["filter"].as_array().expect("filter list") {
            let f = f.as_str().expect("filter name");
            assert!(
                ["lowercase", "asciifolding"].contains(&f) || filters.contains_key(f),
                "{name}: filter {f} is not defined"
            );
        }
        // The precomputed text must not be stemmed or re-folded by the engine.
        let text = a.to_string();
        assert!(!text.contains("stem"), "{name}");
    }
    // The document dates parse as the declared format.
    for d in docs.values() {
        if let Some(date) = d["date"].as_str() {
            assert!(
                chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").is_ok(),
                "{date}"
            );
        }
        if let Some(dt) = d["datetime"].as_str() {
            assert!(chrono::DateTime::parse_from_rfc3339(dt).is_ok(), "{dt}");
        }
    }
}

/// The `*_vi` form tracuu's analyzer implies for `text`: at each position, the compound word
/// starting there (skipping its syllables), else the syllable or protected token.
fn expected_vi(text: &str) -> String {
    let o = tracuu(imported_samples(), &["analyze", "--json", text]);
    assert!(o.status.success(), "{}", stderr(&o));
    let toks: Vec<Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).expect("analyze json"))
        .collect();
    let mut by_pos: BTreeMap<u64, Vec<(String, String)>> = BTreeMap::new();
    for t in &toks {
        by_pos
            .entry(t["position"].as_u64().expect("position"))
            .or_default()
            .push((
                t["kind"].as_str().unwrap_or_default().to_string(),
                t["text"].as_str().unwrap_or_default().to_string(),
            ));
    }
    let mut out: Vec<String> = Vec::new();
    let mut skip_until = 0u64;
    for (&pos, list) in &by_pos {
        if pos < skip_until {
            continue;
        }
        if let Some((_, w)) = list.iter().find(|(k, _)| k == "word") {
            skip_until = pos + w.matches('_').count() as u64 + 1;
            out.push(w.clone());
        } else if let Some((_, t)) = list
            .iter()
            .find(|(k, _)| !matches!(k.as_str(), "folded" | "alternative" | "part"))
        {
            out.push(t.clone());
        }
    }
    out.join(" ")
}

#[test]
fn vi_fields_are_tracuus_segmented_forms_and_folded_fields_have_no_diacritics() {
    let (docs, _) = opensearch_docs();
    let doc = docs
        .values()
        .find(|d| {
            d["url"]
                .as_str()
                .is_some_and(|u| u.contains("UBND-tinh-Bac-Lieu-lam-viec"))
        })
        .expect("the Bạc Liêu 2009 article is exported");
    assert_eq!(doc["date"], "2009-04-20");
    let body_vi = doc["body_vi"].as_str().expect("body_vi");
    let tokens: Vec<&str> = body_vi.split_whitespace().collect();
    assert!(tokens.contains(&"43/2008/qđ-ttg"), "{body_vi}");
    assert!(tokens.contains(&"truyền_thông"), "{body_vi}");
    assert!(tokens.contains(&"ubnd"), "{body_vi}");
    for field in ["title", "lead", "body"] {
        let original = doc[field].as_str().expect("original text");
        let vi = doc[format!("{field}_vi")].as_str().expect("vi");
        assert_eq!(vi, expected_vi(original), "{field}_vi");
    }
    let accented = "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ";
    for d in docs.values() {
        for field in ["title", "lead", "body"] {
            let vi = d[format!("{field}_vi")].as_str().unwrap_or_default();
            let folded = d[format!("{field}_folded")].as_str().unwrap_or_default();
            assert!(
                !folded
                    .chars()
                    .any(|c| accented.contains(c.to_lowercase().next().unwrap_or(c))),
                "{field}_folded has diacritics: {folded}"
            );
            assert_eq!(
                vi.split_whitespace().count(),
                folded.split_whitespace().count(),
                "{field}: one folded token per token"
            );
            assert!(!vi.contains("  ") && vi.trim() == vi, "{field}_vi spacing");
        }
    }
}

/// Splits a Solr-syntax synonym rule into its two sides' terms (the left side is empty for
/// an equivalence), honouring `\` escapes.
fn parse_rule(rule: &str) -> (Vec<String>, Vec<String>) {
    let mut sides: Vec<Vec<String>> = vec![Vec::new()];
    let mut term = String::new();
    let mut chars = rule.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => term.push(chars.next().expect("escape followed by a character")),
            ',' => sides
                .last_mut()
                .expect("side")
                .push(std::mem::take(&mut term)),
            '=' if chars.peek() == Some(&'>') => {
                chars.next();
                sides
                    .last_mut()
                    .expect("side")
                    .push(std::mem::take(&mut term));
                sides.push(Vec::new());
            }
            c => term.push(c),
        }
    }
    sides.last_mut().expect("side").push(term);
    let clean = |v: &Vec<String>| -> Vec<String> {
        v.iter().map(|t| t.trim().to_string()).collect::<Vec<_>>()
    };
    assert!(sides.len() <= 2, "at most one => in {rule}");
    match sides.as_slice() {
        [one] => (Vec::new(), clean(one)),
        [lhs, rhs] => (clean(lhs), clean(rhs)),
        _ => unreachable!(),
    }
}

#[test]
fn synonym_rules_parse_and_their_long_forms_match_the_indexed_text() {
    let (docs, mapping) = opensearch_docs();
    let filters = &mapping["settings"]["analysis"]["filter"];
    let texts: Vec<String> = docs
        .values()
        .map(|d| {
            ["title_vi", "lead_vi", "body_vi"]
                .iter()
                .filter_map(|f| d[*f].as_str())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    let (mut present_as_syllables, mut present_as_words) = (0, 0);
    for name in ["tracuu_synonyms_vi", "tracuu_synonyms_folded"] {
        let f = &filters[name];
        assert_eq!(f["type"], "synonym_graph");
        let rules = f["synonyms"].as_array().expect("rules");
        assert!(rules.len() > 20, "{name}: the abbreviation table is there");
        for r in rules {
            let r = r.as_str().expect("rule text");
            let (lhs, rhs) = parse_rule(r);
            for t in lhs.iter().chain(&rhs) {
                assert!(!t.is_empty(), "{name}: empty term in {r:?}");
                assert_eq!(t, &t.to_lowercase(), "{name}: {r:?}");
                if name.ends_with("folded") {
                    assert!(t.is_ascii(), "{name}: {r:?}");
                }
            }
            if name.ends_with("_vi") {
                let long = rhs.last().expect("long form");
                let syllables = format!(" {} ", long.replace('_', " "));
                let words = format!(" {long} ");
                for t in &texts {
                    if format!(" {} ", t.replace('_', " ")).contains(&syllables) {
                        present_as_syllables += 1;
                        if format!(" {t} ").contains(&words) {
                            present_as_words += 1;
                        }
                    }
                }
            }
        }
    }
    assert!(
        present_as_syllables > 20,
        "the long forms occur in the samples"
    );
    eprintln!(
        "synonym long forms found in the samples: {present_as_syllables} as syllables, {present_as_words} in the rule's word form"
    );
    // A rule's long form is written as the segmenter writes it in running text.
    assert!(
        present_as_words * 10 >= present_as_syllables * 9,
        "{present_as_words} of {present_as_syllables}"
    );
    let vi = filters["tracuu_synonyms_vi"]["synonyms"].to_string();
    assert!(vi.contains("\"ubnd, ủy_ban_nhân_dân\""), "{vi}");
}

#[test]
fn quickwit_config_declares_every_field_once_and_docs_parse() {
    let (_tmp, out) = export("quickwit");
    let yaml = read(&out.join("index-config.yaml"));
    let lines: Vec<String> = read(&out.join("docs.ndjson"))
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(lines.len(), SAMPLE_ARTICLES);
    let mut fields = BTreeSet::new();
    for l in &lines {
        let v: Value = serde_json::from_str(l).expect("docs.ndjson line parses");
        for k in v.as_object().expect("object").keys() {
            fields.insert(k.clone());
        }
    }
    for f in &fields {
        assert_eq!(
            yaml.matches(&format!("\n    - name: {f}\n")).count(),
            1,
            "{f} declared once in:\n{yaml}"
        );
    }
    for want in [
        "version: 0.7",
        "index_id: \"tracuu\"",
        "timestamp_field: date",
        "default_search_fields: [",
        "tokenizer: whitespace",
        "record: position",
    ] {
        assert!(yaml.contains(want), "{want}");
    }
    // Same document shape as the OpenSearch stream.
    let (_tmp2, os) = export("opensearch");
    let bulk_docs: Vec<String> = read(&os.join("bulk.ndjson"))
        .lines()
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    assert_eq!(bulk_docs, lines);
    // When Python with PyYAML is around, check that the YAML really parses to that structure.
    let script =
        "import sys, json, yaml\nc = yaml.safe_load(open(sys.argv[1]))\nprint(json.dumps(c))";
    match std::process::Command::new("python3")
        .args(["-c", script])
        .arg(out.join("index-config.yaml"))
        .output()
    {
        Ok(o) if o.status.success() => {
            let c: Value = serde_json::from_slice(&o.stdout).expect("python printed JSON");
            let names: Vec<&str> = c["doc_mapping"]["field_mappings"]
                .as_array()
                .expect("field_mappings")
                .iter()
                .filter_map(|f| f["name"].as_str())
                .collect();
            let unique: BTreeSet<&str> = names.iter().copied().collect();
            assert_eq!(unique.len(), names.len(), "no field twice");
            for f in &fields {
                assert!(unique.contains(f.as_str()), "{f}");
            }
            assert_eq!(c["doc_mapping"]["timestamp_field"], "date");
            for f in c["doc_mapping"]["field_mappings"].as_array().expect("list") {
                assert!(f["type"].is_string(), "{f}");
            }
        }
        _ => eprintln!("note: python3 with PyYAML not available; YAML checked textually only"),
    }
}

#[test]
fn two_exports_are_byte_identical_and_stdout_matches_the_files() {
    for (format, files) in [
        ("opensearch", ["mapping.json", "bulk.ndjson"]),
        ("quickwit", ["index-config.yaml", "docs.ndjson"]),
    ] {
        let (_a, first) = export(format);
        let (_b, second) = export(format);
        for f in files {
            assert_eq!(
                fs::read(first.join(f)).expect("first"),
                fs::read(second.join(f)).expect("second"),
                "{format}: {f} differs between two exports"
            );
        }
        let tmp = tempfile::tempdir().expect("temp dir");
        let def = tmp.path().join("definition");
        let o = tracuu(
            tmp.path(),
            &[
                "export",
                "--index",
                &index_arg(),
                "--format",
                format,
                "--mapping",
                def.to_str().expect("utf-8"),
            ],
        );
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(o.stdout, fs::read(first.join(files[1])).expect("docs"));
        assert_eq!(
            fs::read(&def).expect("definition"),
            fs::read(first.join(files[0])).expect("file")
        );
    }
}

#[test]
fn bad_arguments_are_reported_clearly() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let file = tmp.path().join("a-file");
    fs::write(&file, "x").expect("write");
    let index = index_arg();
    let cases: [(Vec<&str>, &str); 3] = [
        (
            vec![
                "--format",
                "opensearch",
                "--out",
                file.to_str().expect("utf-8"),
            ],
            "not a directory",
        ),
        (
            vec!["--format", "quickwit", "--out", "o", "--name", "Bad Name"],
            "index name",
        ),
        (vec!["--mapping", "m.json"], "--mapping"),
    ];
    for (extra, want) in cases {
        let mut args = vec!["export", "--index", index.as_str()];
        args.extend(extra.iter().copied());
        let o = tracuu(tmp.path(), &args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(want), "{args:?}: {}", stderr(&o));
    }
    let nested = file.join("below");
    let o = tracuu(
        tmp.path(),
        &[
            "export",
            "--index",
            &index,
            "--format",
            "opensearch",
            "--out",
            nested.to_str().expect("utf-8"),
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("cannot create"), "{}", stderr(&o));
}
