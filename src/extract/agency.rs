//! Agencies and provinces: one canonical name for each, whatever the page wrote.
//!
//! Bylines abbreviate ("Sở TT&TT Bạc Liêu", "UBND TP.HCM"), old pages use old tone placement
//! ("Uỷ ban", "Khánh Hoà"), host names drop diacritics ("stttt.baclieu.gov.vn"). Search
//! filters on agency and province only work if all of these land on one name, so extraction
//! and query parsing share the functions here.
//!
//! Matching works on word tokens: a word matches a name's word when their lowercase,
//! tone-normalised forms agree, or, for a word written without any diacritic, when their folded
//! forms agree. Province names must be capitalised in text that has capitals, so "hòa bình"
//! (peace) is not the province Hòa Bình.

use std::sync::LazyLock;

use rustc_hash::FxHashMap;

use super::text::{fold, match_key};
use crate::analyze::normalize::normalize_plain_word;

/// The 63 provinces and centrally-run cities (names in force 2008–2025), canonical first,
/// then other spellings.
const PROVINCES: &[(&str, &[&str])] = &[
    ("An Giang", &[]),
    ("Bà Rịa - Vũng Tàu", &["Bà Rịa Vũng Tàu", "BR-VT", "BRVT"]),
    ("Bạc Liêu", &[]),
    ("Bắc Giang", &[]),
    ("Bắc Kạn", &["Bắc Cạn"]),
    ("Bắc Ninh", &[]),
    ("Bến Tre", &[]),
    ("Bình Dương", &[]),
    ("Bình Định", &[]),
    ("Bình Phước", &[]),
    ("Bình Thuận", &[]),
    ("Cà Mau", &[]),
    ("Cao Bằng", &[]),
    ("Cần Thơ", &[]),
    ("Đà Nẵng", &[]),
    ("Đắk Lắk", &["Đăk Lăk", "Đắc Lắc", "Đắk Lăk", "Daklak"]),
    ("Đắk Nông", &["Đăk Nông", "Đắc Nông", "Daknong"]),
    ("Điện Biên", &[]),
    ("Đồng Nai", &[]),
    ("Đồng Tháp", &[]),
    ("Gia Lai", &[]),
    ("Hà Giang", &[]),
    ("Hà Nam", &[]),
    ("Hà Nội", &[]),
    ("Hà Tĩnh", &[]),
    ("Hải Dương", &[]),
    ("Hải Phòng", &[]),
    ("Hậu Giang", &[]),
    ("Hòa Bình", &[]),
    ("Hồ Chí Minh", &["TP.HCM", "TPHCM", "HCM", "Sài Gòn"]),
    ("Hưng Yên", &[]),
    ("Khánh Hòa", &[]),
    ("Kiên Giang", &[]),
    ("Kon Tum", &["Kontum"]),
    ("Lai Châu", &[]),
    ("Lạng Sơn", &[]),
    ("Lào Cai", &[]),
    ("Lâm Đồng", &[]),
    ("Long An", &[]),
    ("Nam Định", &[]),
    ("Nghệ An", &[]),
    ("Ninh Bình", &[]),
    ("Ninh Thuận", &[]),
    ("Phú Thọ", &[]),
    ("Phú Yên", &[]),
    ("Quảng Bình", &[]),
    ("Quảng Nam", &[]),
    ("Quảng Ngãi", &[]),
    ("Quảng Ninh", &[]),
    ("Quảng Trị", &[]),
    ("Sóc Trăng", &[]),
    ("Sơn La", &[]),
    ("Tây Ninh", &[]),
    ("Thái Bình", &[]),
    ("Thái Nguyên", &[]),
    ("Thanh Hóa", &[]),
    ("Thừa Thiên Huế", &["Thừa Thiên - Huế", "TT-Huế", "TT Huế"]),
    ("Tiền Giang", &[]),
    ("Trà Vinh", &[]),
    ("Tuyên Quang", &[]),
    ("Vĩnh Long", &[]),
    ("Vĩnh Phúc", &[]),
    ("Yên Bái", &[]),
];

