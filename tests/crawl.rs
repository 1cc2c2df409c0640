//! End-to-end tests of `tracuu::crawl` against a mini-site served by the test itself on
//! 127.0.0.1 (no other address is ever contacted): pagination, articles, robots.txt with a
//! Disallow and a Crawl-delay, a page failing twice with 503, a redirect, a 404, a PDF, a page
//! slower than the timeout, pages over the size cap, a chunked page. The WARC produced is
//! checked record by record (lengths, digests, ids, links between records) by code written
//! here, and by Python's warcio when it is installed.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sha1::{Digest, Sha1};
use tracuu::crawl::{CrawlConfig, CrawlSummary, CrawledPage, crawl, warc_writer};

/// The mini-site and a log of every request it received.
struct Site {
    port: u16,
    log: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
}

impl Site {
    fn start() -> Site {
        Site::start_with(false)
    }

    /// `robots_down`: robots.txt answers 500.
    fn start_with(robots_down: bool) -> Site {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let log = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (log2, stop2) = (log.clone(), stop.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stop2.load(Ordering::Relaxed) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let log = log2.clone();
                std::thread::spawn(move || serve(stream, &log, robots_down));
            }
        });
        Site { port, log, stop }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn requests(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    fn count(&self, path: &str) -> usize {
        self.requests().iter().filter(|p| *p == path).count()
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn page(title: &str, links: &[&str]) -> String {
    let items: String = links
        .iter()
        .map(|l| format!("<li><a href=\"{l}\">{l}</a></li>"))
        .collect();
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{title}</title></head>\
         <body><h1>{title}</h1><p>Sở Thông tin và Truyền thông Bạc Liêu.</p><ul>{items}</ul></body></html>"
    )
}

fn respond(stream: &mut TcpStream, status: &str, headers: &[(&str, String)], body: &[u8]) {
    let mut out = format!("HTTP/1.1 {status}\r\nConnection: close\r\n");
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    let _ = stream.write_all(out.as_bytes());
    let _ = stream.write_all(body);
    let _ = stream.flush();
}

fn html(stream: &mut TcpStream, body: &str) {
    respond(
        stream,
        "200 OK",
        &[
            ("Content-Type", "text/html; charset=utf-8".into()),
            ("Content-Length", body.len().to_string()),
        ],
        body.as_bytes(),
    );
}

fn count(log: &Mutex<Vec<String>>, path: &str) -> usize {
    log.lock().unwrap().iter().filter(|p| *p == path).count()
}

fn serve(mut stream: TcpStream, log: &Mutex<Vec<String>>, robots_down: bool) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() || request_line.is_empty() {
        return;
    }
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
    }
    let path = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or("/")
        .to_string();
    let flaky_seen = {
        let mut log = log.lock().unwrap();
        log.push(path.clone());
        log.iter().filter(|p| *p == "/flaky").count()
    };
    match path.as_str() {
        "/robots.txt" if robots_down => respond(
            &mut stream,
            "500 Internal Server Error",
            &[("Content-Length", "0".into())],
            b"",
        ),
        "/robots.txt" => {
            let body = "User-agent: speedtest\nDisallow: /private/\n\n\
                        User-agent: *\nDisallow: /private/\nCrawl-delay: 0.05\n";
            respond(
                &mut stream,
                "200 OK",
                &[
                    ("Content-Type", "text/plain".into()),
                    ("Content-Length", body.len().to_string()),
                ],
                body.as_bytes(),
            );
        }
        "/news/" => html(
            &mut stream,
            &page(
                "Tin tức",
                &[
                    "/news/article-1",
                    "/news/article-1?utm_source=zalo#top",
                    "article-2",
                    "/news/article-3",
                    "/news/PhanTrang/2",
                    "/private/secret",
                    "/flaky",
                    "/old",
                    "/missing",
                    "/doc.pdf",
                    "/slow",
                    "/big",
                    "/big2",
                    "/news/chunked",
                    "/busy",
                    "/away",
                    "http://example.invalid/elsewhere",
                    "mailto:toasoan@example.invalid",
                ],
            ),
        ),
        "/news/PhanTrang/2" => html(
            &mut stream,
            &page(
                "Trang 2",
                &[
                    "/news/",
                    "/news/article-4",
                    "/news/article-5",
                    "/news/PhanTrang/3",
                ],
            ),
        ),
        "/news/PhanTrang/3" => html(
            &mut stream,
            &page("Trang 3", &["/news/PhanTrang/2", "/news/article-6"]),
        ),
        p if p.starts_with("/news/article-") => {
            html(&mut stream, &page(&format!("Bài {p}"), &["/news/"]))
        }
        "/flaky" if flaky_seen <= 2 => respond(
            &mut stream,
            "503 Service Unavailable",
            &[("Retry-After", "0".into()), ("Content-Length", "0".into())],
            b"",
        ),
        "/flaky" => html(&mut stream, &page("Đã ổn", &[])),
        "/busy" if count(log, "/busy") == 1 => respond(
            &mut stream,
            "429 Too Many Requests",
            // An HTTP-date in the past: retry at once (after the host's delay).
            &[
                ("Retry-After", "Wed, 01 May 2024 09:00:00 GMT".into()),
                ("Content-Length", "0".into()),
            ],
            b"",
        ),
        "/busy" => html(&mut stream, &page("Hết bận", &[])),
        "/away" => respond(
            &mut stream,
            "302 Found",
            // Another host name: must not be followed (and is never contacted).
            &[
                ("Location", "http://outside.invalid/x".into()),
                ("Content-Length", "0".into()),
            ],
            b"",
        ),
        "/old" => respond(
            &mut stream,
            "301 Moved Permanently",
            &[
                ("Location", "/news/article-9".into()),
                ("Content-Length", "0".into()),
            ],
            b"",
        ),
        "/doc.pdf" => {
            let body = b"%PDF-1.4\n% not really\n";
            respond(
                &mut stream,
                "200 OK",
                &[
                    ("Content-Type", "application/pdf".into()),
                    ("Content-Length", body.len().to_string()),
                ],
                body,
            );
        }
        "/slow" => {
            std::thread::sleep(Duration::from_millis(1500));
            html(&mut stream, &page("Chậm", &[]));
        }
        "/big" => {
            let body = vec![b'a'; 200_000];
            respond(
                &mut stream,
                "200 OK",
                &[
                    ("Content-Type", "text/html".into()),
                    ("Content-Length", body.len().to_string()),
                ],
                &body,
            );
        }
        "/big2" => {
            // No Content-Length: the body ends when the connection closes.
            let mut body = b"<html><body>".to_vec();
            body.extend(std::iter::repeat_n(b'b', 200_000));
            respond(
                &mut stream,
                "200 OK",
                &[("Content-Type", "text/html".into())],
                &body,
            );
        }
        "/news/chunked" => {
            let body = page("Chunked", &["/news/article-7"]);
            let (a, b) = body.split_at(body.len() / 2);
            let mut out = Vec::new();
            for part in [a, b] {
                out.extend_from_slice(format!("{:x}\r\n{part}\r\n", part.len()).as_bytes());
            }
            out.extend_from_slice(b"0\r\n\r\n");
            respond(
                &mut stream,
                "200 OK",
                &[
                    ("Content-Type", "text/html; charset=utf-8".into()),
                    ("Transfer-Encoding", "chunked".into()),
                ],
                &out,
            );
        }
        p if p.starts_with("/gen/") => {
            // A generated site for the throughput run: page n links to 5n+1 … 5n+5.
            let n: usize = p[5..].parse().unwrap_or(0);
            let links: Vec<String> = (5 * n + 1..=5 * n + 5)
                .filter(|k| *k < GEN_PAGES)
                .map(|k| format!("/gen/{k}"))
                .collect();
            let links: Vec<&str> = links.iter().map(String::as_str).collect();
            let mut body = page(&format!("Bài {n}"), &links);
            body.push_str(&"<p>Nội dung bài viết về chuyển đổi số.</p>".repeat(200));
            html(&mut stream, &body);
        }
        _ => respond(
            &mut stream,
            "404 Not Found",
            &[
                ("Content-Type", "text/html".into()),
                ("Content-Length", "9".into()),
            ],
            b"not found",
        ),
    }
}

