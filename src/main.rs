//! The `tracuu` binary: parses flags, calls the library, prints, maps errors to exit codes.

mod cli;

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Parser;

use cli::{Cli, Command, GroupArg, SearchArgs, SortArg};
use tracuu::analyze::segment::{Segmenter, tokenize_line};
use tracuu::analyze::synonyms::Synonyms;
use tracuu::analyze::tokens::Analyzer;
use tracuu::ingest::import::{ImportOptions, PageImporter, import, write_report};
use tracuu::ingest::ndjson::FieldMap;
use tracuu::present::{Marks, result_json, result_text};
use tracuu::search::{GroupBy, SearchOptions, Searcher, SortOrder};

/// Import spends a large share of its time allocating and freeing the parsed pages' nodes and
/// strings from several threads at once; mimalloc's per-thread heaps do that faster than the
/// system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Exit codes, as listed in `--help`.
const NOT_FOUND: u8 = 1;
const USAGE: u8 = 2;
const INTERNAL: u8 = 3;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("tracuu: {err:#}");
            let user = err.chain().any(|e| {
                e.downcast_ref::<tracuu::Error>()
                    .is_some_and(tracuu::Error::is_user_error)
                    || e.downcast_ref::<UsageError>().is_some()
            });
            ExitCode::from(if user { USAGE } else { INTERNAL })
        }
    }
}

