//! The command line: flags (clap derive; the doc comments are the `--help` text).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser, Debug)]
#[command(
    name = "tracuu",
    version,
    about = "Full-text search for archives of Vietnamese government and provincial news",
    after_help = "Exit codes: 0 success; 1 a search found nothing (as grep; --batch exits 0 unless an error occurs); \
                  2 usage or input error (bad flag, bad query, missing index, unreadable path); 3 internal error."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args, Debug, Clone)]
pub struct IndexArg {
    /// Index directory [default: ./index, or $TRACUU_INDEX]
    #[arg(long, env = "TRACUU_INDEX", default_value = "index")]
    pub index: PathBuf,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Import dumps: directories of saved pages (.html/.htm), WARC files (.warc, .warc.gz), NDJSON (.jsonl, .ndjson)
    Import(ImportArgs),
    /// Search the index
    Search(SearchArgs),
    /// Write every stored article as NDJSON (or for another search engine, with --format)
    Export(ExportArgs),
    /// Word-segment text lines from stdin: the syllables of a word are joined by '_'
    Segment(SegmentArgs),
    /// Show how the analyzer indexes a text: each token with its kind, position and byte offsets
    Analyze(AnalyzeArgs),
    /// Articles by agency, topic, province and year; index size and version
    Stats(StatsArgs),
    /// Re-analyse every stored article into a fresh index, then switch to it atomically
    Rebuild(RebuildArgs),
    /// Merge the index's segments into one
    Optimize(OptimizeArgs),
    /// Fetch a site politely into a WARC file
    Crawl(CrawlArgs),
}

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// Directories, .warc/.warc.gz and .jsonl/.ndjson files, in any mix
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub index: IndexArg,
    /// Field names of NDJSON dumps, e.g. title=tieu_de,body=noi_dung,date=ngay_dang
    #[arg(long)]
    pub map: Option<String>,
    /// Write every skipped input and duplicate, with its reason, to this TSV file
    #[arg(long)]
    pub report: Option<PathBuf>,
    /// Threads for extraction and indexing [default: all cores]
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Articles between two commits
    #[arg(long, default_value_t = 5000)]
    pub commit_every: usize,
    /// No progress bar
    #[arg(long, short)]
    pub quiet: bool,
    /// Print the summary as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(ValueEnum, Debug, Clone, Copy)]
pub enum SortArg {
    Relevance,
    Date,
    Recency,
}

#[derive(ValueEnum, Debug, Clone, Copy)]
pub enum GroupArg {
    Agency,
    Topic,
    Year,
}

#[derive(Args, Debug)]
pub struct SearchArgs {
    /// The query (put `--` before it when it starts with a -exclusion): words (all must match), "quoted phrases", -exclusions, title:/lead:/body:/agency:/author:/topic: prefixes
    #[arg(num_args = 0..)]
    pub query: Vec<String>,
    /// Run every line of FILE as a query ('-' for stdin); with --json, one JSON object per line. A line may add its own filters after a tab: QUERY<TAB>--agency=… --year=…
    #[arg(long, conflicts_with = "query")]
    pub batch: Option<PathBuf>,
    #[command(flatten)]
    pub index: IndexArg,
    /// Only articles of this agency: full name or abbreviation, accents optional; a prefix matches ("Sở TT&TT")
    #[arg(long)]
    pub agency: Option<String>,
    /// Only articles of this topic (category)
    #[arg(long)]
    pub topic: Option<String>,
    /// Only articles of this province
    #[arg(long)]
    pub province: Option<String>,
    /// Only articles by this author
    #[arg(long)]
    pub author: Option<String>,
    /// Only articles published on or after this date (YYYY-MM-DD)
    #[arg(long)]
    pub from: Option<String>,
    /// Only articles published on or before this date (YYYY-MM-DD)
    #[arg(long)]
    pub to: Option<String>,
    /// Only articles of this year
    #[arg(long)]
    pub year: Option<i32>,
    /// Result order
    #[arg(long, value_enum, default_value = "relevance")]
    pub sort: SortArg,
    /// Number of results
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// Skip this many results (paging)
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
    /// Also count the matches by agency, topic, province and year
    #[arg(long)]
    pub facets: bool,
    /// Show the best hits of each agency, topic or year
    #[arg(long, value_enum)]
    pub group_by: Option<GroupArg>,
    /// Extra abbreviations: a TSV file of ABBREVIATION<TAB>long form lines
    #[arg(long)]
    pub synonyms: Option<PathBuf>,
    /// JSON output
    #[arg(long)]
    pub json: bool,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// tracuu's NDJSON (id, url, source, title, lead, body, date, datetime, agency, author, topic, province)
    Ndjson,
    /// OpenSearch / Elasticsearch: an index body (mapping.json) and a `_bulk` stream (bulk.ndjson)
    #[value(alias = "elasticsearch")]
    Opensearch,
    /// Quickwit: an index config (index-config.yaml) and documents for its ingest API (docs.ndjson)
    Quickwit,
}