/// Pages in the generated site used by the throughput run.
const GEN_PAGES: usize = 2000;

fn config(site: &Site, out: &Path) -> CrawlConfig {
    let mut cfg = CrawlConfig::new(vec![site.url("/news/")], out);
    cfg.delay_ms = 0; // robots.txt's Crawl-delay (0.05 s) applies
    cfg.concurrency = 2;
    cfg.timeout = Duration::from_millis(300);
    cfg.max_page_bytes = 100_000;
    cfg.retries = 2;
    cfg.retry_base = Duration::from_millis(10);
    cfg.quiet = true;
    cfg
}

/// Paths of the pages the site should yield as written 200 pages.
const PAGES: &[&str] = &[
    "/news/",
    "/news/article-1",
    "/news/article-2",
    "/news/article-3",
    "/news/article-4",
    "/news/article-5",
    "/news/article-6",
    "/news/article-7",
    "/news/article-9",
    "/news/PhanTrang/2",
    "/news/PhanTrang/3",
    "/news/chunked",
    "/flaky",
    "/busy",
];

/// Paths answered with a redirect (written as such).
const REDIRECTS: &[&str] = &["/old", "/away"];

fn check_full_summary(s: &CrawlSummary) {
    assert_eq!(s.pages, PAGES.len(), "{s}");
    assert_eq!(s.redirects, REDIRECTS.len(), "{s}");
    assert_eq!(s.written, PAGES.len() + REDIRECTS.len(), "{s}");
    // Pages, the redirects, 404, PDF, slow, big, big2.
    assert_eq!(s.fetched, PAGES.len() + REDIRECTS.len() + 5, "{s}");
    let skipped: Vec<(&str, usize)> = s.skipped.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    assert_eq!(
        skipped,
        [
            ("http-404", 1),
            ("not-html", 1),
            ("redirect-off-host", 1),
            ("robots", 1),
            ("too-large", 2)
        ],
        "{s}"
    );
    assert_eq!(s.errors, 1, "{s}");
    assert!(s.error_samples[0].contains("/slow"), "{s}");
    assert_eq!(s.queued, 0, "{s}");
}