/// Host-name labels that name a province without being its folded name.
const HOST_ALIASES: &[(&str, &str)] = &[
    ("hcm", "Hồ Chí Minh"),
    ("tphcm", "Hồ Chí Minh"),
    ("hcmcity", "Hồ Chí Minh"),
    ("brvt", "Bà Rịa - Vũng Tàu"),
    ("baria-vungtau", "Bà Rịa - Vũng Tàu"),
    ("hue", "Thừa Thiên Huế"),
    ("thuathienhue", "Thừa Thiên Huế"),
];

/// The five centrally-run cities: their councils are "thành phố", not "tỉnh".
const CITIES: &[&str] = &["Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ"];

/// Departments (a "Sở" in a province, a "Bộ" at the centre), canonical name then spellings.
const DEPARTMENTS: &[(&str, &[&str])] = &[
    (
        "Thông tin và Truyền thông",
        &[
            "TT&TT",
            "TTTT",
            "TT-TT",
            "Thông tin - Truyền thông",
            "Thông tin Truyền thông",
        ],
    ),
    (
        "Kế hoạch và Đầu tư",
        &["KH&ĐT", "KHĐT", "KH-ĐT", "Kế hoạch - Đầu tư"],
    ),
    (
        "Giáo dục và Đào tạo",
        &["GD&ĐT", "GDĐT", "GD-ĐT", "Giáo dục - Đào tạo"],
    ),
    (
        "Nông nghiệp và Phát triển nông thôn",
        &[
            "NN&PTNT",
            "NNPTNT",
            "NN-PTNT",
            "Nông nghiệp - Phát triển nông thôn",
        ],
    ),
    (
        "Tài nguyên và Môi trường",
        &["TN&MT", "TNMT", "TN-MT", "Tài nguyên - Môi trường"],
    ),
    (
        "Lao động - Thương binh và Xã hội",
        &[
            "LĐ-TB&XH",
            "LĐTBXH",
            "LĐ-TBXH",
            "Lao động Thương binh và Xã hội",
        ],
    ),
    (
        "Văn hóa, Thể thao và Du lịch",
        &[
            "VH-TT&DL",
            "VHTTDL",
            "VH,TT&DL",
            "VHTT&DL",
            "Văn hóa - Thể thao và Du lịch",
        ],
    ),
    (
        "Khoa học và Công nghệ",
        &["KH&CN", "KHCN", "KH-CN", "Khoa học - Công nghệ"],
    ),
    (
        "Giao thông vận tải",
        &["GTVT", "GT-VT", "Giao thông - Vận tải"],
    ),
    ("Tài chính", &[]),
    ("Công Thương", &[]),
    ("Y tế", &[]),
    ("Tư pháp", &[]),
    ("Nội vụ", &[]),
    ("Xây dựng", &[]),
    ("Ngoại vụ", &[]),
    ("Ngoại giao", &[]),
    ("Quốc phòng", &[]),
    ("Công an", &[]),
];

/// One word of a name, in both comparison forms.
#[derive(Debug, Clone)]
struct Word {
    key: String,
    folded: String,
}

/// One word of the scanned text.
#[derive(Debug)]
struct Token {
    key: String,
    folded: String,
    ascii: bool,
    capital: bool,
}

fn words_of(phrase: &str) -> Vec<Word> {
    tokenize_with(phrase, true)
        .into_iter()
        .map(|t| Word {
            key: t.key,
            folded: t.folded,
        })
        .collect()
}

/// Splits text into words: runs of letters and digits, keeping '&' and '-' inside
/// abbreviations that contain '&' ("LĐ-TB&XH"), splitting other hyphenated words.
fn tokenize(text: &str) -> Vec<Token> {
    tokenize_with(text, false)
}

