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
//! the case shape of both syllables and the syllables themselves. There are two weight sets:
//! one for text with capital letters (capitals mark names, which the treebank keeps as one
//! word), one trained on lowercased text for callers that pass lowercase syllables. On the
//! UD Vietnamese-VTB dev split the word F1 is 96.8% as written, 95.1% lowercased. The weights are trained by
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

use super::normalize::LetterCase;
use super::units::Unit;
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

/// Agency head words that the treebank keeps apart from a capitalised name after them ("Sở
/// Tài_chính", "Bộ Ngoại_giao", "Báo Pháp_Luật" in its train split), where the name cue of two
/// capitals would otherwise join them. Must match HEAD_WORDS in the build script.
const HEAD_WORDS: [&str; 3] = ["sở", "bộ", "báo"];

/// Punctuation tokens after which the next syllable starts a sentence (so its capital letter
/// says nothing about names).
const SENTENCE_BREAK_PUNCT: &str = ".!?:;\"“”‘’'()[]-–—…*•";

/// The hash tables of the model file, borrowed from the file's bytes.
struct Tables<'a> {
    blob: &'a [u8],
    syl_slots: &'a [u8],
    syl_bits: u32,
    /// 6-byte slots: u32 key, u16 value.
    pair_slots: &'a [u8],
    pair_bits: u32,
    long_keys: &'a [u8],
    long_vals: &'a [u8],
    long_bits: u32,
    nsyl: u32,
}

impl Tables<'static> {
    fn empty() -> Self {
        Tables {
            blob: &[],
            syl_slots: &[],
            syl_bits: 0,
            pair_slots: &[],
            pair_bits: 0,
            long_keys: &[],
            long_vals: &[],
            long_bits: 0,
            nsyl: 0,
        }
    }
}

fn read_u16(b: &[u8], off: usize) -> Option<u16> {
    let s = b.get(off..off.checked_add(2)?)?;
    Some(u16::from_le_bytes([s[0], s[1]]))
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

/// Home slot of a packed key in a table of `1 << bits` slots (Fibonacci hashing).
fn key_slot(key: u64, bits: u32) -> usize {
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - bits)) as usize
}

/// One set of classifier weights.
struct Weights {
    /// Dense template weights, widened once to the f64 the scores are summed in.
    dense: Vec<f64>,
    /// Per syllable id: its weight as the syllable left of a gap, then right of a gap (side by
    /// side, so that the two reads of one syllable share a cache line).
    sides: Vec<[f32; 2]>,
}

impl Weights {
    /// Weights that split everything (used only if the built-in model were unreadable).
    fn split_all() -> Self {
        Weights {
            dense: vec![-1.0; N_DENSE],
            sides: vec![[0.0; 2]],
        }
    }

    /// Reads a syllable's weights ahead of their use (see [`PairTable::touch`]).
    fn touch(&self, id: u32) -> u32 {
        self.sides.get(id as usize).map_or(0, |s| s[0].to_bits())
    }

    fn left(&self, id: u32) -> f32 {
        self.sides.get(id as usize).map_or(0.0, |s| s[0])
    }

    fn right(&self, id: u32) -> f32 {
        self.sides.get(id as usize).map_or(0.0, |s| s[1])
    }
}

/// Parsed model: tables in place plus decoded weights.
struct Parsed {
    tables: Tables<'static>,
    /// For text with capital letters (case is a cue for names).
    cased: Weights,
    /// For all-lowercase text.
    lower: Weights,
}

/// Takes `len` bytes at `*off` and advances it.
fn take(bytes: &'static [u8], off: &mut usize, len: usize) -> Option<&'static [u8]> {
    let s = bytes.get(*off..off.checked_add(len)?)?;
    *off += len;
    Some(s)
}

fn parse(bytes: &'static [u8]) -> Option<Parsed> {
    if bytes.get(0..4)? != b"TRSG" || read_u32(bytes, 4)? != 4 {
        return None;
    }
    let nsyl = read_u32(bytes, 8)?;
    let sb = read_u32(bytes, 12)?;
    let pb = read_u32(bytes, 16)?;
    let lb = read_u32(bytes, 20)?;
    let nd = read_u32(bytes, 24)? as usize;
    if !(1..=30).contains(&sb)
        || !(1..=30).contains(&pb)
        || !(1..=30).contains(&lb)
        || nd != N_DENSE
        || nsyl >= 0xFFFF
    {
        return None;
    }
    let mut off = 28;
    let blob_len = read_u32(bytes, off)? as usize;
    off += 4;
    let blob = take(bytes, &mut off, blob_len)?;
    let syl_slots = take(bytes, &mut off, (1usize << sb) * 12)?;
    let pair_slots = take(bytes, &mut off, (1usize << pb) * 6)?;
    let long_keys = take(bytes, &mut off, (1usize << lb) * 8)?;
    let long_vals = take(bytes, &mut off, (1usize << lb) * 2)?;
    let nw = nsyl as usize + 1;
    let mut sets = Vec::with_capacity(2);
    for _ in 0..2 {
        let dense = read_f32s(bytes, off, nd)?
            .into_iter()
            .map(f64::from)
            .collect();
        off += nd * 4;
        let left = read_f32s(bytes, off, nw)?;
        off += nw * 4;
        let right = read_f32s(bytes, off, nw)?;
        off += nw * 4;
        let sides = left.into_iter().zip(right).map(|(l, r)| [l, r]).collect();
        sets.push(Weights { dense, sides });
    }
    let lower = sets.pop()?;
    let cased = sets.pop()?;
    Some(Parsed {
        tables: Tables {
            blob,
            syl_slots,
            syl_bits: sb,
            pair_slots,
            pair_bits: pb,
            long_keys,
            long_vals,
            long_bits: lb,
            nsyl,
        },
        cased,
        lower,
    })
}

impl Tables<'_> {
    /// Id of a canonical (lowercase NFC) syllable, 0 when unknown.
    fn syllable(&self, s: &str) -> u32 {
        if self.syl_bits == 0 {
            return 0;
        }
        let mask = (1usize << self.syl_bits) - 1;
        let h = fnv1a(s.as_bytes());
        let fp = (h >> 32) as u32;
        let mut i = h as usize & mask;
        for _ in 0..=mask {
            let base = i * 12;
            let (Some(f), Some(off), Some(lenid)) = (
                read_u32(self.syl_slots, base),
                read_u32(self.syl_slots, base + 4),
                read_u32(self.syl_slots, base + 8),
            ) else {
                return 0;
            };
            let id = lenid & 0xFFFF;
            if id == 0 {
                return 0;
            }
            if f == fp && (lenid >> 16) as usize == s.len() {
                let off = off as usize;
                if self.blob.get(off..off + s.len()) == Some(s.as_bytes()) {
                    return id;
                }
            }
            i = (i + 1) & mask;
        }
        0
    }

    /// Value bits of a syllable pair (0 when absent).
    fn pair(&self, a: u32, b: u32) -> u32 {
        if self.pair_bits == 0 {
            return 0;
        }
        let key = (a << 16) | b;
        let mask = (1usize << self.pair_bits) - 1;
        let mut i = key_slot(u64::from(key), self.pair_bits);
        for _ in 0..=mask {
            match read_u32(self.pair_slots, i * 6) {
                Some(0) | None => return 0,
                Some(k) if k == key => {
                    return u32::from(read_u16(self.pair_slots, i * 6 + 4).unwrap_or(0));
                }
                Some(_) => i = (i + 1) & mask,
            }
        }
        0
    }

    /// Reads the home slot of a long key ahead of its lookup (see [`PairTable::touch`]).
    fn touch_long(&self, key: u64) -> u32 {
        if self.long_bits == 0 {
            return 0;
        }
        let i = key_slot(key, self.long_bits);
        u32::from(self.long_keys.get(i * 8).copied().unwrap_or(0))
            ^ u32::from(self.long_vals.get(i * 2).copied().unwrap_or(0))
    }

    /// Value bits of a packed key of three or four syllables (0 when absent).
    fn long(&self, key: u64) -> u32 {
        if self.long_bits == 0 {
            return 0;
        }
        let mask = (1usize << self.long_bits) - 1;
        let mut i = key_slot(key, self.long_bits);
        for _ in 0..=mask {
            match read_u64(self.long_keys, i * 8) {
                Some(0) | None => return 0,
                Some(k) if k == key => {
                    return u32::from(read_u16(self.long_vals, i * 2).unwrap_or(0));
                }
                Some(_) => i = (i + 1) & mask,
            }
        }
        0
    }
}

