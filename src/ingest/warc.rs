//! Reading WARC 1.0 files (`.warc`, `.warc.gz` with one gzip member per record, or a whole
//! file gzipped), record by record, without holding the file in memory.

use std::io::{BufRead, BufReader, Read};

/// One WARC record that may hold a page.
#[derive(Debug, Clone)]
pub struct WarcRecord {
    pub record_type: String,
    pub target_uri: Option<String>,
    /// The record block's content type (`application/http; msgtype=response`, `text/html`, …).
    pub content_type: Option<String>,
    pub block: Vec<u8>,
}

/// Why reading stopped or a record was unusable.
#[derive(Debug, Clone, PartialEq)]
pub enum WarcError {
    /// The file ends inside a record or a gzip member (a torn or truncated file).
    Truncated(String),
    /// Bytes that are not a WARC record header.
    Malformed(String),
    Io(String),
}

impl std::fmt::Display for WarcError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WarcError::Truncated(s) => write!(f, "truncated WARC: {s}"),
            WarcError::Malformed(s) => write!(f, "malformed WARC: {s}"),
            WarcError::Io(s) => write!(f, "cannot read WARC: {s}"),
        }
    }
}

/// Largest record block read into memory; bigger records (videos, archives) are skipped.
const MAX_BLOCK: u64 = 64 * 1024 * 1024;

/// Iterates over the records of a WARC stream. After an error the iterator ends.
pub struct WarcReader<R: Read> {
    input: BufReader<R>,
    done: bool,
}

impl<R: Read> WarcReader<R> {
    pub fn new(input: R) -> Self {
        WarcReader {
            input: BufReader::with_capacity(256 * 1024, input),
            done: false,
        }
    }

    fn read_record(&mut self) -> Result<Option<WarcRecord>, WarcError> {
        // Skip blank lines between records.
        let mut line = Vec::new();
        loop {
            line.clear();
            let n = self.input.read_until(b'\n', &mut line).map_err(io_err)?;
            if n == 0 {
                return Ok(None);
            }
            if !line.iter().all(|b| b.is_ascii_whitespace()) {
                break;
            }
        }
        if !line.starts_with(b"WARC/") {
            return Err(WarcError::Malformed(format!(
                "expected a 'WARC/1.0' line, found {:?}",
                String::from_utf8_lossy(&line[..line.len().min(40)])
            )));
        }
        let mut length: Option<u64> = None;
        let mut record = WarcRecord {
            record_type: String::new(),
            target_uri: None,
            content_type: None,
            block: Vec::new(),
        };
        loop {
            line.clear();
            let n = self.input.read_until(b'\n', &mut line).map_err(io_err)?;
            if n == 0 {
                return Err(WarcError::Truncated(
                    "file ends inside a record header".into(),
                ));
            }
            let text = String::from_utf8_lossy(&line);
            let text = text.trim_end_matches(['\r', '\n']);
            if text.is_empty() {
                break;
            }
            let Some((name, value)) = text.split_once(':') else {
                continue;
            };
            let value = value.trim();
            match name.trim().to_ascii_lowercase().as_str() {
                "warc-type" => record.record_type = value.to_ascii_lowercase(),
                "warc-target-uri" => {
                    record.target_uri = Some(value.trim_matches(['<', '>']).to_string())
                }
                "content-type" => record.content_type = Some(value.to_string()),
                "content-length" => {
                    length = Some(value.parse().map_err(|_| {
                        WarcError::Malformed(format!("bad Content-Length {value:?}"))
                    })?)
                }
                _ => {}
            }
        }
        let length =
            length.ok_or_else(|| WarcError::Malformed("record without Content-Length".into()))?;
        if length > MAX_BLOCK {
            // Skip the block without keeping it.
            let skipped = std::io::copy(&mut (&mut self.input).take(length), &mut std::io::sink())
                .map_err(io_err)?;
            if skipped < length {
                return Err(WarcError::Truncated(
                    "file ends inside a record block".into(),
                ));
            }
            record.record_type = format!("{} (oversized, skipped)", record.record_type);
            return Ok(Some(record));
        }
        let mut block = Vec::with_capacity(length as usize);
        let got = (&mut self.input)
            .take(length)
            .read_to_end(&mut block)
            .map_err(io_err)?;
        if (got as u64) < length {
            return Err(WarcError::Truncated(format!(
                "record for {} is cut after {got} of {length} bytes",
                record.target_uri.as_deref().unwrap_or("?")
            )));
        }
        record.block = block;
        Ok(Some(record))
    }
}