/// [`tokenize`], with the folded form of every word when `fold_all` (for names in the tables,
/// which text without diacritics is compared against).
fn tokenize_with(text: &str, fold_all: bool) -> Vec<Token> {
    let mut out = Vec::new();
    let mut plain_folded = String::new();
    let mut push_part = |p: &str| {
        let ascii = p.is_ascii();
        // An ASCII word's key is its plain lowercase (there is nothing to normalise), and so
        // is its folded form.
        let (key, folded) = if ascii {
            let lower = p.to_ascii_lowercase();
            (lower.clone(), lower)
        } else {
            // Folding only matters for words written without diacritics (compared by their
            // folded form).
            let folded = if fold_all { fold(p) } else { String::new() };
            // A word in plain letters (most words) has its canonical form from the fast
            // path, which gives what `match_key` gives.
            let mut key = String::new();
            plain_folded.clear();
            if normalize_plain_word(p, &mut key, &mut plain_folded).is_none() {
                key = match_key(p);
            }
            (key, folded)
        };
        out.push(Token {
            key,
            folded,
            ascii,
            capital: p.chars().next().is_some_and(capital_or_digit),
        });
    };
    let mut push = |raw: &str| {
        let raw = raw.trim_matches(|c| c == '-' || c == '&');
        if raw.is_empty() {
            return;
        }
        if raw.contains('&') {
            push_part(raw);
        } else {
            for p in raw.split('-').filter(|p| !p.is_empty()) {
                push_part(p);
            }
        }
    };
    // "TT & TT": a spaced ampersand still joins the abbreviation.
    let joined;
    let text = if text.contains(" & ") {
        joined = text.replace(" & ", "&");
        joined.as_str()
    } else {
        text
    };
    let mut start: Option<usize> = None;
    for (i, c) in text.char_indices() {
        let joiner = (c == '&' || c == '-') && start.is_some();
        if is_alphanumeric(c) || joiner {
            if start.is_none() {
                start = Some(i);
            }
        } else if let Some(s) = start.take() {
            push(text.get(s..i).unwrap_or(""));
        }
    }
    if let Some(s) = start {
        push(text.get(s..).unwrap_or(""));
    }
    out
}

/// `c.is_alphanumeric()`, without a Unicode table lookup for ASCII and the Vietnamese letters.
fn is_alphanumeric(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    // Latin-1 letters, Latin Extended-A and -B, Latin Extended Additional: letters all, but for
    // the two signs × and ÷.
    if matches!(c, '\u{C0}'..='\u{24F}' | '\u{1EA0}'..='\u{1EF9}') {
        return c != '×' && c != '÷';
    }
    c.is_alphanumeric()
}

/// `c.is_uppercase() || c.is_numeric()`, without a Unicode table lookup for ASCII and the
/// Vietnamese letters (a capital is a letter its lowercase changes).
fn capital_or_digit(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_uppercase() || c.is_ascii_digit();
    }
    match crate::analyze::normalize::fast_lower(c) {
        Some(lower) => lower != c,
        None => c.is_uppercase() || c.is_numeric(),
    }
}

fn word_matches(t: &Token, w: &Word) -> bool {
    t.key == w.key || (t.ascii && t.folded == w.folded)
}

/// Length in tokens of `pattern` matched at `tokens[at..]`, if it matches.
fn match_at(tokens: &[Token], at: usize, pattern: &[Word], need_capitals: bool) -> Option<usize> {
    let slice = tokens.get(at..at + pattern.len())?;
    let ok = slice.iter().zip(pattern).all(|(t, w)| {
        word_matches(t, w)
            && (!need_capitals || t.capital || w.key.chars().all(|c| !c.is_alphabetic()))
    });
    ok.then_some(pattern.len())
}

struct Tables {
    /// (province index, pattern), indexed by the pattern's first word (key and folded).
    provinces_by_first: FxHashMap<String, Vec<(usize, Vec<Word>)>>,
    /// (department index, pattern)
    departments: Vec<(usize, Vec<Word>)>,
    host_names: FxHashMap<String, usize>,
}