/// Entries in one bucket of [`PairTable`]: 16 × 4 bytes, one cache line.
const PAIR_BUCKET: usize = 16;

/// One cache line of [`PairTable`] entries.
#[derive(Clone, Copy, Default)]
#[repr(align(64))]
struct PairBucket([u32; PAIR_BUCKET]);

/// The model's syllable pairs, rebuilt at load time in a quarter of the file's space, so that
/// the table stays in a core's second-level cache: every lookup reads one cache line.
///
/// A key (`id_a << 16 | id_b`) is first mixed by multiplying with an odd constant, a bijection
/// of `u32`: the top `bucket_bits` bits of the result choose the bucket, the other bits (the
/// remainder) are stored, and with the bucket they give back the whole key, so a match is exact.
/// An entry is `remainder << bucket_bits | value index + 1` (0 is empty); the model's values
/// take a few hundred distinct forms, kept in `values`. Pairs beyond a full bucket are kept,
/// sorted, in `overflow`, looked at only for buckets marked in `spilled`.
struct PairTable {
    buckets: Vec<PairBucket>,
    bucket_bits: u32,
    values: Vec<u16>,
    spilled: Vec<u64>,
    overflow: Vec<(u32, u16)>,
}

/// Odd multiplier of [`PairTable`] (the 32-bit golden ratio).
const PAIR_MIX: u32 = 0x9E37_79B9;

impl PairTable {
    /// The pairs of the model's table, or `None` if its values do not fit the entry layout.
    fn build(tables: &Tables<'_>) -> Option<PairTable> {
        let mut pairs = Vec::new();
        for slot in tables.pair_slots.chunks_exact(6) {
            let key = u32::from_le_bytes([slot[0], slot[1], slot[2], slot[3]]);
            if key != 0 {
                pairs.push((key, u16::from_le_bytes([slot[4], slot[5]])));
            }
        }
        // About 13 pairs a bucket on average, so that few buckets overflow.
        let bucket_bits = (pairs.len() / 13)
            .max(1)
            .next_power_of_two()
            .trailing_zeros()
            .max(10);
        // Index (from 1) of each distinct value in `values`, by value.
        let mut index = vec![0u32; 1 << 16];
        let mut values = Vec::new();
        let mut buckets = vec![PairBucket::default(); 1 << bucket_bits];
        let mut spilled = vec![0u64; buckets.len().div_ceil(64)];
        let mut overflow = Vec::new();
        for &(key, value) in &pairs {
            let vi = match index.get_mut(usize::from(value)) {
                Some(vi) if *vi == 0 => {
                    values.push(value);
                    *vi = values.len() as u32;
                    *vi
                }
                Some(vi) => *vi,
                None => return None,
            };
            if vi >= 1 << bucket_bits {
                return None;
            }
            let (b, rem) = Self::place(key, bucket_bits);
            let bucket = &mut buckets[b].0;
            match bucket.iter_mut().find(|e| **e == 0) {
                Some(e) => *e = (rem << bucket_bits) | vi,
                None => {
                    spilled[b / 64] |= 1 << (b % 64);
                    overflow.push((key, value));
                }
            }
        }
        overflow.sort_unstable();
        Some(PairTable {
            buckets,
            bucket_bits,
            values,
            spilled,
            overflow,
        })
    }

    /// Bucket and remainder of a key.
    fn place(key: u32, bucket_bits: u32) -> (usize, u32) {
        let h = key.wrapping_mul(PAIR_MIX);
        (
            (h >> (32 - bucket_bits)) as usize,
            h & (u32::MAX >> bucket_bits),
        )
    }

    /// Reads the first entry of a key's bucket, so that the lookup of the key soon after finds
    /// the bucket in the cache: a run's pairs are touched first, their misses overlapping,
    /// before the classifier waits for each in turn.
    fn touch(&self, key: u32) -> u32 {
        let (b, _) = Self::place(key, self.bucket_bits);
        self.buckets.get(b).map_or(0, |bucket| bucket.0[0])
    }

