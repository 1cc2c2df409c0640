//! Writes the crawler's output as a WARC 1.0 file (`.warc.gz`), and repairs it on resume.
//!
//! Why here and not in `ingest`: the ingest side only *reads* archives made by anyone; the
//! crawler needs the other half — appending records safely to a file that may have been cut
//! short by a crash. The layout is the standard one so that `tracuu import`, warcio, pywb and
//! friends read it:
//!
//! - one gzip member per record, so a reader can seek to any record and a torn write spoils
//!   only the last member;
//! - a `warcinfo` record first; then, per exchange, a `response` record (HTTP status line,
//!   headers and body) followed by its `request` record, linked by `WARC-Concurrent-To`;
//! - `WARC-Payload-Digest` and `WARC-Block-Digest` as `sha1:` + base32, the common form.
//!
//! Every exchange is compressed in memory first and appended with a single write followed by a
//! flush, so the file only ever grows by whole records, except when the process dies during
//! that write. [`scan`] finds such a torn tail and [`WarcWriter::open`] truncates it away.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, Utc};
use flate2::Compression;
use flate2::write::GzEncoder;
use sha1::{Digest, Sha1};

use crate::{Error, Result};

/// An open WARC file positioned at its end, ready to append whole records.
#[derive(Debug)]
pub struct WarcWriter {
    file: File,
    path: PathBuf,
    len: u64,
}

/// What opening an existing file found.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Repair {
    /// Length of the file before opening.
    pub original_len: u64,
    /// Bytes cut from the end because they did not form a complete record.
    pub truncated: u64,
}

impl WarcWriter {
    /// Opens (or creates) `path` for appending. The part of the file after `scan_from` is
    /// checked record by record; complete records are handed to `on_record` (so the caller can
    /// learn what was already fetched) and an incomplete tail is cut off.
    ///
    /// Refuses to cut more than `max_torn` bytes, or to cut a file that holds no valid record
    /// at all beyond a few kilobytes: those are not torn writes but a file that is not ours.
    pub fn open(
        path: &Path,
        scan_from: u64,
        max_torn: u64,
        on_record: &mut dyn FnMut(&Record<'_>),
    ) -> Result<(Self, Repair)> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(|e| Error::io(path, e))?;
        // A second crawl appending to the same file would interleave records.
        if let Err(e) = file.try_lock() {
            return Err(Error::Input(format!(
                "{}: another crawl is writing this file ({e}); wait for it or choose another --out",
                path.display()
            )));
        }
        let original_len = file.metadata().map_err(|e| Error::io(path, e))?.len();
        let from = if scan_from <= original_len {
            scan_from
        } else {
            0
        };
        let valid = scan(&file, from, on_record).map_err(|e| Error::io(path, e))?;
        let torn = original_len - valid;
        if torn > 0 {
            let nothing_valid = valid == 0 && torn > 64 * 1024;
            if torn > max_torn || nothing_valid {
                return Err(Error::Input(format!(
                    "{}: the last {torn} bytes are not complete WARC records; this does not look \
                     like a crawl that was interrupted — refusing to truncate it. Move the file \
                     away or choose another --out",
                    path.display()
                )));
            }
            file.set_len(valid).map_err(|e| Error::io(path, e))?;
        }
        let mut writer = WarcWriter {
            file,
            path: path.to_path_buf(),
            len: valid,
        };
        writer
            .file
            .seek(SeekFrom::Start(valid))
            .map_err(|e| Error::io(path, e))?;
        Ok((
            writer,
            Repair {
                original_len,
                truncated: torn,
            },
        ))
    }

    /// Length of the file: always the end of the last complete record.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// True when nothing has been written yet.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Appends the `warcinfo` record describing this crawl.
    pub fn write_warcinfo(&mut self, date: DateTime<Utc>, fields: &[(&str, &str)]) -> Result<()> {
        let mut block = Vec::new();
        for (name, value) in fields {
            block.extend_from_slice(name.as_bytes());
            block.extend_from_slice(b": ");
            block.extend_from_slice(one_line(value).as_bytes());
            block.extend_from_slice(b"\r\n");
        }
        let filename = self
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let id = new_record_id("warcinfo", &filename);
        let head = vec![
            ("WARC-Type", "warcinfo".to_string()),
            ("WARC-Date", warc_date(date)),
            ("WARC-Filename", filename),
            ("WARC-Record-ID", id),
            ("Content-Type", "application/warc-fields".to_string()),
        ];
        let member = gzip_member(&record_bytes(&head, &block))?;
        self.append(&member)
    }

