//! `tracuu crawl`: collects a news site politely into a WARC archive.
//!
//! Many provincial archives exist only as live web sites. This module fetches such a site the
//! way a careful archivist would, into a standard `.warc.gz` that `tracuu import` (and any
//! other WARC tool) reads:
//!
//! - **Scope.** Breadth first from the start URLs, within the allowed hosts (by default the
//!   start URLs' hosts, plus any host a start URL redirects to), following every link found in
//!   HTML pages — listing and pagination pages as well as articles — subject to
//!   `--include`/`--exclude` (start URLs are exempt), `--max-depth` and `--max-pages` (a total
//!   over all runs of the same crawl, counting each URL requested once). URLs are normalised by
//!   [`urls::normalize`] and each is fetched at most once.
//! - **Politeness.** robots.txt is fetched once per origin and obeyed (Disallow, Allow,
//!   Crawl-delay) through `texting_robots`; a 4xx robots.txt allows everything, a 5xx or
//!   unreachable one disallows the whole origin (RFC 9309 §2.3.1.4), and the summary says so.
//!   Each origin gets one request at a time, the next starting `max(--delay-ms, Crawl-delay)`
//!   after the previous one ended (with no delay at all, up to `--concurrency` at once);
//!   `--concurrency` worker threads bound the connections overall. Retries use exponential
//!   backoff on 5xx, 429 and network errors/timeouts, never on other 4xx; `Retry-After` on 429
//!   and 503 is honoured (seconds or HTTP-date) up to [`CrawlConfig::retry_after_cap`], and
//!   also holds back the rest of that origin. Redirects are not followed blindly: the target is
//!   queued like a link, so it must be in scope and allowed by robots.txt.
//! - **What is written.** 2xx HTML pages and 3xx redirects, each as a `response` record (status
//!   line, headers and body as received; the body de-chunked, `Transfer-Encoding` dropped)
//!   plus its `request` record. Not written, counted in [`CrawlSummary::skipped`] by reason:
//!   non-HTML responses (`not-html`, e.g. PDFs, whose body is not even downloaded), pages over
//!   `--max-page-bytes` (`too-large`), 4xx answers (`http-404`, …), URLs robots.txt forbids
//!   (`robots`, `robots-unavailable`) and off-scope redirects. Failures after all retries are
//!   [`CrawlSummary::errors`]. robots.txt itself is not archived.
//! - **Resumable.** See [`state`]: on restart with the same `--out`, the queue and the set of
//!   seen URLs come back from the state file, records written after its last save are replayed
//!   from the WARC, and a torn last record is cut off before appending.

mod fetch;
mod state;
pub mod urls;
pub mod warc_writer;

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::fmt;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use regex::Regex;
use serde::{Deserialize, Serialize};
use texting_robots::Robot;
use url::Url;

use crate::{Error, Result};
use fetch::{FetchSettings, Outcome, Report, RobotsFetch};
use state::{QueueItem, STATE_VERSION, State};
use warc_writer::WarcWriter;

/// Longest redirect chain followed from one URL.
const MAX_REDIRECT_HOPS: u8 = 10;
/// Longest Crawl-delay honoured as written; larger values are clamped (and noted).
const MAX_CRAWL_DELAY: Duration = Duration::from_secs(600);
/// At most this many error messages are kept in the summary.
const MAX_ERROR_SAMPLES: usize = 50;