fn io_err(e: std::io::Error) -> WarcError {
    match e.kind() {
        std::io::ErrorKind::UnexpectedEof => {
            WarcError::Truncated("unexpected end of compressed data".into())
        }
        _ => WarcError::Io(e.to_string()),
    }
}

impl<R: Read> Iterator for WarcReader<R> {
    type Item = Result<WarcRecord, WarcError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.read_record() {
            Ok(Some(r)) => Some(Ok(r)),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

/// The payload of an HTTP response block: status code, charset from `Content-Type`, the
/// media type, and the body.
#[derive(Debug, Clone)]
pub struct HttpPayload<'a> {
    pub status: u16,
    pub media_type: Option<String>,
    pub charset: Option<String>,
    pub body: &'a [u8],
}

/// Splits an `application/http; msgtype=response` block into its status, headers and body.
pub fn parse_http_response(block: &[u8]) -> Option<HttpPayload<'_>> {
    let head_end = memchr::memmem::find(block, b"\r\n\r\n")
        .map(|i| (i, i + 4))
        .or_else(|| memchr::memmem::find(block, b"\n\n").map(|i| (i, i + 2)))?;
    let head = String::from_utf8_lossy(&block[..head_end.0]);
    let mut lines = head.lines();
    let status_line = lines.next()?;
    if !status_line.starts_with("HTTP/") {
        return None;
    }
    let status = status_line.split_whitespace().nth(1)?.parse().ok()?;
    let mut media_type = None;
    let mut charset = None;
    for l in lines {
        if let Some((k, v)) = l.split_once(':')
            && k.trim().eq_ignore_ascii_case("content-type")
        {
            let (m, c) = split_content_type(v);
            media_type = m;
            charset = c;
        }
    }
    Some(HttpPayload {
        status,
        media_type,
        charset,
        body: &block[head_end.1..],
    })
}

/// `text/html; charset=windows-1258` → (`text/html`, `windows-1258`).
pub fn split_content_type(value: &str) -> (Option<String>, Option<String>) {
    let mut parts = value.split(';');
    let media = parts
        .next()
        .map(|m| m.trim().to_ascii_lowercase())
        .filter(|m| !m.is_empty());
    let charset = parts.find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches('"').to_string())
    });
    (media, charset)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(uri: &str, body: &str) -> Vec<u8> {
        let block =
            format!("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=UTF-8\r\n\r\n{body}");
        format!(
            "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {uri}\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: {}\r\n\r\n{block}\r\n\r\n",
            block.len()
        )
        .into_bytes()
    }

    #[test]
    fn reads_records_and_http_payloads() {
        let mut data = record("http://a.vn/1", "<p>một</p>");
        data.extend(record("http://a.vn/2", "<p>hai</p>"));
        let recs: Vec<_> = WarcReader::new(&data[..]).collect();
        assert_eq!(recs.len(), 2);
        let r = recs[1].as_ref().unwrap();
        assert_eq!(r.target_uri.as_deref(), Some("http://a.vn/2"));
        let http = parse_http_response(&r.block).unwrap();
        assert_eq!(http.status, 200);
        assert_eq!(http.charset.as_deref(), Some("UTF-8"));
        assert_eq!(http.body, "<p>hai</p>".as_bytes());
    }

    #[test]
    fn truncated_record_is_an_error_after_the_good_ones() {
        let mut data = record("http://a.vn/1", "<p>một</p>");
        let second = record("http://a.vn/2", "<p>hai</p>");
        data.extend(&second[..second.len() - 20]);
        let recs: Vec<_> = WarcReader::new(&data[..]).collect();
        assert!(recs[0].is_ok());
        assert!(matches!(recs[1], Err(WarcError::Truncated(_))));
        assert_eq!(recs.len(), 2);
    }
}