    /// Appends one HTTP exchange: the response record (status line and headers in
    /// `response_head`, ending with the blank line, then `payload`) and the request record
    /// (`request_block`, a complete HTTP request). Returns the response's record id.
    pub fn write_exchange(
        &mut self,
        target_uri: &str,
        date: DateTime<Utc>,
        request_block: &[u8],
        response_head: &[u8],
        payload: &[u8],
    ) -> Result<String> {
        let response_id = new_record_id("response", target_uri);
        let request_id = new_record_id("request", target_uri);
        let date = warc_date(date);

        let mut block = Vec::with_capacity(response_head.len() + payload.len());
        block.extend_from_slice(response_head);
        block.extend_from_slice(payload);
        let response = record_bytes(
            &[
                ("WARC-Type", "response".to_string()),
                ("WARC-Record-ID", response_id.clone()),
                ("WARC-Date", date.clone()),
                ("WARC-Target-URI", target_uri.to_string()),
                (
                    "Content-Type",
                    "application/http; msgtype=response".to_string(),
                ),
                ("WARC-Payload-Digest", sha1_digest(payload)),
                ("WARC-Block-Digest", sha1_digest(&block)),
            ],
            &block,
        );
        let request = record_bytes(
            &[
                ("WARC-Type", "request".to_string()),
                ("WARC-Record-ID", request_id),
                ("WARC-Date", date),
                ("WARC-Target-URI", target_uri.to_string()),
                ("WARC-Concurrent-To", response_id.clone()),
                (
                    "Content-Type",
                    "application/http; msgtype=request".to_string(),
                ),
                ("WARC-Block-Digest", sha1_digest(request_block)),
            ],
            request_block,
        );
        let mut both = gzip_member(&response)?;
        both.extend_from_slice(&gzip_member(&request)?);
        self.append(&both)?;
        Ok(response_id)
    }

    /// Forces written records to stable storage (called before the state file is saved, so the
    /// state never claims records the disk does not hold).
    pub fn sync(&mut self) -> Result<()> {
        self.file.sync_data().map_err(|e| Error::io(&self.path, e))
    }

    fn append(&mut self, bytes: &[u8]) -> Result<()> {
        let result = self.file.write_all(bytes).and_then(|()| self.file.flush());
        if let Err(e) = result {
            // Put the file back at the last complete record so a later append (or a resume)
            // does not sit behind a partial one.
            let _ = self.file.set_len(self.len);
            let _ = self.file.seek(SeekFrom::Start(self.len));
            return Err(Error::io(&self.path, e));
        }
        self.len += bytes.len() as u64;
        Ok(())
    }
}