/// Everything `tracuu crawl` can be told. Build with [`CrawlConfig::new`] and adjust fields.
#[derive(Debug, Clone)]
pub struct CrawlConfig {
    pub start_urls: Vec<String>,
    /// The `.warc.gz` to create or resume; the state file sits beside it.
    pub out: PathBuf,
    /// Total URLs to request over all runs of this crawl (each URL counts once).
    pub max_pages: Option<usize>,
    /// Links followed from a start URL; 0 fetches only the start URLs.
    pub max_depth: Option<usize>,
    /// Least time between two requests to one origin (robots.txt Crawl-delay may raise it).
    pub delay_ms: u64,
    /// Worker threads, i.e. the most connections open at once.
    pub concurrency: usize,
    /// Hosts to crawl (exact names; `*.example.vn` also admits subdomains). Empty: the start
    /// URLs' hosts and the hosts they redirect to.
    pub allow_hosts: Vec<String>,
    /// A discovered URL is followed only if it matches one of these (when any are given).
    pub include: Vec<Regex>,
    /// A discovered URL matching any of these is not followed.
    pub exclude: Vec<Regex>,
    pub user_agent: String,
    /// Limit for one whole HTTP exchange (connect, headers and body).
    pub timeout: Duration,
    /// Bodies larger than this are not read further and the page is skipped.
    pub max_page_bytes: u64,
    /// Extra attempts after a 5xx, 429 or network failure.
    pub retries: u32,
    /// First backoff; doubled on each further retry.
    pub retry_base: Duration,
    /// Longest Retry-After waited for; a longer one makes the URL an error.
    pub retry_after_cap: Duration,
    /// How often the state file is saved during the crawl.
    pub state_interval: Duration,
    /// No progress bar.
    pub quiet: bool,
    /// Set it (e.g. from a Ctrl-C handler) to stop after the requests in flight; the state is
    /// saved so the crawl can be resumed.
    pub cancel: Option<Arc<AtomicBool>>,
}

impl CrawlConfig {
    /// A configuration with the defaults of the command line.
    pub fn new(start_urls: Vec<String>, out: impl Into<PathBuf>) -> Self {
        CrawlConfig {
            start_urls,
            out: out.into(),
            max_pages: None,
            max_depth: None,
            delay_ms: 1000,
            concurrency: 2,
            allow_hosts: Vec::new(),
            include: Vec::new(),
            exclude: Vec::new(),
            user_agent: default_user_agent(),
            timeout: Duration::from_secs(30),
            max_page_bytes: 5 * 1024 * 1024,
            retries: 3,
            retry_base: Duration::from_secs(1),
            retry_after_cap: Duration::from_secs(120),
            state_interval: Duration::from_secs(5),
            quiet: false,
            cancel: None,
        }
    }
}

/// The User-Agent sent unless configured otherwise.
pub fn default_user_agent() -> String {
    format!(
        "tracuu/{} (archival crawler; obeys robots.txt)",
        env!("CARGO_PKG_VERSION")
    )
}

/// Totals of a crawl, over all its runs (they are kept in the state file).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CrawlSummary {
    /// URLs requested (each once; retries and robots.txt not counted).
    pub fetched: usize,
    /// Exchanges written to the WARC (`pages` + `redirects`).
    pub written: usize,
    /// 2xx HTML pages written.
    pub pages: usize,
    /// 3xx responses written.
    pub redirects: usize,
    /// URLs not written, by reason (`robots`, `not-html`, `too-large`, `http-404`, …).
    pub skipped: BTreeMap<String, usize>,
    /// URLs that failed after all retries (5xx, timeouts, connection errors).
    pub errors: usize,
    /// The first few error messages, `URL: reason`.
    pub error_samples: Vec<String>,
    /// Body bytes received.
    pub bytes: u64,
    /// URLs still queued when the crawl stopped (non-zero after --max-pages or a cancel).
    pub queued: usize,
    /// Things the user should know: robots.txt problems, repairs, hosts added by redirects.
    pub notes: Vec<String>,
    /// True when this run continued an earlier one.
    #[serde(skip)]
    pub resumed: bool,
    /// Bytes cut from a torn WARC tail at the start of this run.
    #[serde(skip)]
    pub truncated_bytes: u64,
}

impl CrawlSummary {
    fn skip(&mut self, reason: impl Into<String>) {
        *self.skipped.entry(reason.into()).or_insert(0) += 1;
    }

    fn error(&mut self, url: &str, why: impl fmt::Display) {
        self.errors += 1;
        if self.error_samples.len() < MAX_ERROR_SAMPLES {
            self.error_samples.push(format!("{url}: {why}"));
        }
    }

    fn note(&mut self, note: String) {
        if !self.notes.contains(&note) {
            self.notes.push(note);
        }
    }
}