    /// Value bits of a syllable pair (0 when absent), as `Tables::pair` gives them.
    fn get(&self, key: u32) -> u32 {
        let (b, rem) = Self::place(key, self.bucket_bits);
        let Some(bucket) = self.buckets.get(b) else {
            return 0;
        };
        let vmask = (1u32 << self.bucket_bits) - 1;
        let want = rem << self.bucket_bits;
        // At most one entry matches (remainders are unique within a bucket); no branch per entry.
        let mut vi = 0;
        for &e in &bucket.0 {
            let hit = e & !vmask == want && e & vmask != 0;
            vi |= if hit { e & vmask } else { 0 };
        }
        if vi != 0 {
            return self
                .values
                .get(vi as usize - 1)
                .map_or(0, |&v| u32::from(v));
        }
        if self
            .spilled
            .get(b / 64)
            .is_some_and(|w| w >> (b % 64) & 1 != 0)
        {
            return match self.overflow.binary_search_by_key(&key, |&(k, _)| k) {
                Ok(i) => u32::from(self.overflow[i].1),
                Err(_) => 0,
            };
        }
        0
    }
}

/// Slots of [`HotTables`] (as a power of two): 4096 syllables in 64 KB per thread, small
/// enough to stay in a core's second-level cache next to the text being analysed.
const HOT_SYLLABLE_BITS: u32 = 12;

/// Longest syllable (in bytes) that [`HotTables`] keeps; longer ones (rare: Vietnamese
/// syllables take at most about ten bytes) are looked up in the model's table every time.
const HOT_SYLLABLE_BYTES: usize = 12;

/// One syllable of [`HotTables`]: its bytes (zero-padded, little-endian) with its length and
/// id, in 16 bytes so that four share a cache line.
#[derive(Clone, Copy)]
struct HotSyllable {
    low: u64,
    high: u32,
    /// Length in bytes << 16 | id (`u32::MAX` when empty: no syllable has that length).
    len_id: u32,
}

/// A cache of the model's syllable ids for the syllables a thread saw last. Text repeats a few
/// thousand syllables, while the model's syllable table (with its string blob, about a
/// megabyte) misses the CPU caches on almost every probe. The cache is direct-mapped and holds
/// exact keys, so a hit gives what the table gives. (Pairs need no such cache: [`PairTable`]
/// is small enough to stay cached itself.)
struct HotTables {
    /// The model the entries come from (the address of its syllable slots).
    model: usize,
    syllables: Vec<HotSyllable>,
}

impl Default for HotTables {
    fn default() -> Self {
        HotTables {
            model: 0,
            syllables: vec![
                HotSyllable {
                    low: 0,
                    high: 0,
                    len_id: u32::MAX,
                };
                1 << HOT_SYLLABLE_BITS
            ],
        }
    }
}

impl HotTables {
    /// Forgets entries of another model (a thread may use several segmenters).
    fn bind(&mut self, tables: &Tables<'_>) {
        let model = tables.syl_slots.as_ptr() as usize;
        if self.model != model {
            *self = HotTables {
                model,
                ..HotTables::default()
            };
        }
    }

