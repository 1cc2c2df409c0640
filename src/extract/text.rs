//! Text clean-up shared by every way an article enters tracuu.
//!
//! Pages and NDJSON exports carry the same text in many byte forms (NFD from windows-1258,
//! `Ð` typed for `Đ`, non-breaking and zero-width spaces). Everything stored is passed through
//! [`clean_text`] so that one spelling reaches the index. Tone placement is *not* changed here
//! (that is the analyzer's job); [`normalize_tone`] and [`fold`] exist only for matching names.

use unicode_normalization::UnicodeNormalization;

/// Cleans one run of text: NFC, `Ð`→`Đ` (and `ð`→`đ`), no-break and other odd spaces to
/// plain spaces, zero-width characters and soft hyphens removed, whitespace runs collapsed to
/// one space, ends trimmed. Newlines are whitespace too: call it per paragraph.
pub fn clean_text(s: &str) -> String {
    let nfc_buf: String;
    let s = if needs_nfc(s) {
        nfc_buf = compose_vietnamese(s).unwrap_or_else(|| s.nfc().collect());
        nfc_buf.as_str()
    } else {
        s
    };
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    // Copy runs of ordinary characters at once; act only on the few that need it. Special
    // characters are whole characters, so every cut falls on a character boundary.
    let mut run_start: Option<usize> = None;
    let mut i = 0;
    let ordinary_at = |k: usize| -> bool {
        match bytes.get(k) {
            Some(&b) => PLAIN[usize::from(b)] || (b >= 0x80 && !special_at(bytes, k)),
            None => false,
        }
    };
    // Below this, bytes go one at a time.
    let mut careful_until = 0;
    while let Some(&x) = bytes.get(i) {
        // Up to sixteen bytes at once, those before the first character to act on (most of
        // any text): they join the run as they are.
        if i >= careful_until && (run_start.is_some() || x != b' ') {
            let n = plain_prefix(bytes, i);
            if n > 0 {
                run_start.get_or_insert(i);
                i += n;
                continue;
            }
            // A few bytes the careful way (a run of spaces, say) before looking again.
            careful_until = i + 4;
        }
        // A single space inside a run, followed by an ordinary character, stays in the run.
        let special = if PLAIN[usize::from(x)] {
            false
        } else if x == b' ' {
            !(run_start.is_some() && ordinary_at(i + 1))
        } else if x < 0x80 {
            true
        } else {
            special_at(bytes, i)
        };
        if !special {
            if run_start.is_none() {
                run_start = Some(i);
            }
            i += 1;
            continue;
        }
        if let Some(from) = run_start.take() {
            push_run(&mut out, &mut pending_space, s.get(from..i).unwrap_or(""));
        }
        let c = s.get(i..).and_then(|r| r.chars().next());
        match c {
            Some('\u{00D0}') => push_run(&mut out, &mut pending_space, "\u{0110}"),
            Some('\u{00F0}') => push_run(&mut out, &mut pending_space, "\u{0111}"),
            Some('\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}') => {}
            _ => pending_space = true,
        }
        i += c.map_or(1, char::len_utf8);
    }
    if let Some(from) = run_start {
        push_run(&mut out, &mut pending_space, s.get(from..).unwrap_or(""));
    }
    out
}

/// Bytes that never start a character [`clean_text`] acts on: printable ASCII other than
/// the space, UTF-8 continuation bytes, and lead bytes other than C2, C3, E1, E2, E3, EF.
static PLAIN: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0x21;
    while b < 0x7F {
        t[b] = true;
        b += 1;
    }
    let mut b = 0x80;
    while b < 0x100 {
        t[b] = !matches!(
            b,
            0xC0 | 0xC1 | 0xC2 | 0xC3 | 0xE1 | 0xE2 | 0xE3 | 0xEF | 0xF5..=0xFF
        );
        b += 1;
    }
    t
};

