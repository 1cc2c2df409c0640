//! Scanning text into units: syllables, protected tokens (document codes, dates, numbers, URLs,
//! e-mail addresses, abbreviations) and the punctuation breaks between them.
//!
//! Both the index-time tokenizer and the query parser start from these units, so a query is
//! cut exactly as the text it must match. Offsets are byte offsets into the original text.

use rustc_hash::FxHashMap;

use super::normalize::{
    LetterCase, fold_into, is_space, is_word_char, normalize_plain_word, normalize_word,
    normalize_word_into,
};

/// What a protected token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProtectedKind {
    /// `43/2008/QĐ-TTg`, `05/CT-UBND`.
    DocCode,
    /// `20/4/2009`, `20-04-2009`.
    Date,
    /// `2009`, `3,5`, `1.000.000`, `15%`, `43/2008`.
    Number,
    Url,
    Email,
    /// `TP.HCM`, `T.Ư`, `TT&TT`, `LĐ-TB&XH`, `QĐ-TTg`, `COVID-19`.
    Abbreviation,
}

impl ProtectedKind {
    pub fn name(self) -> &'static str {
        match self {
            ProtectedKind::DocCode => "doc-code",
            ProtectedKind::Date => "date",
            ProtectedKind::Number => "number",
            ProtectedKind::Url => "url",
            ProtectedKind::Email => "email",
            ProtectedKind::Abbreviation => "abbreviation",
        }
    }
}

/// One unit of text.
#[derive(Debug, Clone, PartialEq)]
pub enum Unit {
    /// A syllable, normalised (lowercase NFC, canonical tone placement), with its folded form.
    Syllable {
        norm: String,
        /// `norm` without diacritics ([`fold`](super::normalize::fold)).
        folded: String,
        /// How the syllable uses capitals, when it is written in plain letters (ASCII and
        /// precomposed Vietnamese letters only); `None` for anything else.
        case: Option<LetterCase>,
        start: usize,
        end: usize,
    },
    /// A token kept whole. `alts` are other forms indexed at the same position (the year part
    /// of a document code, a date without its year); `parts` are its pieces, indexed at
    /// consecutive positions so they can also be matched as a phrase.
    Protected {
        kind: ProtectedKind,
        norm: String,
        alts: Vec<String>,
        parts: Vec<String>,
        start: usize,
        end: usize,
    },
    /// Punctuation or another boundary that words never cross.
    Break,
}

/// Characters that may join the pieces of a protected token.
fn is_joiner(c: char) -> bool {
    matches!(
        c,
        '/' | '-' | '.' | ',' | '&' | '@' | ':' | '%' | '_' | '?' | '=' | '#' | '~' | '+'
    )
}

/// Splits `text` into units.
pub fn scan(text: &str) -> Vec<Unit> {
    let mut units = Vec::with_capacity(text.len() / 5);
    scan_reusing(text, &mut units, &mut ScanMemory::default());
    units
}

/// What a scanner keeps from one text to the next: the strings of syllables it gave out (see
/// [`recycle`]), and the chunks it already read as plain syllables. Text has a few thousand
/// distinct syllables, each written many times: looking one up costs a fraction of
/// normalising it again.
#[derive(Default)]
pub struct ScanMemory {
    strings: Vec<String>,
    syllables: FxHashMap<Box<[u8]>, Option<KnownSyllable>>,
}

/// A chunk read before: its canonical and folded forms (`forms[..split]`, `forms[split..]`)
/// and its use of capitals.
struct KnownSyllable {
    forms: Box<str>,
    split: usize,
    case: LetterCase,
}

/// Chunks longer than this (in bytes) are not remembered: no syllable is that long.
const LONGEST_REMEMBERED: usize = 24;

/// Distinct chunks remembered at most; the memory starts afresh when it is full, so that
/// text of endless distinct chunks cannot grow it.
const MOST_REMEMBERED: usize = 1 << 16;

