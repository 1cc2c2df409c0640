//! WARC 1.0 output: a warcinfo record and one response record per page, each record its own
//! gzip member (the layout crawlers write, which lets readers seek and skip). Payload digests
//! are SHA-1 in base32, as WARC tools expect; the small SHA-1 here avoids a dependency for
//! a digest that is only a checksum in this context.

use std::io::{self, Write};

use flate2::Compression;
use flate2::write::GzEncoder;

/// SHA-1 of `data` (FIPS 180-4).
pub fn sha1(data: &[u8]) -> [u8; 20] {
    let mut h: [u32; 5] = [0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0];
    let bit_len = (data.len() as u64).wrapping_mul(8);
    let mut msg = Vec::with_capacity(data.len() + 72);
    msg.extend_from_slice(data);
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&bit_len.to_be_bytes());
    let mut w = [0u32; 80];
    for block in msg.chunks_exact(64) {
        for (i, word) in block.chunks_exact(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..80 {
            w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
        }
        let [mut a, mut b, mut c, mut d, mut e] = h;
        for (i, wi) in w.iter().enumerate() {
            let (f, k) = match i {
                0..=19 => ((b & c) | (!b & d), 0x5A827999),
                20..=39 => (b ^ c ^ d, 0x6ED9EBA1),
                40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1BBCDC),
                _ => (b ^ c ^ d, 0xCA62C1D6),
            };
            let t = a
                .rotate_left(5)
                .wrapping_add(f)
                .wrapping_add(e)
                .wrapping_add(k)
                .wrapping_add(*wi);
            e = d;
            d = c;
            c = b.rotate_left(30);
            b = a;
            a = t;
        }
        h[0] = h[0].wrapping_add(a);
        h[1] = h[1].wrapping_add(b);
        h[2] = h[2].wrapping_add(c);
        h[3] = h[3].wrapping_add(d);
        h[4] = h[4].wrapping_add(e);
    }
    let mut out = [0u8; 20];
    for (i, v) in h.iter().enumerate() {
        out[i * 4..i * 4 + 4].copy_from_slice(&v.to_be_bytes());
    }
    out
}

/// RFC 4648 base32 (upper case, with padding).
pub fn base32(data: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::with_capacity(data.len().div_ceil(5) * 8);
    for chunk in data.chunks(5) {
        let mut buf = [0u8; 5];
        buf[..chunk.len()].copy_from_slice(chunk);
        let v = buf.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
        let chars = (chunk.len() * 8).div_ceil(5);
        for i in 0..8 {
            if i < chars {
                let idx = ((v >> (35 - i * 5)) & 31) as usize;
                out.push(ALPHABET[idx] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A `sha1:` payload digest as WARC writes it.
pub fn payload_digest(payload: &[u8]) -> String {
    format!("sha1:{}", base32(&sha1(payload)))
}

/// Writes WARC records, one gzip member each.
pub struct WarcWriter<W: Write> {
    out: W,
}

impl<W: Write> WarcWriter<W> {
    pub fn new(out: W) -> Self {
        WarcWriter { out }
    }

    fn record(&mut self, headers: &[(&str, String)], block: &[&[u8]]) -> io::Result<()> {
        let len: usize = block.iter().map(|b| b.len()).sum();
        let mut head = String::from("WARC/1.0\r\n");
        for (k, v) in headers {
            head.push_str(k);
            head.push_str(": ");
            head.push_str(v);
            head.push_str("\r\n");
        }
        head.push_str(&format!("Content-Length: {len}\r\n\r\n"));
        let mut gz = GzEncoder::new(&mut self.out, Compression::fast());
        gz.write_all(head.as_bytes())?;
        for part in block {
            gz.write_all(part)?;
        }
        gz.write_all(b"\r\n\r\n")?;
        gz.finish()?;
        Ok(())
    }

    /// The warcinfo record that opens the file.
    pub fn warcinfo(
        &mut self,
        record_id: &str,
        date: &str,
        filename: &str,
        info: &str,
    ) -> io::Result<()> {
        self.record(
            &[
                ("WARC-Type", "warcinfo".to_string()),
                ("WARC-Date", date.to_string()),
                ("WARC-Filename", filename.to_string()),
                ("WARC-Record-ID", format!("<urn:uuid:{record_id}>")),
                ("Content-Type", "application/warc-fields".to_string()),
            ],
            &[info.as_bytes()],
        )
    }

    /// A response record: HTTP status line and headers naming the charset, then the page.
    pub fn response(
        &mut self,
        record_id: &str,
        date: &str,
        uri: &str,
        charset: &str,
        http_date: &str,
        payload: &[u8],
    ) -> io::Result<()> {
        let http_head = format!(
            "HTTP/1.1 200 OK\r\nDate: {http_date}\r\nServer: Microsoft-IIS/7.5\r\nContent-Type: text/html; charset={charset}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            payload.len()
        );
        self.record(
            &[
                ("WARC-Type", "response".to_string()),
                ("WARC-Target-URI", uri.to_string()),
                ("WARC-Date", date.to_string()),
                ("WARC-Record-ID", format!("<urn:uuid:{record_id}>")),
                ("WARC-Payload-Digest", payload_digest(payload)),
                (
                    "Content-Type",
                    "application/http; msgtype=response".to_string(),
                ),
            ],
            &[http_head.as_bytes(), payload],
        )
    }

    pub fn into_inner(self) -> W {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha1_and_base32_match_known_values() {
        let hex: String = sha1(b"abc").iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert_eq!(base32(b"foobar"), "MZXW6YTBOI======");
        assert_eq!(payload_digest(b""), "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ");
    }
}
