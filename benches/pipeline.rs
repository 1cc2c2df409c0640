//! The whole-pipeline benchmark: generate an archive, import it, query it, rebuild it, and
//! measure the same work done by the baselines (scraper parse only, tantivy's default
//! tokenizer, SQLite FTS5) in the same run, on the same machine.
//!
//! ```text
//! cargo bench --bench pipeline -- [--articles 100000] [--seed 1] [--queries 1000]
//!     [--out bench-out/pipeline] [--reuse] [--skip-import-1t]
//! ```
//!
//! It drives the real release binary (`tracuu import/search/rebuild`) through its CLI
//! contract, so the figures are what a user gets. A subcommand that answers "not implemented
//! yet" (exit code 2) is reported as n/a and the run goes on. Results go to
//! `bench-out/pipeline.md` and stdout.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use rayon::prelude::*;
use serde_json::Value;

struct Options {
    articles: u64,
    seed: u64,
    queries: usize,
    out: PathBuf,
    reuse: bool,
    import_1t: bool,
}

fn parse_args() -> Result<Options> {
    let mut o = Options {
        articles: 100_000,
        seed: 1,
        queries: 1000,
        out: PathBuf::new(),
        reuse: false,
        import_1t: true,
    };
    let mut out: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--articles" => o.articles = args.next().context("--articles N")?.parse()?,
            "--seed" => o.seed = args.next().context("--seed S")?.parse()?,
            "--queries" => o.queries = args.next().context("--queries Q")?.parse()?,
            "--out" => out = Some(PathBuf::from(args.next().context("--out DIR")?)),
            "--reuse" => o.reuse = true,
            "--skip-import-1t" => o.import_1t = false,
            // cargo bench passes --bench to harness-less benches.
            "--bench" => {}
            other => bail!("unknown argument {other:?}"),
        }
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    o.out = out.unwrap_or_else(|| {
        root.join("bench-out")
            .join(format!("pipeline-{}", o.articles))
    });
    Ok(o)
}

/// A finished child process: exit status, output, wall time and peak RSS.
struct Run {
    ok: bool,
    not_implemented: bool,
    code: Option<i32>,
    stdout: Vec<u8>,
    stderr: String,
    secs: f64,
    rss_kb: Option<u64>,
    /// User plus system CPU seconds, from `/usr/bin/time -v`.
    cpu_secs: Option<f64>,
}

impl Run {
    fn describe_failure(&self) -> String {
        if self.not_implemented {
            "n/a (not implemented yet)".to_string()
        } else {
            let first = self
                .stderr
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("");
            format!(
                "failed (exit {:?}: {})",
                self.code,
                first.chars().take(120).collect::<String>()
            )
        }
    }
}

/// Runs a command under `/usr/bin/time -v` (when present) to learn its peak RSS.
fn run(program: &Path, args: &[String], env: &[(&str, &str)]) -> Result<Run> {
    let time_bin = Path::new("/usr/bin/time");
    let rss_file = tempfile::NamedTempFile::new()?;
    let mut cmd = if time_bin.exists() {
        let mut c = Command::new(time_bin);
        c.arg("-v").arg("-o").arg(rss_file.path()).arg(program);
        c
    } else {
        Command::new(program)
    };
    cmd.args(args).stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let start = Instant::now();
    let out = cmd
        .output()
        .with_context(|| format!("running {}", program.display()))?;
    let secs = start.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let report = fs::read_to_string(rss_file.path()).unwrap_or_default();
    let field = |name: &str| -> Option<f64> {
        report
            .lines()
            .find_map(|l| l.trim().strip_prefix(name))
            .and_then(|v| v.trim().parse().ok())
    };
    let rss_kb = field("Maximum resident set size (kbytes):").map(|kb| kb as u64);
    let cpu_secs = field("User time (seconds):")
        .zip(field("System time (seconds):"))
        .map(|(u, s)| u + s);
    let code = out.status.code();
    Ok(Run {
        ok: out.status.success(),
        not_implemented: code == Some(2) && stderr.to_lowercase().contains("not implemented"),
        code,
        stdout: out.stdout,
        stderr,
        secs,
        rss_kb,
        cpu_secs,
    })
}

