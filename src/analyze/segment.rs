//! Vietnamese word segmentation: deciding which space-separated syllables form one word.
//!
//! Written Vietnamese puts spaces between syllables, not words ("công nghệ thông tin" is two
//! words), so the index needs a segmenter to offer compound words alongside syllables, and
//! `tracuu segment` exposes it for scoring against gold data.
//!
//! The model is a linear classifier over each gap between two adjacent syllables (join or
//! split). Its features are the pyvi dictionary (does a word cover the gap, where do forward and
//! backward longest matching put boundaries), bigram statistics counted from the VNTC news corpus
//! (count and PMI buckets), how often the UD Vietnamese-VTB train split joins or splits the pair,
//! the case shape of both syllables and the syllables themselves. The weights are trained by
//! `tools/build_segment_model.py`, which also documents the binary layout of
//! `data/segment/model.bin`; the feature definitions here must stay identical to that script's
//! `run_features`.
//!
//! The model file is compiled into the binary and read in place: its hash tables are probed
//! directly in the static bytes, so loading only decodes the (small) weight arrays.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

use crate::error::{Error, Result};

static MODEL_BYTES: &[u8] = include_bytes!("../../data/segment/model.bin");

/// Longest dictionary word the model looks up, in syllables (keys pack 16 bits per syllable).
const MAX_WORD: usize = 4;

// Bits of a key-table value (see the build script).
const VAL_WORD: u32 = 1;
const VAL_PREFIX: u32 = 2;
/// A word, or a prefix of a word, from the user's extra dictionary (never in the shipped file).
const VAL_EXTRA_WORD: u32 = 1 << 6;
const VAL_EXTRA_PREFIX: u32 = 1 << 7;

// Offsets of the dense feature templates; must match the build script.
const T_BIAS: usize = 0;
const T_SHAPE: usize = T_BIAS + 1;
const T_DICT: usize = T_SHAPE + 32;
const T_VTB: usize = T_DICT + 40;
const T_PMI: usize = T_VTB + 32;
const T_CNT: usize = T_PMI + 20;
const T_SHD: usize = T_CNT + 16;
const T_NEI: usize = T_SHD + 64;
const T_PMC: usize = T_NEI + 32;
const N_DENSE: usize = T_PMC + 18;

/// Punctuation tokens after which the next syllable starts a sentence (so its capital letter
/// says nothing about names).
const SENTENCE_BREAK_PUNCT: &str = ".!?:;\"“”‘’'()[]-–—…*•";

/// The hash tables of the model file, borrowed from the file's bytes.
struct Tables<'a> {
    blob: &'a [u8],
    syl_slots: &'a [u8],
    syl_mask: usize,
    keys: &'a [u8],
    vals: &'a [u8],
    key_bits: u32,
    nsyl: u32,
}

impl Tables<'static> {
    fn empty() -> Self {
        Tables {
            blob: &[],
            syl_slots: &[],
            syl_mask: 0,
            keys: &[],
            vals: &[],
            key_bits: 0,
            nsyl: 0,
        }
    }
}

fn read_u32(b: &[u8], off: usize) -> Option<u32> {
    let s = b.get(off..off.checked_add(4)?)?;
    Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

fn read_u64(b: &[u8], off: usize) -> Option<u64> {
    let s = b.get(off..off.checked_add(8)?)?;
    let mut a = [0u8; 8];
    a.copy_from_slice(s);
    Some(u64::from_le_bytes(a))
}

fn read_f32s(b: &[u8], off: usize, n: usize) -> Option<Vec<f32>> {
    let s = b.get(off..off.checked_add(n.checked_mul(4)?)?)?;
    Some(
        s.chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect(),
    )
}

fn fnv1a(data: &[u8]) -> u64 {
    let mut h: u64 = 0xCBF2_9CE4_8422_2325;
    for &b in data {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01B3);
    }
    h
}

/// Parsed model: tables in place plus decoded weights.
struct Parsed {
    tables: Tables<'static>,
    dense: Vec<f32>,
    left: Vec<f32>,
    right: Vec<f32>,
}