/// Whether the non-ASCII character starting at `i` is one [`clean_text`] acts on: C1
/// controls, no-break, odd and zero-width spaces, soft hyphens, word joiners, BOM, Ð and ð.
/// Decided on the UTF-8 bytes, so ordinary letters cost one comparison.
fn special_at(b: &[u8], i: usize) -> bool {
    let at = |k: usize| b.get(i + k).copied().unwrap_or(0);
    match at(0) {
        0xC2 => matches!(at(1), 0x80..=0xA0 | 0xAD),
        0xC3 => matches!(at(1), 0x90 | 0xB0),
        0xE1 => at(1) == 0x9A && at(2) == 0x80,
        0xE2 => match at(1) {
            0x80 => matches!(at(2), 0x80..=0x8D | 0xA8 | 0xA9 | 0xAF),
            0x81 => matches!(at(2), 0x9F | 0xA0),
            _ => false,
        },
        0xE3 => at(1) == 0x80 && at(2) == 0x80,
        0xEF => at(1) == 0xBB && at(2) == 0xBF,
        _ => false,
    }
}

/// Bytes [`plain_prefix`] and [`nfc_chunk`] look at together.
pub(crate) const CHUNK: usize = 16;

/// The `CHUNK` bytes at `i` and the two after them (the rest of a character that starts in
/// the chunk); past the end of the text, zero bytes.
pub(crate) fn window(b: &[u8], i: usize) -> [u8; CHUNK + 2] {
    match b.get(i..i + CHUNK + 2) {
        Some(w) => w.try_into().unwrap_or([0; CHUNK + 2]),
        None => {
            let mut w = [0; CHUNK + 2];
            let rest = b.get(i..).unwrap_or(&[]);
            w[..rest.len().min(CHUNK + 2)].copy_from_slice(&rest[..rest.len().min(CHUNK + 2)]);
            w
        }
    }
}

/// How many of the `CHUNK` bytes at `i` [`clean_text`] keeps as they are, inside a run: the
/// bytes before the first that starts a character it acts on ([`special_at`]; U+0080–U+00BF
/// counted in, all of them) or a control character, as [`plain_lanes`] counts them.
fn plain_prefix(b: &[u8], i: usize) -> usize {
    plain_lanes(b, i, |b0, b1, b2| {
        (b0 < b' ')
            | (b0 == 0x7F)
            // C0, C1 (never in UTF-8), C2 (U+0080–U+00BF), F5–FF (never in UTF-8).
            | (b0.wrapping_sub(0xC0) <= 2)
            | (b0 >= 0xF5)
            | ((b0 == 0xC3) & ((b1 == 0x90) | (b1 == 0xB0)))
            | ((b0 == 0xE1) & (b1 == 0x9A))
            | ((b0 == 0xE2)
                & (((b1 == 0x80) & ((b2 <= 0x8D) | (b2 == 0xA8) | (b2 == 0xA9) | (b2 == 0xAF)))
                    | ((b1 == 0x81) & ((b2 == 0x9F) | (b2 == 0xA0)))))
            | ((b0 == 0xE3) & (b1 == 0x80))
            | ((b0 == 0xEF) & (b1 == 0xBB))
    })
}

/// How many of the `CHUNK` bytes at `i` can be copied as they are, after a word: the bytes
/// before the first lane where `odd(byte, next, the one after)` holds, before a space followed
/// by a space or control character (or last of the `CHUNK`), before a space followed by such a
/// lane, and before the end of the text. `odd` is asked about every lane, without branches, so
/// that the compiler does the lanes side by side.
#[inline(always)]
pub(crate) fn plain_lanes(b: &[u8], i: usize, odd: impl Fn(u8, u8, u8) -> bool) -> usize {
    let w = window(b, i);
    // One byte a lane, 1 where it needs attention: read as one number, the lowest set byte is
    // the first such lane.
    let mut bad = [0u8; CHUNK];
    let mut spaces = [0u8; CHUNK];
    for k in 0..CHUNK {
        let (b0, b1, b2) = (w[k], w[k + 1], w[k + 2]);
        let space = b0 == b' ';
        bad[k] = u8::from(odd(b0, b1, b2) | (space & ((b1 <= b' ') | (k == CHUNK - 1))));
        spaces[k] = u8::from(space);
    }
    let mut bad = u128::from_le_bytes(bad);
    // Past the end the window holds zero bytes, which may be characters to `odd`.
    let left = b.len().saturating_sub(i);
    if left < CHUNK {
        bad |= u128::MAX << (8 * left);
    }
    // A space stays only before a lane that does.
    let bad = bad | (u128::from_le_bytes(spaces) & (bad >> 8));
    (bad.trailing_zeros() / 8) as usize
}