impl fmt::Display for CrawlSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "fetched {} URLs, wrote {} ({} pages, {} redirects), {} errors, {} bytes, {} still queued",
            self.fetched,
            self.written,
            self.pages,
            self.redirects,
            self.errors,
            self.bytes,
            self.queued
        )?;
        if !self.skipped.is_empty() {
            let parts: Vec<String> = self
                .skipped
                .iter()
                .map(|(k, v)| format!("{k} {v}"))
                .collect();
            writeln!(f, "skipped: {}", parts.join(", "))?;
        }
        if self.resumed {
            writeln!(f, "resumed an earlier crawl")?;
        }
        for note in &self.notes {
            writeln!(f, "note: {note}")?;
        }
        for e in &self.error_samples {
            writeln!(f, "error: {e}")?;
        }
        Ok(())
    }
}

/// A page handed to the caller as soon as it is written (for `--import`).
#[derive(Debug, Clone)]
pub struct CrawledPage {
    /// The normalised URL fetched (after redirects, the final one).
    pub url: String,
    pub status: u16,
    /// The Content-Type header as sent.
    pub content_type: Option<String>,
    /// The `charset=` of the Content-Type header, if any.
    pub charset: Option<String>,
    /// The body as received (de-chunked, not decoded).
    pub body: Vec<u8>,
    pub fetched_at: DateTime<Utc>,
    pub depth: usize,
    /// WARC-Record-ID of the response record.
    pub record_id: String,
}

/// Crawls as configured, appending to (or resuming) `cfg.out`, and calls `on_page` for each
/// HTML page written. Prints nothing on stdout; the progress bar goes to stderr when it is a
/// terminal and `quiet` is off.
pub fn crawl(cfg: &CrawlConfig, on_page: &mut dyn FnMut(&CrawledPage)) -> Result<CrawlSummary> {
    let mut crawler = Crawler::start(cfg)?;
    let settings = FetchSettings::new(
        &cfg.user_agent,
        cfg.timeout,
        cfg.max_page_bytes,
        cfg.retries,
        cfg.retry_base,
        cfg.retry_after_cap,
    );
    let workers = cfg.concurrency.max(1);
    let (job_tx, job_rx) = mpsc::channel::<Job>();
    let (done_tx, done_rx) = mpsc::channel::<Done>();
    let job_rx = Mutex::new(job_rx);
    let result = std::thread::scope(|scope| {
        for _ in 0..workers {
            let done_tx = done_tx.clone();
            let job_rx = &job_rx;
            let settings = &settings;
            scope.spawn(move || worker(settings, job_rx, &done_tx));
        }
        drop(done_tx);
        let result = crawler.run(&job_tx, &done_rx, workers, on_page);
        // Closing the job channel lets the workers finish.
        drop(job_tx);
        result
    });
    let finish = crawler.finish();
    result?;
    finish
}

/// Work sent to a worker thread.
enum Job {
    Page {
        item: QueueItem,
        url: Url,
        gap: Duration,
    },
    Robots {
        origin: String,
        url: Url,
    },
}

/// A worker's answer.
enum Done {
    Page {
        item: QueueItem,
        url: Url,
        report: Report,
    },
    Robots {
        origin: String,
        result: RobotsFetch,
    },
}

fn worker(settings: &FetchSettings, jobs: &Mutex<mpsc::Receiver<Job>>, done: &mpsc::Sender<Done>) {
    loop {
        let job = match jobs.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let answer = match job {
            Ok(Job::Page { item, url, gap }) => {
                let report = fetch::fetch_page(settings, &url, gap);
                Done::Page { item, url, report }
            }
            Ok(Job::Robots { origin, url }) => Done::Robots {
                result: fetch::fetch_robots(settings, &url),
                origin,
            },
            Err(_) => return,
        };
        if done.send(answer).is_err() {
            return;
        }
    }
}

/// What is known of an origin's robots.txt.
enum Robots {
    Unknown,
    Pending,
    /// `None`: everything allowed.
    Ready(Option<Box<Robot>>),
    /// robots.txt could not be read: nothing may be fetched.
    Unavailable,
}