/// CPU seconds (user plus system) this process has used so far, from `/proc/self/stat`
/// (Linux; `None` elsewhere). On a shared virtual machine, time the host gives to other guests
/// inflates wall time but not this, so CPU ratios are steadier than wall-clock ones.
fn own_cpu_secs() -> Option<f64> {
    let stat = fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may contain spaces.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split(' ').collect();
    // utime and stime are fields 14 and 15 of the line: 12 and 13 after the name and state.
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    // Clock ticks per second: 100 on every Linux architecture tracuu builds for.
    Some(ticks / 100.0)
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

fn rss(r: &Run) -> String {
    r.rss_kb
        .map(|k| format!("{:.0} MB", k as f64 / 1024.0))
        .unwrap_or_else(|| "n/a".into())
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * (sorted.len() as f64 - 1.0)).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn dir_bytes(dir: &Path) -> (u64, u64) {
    let mut files = 0;
    let mut bytes = 0;
    for e in walkdir::WalkDir::new(dir).into_iter().flatten() {
        if e.file_type().is_file() {
            files += 1;
            bytes += e.metadata().map(|m| m.len()).unwrap_or(0);
        }
    }
    (files, bytes)
}

/// One known-item query from `queries.tsv`.
#[derive(Clone)]
struct Query {
    class: String,
    text: String,
    target: String,
    flags: Vec<(String, String)>,
}

fn load_queries(path: &Path, max: usize) -> Result<Vec<Query>> {
    let text = fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut by_class: BTreeMap<String, Vec<Query>> = BTreeMap::new();
    for line in text.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() < 4 {
            continue;
        }
        let flags = cols[3]
            .split("--")
            .filter_map(|f| {
                let f = f.trim();
                f.split_once('=')
                    .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
            })
            .collect();
        by_class
            .entry(cols[0].to_string())
            .or_default()
            .push(Query {
                class: cols[0].to_string(),
                text: cols[1].to_string(),
                target: cols[2].to_string(),
                flags,
            });
    }
    // Round-robin over the classes so that a cut keeps them balanced.
    let mut out = Vec::new();
    let mut i = 0;
    while out.len() < max {
        let mut any = false;
        for qs in by_class.values() {
            if let Some(q) = qs.get(i) {
                if out.len() < max {
                    out.push(q.clone());
                }
                any = true;
            }
        }
        if !any {
            break;
        }
        i += 1;
    }
    Ok(out)
}

/// Article text from `articles.ndjson`.
struct Doc {
    url: String,
    title: String,
    lead: String,
    body: String,
    agency: String,
    province: String,
    year: String,
}

fn load_docs(path: &Path) -> Result<Vec<Doc>> {
    let f = fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut out = Vec::new();
    for line in BufReader::new(f).lines() {
        let v: Value = serde_json::from_str(&line?)?;
        let s = |k: &str| v[k].as_str().unwrap_or("").to_string();
        out.push(Doc {
            url: s("url"),
            title: s("title"),
            lead: s("lead"),
            body: s("body"),
            agency: s("agency"),
            province: s("province"),
            year: s("date").chars().take(4).collect(),
        });
    }
    Ok(out)
}

/// Quality and latency of one engine over the query set.
#[derive(Default)]
struct Scores {
    took_ms: Vec<f64>,
    per_class: BTreeMap<String, (usize, usize, f64)>, // (queries, success@1, sum of reciprocal ranks)
    /// Queries whose target was not first: class, query, flags, target, rank, first hit.
    misses: Vec<String>,
}

impl Scores {
    fn add(&mut self, class: &str, rank: Option<usize>, took_ms: f64) {
        self.took_ms.push(took_ms);
        let e = self.per_class.entry(class.to_string()).or_default();
        e.0 += 1;
        if rank == Some(1) {
            e.1 += 1;
        }
        if let Some(r) = rank
            && r <= 10
        {
            e.2 += 1.0 / r as f64;
        }
    }

