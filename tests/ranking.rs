//! Ranking quality: known-item queries over the bundled samples (`samples/queries.tsv`). For
//! each class of query, success@1 and MRR@10 of tracuu, next to SQLite FTS5 (unicode61 with
//! remove_diacritics 2) on the same articles and queries. Every class must reach MRR@10 ≥ 0.9
//! and do at least as well as FTS5.

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::NaiveDate;
use rusqlite::Connection;
use tracuu::ingest::import::{ImportOptions, import};
use tracuu::search::{SearchOptions, Searcher};

struct KnownItem {
    class: String,
    query: String,
    target: String,
    flags: Vec<(String, String)>,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Splits `--agency "Sở TT&TT" --year 2016` into flag/value pairs.
fn parse_flags(s: &str) -> Vec<(String, String)> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in s.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !cur.is_empty() {
                    words.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
        .chunks(2)
        .filter(|c| c.len() == 2)
        .map(|c| (c[0].clone(), c[1].clone()))
        .collect()
}

fn load_queries() -> Vec<KnownItem> {
    let text =
        std::fs::read_to_string(root().join("samples/queries.tsv")).expect("samples/queries.tsv");
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            KnownItem {
                class: cols[0].to_string(),
                query: cols[1].to_string(),
                target: cols[2].to_string(),
                flags: parse_flags(cols.get(3).copied().unwrap_or("")),
            }
        })
        .collect()
}

fn options(flags: &[(String, String)]) -> SearchOptions {
    let mut o = SearchOptions {
        limit: 10,
        ..SearchOptions::default()
    };
    let date = |v: &str| NaiveDate::parse_from_str(v, "%Y-%m-%d").ok();
    for (k, v) in flags {
        match k.as_str() {
            "--agency" => o.agency = Some(v.clone()),
            "--topic" => o.topic = Some(v.clone()),
            "--province" => o.province = Some(v.clone()),
            "--author" => o.author = Some(v.clone()),
            "--year" => o.year = v.parse().ok(),
            "--from" => o.from = date(v),
            "--to" => o.to = date(v),
            other => panic!("unknown flag {other} in queries.tsv"),
        }
    }
    o
}

#[derive(Default)]
struct Score {
    n: usize,
    at1: usize,
    rr: f64,
}

impl Score {
    fn add(&mut self, rank: Option<usize>) {
        self.n += 1;
        if rank == Some(1) {
            self.at1 += 1;
        }
        if let Some(r) = rank.filter(|&r| r <= 10) {
            self.rr += 1.0 / r as f64;
        }
    }
    fn success(&self) -> f64 {
        self.at1 as f64 / self.n.max(1) as f64
    }
    fn mrr(&self) -> f64 {
        self.rr / self.n.max(1) as f64
    }
}

/// The FTS5 baseline: the same articles in a table, queries as FTS5 MATCH expressions.
fn fts5(articles: &[serde_json::Value]) -> Connection {
    let db = Connection::open_in_memory().unwrap();
    db.execute_batch(
        "CREATE VIRTUAL TABLE a USING fts5(source UNINDEXED, title, lead, body, agency, topic, province UNINDEXED, date UNINDEXED, tokenize='unicode61 remove_diacritics 2');",
    )
    .unwrap();
    for v in articles {
        let s = |k: &str| v[k].as_str().unwrap_or("").to_string();
        db.execute(
            "INSERT INTO a VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            [
                s("source"),
                s("title"),
                s("lead"),
                s("body"),
                s("agency"),
                s("topic"),
                s("province"),
                s("date"),
            ],
        )
        .unwrap();
    }
    db
}

/// A query as FTS5 syntax: every bare word quoted (so punctuation cannot break the syntax),
/// phrases kept, all AND-ed.
fn fts5_match(query: &str) -> String {
    let mut parts = Vec::new();
    let mut rest = query;
    while let Some(start) = rest.find('"') {
        parts.extend(
            rest[..start]
                .split_whitespace()
                .map(|w| format!("\"{}\"", w.replace('"', ""))),
        );
        let after = &rest[start + 1..];
        let end = after.find('"').unwrap_or(after.len());
        parts.push(format!("\"{}\"", &after[..end]));
        rest = after.get(end + 1..).unwrap_or("");
    }
    parts.extend(
        rest.split_whitespace()
            .map(|w| format!("\"{}\"", w.replace('"', ""))),
    );
    parts.join(" AND ")
}

