//! The article: what every stage of tracuu passes along once a page has been understood.
//!
//! Extraction produces it, the index stores it whole (so it can be rebuilt without the original
//! dumps), search returns it and `tracuu export` writes it out as NDJSON.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

/// One news article, with every field already clean: NFC, entities decoded, boilerplate removed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Article {
    /// Stable identifier: derived from the canonical URL, or lacking one from the content.
    pub id: String,
    /// Canonical URL of the article, when known.
    pub url: Option<String>,
    /// Where the article came from: a path relative to the import argument,
    /// `FILE.warc.gz#URI` for a WARC record, or `FILE.jsonl:LINE` for an NDJSON line.
    pub source: String,
    pub title: String,
    /// The lead (sapo), without site prefixes such as "(Mic.gov.vn) - ".
    pub lead: String,
    /// Body paragraphs separated by "\n\n".
    pub body: String,
    /// Publication date (local time in Vietnam).
    pub date: Option<NaiveDate>,
    /// Publication date and time, local time in Vietnam (UTC+7), when the time is known.
    pub datetime: Option<NaiveDateTime>,
    /// Canonical full name of the agency, abbreviations expanded.
    pub agency: Option<String>,
    pub author: Option<String>,
    /// Category or breadcrumb topic.
    pub topic: Option<String>,
    /// Canonical province name ("Bạc Liêu", "Thành phố Hồ Chí Minh" is "Hồ Chí Minh").
    pub province: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

/// Length of the hexadecimal article id.
const ID_HEX_LEN: usize = 16;

/// The id of an article found at `url`: a hash of the URL with its scheme, a leading `www.`,
/// the fragment and a trailing slash removed, so `http://` and `https://` copies agree.
pub fn id_from_url(url: &str) -> String {
    let key = canonical_url_key(url);
    hex_id(key.as_bytes())
}

/// The id of an article without a URL: a hash of its title and body with whitespace collapsed
/// and case folded, so re-importing the same text gives the same id.
pub fn id_from_content(title: &str, body: &str) -> String {
    content_hash(title, body).to_hex()[..ID_HEX_LEN].to_string()
}

/// A hash of an article's text that ignores whitespace and case; two copies of an article
/// republished under different URLs share it. It hashes every word, lowercased, followed by a
/// space, with a `\u{1}` word between title and body; the words are lowercased into one buffer
/// and hashed at once, since the import computes this for every article on its single writing
/// thread.
pub fn content_hash(title: &str, body: &str) -> blake3::Hash {
    let mut buf = String::with_capacity(title.len() + body.len() + 8);
    push_lower_words(title, &mut buf);
    buf.push_str("\u{1} ");
    push_lower_words(body, &mut buf);
    blake3::hash(buf.as_bytes())
}

/// Appends each whitespace-separated word of `text`, lowercased, followed by a space: the same
/// bytes as `word.to_lowercase()` + `' '` for every word of `text.split_whitespace()`.
fn push_lower_words(text: &str, out: &mut String) {
    // `str::to_lowercase` lowers a final capital sigma differently from a lone one; the rare
    // text that has one takes the word-by-word path.
    if text.contains('\u{03A3}') {
        for w in text.split_whitespace() {
            out.push_str(&w.to_lowercase());
            out.push(' ');
        }
        return;
    }
    let b = text.as_bytes();
    let mut in_word = false;
    let mut i = 0;
    // Below this, characters go one at a time.
    let mut careful_until = 0;
    while i < b.len() {
        // Up to sixteen bytes at once, those before the first that would change (most of a
        // text): copied as they are. A space needs a word before it.
        if i >= careful_until && (in_word || b[i] != b' ') {
            let mut n = lowercase_prefix(b, i);
            if n > 0 {
                // The last character may go on past the sixteen bytes.
                while !text.is_char_boundary(i + n) {
                    n += 1;
                }
                out.push_str(text.get(i..i + n).unwrap_or(""));
                in_word = true;
                i += n;
                continue;
            }
            careful_until = i + 4;
        }
        let Some(c) = text.get(i..).and_then(|r| r.chars().next()) else {
            break;
        };
        i += c.len_utf8();
        // The Vietnamese letters (and ASCII's) are lowered without a Unicode table lookup;
        // they are never whitespace.
        let lower = if c.is_ascii() {
            (!c.is_ascii_whitespace() && c != '\u{B}').then(|| c.to_ascii_lowercase())
        } else {
            crate::analyze::normalize::fast_lower(c)
        };
        if let Some(lower) = lower {
            in_word = true;
            out.push(lower);
        } else if c.is_whitespace() {
            if in_word {
                out.push(' ');
                in_word = false;
            }
        } else {
            in_word = true;
            out.extend(c.to_lowercase());
        }
    }
    if in_word {
        out.push(' ');
    }
}