    fn miss(&mut self, q: &Query, rank: Option<usize>, first: &str) {
        let flags: Vec<String> = q.flags.iter().map(|(k, v)| format!("--{k}={v}")).collect();
        self.misses.push(format!(
            "{}\t{}\t{}\t{}\t{}\t{}",
            q.class,
            q.text,
            flags.join(" "),
            q.target,
            rank.map(|r| r.to_string()).unwrap_or_else(|| "-".into()),
            first
        ));
    }

    fn write_misses(&self, path: &Path) -> std::io::Result<()> {
        let mut text = String::from("class\tquery\tflags\ttarget_url\trank\tfirst_hit\n");
        for m in &self.misses {
            text.push_str(m);
            text.push('\n');
        }
        fs::write(path, text)
    }

    fn totals(&self) -> (usize, usize, f64) {
        self.per_class
            .values()
            .fold((0, 0, 0.0), |a, b| (a.0 + b.0, a.1 + b.1, a.2 + b.2))
    }

    fn latency(&self) -> (f64, f64) {
        let mut v = self.took_ms.clone();
        v.sort_by(|a, b| a.total_cmp(b));
        (percentile(&v, 50.0), percentile(&v, 99.0))
    }
}

fn main() -> Result<()> {
    let o = parse_args()?;
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let target_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let tracuu = target_dir.join("release").join("tracuu");
    let gen_bin = target_dir
        .join("release")
        .join("examples")
        .join("gen_archive");
    eprintln!("pipeline: building the release binary and the generator");
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(&root)
        .args([
            "build",
            "--release",
            "--bin",
            "tracuu",
            "--example",
            "gen_archive",
        ])
        .status()
        .context("running cargo build")?;
    if !status.success() {
        bail!("cargo build --release failed");
    }
    fs::create_dir_all(&o.out)?;
    let arch = o.out.join("archive");
    let mut md = String::new();
    let mut rows: Vec<(String, String, String)> = Vec::new();
    let mut row = |what: &str, value: String, note: String| {
        eprintln!("  {what}: {value} {note}");
        rows.push((what.to_string(), value, note));
    };

    // 1. Generate.
    let n = o.articles;
    if !(o.reuse && arch.join("queries.tsv").exists()) {
        let _ = fs::remove_dir_all(&arch);
        eprintln!("pipeline: generating {n} articles");
        let g = run(
            &gen_bin,
            &[
                "--articles".into(),
                n.to_string(),
                "--seed".into(),
                o.seed.to_string(),
                "--out".into(),
                arch.display().to_string(),
                "--queries".into(),
                ((o.queries * 3 / 2).max(40)).to_string(),
            ],
            &[],
        )?;
        if !g.ok {
            bail!("generator failed: {}", g.stderr);
        }
        row(
            "generate (pages + WARC + NDJSON)",
            format!("{:.1} s, {:.0} articles/s", g.secs, n as f64 / g.secs),
            format!("peak RSS {}", rss(&g)),
        );
    }
    let pages_dir = arch.join("pages");
    let (page_count, page_bytes) = dir_bytes(&pages_dir);
    let warc_bytes = fs::metadata(arch.join("archive.warc.gz"))
        .map(|m| m.len())
        .unwrap_or(0);
    row(
        "archive",
        format!("{page_count} pages, {:.1} MB", mb(page_bytes)),
        format!(
            "{:.1} KB/page; WARC.gz {:.1} MB",
            page_bytes as f64 / page_count.max(1) as f64 / 1024.0,
            mb(warc_bytes)
        ),
    );

    // 2. Baseline: scraper parse only, 1 and 2 threads.
    let mut paths: Vec<PathBuf> = walkdir::WalkDir::new(&pages_dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    paths.sort();
    // Every timed run starts with the pages in the page cache: the first run would otherwise
    // pay for reading them from disk and look slower than the others.
    for p in &paths {
        let _ = fs::read(p);
    }
    let mut parse_secs = [f64::NAN; 2];
    let mut parse_cpu: [Option<f64>; 2] = [None; 2];
    for threads in [1usize, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()?;
        let start = Instant::now();
        let cpu_before = own_cpu_secs();
        let nodes: usize = pool.install(|| {
            paths
                .par_iter()
                .map(|p| {
                    let bytes = fs::read(p).unwrap_or_default();
                    let head =
                        String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]).to_lowercase();
                    let text = if head.contains("windows-1258") {
                        encoding_rs::WINDOWS_1258.decode(&bytes).0.into_owned()
                    } else {
                        String::from_utf8_lossy(&bytes).into_owned()
                    };
                    let doc = scraper::Html::parse_document(&text);
                    doc.tree.nodes().count()
                })
                .sum()
        });
        let secs = start.elapsed().as_secs_f64();
        parse_secs[threads - 1] = secs;
        let cpu = own_cpu_secs()
            .zip(cpu_before)
            .map(|(after, before)| after - before);
        parse_cpu[threads - 1] = cpu;
        row(
            &format!("baseline: scraper parse only, {threads} thread(s)"),
            format!(
                "{:.0} pages/s, {:.1} MB/s",
                page_count as f64 / secs,
                mb(page_bytes) / secs
            ),
            format!(
                "{secs:.1} s, {} CPU-s, {nodes} nodes",
                cpu.map_or("?".to_string(), |c| format!("{c:.1}"))
            ),
        );
    }

    // 3. Import with tracuu at 2 threads (the index the rest uses) and at 1 thread.
    let index = o.out.join("index");
    let import_args = |idx: &Path, threads: usize| -> Vec<String> {
        vec![
            "import".into(),
            pages_dir.display().to_string(),
            "--index".into(),
            idx.display().to_string(),
            "--threads".into(),
            threads.to_string(),
            "--quiet".into(),
        ]
    };
    let mut imported = false;
    let thread_runs: &[usize] = if o.import_1t { &[2, 1] } else { &[2] };
    for &threads in thread_runs {
        let idx = if threads == 2 {
            index.clone()
        } else {
            o.out.join("index-1t")
        };
        let _ = fs::remove_dir_all(&idx);
        let mut args = import_args(&idx, threads);
        if threads == 2 {
            // What was skipped, and why, for whoever tunes the extractor.
            args.push("--report".into());
            args.push(o.out.join("import-report.tsv").display().to_string());
        }
        let imp = run(&tracuu, &args, &[])?;
        if imp.ok {
            imported |= threads == 2;
            row(
                &format!("tracuu import --threads {threads}"),
                format!(
                    "{:.0} pages/s, {:.1} MB/s",
                    page_count as f64 / imp.secs,
                    mb(page_bytes) / imp.secs
                ),
                format!(
                    "{:.1} s ({:.2}x parse-only at {threads} thread(s)); {}; peak RSS {}",
                    imp.secs,
                    imp.secs / parse_secs[threads - 1],
                    match (imp.cpu_secs, parse_cpu[threads - 1]) {
                        (Some(c), Some(p)) => format!("{c:.1} CPU-s ({:.2}x parse-only's)", c / p),
                        _ => "CPU time unknown".to_string(),
                    },
                    rss(&imp)
                ),
            );
            if let Some(last) = imp
                .stderr
                .lines()
                .chain(String::from_utf8_lossy(&imp.stdout).lines())
                .rfind(|l| l.contains("imported"))
            {
                row(
                    &format!("tracuu import --threads {threads} summary"),
                    last.trim().replace('|', "/"),
                    String::new(),
                );
            }
        } else {
            row(
                &format!("tracuu import --threads {threads}"),
                imp.describe_failure(),
                String::new(),
            );
            if threads == 2 {
                break;
            }
        }
        if threads != 2 {
            let _ = fs::remove_dir_all(&idx);
        }
    }

    // Article text (the truth) for the size comparison and the baselines.
    let docs = load_docs(&arch.join("articles.ndjson"))?;
    let raw_text: u64 = docs
        .iter()
        .map(|d| (d.title.len() + d.lead.len() + d.body.len()) as u64)
        .sum();
    if imported {
        let (files, bytes) = dir_bytes(&index);
        row(
            "tracuu index size",
            format!("{:.0} bytes/article", bytes as f64 / n.max(1) as f64),
            format!(
                "{:.1} MB in {files} files; raw text {:.0} bytes/article ({:.2}x)",
                mb(bytes),
                raw_text as f64 / n.max(1) as f64,
                bytes as f64 / raw_text.max(1) as f64
            ),
        );
    }

    // 4. Queries through tracuu search --batch.
    let truth_paths = load_truth_paths(&arch.join("truth.jsonl"))?;
    let queries = load_queries(&arch.join("queries.tsv"), o.queries)?;
    let mut tracuu_scores: Option<Scores> = None;
    if imported {
        match tracuu_queries(&tracuu, &index, &queries, &truth_paths, &o.out)? {
            Ok(s) => tracuu_scores = Some(s),
            Err(msg) => row("tracuu search --batch", msg, String::new()),
        }
        // One-shot process latency, start to exit.
        let mut walls = Vec::new();
        for q in queries.iter().filter(|q| q.flags.is_empty()).take(20) {
            let r = run(
                &tracuu,
                &[
                    "search".into(),
                    q.text.clone(),
                    "--index".into(),
                    index.display().to_string(),
                    "--json".into(),
                ],
                &[],
            )?;
            if !r.ok {
                break;
            }
            walls.push(r.secs * 1000.0);
        }
        walls.sort_by(|a, b| a.total_cmp(b));
        if !walls.is_empty() {
            row(
                "tracuu one-shot search process",
                format!("p50 {:.1} ms", percentile(&walls, 50.0)),
                format!(
                    "max {:.1} ms over {} runs",
                    walls[walls.len() - 1],
                    walls.len()
                ),
            );
        }
    }

    // 5. Rebuild with 1 and 2 threads.
    if imported {
        let mut secs_by_threads = Vec::new();
        for threads in [1, 2] {
            let r = run(
                &tracuu,
                &[
                    "rebuild".into(),
                    "--index".into(),
                    index.display().to_string(),
                    "--threads".into(),
                    threads.to_string(),
                    "--quiet".into(),
                ],
                &[],
            )?;
            if r.ok {
                row(
                    &format!("tracuu rebuild --threads {threads}"),
                    format!("{:.0} articles/s", n as f64 / r.secs),
                    format!("{:.1} s, peak RSS {}", r.secs, rss(&r)),
                );
                secs_by_threads.push(r.secs);
            } else {
                row(
                    &format!("tracuu rebuild --threads {threads}"),
                    r.describe_failure(),
                    String::new(),
                );
            }
        }
        if let [one, two] = secs_by_threads.as_slice() {
            row(
                "rebuild speed-up, 2 threads vs 1",
                format!("{:.2}x", one / two),
                String::new(),
            );
        }
    }

    // 6. Baseline: tokenizers over the same extracted text.
    tokenizer_baselines(&docs, &mut row);

    // 7. Baseline: SQLite FTS5 on the same articles and queries.
    let fts = fts5_baseline(&docs, &queries, &o.out, &mut row)?;

    // Which queries missed, for whoever tunes extraction or ranking.
    if let Some(t) = &tracuu_scores {
        t.write_misses(&o.out.join("misses-tracuu.tsv"))?;
    }
    fts.write_misses(&o.out.join("misses-fts5.tsv"))?;

    // The report.
    let cpu = fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines().find_map(|l| {
                l.strip_prefix("model name")
                    .map(|v| v.trim_start_matches([' ', '\t', ':']).to_string())
            })
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let mem = fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .next()
                .map(|l| l.split_whitespace().nth(1).unwrap_or("0").to_string())
        })
        .and_then(|k| k.parse::<u64>().ok())
        .map(|k| format!("{:.0} GiB", k as f64 / 1024.0 / 1024.0))
        .unwrap_or_default();
    let _ = writeln!(md, "# tracuu whole-pipeline benchmark\n");
    let _ = writeln!(
        md,
        "Machine: {cpu}, {cores} cores, {mem} RAM. Archive: {n} generated articles, seed {}. Command: `cargo bench --bench pipeline -- --articles {n} --seed {}`.\n",
        o.seed, o.seed
    );
    let _ = writeln!(md, "| measure | value | notes |\n| --- | --- | --- |");
    for (a, b, c) in &rows {
        let _ = writeln!(md, "| {a} | {b} | {c} |");
    }
    let _ = writeln!(md, "\n## Known-item search ({} queries)\n", queries.len());
    let _ = writeln!(
        md,
        "| class | queries | tracuu success@1 | tracuu MRR@10 | FTS5 success@1 | FTS5 MRR@10 |\n| --- | --- | --- | --- | --- | --- |"
    );
    let mut classes: Vec<String> = fts.per_class.keys().cloned().collect();
    if let Some(t) = &tracuu_scores {
        for k in t.per_class.keys() {
            if !classes.contains(k) {
                classes.push(k.clone());
            }
        }
    }
    classes.sort();
    let fmt = |s: Option<&Scores>, class: Option<&str>| -> (String, String, usize) {
        match s {
            None => ("n/a".into(), "n/a".into(), 0),
            Some(s) => {
                let (q, s1, rr) = match class {
                    Some(c) => s.per_class.get(c).copied().unwrap_or((0, 0, 0.0)),
                    None => s.totals(),
                };
                if q == 0 {
                    ("n/a".into(), "n/a".into(), 0)
                } else {
                    (
                        format!("{:.3}", s1 as f64 / q as f64),
                        format!("{:.3}", rr / q as f64),
                        q,
                    )
                }
            }
        }
    };
    for c in classes.iter().map(|c| Some(c.as_str())).chain([None]) {
        let (t1, tm, tq) = fmt(tracuu_scores.as_ref(), c);
        let (f1, fm, fq) = fmt(Some(&fts), c);
        let _ = writeln!(
            md,
            "| {} | {} | {t1} | {tm} | {f1} | {fm} |",
            c.unwrap_or("**all**"),
            tq.max(fq)
        );
    }
    let (fp50, fp99) = fts.latency();
    let (tp50, tp99) = tracuu_scores
        .as_ref()
        .map(|s| s.latency())
        .map(|(a, b)| (format!("{a:.2}"), format!("{b:.2}")))
        .unwrap_or(("n/a".into(), "n/a".into()));
    let _ = writeln!(
        md,
        "\nQuery latency (ms): tracuu p50 {tp50}, p99 {tp99} (its own `took_ms`); SQLite FTS5 p50 {fp50:.2}, p99 {fp99:.2} (prepare + step, top 10 by bm25).\n"
    );
    let _ = writeln!(
        md,
        "FTS5 indexes the generator's clean article text (title, lead, body), tracuu indexes what it extracted from the pages. Peak RSS is `/usr/bin/time -v`'s maximum resident set size."
    );
    println!("{md}");
    let report = root.join("bench-out").join("pipeline.md");
    if let Some(parent) = report.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::write(&report, &md)?;
    eprintln!("pipeline: wrote {}", report.display());
    Ok(())
}