/// A record as read back by the test's own parser.
#[derive(Debug)]
struct Rec {
    headers: HashMap<String, String>,
    block: Vec<u8>,
}

fn base32_sha1(data: &[u8]) -> String {
    format!("sha1:{}", warc_writer::base32(&Sha1::digest(data)))
}

/// Reads every gzip member of `path` and checks it is a well-formed WARC 1.0 record.
fn read_warc(path: &Path) -> Vec<Rec> {
    let data = std::fs::read(path).unwrap();
    let mut rest: &[u8] = &data;
    let mut records = Vec::new();
    while !rest.is_empty() {
        let mut decoder = flate2::bufread::GzDecoder::new(&mut rest);
        let mut raw = Vec::new();
        decoder
            .read_to_end(&mut raw)
            .expect("each gzip member is complete");
        assert!(raw.starts_with(b"WARC/1.0\r\n"));
        let head_end = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
        let head = std::str::from_utf8(&raw[10..head_end]).unwrap();
        let headers: HashMap<String, String> = head
            .split("\r\n")
            .map(|l| {
                let (k, v) = l.split_once(": ").unwrap();
                (k.to_string(), v.to_string())
            })
            .collect();
        let len: usize = headers["Content-Length"].parse().unwrap();
        let block = raw[head_end + 4..head_end + 4 + len].to_vec();
        assert_eq!(
            &raw[head_end + 4 + len..],
            b"\r\n\r\n",
            "record ends right after its block"
        );
        let id = &headers["WARC-Record-ID"];
        assert!(
            id.starts_with("<urn:uuid:") && id.ends_with('>') && id.len() == 47,
            "{id}"
        );
        let date = &headers["WARC-Date"];
        assert!(
            chrono::NaiveDateTime::parse_from_str(date, "%Y-%m-%dT%H:%M:%SZ").is_ok(),
            "{date}"
        );
        if let Some(d) = headers.get("WARC-Block-Digest") {
            assert_eq!(*d, base32_sha1(&block));
        }
        records.push(Rec { headers, block });
    }
    records
}