/// Whether every character that starts in the `CHUNK` bytes at `i` is one [`needs_nfc`]
/// passes over (below U+0300, U+1E00–U+1EFF, U+2002–U+207F); false too when fewer than
/// `CHUNK + 2` bytes are left.
fn nfc_chunk(b: &[u8], i: usize) -> bool {
    if b.len() < i + CHUNK + 2 {
        return false;
    }
    let w = window(b, i);
    let mut bad = 0u8;
    for k in 0..CHUNK {
        let (b0, b1, b2) = (w[k], w[k + 1], w[k + 2]);
        let simple = ((b0 == 0xE1) & (b1.wrapping_sub(0xB8) <= 3))
            | ((b0 == 0xE2) & ((b1 == 0x81) | ((b1 == 0x80) & (b2 >= 0x82))));
        bad |= u8::from((b0 >= 0xCC) & !simple);
    }
    bad == 0
}

fn push_run(out: &mut String, pending_space: &mut bool, run: &str) {
    if *pending_space && !out.is_empty() {
        out.push(' ');
    }
    *pending_space = false;
    out.push_str(run);
}

/// Whether NFC could change the text: false when every character is below U+0300, a
/// precomposed Vietnamese letter (U+1E00–U+1EFF) or common punctuation (U+2002–U+207F), which
/// are NFC on their own and cannot combine with each other. True means "perhaps": the text is
/// composed by [`compose_vietnamese`], which also returns NFC text unchanged.
fn needs_nfc(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while nfc_chunk(b, i) {
        i += CHUNK;
    }
    while let Some(&x) = b.get(i) {
        // Lead bytes below 0xCC (and all continuation bytes) belong to characters < U+0300.
        if x < 0xCC {
            i += 1;
            continue;
        }
        let simple = match x {
            0xE1 => matches!(b.get(i + 1), Some(0xB8..=0xBB)),
            0xE2 => match b.get(i + 1) {
                Some(0x80) => b.get(i + 2).is_some_and(|&c| c >= 0x82),
                Some(0x81) => true,
                _ => false,
            },
            _ => false,
        };
        if !simple {
            return true;
        }
        i += 3;
    }
    false
}

/// The combining marks of decomposed Vietnamese: the five tones (grave, acute, tilde, hook
/// above, dot below) and the vowel marks (circumflex, breve, horn), with their canonical
/// combining classes. None of them has a decomposition of its own.
fn vietnamese_mark_class(c: char) -> Option<u8> {
    match c {
        '\u{0300}' | '\u{0301}' | '\u{0302}' | '\u{0303}' | '\u{0306}' | '\u{0309}' => Some(230),
        '\u{031B}' => Some(216),
        '\u{0323}' => Some(220),
        _ => None,
    }
}

/// Whether `c` starts a new piece of NFC text whatever came before it: a starter (combining
/// class 0) that NFC keeps as it is and that never composes with a preceding character
/// (quick check "Yes"). Decided without a table lookup for the ranges pages are made of.
fn is_stable_starter(c: char) -> bool {
    matches!(c, '\0'..='\u{02FF}' | '\u{1E00}'..='\u{1EFF}' | '\u{2002}'..='\u{207F}')
        || (unicode_normalization::char::canonical_combining_class(c) == 0
            && unicode_normalization::is_nfc_quick(std::iter::once(c))
                == unicode_normalization::IsNormalized::Yes)
}