/// Per-origin queue and politeness bookkeeping.
struct Host {
    origin: Url,
    queue: VecDeque<QueueItem>,
    robots: Robots,
    delay: Duration,
    next_at: Instant,
    in_flight: usize,
}

/// The coordinator: owns the queue, the seen set, the WARC file and the counts. Runs on the
/// caller's thread (so `on_page` need not be `Send`).
struct Crawler<'c> {
    cfg: &'c CrawlConfig,
    writer: WarcWriter,
    state_path: PathBuf,
    allowed_hosts: Vec<String>,
    seen: HashSet<String>,
    hosts: BTreeMap<String, Host>,
    /// Page jobs currently at workers, kept so a saved state can put them back in the queue.
    in_flight_items: HashMap<String, QueueItem>,
    in_flight: usize,
    summary: CrawlSummary,
    progress: indicatif::ProgressBar,
    last_save: Instant,
    results_since_save: usize,
    cursor: usize,
    robot_token: String,
}

impl<'c> Crawler<'c> {
    /// Opens the output, restores any earlier state and queues the start URLs.
    fn start(cfg: &'c CrawlConfig) -> Result<Self> {
        let mut seeds = Vec::new();
        for raw in &cfg.start_urls {
            let url = urls::normalize(None, raw).ok_or_else(|| {
                Error::Input(format!(
                    "start URL {raw:?} is not an http(s) URL (write it in full, e.g. https://sotttt.example.gov.vn/)"
                ))
            })?;
            seeds.push(url);
        }
        let state_path = state::state_path(&cfg.out);
        let mut notes = Vec::new();
        let loaded = match state::load(&state_path) {
            Ok(s) => s,
            Err(why) => {
                notes.push(format!(
                    "state file unusable ({why}); rebuilt what was fetched from the WARC itself"
                ));
                None
            }
        };
        if seeds.is_empty() && loaded.is_none() {
            return Err(Error::Input(
                "no start URL given (and no earlier crawl to resume at this --out)".into(),
            ));
        }
        // A state that knows more of the WARC than the file holds belongs to another (replaced
        // or deleted) file: trusting its seen set would silently leave pages out.
        let out_len = std::fs::metadata(&cfg.out).map(|m| m.len()).unwrap_or(0);
        let loaded = match loaded {
            Some(s) if s.warc_len > out_len => {
                notes.push(format!(
                    "{} describes {} bytes of WARC but {} has {out_len}; ignored it and rebuilt \
                     what was fetched from the WARC itself",
                    state_path.display(),
                    s.warc_len,
                    cfg.out.display()
                ));
                None
            }
            other => other,
        };
        let resumed = loaded.is_some();
        let state = loaded.unwrap_or_default();

        // Records after the state's last save were written but the state does not know them:
        // read them back so they are not fetched again.
        let mut replayed: Vec<(String, u16, Vec<Url>, Option<Url>)> = Vec::new();
        let max_torn = cfg.max_page_bytes.saturating_mul(2) + 4 * 1024 * 1024;
        let (writer, repair) =
            WarcWriter::open(&cfg.out, state.warc_len, max_torn, &mut |record| {
                if record.header("WARC-Type") != Some("response") {
                    return;
                }
                let Some(uri) = record.header("WARC-Target-URI") else {
                    return;
                };
                let Some(http) = warc_writer::parse_http_response(record.block) else {
                    return;
                };
                let Ok(url) = Url::parse(uri) else { return };
                let location = http
                    .header("Location")
                    .and_then(|l| urls::normalize(Some(&url), l));
                let links = if (200..300).contains(&http.status) {
                    let charset = http.header("Content-Type").and_then(urls::charset_param);
                    let text = urls::decode_for_links(http.body, charset.as_deref());
                    urls::extract_links(&url, &text)
                } else {
                    Vec::new()
                };
                replayed.push((url.to_string(), http.status, links, location));
            })?;

        let progress = if cfg.quiet || !std::io::stderr().is_terminal() {
            indicatif::ProgressBar::hidden()
        } else {
            let bar = indicatif::ProgressBar::new_spinner();
            if let Ok(style) =
                indicatif::ProgressStyle::with_template("{spinner} {elapsed_precise} {msg}")
            {
                bar.set_style(style);
            }
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        };

        let mut allowed_hosts: Vec<String> = if cfg.allow_hosts.is_empty() {
            seeds.iter().map(urls::host_of).collect()
        } else {
            cfg.allow_hosts
                .iter()
                .map(|h| h.to_ascii_lowercase())
                .collect()
        };
        for h in &state.allowed_hosts {
            if !allowed_hosts.contains(h) {
                allowed_hosts.push(h.clone());
            }
        }

        let mut summary = state.summary.clone();
        summary.resumed = resumed || !writer.is_empty();
        summary.truncated_bytes = repair.truncated;
        for n in notes {
            summary.note(n);
        }
        if repair.truncated > 0 {
            summary.note(format!(
                "cut {} bytes of an incomplete last record from {}",
                repair.truncated,
                cfg.out.display()
            ));
        }

        let robot_token = cfg
            .user_agent
            .split(['/', ' '])
            .next()
            .filter(|t| !t.is_empty())
            .unwrap_or("tracuu")
            .to_string();
        let mut crawler = Crawler {
            cfg,
            writer,
            state_path,
            allowed_hosts,
            seen: state.seen.iter().cloned().collect(),
            hosts: BTreeMap::new(),
            in_flight_items: HashMap::new(),
            in_flight: 0,
            summary,
            progress,
            last_save: Instant::now(),
            results_since_save: 0,
            cursor: 0,
            robot_token,
        };

        let done: HashSet<&str> = replayed.iter().map(|r| r.0.as_str()).collect();
        let mut depth_of: HashMap<String, (usize, u8, bool)> = HashMap::new();
        for item in &state.queue {
            depth_of.insert(item.url.clone(), (item.depth, item.hops, item.seed));
            if !done.contains(item.url.as_str()) {
                crawler.push(item.clone());
            }
        }
        // All replayed URLs are done before any of their links is considered: a page written
        // later may be linked from one written earlier.
        crawler.seen.extend(replayed.iter().map(|r| r.0.clone()));
        for (url, status, links, location) in &replayed {
            let (depth, hops, seed) = depth_of.get(url).copied().unwrap_or((0, 0, true));
            crawler.summary.fetched += 1;
            crawler.summary.written += 1;
            if (300..400).contains(status) {
                crawler.summary.redirects += 1;
            } else {
                crawler.summary.pages += 1;
            }
            for link in links {
                depth_of
                    .entry(link.to_string())
                    .or_insert((depth + 1, 0, false));
                crawler.consider(link, depth + 1, 0, false);
            }
            if let Some(target) = location {
                depth_of
                    .entry(target.to_string())
                    .or_insert((depth, hops.saturating_add(1), seed));
                crawler.follow_redirect(url, target, depth, hops, seed);
            }
        }
        for seed in &seeds {
            crawler.consider(seed, 0, 0, true);
        }
        if crawler.writer.is_empty() {
            let info = [
                ("software", format!("tracuu/{}", env!("CARGO_PKG_VERSION"))),
                ("format", "WARC File Format 1.0".to_string()),
                (
                    "conformsTo",
                    "http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.0/"
                        .to_string(),
                ),
                ("robots", "obey".to_string()),
                ("http-header-user-agent", cfg.user_agent.clone()),
                ("description", format!("crawl of {}", cfg.start_urls.join(" "))),
            ];
            let fields: Vec<(&str, &str)> = info.iter().map(|(k, v)| (*k, v.as_str())).collect();
            crawler.writer.write_warcinfo(Utc::now(), &fields)?;
        }
        crawler.save()?;
        Ok(crawler)
    }