/// An error in what the user asked for (exit code 2).
#[derive(Debug)]
struct UsageError(String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

fn usage(msg: impl Into<String>) -> anyhow::Error {
    UsageError(msg.into()).into()
}

/// Writes one line of results to stdout. A closed pipe (`tracuu stats | head`) is an error
/// that `main` ends on quietly, where `println!` would panic.
fn say(line: std::fmt::Arguments<'_>) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_fmt(line)?;
    out.write_all(b"\n")?;
    Ok(())
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Import(a) => {
            let mut options = ImportOptions::new(a.index.index.clone());
            if let Some(spec) = &a.map {
                options.ingest.field_map = FieldMap::parse(spec).map_err(usage)?;
            }
            options.threads = a.threads;
            options.commit_every = a.commit_every.max(1);
            options.quiet = a.quiet;
            let summary = import(&a.paths, &options)
                .with_context(|| format!("import into {}", a.index.index.display()))?;
            if let Some(report) = &a.report {
                write_report(&summary, report)?;
            }
            if summary.outdated_index {
                warn_outdated(&a.index.index, "");
            }
            if a.json {
                say(format_args!("{}", serde_json::to_string(&summary)?))?;
            } else {
                say(format_args!(
                    "{} ({} articles in the index, {:.1} s)",
                    summary.line(),
                    summary.total,
                    summary.seconds
                ))?;
                if summary.skipped + summary.duplicates > 0 && a.report.is_none() && !a.quiet {
                    for s in summary.report.iter().take(10) {
                        eprintln!("  skipped {}: {}", s.source, s.reason);
                    }
                    if summary.report.len() > 10 {
                        eprintln!(
                            "  … {} more; list them all with --report FILE",
                            summary.report.len() - 10
                        );
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Search(a) => search(a),
        Command::Export(a) => {
            use tracuu::index::export::{self, Engine};
            let engine = match a.format {
                cli::ExportFormat::Ndjson => None,
                cli::ExportFormat::Opensearch => Some(Engine::OpenSearch),
                cli::ExportFormat::Quickwit => Some(Engine::Quickwit),
            };
            if engine.is_none() && a.mapping.is_some() {
                bail!(usage(
                    "--mapping goes with --format opensearch or quickwit (NDJSON has no index definition)"
                ));
            }
            export::check_index_name(&a.name)?;
            if let Some(out) = &a.out {
                export::prepare_out_dir(out)?;
            }
            let searcher = Searcher::open(&a.index.index, None)?;
            let index = &searcher.index;
            match (engine, &a.out) {
                (Some(engine), Some(out)) => {
                    let s = export::export_to_dir(index, engine, &a.name, out)?;
                    let (def, docs) = engine.file_names();
                    eprintln!(
                        "exported {} articles to {} ({def}, {docs})",
                        s.articles,
                        out.display()
                    );
                }
                (Some(engine), None) => {
                    if let Some(path) = &a.mapping {
                        let text = export::definition(engine, &a.name);
                        std::fs::write(path, text)
                            .with_context(|| format!("--mapping {}", path.display()))?;
                    }
                    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
                    export::write_documents(
                        index,
                        engine,
                        &a.name,
                        &mut out,
                        std::path::Path::new("<stdout>"),
                    )?;
                }
                (None, out_dir) => {
                    let write_all = |out: &mut dyn Write| -> tracuu::Result<()> {
                        tracuu::index::maintain::for_each_article(index, &mut |article| {
                            serde_json::to_writer(&mut *out, &article)
                                .map_err(std::io::Error::from)?;
                            out.write_all(b"\n")
                        })
                    };
                    match out_dir {
                        Some(dir) => {
                            export::write_file_atomically(&dir.join("articles.ndjson"), |w| {
                                write_all(w)
                            })?;
                        }
                        None => {
                            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
                            write_all(&mut out)?;
                            out.flush()?;
                        }
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Segment(a) => {
            let extra;
            let segmenter: &Segmenter = match &a.dict {
                Some(p) => {
                    extra = Segmenter::with_extra_words(p)?;
                    &extra
                }
                None => Segmenter::global(),
            };
            let stdin = std::io::stdin().lock();
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            for line in stdin.lines() {
                let line = line.context("reading stdin")?;
                let line = if a.tokenize {
                    tokenize_line(&line)
                } else {
                    line
                };
                writeln!(out, "{}", segmenter.segment_line(&line))?;
            }
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Analyze(a) => {
            let text = if a.text.is_empty() {
                std::io::read_to_string(std::io::stdin()).context("reading stdin")?
            } else {
                a.text.join(" ")
            };
            let tokens = Analyzer::default().tokens(&text);
            let mut out = std::io::stdout().lock();
            for t in tokens {
                if a.json {
                    let v = serde_json::json!({"text": t.text, "kind": t.kind.name(), "position": t.position, "start": t.start, "end": t.end, "source": &text[t.start..t.end]});
                    writeln!(out, "{v}")?;
                } else {
                    writeln!(
                        out,
                        "{:>4}  {:<14} {:>5}..{:<5} {:<24} {}",
                        t.position,
                        t.kind.name(),
                        t.start,
                        t.end,
                        t.text,
                        &text[t.start..t.end]
                    )?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Stats(a) => {
            let searcher = Searcher::open(&a.index.index, None)?;
            let stats = tracuu::index::maintain::stats(&searcher)?;
            if a.json {
                say(format_args!("{}", serde_json::to_string_pretty(&stats)?))?;
            } else {
                std::io::stdout()
                    .lock()
                    .write_all(stats.text().as_bytes())?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Rebuild(a) => {
            let r = tracuu::index::maintain::rebuild(&a.index.index, a.threads, a.quiet)?;
            say(format_args!(
                "rebuilt {} articles in {:.1} s ({:.0} articles/s)",
                r.articles,
                r.seconds,
                r.articles as f64 / r.seconds.max(1e-9)
            ))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Optimize(a) => {
            let n = tracuu::index::maintain::optimize(&a.index.index)?;
            say(format_args!("merged {n} segments into one"))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Crawl(a) => crawl(a),
    }
}

fn parse_date(flag: &str, value: &Option<String>) -> Result<Option<chrono::NaiveDate>> {
    value
        .as_deref()
        .map(|v| {
            chrono::NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d").map_err(|_| {
                usage(format!(
                    "{flag} {v:?} is not a date: write YYYY-MM-DD, e.g. 2009-04-20"
                ))
            })
        })
        .transpose()
}

/// Warns that the index at `dir` was built by an older analyzer (`detail`: its version, or
/// nothing) and says how to bring it up to date.
fn warn_outdated(dir: &std::path::Path, detail: &str) {
    eprintln!(
        "tracuu: warning: the index at {} was built by an older analyzer{detail}; run `tracuu rebuild --index {}`",
        dir.display(),
        dir.display()
    );
}

/// A batch line's own filters, `--name=value` separated by spaces (values may contain spaces:
/// each flag runs to the next ` --`), over the command line's options.
fn line_filters(base: &SearchOptions, flags: &str) -> Result<SearchOptions> {
    let mut o = base.clone();
    let flags = flags.trim();
    if flags.is_empty() {
        return Ok(o);
    }
    let Some(rest) = flags.strip_prefix("--") else {
        return Err(usage(format!(
            "batch filters {flags:?} must start with --, e.g. --agency=Sở TT&TT --year=2013"
        )));
    };
    for flag in rest.split(" --") {
        let (name, value) = flag.split_once('=').unwrap_or((flag, ""));
        let value = value.trim();
        let text = || Some(value.to_string()).filter(|v| !v.is_empty());
        let bad = |what: &str| usage(format!("batch filter --{name}={value:?}: {what} expected"));
        match name.trim() {
            "agency" => o.agency = text(),
            "topic" => o.topic = text(),
            "province" => o.province = text(),
            "author" => o.author = text(),
            "from" => o.from = parse_date("--from", &text())?,
            "to" => o.to = parse_date("--to", &text())?,
            "year" => o.year = Some(value.parse().map_err(|_| bad("a year"))?),
            "limit" => o.limit = value.parse().map_err(|_| bad("a whole number"))?,
            "offset" => o.offset = value.parse().map_err(|_| bad("a whole number"))?,
            other => {
                return Err(usage(format!(
                    "unknown batch filter --{other}: use --agency, --topic, --province, --author, --from, --to, --year, --limit or --offset"
                )));
            }
        }
    }
    o.validate()?;
    Ok(o)
}

fn search(a: SearchArgs) -> Result<ExitCode> {
    let options = SearchOptions {
        agency: a.agency.clone(),
        topic: a.topic.clone(),
        province: a.province.clone(),
        author: a.author.clone(),
        from: parse_date("--from", &a.from)?,
        to: parse_date("--to", &a.to)?,
        year: a.year,
        sort: match a.sort {
            SortArg::Relevance => SortOrder::Relevance,
            SortArg::Date => SortOrder::Date,
            SortArg::Recency => SortOrder::Recency,
        },
        limit: a.limit,
        offset: a.offset,
        facets: a.facets,
        group_by: a.group_by.map(|g| match g {
            GroupArg::Agency => GroupBy::Agency,
            GroupArg::Topic => GroupBy::Topic,
            GroupArg::Year => GroupBy::Year,
        }),
    };
    options.validate()?;
    let synonyms = a.synonyms.as_deref().map(Synonyms::with_file).transpose()?;
    let searcher = Searcher::open(&a.index.index, synonyms)?;
    if searcher.index.is_outdated() {
        let version = format!(" (version {})", searcher.index.meta.analyzer_version);
        warn_outdated(&a.index.index, &version);
    }
    let colour = std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let marks = if colour { Marks::Colour } else { Marks::Plain };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if let Some(batch) = &a.batch {
        let reader: Box<dyn BufRead> = if batch.as_os_str() == "-" {
            Box::new(std::io::stdin().lock())
        } else {
            let f = std::fs::File::open(batch)
                .with_context(|| format!("{}: cannot open the batch file", batch.display()))?;
            Box::new(std::io::BufReader::new(f))
        };
        for (n, line) in reader.lines().enumerate() {
            let line =
                line.with_context(|| format!("{}: unreadable at line {}", batch.display(), n + 1))?;
            if line.trim().is_empty() {
                continue;
            }
            // "QUERY<TAB>--agency=… --year=…": filters for this line only.
            let (query, line_options) = match line.split_once('\t') {
                Some((q, flags)) => (q, line_filters(&options, flags)),
                None => (line.as_str(), Ok(options.clone())),
            };
            let result = line_options.and_then(|o| Ok(searcher.search(query, &o)?));
            let result = result.map_err(|e| match e.downcast::<tracuu::Error>() {
                Ok(e) => e,
                Err(e) => tracuu::Error::Query(format!("{e:#}")),
            });
            match result {
                Ok(r) if a.json => writeln!(out, "{}", result_json(&r))?,
                Ok(r) => write!(out, "{}", result_text(&r, marks))?,
                Err(e) if e.is_user_error() => {
                    // A bad line is reported in place and does not stop the batch.
                    if a.json {
                        writeln!(
                            out,
                            "{}",
                            serde_json::json!({"query": line, "error": e.to_string()})
                        )?;
                    } else {
                        writeln!(out, "{line:?}: {e}")?;
                    }
                }
                Err(e) => return Err(e.into()),
            }
        }
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    // An empty query without filters is refused by the library with the same exit code.
    let query = a.query.join(" ");
    let r = searcher.search(&query, &options)?;
    if a.json {
        writeln!(out, "{}", result_json(&r))?;
    } else {
        write!(out, "{}", result_text(&r, marks))?;
    }
    out.flush()?;
    Ok(if r.total == 0 {
        ExitCode::from(NOT_FOUND)
    } else {
        ExitCode::SUCCESS
    })
}

fn crawl(a: cli::CrawlArgs) -> Result<ExitCode> {
    let regexes = |list: &[String], flag: &str| -> Result<Vec<regex::Regex>> {
        list.iter()
            .map(|r| {
                regex::Regex::new(r)
                    .map_err(|e| usage(format!("{flag} {r:?} is not a valid regex: {e}")))
            })
            .collect()
    };
    let mut cfg = tracuu::crawl::CrawlConfig::new(a.urls.clone(), a.out.clone());
    cfg.max_pages = a.max_pages;
    cfg.max_depth = a.max_depth;
    cfg.delay_ms = a.delay_ms;
    cfg.concurrency = a.concurrency.max(1);
    cfg.allow_hosts = a.allow_host.clone();
    cfg.include = regexes(&a.include, "--include")?;
    cfg.exclude = regexes(&a.exclude, "--exclude")?;
    if let Some(ua) = &a.user_agent {
        cfg.user_agent = ua.clone();
    }
    cfg.quiet = a.quiet;
    if !a.import {
        let summary = tracuu::crawl::crawl(&cfg, &mut |_| {})?;
        say(format_args!("{summary}"))?;
        return Ok(ExitCode::SUCCESS);
    }
    // --import: pages are extracted and indexed as they arrive.
    let mut importer = PageImporter::open(&a.index.index, 500)?;
    let out_name = a.out.display().to_string();
    let mut failure = None;
    let summary = tracuu::crawl::crawl(&cfg, &mut |page| {
        if failure.is_some() {
            return;
        }
        let raw = tracuu::extract::RawPage {
            bytes: page.body.clone(),
            url: Some(page.url.clone()),
            source: format!("{out_name}#{}", page.url),
            http_charset: page.charset.clone(),
        };
        if let Err(e) = importer.add(&raw) {
            failure = Some(e);
        }
    })?;
    say(format_args!("{summary}"))?;
    let imported = importer.finish()?;
    if let Some(e) = failure {
        return Err(e).context("indexing crawled pages");
    }
    say(format_args!("{}", imported.line()))?;
    Ok(ExitCode::SUCCESS)
}