/// Most marks one character carries (its own decomposition's and those written after it).
const MAX_MARKS: usize = 8;

/// The NFC form of `s`, worked out directly for text made of stable starters
/// ([`is_stable_starter`]) each followed by any of the Vietnamese combining marks
/// ([`vietnamese_mark_class`]); `None` for anything else (a mark with no starter before it,
/// another combining character, more than [`MAX_MARKS`] marks on one letter), which the caller
/// leaves to unicode-normalization's general algorithm.
///
/// Such text is a run of independent pieces, each a starter and its marks: nothing reorders or
/// composes across a stable starter. Text without marks is copied as it is; a piece with marks
/// goes through NFC's own steps (decompose the starter, order the marks by combining class,
/// compose each mark that is not blocked), using unicode-normalization's decomposition and
/// composition data, so the result is the same as `.nfc()` gives.
fn compose_vietnamese(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    // `s[..copied]` is accounted for in `out`.
    let mut copied = 0;
    // Where the character just before `i` starts, if it is a stable starter.
    let mut starter_at: Option<usize> = None;
    let mut i = 0;
    while let Some(&x) = b.get(i) {
        if x < 0x80 {
            starter_at = Some(i);
            i += 1;
            continue;
        }
        let c = s.get(i..)?.chars().next()?;
        if vietnamese_mark_class(c).is_none() {
            if !is_stable_starter(c) {
                return None;
            }
            starter_at = Some(i);
            i += c.len_utf8();
            continue;
        }
        // A piece: the starter before `i` and every mark from `i` on.
        let start = starter_at.take()?;
        let starter = s.get(start..)?.chars().next()?;
        let mut marks = [('\0', 0u8); MAX_MARKS];
        let mut n = 0;
        let mut base = None;
        let mut ok = true;
        unicode_normalization::char::decompose_canonical(starter, |d| {
            let class = unicode_normalization::char::canonical_combining_class(d);
            if base.is_none() && class == 0 {
                base = Some(d);
            } else if base.is_some() && class != 0 && n < MAX_MARKS {
                marks[n] = (d, class);
                n += 1;
            } else {
                ok = false;
            }
        });
        let base = base.filter(|_| ok)?;
        let mut end = i;
        while let Some(m) = s.get(end..).and_then(|r| r.chars().next()) {
            let Some(class) = vietnamese_mark_class(m) else {
                break;
            };
            *marks.get_mut(n)? = (m, class);
            n += 1;
            end += m.len_utf8();
        }
        let marks = marks.get_mut(..n)?;
        // Canonical order: a stable sort by combining class.
        marks.sort_by_key(|&(_, class)| class);
        out.push_str(s.get(copied..start)?);
        let mut composed = base;
        let mut left = [('\0', 0u8); MAX_MARKS];
        let mut kept = 0;
        for &(m, class) in marks.iter() {
            // Blocked when a mark left in between has the same or a higher class (the marks
            // are in class order, so the last one left has the highest).
            let blocked = kept > 0 && left.get(kept - 1).is_some_and(|&(_, l)| l >= class);
            match unicode_normalization::char::compose(composed, m) {
                Some(r) if !blocked => composed = r,
                _ => {
                    *left.get_mut(kept)? = (m, class);
                    kept += 1;
                }
            }
        }
        out.push(composed);
        for &(m, _) in left.get(..kept)? {
            out.push(m);
        }
        copied = end;
        i = end;
    }
    out.push_str(s.get(copied..)?);
    Some(out)
}