/// How many of the sixteen bytes at `i` [`push_lower_words`] copies as they are, after a
/// word: the bytes before the first that starts a capital letter, whitespace, or any
/// character other than ASCII and the lowercase Vietnamese letters and punctuation (whose
/// case is not worked out here), as [`plain_lanes`](crate::extract::text::plain_lanes)
/// counts them.
fn lowercase_prefix(b: &[u8], i: usize) -> usize {
    crate::extract::text::plain_lanes(b, i, |b0, b1, b2| {
        let ascii = (b0 < 0x80)
            & !b0.is_ascii_uppercase()
            // Not \t, \n, \v, \f, \r.
            & (b0.wrapping_sub(b'\t') > 4);
        let keep = ascii
            // Continuation bytes: their character was judged by its first byte.
            | ((b0 & 0xC0) == 0x80)
            // ß–ÿ, ă đ ĩ ũ ơ ư.
            | ((b0 == 0xC3) & (b1 >= 0x9F))
            | ((b0 == 0xC4) & ((b1 == 0x83) | (b1 == 0x91) | (b1 == 0xA9)))
            | ((b0 == 0xC5) & (b1 == 0xA9))
            | ((b0 == 0xC6) & ((b1 == 0xA1) | (b1 == 0xB0)))
            // ạ…ỹ (U+1EA1–U+1EF9, the odd code points).
            | ((b0 == 0xE1)
                & ((b2 & 1) == 1)
                & (((b1 == 0xBA) & (b2 >= 0xA0)) | ((b1 == 0xBB) & (b2 <= 0xB9))))
            // Dashes, quotes, bullets, the ellipsis (U+2010–U+2027), ‰ and the rest of U+2030–U+203F.
            | ((b0 == 0xE2) & (b1 == 0x80) & ((b2.wrapping_sub(0x90) <= 0x17) | (b2 >= 0xB0)));
        !keep
    })
}

fn hex_id(bytes: &[u8]) -> String {
    let hash = blake3::hash(bytes);
    hash.to_hex()[..ID_HEX_LEN].to_string()
}