/// Like [`scan`], appending to a reused buffer and reusing `memory` (spare strings of an
/// earlier scan, see [`recycle`], and the syllables it read).
pub fn scan_reusing(text: &str, units: &mut Vec<Unit>, memory: &mut ScanMemory) {
    let bytes = text.as_bytes();
    let mut chunk_start: Option<usize> = None;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let (space, len) = match b {
            0..0x80 => (matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c), 1),
            // U+1E80–U+1EFF (lead E1, then BA or BB) holds most Vietnamese letters and no space.
            0xe1 if matches!(bytes.get(i + 1), Some(0xba | 0xbb)) => (false, 3),
            // Only these lead bytes start a non-ASCII space (U+0085, U+00A0, U+1680,
            // U+2000–U+2060, U+3000, U+FEFF): decode those, skip over the others.
            0xc2 | 0xe1 | 0xe2 | 0xe3 | 0xef => {
                let c = text.get(i..).and_then(|r| r.chars().next()).unwrap_or(' ');
                (is_space(c), c.len_utf8())
            }
            0x80..0xe0 => (false, 2),
            0xe0..0xf0 => (false, 3),
            _ => (false, 4),
        };
        if space {
            if let Some(s) = chunk_start.take() {
                chunk(text, s, i, units, memory);
            }
        } else {
            chunk_start.get_or_insert(i);
        }
        i += len;
    }
    if let Some(s) = chunk_start {
        chunk(text, s, text.len(), units, memory);
    }
}

/// Empties `units`, keeping the syllables' string allocations in `memory` for the next scan.
pub fn recycle(units: &mut Vec<Unit>, memory: &mut ScanMemory) {
    for u in units.drain(..) {
        if let Unit::Syllable {
            mut norm,
            mut folded,
            ..
        } = u
        {
            norm.clear();
            folded.clear();
            memory.strings.push(norm);
            memory.strings.push(folded);
        }
    }
}

/// Handles one whitespace-delimited chunk `text[s..e]`.
fn chunk(text: &str, s: usize, e: usize, units: &mut Vec<Unit>, memory: &mut ScanMemory) {
    let raw = &text[s..e];
    // Fast path: a plain syllable, the overwhelmingly common case.
    if remembered_syllable(s, e, raw, units, memory) {
        return;
    }
    let pool = &mut memory.strings;
    if raw.chars().all(is_word_char) {
        other_word_core(text, s, e, units, pool);
        return;
    }
    // Trim punctuation on both sides; it becomes a break. A trailing '%' belongs to a number.
    let core_start = raw
        .char_indices()
        .find(|&(_, c)| is_word_char(c))
        .map(|(i, _)| s + i);
    let Some(cs) = core_start else {
        push_break(units);
        return;
    };
    let mut ce = e;
    for (i, c) in raw.char_indices().rev() {
        if is_word_char(c) || (c == '%' && text[s..s + i].ends_with(|d: char| d.is_ascii_digit())) {
            ce = s + i + c.len_utf8();
            break;
        }
    }
    // A URL keeps its trailing slash.
    if cs > s {
        push_break(units);
    }
    let core = &text[cs..ce];
    let lower_core = core.to_ascii_lowercase();
    if lower_core.starts_with("http://")
        || lower_core.starts_with("https://")
        || lower_core.starts_with("www.")
    {
        let (us, ue) = (cs, url_end(text, cs, e));
        units.push(protected(
            ProtectedKind::Url,
            text[us..ue].to_lowercase(),
            vec![],
            vec![],
            us,
            ue,
        ));
    } else if core.chars().all(is_word_char) {
        word_core(text, cs, ce, units, pool);
    } else {
        mixed_core(text, cs, ce, units, pool);
    }
    if ce < e {
        push_break(units);
    }
}

fn url_end(text: &str, start: usize, chunk_end: usize) -> usize {
    let trimmed =
        text[start..chunk_end].trim_end_matches(['.', ',', ';', ')', '"', '\'', '”', ':']);
    start + trimmed.len()
}

fn push_break(units: &mut Vec<Unit>) {
    if !matches!(units.last(), Some(Unit::Break) | None) {
        units.push(Unit::Break);
    }
}

fn protected(
    kind: ProtectedKind,
    norm: String,
    alts: Vec<String>,
    parts: Vec<String>,
    start: usize,
    end: usize,
) -> Unit {
    Unit::Protected {
        kind,
        norm,
        alts,
        parts,
        start,
        end,
    }
}

