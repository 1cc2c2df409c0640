//! Turning a saved page's bytes into text.
//!
//! Archives span twenty years of portals: UTF-8 with and without BOM, windows-1258 declared in
//! `<meta http-equiv>`, UTF-16 from office tools, and servers whose HTTP header names a
//! charset the page does not use. The rules below pick the encoding the bytes can actually be
//! read in, preferring declarations but never trusting a legacy label over valid UTF-8.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252, WINDOWS_1258};

use super::ExtractError;

/// How far into the page a `<meta>` charset declaration is looked for.
const SNIFF_LEN: usize = 4096;

/// Decodes a page to a `String`, choosing the encoding from the BOM, the declarations and the
/// bytes themselves. Fails only for data that is plainly not text.
pub fn decode<'a>(
    bytes: &'a [u8],
    http_charset: Option<&str>,
) -> Result<Cow<'a, str>, ExtractError> {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(bytes.get(bom_len..).unwrap_or(&[]));
        return Ok(text);
    }
    if looks_binary(bytes) {
        return Err(ExtractError::Unreadable(
            "binary data, not a text page".into(),
        ));
    }
    let http = http_charset.and_then(|l| Encoding::for_label(l.trim().as_bytes()));
    let meta = sniff_meta_charset(bytes);
    // The HTTP header outranks <meta>, except for the defaults servers send when unconfigured.
    let declared = match (http, meta) {
        (Some(h), Some(m)) if h == WINDOWS_1252 && m != WINDOWS_1252 => Some(m),
        (Some(h), _) => Some(h),
        (None, m) => m,
    };
    let utf8 = simdutf8::basic::from_utf8(bytes).ok();
    let utf8_ok = utf8.is_some();
    let enc = match declared {
        // A UTF-16 label inside an ASCII-compatible page is a lie (the spec says read UTF-8).
        Some(e) if e == encoding_rs::UTF_16LE || e == encoding_rs::UTF_16BE => UTF_8,
        Some(e) if e == UTF_8 => {
            if utf8_ok || mostly_utf8(bytes) {
                UTF_8
            } else {
                WINDOWS_1258
            }
        }
        // Valid multi-byte UTF-8 under a legacy label: the label is stale.
        Some(e) => {
            if utf8_ok && !bytes.is_ascii() {
                UTF_8
            } else {
                e
            }
        }
        None => {
            if utf8_ok || mostly_utf8(bytes) {
                UTF_8
            } else if vietnamese_1258_likely(bytes) {
                WINDOWS_1258
            } else {
                WINDOWS_1252
            }
        }
    };
    if enc == UTF_8
        && let Some(s) = utf8
    {
        return Ok(Cow::Borrowed(s));
    }
    let (text, _) = enc.decode_without_bom_handling(bytes);
    Ok(text)
}

/// True when the bytes are a binary file: NUL bytes or many control characters near the start.
fn looks_binary(bytes: &[u8]) -> bool {
    let head = bytes.get(..bytes.len().min(2048)).unwrap_or(bytes);
    if head.is_empty() {
        return false;
    }
    if memchr::memchr(0, head).is_some() {
        return true;
    }
    let controls = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c))
        .count();
    controls * 20 > head.len()
}

/// A page with a few broken sequences (a truncated save, one bad paste) is still UTF-8.
fn mostly_utf8(bytes: &[u8]) -> bool {
    let mut bad = 0usize;
    let mut good_multi = 0usize;
    let mut rest = bytes;
    loop {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                good_multi += s.bytes().filter(|&b| b >= 0xC0).count();
                break;
            }
            Err(e) => {
                let valid = e.valid_up_to();
                let chunk = rest.get(..valid).unwrap_or(&[]);
                good_multi += chunk.iter().filter(|&&b| b >= 0xC0).count();
                bad += 1;
                let skip = valid + e.error_len().unwrap_or(rest.len() - valid).max(1);
                rest = rest.get(skip..).unwrap_or(&[]);
                if rest.is_empty() {
                    break;
                }
            }
        }
    }
    bad * 10 <= good_multi
}

/// windows-1258 text carries its tone marks as separate bytes (0xCC, 0xD2, 0xDE, 0xEC, 0xF2).
fn vietnamese_1258_likely(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .any(|&b| matches!(b, 0xCC | 0xD2 | 0xDE | 0xEC | 0xF2))
}