    fn host_allowed(&self, host: &str) -> bool {
        self.allowed_hosts
            .iter()
            .any(|allowed| match allowed.strip_prefix("*.") {
                Some(domain) => host == domain || host.ends_with(&format!(".{domain}")),
                None => host == allowed,
            })
    }

    /// Queues `url` if it is in scope and new.
    fn consider(&mut self, url: &Url, depth: usize, hops: u8, seed: bool) {
        if !self.host_allowed(&urls::host_of(url)) {
            return;
        }
        if !seed {
            let s = url.as_str();
            if !self.cfg.include.is_empty() && !self.cfg.include.iter().any(|r| r.is_match(s)) {
                return;
            }
            if self.cfg.exclude.iter().any(|r| r.is_match(s)) {
                return;
            }
        }
        if self.cfg.max_depth.is_some_and(|max| depth > max) {
            return;
        }
        if !self.seen.insert(url.to_string()) {
            return;
        }
        self.push(QueueItem {
            url: url.to_string(),
            depth,
            hops,
            seed,
        });
    }

    /// Puts an item in its origin's queue (no checks: used for restored items too).
    fn push(&mut self, item: QueueItem) {
        let Ok(url) = Url::parse(&item.url) else {
            return;
        };
        self.seen.insert(item.url.clone());
        let key = urls::origin_key(&url);
        let host = self.hosts.entry(key).or_insert_with(|| Host {
            origin: url.clone(),
            queue: VecDeque::new(),
            robots: Robots::Unknown,
            delay: Duration::from_millis(self.cfg.delay_ms),
            next_at: Instant::now(),
            in_flight: 0,
        });
        host.queue.push_back(item);
    }

