//! One HTTP exchange, done politely: the part of the crawler that runs on worker threads.
//!
//! A worker takes a URL, fetches it with retries (exponential backoff on 5xx, 429 and
//! timeouts; none on other 4xx; `Retry-After` honoured up to a cap), refuses to read bodies it
//! will not keep (non-HTML, over the size cap), and hands back everything the coordinator
//! needs to write the WARC records: the status line, headers and body as received, and the
//! request as sent. Redirects are *not* followed here — the coordinator decides whether the
//! target is inside the allowed hosts and queues it like any other URL.

use std::io::Read;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use url::Url;

use super::urls;

/// What every fetch needs to know; shared read-only by all workers.
#[derive(Debug, Clone)]
pub(crate) struct FetchSettings {
    pub agent: ureq::Agent,
    pub user_agent: String,
    pub max_page_bytes: u64,
    pub retries: u32,
    pub retry_base: Duration,
    pub retry_after_cap: Duration,
}

/// The `Accept` header sent with page requests.
const ACCEPT: &str = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5";

impl FetchSettings {
    /// Builds the shared HTTP agent: statuses are returned rather than raised, redirects are
    /// returned to us, and every exchange has a total time limit.
    pub fn new(
        user_agent: &str,
        timeout: Duration,
        max_page_bytes: u64,
        retries: u32,
        retry_base: Duration,
        retry_after_cap: Duration,
    ) -> Self {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(Some(timeout))
            .user_agent(user_agent)
            .build();
        FetchSettings {
            agent: config.new_agent(),
            user_agent: user_agent.to_string(),
            max_page_bytes,
            retries,
            retry_base,
            retry_after_cap,
        }
    }
}

/// A response the crawler keeps (2xx HTML or a 3xx redirect), with what is needed to write it.
#[derive(Debug)]
pub(crate) struct Fetched {
    pub status: u16,
    /// Status line, headers and the blank line, as written into the WARC response record.
    pub head: Vec<u8>,
    pub body: Vec<u8>,
    /// The HTTP request as sent, for the WARC request record.
    pub request: Vec<u8>,
    pub content_type: Option<String>,
    pub charset: Option<String>,
    pub fetched_at: DateTime<Utc>,
    /// Links found in an HTML page (normalised, document order).
    pub links: Vec<Url>,
    /// The redirect target, resolved and normalised.
    pub location: Option<Url>,
}

/// How a fetch ended.
#[derive(Debug)]
pub(crate) enum Outcome {
    Kept(Box<Fetched>),
    /// A 2xx answer that is not an HTML page (its body was not read).
    NotHtml,
    TooLarge,
    /// A final HTTP error status (4xx at once, 5xx/429 once retries ran out).
    Status(u16),
    /// No usable response (timeouts, refused connections) after all retries.
    Failed(String),
}

/// The result a worker sends back.
#[derive(Debug)]
pub(crate) struct Report {
    pub outcome: Outcome,
    /// Bytes of body received (all attempts).
    pub bytes: u64,
    /// Set when the server asked us to slow down (Retry-After beyond the usual delay).
    pub host_pause: Option<Duration>,
}

/// What one attempt produced.
enum Attempt {
    Done(Outcome, u64),
    /// Worth another try; `wait` is the server's Retry-After, if any.
    Retry {
        why: String,
        wait: Option<Duration>,
        status: Option<u16>,
        bytes: u64,
    },
}

/// Fetches `url`, retrying transient failures. `min_gap` (the host's politeness delay) is the
/// least time between two attempts.
pub(crate) fn fetch_page(s: &FetchSettings, url: &Url, min_gap: Duration) -> Report {
    let mut bytes = 0;
    let mut host_pause = None;
    let mut attempt = 0u32;
    loop {
        let (why, wait, status) = match attempt_once(s, url) {
            Attempt::Done(outcome, n) => {
                return Report {
                    outcome,
                    bytes: bytes + n,
                    host_pause,
                };
            }
            Attempt::Retry {
                why,
                wait,
                status,
                bytes: n,
            } => {
                bytes += n;
                (why, wait, status)
            }
        };
        if let Some(w) = wait {
            host_pause = Some(w);
            if w > s.retry_after_cap {
                // The server wants us away for longer than we are willing to wait in line:
                // give up on this URL and leave the host alone for the capped time.
                host_pause = Some(s.retry_after_cap);
                return Report {
                    outcome: final_failure(status, format!("{why}; Retry-After {w:?} too long")),
                    bytes,
                    host_pause,
                };
            }
        }
        if attempt >= s.retries {
            return Report {
                outcome: final_failure(status, why),
                bytes,
                host_pause,
            };
        }
        let backoff = s
            .retry_base
            .saturating_mul(1u32 << attempt.min(16))
            .min(Duration::from_secs(300));
        std::thread::sleep(wait.unwrap_or(backoff).max(min_gap));
        attempt += 1;
    }
}

