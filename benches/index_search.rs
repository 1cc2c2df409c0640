//! Indexing and query speed on the bundled samples: importing the sample articles into a fresh
//! index (extraction excluded: the articles come from `samples/expected.jsonl`), and answering
//! the sample known-item queries, next to SQLite FTS5 on the same articles and queries.

use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rusqlite::Connection;
use tracuu::Article;
use tracuu::article::id_from_url;
use tracuu::index::writer::IndexSession;
use tracuu::search::{SearchOptions, Searcher};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The sample articles, as tracuu would store them.
fn articles() -> Vec<Article> {
    let text = std::fs::read_to_string(root().join("samples/expected.jsonl")).unwrap_or_default();
    text.lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .map(|v| {
            let s = |k: &str| v[k].as_str().unwrap_or("").to_string();
            let o = |k: &str| v[k].as_str().map(str::to_string);
            Article {
                id: id_from_url(&format!("{}#{}", s("url"), s("source"))),
                url: o("url"),
                source: s("source"),
                title: s("title"),
                lead: s("lead"),
                body: s("body"),
                date: chrono::NaiveDate::parse_from_str(&s("date"), "%Y-%m-%d").ok(),
                agency: o("agency"),
                author: o("author"),
                topic: o("topic"),
                province: o("province"),
                ..Article::default()
            }
        })
        .collect()
}

/// The sample queries without flags.
fn queries() -> Vec<String> {
    let text = std::fs::read_to_string(root().join("samples/queries.tsv")).unwrap_or_default();
    text.lines()
        .skip(1)
        .filter_map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            (cols.len() >= 2 && cols.get(3).is_none_or(|f| f.trim().is_empty()))
                .then(|| cols[1].to_string())
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let articles = articles();
    if articles.is_empty() {
        eprintln!("note: samples/expected.jsonl missing; nothing to benchmark");
        return;
    }
    let bytes: u64 = articles
        .iter()
        .map(|a| (a.title.len() + a.lead.len() + a.body.len()) as u64)
        .sum();

    let mut g = c.benchmark_group("indexing");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(bytes));
    g.bench_function("tracuu_index_samples", |b| {
        b.iter(|| {
            let dir = tempfile::tempdir().expect("temp dir");
            let mut session = IndexSession::open(dir.path(), "bench", 1).expect("index");
            for a in &articles {
                session.upsert(a).expect("upsert");
            }
            session.finish().expect("commit");
        })
    });
    g.bench_function("fts5_index_samples", |b| {
        b.iter(|| {
            let db = fts5_table();
            for a in &articles {
                fts5_insert(&db, a);
            }
        })
    });
    g.finish();

    let dir = tempfile::tempdir().expect("temp dir");
    let mut session = IndexSession::open(dir.path(), "bench", 1).expect("index");
    for a in &articles {
        session.upsert(a).expect("upsert");
    }
    session.finish().expect("commit");
    let searcher = Searcher::open(dir.path(), None).expect("open");
    let db = fts5_table();
    for a in &articles {
        fts5_insert(&db, a);
    }
    let queries = queries();
    let options = SearchOptions::default();
    let mut g = c.benchmark_group("queries");
    g.throughput(Throughput::Elements(queries.len() as u64));
    g.bench_function("tracuu_sample_queries", |b| {
        b.iter(|| {
            queries
                .iter()
                .map(|q| searcher.search(q, &options).map_or(0, |r| r.hits.len()))
                .sum::<usize>()
        })
    });
    g.bench_function("fts5_sample_queries", |b| {
        b.iter(|| queries.iter().map(|q| fts5_search(&db, q)).sum::<usize>())
    });
    g.finish();
}

fn fts5_table() -> Connection {
    let db = Connection::open_in_memory().expect("sqlite");
    db.execute_batch(
        "CREATE VIRTUAL TABLE a USING fts5(title, lead, body, agency, tokenize='unicode61 remove_diacritics 2');",
    )
    .expect("fts5");
    db
}

fn fts5_insert(db: &Connection, a: &Article) {
    let agency = a.agency.clone().unwrap_or_default();
    db.execute(
        "INSERT INTO a VALUES (?1, ?2, ?3, ?4)",
        [&a.title, &a.lead, &a.body, &agency],
    )
    .expect("insert");
}

/// Every word quoted (so punctuation cannot break the syntax), all AND-ed; top 10 by bm25.
fn fts5_search(db: &Connection, q: &str) -> usize {
    let m: Vec<String> = q
        .split_whitespace()
        .map(|w| format!("\"{}\"", w.replace('"', "")))
        .collect();
    let Ok(mut stmt) = db.prepare(
        "SELECT rowid FROM a WHERE a MATCH ?1 ORDER BY bm25(a, 3.0, 2.0, 1.0, 1.5) LIMIT 10",
    ) else {
        return 0;
    };
    stmt.query_map([m.join(" AND ")], |r| r.get::<_, i64>(0))
        .map_or(0, |rows| rows.count())
}

criterion_group!(benches, bench);
criterion_main!(benches);