fn parse(bytes: &'static [u8]) -> Option<Parsed> {
    if bytes.get(0..4)? != b"TRSG" || read_u32(bytes, 4)? != 1 {
        return None;
    }
    let nsyl = read_u32(bytes, 8)?;
    let sb = read_u32(bytes, 12)?;
    let kb = read_u32(bytes, 20)?;
    let nd = read_u32(bytes, 24)? as usize;
    if sb >= 32 || kb >= 32 || nd != N_DENSE || nsyl >= 0xFFFF {
        return None;
    }
    let mut off = 28;
    let blob_len = read_u32(bytes, off)? as usize;
    off += 4;
    let blob = bytes.get(off..off.checked_add(blob_len)?)?;
    off += blob_len;
    let syl_len = (1usize << sb) * 12;
    let syl_slots = bytes.get(off..off + syl_len)?;
    off += syl_len;
    let nkeys = 1usize << kb;
    let keys = bytes.get(off..off + nkeys * 8)?;
    off += nkeys * 8;
    let vals = bytes.get(off..off + nkeys * 4)?;
    off += nkeys * 4;
    let dense = read_f32s(bytes, off, nd)?;
    off += nd * 4;
    let nw = nsyl as usize + 1;
    let left = read_f32s(bytes, off, nw)?;
    off += nw * 4;
    let right = read_f32s(bytes, off, nw)?;
    Some(Parsed {
        tables: Tables {
            blob,
            syl_slots,
            syl_mask: (1usize << sb) - 1,
            keys,
            vals,
            key_bits: kb,
            nsyl,
        },
        dense,
        left,
        right,
    })
}

impl Tables<'_> {
    /// Id of a canonical (lowercase NFC) syllable, 0 when unknown.
    fn syllable(&self, s: &str) -> u32 {
        if self.syl_slots.is_empty() {
            return 0;
        }
        let mut i = fnv1a(s.as_bytes()) as usize & self.syl_mask;
        for _ in 0..=self.syl_mask {
            let base = i * 12;
            let (Some(off), Some(len), Some(id)) = (
                read_u32(self.syl_slots, base),
                read_u32(self.syl_slots, base + 4),
                read_u32(self.syl_slots, base + 8),
            ) else {
                return 0;
            };
            if id == 0 {
                return 0;
            }
            if len as usize == s.len() {
                let (off, len) = (off as usize, len as usize);
                if self.blob.get(off..off + len) == Some(s.as_bytes()) {
                    return id;
                }
            }
            i = (i + 1) & self.syl_mask;
        }
        0
    }

    /// Value bits stored for a packed key (0 when absent).
    fn value(&self, key: u64) -> u32 {
        if self.key_bits == 0 {
            return 0;
        }
        let mask = (1usize << self.key_bits) - 1;
        let mut i = (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - self.key_bits)) as usize;
        for _ in 0..=mask {
            match read_u64(self.keys, i * 8) {
                Some(0) | None => return 0,
                Some(k) if k == key => return read_u32(self.vals, i * 4).unwrap_or(0),
                Some(_) => i = (i + 1) & mask,
            }
        }
        0
    }
}

/// What the segmenter needs to know of one input token.
#[derive(Clone, Copy, Default)]
struct Tok {
    /// Syllable id, 0 when unknown to the model.
    id: u32,
    /// 0 lower, 1 Title, 2 UPPER, 3 mixed.
    shape: u8,
    /// Made of letters only: may be joined with its neighbours.
    alpha: bool,
    /// Punctuation that ends a sentence or clause.
    breaks: bool,
}

/// Per-call working memory, so the per-syllable work does not allocate.
#[derive(Default)]
struct Scratch {
    longest: Vec<u8>,
    longest_end: Vec<u8>,
    words: Vec<u8>,
    cover: Vec<u8>,
    fmm: Vec<bool>,
    bmm: Vec<bool>,
    bis: Vec<u32>,
}

/// The word segmenter: a model compiled into the binary, optionally extended by user words.
pub struct Segmenter {
    tables: Tables<'static>,
    dense: Vec<f32>,
    left: Vec<f32>,
    right: Vec<f32>,
    /// Syllables of user words that the model does not know, with ids after the model's.
    extra_syllables: HashMap<String, u32>,
    /// Value bits of user words and their prefixes, or-ed into the model's.
    extra_keys: HashMap<u64, u32>,
}

impl Segmenter {
    fn builtin() -> Segmenter {
        match parse(MODEL_BYTES) {
            Some(p) => Segmenter {
                tables: p.tables,
                dense: p.dense,
                left: p.left,
                right: p.right,
                extra_syllables: HashMap::new(),
                extra_keys: HashMap::new(),
            },
            // A corrupt built-in model is a build error caught by the unit tests; at run time
            // it degrades to one word per syllable rather than failing.
            None => Segmenter {
                tables: Tables::empty(),
                dense: vec![-1.0; N_DENSE],
                left: vec![0.0],
                right: vec![0.0],
                extra_syllables: HashMap::new(),
                extra_keys: HashMap::new(),
            },
        }
    }