#[derive(Args, Debug)]
#[command(
    after_help = "Without --out the documents go to stdout (for opensearch: the `_bulk` stream) \
                  and the index definition to --mapping FILE if given. With --out DIR: \
                  ndjson writes DIR/articles.ndjson; opensearch DIR/mapping.json and DIR/bulk.ndjson; \
                  quickwit DIR/index-config.yaml and DIR/docs.ndjson. Articles are written in id order, \
                  so two exports of one archive are identical."
)]
pub struct ExportArgs {
    #[command(flatten)]
    pub index: IndexArg,
    /// Output format
    #[arg(long, value_enum, default_value = "ndjson")]
    pub format: ExportFormat,
    /// Write into this directory (created if needed) instead of stdout
    #[arg(long)]
    pub out: Option<std::path::PathBuf>,
    /// Without --out: write the index definition (mapping JSON or Quickwit YAML) to this file
    #[arg(long, conflicts_with = "out")]
    pub mapping: Option<std::path::PathBuf>,
    /// Index name in the target engine (the `_index` of bulk actions, Quickwit's index_id)
    #[arg(long, default_value = "tracuu")]
    pub name: String,
}

#[derive(Args, Debug)]
pub struct SegmentArgs {
    /// Split punctuation off raw text first
    #[arg(long)]
    pub tokenize: bool,
    /// Extra dictionary: one word a line (syllables separated by spaces or '_')
    #[arg(long)]
    pub dict: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct AnalyzeArgs {
    /// Text to analyse (stdin when absent)
    pub text: Vec<String>,
    /// JSON output
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct StatsArgs {
    #[command(flatten)]
    pub index: IndexArg,
    /// JSON output
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct RebuildArgs {
    #[command(flatten)]
    pub index: IndexArg,
    /// Threads [default: all cores]
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// No progress bar
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Args, Debug)]
pub struct OptimizeArgs {
    #[command(flatten)]
    pub index: IndexArg,
}

#[derive(Args, Debug)]
pub struct CrawlArgs {
    /// Start URLs
    #[arg(required = true)]
    pub urls: Vec<String>,
    /// Output WARC file (.warc.gz)
    #[arg(long)]
    pub out: PathBuf,
    /// Stop after this many pages
    #[arg(long)]
    pub max_pages: Option<usize>,
    /// Follow links at most this deep
    #[arg(long)]
    pub max_depth: Option<usize>,
    /// Delay between two requests to one host, in ms (robots.txt Crawl-delay wins if longer)
    #[arg(long, default_value_t = 1000)]
    pub delay_ms: u64,
    /// Simultaneous connections
    #[arg(long, default_value_t = 2)]
    pub concurrency: usize,
    /// Also follow links to this host (repeatable)
    #[arg(long)]
    pub allow_host: Vec<String>,
    /// Only follow URLs matching this regex (repeatable)
    #[arg(long)]
    pub include: Vec<String>,
    /// Never follow URLs matching this regex (repeatable)
    #[arg(long)]
    pub exclude: Vec<String>,
    /// User-Agent header
    #[arg(long)]
    pub user_agent: Option<String>,
    /// Import pages into the index as they are fetched
    #[arg(long)]
    pub import: bool,
    #[command(flatten)]
    pub index: IndexArg,
    /// No progress bar
    #[arg(long, short)]
    pub quiet: bool,
}