fn canonical_url_key(url: &str) -> String {
    let u = url.trim();
    let u = u.split('#').next().unwrap_or(u);
    let u = u
        .strip_prefix("https://")
        .or_else(|| u.strip_prefix("http://"))
        .unwrap_or(u);
    let u = u.strip_prefix("www.").unwrap_or(u);
    let u = u.strip_suffix('/').unwrap_or(u);
    // Host names are case-insensitive; paths are not.
    match u.find('/') {
        Some(i) => format!("{}{}", u[..i].to_ascii_lowercase(), &u[i..]),
        None => u.to_ascii_lowercase(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_ids_ignore_scheme_www_fragment_and_host_case() {
        let a = id_from_url("https://www.Mic.gov.vn/Pages/TinTuc/1/x.html#top");
        let b = id_from_url("http://mic.gov.vn/Pages/TinTuc/1/x.html");
        assert_eq!(a, b);
        assert_ne!(a, id_from_url("http://mic.gov.vn/Pages/TinTuc/2/x.html"));
        assert_eq!(a.len(), ID_HEX_LEN);
    }

    #[test]
    fn content_hash_is_the_hash_of_the_lowercased_words() {
        // The streamed hash equals hashing the whole normalised text at once.
        let mut text = String::new();
        for w in ["Tiêu", "ĐỀ", "\u{1}", "Một", "hai"] {
            text.push_str(&w.to_lowercase());
            text.push(' ');
        }
        assert_eq!(
            content_hash("Tiêu  ĐỀ", "Một\nhai"),
            blake3::hash(text.as_bytes())
        );
    }

    #[test]
    fn lowered_words_match_str_to_lowercase() {
        for text in [
            "Tiêu ĐỀ  Một\u{a0}hai\u{3000}ba\u{b}bốn\r\nNĂM",
            "ΟΔΟΣ Σ ΣΑ aΣ",
            "İstanbul ǅ ẞ ΐ",
            "",
            "   ",
        ] {
            let mut expected = String::new();
            for w in text.split_whitespace() {
                expected.push_str(&w.to_lowercase());
                expected.push(' ');
            }
            let mut got = String::new();
            push_lower_words(text, &mut got);
            assert_eq!(got, expected, "{text:?}");
        }
    }

    /// Every character of the Basic Multilingual Plane (and a few beyond), alone and between
    /// words, at every place in a sixteen-byte step.
    #[test]
    fn lowered_words_match_str_to_lowercase_for_every_character() {
        let reference = |text: &str| {
            let mut expected = String::new();
            for w in text.split_whitespace() {
                expected.push_str(&w.to_lowercase());
                expected.push(' ');
            }
            expected
        };
        let chars = (0u32..0x1_0000)
            .chain([0x1_0400, 0x1_F600, 0x10_FFFF])
            .filter_map(char::from_u32);
        let mut got = String::new();
        for c in chars {
            for k in 0..crate::extract::text::CHUNK {
                let before = &"ab cd efgh ijklmnop"[..k];
                let after = " ađơ ưừng xyz ĐẠI hội ".repeat(2);
                for text in [
                    format!("{before}{c}{after}"),
                    format!("{before} {c} {after}"),
                    format!("{before}{c}"),
                ] {
                    got.clear();
                    push_lower_words(&text, &mut got);
                    assert_eq!(got, reference(&text), "U+{:04X} in {text:?}", c as u32);
                }
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        /// Vietnamese in both cases mixed with any other characters and every kind of
        /// whitespace: the same bytes as lowering word by word with `str::to_lowercase`.
        #[test]
        fn lowered_words_match_str_to_lowercase_for_any_text(
            chars in proptest::collection::vec(
                proptest::prop_oneof![
                    4 => proptest::sample::select(
                        "ĐẠIHỘIđạihộiÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ\
                         àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ\
                         aZ09.,-ÐðÆæÞþßÿŸİıǅΣσςΐẞ\u{300}\u{301}\u{323}"
                            .chars()
                            .collect::<Vec<_>>()
                    ),
                    2 => proptest::sample::select(
                        " \t\n\r\u{b}\u{c}\u{85}\u{a0}\u{1680}\u{2000}\u{2028}\u{3000}\u{200b}"
                            .chars()
                            .collect::<Vec<_>>()
                    ),
                    1 => proptest::char::any(),
                ],
                0..60,
            )
        ) {
            let text: String = chars.into_iter().collect();
            let mut expected = String::new();
            for w in text.split_whitespace() {
                expected.push_str(&w.to_lowercase());
                expected.push(' ');
            }
            let mut got = String::new();
            push_lower_words(&text, &mut got);
            proptest::prop_assert_eq!(got, expected);
        }
    }

    #[test]
    fn content_ids_ignore_whitespace_and_case() {
        assert_eq!(
            id_from_content("Tiêu đề", "Một  hai\nba"),
            id_from_content("tiêu  đề", "một hai ba")
        );
        assert_ne!(id_from_content("a", "b"), id_from_content("a b", ""));
    }
}