/// Strips a leading site tag such as "(Mic.gov.vn) - ", "(Chinhphu.vn) – " or
/// "(Baochinhphu.vn)—" from a lead. Only a parenthesised host-like word (a dot inside, or
/// ending in ".vn") followed by a dash counts, so a lead that starts with "(Ảnh: …)" stays.
pub fn strip_site_prefix(lead: &str) -> &str {
    let t = lead.trim_start();
    let Some(rest) = t.strip_prefix('(') else {
        return lead;
    };
    let Some(close) = rest.find(')') else {
        return lead;
    };
    let inside = rest.get(..close).unwrap_or("");
    let host_like = !inside.is_empty()
        && inside.len() <= 40
        && inside.contains('.')
        && !inside.contains(' ')
        && inside
            .chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == '-');
    if !host_like {
        return lead;
    }
    let after = rest.get(close + 1..).unwrap_or("").trim_start();
    let after = after
        .strip_prefix('-')
        .or_else(|| after.strip_prefix('–'))
        .or_else(|| after.strip_prefix('—'))
        .or_else(|| after.strip_prefix(':'));
    match after {
        Some(a) => a.trim_start(),
        None => lead,
    }
}

/// Removes the closing "./." (or "/.") that Vietnamese official texts end with, keeping the
/// sentence's own final period.
pub fn strip_closing_mark(p: &str) -> String {
    let t = p.trim_end();
    if let Some(s) = t.strip_suffix("./.") {
        // "… hết./." keeps "… hết."
        let mut out = s.trim_end().to_string();
        if !out.is_empty() {
            out.push('.');
        }
        return out;
    }
    if let Some(s) = t.strip_suffix("/.") {
        return s.trim_end().to_string();
    }
    t.to_string()
}

/// Whether `t` starts with the lowercase `prefix`, ignoring case, without allocating; returns
/// the byte length of the matched part of `t`.
pub fn starts_with_ci(t: &str, prefix: &str) -> Option<usize> {
    // Quick reject on the first byte when either side starts with ASCII.
    if let (Some(&a), Some(&b)) = (t.as_bytes().first(), prefix.as_bytes().first())
        && (a.is_ascii() || b.is_ascii())
        && a.to_ascii_lowercase() != b
    {
        return None;
    }
    let mut want = prefix.chars();
    let mut used = 0;
    for c in t.chars() {
        let Some(w) = want.clone().next() else { break };
        let mut lower = c.to_lowercase();
        if lower.next() != Some(w) || lower.next().is_some() {
            return None;
        }
        want.next();
        used += c.len_utf8();
    }
    want.next().is_none().then_some(used)
}

/// Folds Vietnamese to bare lowercase ASCII-like text: tone and vowel marks removed, đ→d
/// (the analyzer's normalisation, then its folding).
pub fn fold(s: &str) -> String {
    crate::analyze::normalize::fold(&match_key(s))
}