/// Formats a WARC-Date: UTC, ISO 8601, second precision (as WARC 1.0 requires).
pub fn warc_date(date: DateTime<Utc>) -> String {
    date.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// `sha1:` followed by the RFC 4648 base32 form of the SHA-1 of `data`.
pub fn sha1_digest(data: &[u8]) -> String {
    let hash = Sha1::digest(data);
    format!("sha1:{}", base32(&hash))
}

/// RFC 4648 base32 (upper case, `=` padding). A SHA-1 is 20 bytes = 32 characters, no padding.
pub fn base32(data: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::with_capacity(data.len().div_ceil(5) * 8);
    for chunk in data.chunks(5) {
        let mut buf = [0u8; 5];
        buf[..chunk.len()].copy_from_slice(chunk);
        let bits = buf.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
        // Number of output characters carrying data for a chunk of 1..=5 bytes.
        let chars = (chunk.len() * 8).div_ceil(5);
        for i in 0..8 {
            if i < chars {
                let index = ((bits >> (35 - i * 5)) & 0x1f) as usize;
                out.push(char::from(ALPHABET[index]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A fresh `<urn:uuid:…>` in the random (version 4) layout. The 122 random bits come from
/// BLAKE3 over the kind, URI, clock, process id and a process-wide counter: unique without a
/// random-number dependency.
pub fn new_record_id(kind: &str, uri: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let mut hasher = blake3::Hasher::new();
    hasher.update(kind.as_bytes());
    hasher.update(&[0]);
    hasher.update(uri.as_bytes());
    hasher.update(&nanos.to_le_bytes());
    hasher.update(&std::process::id().to_le_bytes());
    hasher.update(&count.to_le_bytes());
    let hash = hasher.finalize();
    let mut b = [0u8; 16];
    b.copy_from_slice(&hash.as_bytes()[..16]);
    b[6] = (b[6] & 0x0f) | 0x40; // version 4
    b[8] = (b[8] & 0x3f) | 0x80; // RFC 4122 variant
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "<urn:uuid:{}-{}-{}-{}-{}>",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// Header values must stay on one line.
fn one_line(value: &str) -> String {
    value.replace(['\r', '\n'], " ")
}

fn record_bytes(head: &[(&str, String)], block: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(block.len() + 512);
    out.extend_from_slice(b"WARC/1.0\r\n");
    for (name, value) in head {
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(one_line(value).as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("Content-Length: {}\r\n\r\n", block.len()).as_bytes());
    out.extend_from_slice(block);
    out.extend_from_slice(b"\r\n\r\n");
    out
}

fn gzip_member(data: &[u8]) -> Result<Vec<u8>> {
    let mut enc = GzEncoder::new(Vec::with_capacity(data.len() / 3 + 64), Compression::new(6));
    // Writing into a Vec cannot fail except on allocation failure.
    enc.write_all(data)
        .and_then(|()| enc.finish())
        .map_err(|e| Error::io("<memory>", e))
}

/// One parsed WARC record.
#[derive(Debug, Clone)]
pub struct Record<'a> {
    /// Offset of the record's gzip member in the file.
    pub offset: u64,
    /// WARC header fields in file order.
    pub headers: Vec<(String, String)>,
    /// The record block (exactly Content-Length bytes).
    pub block: &'a [u8],
}

impl Record<'_> {
    /// First value of a header field, compared case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Parses one uncompressed record: `WARC/1.x`, header lines, blank line, exactly
/// Content-Length bytes of block, then CRLF CRLF and nothing else.
pub fn parse_record(data: &[u8], offset: u64) -> Option<Record<'_>> {
    if !(data.starts_with(b"WARC/1.0\r\n") || data.starts_with(b"WARC/1.1\r\n")) {
        return None;
    }
    let head_end = memchr::memmem::find(data, b"\r\n\r\n")?;
    let head = std::str::from_utf8(data.get(10..head_end)?).ok()?;
    let mut headers = Vec::new();
    for line in head.split("\r\n") {
        let (name, value) = line.split_once(':')?;
        headers.push((name.trim().to_string(), value.trim().to_string()));
    }
    let length: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("Content-Length"))?
        .1
        .parse()
        .ok()?;
    let start = head_end + 4;
    let end = start.checked_add(length)?;
    let block = data.get(start..end)?;
    if data.get(end..)? != b"\r\n\r\n" {
        return None;
    }
    Some(Record {
        offset,
        headers,
        block,
    })
}

/// Counts the bytes a `BufRead` consumer has taken, so gzip member boundaries are known.
struct Counting<R> {
    inner: R,
    pos: u64,
}

impl<R: Read> Read for Counting<R>
where
    R: BufRead,
{
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Counting<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }
    fn consume(&mut self, amt: usize) {
        self.pos += amt as u64;
        self.inner.consume(amt);
    }
}

/// Reads the gzip members of `file` from `from` on, passing each complete, well-formed record
/// to `on_record`. Returns the offset just past the last good record: equal to the file length
/// when the file is intact, smaller when its tail is torn or foreign.
pub fn scan(
    file: &File,
    from: u64,
    on_record: &mut dyn FnMut(&Record<'_>),
) -> std::io::Result<u64> {
    let mut handle = file;
    handle.seek(SeekFrom::Start(from))?;
    let mut reader = Counting {
        inner: BufReader::with_capacity(256 * 1024, handle),
        pos: from,
    };
    let mut buf = Vec::new();
    loop {
        let start = reader.pos;
        if reader.fill_buf()?.is_empty() {
            return Ok(start);
        }
        buf.clear();
        let mut decoder = flate2::bufread::GzDecoder::new(&mut reader);
        if decoder.read_to_end(&mut buf).is_err() {
            return Ok(start);
        }
        match parse_record(&buf, start) {
            Some(record) => on_record(&record),
            None => return Ok(start),
        }
    }
}

/// The parts of an HTTP response block the crawler needs when replaying its own records.
#[derive(Debug, Clone)]
pub struct HttpResponse<'a> {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: &'a [u8],
}

impl HttpResponse<'_> {
    /// First value of a header, case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Splits an `application/http; msgtype=response` block into status, headers and body.
pub fn parse_http_response(block: &[u8]) -> Option<HttpResponse<'_>> {
    let head_end = memchr::memmem::find(block, b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(block.get(..head_end)?);
    let mut lines = head.split("\r\n");
    let status_line = lines.next()?;
    let mut parts = status_line.split_whitespace();
    if !parts.next()?.starts_with("HTTP/") {
        return None;
    }
    let status = parts.next()?.parse().ok()?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    Some(HttpResponse {
        status,
        headers,
        body: block.get(head_end + 4..)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base32_matches_rfc4648_vectors() {
        assert_eq!(base32(b""), "");
        assert_eq!(base32(b"f"), "MY======");
        assert_eq!(base32(b"fo"), "MZXQ====");
        assert_eq!(base32(b"foo"), "MZXW6===");
        assert_eq!(base32(b"foob"), "MZXW6YQ=");
        assert_eq!(base32(b"fooba"), "MZXW6YTB");
        assert_eq!(base32(b"foobar"), "MZXW6YTBOI======");
    }

    #[test]
    fn sha1_digest_of_empty_payload() {
        // SHA-1("") = da39a3ee5e6b4b0d3255bfef95601890afd80709, a well-known value.
        assert_eq!(sha1_digest(b""), "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ");
    }

    #[test]
    fn record_ids_are_v4_and_distinct() {
        let a = new_record_id("response", "http://x/");
        let b = new_record_id("response", "http://x/");
        assert_ne!(a, b);
        assert!(a.starts_with("<urn:uuid:") && a.ends_with('>'));
        let uuid = &a[10..a.len() - 1];
        assert_eq!(uuid.len(), 36);
        assert_eq!(uuid.as_bytes()[14], b'4');
        assert!(matches!(uuid.as_bytes()[19], b'8' | b'9' | b'a' | b'b'));
    }

    #[test]
    fn write_scan_and_repair_torn_tail() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.warc.gz");
        let now = Utc::now();
        let good_len;
        {
            let (mut w, repair) = WarcWriter::open(&path, 0, 1 << 20, &mut |_| {}).unwrap();
            assert_eq!(repair.truncated, 0);
            w.write_warcinfo(now, &[("software", "tracuu test")])
                .unwrap();
            w.write_exchange(
                "http://example.test/a",
                now,
                b"GET /a HTTP/1.1\r\nHost: example.test\r\n\r\n",
                b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n",
                b"<html>hi</html>",
            )
            .unwrap();
            good_len = w.len();
        }
        // Simulate a crash in the middle of the next append.
        {
            let mut f = OpenOptions::new().append(true).open(&path).unwrap();
            let member = gzip_member(b"WARC/1.0\r\nWARC-Type: response\r\n").unwrap();
            f.write_all(&member[..member.len() / 2]).unwrap();
        }
        let mut kinds = Vec::new();
        let (w, repair) = WarcWriter::open(&path, 0, 1 << 20, &mut |r| {
            kinds.push(r.header("WARC-Type").unwrap_or("").to_string());
            if r.header("WARC-Type") == Some("response") {
                let http = parse_http_response(r.block).unwrap();
                assert_eq!(http.status, 200);
                assert_eq!(http.body, b"<html>hi</html>");
                assert_eq!(
                    r.header("WARC-Payload-Digest").unwrap(),
                    sha1_digest(b"<html>hi</html>")
                );
            }
        })
        .unwrap();
        assert_eq!(kinds, ["warcinfo", "response", "request"]);
        assert!(repair.truncated > 0);
        assert_eq!(w.len(), good_len);
        assert_eq!(std::fs::metadata(&path).unwrap().len(), good_len);
    }

    #[test]
    fn refuses_to_truncate_a_foreign_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("not-a-warc.gz");
        std::fs::write(&path, vec![b'x'; 100_000]).unwrap();
        let err = WarcWriter::open(&path, 0, 1 << 30, &mut |_| {}).unwrap_err();
        assert!(err.to_string().contains("refusing"), "{err}");
        assert_eq!(std::fs::metadata(&path).unwrap().len(), 100_000);
    }
}