/// Checks the records' structure and returns the target URIs of the response records.
fn check_warc(path: &Path) -> Vec<String> {
    let records = read_warc(path);
    assert_eq!(records[0].headers["WARC-Type"], "warcinfo");
    assert_eq!(
        records
            .iter()
            .filter(|r| r.headers["WARC-Type"] == "warcinfo")
            .count(),
        1
    );
    let mut response_ids = HashMap::new();
    let mut uris = Vec::new();
    for r in &records {
        match r.headers["WARC-Type"].as_str() {
            "response" => {
                assert_eq!(
                    r.headers["Content-Type"],
                    "application/http; msgtype=response"
                );
                let head_end = r.block.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
                let head = String::from_utf8_lossy(&r.block[..head_end]).to_string();
                let payload = &r.block[head_end + 4..];
                assert!(head.starts_with("HTTP/1.1 "), "{head}");
                assert!(!head.to_ascii_lowercase().contains("transfer-encoding"));
                assert_eq!(r.headers["WARC-Payload-Digest"], base32_sha1(payload));
                let uri = r.headers["WARC-Target-URI"].clone();
                response_ids.insert(r.headers["WARC-Record-ID"].clone(), uri.clone());
                uris.push(uri);
            }
            "request" => {
                assert_eq!(
                    r.headers["Content-Type"],
                    "application/http; msgtype=request"
                );
                assert!(r.block.starts_with(b"GET /"));
                let to = &r.headers["WARC-Concurrent-To"];
                assert_eq!(
                    response_ids.get(to),
                    Some(&r.headers["WARC-Target-URI"]),
                    "request follows its response"
                );
            }
            "warcinfo" => {}
            other => panic!("unexpected record type {other}"),
        }
    }
    assert_eq!(response_ids.len() * 2 + 1, records.len());
    uris
}