static TABLES: LazyLock<Tables> = LazyLock::new(|| {
    let mut provinces_by_first: FxHashMap<String, Vec<(usize, Vec<Word>)>> = FxHashMap::default();
    let mut host_names = FxHashMap::default();
    for (i, (name, alts)) in PROVINCES.iter().enumerate() {
        for phrase in std::iter::once(name).chain(alts.iter()) {
            let pat = words_of(phrase);
            let Some(first) = pat.first() else { continue };
            let mut firsts = vec![first.key.clone()];
            if first.folded != first.key {
                firsts.push(first.folded.clone());
            }
            for f in firsts {
                provinces_by_first
                    .entry(f)
                    .or_default()
                    .push((i, pat.clone()));
            }
            let joined: String = pat.iter().map(|w| w.folded.as_str()).collect();
            host_names.insert(joined.replace(['&', '-', '.'], ""), i);
        }
    }
    for (label, name) in HOST_ALIASES {
        if let Some(i) = PROVINCES.iter().position(|(n, _)| n == name) {
            host_names.insert((*label).to_string(), i);
        }
    }
    let mut departments = Vec::new();
    for (i, (name, alts)) in DEPARTMENTS.iter().enumerate() {
        for phrase in std::iter::once(name).chain(alts.iter()) {
            departments.push((i, words_of(phrase)));
        }
    }
    // Longest spellings first, so "Thông tin và Truyền thông" wins over a shorter prefix.
    departments.sort_by_key(|(_, p)| std::cmp::Reverse(p.len()));
    Tables {
        provinces_by_first,
        departments,
        host_names,
    }
});

/// The province named at `tokens[at..]`: (index into PROVINCES, tokens used).
fn province_at(tokens: &[Token], at: usize, need_capitals: bool) -> Option<(usize, usize)> {
    let t = tokens.get(at)?;
    let tables = &*TABLES;
    let mut best: Option<(usize, usize)> = None;
    // An ASCII word's folded form is its key; other words of the text have none.
    let folded = (!t.folded.is_empty() && t.folded != t.key).then_some(&t.folded);
    for key in std::iter::once(&t.key).chain(folded) {
        if let Some(cands) = tables.provinces_by_first.get(key) {
            for (i, pat) in cands {
                if let Some(len) = match_at(tokens, at, pat, need_capitals)
                    && best.is_none_or(|(_, l)| len > l)
                {
                    best = Some((*i, len));
                }
            }
        }
    }
    best
}

/// Capitals are required except in all-lowercase unaccented text (slugs, host names).
fn needs_capitals(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_uppercase() || (!c.is_ascii() && c.is_alphabetic()))
}

/// The canonical name of the province a text mentions most (ties: the earliest), e.g.
/// "UBND TP.HCM" → "Hồ Chí Minh", "Sở TT&TT tỉnh Khánh Hoà" → "Khánh Hòa".
pub fn find_province(text: &str) -> Option<String> {
    let tokens = tokenize(text);
    let caps = needs_capitals(text);
    let mut counts: Vec<(usize, usize, usize)> = Vec::new(); // (province, count, first position)
    let mut at = 0;
    while at < tokens.len() {
        if let Some((p, len)) = province_at(&tokens, at, caps) {
            match counts.iter_mut().find(|(q, _, _)| *q == p) {
                Some(entry) => entry.1 += 1,
                None => counts.push((p, 1, at)),
            }
            at += len;
        } else {
            at += 1;
        }
    }
    counts
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.2.cmp(&a.2)))
        .and_then(|(p, _, _)| PROVINCES.get(p))
        .map(|(name, _)| (*name).to_string())
}

/// The province a host name points to: "stttt.baclieu.gov.vn" → "Bạc Liêu",
/// "hochiminhcity.gov.vn" is not recognised but "tphcm.gov.vn" is.
pub fn province_from_host(host: &str) -> Option<String> {
    let host = host.to_ascii_lowercase();
    let tables = &*TABLES;
    for label in host.split('.') {
        if matches!(label, "www" | "gov" | "vn" | "com" | "org" | "net" | "edu") {
            continue;
        }
        let joined = label.replace('-', "");
        let found = tables
            .host_names
            .get(&joined)
            .or_else(|| tables.host_names.get(label));
        if let Some(name) = found.and_then(|&i| PROVINCES.get(i)) {
            return Some(name.0.to_string());
        }
    }
    None
}