    /// Queues a redirect target. A start URL redirecting to another host (http → https,
    /// bare domain → www) brings that host into scope unless --allow-host was given.
    fn follow_redirect(&mut self, from: &str, target: &Url, depth: usize, hops: u8, seed: bool) {
        if hops >= MAX_REDIRECT_HOPS {
            self.summary.skip("redirect-loop");
            return;
        }
        let host = urls::host_of(target);
        if !self.host_allowed(&host) {
            if seed && self.cfg.allow_hosts.is_empty() {
                self.summary.note(format!(
                    "start URL {from} redirects to {target}: crawling host {host} too"
                ));
                self.allowed_hosts.push(host);
            } else {
                self.summary.skip("redirect-off-host");
                return;
            }
        }
        self.consider(target, depth, hops + 1, seed);
    }

    fn queued(&self) -> usize {
        self.hosts.values().map(|h| h.queue.len()).sum()
    }

    fn cancelled(&self) -> bool {
        self.cfg
            .cancel
            .as_ref()
            .is_some_and(|c| c.load(Ordering::Relaxed))
    }

    /// Page requests still allowed by --max-pages.
    fn budget(&self) -> usize {
        match self.cfg.max_pages {
            Some(max) => max.saturating_sub(self.summary.fetched + self.in_flight_items.len()),
            None => usize::MAX,
        }
    }

    /// The main loop: hand out work while there is room, take in results, until nothing is
    /// left to do.
    fn run(
        &mut self,
        jobs: &mpsc::Sender<Job>,
        done: &mpsc::Receiver<Done>,
        workers: usize,
        on_page: &mut dyn FnMut(&CrawledPage),
    ) -> Result<()> {
        loop {
            let stopping = self.cancelled();
            let wait = if stopping {
                None
            } else {
                self.dispatch(jobs, workers)
            };
            self.show_progress();
            if self.in_flight == 0 && wait.is_none() {
                return Ok(());
            }
            let timeout = wait
                .unwrap_or(Duration::from_millis(500))
                .min(Duration::from_millis(500));
            match done.recv_timeout(timeout) {
                Ok(answer) => {
                    self.in_flight = self.in_flight.saturating_sub(1);
                    self.take(answer, on_page)?;
                    self.results_since_save += 1;
                    if self.results_since_save >= 100
                        || self.last_save.elapsed() >= self.cfg.state_interval
                    {
                        self.save()?;
                    }
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(Error::Input("crawl workers stopped unexpectedly".into()));
                }
            }
        }
    }