fn final_failure(status: Option<u16>, why: String) -> Outcome {
    match status {
        Some(code) => Outcome::Status(code),
        None => Outcome::Failed(why),
    }
}

/// The request exactly as we send it, for the WARC request record.
fn request_block(s: &FetchSettings, url: &Url) -> Vec<u8> {
    let mut target = url.path().to_string();
    if let Some(q) = url.query() {
        target.push('?');
        target.push_str(q);
    }
    let host = match url.port() {
        Some(p) => format!("{}:{p}", url.host_str().unwrap_or("")),
        None => url.host_str().unwrap_or("").to_string(),
    };
    format!(
        "GET {target} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: {}\r\nAccept: {ACCEPT}\r\nAccept-Encoding: identity\r\n\r\n",
        s.user_agent
    )
    .into_bytes()
}

fn attempt_once(s: &FetchSettings, url: &Url) -> Attempt {
    let started = Instant::now();
    let fetched_at = Utc::now();
    // identity: the archive then holds the body as the server sent it, not a re-encoding.
    let result = s
        .agent
        .get(url.as_str())
        .header("User-Agent", &s.user_agent)
        .header("Accept", ACCEPT)
        .header("Accept-Encoding", "identity")
        .call();
    let mut response = match result {
        Ok(r) => r,
        Err(e) => return classify_error(e),
    };
    let status = response.status().as_u16();
    let header = |name: &str| header_of(&response, name);
    let content_type = header("content-type");
    let declared_len = header("content-length").and_then(|v| v.trim().parse::<u64>().ok());

    if status == 429 || status >= 500 {
        let wait = if status == 429 || status == 503 {
            header("retry-after").and_then(|v| parse_retry_after(&v, Utc::now()))
        } else {
            None
        };
        return Attempt::Retry {
            why: format!("HTTP {status}"),
            wait,
            status: Some(status),
            bytes: 0,
        };
    }
    if !(200..400).contains(&status) {
        return Attempt::Done(Outcome::Status(status), 0);
    }
    let is_redirect = (300..400).contains(&status);
    let mime = content_type.as_deref().map(|ct| {
        ct.split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    });
    let declared_html = matches!(
        mime.as_deref(),
        Some("text/html") | Some("application/xhtml+xml")
    );
    if !is_redirect && mime.is_some() && !declared_html {
        return Attempt::Done(Outcome::NotHtml, 0);
    }
    if declared_len.is_some_and(|n| n > s.max_page_bytes) {
        return Attempt::Done(Outcome::TooLarge, 0);
    }

    // Read at most one byte more than allowed: enough to know the cap was passed.
    let mut body = Vec::new();
    let read = response
        .body_mut()
        .as_reader()
        .take(s.max_page_bytes.saturating_add(1))
        .read_to_end(&mut body);
    let got = body.len() as u64;
    if let Err(e) = read {
        return Attempt::Retry {
            why: format!("reading body after {:?}: {e}", started.elapsed()),
            wait: None,
            status: None,
            bytes: got,
        };
    }
    if got > s.max_page_bytes {
        return Attempt::Done(Outcome::TooLarge, got);
    }
    if !is_redirect && mime.is_none() && !urls::sniff_html(&body) {
        return Attempt::Done(Outcome::NotHtml, got);
    }

    let head = response_head(&response, body.len());
    let charset = content_type.as_deref().and_then(urls::charset_param);
    let location = if is_redirect {
        header_of(&response, "location").and_then(|l| urls::normalize(Some(url), &l))
    } else {
        None
    };
    let links = if is_redirect {
        Vec::new()
    } else {
        let text = urls::decode_for_links(&body, charset.as_deref());
        urls::extract_links(url, &text)
    };
    Attempt::Done(
        Outcome::Kept(Box::new(Fetched {
            status,
            head,
            body,
            request: request_block(s, url),
            content_type,
            charset,
            fetched_at,
            links,
            location,
        })),
        got,
    )
}