    /// The built-in model, loaded once (OnceLock) from data compiled into the binary (include_bytes!/include_str!); loading must take a few ms at most.
    pub fn global() -> &'static Segmenter {
        static GLOBAL: OnceLock<Segmenter> = OnceLock::new();
        GLOBAL.get_or_init(Segmenter::builtin)
    }

    /// The built-in model plus extra words from a user file (one word per line, syllables separated by spaces or `_`).
    ///
    /// A user word is always joined where it occurs (longest user word first); only its first
    /// four syllables are used. Empty lines and lines starting with `#` are skipped.
    pub fn with_extra_words(path: &Path) -> Result<Segmenter> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let mut seg = Segmenter::builtin();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut ids = Vec::new();
            for syl in line.split(|c: char| c == '_' || c.is_whitespace()) {
                if syl.is_empty() {
                    continue;
                }
                let canon = canonical(syl);
                if !canon.chars().all(char::is_alphabetic) {
                    return Err(Error::Input(format!(
                        "{}:{}: `{line}` is not a word of letters (syllables separated by spaces or `_`)",
                        path.display(),
                        n + 1
                    )));
                }
                ids.push(seg.intern(&canon, path)?);
            }
            if ids.len() < 2 {
                continue; // a one-syllable word never changes a segmentation
            }
            ids.truncate(MAX_WORD);
            let mut key = 0u64;
            for (k, &id) in ids.iter().enumerate() {
                key = (key << 16) | u64::from(id);
                if k + 1 == ids.len() {
                    *seg.extra_keys.entry(key).or_insert(0) |= VAL_WORD | VAL_EXTRA_WORD;
                } else if k > 0 {
                    *seg.extra_keys.entry(key).or_insert(0) |= VAL_PREFIX | VAL_EXTRA_PREFIX;
                }
            }
        }
        Ok(seg)
    }

    /// Id of a canonical syllable, adding it to the user syllables when the model lacks it.
    fn intern(&mut self, canon: &str, path: &Path) -> Result<u32> {
        let id = self.tables.syllable(canon);
        if id != 0 {
            return Ok(id);
        }
        if let Some(&id) = self.extra_syllables.get(canon) {
            return Ok(id);
        }
        let id = self.tables.nsyl + 1 + self.extra_syllables.len() as u32;
        if id > 0xFFFF {
            return Err(Error::Input(format!(
                "{}: too many new syllables in the extra word list (at most {})",
                path.display(),
                0xFFFF - self.tables.nsyl
            )));
        }
        self.extra_syllables.insert(canon.to_string(), id);
        Ok(id)
    }

    fn syllable_id(&self, canon: &str) -> u32 {
        let id = self.tables.syllable(canon);
        if id == 0 && !self.extra_syllables.is_empty() {
            return self.extra_syllables.get(canon).copied().unwrap_or(0);
        }
        id
    }

    fn value(&self, key: u64) -> u32 {
        let v = self.tables.value(key);
        if self.extra_keys.is_empty() {
            v
        } else {
            v | self.extra_keys.get(&key).copied().unwrap_or(0)
        }
    }

    /// Segments one run of syllables (lowercase NFC words without punctuation, in order) into words.
    /// Returns word lengths in syllables, summing to `syllables.len()`. Never panics, any input.
    pub fn segment(&self, syllables: &[&str]) -> Vec<usize> {
        let mut buf = String::new();
        let toks: Vec<Tok> = syllables
            .iter()
            .map(|s| self.token_info(s, &mut buf))
            .collect();
        let mut joins = vec![false; toks.len().saturating_sub(1)];
        self.decide(&toks, &mut joins, true);
        let mut lengths = Vec::with_capacity(toks.len());
        let mut len = 0;
        for i in 0..toks.len() {
            len += 1;
            if i + 1 == toks.len() || !joins.get(i).copied().unwrap_or(false) {
                lengths.push(len);
                len = 0;
            }
        }
        lengths
    }

    /// One line of whitespace-separated tokens (gold-style input): same tokens in the same order, the spaces inside a word replaced by `_`.
    /// Tokens that are punctuation or numbers are never joined with words. Case and normalisation of the output are those of the input.
    pub fn segment_line(&self, line: &str) -> String {
        let mut buf = String::new();
        let words: Vec<&str> = line.split_whitespace().collect();
        let toks: Vec<Tok> = words.iter().map(|w| self.token_info(w, &mut buf)).collect();
        let mut joins = vec![false; toks.len().saturating_sub(1)];
        self.decide(&toks, &mut joins, true);
        let mut out = String::with_capacity(line.len());
        for (i, w) in words.iter().enumerate() {
            if i > 0 {
                out.push(if joins.get(i - 1).copied().unwrap_or(false) {
                    '_'
                } else {
                    ' '
                });
            }
            out.push_str(w);
        }
        out
    }

    /// Classifies one token; `buf` is reused for its lowercase form.
    fn token_info(&self, tok: &str, buf: &mut String) -> Tok {
        let nfc: Cow<str> = match is_nfc_quick(tok.chars()) {
            IsNormalized::Yes => Cow::Borrowed(tok),
            _ => Cow::Owned(tok.nfc().collect()),
        };
        let mut alpha = !nfc.is_empty();
        let mut upper = 0usize;
        let mut lower = 0usize;
        let mut first_upper = false;
        for (k, c) in nfc.chars().enumerate() {
            if !c.is_alphabetic() {
                alpha = false;
                break;
            }
            if c.is_uppercase() {
                upper += 1;
                if k == 0 {
                    first_upper = true;
                }
            } else if c.is_lowercase() {
                lower += 1;
            }
        }
        if !alpha {
            let breaks = !tok.is_empty() && tok.chars().all(|c| SENTENCE_BREAK_PUNCT.contains(c));
            return Tok {
                breaks,
                ..Tok::default()
            };
        }
        let shape = if upper == 0 {
            0
        } else if first_upper && upper == 1 {
            1
        } else if lower == 0 {
            2
        } else {
            3
        };
        let canon: &str = if upper == 0 {
            &nfc
        } else {
            buf.clear();
            for c in nfc.chars() {
                buf.extend(c.to_lowercase());
            }
            buf
        };
        Tok {
            id: self.syllable_id(canon),
            shape,
            alpha: true,
            breaks: false,
        }
    }

    /// Fills `joins` (one per gap between tokens) for every run of alphabetic tokens.
    fn decide(&self, toks: &[Tok], joins: &mut [bool], line_start: bool) {
        let mut scratch = Scratch::default();
        let mut i = 0;
        while i < toks.len() {
            if !toks[i].alpha {
                i += 1;
                continue;
            }
            let mut j = i;
            while j < toks.len() && toks[j].alpha {
                j += 1;
            }
            let first = if i == 0 {
                line_start
            } else {
                toks[i - 1].breaks
            };
            if j - i >= 2
                && let Some(js) = joins.get_mut(i..j - 1)
            {
                self.decide_run(&toks[i..j], first, js, &mut scratch);
            }
            i = j;
        }
    }

    /// The gap classifier over one run of alphabetic tokens (at least two).
    fn decide_run(&self, run: &[Tok], first: bool, joins: &mut [bool], s: &mut Scratch) {
        let n = run.len();
        s.longest.clear();
        s.longest.resize(n, 1);
        s.longest_end.clear();
        s.longest_end.resize(n, 1);
        s.words.clear();
        s.words.resize(n, 0);
        s.cover.clear();
        s.cover.resize(n - 1, 0);
        let mut any_extra = false;
        // Dictionary words starting at each position (bit L set for a word of L syllables).
        for i in 0..n {
            let mut key = u64::from(run[i].id);
            if key == 0 {
                continue;
            }
            for l in 2..=MAX_WORD {
                let j = i + l - 1;
                if j >= n || run[j].id == 0 {
                    break;
                }
                key = (key << 16) | u64::from(run[j].id);
                let v = self.value(key);
                if v & VAL_WORD != 0 {
                    s.longest[i] = l as u8;
                    s.words[i] |= 1 << l;
                    for g in i..j {
                        s.cover[g] = s.cover[g].max(l as u8);
                    }
                    s.longest_end[j] = s.longest_end[j].max(l as u8);
                }
                any_extra |= v & (VAL_EXTRA_WORD | VAL_EXTRA_PREFIX) != 0;
                if v & VAL_PREFIX == 0 {
                    break;
                }
            }
        }
        // Forward and backward longest matching: true where they put a boundary.
        s.fmm.clear();
        s.fmm.resize(n - 1, true);
        let mut i = 0;
        while i < n {
            let l = usize::from(s.longest[i]).max(1);
            for g in i..(i + l - 1).min(n - 1) {
                s.fmm[g] = false;
            }
            i += l;
        }
        s.bmm.clear();
        s.bmm.resize(n - 1, true);
        let mut j = n as isize - 1;
        while j >= 0 {
            let l = usize::from(s.longest_end[j as usize]).max(1);
            let start = (j as usize + 1).saturating_sub(l);
            for g in start..j as usize {
                s.bmm[g] = false;
            }
            j -= l as isize;
        }
        s.bis.clear();
        for g in 0..n - 1 {
            let (a, b) = (run[g].id, run[g + 1].id);
            s.bis.push(if a != 0 && b != 0 {
                self.value(u64::from(a) << 16 | u64::from(b))
            } else {
                0
            });
        }
        for g in 0..n - 1 {
            let v = s.bis[g];
            let ind = (v & VAL_WORD) as usize;
            let jb = ((v >> 2) & 3) as usize;
            let sb = ((v >> 4) & 3) as usize;
            let pb = ((v >> 8) & 15) as usize;
            let cb = ((v >> 12) & 15) as usize;
            let fb = (if s.fmm[g] { 2 } else { 0 }) + usize::from(s.bmm[g]);
            let sp = usize::from(run[g].shape) * 4 + usize::from(run[g + 1].shape);
            let fi = usize::from(first && g == 0);
            let ind_p = if g > 0 {
                (s.bis[g - 1] & VAL_WORD) as usize
            } else {
                0
            };
            let ind_n = if g + 1 < n - 1 {
                (s.bis[g + 1] & VAL_WORD) as usize
            } else {
                0
            };
            let pp = if g == 0 {
                0
            } else if (((s.bis[g - 1] >> 8) & 15) as usize) < pb {
                1
            } else {
                2
            };
            let pn = if g + 1 >= n - 1 {
                0
            } else if (((s.bis[g + 1] >> 8) & 15) as usize) < pb {
                1
            } else {
                2
            };
            let feats = [
                T_BIAS,
                T_SHAPE + sp * 2 + fi,
                T_DICT + (ind * 5 + usize::from(s.cover[g])) * 4 + fb,
                T_VTB + (jb * 4 + sb) * 2 + ind,
                T_PMI + pb.min(9) * 2 + ind,
                T_CNT + cb.min(7) * 2 + ind,
                T_SHD + (sp * 2 + ind) * 2 + (fb >> 1),
                T_NEI + (ind_p * 4 + ind * 2 + ind_n) * 4 + fb,
                T_PMC + (pp * 3 + pn) * 2 + ind,
            ];
            let mut score = 0f64;
            for f in feats {
                score += f64::from(self.dense.get(f).copied().unwrap_or(0.0));
            }
            score += f64::from(self.left.get(run[g].id as usize).copied().unwrap_or(0.0));
            score += f64::from(
                self.right
                    .get(run[g + 1].id as usize)
                    .copied()
                    .unwrap_or(0.0),
            );
            if let Some(j) = joins.get_mut(g) {
                *j = score > 0.0;
            }
        }
        if any_extra {
            self.force_extra_words(run, joins);
        }
    }

    /// Joins every user word found by forward longest matching over the user's words.
    fn force_extra_words(&self, run: &[Tok], joins: &mut [bool]) {
        let n = run.len();
        let mut i = 0;
        while i < n {
            let mut best = 1;
            let mut key = u64::from(run[i].id);
            for l in 2..=MAX_WORD {
                let j = i + l - 1;
                if key == 0 || j >= n || run[j].id == 0 {
                    break;
                }
                key = (key << 16) | u64::from(run[j].id);
                let v = self.extra_keys.get(&key).copied().unwrap_or(0);
                if v & VAL_EXTRA_WORD != 0 {
                    best = l;
                }
                if v & VAL_EXTRA_PREFIX == 0 {
                    break;
                }
            }
            if best > 1 {
                for g in i..i + best - 1 {
                    if let Some(j) = joins.get_mut(g) {
                        *j = true;
                    }
                }
            }
            i += best;
        }
    }
}