/// Lowercase, tone-normalised, `Ð`-fixed form of a word or phrase: the key names are
/// compared on when the text carries diacritics. The analyzer's normalisation, so that
/// "Uỷ ban" and "ủy ban" agree here as they do in the index.
pub fn match_key(s: &str) -> String {
    crate::analyze::normalize::normalize_text(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_text_normalises_spaces_eth_and_nfc() {
        let nfd: String = "Việt Nam".nfd().collect();
        assert_eq!(clean_text(&nfd), "Việt Nam");
        assert_eq!(
            clean_text("  \u{00D0}à\u{00A0}Nẵng\u{200B}  x\u{00AD}y\n\tz "),
            "Đà Nẵng xy z"
        );
        assert_eq!(clean_text(""), "");
        assert_eq!(clean_text(" \u{00A0} "), "");
    }

    /// The rule `clean_text` implements, written the slow and obvious way.
    fn reference_clean(s: &str) -> String {
        let s: String = s.nfc().collect();
        let mut out = String::new();
        for c in s.chars() {
            let c = match c {
                '\u{00D0}' => '\u{0110}',
                '\u{00F0}' => '\u{0111}',
                c => c,
            };
            if matches!(
                c,
                '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
            ) {
                continue;
            }
            out.push(if c.is_whitespace() || c.is_control() {
                ' '
            } else {
                c
            });
        }
        out.split(' ')
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn clean_text_agrees_with_the_reference() {
        let pieces = [
            "a",
            " ",
            "  ",
            "\u{00A0}",
            "\u{200B}",
            "Ð",
            "ð",
            "\n\t",
            "Việt",
            "e\u{0301}",
            "\u{00AD}",
            "x",
            "\u{2003}",
            "\u{0085}",
            "ạ",
            "\u{FEFF}",
            "Đ",
            "—",
            "\u{3000}",
        ];
        // Every sequence of up to four pieces.
        let n = pieces.len();
        for a in 0..n {
            for b in 0..n {
                for c in 0..n {
                    for d in 0..n {
                        let s = [pieces[a], pieces[b], pieces[c], pieces[d]].concat();
                        assert_eq!(clean_text(&s), reference_clean(&s), "{s:?}");
                    }
                }
            }
        }
    }

    /// The Vietnamese marks, and letters to put them on: bare, precomposed with vowel marks,
    /// with tones, capitals, and a few that do not take them.
    const MARKS: [char; 8] = [
        '\u{0300}', '\u{0301}', '\u{0302}', '\u{0303}', '\u{0306}', '\u{0309}', '\u{031B}',
        '\u{0323}',
    ];
    const LETTERS: &str = "aAeEiIoOuUyYdDâÂăĂêÊôÔơƠưƯđĐáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọ\
                           ốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵÁỚỰçñüöÅØßbxz1 .“—ĀḀ";

    fn nfc(s: &str) -> String {
        s.nfc().collect()
    }

    #[test]
    fn vietnamese_composition_is_nfc_for_every_short_piece() {
        let mut seqs: Vec<Vec<char>> = vec![vec![]];
        for len in 1..=3 {
            let mut next = Vec::new();
            for s in seqs.iter().filter(|s| s.len() == len - 1) {
                for m in MARKS {
                    let mut t = s.clone();
                    t.push(m);
                    next.push(t);
                }
            }
            seqs.extend(next);
        }
        for l in LETTERS.chars() {
            for marks in &seqs {
                let s: String = std::iter::once(l).chain(marks.iter().copied()).collect();
                for text in [s.clone(), format!("x{s}y"), format!("{s}{s}")] {
                    assert_eq!(compose_vietnamese(&text), Some(nfc(&text)), "{text:?}");
                }
            }
        }
        // Outside what it handles it declines.
        assert_eq!(compose_vietnamese("\u{0301}a"), None);
        assert_eq!(compose_vietnamese("a\u{0308}"), None);
        assert_eq!(compose_vietnamese("\u{1100}\u{1161}"), None);
        assert_eq!(
            compose_vietnamese(&format!("a{}", "\u{0301}".repeat(9))),
            None
        );
    }

    #[test]
    fn stable_starter_ranges_are_stable() {
        use unicode_normalization::char::canonical_combining_class;
        for c in ('\0'..='\u{02FF}')
            .chain('\u{1E00}'..='\u{1EFF}')
            .chain('\u{2002}'..='\u{207F}')
        {
            assert_eq!(canonical_combining_class(c), 0, "U+{:04X}", c as u32);
            assert_eq!(
                unicode_normalization::is_nfc_quick(std::iter::once(c)),
                unicode_normalization::IsNormalized::Yes,
                "U+{:04X}",
                c as u32
            );
        }
        for m in MARKS {
            assert_eq!(vietnamese_mark_class(m), Some(canonical_combining_class(m)));
            let mut d = Vec::new();
            unicode_normalization::char::decompose_canonical(m, |x| d.push(x));
            assert_eq!(d, [m]);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        /// Long text (the sixteen-byte steps and their edges) made of whole words, odd spaces,
        /// marks and punctuation: the same as the slow and obvious rule.
        #[test]
        fn long_text_is_cleaned_as_the_reference_says(
            pieces in proptest::collection::vec(
                proptest::prop_oneof![
                    6 => proptest::sample::select(vec![
                        "Thủ", "tướng", "Chính", "phủ", "ĐÀ", "NẴNG", "Ðà", "ðường", "“x”", "–",
                        "…", "43/2008/QĐ-TTg", "Vie\u{302}\u{323}t", "e\u{301}", "abcdefghijklmnopq",
                    ]),
                    4 => proptest::sample::select(vec![" ", "  ", " ", "\n", "\t", "\u{A0}"]),
                    1 => proptest::sample::select(vec![
                        "\u{200B}", "\u{AD}", "\u{FEFF}", "\u{2003}", "\u{3000}", "\u{85}", "\u{7F}",
                        "\u{1680}", "\u{2028}", "\u{202F}", "\u{205F}", "©", "\u{301}",
                    ]),
                ],
                0..60,
            ),
        ) {
            let s = pieces.concat();
            proptest::prop_assert_eq!(clean_text(&s), reference_clean(&s), "{:?}", s);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]

        /// Vietnamese text in any mix of composed and decomposed forms, with other letters and
        /// marks thrown in: the fast composer gives `.nfc()`'s result, or declines.
        #[test]
        fn vietnamese_composition_matches_nfc(
            pieces in proptest::collection::vec(
                proptest::prop_oneof![
                    4 => proptest::sample::select(LETTERS.chars().collect::<Vec<_>>()),
                    4 => proptest::sample::select(MARKS.to_vec()),
                    1 => proptest::char::any(),
                    1 => proptest::char::range('\u{0300}', '\u{036F}'),
                ],
                0..40,
            ),
            letters in proptest::collection::vec(
                (
                    proptest::sample::select(LETTERS.chars().collect::<Vec<_>>()),
                    proptest::collection::vec(proptest::sample::select(MARKS.to_vec()), 0..4),
                ),
                0..20,
            ),
        ) {
            let s: String = pieces.into_iter().collect();
            let expected = nfc(&s);
            if let Some(got) = compose_vietnamese(&s) {
                proptest::prop_assert_eq!(got, expected, "{:?}", s);
            }
            proptest::prop_assert_eq!(clean_text(&s), reference_clean(&s));
            // Letters each with a few Vietnamese marks: always handled.
            let mut s = String::new();
            for (l, marks) in letters {
                s.push(l);
                s.extend(marks);
            }
            proptest::prop_assert_eq!(compose_vietnamese(&s), Some(nfc(&s)), "{:?}", s);
        }
    }

    /// Every character, at every place in a chunk of plain letters: a chunk that passes as
    /// plain holds no character `clean_text` acts on and none `needs_nfc` stops at, and the
    /// letters and punctuation of ordinary Vietnamese text do pass.
    #[test]
    fn chunk_classifiers_never_pass_what_needs_attention() {
        let simple_for_nfc = |c: char| matches!(c, '\0'..='\u{02FF}' | '\u{1E00}'..='\u{1EFF}' | '\u{2002}'..='\u{207F}');
        for c in (0u32..0x11_0000).filter_map(char::from_u32) {
            let mut buf = [0u8; 4];
            let bytes = c.encode_utf8(&mut buf).as_bytes();
            // (A space between letters stays; spaces are looked at below.)
            let acts = if c.is_ascii() {
                c.is_ascii_control()
            } else {
                special_at(bytes, 0)
            };
            for k in 0..CHUNK {
                let mut text = vec![b'a'; k];
                text.extend_from_slice(bytes);
                text.resize(CHUNK + 6, b'a');
                if acts {
                    assert_eq!(plain_prefix(&text, 0), k, "U+{:04X} at {k}", c as u32);
                }
                if !simple_for_nfc(c) {
                    assert!(!nfc_chunk(&text, 0), "U+{:04X} at {k}", c as u32);
                }
            }
        }
        let ordinary = "Thủ tướng Chính phủ “đồng ý” – Sở Thông tin… ĐÀ NẴNG, 43/2008/QĐ-TTg";
        let b = ordinary.as_bytes();
        let plain = (0..b.len() - CHUNK - 2)
            .filter(|&i| ordinary.is_char_boundary(i) && b[i] != b' ' && b[i + CHUNK - 1] != b' ')
            .filter(|&i| plain_prefix(b, i) < CHUNK)
            .count();
        assert_eq!(plain, 0);
        assert!((0..b.len() - CHUNK - 2).all(|i| nfc_chunk(b, i)));
        // Spaces: doubled, last in the chunk, or before a control character, they need attention.
        for bad in [
            "aaaa  aaaaaaaaaaaaaaaa",
            "aaaaaaaaaaaaaaa aaaaaa",
            "aaa \taaaaaaaaaaaaaaaaa",
        ] {
            assert!(plain_prefix(bad.as_bytes(), 0) < CHUNK, "{bad:?}");
        }
        assert_eq!(plain_prefix(b"aaaa  aaaaaaaaaaaaaaaa", 0), 4);
        assert_eq!(plain_prefix(b"aaa a aaaaaaaaaaaaaaaa", 0), CHUNK);
        // The end of the text stops it, a space before the end too.
        assert_eq!(plain_prefix(b"aaaaaaa", 0), 7);
        assert_eq!(plain_prefix(b"aaaaaa ", 0), 6);
        assert_eq!(plain_prefix("aa \u{a0}aaaaaaaaaaaaaaaaa".as_bytes(), 0), 2);
        assert_eq!(plain_prefix(b"", 0), 0);
    }

    #[test]
    fn byte_classifier_matches_the_character_rule() {
        for c in (0x80u32..0x11_0000).filter_map(char::from_u32) {
            let expected = matches!(
                c,
                '\u{00D0}'
                    | '\u{00F0}'
                    | '\u{200B}'
                    | '\u{200C}'
                    | '\u{200D}'
                    | '\u{2060}'
                    | '\u{FEFF}'
                    | '\u{00AD}'
            ) || c.is_whitespace()
                || c.is_control();
            let mut buf = [0u8; 4];
            let bytes = c.encode_utf8(&mut buf).as_bytes();
            assert_eq!(special_at(bytes, 0), expected, "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn site_prefixes_are_stripped_with_any_dash() {
        assert_eq!(strip_site_prefix("(Mic.gov.vn) - Sáng nay"), "Sáng nay");
        assert_eq!(strip_site_prefix("(Chinhphu.vn) – Thủ tướng"), "Thủ tướng");
        assert_eq!(strip_site_prefix("(Baochinhphu.vn)—Bộ"), "Bộ");
        assert_eq!(
            strip_site_prefix("(Ảnh minh họa) - x"),
            "(Ảnh minh họa) - x"
        );
        assert_eq!(strip_site_prefix("Không có"), "Không có");
        assert_eq!(strip_site_prefix("(Mic.gov.vn"), "(Mic.gov.vn");
    }

    #[test]
    fn closing_mark_is_removed_but_period_kept() {
        assert_eq!(
            strip_closing_mark("Hội nghị kết thúc./."),
            "Hội nghị kết thúc."
        );
        assert_eq!(
            strip_closing_mark("Hội nghị kết thúc ./. "),
            "Hội nghị kết thúc."
        );
        assert_eq!(strip_closing_mark("Hết/."), "Hết");
        assert_eq!(strip_closing_mark("Bình thường."), "Bình thường.");
    }

    #[test]
    fn folding_drops_marks() {
        assert_eq!(fold("Đắk Lắk"), "dak lak");
        assert_eq!(fold("Thừa Thiên Huế"), "thua thien hue");
        assert_eq!(match_key("ÐỒNG Nai"), "đồng nai");
        assert_eq!(match_key("Khánh Hoà"), match_key("khánh hòa"));
    }
}