    /// Sends out as much work as politeness allows. Returns how long until more work may
    /// become available (`None` when there is none at all, apart from what is in flight).
    fn dispatch(&mut self, jobs: &mpsc::Sender<Job>, workers: usize) -> Option<Duration> {
        let now = Instant::now();
        let mut earliest: Option<Instant> = None;
        let keys: Vec<String> = self.hosts.keys().cloned().collect();
        if keys.is_empty() {
            return None;
        }
        let mut pending_work = false;
        // Round robin over origins so that one big site does not starve the others.
        for step in 0..keys.len() {
            let idx = (self.cursor + step) % keys.len();
            let Some(key) = keys.get(idx) else { continue };
            loop {
                if self.in_flight >= workers {
                    return Some(Duration::from_millis(500));
                }
                let budget = self.budget();
                let Some(host) = self.hosts.get_mut(key) else {
                    break;
                };
                if host.queue.is_empty() {
                    break;
                }
                match host.robots {
                    Robots::Unknown => {
                        host.robots = Robots::Pending;
                        let job = Job::Robots {
                            origin: key.clone(),
                            url: host.origin.clone(),
                        };
                        if jobs.send(job).is_ok() {
                            self.in_flight += 1;
                        }
                        pending_work = true;
                        break;
                    }
                    Robots::Pending => {
                        pending_work = true;
                        break;
                    }
                    Robots::Unavailable => {
                        let n = host.queue.len();
                        host.queue.clear();
                        for _ in 0..n {
                            self.summary.skip("robots-unavailable");
                        }
                        break;
                    }
                    Robots::Ready(_) => {}
                }
                if budget == 0 {
                    // Queue kept for a later run with a higher --max-pages.
                    break;
                }
                pending_work = true;
                let limit = if host.delay.is_zero() { workers } else { 1 };
                if host.in_flight >= limit {
                    break;
                }
                if host.next_at > now {
                    earliest = Some(earliest.map_or(host.next_at, |e| e.min(host.next_at)));
                    break;
                }
                let Some(item) = host.queue.pop_front() else {
                    break;
                };
                let Ok(url) = Url::parse(&item.url) else {
                    continue;
                };
                let allowed = match &host.robots {
                    Robots::Ready(Some(robot)) => robot.allowed(url.as_str()),
                    _ => true,
                };
                if !allowed {
                    self.summary.skip("robots");
                    continue;
                }
                host.in_flight += 1;
                host.next_at = now + host.delay;
                let gap = host.delay;
                self.in_flight_items.insert(item.url.clone(), item.clone());
                if jobs.send(Job::Page { item, url, gap }).is_ok() {
                    self.in_flight += 1;
                }
            }
        }
        self.cursor = self.cursor.wrapping_add(1);
        if !pending_work {
            return None;
        }
        Some(
            earliest
                .map(|e| e.saturating_duration_since(now))
                .unwrap_or(Duration::from_millis(500)),
        )
    }