impl super::WordSegmenter for Segmenter {
    fn segment(&self, syllables: &[&str]) -> Vec<usize> {
        Segmenter::segment(self, syllables)
    }
}

/// Lowercase NFC form of a syllable (the model's tables hold both tone placements).
fn canonical(s: &str) -> String {
    s.nfc().flat_map(char::to_lowercase).collect()
}

/// Splits punctuation off raw text (for `tracuu segment --tokenize`): "Hà Nội, ngày 20/4." → "Hà Nội , ngày 20/4 ."; keeps numbers like 20/4/2009, 3,5, 43/2008/QĐ-TTg and abbreviations like TP.HCM whole.
///
/// Within a whitespace-separated chunk, punctuation at either end is split off (a run of one
/// repeated mark such as "..." stays one token); punctuation inside is kept when letters or
/// digits stand on both sides (`.`, `/`, `-`, `&`, `_`, `'`, and `,` or `:` only between
/// digits), so codes, dates, decimals, URLs and dotted abbreviations survive whole. Dotted
/// abbreviations keep their final period ("v.v.", "T.Ư."), and "%" stays on its number.
pub fn tokenize_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 8);
    for chunk in line.split_whitespace() {
        tokenize_chunk(chunk, &mut out);
    }
    out
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_mark(c)
}