/// [`plain_syllable`], answered from `memory` when `raw` was seen before.
fn remembered_syllable(
    s: usize,
    e: usize,
    raw: &str,
    units: &mut Vec<Unit>,
    memory: &mut ScanMemory,
) -> bool {
    if raw.len() > LONGEST_REMEMBERED {
        return plain_syllable(s, e, raw, units, &mut memory.strings);
    }
    if let Some(known) = memory.syllables.get(raw.as_bytes()) {
        let Some(k) = known else { return false };
        let mut norm = memory.strings.pop().unwrap_or_default();
        let mut folded = memory.strings.pop().unwrap_or_default();
        norm.push_str(&k.forms[..k.split]);
        folded.push_str(&k.forms[k.split..]);
        units.push(Unit::Syllable {
            norm,
            folded,
            case: Some(k.case),
            start: s,
            end: e,
        });
        return true;
    }
    let found = plain_syllable(s, e, raw, units, &mut memory.strings);
    let known = match units.last() {
        Some(Unit::Syllable {
            norm,
            folded,
            case: Some(case),
            ..
        }) if found => Some(KnownSyllable {
            forms: format!("{norm}{folded}").into_boxed_str(),
            split: norm.len(),
            case: *case,
        }),
        _ => None,
    };
    if memory.syllables.len() >= MOST_REMEMBERED {
        memory.syllables.clear();
    }
    memory.syllables.insert(raw.as_bytes().into(), known);
    found
}

/// Pushes `raw` (= `text[s..e]`) as a syllable if it is written in plain letters (see
/// [`normalize_plain_word`]); false, with nothing pushed, otherwise.
fn plain_syllable(
    s: usize,
    e: usize,
    raw: &str,
    units: &mut Vec<Unit>,
    pool: &mut Vec<String>,
) -> bool {
    let mut norm = pool.pop().unwrap_or_default();
    let mut folded = pool.pop().unwrap_or_default();
    match normalize_plain_word(raw, &mut norm, &mut folded) {
        Some(case) if !norm.is_empty() => {
            units.push(Unit::Syllable {
                norm,
                folded,
                case: Some(case),
                start: s,
                end: e,
            });
            true
        }
        _ => {
            pool.push(norm);
            pool.push(folded);
            false
        }
    }
}

/// A chunk of word characters only: a syllable, or a number/alphanumeric code.
fn word_core(text: &str, s: usize, e: usize, units: &mut Vec<Unit>, pool: &mut Vec<String>) {
    if !plain_syllable(s, e, &text[s..e], units, pool) {
        other_word_core(text, s, e, units, pool);
    }
}

/// [`word_core`] for a chunk that is not a syllable in plain letters.
fn other_word_core(text: &str, s: usize, e: usize, units: &mut Vec<Unit>, pool: &mut Vec<String>) {
    let w = &text[s..e];
    if w.bytes().any(|b| b.is_ascii_digit()) {
        units.push(protected(
            ProtectedKind::Number,
            normalize_word(w),
            vec![],
            vec![],
            s,
            e,
        ));
    } else {
        let mut norm = pool.pop().unwrap_or_default();
        normalize_word_into(w, &mut norm);
        if norm.is_empty() {
            pool.push(norm);
        } else {
            let mut folded = pool.pop().unwrap_or_default();
            fold_into(&norm, &mut folded);
            units.push(Unit::Syllable {
                norm,
                folded,
                case: None,
                start: s,
                end: e,
            });
        }
    }
}