/// The canonical full name of the first agency a text names, abbreviations expanded:
/// "Minh Thanh – Sở TT&TT Bạc Liêu" → "Sở Thông tin và Truyền thông Bạc Liêu",
/// "UBND TP.HCM" → "Ủy ban nhân dân Thành phố Hồ Chí Minh", "Bộ TT&TT" → "Bộ Thông tin và
/// Truyền thông". A provincial body without a province named gives `None`.
pub fn canonical_agency(text: &str) -> Option<String> {
    canonical_agency_or(text, None)
}

/// Like [`canonical_agency`], completing a provincial body that names no province with
/// `default_province` (the page's province).
pub fn canonical_agency_or(text: &str, default_province: Option<&str>) -> Option<String> {
    if !may_name_agency(text) {
        return None;
    }
    let tokens = tokenize(text);
    let caps = needs_capitals(text);
    (0..tokens.len()).find_map(|at| agency_at(&tokens, at, caps, default_province))
}

/// A cheap test that a text could name an agency at all: every agency keyword starts with
/// one of these letters' forms (Sở/SỞ/So, Bộ/BỘ/Bo, UBND, Ủy/Uỷ/Uy, HĐND/HDND, Hội/Hoi,
/// VPCP, Văn/Van, Cổng/Cong, Báo/Bao, STTTT).
fn may_name_agency(text: &str) -> bool {
    // A superset test: any of these substrings (ASCII letters in any case; Vietnamese forms
    // listed in each case) may start an agency name.
    static KEYS: LazyLock<Option<aho_corasick::AhoCorasick>> = LazyLock::new(|| {
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build([
                "sở",
                "Sở",
                "SỞ",
                "bộ",
                "Bộ",
                "BỘ",
                "ubnd",
                "ủy",
                "Ủy",
                "ỦY",
                "uỷ",
                "Uỷ",
                "UỶ",
                "hđnd",
                "HĐND",
                "hội đồng",
                "Hội đồng",
                "HỘI ĐỒNG",
                "vpcp",
                "văn phòng",
                "Văn phòng",
                "VĂN PHÒNG",
                "cổng",
                "Cổng",
                "CỔNG",
                "báo điện tử",
                "Báo điện tử",
                "BÁO ĐIỆN TỬ",
                "stttt",
                "so ",
                "bo ",
                "uy ban",
                "hdnd",
                "hoi dong",
                "van phong",
                "cong thong",
                "bao dien",
            ])
            .ok()
    });
    KEYS.as_ref().is_none_or(|ac| ac.is_match(text))
}

static W: LazyLock<FxHashMap<&'static str, Vec<Word>>> = LazyLock::new(|| {
    [
        "Sở",
        "Bộ",
        "UBND",
        "Ủy ban nhân dân",
        "HĐND",
        "Hội đồng nhân dân",
        "VPCP",
        "Văn phòng Chính phủ",
        "Cổng thông tin điện tử Chính phủ",
        "Báo điện tử Chính phủ",
        "STTTT",
        "tỉnh",
        "thành phố",
        "TP",
    ]
    .into_iter()
    .map(|p| (p, words_of(p)))
    .collect()
});

fn pat(name: &str) -> &'static [Word] {
    W.get(name).map_or(&[], Vec::as_slice)
}