/// Validates with warcio when Python has it; otherwise says so and passes.
fn warcio_check(path: &Path) {
    let has_warcio = std::process::Command::new("python3")
        .args(["-c", "import warcio"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_warcio {
        eprintln!("note: python3 warcio not installed; skipping the warcio check");
        return;
    }
    let out = std::process::Command::new("python3")
        .args(["-m", "warcio.cli", "check", "-v"])
        .arg(path)
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "warcio check failed:\n{text}");
    assert!(
        !text.contains("digest failed"),
        "warcio reports bad digests:\n{text}"
    );
    let index = std::process::Command::new("python3")
        .args([
            "-m",
            "warcio.cli",
            "index",
            "-f",
            "warc-type,warc-target-uri",
        ])
        .arg(path)
        .output()
        .unwrap();
    assert!(index.status.success());
    let lines = String::from_utf8_lossy(&index.stdout).lines().count();
    assert_eq!(
        lines,
        1 + 2 * (PAGES.len() + REDIRECTS.len()),
        "warcio index lines"
    );
}

#[test]
fn crawls_the_mini_site_politely() {
    let site = Site::start();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site.warc.gz");
    let cfg = config(&site, &out);
    let mut seen_pages: Vec<CrawledPage> = Vec::new();
    let summary = crawl(&cfg, &mut |p| seen_pages.push(p.clone())).unwrap();
    check_full_summary(&summary);

    // What the server saw.
    assert_eq!(site.count("/robots.txt"), 1);
    assert_eq!(site.count("/private/secret"), 0, "robots.txt obeyed");
    assert_eq!(site.count("/flaky"), 3, "two 503s, then success");
    assert_eq!(site.count("/busy"), 2, "a 429, then success");
    assert_eq!(site.count("/slow"), 3, "timeouts are retried");
    assert_eq!(site.count("/missing"), 1, "404 is not retried");
    for path in PAGES.iter().filter(|p| !["/flaky", "/busy"].contains(*p)) {
        assert_eq!(site.count(path), 1, "{path}");
    }
    assert_eq!(site.count("/news/article-1?utm_source=zalo"), 0);

    // on_page saw every written page, with its body.
    assert_eq!(seen_pages.len(), PAGES.len());
    let chunked = seen_pages
        .iter()
        .find(|p| p.url.ends_with("/news/chunked"))
        .unwrap();
    assert!(String::from_utf8_lossy(&chunked.body).ends_with("</html>"));
    assert_eq!(chunked.charset.as_deref(), Some("utf-8"));
    let start = seen_pages
        .iter()
        .find(|p| p.url.ends_with("/news/"))
        .unwrap();
    assert_eq!(start.depth, 0);

    // The archive.
    let mut uris = check_warc(&out);
    uris.sort();
    let mut expected: Vec<String> = PAGES.iter().map(|p| site.url(p)).collect();
    expected.extend(REDIRECTS.iter().map(|p| site.url(p)));
    expected.sort();
    assert_eq!(uris, expected);
    warcio_check(&out);

    // tracuu's own importer reads the archive: every page, and no complaint about the file.
    let mut imported = Vec::new();
    tracuu::ingest::read_all(
        std::slice::from_ref(&out),
        &tracuu::ingest::IngestOptions::default(),
        &mut |input| {
            match input {
                tracuu::ingest::Input::Page(page) => imported.push(page.url.unwrap_or_default()),
                tracuu::ingest::Input::Skip { reason, .. } => {
                    assert!(!reason.contains("WARC"), "importer: {reason}")
                }
                tracuu::ingest::Input::Article(_) => panic!("no structured articles in a WARC"),
            }
            true
        },
    );
    imported.sort();
    let mut page_urls: Vec<String> = PAGES.iter().map(|p| site.url(p)).collect();
    page_urls.sort();
    assert_eq!(imported, page_urls);

    // The state file exists beside the output.
    assert!(dir.path().join("site.warc.gz.state.json").exists());
}

#[test]
fn resumes_without_refetching_and_repairs_a_torn_tail() {
    let site = Site::start();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("resume.warc.gz");
    let state_file = dir.path().join("resume.warc.gz.state.json");

    // First run stops after three URLs.
    let mut cfg = config(&site, &out);
    cfg.max_pages = Some(3);
    let first = crawl(&cfg, &mut |_| {}).unwrap();
    assert_eq!(first.fetched, 3, "{first}");
    assert!(first.queued > 0, "{first}");
    let early_state = std::fs::read(&state_file).unwrap();

    // Second run, same --out, no limit: finishes the crawl.
    cfg.max_pages = None;
    let second = crawl(&cfg, &mut |_| {}).unwrap();
    assert!(second.resumed);
    check_full_summary(&second);
    let pages_requested = |site: &Site| {
        site.requests()
            .into_iter()
            .filter(|p| !["/robots.txt", "/flaky", "/slow", "/busy"].contains(&p.as_str()))
            .collect::<Vec<_>>()
    };
    let mut once = pages_requested(&site);
    let n = once.len();
    once.sort();
    once.dedup();
    assert_eq!(once.len(), n, "no URL fetched twice: {once:?}");
    assert_eq!(site.count("/flaky"), 3);
    check_warc(&out);
    let complete_len = std::fs::metadata(&out).unwrap().len();

    // A crash in the middle of an append: half a gzip member at the end.
    let mut tail = Vec::new();
    {
        let mut enc = flate2::write::GzEncoder::new(&mut tail, flate2::Compression::default());
        enc.write_all(b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 100\r\n\r\nabc")
            .unwrap();
        enc.finish().unwrap();
    }
    let mut f = std::fs::OpenOptions::new().append(true).open(&out).unwrap();
    f.write_all(&tail[..tail.len() / 2]).unwrap();
    drop(f);
    let before = site.requests().len();
    let third = crawl(&cfg, &mut |_| {}).unwrap();
    assert!(third.truncated_bytes > 0, "{third}");
    assert_eq!(std::fs::metadata(&out).unwrap().len(), complete_len);
    assert_eq!(site.requests().len(), before, "nothing refetched");
    check_full_summary(&third);
    check_warc(&out);

    // A crash after records were written but before the state was saved again: the state
    // is the one from the first run; the records after it are replayed from the WARC.
    std::fs::write(&state_file, &early_state).unwrap();
    let mut pages_seen = 0;
    let fourth = crawl(&cfg, &mut |_| pages_seen += 1).unwrap();
    let new_requests: Vec<String> = site.requests()[before..]
        .iter()
        .filter(|p| *p != "/robots.txt")
        .cloned()
        .collect();
    // Only URLs that were never written (404, PDF, too large, failed) may be asked again.
    for p in &new_requests {
        assert!(
            ["/missing", "/doc.pdf", "/big", "/big2", "/slow"].contains(&p.as_str()),
            "refetched {p}"
        );
    }
    assert_eq!(pages_seen, 0, "no written page is fetched again");
    assert_eq!(fourth.pages, PAGES.len(), "{fourth}");
    assert_eq!(fourth.written, PAGES.len() + REDIRECTS.len(), "{fourth}");
    check_warc(&out);
}

#[test]
fn depth_limit_and_filters() {
    let site = Site::start();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("depth.warc.gz");
    let mut cfg = config(&site, &out);
    cfg.max_depth = Some(1);
    cfg.exclude = vec![regex::Regex::new(r"/(slow|big2?|flaky)$").unwrap()];
    cfg.include = vec![regex::Regex::new(r"/news/").unwrap()];
    let summary = crawl(&cfg, &mut |_| {}).unwrap();
    // Depth 1 from /news/: articles 1-3, page 2, chunked; not page 3 or articles 4-7.
    assert_eq!(summary.pages, 6, "{summary}");
    assert_eq!(summary.fetched, 6, "{summary}");
    assert_eq!(site.count("/news/PhanTrang/3"), 0);
    assert_eq!(site.count("/slow"), 0);
    assert_eq!(site.count("/old"), 0, "not matched by --include");
}

#[test]
fn refuses_a_bad_start_url() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = CrawlConfig::new(vec!["not a url".into()], dir.path().join("x.warc.gz"));
    let err = crawl(&cfg, &mut |_| {}).unwrap_err();
    assert!(err.to_string().contains("not an http(s) URL"), "{err}");
}

#[test]
fn unreachable_robots_txt_means_nothing_is_fetched() {
    let site = Site::start_with(true);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("down.warc.gz");
    let summary = crawl(&config(&site, &out), &mut |_| {}).unwrap();
    assert_eq!(
        site.count("/robots.txt"),
        3,
        "robots.txt retried like a page"
    );
    assert_eq!(site.requests().len(), 3, "no page requested");
    assert_eq!(summary.fetched, 0, "{summary}");
    assert_eq!(
        summary.skipped.get("robots-unavailable"),
        Some(&1),
        "{summary}"
    );
    assert!(
        summary
            .notes
            .iter()
            .any(|n| n.contains("robots.txt unavailable")),
        "{summary}"
    );
    // The archive is still a valid (empty) crawl, ready to be resumed later.
    assert_eq!(check_warc(&out).len(), 0);
}

#[test]
fn a_state_without_its_warc_is_not_trusted() {
    let site = Site::start();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("lost.warc.gz");
    let mut cfg = config(&site, &out);
    cfg.max_depth = Some(0); // the start page only: enough to tell

    crawl(&cfg, &mut |_| {}).unwrap();
    // The archive is lost, its state file is not: crawling again must fetch everything again.
    std::fs::remove_file(&out).unwrap();
    let again = crawl(&cfg, &mut |_| {}).unwrap();
    assert!(
        again.notes.iter().any(|n| n.contains("ignored it")),
        "{again}"
    );
    assert_eq!((again.fetched, again.pages), (1, 1), "{again}");
    assert_eq!(site.count("/news/"), 2);
    assert_eq!(check_warc(&out).len(), 1);
}

/// Not a test: measures pages per second against the local generated site
/// (`cargo test --release --test crawl throughput -- --ignored --nocapture`).
#[test]
#[ignore]
fn throughput() {
    let site = Site::start();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("gen.warc.gz");
    for concurrency in [1, 4] {
        let _ = std::fs::remove_file(&out);
        let _ = std::fs::remove_file(dir.path().join("gen.warc.gz.state.json"));
        let mut cfg = CrawlConfig::new(vec![site.url("/gen/0")], &out);
        cfg.delay_ms = 0;
        cfg.concurrency = concurrency;
        cfg.quiet = true;
        cfg.user_agent = "speedtest/1.0".into(); // the robots.txt group without Crawl-delay
        let started = std::time::Instant::now();
        let summary = crawl(&cfg, &mut |_| {}).unwrap();
        let secs = started.elapsed().as_secs_f64();
        let size = std::fs::metadata(&out).unwrap().len();
        eprintln!(
            "concurrency {concurrency}: {} pages, {:.1} MB received, {:.2} s, {:.0} pages/s, WARC {:.1} MB",
            summary.pages,
            summary.bytes as f64 / 1e6,
            secs,
            summary.pages as f64 / secs,
            size as f64 / 1e6
        );
    }
}