/// A chunk whose core mixes word characters and joiners: classify it, or split it.
fn mixed_core(text: &str, s: usize, e: usize, units: &mut Vec<Unit>, pool: &mut Vec<String>) {
    let core = &text[s..e];
    // Pieces of word characters and the joiners between them.
    let mut pieces: Vec<(usize, usize)> = Vec::new();
    let mut joiners: Vec<char> = Vec::new();
    let mut piece_start: Option<usize> = None;
    let mut bad_joiner = false;
    for (i, c) in core.char_indices() {
        if is_word_char(c) {
            piece_start.get_or_insert(s + i);
        } else {
            if let Some(ps) = piece_start.take() {
                pieces.push((ps, s + i));
            }
            if is_joiner(c) {
                joiners.push(c);
            } else {
                bad_joiner = true;
                joiners.push(c);
            }
        }
    }
    if let Some(ps) = piece_start {
        pieces.push((ps, e));
    }
    let piece = |k: usize| -> &str { pieces.get(k).map(|&(a, b)| &text[a..b]).unwrap_or("") };
    let is_digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    let has_digit = |p: &str| p.bytes().any(|b| b.is_ascii_digit());
    let is_letters =
        |p: &str| !p.is_empty() && p.chars().all(|c| !c.is_ascii_digit() && is_word_char(c));
    let is_upperish = |p: &str| {
        let n = p.chars().filter(|c| c.is_uppercase()).count();
        n >= 1
            && (n * 2 >= p.chars().count()
                || p.chars().next().is_some_and(char::is_uppercase) && n >= 2)
    };
    let norm = normalize_word(core);
    let all_joiners = |set: &[char]| joiners.iter().all(|j| set.contains(j));

    if !bad_joiner
        && core.contains('@')
        && joiners.iter().filter(|&&j| j == '@').count() == 1
        && core.contains('.')
    {
        units.push(protected(ProtectedKind::Email, norm, vec![], vec![], s, e));
        return;
    }
    if !bad_joiner
        && pieces.len() >= 2
        && is_digits(piece(0))
        && all_joiners(&['/', '-', '&'])
        && joiners.first() == Some(&'/')
    {
        // Document code: digits, optional /year, then /TYPE-ISSUER (letters, '-', '&').
        let slash_count = joiners.iter().take_while(|&&j| j == '/').count();
        let after_slashes = &pieces[slash_count.min(pieces.len())..];
        let numeric_prefix = pieces[..slash_count.min(pieces.len())]
            .iter()
            .all(|&(a, b)| is_digits(&text[a..b]));
        if numeric_prefix
            && !after_slashes.is_empty()
            && is_letters(&text[after_slashes[0].0..after_slashes[0].1])
        {
            let type_start = after_slashes[0].0;
            let number_part = normalize_word(&text[s..type_start - 1]);
            let type_part = normalize_word(&text[type_start..e]);
            let parts: Vec<String> = after_slashes
                .iter()
                .map(|&(a, b)| normalize_word(&text[a..b]))
                .collect();
            let mut alts = vec![number_part, type_part];
            alts.dedup();
            units.push(protected(ProtectedKind::DocCode, norm, alts, parts, s, e));
            return;
        }
    }
    if !bad_joiner && pieces.iter().all(|&(a, b)| is_digits(&text[a..b])) {
        // Dates d/m/yyyy, d-m-yyyy, d.m.yyyy; other digit groups are numbers.
        let nums: Vec<&str> = pieces.iter().map(|&(a, b)| &text[a..b]).collect();
        let date_joiner =
            joiners.len() == 2 && joiners[0] == joiners[1] && matches!(joiners[0], '/' | '-' | '.');
        if date_joiner
            && nums.len() == 3
            && nums[2].len() == 4
            && let (Ok(d), Ok(m)) = (nums[0].parse::<u32>(), nums[1].parse::<u32>())
            && (1..=31).contains(&d)
            && (1..=12).contains(&m)
        {
            let y = nums[2];
            let canon = format!("{d}/{m}/{y}");
            let alts = vec![format!("{d}/{m}"), format!("{m}/{y}")];
            units.push(protected(ProtectedKind::Date, canon, alts, vec![], s, e));
            return;
        }
        units.push(protected(ProtectedKind::Number, norm, vec![], vec![], s, e));
        return;
    }
    if !bad_joiner && core.ends_with('%') {
        units.push(protected(ProtectedKind::Number, norm, vec![], vec![], s, e));
        return;
    }
    // Abbreviations: dotted (TP.HCM, T.Ư), with '&' (TT&TT), or hyphenated upper-case pieces
    // (QĐ-TTg, LĐ-TB&XH, COVID-19). Their pieces are also indexed, as a phrase.
    let dotted = all_joiners(&['.'])
        && pieces.len() >= 2
        && pieces
            .iter()
            .all(|&(a, b)| is_upperish(&text[a..b]) || b - a <= 2);
    let amp = joiners.contains(&'&') && all_joiners(&['&', '-']);
    let hyphen_upper = all_joiners(&['-'])
        && pieces
            .iter()
            .any(|&(a, b)| is_upperish(&text[a..b]) && b - a >= 2 || has_digit(&text[a..b]));
    if !bad_joiner && (dotted || amp || hyphen_upper) {
        let parts: Vec<String> = pieces
            .iter()
            .map(|&(a, b)| normalize_word(&text[a..b]))
            .collect();
        let compact: String = parts.concat();
        let alts = if dotted && compact != norm {
            vec![compact]
        } else {
            vec![]
        };
        units.push(protected(
            ProtectedKind::Abbreviation,
            norm,
            alts,
            parts,
            s,
            e,
        ));
        return;
    }
    // Anything else ("kinh tế-xã hội", "a/b", quotes inside a chunk): split into pieces, with a
    // break at each joiner so that words never join across it.
    for (k, &(a, b)) in pieces.iter().enumerate() {
        if k > 0 {
            push_break(units);
        }
        word_core(text, a, b, units, pool);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norms(text: &str) -> Vec<String> {
        scan(text)
            .into_iter()
            .map(|u| match u {
                Unit::Syllable { norm, .. } => norm,
                Unit::Protected { kind, norm, .. } => format!("{}:{norm}", kind.name()),
                Unit::Break => "|".into(),
            })
            .collect()
    }

    #[test]
    fn syllables_and_breaks() {
        assert_eq!(
            norms("Hà Nội, ngày hôm nay."),
            ["hà", "nội", "|", "ngày", "hôm", "nay", "|"]
        );
        assert_eq!(
            norms("(Mic.gov.vn) - UBND"),
            ["mic", "|", "gov", "|", "vn", "|", "ubnd"]
        );
    }

    #[test]
    fn document_codes() {
        let u = scan("theo Quyết định 43/2008/QĐ-TTg ngày");
        let Unit::Protected {
            kind,
            norm,
            alts,
            parts,
            ..
        } = &u[3]
        else {
            panic!("{u:?}")
        };
        assert_eq!(*kind, ProtectedKind::DocCode);
        assert_eq!(norm, "43/2008/qđ-ttg");
        assert_eq!(alts, &["43/2008", "qđ-ttg"]);
        assert_eq!(parts, &["qđ", "ttg"]);
        assert_eq!(norms("05/CT-UBND")[0], "doc-code:05/ct-ubnd");
    }

    #[test]
    fn dates_numbers_and_abbreviations() {
        assert_eq!(norms("20/04/2009"), ["date:20/4/2009"]);
        assert_eq!(norms("3,5%"), ["number:3,5%"]);
        assert_eq!(norms("1.000.000"), ["number:1.000.000"]);
        assert_eq!(norms("TP.HCM"), ["abbreviation:tp.hcm"]);
        assert_eq!(norms("Sở TT&TT"), ["sở", "abbreviation:tt&tt"]);
        assert_eq!(norms("kinh tế-xã hội"), ["kinh", "tế", "|", "xã", "hội"]);
        assert_eq!(
            norms("email: a.b@mic.gov.vn"),
            ["email", "|", "email:a.b@mic.gov.vn"]
        );
        assert_eq!(
            norms("https://mic.gov.vn/a.html."),
            ["url:https://mic.gov.vn/a.html", "|"]
        );
    }

    #[test]
    fn offsets_point_into_the_original() {
        let text = "Vie\u{302}\u{323}t Nam";
        let u = scan(text);
        let Unit::Syllable {
            norm, start, end, ..
        } = &u[0]
        else {
            panic!()
        };
        assert_eq!(norm, "việt");
        assert_eq!(&text[*start..*end], "Vie\u{302}\u{323}t");
    }

    /// Scans every text with one memory, as the tokenizer does, and checks each against a
    /// fresh scan; a memory too small to hold them all starts afresh on the way.
    fn remembered_scans_agree(
        texts: &[String],
    ) -> Result<(), proptest::test_runner::TestCaseError> {
        let mut memory = ScanMemory::default();
        let mut units = Vec::new();
        for text in texts.iter().chain(texts) {
            recycle(&mut units, &mut memory);
            scan_reusing(text, &mut units, &mut memory);
            proptest::prop_assert_eq!(&units, &scan(text));
        }
        Ok(())
    }

    #[test]
    fn a_full_memory_starts_afresh() {
        let mut memory = ScanMemory::default();
        let mut units = Vec::new();
        let text: String = (0..MOST_REMEMBERED + 10)
            .map(|n| format!("x{n:x} "))
            .collect();
        scan_reusing(&text, &mut units, &mut memory);
        assert!(memory.syllables.len() <= MOST_REMEMBERED);
        assert_eq!(units, scan(&text));
    }

    proptest::proptest! {
        #[test]
        fn remembered_syllables_scan_as_fresh_ones(texts in proptest::collection::vec(
            "([a-zA-ZàáạăằắặâầấậèéẹêềếệìíịòóọôồốộơờớợùúụưừứựỳýỵđĐÐ\u{301}\u{323}.,/&%0-9-]{0,6}[ \n]?){0,12}",
            1..4,
        )) {
            remembered_scans_agree(&texts)?;
        }
    }
}