fn load_truth_paths(path: &Path) -> Result<HashMap<String, String>> {
    let f = fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut out = HashMap::new();
    for line in BufReader::new(f).lines() {
        let v: Value = serde_json::from_str(&line?)?;
        let url = v["url"].as_str().unwrap_or("").to_string();
        // Sources are relative to the import argument (DIR/pages).
        let rel = v["path"]
            .as_str()
            .unwrap_or("")
            .trim_start_matches("pages/")
            .to_string();
        out.insert(url, rel);
    }
    Ok(out)
}

/// The rank (1-based) of the target among a result's hits.
fn rank_of(hits: &[Value], target: &str, rel: Option<&String>) -> Option<usize> {
    let want = tracuu::article::id_from_url(target);
    hits.iter()
        .position(|h| {
            let url_hit = h["url"]
                .as_str()
                .is_some_and(|u| tracuu::article::id_from_url(u) == want);
            let source = h["source"].as_str().unwrap_or("");
            let src_hit = rel.is_some_and(|r| {
                !r.is_empty() && (source.ends_with(r.as_str()) || source.contains(target))
            });
            url_hit || src_hit
        })
        .map(|i| i + 1)
}

/// Runs the queries through one `tracuu search --batch --json` process, filtered ones with
/// their filters on their line (`QUERY<TAB>--agency=… --year=…`).
fn tracuu_queries(
    tracuu: &Path,
    index: &Path,
    queries: &[Query],
    truth_paths: &HashMap<String, String>,
    out: &Path,
) -> Result<std::result::Result<Scores, String>> {
    let mut scores = Scores::default();
    {
        let qs = queries;
        let file = out.join("batch.txt");
        let mut f = fs::File::create(&file)?;
        for q in qs {
            let flags: Vec<String> = q.flags.iter().map(|(k, v)| format!("--{k}={v}")).collect();
            writeln!(f, "{}\t{}", q.text, flags.join(" "))?;
        }
        drop(f);
        let args: Vec<String> = vec![
            "search".into(),
            "--batch".into(),
            file.display().to_string(),
            "--json".into(),
            "--index".into(),
            index.display().to_string(),
            "--limit".into(),
            "10".into(),
        ];
        let r = run(tracuu, &args, &[])?;
        let _ = fs::remove_file(&file);
        if !r.ok && r.stdout.is_empty() {
            return Ok(Err(r.describe_failure()));
        }
        let lines: Vec<Value> = String::from_utf8_lossy(&r.stdout)
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect();
        for (i, q) in qs.iter().enumerate() {
            // Results come in input order; fall back to matching the echoed query.
            let res = match lines.get(i) {
                Some(v) if lines.len() == qs.len() => Some(v),
                _ => lines
                    .iter()
                    .find(|v| v["query"].as_str() == Some(q.text.as_str())),
            };
            let (rank, took) = match res {
                Some(v) => {
                    let hits = v["hits"].as_array().cloned().unwrap_or_default();
                    (
                        rank_of(&hits, &q.target, truth_paths.get(&q.target)),
                        v["took_ms"].as_f64().unwrap_or(f64::NAN),
                    )
                }
                None => (None, f64::NAN),
            };
            if rank != Some(1) {
                let first = res
                    .and_then(|v| v["hits"].get(0).cloned())
                    .map(|h| {
                        h["url"]
                            .as_str()
                            .or(h["source"].as_str())
                            .unwrap_or("")
                            .to_string()
                    })
                    .unwrap_or_default();
                scores.miss(q, rank, &first);
            }
            scores.add(&q.class, rank, took);
        }
    }
    scores.took_ms.retain(|t| t.is_finite());
    Ok(Ok(scores))
}

