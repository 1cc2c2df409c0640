//! Text transformations the generator needs to write pages the way real portals did:
//! tone-placement switching, diacritic folding (for queries typed without accents), slugs,
//! HTML escaping, entity-heavy encoding, NFD, and the windows-1258 byte form.

use std::fmt::Write as _;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Base vowels that take part in the oa/oe/uy placement difference, with their toned forms
/// in the order huyền, sắc, hỏi, ngã, nặng.
const TONED: [(char, [char; 5]); 10] = [
    ('a', ['à', 'á', 'ả', 'ã', 'ạ']),
    ('e', ['è', 'é', 'ẻ', 'ẽ', 'ẹ']),
    ('o', ['ò', 'ó', 'ỏ', 'õ', 'ọ']),
    ('u', ['ù', 'ú', 'ủ', 'ũ', 'ụ']),
    ('y', ['ỳ', 'ý', 'ỷ', 'ỹ', 'ỵ']),
    ('A', ['À', 'Á', 'Ả', 'Ã', 'Ạ']),
    ('E', ['È', 'É', 'Ẻ', 'Ẽ', 'Ẹ']),
    ('O', ['Ò', 'Ó', 'Ỏ', 'Õ', 'Ọ']),
    ('U', ['Ù', 'Ú', 'Ủ', 'Ũ', 'Ụ']),
    ('Y', ['Ỳ', 'Ý', 'Ỷ', 'Ỹ', 'Ỵ']),
];

/// Splits a plain-or-toned a/e/o/u/y into (base, tone index).
fn split_tone(c: char) -> Option<(char, Option<usize>)> {
    for (base, forms) in TONED.iter() {
        if *base == c {
            return Some((*base, None));
        }
        if let Some(i) = forms.iter().position(|f| *f == c) {
            return Some((*base, Some(i)));
        }
    }
    None
}

fn with_tone(base: char, tone: Option<usize>) -> char {
    match tone {
        None => base,
        Some(t) => TONED
            .iter()
            .find(|(b, _)| *b == base)
            .and_then(|(_, forms)| forms.get(t).copied())
            .unwrap_or(base),
    }
}

fn is_vowel_letter(c: char) -> bool {
    let base: String = c
        .to_string()
        .nfd()
        .filter(|m| !is_combining_mark(*m))
        .collect();
    matches!(
        base.chars().next().map(|b| b.to_ascii_lowercase()),
        Some('a' | 'e' | 'i' | 'o' | 'u' | 'y')
    )
}

/// Which tone placement to write open oa/oe/uy syllables in.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Placement {
    /// òa, óe, ủy: the mark on the first vowel (the project's canonical style).
    New,
    /// oà, oé, uỷ: the mark on the second vowel.
    Old,
}

/// Rewrites one syllable's open oa/oe/uy nucleus in the given placement; other syllables
/// are returned unchanged.
fn place_syllable(word: &[char], style: Placement) -> Option<Vec<char>> {
    let n = word.len();
    if n < 2 {
        return None;
    }
    let (b1, t1) = split_tone(word[n - 2])?;
    let (b2, t2) = split_tone(word[n - 1])?;
    let pair = (b1.to_ascii_lowercase(), b2.to_ascii_lowercase());
    if !matches!(pair, ('o', 'a') | ('o', 'e') | ('u', 'y')) {
        return None;
    }
    // Everything before the nucleus must be consonants; "qu" owns its u.
    let before = &word[..n - 2];
    if before.iter().any(|c| is_vowel_letter(*c)) {
        return None;
    }
    if pair.0 == 'u' && before.last().is_some_and(|c| c.eq_ignore_ascii_case(&'q')) {
        return None;
    }
    let tone = t1.or(t2)?;
    let mut out = before.to_vec();
    match style {
        Placement::New => {
            out.push(with_tone(b1, Some(tone)));
            out.push(b2);
        }
        Placement::Old => {
            out.push(b1);
            out.push(with_tone(b2, Some(tone)));
        }
    }
    Some(out)
}

/// Rewrites every open oa/oe/uy syllable of `text` (NFC) in the given tone placement.
pub fn place_tones(text: &str, style: Placement) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word: Vec<char> = Vec::new();
    let flush = |word: &mut Vec<char>, out: &mut String| {
        match place_syllable(word, style) {
            Some(w) => out.extend(w),
            None => out.extend(word.iter()),
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_alphabetic() {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// True when `text` has a syllable whose spelling depends on the tone placement.
pub fn has_placement_syllable(text: &str) -> bool {
    place_tones(text, Placement::Old) != place_tones(text, Placement::New)
}

/// Removes tones and vowel marks and maps đ to d: how people type without a Vietnamese
/// keyboard.
pub fn fold(text: &str) -> String {
    text.nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            'đ' => 'd',
            'Đ' => 'D',
            other => other,
        })
        .collect()
}

/// An ASCII slug: folded, lowercase, words joined by `-`.
pub fn slug(text: &str) -> String {
    let folded = fold(text).to_lowercase();
    let mut out = String::with_capacity(folded.len());
    for w in folded.split(|c: char| !c.is_ascii_alphanumeric()) {
        if w.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(w);
    }
    out
}

/// A SharePoint-style slug: folded words, each capitalised as written, joined by `-`.
pub fn title_slug(text: &str) -> String {
    let folded = fold(text);
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    words.join("-")
}

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
}