fn header_of(response: &ureq::http::Response<ureq::Body>, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

fn classify_error(e: ureq::Error) -> Attempt {
    use ureq::Error as E;
    let transient = matches!(
        e,
        E::Timeout(_) | E::Io(_) | E::ConnectionFailed | E::HostNotFound | E::Protocol(_)
    );
    if transient {
        Attempt::Retry {
            why: e.to_string(),
            wait: None,
            status: None,
            bytes: 0,
        }
    } else {
        Attempt::Done(Outcome::Failed(e.to_string()), 0)
    }
}

/// Status line and headers as received, ready for the WARC record. Header names come back
/// lower-cased from the HTTP library and are written in their usual capitalised form.
/// `Transfer-Encoding` is left out because the body is stored de-chunked, and a
/// `Content-Length` matching the stored body is added when the server sent none.
fn response_head(response: &ureq::http::Response<ureq::Body>, body_len: usize) -> Vec<u8> {
    use ureq::http::Version;
    let version = match response.version() {
        Version::HTTP_09 => "HTTP/0.9",
        Version::HTTP_10 => "HTTP/1.0",
        Version::HTTP_2 => "HTTP/2",
        Version::HTTP_3 => "HTTP/3",
        _ => "HTTP/1.1",
    };
    let status = response.status();
    let mut head = format!(
        "{version} {} {}\r\n",
        status.as_u16(),
        status.canonical_reason().unwrap_or("")
    )
    .into_bytes();
    let mut has_length = false;
    for (name, value) in response.headers() {
        let name = name.as_str();
        if name == "transfer-encoding" {
            continue;
        }
        has_length |= name == "content-length";
        head.extend_from_slice(title_case(name).as_bytes());
        head.extend_from_slice(b": ");
        head.extend_from_slice(value.as_bytes());
        head.extend_from_slice(b"\r\n");
    }
    if !has_length {
        head.extend_from_slice(format!("Content-Length: {body_len}\r\n").as_bytes());
    }
    head.extend_from_slice(b"\r\n");
    head
}

fn title_case(name: &str) -> String {
    name.split('-')
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// Parses a Retry-After value: delay in seconds, or an HTTP-date (a date in the past means
/// "now").
pub(crate) fn parse_retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = DateTime::parse_from_rfc2822(value)
        .ok()?
        .with_timezone(&Utc);
    Some((when - now).to_std().unwrap_or(Duration::ZERO))
}

/// How robots.txt for one origin turned out.
#[derive(Debug)]
pub(crate) enum RobotsFetch {
    Body(Vec<u8>),
    /// 4xx, or no robots.txt: everything allowed (RFC 9309 §2.3.1.3).
    AllowAll(String),
    /// 5xx or unreachable after retries: RFC 9309 §2.3.1.4 says assume complete disallow.
    DisallowAll(String),
}

/// Fetches `origin/robots.txt`, following up to five redirects (RFC 9309 §2.3.1.2).
pub(crate) fn fetch_robots(s: &FetchSettings, origin: &Url) -> RobotsFetch {
    let Ok(mut url) = origin.join("/robots.txt") else {
        return RobotsFetch::AllowAll("no robots.txt URL".to_string());
    };
    for _hop in 0..=5 {
        let mut attempt = 0u32;
        let response = loop {
            let result = s
                .agent
                .get(url.as_str())
                .header("User-Agent", &s.user_agent)
                .call();
            let (why, wait) = match result {
                Ok(r) if r.status().as_u16() >= 500 || r.status().as_u16() == 429 => {
                    let wait = r
                        .headers()
                        .get("retry-after")
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| parse_retry_after(v, Utc::now()))
                        .map(|w| w.min(s.retry_after_cap));
                    (format!("HTTP {}", r.status().as_u16()), wait)
                }
                Ok(r) => break r,
                Err(e) => (e.to_string(), None),
            };
            if attempt >= s.retries {
                return RobotsFetch::DisallowAll(format!("robots.txt at {url}: {why}"));
            }
            let backoff = s.retry_base.saturating_mul(1u32 << attempt.min(16));
            std::thread::sleep(wait.unwrap_or(backoff));
            attempt += 1;
        };
        let status = response.status().as_u16();
        if (300..400).contains(&status) {
            let next = response
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .and_then(|l| urls::normalize(Some(&url), l));
            match next {
                Some(n) => {
                    url = n;
                    continue;
                }
                None => return RobotsFetch::AllowAll(format!("robots.txt: HTTP {status}")),
            }
        }
        if status >= 400 {
            return RobotsFetch::AllowAll(format!("robots.txt: HTTP {status}"));
        }
        let mut body = Vec::new();
        // RFC 9309 asks parsers to read at least 500 KiB; more than that is ignored.
        let mut response = response;
        let read = response
            .body_mut()
            .as_reader()
            .take(512 * 1024)
            .read_to_end(&mut body);
        return match read {
            Ok(_) => RobotsFetch::Body(body),
            Err(e) => RobotsFetch::DisallowAll(format!("robots.txt at {url}: {e}")),
        };
    }
    RobotsFetch::AllowAll("robots.txt: too many redirects".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = DateTime::parse_from_rfc3339("2024-05-01T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after("Wed, 01 May 2024 10:00:30 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse_retry_after("Wed, 01 May 2024 09:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn header_names_title_cased() {
        assert_eq!(title_case("content-type"), "Content-Type");
        assert_eq!(title_case("x-aspnet-version"), "X-Aspnet-Version");
        assert_eq!(title_case("etag"), "Etag");
    }
}