fn tokenizer_baselines(docs: &[Doc], row: &mut impl FnMut(&str, String, String)) {
    use tantivy::tokenizer::{LowerCaser, SimpleTokenizer, TextAnalyzer, TokenStream};
    // At most ~200 MB of text, so the measure does not depend on the archive's size.
    let mut texts: Vec<String> = Vec::new();
    let mut bytes = 0usize;
    for d in docs {
        if bytes > 200_000_000 {
            break;
        }
        let t = format!("{}\n{}\n{}", d.title, d.lead, d.body);
        bytes += t.len();
        texts.push(t);
    }
    let mut analyzer = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(LowerCaser)
        .build();
    let start = Instant::now();
    let mut tokens = 0usize;
    for t in &texts {
        let mut stream = analyzer.token_stream(t);
        while stream.advance() {
            tokens += 1;
        }
    }
    let secs = start.elapsed().as_secs_f64();
    row(
        "baseline: tantivy SimpleTokenizer + LowerCaser",
        format!("{:.1} MB/s", mb(bytes as u64) / secs),
        format!("{tokens} tokens over {:.1} MB, 1 thread", mb(bytes as u64)),
    );
    // tracuu's analyzer (the tokenizer its text fields are indexed with) over the same texts.
    let mut vi = tracuu::analyze::tokens::VietnameseTokenizer::default();
    let start = Instant::now();
    let mut vi_tokens = 0usize;
    for t in &texts {
        let mut stream = tantivy::tokenizer::Tokenizer::token_stream(&mut vi, t);
        while stream.advance() {
            vi_tokens += 1;
        }
    }
    let vi_secs = start.elapsed().as_secs_f64();
    row(
        "tracuu analyzer (VietnameseTokenizer)",
        format!("{:.1} MB/s", mb(bytes as u64) / vi_secs),
        format!(
            "{vi_tokens} tokens (syllables, folded forms, words, protected units), 1 thread; {:.2}x tantivy's time",
            vi_secs / secs
        ),
    );
}