/// Finds `charset=…` in a `<meta>` tag in the first bytes of the page, by a byte scan.
fn sniff_meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = bytes.get(..bytes.len().min(SNIFF_LEN)).unwrap_or(bytes);
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let mut from = 0;
    while let Some(pos) = memchr::memmem::find(lower.get(from..)?, b"<meta") {
        let start = from + pos;
        let end = memchr::memchr(b'>', lower.get(start..)?).map_or(lower.len(), |e| start + e);
        let tag = lower.get(start..end)?;
        if let Some(c) = memchr::memmem::find(tag, b"charset") {
            let mut v = tag.get(c + 7..)?;
            // skip spaces, '=' and quotes
            while let Some((&b, r)) = v.split_first() {
                if b == b'=' || b == b' ' || b == b'"' || b == b'\'' {
                    v = r;
                } else {
                    break;
                }
            }
            let len = v
                .iter()
                .position(|&b| {
                    !(b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.' || b == b':')
                })
                .unwrap_or(v.len());
            if let Some(enc) = Encoding::for_label(v.get(..len)?) {
                return Some(enc);
            }
        }
        from = end.max(start + 1);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization::UnicodeNormalization;

    /// windows-1258 keeps vowel shapes precomposed and tones as combining bytes.
    fn to_1258(s: &str) -> Vec<u8> {
        let mut split = String::new();
        let mut tone: Option<char> = None;
        let mut group = String::new();
        let flush = |group: &mut String, tone: &mut Option<char>, split: &mut String| {
            split.extend(group.nfc());
            if let Some(t) = tone.take() {
                split.push(t);
            }
            group.clear();
        };
        for c in s.nfd() {
            if matches!(
                c,
                '\u{0300}' | '\u{0301}' | '\u{0303}' | '\u{0309}' | '\u{0323}'
            ) {
                tone = Some(c);
            } else if unicode_normalization::char::is_combining_mark(c) {
                group.push(c);
            } else {
                flush(&mut group, &mut tone, &mut split);
                group.push(c);
            }
        }
        flush(&mut group, &mut tone, &mut split);
        let (b, _, _) = WINDOWS_1258.encode(&split);
        b.into_owned()
    }

    #[test]
    fn bom_wins() {
        let mut b = vec![0xEF, 0xBB, 0xBF];
        b.extend_from_slice("Việt".as_bytes());
        assert_eq!(
            decode(&b, Some("windows-1252"))
                .map(Cow::into_owned)
                .unwrap_or_default(),
            "Việt"
        );
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("Hà".encode_utf16().flat_map(|u| u.to_le_bytes()))
            .collect();
        assert_eq!(
            decode(&utf16, None)
                .map(Cow::into_owned)
                .unwrap_or_default(),
            "Hà"
        );
    }

    #[test]
    fn meta_and_http_declarations() {
        let bytes = to_1258("Sở Thông tin");
        let mut page = b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1258\"></head><body>".to_vec();
        page.extend_from_slice(&bytes);
        let text = decode(&page, None).map(Cow::into_owned).unwrap_or_default();
        assert!(crate::extract::text::clean_text(&text).contains("Sở Thông tin"));
        // the HTTP header names it too
        let bytes = to_1258("Hội đồng");
        assert!(
            crate::extract::text::clean_text(
                &decode(&bytes, Some("windows-1258"))
                    .map(Cow::into_owned)
                    .unwrap_or_default()
            )
            .contains("Hội đồng")
        );
        let page = "<meta charset='utf-8'><p>Đà Nẵng</p>";
        assert!(
            decode(page.as_bytes(), None)
                .map(Cow::into_owned)
                .unwrap_or_default()
                .contains("Đà Nẵng")
        );
    }

    #[test]
    fn stale_legacy_label_on_utf8_bytes_reads_utf8() {
        let page = "<meta charset=iso-8859-1><p>Bạc Liêu</p>";
        assert!(
            decode(page.as_bytes(), Some("iso-8859-1"))
                .map(Cow::into_owned)
                .unwrap_or_default()
                .contains("Bạc Liêu")
        );
    }

    #[test]
    fn undeclared_legacy_bytes_fall_back_to_1258() {
        let bytes = to_1258("Thành phố Hồ Chí Minh");
        let text = decode(&bytes, None)
            .map(Cow::into_owned)
            .unwrap_or_default();
        assert_eq!(
            crate::extract::text::clean_text(&text),
            "Thành phố Hồ Chí Minh"
        );
    }

    #[test]
    fn binary_is_rejected() {
        assert!(decode(&[0x89, b'P', b'N', b'G', 0, 0, 0, 13], None).is_err());
        assert!(decode(b"", None).is_ok());
    }
}