    /// `tables.syllable(s)`, from the cache when `s` was seen lately.
    fn syllable(&mut self, tables: &Tables<'_>, s: &str) -> u32 {
        let bytes = s.as_bytes();
        if bytes.len() > HOT_SYLLABLE_BYTES {
            return tables.syllable(s);
        }
        let mut packed = [0u8; 16];
        packed[..bytes.len()].copy_from_slice(bytes);
        let key = u128::from_le_bytes(packed);
        let (low, high) = (key as u64, (key >> 64) as u32);
        // A cheap hash of the packed bytes; the model's own (FNV-1a) only on a miss.
        let folded = low ^ u64::from(high).rotate_left(29);
        let slot = key_slot(folded, HOT_SYLLABLE_BITS);
        let len = bytes.len() as u32;
        if let Some(e) = self.syllables.get(slot)
            && e.low == low
            && e.high == high
            && e.len_id >> 16 == len
        {
            return e.len_id & 0xFFFF;
        }
        let id = tables.syllable(s);
        if let Some(e) = self.syllables.get_mut(slot) {
            *e = HotSyllable {
                low,
                high,
                len_id: len << 16 | (id & 0xFFFF),
            };
        }
        id
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

/// Working memory reused across calls (one per thread), so segmenting does not allocate
/// except for its result.
#[derive(Default)]
struct Scratch {
    toks: Vec<Tok>,
    /// One flag per token: joined with the next one (the last is always false).
    joins: Vec<bool>,
    buf: String,
    spans: Vec<(usize, usize)>,
    /// One per token (the gap after it): filled afresh for all runs of a call at once.
    gaps: Vec<Gap>,
    /// One per token.
    ends: Vec<Ends>,
    hot: HotTables,
}

/// What the gap classifier gathers about the gap after a token.
#[derive(Clone, Copy)]
struct Gap {
    /// Value bits of the two syllables around the gap.
    value: u32,
    /// Syllables of the longest dictionary word over the gap (0 when none).
    cover: u8,
    /// Forward longest matching puts a boundary here (bit 2), backward longest matching (bit 1).
    boundary: u8,
}

impl Gap {
    const FRESH: Gap = Gap {
        value: 0,
        cover: 0,
        boundary: 3,
    };
}

/// The longest dictionary words that start and that end at a token, in syllables (1 when none).
#[derive(Clone, Copy)]
struct Ends {
    longest: u8,
    longest_end: u8,
}

impl Ends {
    const FRESH: Ends = Ends {
        longest: 1,
        longest_end: 1,
    };
}

/// The word segmenter: a model compiled into the binary, optionally extended by user words.
pub struct Segmenter {
    tables: Tables<'static>,
    /// The model's pairs, compact (`None` only if the model's values did not fit it).
    pairs: Option<PairTable>,
    cased: Weights,
    lower: Weights,
    /// Ids of [`HEAD_WORDS`] (0 where the model lacks one).
    head_ids: [u32; 3],
    /// Syllables of user words that the model does not know, with ids after the model's.
    extra_syllables: HashMap<String, u32>,
    /// Value bits of user words and their prefixes, or-ed into the model's.
    extra_keys: HashMap<u64, u32>,
}

impl Segmenter {
    fn builtin() -> Segmenter {
        let mut seg = Segmenter::from_model();
        let ids = HEAD_WORDS.map(|w| seg.tables.syllable(w));
        seg.head_ids = ids;
        seg
    }

    fn from_model() -> Segmenter {
        match parse(MODEL_BYTES) {
            Some(p) => Segmenter {
                pairs: PairTable::build(&p.tables),
                tables: p.tables,
                cased: p.cased,
                lower: p.lower,
                head_ids: [0; 3],
                extra_syllables: HashMap::new(),
                extra_keys: HashMap::new(),
            },
            // A corrupt built-in model is a build error caught by the unit tests; at run time
            // it degrades to one word per syllable rather than failing.
            None => Segmenter {
                tables: Tables::empty(),
                pairs: None,
                cased: Weights::split_all(),
                lower: Weights::split_all(),
                head_ids: [0; 3],
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

    fn syllable_id(&self, canon: &str, hot: &mut HotTables) -> u32 {
        let id = hot.syllable(&self.tables, canon);
        if id == 0 && !self.extra_syllables.is_empty() {
            return self.extra_syllables.get(canon).copied().unwrap_or(0);
        }
        id
    }

    /// Value bits of a packed key of two to four syllable ids.
    fn value(&self, key: u64) -> u32 {
        let v = if key >> 32 == 0 {
            match &self.pairs {
                Some(pairs) => pairs.get(key as u32),
                None => self.tables.pair((key >> 16) as u32, key as u32 & 0xFFFF),
            }
        } else {
            self.tables.long(key)
        };
        if self.extra_keys.is_empty() {
            v
        } else {
            v | self.extra_keys.get(&key).copied().unwrap_or(0)
        }
    }

    /// Segments one run of syllables (lowercase NFC words without punctuation, in order) into words.
    /// Returns word lengths in syllables, summing to `syllables.len()`. Never panics, any input.
    ///
    /// Syllables in their original case are accepted too and segment better (names): the
    /// lowercase weights are used only when no syllable has a capital letter.
    pub fn segment(&self, syllables: &[&str]) -> Vec<usize> {
        with_scratch(|s| {
            s.hot.bind(&self.tables);
            s.toks.clear();
            for syl in syllables {
                let t = self.token_info(syl, &mut s.buf, &mut s.hot);
                s.toks.push(t);
            }
            self.decide(s);
            let mut lengths = Vec::with_capacity(s.toks.len());
            word_lengths(s.toks.len(), &s.joins, &mut lengths);
            lengths
        })
    }

    /// [`segment`](Self::segment) for a run of scanned units, taking a syllable in plain
    /// letters by its canonical form and case from the scanner. The model's syllable table
    /// holds both tone placements under one id, so the canonical form finds the same id as the
    /// syllable's lowercase as written.
    pub fn segment_units(&self, text: &str, run: &[Unit], lengths: &mut Vec<usize>) {
        with_scratch(|s| {
            s.hot.bind(&self.tables);
            s.toks.clear();
            for u in run {
                let t = match u {
                    // The user's extra syllables are known by their lowercase as written only.
                    Unit::Syllable {
                        norm,
                        case: Some(case),
                        ..
                    } if self.extra_syllables.is_empty() => Tok {
                        id: self.syllable_id(norm, &mut s.hot),
                        shape: match case {
                            LetterCase::Lower => 0,
                            LetterCase::Title => 1,
                            LetterCase::Upper => 2,
                            LetterCase::Mixed => 3,
                        },
                        alpha: true,
                        breaks: false,
                    },
                    Unit::Syllable { start, end, .. } | Unit::Protected { start, end, .. } => self
                        .token_info(text.get(*start..*end).unwrap_or(""), &mut s.buf, &mut s.hot),
                    Unit::Break => Tok::default(),
                };
                s.toks.push(t);
            }
            self.decide(s);
            word_lengths(s.toks.len(), &s.joins, lengths);
        })
    }

    /// One line of whitespace-separated tokens (gold-style input): same tokens in the same order, the spaces inside a word replaced by `_`.
    /// Tokens that are punctuation or numbers are never joined with words. Case and normalisation of the output are those of the input.
    pub fn segment_line(&self, line: &str) -> String {
        with_scratch(|s| {
            s.hot.bind(&self.tables);
            s.toks.clear();
            let mut spans = std::mem::take(&mut s.spans);
            whitespace_spans(line, &mut spans);
            for &(a, b) in &spans {
                let t = self.token_info(line.get(a..b).unwrap_or(""), &mut s.buf, &mut s.hot);
                s.toks.push(t);
            }
            self.decide(s);
            let mut out = String::with_capacity(line.len());
            for (i, &(a, b)) in spans.iter().enumerate() {
                let w = line.get(a..b).unwrap_or("");
                if i > 0 {
                    let joined = s.joins.get(i - 1).copied().unwrap_or(false);
                    out.push(if joined { '_' } else { ' ' });
                }
                out.push_str(w);
            }
            s.spans = spans;
            out
        })
    }

    /// Classifies one token; `buf` is reused for its lowercase form.
    fn token_info(&self, tok: &str, buf: &mut String, hot: &mut HotTables) -> Tok {
        let nfc: Cow<str> = if is_nfc_fast(tok) || is_nfc_quick(tok.chars()) == IsNormalized::Yes {
            Cow::Borrowed(tok)
        } else {
            Cow::Owned(tok.nfc().collect())
        };
        let mut upper = 0usize;
        let mut lower = 0usize;
        let mut first_upper = false;
        for (k, c) in nfc.chars().enumerate() {
            let (alpha, up, low) = classify(c);
            if !alpha {
                let breaks =
                    !tok.is_empty() && tok.chars().all(|c| SENTENCE_BREAK_PUNCT.contains(c));
                return Tok {
                    breaks,
                    ..Tok::default()
                };
            }
            if up {
                upper += 1;
                first_upper |= k == 0;
            } else if low {
                lower += 1;
            }
        }
        if nfc.is_empty() {
            return Tok::default();
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
                push_lower(buf, c);
            }
            buf
        };
        Tok {
            id: self.syllable_id(canon, hot),
            shape,
            alpha: true,
            breaks: false,
        }
    }

    /// Fills `s.joins` (one per gap between `s.toks`) for every run of alphabetic tokens.
    fn decide(&self, s: &mut Scratch) {
        let toks = std::mem::take(&mut s.toks);
        let mut joins = std::mem::take(&mut s.joins);
        joins.clear();
        joins.resize(toks.len(), false);
        s.gaps.clear();
        s.gaps.resize(toks.len(), Gap::FRESH);
        s.ends.clear();
        s.ends.resize(toks.len(), Ends::FRESH);
        // Case is a strong cue for names; input without any capital (as the analyzer passes it)
        // gets the weights trained on lowercased text.
        let w = if toks.iter().any(|t| t.alpha && t.shape != 0) {
            &self.cased
        } else {
            &self.lower
        };
        if let Some(pairs) = &self.pairs {
            let mut touched = 0;
            for pair in toks.windows(2) {
                let (a, b) = (pair[0].id, pair[1].id);
                if a != 0 && b != 0 {
                    touched ^= pairs.touch(a << 16 | b);
                }
            }
            for t in &toks {
                touched ^= w.touch(t.id);
            }
            std::hint::black_box(touched);
        }
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
            let first = i == 0 || toks[i - 1].breaks;
            if j - i >= 2
                && let (Some(js), Some(gaps), Some(ends)) = (
                    joins.get_mut(i..j - 1),
                    s.gaps.get_mut(i..j - 1),
                    s.ends.get_mut(i..j),
                )
            {
                self.decide_run(&toks[i..j], first, js, gaps, ends, w);
            }
            i = j;
        }
        // "Sở | Thông_tin": a head word before a capitalised syllable starts no name.
        for (g, pair) in toks.windows(2).enumerate() {
            if pair[0].alpha
                && pair[0].id != 0
                && pair[1].shape != 0
                && self.head_ids.contains(&pair[0].id)
                && let Some(j) = joins.get_mut(g)
            {
                *j = false;
            }
        }
        s.toks = toks;
        s.joins = joins;
    }

    /// The gap classifier over one run of alphabetic tokens (at least two); `gaps` (one per
    /// gap of the run) and `ends` (one per token) come fresh from [`decide`](Self::decide).
    fn decide_run(
        &self,
        run: &[Tok],
        first: bool,
        joins: &mut [bool],
        gaps: &mut [Gap],
        ends: &mut [Ends],
        w: &Weights,
    ) {
        let n = run.len();
        if n < 2 || gaps.len() < n - 1 || ends.len() < n || joins.len() < n - 1 {
            return;
        }
        let gaps = &mut gaps[..n - 1];
        let ends = &mut ends[..n];
        let joins = &mut joins[..n - 1];
        let mut any_extra = false;
        // Values of adjacent pairs (the first step of every dictionary lookup too).
        for (gap, pair) in gaps.iter_mut().zip(run.windows(2)) {
            let (a, b) = (pair[0].id, pair[1].id);
            gap.value = if a != 0 && b != 0 {
                self.value(u64::from(a) << 16 | u64::from(b))
            } else {
                0
            };
        }
        // The three-syllable keys the dictionary lookups below will probe, touched first.
        let mut touched = 0;
        for (i, gap) in gaps.iter().enumerate() {
            if gap.value & VAL_PREFIX != 0
                && let Some(next) = run.get(i + 2)
                && next.id != 0
            {
                let key = u64::from(run[i].id) << 32
                    | u64::from(run[i + 1].id) << 16
                    | u64::from(next.id);
                touched ^= self.tables.touch_long(key);
            }
        }
        std::hint::black_box(touched);
        // Dictionary words starting at each position: the longest one from each start, the
        // longest one ending at each position and the longest one over each gap.
        for i in 0..n - 1 {
            let v = gaps[i].value;
            if v & (VAL_WORD | VAL_PREFIX | VAL_EXTRA_WORD | VAL_EXTRA_PREFIX) == 0 {
                continue; // no word of two syllables or more starts here
            }
            let mut key = u64::from(run[i].id) << 16 | u64::from(run[i + 1].id);
            let mut v = v;
            let mut l = 2;
            loop {
                let j = i + l - 1;
                if v & VAL_WORD != 0 {
                    ends[i].longest = l as u8;
                    for gap in &mut gaps[i..j] {
                        gap.cover = gap.cover.max(l as u8);
                    }
                    ends[j].longest_end = ends[j].longest_end.max(l as u8);
                }
                any_extra |= v & (VAL_EXTRA_WORD | VAL_EXTRA_PREFIX) != 0;
                if v & VAL_PREFIX == 0 || l == MAX_WORD || j + 1 >= n || run[j + 1].id == 0 {
                    break;
                }
                l += 1;
                key = (key << 16) | u64::from(run[j + 1].id);
                v = self.value(key);
            }
        }
        // Forward and backward longest matching: the gaps inside their words lose the
        // boundary bit (2 forward, 1 backward).
        let mut i = 0;
        while i < n {
            let l = usize::from(ends[i].longest).max(1);
            for gap in gaps.iter_mut().take(i + l - 1).skip(i) {
                gap.boundary &= !2;
            }
            i += l;
        }
        let mut end = n;
        while end > 0 {
            let l = usize::from(ends[end - 1].longest_end).clamp(1, end);
            for gap in gaps.iter_mut().take(end - 1).skip(end - l) {
                gap.boundary &= !1;
            }
            end -= l;
        }
        let last = n - 2;
        for g in 0..n - 1 {
            let gap = gaps[g];
            let v = gap.value;
            let ind = (v & VAL_WORD) as usize;
            let jb = ((v >> 2) & 3) as usize;
            let sb = ((v >> 4) & 3) as usize;
            let pb = ((v >> 8) & 15) as usize;
            let cb = ((v >> 12) & 15) as usize;
            let fb = usize::from(gap.boundary);
            let sp = usize::from(run[g].shape) * 4 + usize::from(run[g + 1].shape);
            let fi = usize::from(first && g == 0);
            // The neighbouring gaps' values, 0 at the ends of the run.
            let has_p = g > 0;
            let has_n = g < last;
            let vp = gaps[g.saturating_sub(1)].value;
            let vn = gaps[(g + 1).min(last)].value;
            let ind_p = usize::from(has_p) & (vp & VAL_WORD) as usize;
            let ind_n = usize::from(has_n) & (vn & VAL_WORD) as usize;
            let pp = usize::from(has_p) * (1 + usize::from(((vp >> 8) & 15) as usize >= pb));
            let pn = usize::from(has_n) * (1 + usize::from(((vn >> 8) & 15) as usize >= pb));
            let feats = [
                T_BIAS,
                T_SHAPE + sp * 2 + fi,
                T_DICT + (ind * 5 + usize::from(gap.cover)) * 4 + fb,
                T_VTB + (jb * 4 + sb) * 2 + ind,
                T_PMI + pb.min(9) * 2 + ind,
                T_CNT + cb.min(7) * 2 + ind,
                T_SHD + (sp * 2 + ind) * 2 + (fb >> 1),
                T_NEI + (ind_p * 4 + ind * 2 + ind_n) * 4 + fb,
                T_PMC + (pp * 3 + pn) * 2 + ind,
            ];
            let mut score = 0f64;
            for f in feats {
                score += w.dense.get(f).copied().unwrap_or(0.0);
            }
            score += f64::from(w.left(run[g].id));
            score += f64::from(w.right(run[g + 1].id));
            joins[g] = score > 0.0;
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

    fn segment_units(&self, text: &str, run: &[Unit], lengths: &mut Vec<usize>) {
        Segmenter::segment_units(self, text, run, lengths);
    }
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

/// Runs `f` with this thread's scratch memory (a fresh one if it is already in use).
fn with_scratch<R>(mut f: impl FnMut(&mut Scratch) -> R) -> R {
    let mut result = None;
    let _ = SCRATCH.try_with(|cell| {
        if let Ok(mut s) = cell.try_borrow_mut() {
            result = Some(f(&mut s));
        }
    });
    result.unwrap_or_else(|| f(&mut Scratch::default()))
}

/// True when every char is outside the ranges where NFC could change anything: Latin up to
/// U+02FF and the precomposed Vietnamese letters U+1EA0–U+1EF9 (a fast path before the full
/// quick check).
fn is_nfc_fast(s: &str) -> bool {
    s.chars()
        .all(|c| (c as u32) < 0x300 || ('\u{1EA0}'..='\u{1EF9}').contains(&c))
}

/// (alphabetic, uppercase, lowercase), with fast paths for ASCII and Vietnamese letters.
fn classify(c: char) -> (bool, bool, bool) {
    let u = c as u32;
    if c.is_ascii() {
        (
            c.is_ascii_alphabetic(),
            c.is_ascii_uppercase(),
            c.is_ascii_lowercase(),
        )
    } else if (0xC0..=0xFF).contains(&u) && u != 0xD7 && u != 0xF7 {
        // Latin-1 letters: capitals before U+00DF
        (true, u < 0xDF, u >= 0xDF)
    } else if let Some(up) = vietnamese_letter_case(u) {
        (true, up, !up)
    } else {
        (c.is_alphabetic(), c.is_uppercase(), c.is_lowercase())
    }
}

/// For the Vietnamese letters outside Latin-1 (ă đ ĩ ũ ơ ư and the precomposed block
/// U+1EA0–U+1EF9): Some(is uppercase).
fn vietnamese_letter_case(u: u32) -> Option<bool> {
    match u {
        0x1EA0..=0x1EF9
        | 0x102
        | 0x103
        | 0x110
        | 0x111
        | 0x128
        | 0x129
        | 0x168
        | 0x169
        | 0x1A0
        | 0x1A1 => Some(u.is_multiple_of(2)),
        0x1AF => Some(true),
        0x1B0 => Some(false),
        _ => None,
    }
}

fn push_lower(buf: &mut String, c: char) {
    let u = c as u32;
    if c.is_ascii() {
        buf.push(c.to_ascii_lowercase());
    } else if (0xC0..0xDF).contains(&u) && u != 0xD7 {
        buf.push(char::from_u32(u + 0x20).unwrap_or(c));
    } else if let Some(true) = vietnamese_letter_case(u) {
        buf.push(char::from_u32(u + 1).unwrap_or(c));
    } else {
        buf.extend(c.to_lowercase());
    }
}

/// Byte spans of the whitespace-separated tokens of `line` (the same split as
/// `str::split_whitespace`, with a fast path for ASCII bytes).
fn whitespace_spans(line: &str, out: &mut Vec<(usize, usize)>) {
    out.clear();
    let bytes = line.as_bytes();
    let mut start: Option<usize> = None;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let (ws, len) = if b < 0x80 {
            (matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C), 1)
        } else {
            let len = if b >= 0xF0 {
                4
            } else if b >= 0xE0 {
                3
            } else {
                2
            };
            // only these lead bytes start non-ASCII whitespace (U+0085, U+00A0, U+1680,
            // U+2000–U+205F, U+3000)
            let ws = matches!(b, 0xC2 | 0xE1 | 0xE2 | 0xE3)
                && line
                    .get(i..)
                    .and_then(|r| r.chars().next())
                    .is_some_and(char::is_whitespace);
            (ws, len)
        };
        match (ws, start) {
            (true, Some(st)) => {
                out.push((st, i));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
        i += len;
    }
    if let Some(st) = start {
        out.push((st, bytes.len()));
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

/// Appends the lengths of the words that `joins` (true: the gap after token i is inside a
/// word) makes of `n` tokens.
fn word_lengths(n: usize, joins: &[bool], lengths: &mut Vec<usize>) {
    let mut len = 0;
    for i in 0..n {
        len += 1;
        if !joins.get(i).copied().unwrap_or(false) {
            lengths.push(len);
            len = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn seg(line: &str) -> String {
        Segmenter::global().segment_line(line)
    }

    /// The gap classifier as first written (a set of arrays per run), to check `decide_run`.
    #[allow(clippy::needless_range_loop)]
    fn decide_run_reference(
        seg: &Segmenter,
        run: &[Tok],
        first: bool,
        joins: &mut [bool],
        w: &Weights,
    ) {
        let (mut longest, mut longest_end, mut cover) = (Vec::new(), Vec::new(), Vec::new());
        let (mut fmm, mut bmm, mut bis) = (Vec::new(), Vec::new(), Vec::new());
        let n = run.len();
        longest.clear();
        longest.resize(n, 1);
        longest_end.clear();
        longest_end.resize(n, 1);
        cover.clear();
        cover.resize(n - 1, 0);
        let mut any_extra = false;
        // Values of adjacent pairs (the first step of every dictionary lookup too).
        bis.clear();
        for g in 0..n - 1 {
            let (a, b) = (run[g].id, run[g + 1].id);
            bis.push(if a != 0 && b != 0 {
                seg.value(u64::from(a) << 16 | u64::from(b))
            } else {
                0
            });
        }
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
                let v = if l == 2 { bis[i] } else { seg.value(key) };
                if v & VAL_WORD != 0 {
                    longest[i] = l as u8;
                    for g in i..j {
                        cover[g] = cover[g].max(l as u8);
                    }
                    longest_end[j] = longest_end[j].max(l as u8);
                }
                any_extra |= v & (VAL_EXTRA_WORD | VAL_EXTRA_PREFIX) != 0;
                if v & VAL_PREFIX == 0 {
                    break;
                }
            }
        }
        // Forward and backward longest matching: true where they put a boundary.
        fmm.clear();
        fmm.resize(n - 1, true);
        let mut i = 0;
        while i < n {
            let l = usize::from(longest[i]).max(1);
            for g in i..(i + l - 1).min(n - 1) {
                fmm[g] = false;
            }
            i += l;
        }
        bmm.clear();
        bmm.resize(n - 1, true);
        let mut j = n as isize - 1;
        while j >= 0 {
            let l = usize::from(longest_end[j as usize]).max(1);
            let start = (j as usize + 1).saturating_sub(l);
            for g in start..j as usize {
                bmm[g] = false;
            }
            j -= l as isize;
        }
        for g in 0..n - 1 {
            let v = bis[g];
            let ind = (v & VAL_WORD) as usize;
            let jb = ((v >> 2) & 3) as usize;
            let sb = ((v >> 4) & 3) as usize;
            let pb = ((v >> 8) & 15) as usize;
            let cb = ((v >> 12) & 15) as usize;
            let fb = (if fmm[g] { 2 } else { 0 }) + usize::from(bmm[g]);
            let sp = usize::from(run[g].shape) * 4 + usize::from(run[g + 1].shape);
            let fi = usize::from(first && g == 0);
            let ind_p = if g > 0 {
                (bis[g - 1] & VAL_WORD) as usize
            } else {
                0
            };
            let ind_n = if g + 1 < n - 1 {
                (bis[g + 1] & VAL_WORD) as usize
            } else {
                0
            };
            let pp = if g == 0 {
                0
            } else if (((bis[g - 1] >> 8) & 15) as usize) < pb {
                1
            } else {
                2
            };
            let pn = if g + 1 >= n - 1 {
                0
            } else if (((bis[g + 1] >> 8) & 15) as usize) < pb {
                1
            } else {
                2
            };
            let feats = [
                T_BIAS,
                T_SHAPE + sp * 2 + fi,
                T_DICT + (ind * 5 + usize::from(cover[g])) * 4 + fb,
                T_VTB + (jb * 4 + sb) * 2 + ind,
                T_PMI + pb.min(9) * 2 + ind,
                T_CNT + cb.min(7) * 2 + ind,
                T_SHD + (sp * 2 + ind) * 2 + (fb >> 1),
                T_NEI + (ind_p * 4 + ind * 2 + ind_n) * 4 + fb,
                T_PMC + (pp * 3 + pn) * 2 + ind,
            ];
            let mut score = 0f64;
            for f in feats {
                score += w.dense.get(f).copied().unwrap_or(0.0);
            }
            score += f64::from(w.left(run[g].id));
            score += f64::from(w.right(run[g + 1].id));
            if let Some(j) = joins.get_mut(g) {
                *j = score > 0.0;
            }
        }
        if any_extra {
            seg.force_extra_words(run, joins);
        }
    }

    #[test]
    fn builtin_model_parses() {
        let p = parse(MODEL_BYTES).expect("data/segment/model.bin is a valid model");
        assert!(p.tables.nsyl > 10_000);
        assert_ne!(p.tables.syllable("việt"), 0);
        assert_eq!(p.tables.syllable("hòa"), p.tables.syllable("hoà"));
        assert_eq!(p.tables.syllable("xyzzyq"), 0);
    }

    #[test]
    fn pair_table_gives_the_model_values() {
        let p = parse(MODEL_BYTES).expect("data/segment/model.bin is a valid model");
        let pairs = PairTable::build(&p.tables).expect("the model's values fit the pair table");
        let mut stored = 0;
        for slot in p.tables.pair_slots.chunks_exact(6) {
            let key = u32::from_le_bytes([slot[0], slot[1], slot[2], slot[3]]);
            if key != 0 {
                stored += 1;
                let want = u32::from(u16::from_le_bytes([slot[4], slot[5]]));
                assert_eq!(pairs.get(key), want, "pair {key:#x}");
                assert_eq!(p.tables.pair(key >> 16, key & 0xFFFF), want);
            }
        }
        assert!(stored > 50_000, "{stored} pairs");
        // Some buckets overflow: their pairs are found too (checked above), and absent keys
        // that land in them give 0.
        assert!(!pairs.overflow.is_empty());
    }

    #[test]
    fn joins_common_words() {
        assert_eq!(
            seg("Sở Thông tin và Truyền thông Bạc Liêu"),
            "Sở Thông_tin và Truyền_thông Bạc_Liêu"
        );
        // a four-syllable dictionary word, as the treebank also writes "điện_thoại_di_động"
        assert_eq!(seg("công nghệ thông tin"), "công_nghệ_thông_tin");
    }

    #[test]
    fn head_word_is_not_joined_with_a_name() {
        assert_eq!(
            seg("làm việc với Sở Thông tin và Truyền thông , Bộ Tài chính"),
            "làm_việc với Sở Thông_tin và Truyền_thông , Bộ Tài_chính"
        );
    }

    #[test]
    fn input_forms_do_not_change_the_decision() {
        let nfc = seg("công nghệ thông tin");
        let nfd: String = "công nghệ thông tin".nfd().collect();
        assert_eq!(seg(&nfd).nfc().collect::<String>(), nfc);
        assert_eq!(seg("CÔNG NGHỆ THÔNG TIN").to_lowercase(), nfc);
        // the output keeps the input's own bytes
        assert_eq!(seg(&nfd).replace('_', " "), nfd);
    }

    #[test]
    fn segment_returns_lengths() {
        let s = Segmenter::global();
        let sy = ["thông", "tin", "và", "truyền", "thông"];
        assert_eq!(s.segment(&sy), vec![2, 1, 2]);
        assert!(s.segment(&[]).is_empty());
        assert_eq!(s.segment(&["một"]), vec![1]);
    }

    #[test]
    fn punctuation_and_numbers_are_never_joined() {
        let out = seg("năm 2009 , thành phố Hồ Chí Minh . 43/2008/QĐ-TTg ( thông tin )");
        for tok in out.split_whitespace() {
            if tok.contains('_') {
                assert!(
                    tok.split('_').all(|p| p.chars().all(char::is_alphabetic)),
                    "{tok} joins a non-word token"
                );
            }
        }
        assert!(out.contains(" , ") && out.contains(" 2009 "));
    }

    #[test]
    fn empty_and_blank_lines() {
        assert_eq!(seg(""), "");
        assert_eq!(seg("   \t "), "");
        assert_eq!(seg("a"), "a");
    }

    #[test]
    fn tokenize_splits_punctuation_only() {
        assert_eq!(tokenize_line("Hà Nội, ngày 20/4."), "Hà Nội , ngày 20/4 .");
        assert_eq!(
            tokenize_line("Quyết định 43/2008/QĐ-TTg (ngày 20/4/2009) tăng 3,5%, tại TP.HCM..."),
            "Quyết định 43/2008/QĐ-TTg ( ngày 20/4/2009 ) tăng 3,5% , tại TP.HCM ..."
        );
        assert_eq!(
            tokenize_line("\"Trích dẫn\" v.v. và: kết"),
            "\" Trích dẫn \" v.v. và : kết"
        );
        assert_eq!(tokenize_line("a,b"), "a , b");
        assert_eq!(tokenize_line(""), "");
        assert_eq!(tokenize_line("?!"), "? !");
    }

    #[test]
    fn extra_words_are_joined() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("words.txt");
        std::fs::write(&path, "# my words\nxoáy_trôn ốc\nquylak zambor\n\n").unwrap();
        let s = Segmenter::with_extra_words(&path).unwrap();
        assert_eq!(s.segment_line("gió xoáy trôn ốc"), "gió xoáy_trôn_ốc");
        assert_eq!(
            s.segment_line("ông Quylak Zambor nói"),
            "ông Quylak_Zambor nói"
        );
        let bad = dir.path().join("bad.txt");
        std::fs::write(&bad, "3,5 triệu\n").unwrap();
        assert!(Segmenter::with_extra_words(&bad).is_err());
        assert!(Segmenter::with_extra_words(&dir.path().join("missing.txt")).is_err());
    }

    #[test]
    fn fast_char_paths_agree_with_std() {
        for u in 0..0x3000u32 {
            let Some(c) = char::from_u32(u) else { continue };
            assert_eq!(
                classify(c),
                (c.is_alphabetic(), c.is_uppercase(), c.is_lowercase()),
                "{c:?}"
            );
            let mut fast = String::new();
            push_lower(&mut fast, c);
            assert_eq!(fast, c.to_lowercase().collect::<String>(), "{c:?}");
        }
    }

    proptest! {
        #[test]
        fn decide_run_agrees_with_the_reference(
            words in proptest::collection::vec(
                "(công|nghệ|thông|tin|thành|phố|hồ|chí|minh|ủy|ban|nhân|dân|điện|thoại|di|động|\
                 người|cho|biết|hà|nội|việt|nam|kinh|tế|xã|hội|chủ|nghĩa|sở|bộ|tài|chính|xyzzyq)",
                2..40),
            shapes in proptest::collection::vec(0u8..4, 40),
            first in any::<bool>(),
            cased in any::<bool>(),
        ) {
            let seg = Segmenter::global();
            let run: Vec<Tok> = words
                .iter()
                .zip(&shapes)
                .map(|(w, &shape)| Tok { id: seg.tables.syllable(w), shape, alpha: true, breaks: false })
                .collect();
            let w = if cased { &seg.cased } else { &seg.lower };
            let n = run.len();
            let mut fast = vec![false; n - 1];
            let mut gaps = vec![Gap::FRESH; n - 1];
            let mut ends = vec![Ends::FRESH; n];
            seg.decide_run(&run, first, &mut fast, &mut gaps, &mut ends, w);
            let mut slow = vec![false; n - 1];
            decide_run_reference(seg, &run, first, &mut slow, w);
            prop_assert_eq!(fast, slow);
        }

        #[test]
        fn hot_syllables_agree_with_the_model_table(syllables in proptest::collection::vec(
            "(công|nghệ|thông|tin|người|nghiêng|khuỷu|hoà|hòa|xyzzyq|[a-zđơư]{1,14}|\\PC{0,6})", 1..200)) {
            let seg = Segmenter::global();
            let mut hot = HotTables::default();
            hot.bind(&seg.tables);
            for _ in 0..2 {
                for syl in &syllables {
                    prop_assert_eq!(hot.syllable(&seg.tables, syl), seg.tables.syllable(syl), "{:?}", syl);
                }
            }
        }

        #[test]
        fn pair_table_agrees_with_the_model_table(a in 0u32..0x5000, b in 0u32..0x5000) {
            let seg = Segmenter::global();
            let pairs = seg.pairs.as_ref().expect("built for the built-in model");
            prop_assert_eq!(pairs.get(a << 16 | b), seg.tables.pair(a, b));
        }

        #[test]
        fn whitespace_spans_match_split_whitespace(line in "(\\PC|[ \t\u{a0}\u{2003}\u{3000}\u{85}])*") {
            let mut spans = Vec::new();
            whitespace_spans(&line, &mut spans);
            let ours: Vec<&str> = spans.iter().map(|&(a, b)| &line[a..b]).collect();
            prop_assert_eq!(ours, line.split_whitespace().collect::<Vec<_>>());
        }

        #[test]
        fn any_line_keeps_its_tokens(line in "\\PC{0,80}") {
            let out = seg(&line);
            let back: Vec<String> = out.split(' ').filter(|t| !t.is_empty())
                .flat_map(|w| w.split('_').map(str::to_string).collect::<Vec<_>>()).collect();
            let orig: Vec<&str> = line.split_whitespace().collect();
            // tokens containing '_' themselves are ambiguous after joining; compare counts then
            if !line.contains('_') {
                prop_assert_eq!(back, orig);
            } else {
                prop_assert_eq!(out.split_whitespace().count() <= orig.len(), true);
            }
        }

        #[test]
        fn vietnamese_like_lines_keep_tokens(words in proptest::collection::vec(
            "(công|nghệ|thông|tin|Hà|Nội|người|dân|cho|biết|ủy|ban|hoà|THỦY|,|\\.|2009|x)", 0..40)) {
            let line = words.join(" ");
            let out = seg(&line);
            prop_assert_eq!(out.replace('_', " "), line.clone());
            let lengths = Segmenter::global().segment(&words.iter().map(String::as_str).collect::<Vec<_>>());
            prop_assert_eq!(lengths.iter().sum::<usize>(), words.len());
            prop_assert!(lengths.iter().all(|&l| l >= 1));
        }

        #[test]
        fn tokenize_never_panics_and_keeps_text(line in "\\PC{0,60}") {
            let out = tokenize_line(&line);
            let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
            prop_assert_eq!(squeeze(&out), squeeze(&line));
        }
    }
}