/// Turns a tracuu query into an FTS5 MATCH expression: quoted phrases stay phrases, every
/// other word becomes a quoted string (so FTS5 syntax characters in codes and
/// abbreviations are just text), all AND-ed.
fn fts5_match(query: &str) -> String {
    let mut parts = Vec::new();
    let mut rest = query;
    while !rest.is_empty() {
        rest = rest.trim_start();
        if let Some(r) = rest.strip_prefix('"') {
            let (phrase, after) = r.split_once('"').unwrap_or((r, ""));
            if phrase.trim().chars().any(char::is_alphanumeric) {
                parts.push(format!("\"{}\"", phrase.trim().replace('"', "")));
            }
            rest = after;
        } else {
            let end = rest.find([' ', '"']).unwrap_or(rest.len());
            let word = &rest[..end];
            if word.chars().any(char::is_alphanumeric) {
                parts.push(format!("\"{}\"", word.replace('"', "")));
            }
            rest = &rest[end..];
        }
    }
    parts.join(" ")
}

fn fts5_baseline(
    docs: &[Doc],
    queries: &[Query],
    out: &Path,
    row: &mut impl FnMut(&str, String, String),
) -> Result<Scores> {
    let db_path = out.join("fts5.sqlite");
    let _ = fs::remove_file(&db_path);
    let mut db = rusqlite::Connection::open(&db_path)?;
    db.execute_batch(
        "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;
         CREATE VIRTUAL TABLE docs USING fts5(url UNINDEXED, title, lead, body, agency UNINDEXED,
             province UNINDEXED, year UNINDEXED, tokenize='unicode61 remove_diacritics 2');",
    )?;
    let start = Instant::now();
    {
        let tx = db.transaction()?;
        {
            let mut ins = tx.prepare(
                "INSERT INTO docs(url, title, lead, body, agency, province, year) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            for d in docs {
                ins.execute(rusqlite::params![
                    d.url, d.title, d.lead, d.body, d.agency, d.province, d.year
                ])?;
            }
        }
        tx.commit()?;
    }
    let secs = start.elapsed().as_secs_f64();
    let size = fs::metadata(&db_path).map(|m| m.len()).unwrap_or(0);
    row(
        "baseline: SQLite FTS5 insert (unicode61 remove_diacritics 2)",
        format!("{:.0} articles/s", docs.len() as f64 / secs),
        format!(
            "{secs:.1} s; {:.0} bytes/article on disk",
            size as f64 / docs.len().max(1) as f64
        ),
    );
    let mut scores = Scores::default();
    for q in queries {
        let m = fts5_match(&q.text);
        let mut sql = String::from("SELECT url FROM docs WHERE docs MATCH ?1");
        let mut params: Vec<String> = vec![m.clone()];
        for (k, v) in &q.flags {
            let col = match k.as_str() {
                "agency" => "agency",
                "province" => "province",
                "year" => "year",
                _ => continue,
            };
            params.push(v.clone());
            let _ = write!(sql, " AND {col} = ?{}", params.len());
        }
        sql.push_str(" ORDER BY bm25(docs, 0.0, 10.0, 5.0, 1.0) LIMIT 10");
        let t0 = Instant::now();
        let urls: Vec<String> = if m.is_empty() {
            Vec::new()
        } else {
            match db.prepare(&sql) {
                Ok(mut st) => st
                    .query_map(rusqlite::params_from_iter(params.iter()), |r| {
                        r.get::<_, String>(0)
                    })
                    .map(|rows| rows.flatten().collect())
                    .unwrap_or_default(),
                Err(_) => Vec::new(),
            }
        };
        let took = t0.elapsed().as_secs_f64() * 1000.0;
        let want = tracuu::article::id_from_url(&q.target);
        let rank = urls
            .iter()
            .position(|u| tracuu::article::id_from_url(u) == want)
            .map(|i| i + 1);
        if rank != Some(1) {
            scores.miss(q, rank, urls.first().map(String::as_str).unwrap_or(""));
        }
        scores.add(&q.class, rank, took);
    }
    Ok(scores)
}