fn agency_at(
    tokens: &[Token],
    at: usize,
    caps: bool,
    default_province: Option<&str>,
) -> Option<String> {
    let first = tokens.get(at)?;
    let province_after = |from: usize| -> Option<String> {
        let mut i = from;
        for level in ["tỉnh", "thành phố", "TP"] {
            if let Some(len) = match_at(tokens, i, pat(level), false) {
                i += len;
                break;
            }
        }
        province_at(tokens, i, caps)
            .and_then(|(p, _)| PROVINCES.get(p))
            .map(|(n, _)| (*n).to_string())
            .or_else(|| default_province.map(str::to_string))
    };
    let department_at = |from: usize| -> Option<(usize, usize)> {
        TABLES
            .departments
            .iter()
            .find_map(|(d, p)| match_at(tokens, from, p, false).map(|len| (*d, len)))
    };
    // Keywords must be capitalised ("Sở", "Bộ"), not the common words "sở"/"bộ".
    if first.capital && match_at(tokens, at, pat("Sở"), false).is_some() {
        let (d, len) = department_at(at + 1)?;
        let province = province_after(at + 1 + len)?;
        return Some(format!("Sở {} {}", DEPARTMENTS.get(d)?.0, province));
    }
    if let Some(len) = match_at(tokens, at, pat("STTTT"), false) {
        let province = province_after(at + len)?;
        return Some(format!("Sở Thông tin và Truyền thông {province}"));
    }
    if first.capital && match_at(tokens, at, pat("Bộ"), false).is_some() {
        let (d, _) = department_at(at + 1)?;
        return Some(format!("Bộ {}", DEPARTMENTS.get(d)?.0));
    }
    for (kind, names) in [
        ("Ủy ban nhân dân", ["UBND", "Ủy ban nhân dân"]),
        ("Hội đồng nhân dân", ["HĐND", "Hội đồng nhân dân"]),
    ] {
        for n in names {
            if first.capital
                && let Some(len) = match_at(tokens, at, pat(n), false)
            {
                let province = province_after(at + len)?;
                let level = if province == "Hồ Chí Minh" {
                    "Thành phố"
                } else if CITIES.contains(&province.as_str()) {
                    "thành phố"
                } else {
                    "tỉnh"
                };
                return Some(format!("{kind} {level} {province}"));
            }
        }
    }
    for n in [
        "VPCP",
        "Văn phòng Chính phủ",
        "Cổng thông tin điện tử Chính phủ",
        "Báo điện tử Chính phủ",
    ] {
        if first.capital && match_at(tokens, at, pat(n), false).is_some() {
            return Some("Văn phòng Chính phủ".to_string());
        }
    }
    None
}