    /// Handles one worker answer.
    fn take(&mut self, answer: Done, on_page: &mut dyn FnMut(&CrawledPage)) -> Result<()> {
        match answer {
            Done::Robots { origin, result } => {
                let token = self.robot_token.clone();
                let cfg_delay = Duration::from_millis(self.cfg.delay_ms);
                let mut note = None;
                let Some(host) = self.hosts.get_mut(&origin) else {
                    return Ok(());
                };
                host.robots = match result {
                    RobotsFetch::Body(body) => match Robot::new(&token, &body) {
                        Ok(robot) => {
                            if let Some(secs) = robot.delay.filter(|s| s.is_finite() && *s > 0.0) {
                                let asked = Duration::from_secs_f32(secs.min(1.0e6));
                                if asked > MAX_CRAWL_DELAY {
                                    note = Some(format!(
                                        "{origin}: Crawl-delay {secs} s clamped to {} s",
                                        MAX_CRAWL_DELAY.as_secs()
                                    ));
                                }
                                host.delay = cfg_delay.max(asked.min(MAX_CRAWL_DELAY));
                            }
                            Robots::Ready(Some(Box::new(robot)))
                        }
                        Err(e) => {
                            note = Some(format!(
                                "{origin}: robots.txt unreadable ({e}); treated as allowing everything"
                            ));
                            Robots::Ready(None)
                        }
                    },
                    RobotsFetch::AllowAll(why) => {
                        // A missing robots.txt (404) is ordinary; anything odder is worth saying.
                        if !why.contains("HTTP 404") && !why.contains("HTTP 410") {
                            note = Some(format!("{origin}: {why}; treated as allowing everything"));
                        }
                        Robots::Ready(None)
                    }
                    RobotsFetch::DisallowAll(why) => {
                        note = Some(format!(
                            "{why}: robots.txt unavailable, so nothing was fetched from {origin} \
                             (RFC 9309 says to assume everything is disallowed); retry later"
                        ));
                        Robots::Unavailable
                    }
                };
                host.next_at = Instant::now() + host.delay;
                if let Some(n) = note {
                    self.summary.note(n);
                }
            }
            Done::Page { item, url, report } => {
                self.in_flight_items.remove(&item.url);
                let key = urls::origin_key(&url);
                if let Some(host) = self.hosts.get_mut(&key) {
                    host.in_flight = host.in_flight.saturating_sub(1);
                    let pause = report.host_pause.unwrap_or(Duration::ZERO);
                    host.next_at = host.next_at.max(Instant::now() + host.delay.max(pause));
                }
                self.summary.fetched += 1;
                self.summary.bytes += report.bytes;
                match report.outcome {
                    Outcome::Kept(page) => {
                        let record_id = self.writer.write_exchange(
                            url.as_str(),
                            page.fetched_at,
                            &page.request,
                            &page.head,
                            &page.body,
                        )?;
                        self.summary.written += 1;
                        if (300..400).contains(&page.status) {
                            self.summary.redirects += 1;
                            if let Some(target) = &page.location {
                                self.follow_redirect(
                                    url.as_str(),
                                    target,
                                    item.depth,
                                    item.hops,
                                    item.seed,
                                );
                            }
                        } else {
                            self.summary.pages += 1;
                            let page = *page;
                            let crawled = CrawledPage {
                                url: url.to_string(),
                                status: page.status,
                                content_type: page.content_type,
                                charset: page.charset,
                                body: page.body,
                                fetched_at: page.fetched_at,
                                depth: item.depth,
                                record_id,
                            };
                            on_page(&crawled);
                            for link in &page.links {
                                self.consider(link, item.depth + 1, 0, false);
                            }
                        }
                    }
                    Outcome::NotHtml => self.summary.skip("not-html"),
                    Outcome::TooLarge => self.summary.skip("too-large"),
                    Outcome::Status(code) if (400..500).contains(&code) && code != 429 => {
                        self.summary.skip(format!("http-{code}"))
                    }
                    Outcome::Status(code) => {
                        self.summary.error(url.as_str(), format!("HTTP {code}"))
                    }
                    Outcome::Failed(why) => self.summary.error(url.as_str(), why),
                }
            }
        }
        Ok(())
    }

    fn show_progress(&self) {
        self.progress.set_message(format!(
            "fetched {}  written {}  queued {}  errors {}  {:.1} MB",
            self.summary.fetched,
            self.summary.written,
            self.queued(),
            self.summary.errors,
            self.summary.bytes as f64 / 1.0e6
        ));
    }

    /// Saves the state file (after making the WARC durable, so the state never refers to
    /// records the disk does not have).
    fn save(&mut self) -> Result<()> {
        self.writer.sync()?;
        let mut queue: Vec<QueueItem> = self.in_flight_items.values().cloned().collect();
        queue.sort_by_key(|item| item.depth);
        for host in self.hosts.values() {
            queue.extend(host.queue.iter().cloned());
        }
        let mut summary = self.summary.clone();
        summary.queued = queue.len();
        let mut seen: Vec<String> = self.seen.iter().cloned().collect();
        seen.sort();
        let state = State {
            version: STATE_VERSION,
            warc_len: self.writer.len(),
            saved_at: Utc::now().to_rfc3339(),
            allowed_hosts: self.allowed_hosts.clone(),
            queue,
            seen,
            summary,
        };
        state::save(&self.state_path, &state)?;
        self.last_save = Instant::now();
        self.results_since_save = 0;
        Ok(())
    }

    /// Final save; returns the summary.
    fn finish(mut self) -> Result<CrawlSummary> {
        self.save()?;
        self.progress.finish_and_clear();
        let mut summary = self.summary.clone();
        summary.queued = self.queued() + self.in_flight_items.len();
        Ok(summary)
    }
}