/// HTML named entities for Latin-1 letters and punctuation that Vietnamese pages use.
fn named_entity(c: char) -> Option<&'static str> {
    Some(match c {
        'à' => "agrave",
        'á' => "aacute",
        'â' => "acirc",
        'ã' => "atilde",
        'è' => "egrave",
        'é' => "eacute",
        'ê' => "ecirc",
        'ì' => "igrave",
        'í' => "iacute",
        'ò' => "ograve",
        'ó' => "oacute",
        'ô' => "ocirc",
        'õ' => "otilde",
        'ù' => "ugrave",
        'ú' => "uacute",
        'ý' => "yacute",
        'À' => "Agrave",
        'Á' => "Aacute",
        'Â' => "Acirc",
        'Ã' => "Atilde",
        'È' => "Egrave",
        'É' => "Eacute",
        'Ê' => "Ecirc",
        'Ì' => "Igrave",
        'Í' => "Iacute",
        'Ò' => "Ograve",
        'Ó' => "Oacute",
        'Ô' => "Ocirc",
        'Õ' => "Otilde",
        'Ù' => "Ugrave",
        'Ú' => "Uacute",
        'Ý' => "Yacute",
        '–' => "ndash",
        '—' => "mdash",
        '“' => "ldquo",
        '”' => "rdquo",
        '‘' => "lsquo",
        '’' => "rsquo",
        '…' => "hellip",
        '\u{a0}' => "nbsp",
        _ => return None,
    })
}

/// Writes every non-ASCII character of `html` as an entity: named where HTML has one,
/// otherwise decimal or hexadecimal numeric references (alternating by `variant`), as old
/// editors saved pages.
pub fn entity_encode(html: &str, variant: u64) -> String {
    let mut out = String::with_capacity(html.len() * 2);
    for c in html.chars() {
        if c.is_ascii() {
            out.push(c);
        } else if let Some(name) = named_entity(c) {
            out.push('&');
            out.push_str(name);
            out.push(';');
        } else if variant.is_multiple_of(2) {
            let _ = write!(out, "&#{};", c as u32);
        } else {
            let _ = write!(out, "&#x{:X};", c as u32);
        }
    }
    out
}

/// The five Vietnamese tone marks as combining characters: the only combining marks
/// windows-1258 has.
fn is_tone_mark(c: char) -> bool {
    matches!(c, '\u{300}' | '\u{301}' | '\u{303}' | '\u{309}' | '\u{323}')
}

/// Splits each toned letter into its letter without tone (kept precomposed: â, ê, ô, ơ, ư,
/// ă) followed by the combining tone mark: the form windows-1258 can store.
pub fn tone_split(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
            continue;
        }
        let d: Vec<char> = c.to_string().nfd().collect();
        match d.iter().find(|m| is_tone_mark(**m)) {
            None => out.push(c),
            Some(tone) => {
                let rest: String = d.iter().filter(|m| !is_tone_mark(**m)).collect();
                out.extend(rest.nfc());
                out.push(*tone);
            }
        }
    }
    out
}

/// Encodes a page in windows-1258 (tone marks as combining characters).
pub fn to_windows_1258(html: &str) -> Vec<u8> {
    let split = tone_split(html);
    let (bytes, _, _) = encoding_rs::WINDOWS_1258.encode(&split);
    bytes.into_owned()
}

/// Fully decomposed text, as some Mac and Linux editors saved it.
pub fn to_nfd(text: &str) -> String {
    text.nfd().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placement_switches_only_open_syllables() {
        assert_eq!(place_tones("Vũ Văn Họa", Placement::Old), "Vũ Văn Hoạ");
        assert_eq!(place_tones("Vũ Văn Hoạ", Placement::New), "Vũ Văn Họa");
        assert_eq!(
            place_tones("Ủy ban Khánh Hòa", Placement::Old),
            "Uỷ ban Khánh Hoà"
        );
        assert_eq!(
            place_tones("hoàng quý thuyết", Placement::Old),
            "hoàng quý thuyết"
        );
        assert_eq!(place_tones("khỏe", Placement::Old), "khoẻ");
        assert!(has_placement_syllable("Thanh Hóa"));
        assert!(!has_placement_syllable("Bạc Liêu"));
    }

    #[test]
    fn folding_and_slugs() {
        assert_eq!(fold("Đặng Thanh Tốt"), "Dang Thanh Tot");
        assert_eq!(slug("Sở TT&TT Bạc Liêu"), "so-tt-tt-bac-lieu");
    }

    #[test]
    fn windows_1258_round_trips() {
        let text = "Ủy ban nhân dân tỉnh Bạc Liêu – Sở Thông tin và Truyền thông “Đề án 112”";
        let bytes = to_windows_1258(text);
        let (decoded, _, had_errors) = encoding_rs::WINDOWS_1258.decode(&bytes);
        assert!(!had_errors);
        let nfc: String = decoded.nfc().collect();
        assert_eq!(nfc, text);
    }
}