fn fts5_rank(db: &Connection, q: &KnownItem) -> Option<usize> {
    let mut sql = String::from("SELECT source FROM a WHERE a MATCH ?1");
    let mut params: Vec<String> = vec![fts5_match(&q.query)];
    for (k, v) in &q.flags {
        params.push(v.clone());
        let p = params.len();
        sql.push_str(&match k.as_str() {
            "--agency" => format!(" AND agency LIKE ?{p} || '%'"),
            "--topic" => format!(" AND topic LIKE ?{p} || '%'"),
            "--province" => format!(" AND province = ?{p}"),
            "--year" => format!(" AND substr(date, 1, 4) = ?{p}"),
            "--from" => format!(" AND date >= ?{p}"),
            "--to" => format!(" AND date <= ?{p}"),
            _ => format!(" AND ?{p} = ?{p}"),
        });
    }
    sql.push_str(" ORDER BY bm25(a, 0, 3.0, 2.0, 1.0, 1.5, 0.8) LIMIT 10");
    let mut stmt = db.prepare(&sql).ok()?;
    let rows = stmt
        .query_map(rusqlite::params_from_iter(params.iter()), |r| {
            r.get::<_, String>(0)
        })
        .ok()?;
    let sources: Vec<String> = rows.flatten().collect();
    sources.iter().position(|s| s == &q.target).map(|i| i + 1)
}

#[test]
fn known_item_queries_rank_the_intended_article_first() {
    let samples = root().join("samples");
    let dir = tempfile::tempdir().unwrap();
    let mut opts = ImportOptions::new(dir.path().join("index"));
    opts.quiet = true;
    let inputs = vec![
        samples.clone(),
        samples.join("dumps/extra.warc.gz"),
        samples.join("dumps/extra.jsonl"),
    ];
    let summary = import(&inputs, &opts).unwrap();
    assert_eq!(summary.imported, 54, "{}", summary.line());
    let searcher = Searcher::open(&dir.path().join("index"), None).unwrap();

    let truth: Vec<serde_json::Value> = std::fs::read_to_string(samples.join("expected.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let db = fts5(&truth);

    let queries = load_queries();
    assert!(queries.len() >= 40);
    let mut ours: BTreeMap<String, Score> = BTreeMap::new();
    let mut base: BTreeMap<String, Score> = BTreeMap::new();
    let mut misses = Vec::new();
    for q in &queries {
        let result = searcher.search(&q.query, &options(&q.flags)).unwrap();
        let rank = result
            .hits
            .iter()
            .position(|h| h.article.source.ends_with(&q.target))
            .map(|i| i + 1);
        if rank != Some(1) {
            let top = result
                .hits
                .first()
                .map_or("-".to_string(), |h| h.article.source.clone());
            misses.push(format!(
                "{:16} {:?} → rank {:?} (first: {top})",
                q.class, q.query, rank
            ));
        }
        ours.entry(q.class.clone()).or_default().add(rank);
        base.entry(q.class.clone())
            .or_default()
            .add(fts5_rank(&db, q));
    }
    println!(
        "{:16} {:>4} {:>10} {:>8} {:>10} {:>8}",
        "class", "n", "tracuu@1", "MRR@10", "FTS5@1", "MRR@10"
    );
    for (class, s) in &ours {
        let b = &base[class];
        println!(
            "{class:16} {:>4} {:>10.3} {:>8.3} {:>10.3} {:>8.3}",
            s.n,
            s.success(),
            s.mrr(),
            b.success(),
            b.mrr()
        );
    }
    for m in &misses {
        println!("miss: {m}");
    }
    for (class, s) in &ours {
        assert!(s.mrr() >= 0.9, "{class}: MRR@10 {:.3} < 0.9", s.mrr());
        assert!(
            s.mrr() + 1e-9 >= base[class].mrr(),
            "{class}: FTS5 beats tracuu"
        );
    }
}