/// Combining marks (NFD input) belong to the letter before them.
fn is_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20FF}')
}

fn push_token(out: &mut String, tok: &str) {
    if tok.is_empty() {
        return;
    }
    if !out.is_empty() {
        out.push(' ');
    }
    out.push_str(tok);
}

/// Pushes a run of punctuation: each maximal run of one repeated mark is one token.
fn push_punct(out: &mut String, p: &str) {
    let mut start = 0;
    let mut prev: Option<char> = None;
    for (k, c) in p.char_indices() {
        if prev.is_some_and(|q| q != c) {
            push_token(out, &p[start..k]);
            start = k;
        }
        prev = Some(c);
    }
    push_token(out, &p[start..]);
}

fn tokenize_chunk(chunk: &str, out: &mut String) {
    // Leading punctuation.
    let core_start = chunk
        .char_indices()
        .find(|&(_, c)| is_word_char(c))
        .map_or(chunk.len(), |(k, _)| k);
    if core_start == chunk.len() {
        push_punct(out, chunk);
        return;
    }
    push_punct(out, &chunk[..core_start]);
    // Trailing punctuation ("%" after a digit counts as part of the number).
    let mut core_end = chunk.len();
    for (k, c) in chunk.char_indices().rev() {
        if is_word_char(c) {
            break;
        }
        if c == '%'
            && chunk[..k]
                .chars()
                .next_back()
                .is_some_and(|d| d.is_ascii_digit())
        {
            break;
        }
        core_end = k;
    }
    let core = &chunk[core_start..core_end];
    let mut tail = &chunk[core_end..];
    // A dotted abbreviation keeps its final period: widen the core by that one byte.
    let abbrev = tail.starts_with('.') && is_dotted_abbreviation(core);
    let core_ref = if abbrev {
        tail = &tail[1..];
        &chunk[core_start..core_end + 1]
    } else {
        core
    };
    // Inside the core: split at punctuation that does not join two word characters.
    let chars: Vec<(usize, char)> = core_ref.char_indices().collect();
    let mut start = 0;
    for (idx, &(k, c)) in chars.iter().enumerate() {
        if is_word_char(c) || c == '%' {
            continue;
        }
        let before = idx
            .checked_sub(1)
            .and_then(|b| chars.get(b))
            .map(|&(_, c)| c);
        let after = chars.get(idx + 1).map(|&(_, c)| c);
        let keep = match (before, after) {
            (Some(b), Some(a)) if is_word_char(b) && is_word_char(a) => match c {
                '.' | '/' | '-' | '&' | '_' | '\'' | '’' | '@' => true,
                ',' | ':' => b.is_ascii_digit() && a.is_ascii_digit(),
                _ => false,
            },
            // the final period of a dotted abbreviation
            (Some(b), None) => c == '.' && is_word_char(b) && abbrev,
            _ => false,
        };
        if !keep {
            push_token(out, &core_ref[start..k]);
            push_token(out, &core_ref[k..k + c.len_utf8()]);
            start = k + c.len_utf8();
        }
    }
    push_token(out, &core_ref[start..]);
    push_punct(out, tail);
}

/// "v.v", "T.Ư", "Tp.HCM"-like cores made of short letter groups joined by periods, whose
/// trailing period belongs to the abbreviation rather than ending the sentence.
fn is_dotted_abbreviation(core: &str) -> bool {
    core.contains('.')
        && core.split('.').all(|part| {
            (1..=2).contains(&part.chars().count()) && part.chars().all(char::is_alphabetic)
        })
}