/// The canonical name of a province given as written ("Khánh Hoà", "TP.HCM"), if it is one.
pub fn canonical_province(name: &str) -> Option<String> {
    let tokens = tokenize(name);
    province_at(&tokens, 0, false)
        .filter(|(_, len)| *len == tokens.len())
        .and_then(|(p, _)| PROVINCES.get(p))
        .map(|(n, _)| (*n).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_character_classes_agree_with_std() {
        for c in (0..0x11_0000).filter_map(char::from_u32) {
            assert_eq!(
                is_alphanumeric(c),
                c.is_alphanumeric(),
                "U+{:04X}",
                c as u32
            );
            assert_eq!(
                capital_or_digit(c),
                c.is_uppercase() || c.is_numeric(),
                "U+{:04X}",
                c as u32
            );
        }
        // An ASCII word's key is its ASCII lowercase.
        for w in ["TT&TT", "Sở", "UBND", "Hcm", "x1-Y2", "KH&CN", "a&b-c"] {
            if w.is_ascii() {
                assert_eq!(match_key(w), w.to_ascii_lowercase(), "{w}");
            }
        }
    }

    proptest::proptest! {
        /// Any ASCII word the tokenizer can cut (letters, digits, '&', '-') keys as its lowercase.
        #[test]
        fn ascii_keys_are_lowercase(w in "[A-Za-z0-9&-]{1,12}") {
            proptest::prop_assert_eq!(match_key(&w), w.to_ascii_lowercase());
        }
    }

    #[test]
    fn there_are_63_provinces() {
        assert_eq!(PROVINCES.len(), 63);
    }

    #[test]
    fn abbreviations_expand() {
        let cases = [
            (
                "Minh Thanh – Sở TT&TT Bạc Liêu",
                "Sở Thông tin và Truyền thông Bạc Liêu",
            ),
            ("Sở KH&ĐT tỉnh Đồng Nai", "Sở Kế hoạch và Đầu tư Đồng Nai"),
            ("Sở GD&ĐT Hà Nội", "Sở Giáo dục và Đào tạo Hà Nội"),
            (
                "Sở Thông tin và Truyền thông tỉnh Bạc Liêu",
                "Sở Thông tin và Truyền thông Bạc Liêu",
            ),
            (
                "Sở LĐ-TB&XH TP.HCM",
                "Sở Lao động - Thương binh và Xã hội Hồ Chí Minh",
            ),
            (
                "Sở VH-TT&DL Thừa Thiên - Huế",
                "Sở Văn hóa, Thể thao và Du lịch Thừa Thiên Huế",
            ),
            ("UBND tỉnh Bạc Liêu", "Ủy ban nhân dân tỉnh Bạc Liêu"),
            (
                "Uỷ ban nhân dân TP Hà Nội",
                "Ủy ban nhân dân thành phố Hà Nội",
            ),
            ("UBND TP.HCM", "Ủy ban nhân dân Thành phố Hồ Chí Minh"),
            ("HĐND tỉnh Nghệ An", "Hội đồng nhân dân tỉnh Nghệ An"),
            ("Bộ TT&TT", "Bộ Thông tin và Truyền thông"),
            ("Bộ TN&MT", "Bộ Tài nguyên và Môi trường"),
            ("Bộ Khoa học và Công nghệ", "Bộ Khoa học và Công nghệ"),
            ("Cổng Thông tin điện tử Chính phủ", "Văn phòng Chính phủ"),
            ("So TT&TT Bac Lieu", "Sở Thông tin và Truyền thông Bạc Liêu"),
            (
                "Sở TN&MT Bà Rịa - Vũng Tàu",
                "Sở Tài nguyên và Môi trường Bà Rịa - Vũng Tàu",
            ),
            (
                "Sở TT & TT Khánh Hoà",
                "Sở Thông tin và Truyền thông Khánh Hòa",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(canonical_agency(input).as_deref(), Some(want), "{input}");
        }
        assert_eq!(canonical_agency("số 43 của bộ phận"), None);
        assert_eq!(canonical_agency("Sở TT&TT"), None);
        assert_eq!(
            canonical_agency_or("Sở TT&TT", Some("Cà Mau")).as_deref(),
            Some("Sở Thông tin và Truyền thông Cà Mau")
        );
        assert_eq!(canonical_agency(""), None);
    }

    #[test]
    fn provinces_in_text_and_hosts() {
        assert_eq!(
            find_province("Sở TT&TT tỉnh Khánh Hoà").as_deref(),
            Some("Khánh Hòa")
        );
        assert_eq!(
            find_province("UBND TP.HCM họp").as_deref(),
            Some("Hồ Chí Minh")
        );
        assert_eq!(
            find_province("Tỉnh Cà Mau và tỉnh Bạc Liêu; Bạc Liêu dẫn đầu").as_deref(),
            Some("Bạc Liêu")
        );
        assert_eq!(find_province("vì hòa bình và phát triển"), None);
        assert_eq!(
            find_province("Thừa Thiên - Huế").as_deref(),
            Some("Thừa Thiên Huế")
        );
        assert_eq!(
            province_from_host("stttt.baclieu.gov.vn").as_deref(),
            Some("Bạc Liêu")
        );
        assert_eq!(
            province_from_host("www.hanoi.gov.vn").as_deref(),
            Some("Hà Nội")
        );
        assert_eq!(province_from_host("mic.gov.vn"), None);
        assert_eq!(
            canonical_province("Khánh Hoà").as_deref(),
            Some("Khánh Hòa")
        );
        assert_eq!(canonical_province("Khánh Hoà xinh"), None);
    }
}
