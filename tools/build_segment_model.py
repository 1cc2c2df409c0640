#!/usr/bin/env python3
"""Builds data/segment/model.bin, the word-segmentation model of tracuu.

The model is a linear classifier over the gaps between adjacent syllables (join or split),
trained with an averaged perceptron on the UD Vietnamese-VTB *train* split. Its features come from
  * the MIT pyvi word list (dictionary cover, forward/backward longest matching),
  * statistics counted here from the VNTC news corpus (bigram counts and PMI; no text is shipped),
  * how often the treebank's train split joins or splits a syllable pair (counted with 10-fold
    jackknifing while training so the model does not learn to trust a feature that saw the answer),
  * the shape (case) of the two syllables and the syllables themselves.
The dev split is never read here except by `--eval-dev`, which only prints an aggregate score.

The feature definitions must stay identical to src/analyze/segment.rs (`gap_features`); the
binary layout is described in `write_model`.

usage: tools/build_segment_model.py [--shared ../shared] [--out data/segment/model.bin]
                                    [--cache DIR] [--eval-dev PRED_FILE]
Re-runnable: VNTC counts are cached in --cache (default: a temporary-directory subfolder).
"""
import argparse
import collections
import json
import lzma
import math
import os
import pickle
import random
import struct
import subprocess
import sys
import tempfile
import unicodedata

MAX_WORD = 4  # longest dictionary word used, in syllables
MIN_BIGRAM = 20  # VNTC bigram count below which a pair is treated as unseen
EPOCHS = 12
FOLDS = 10

# ---------------------------------------------------------------- text helpers

_TONED_O = "òóỏõọ"
_TONED_U = "ùúủũụ"
_OA_OLD = "àáảãạ"
_OE_OLD = "èéẻẽẹ"
_UY_OLD = "ỳýỷỹỵ"


def to_new(s):
    """Old-style tone placement (hoà, thuỷ) to new style (hòa, thủy) for open oa/oe/uy."""
    if len(s) >= 2:
        a, b, pre = s[-2], s[-1], s[:-2]
        if a == "o" and b in _OA_OLD:
            return pre + _TONED_O[_OA_OLD.index(b)] + "a"
        if a == "o" and b in _OE_OLD:
            return pre + _TONED_O[_OE_OLD.index(b)] + "e"
        if a == "u" and b in _UY_OLD and not pre.endswith("q"):
            return pre + _TONED_U[_UY_OLD.index(b)] + "y"
    return s


def to_old(s):
    if len(s) >= 2:
        a, b, pre = s[-2], s[-1], s[:-2]
        if a in _TONED_O and b == "a":
            return pre + "o" + _OA_OLD[_TONED_O.index(a)]
        if a in _TONED_O and b == "e":
            return pre + "o" + _OE_OLD[_TONED_O.index(a)]
        if a in _TONED_U and b == "y" and not pre.endswith("q"):
            return pre + "u" + _UY_OLD[_TONED_U.index(a)]
    return s


def canon(s):
    return to_new(unicodedata.normalize("NFC", s).lower())


def is_alpha(tok):
    return len(tok) > 0 and all(c.isalpha() for c in tok)


# Shapes: 0 lower, 1 Title, 2 UPPER (2+ letters), 3 mixed.
def shape(tok):
    if tok == tok.lower():
        return 0
    if tok[0].isupper() and tok[1:] == tok[1:].lower():
        return 1
    if tok == tok.upper():
        return 2
    return 3


SENTENCE_BREAK_PUNCT = set('.!?:;"“”‘’\'()[]-–—…*•')


def breaks_sentence(tok):
    """A token after which the next word is sentence-initial (capital letter is not a name cue)."""
    return len(tok) > 0 and all(c in SENTENCE_BREAK_PUNCT for c in tok)


def runs_of_line(tokens):
    """Maximal runs of alphabetic tokens: list of (start index, end index, first flag)."""
    runs = []
    i, n = 0, len(tokens)
    while i < n:
        if not is_alpha(tokens[i]):
            i += 1
            continue
        j = i
        while j < n and is_alpha(tokens[j]):
            j += 1
        first = i == 0 or breaks_sentence(tokens[i - 1])
        runs.append((i, j, first))
        i = j
    return runs


# ---------------------------------------------------------------- data loading


def nfc_lines(path):
    with open(path, encoding="utf-8") as f:
        return [unicodedata.normalize("NFC", l.rstrip("\n")) for l in f]


def count_vntc(path, cache_dir):
    cache = os.path.join(cache_dir, "vntc_counts.pkl")
    if os.path.exists(cache):
        with open(cache, "rb") as f:
            return pickle.load(f)
    punct = "\"'()[]{}.,;:!?…“”‘’«»-–—/\\*&%$#@+=<>|~^`_"
    uni, bi = collections.Counter(), collections.Counter()
    with lzma.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            text = unicodedata.normalize("NFC", d.get("title", "") + "\n" + d.get("text", ""))
            for sent in text.split("\n"):
                prev = None
                for tok in sent.split():
                    core = tok.strip(punct)
                    if tok != core and not tok.startswith(core):
                        prev = None
                    if core and core.isalpha():
                        low = to_new(core.lower())
                        uni[low] += 1
                        if prev is not None:
                            bi[(prev, low)] += 1
                        prev = low
                    else:
                        prev = None
                    if tok != core and not tok.endswith(core):
                        prev = None
    os.makedirs(cache_dir, exist_ok=True)
    with open(cache, "wb") as f:
        pickle.dump((uni, bi), f)
    return uni, bi


def gold_sentences(path):
    """Gold lines -> (tokens, joined flags per gap)."""
    out = []
    for line in nfc_lines(path):
        toks, join = [], []
        for w in line.split():
            parts = w.split("_")
            for k, p in enumerate(parts):
                if toks:
                    join.append(k > 0)
                toks.append(p)
        out.append((toks, join))
    return out


# ---------------------------------------------------------------- model tables


class Tables:
    def __init__(self):
        self.syl = {}  # canonical syllable -> id (1..)
        self.keys = {}  # packed id tuple -> value bits

    def sid(self, s):
        return self.syl.get(canon(s), 0)

    def add_syl(self, s):
        c = canon(s)
        if c not in self.syl:
            self.syl[c] = len(self.syl) + 1
        return self.syl[c]


def pack(ids):
    k = 0
    for x in ids:
        k = (k << 16) | x
    return k


VAL_WORD = 1
VAL_PREFIX = 2
# bits 2-3 vtb joined bucket, 4-5 vtb split bucket, 8-11 pmi bucket, 12-15 count bucket


def bucket3(x):
    return min(x, 3)


def pmi_bucket(c, ca, cb, total):
    if c < MIN_BIGRAM:
        return 0
    pmi = math.log(c * total / (ca * cb))
    return 1 + max(0, min(8, int(math.floor(pmi)) + 2))


def count_bucket(c):
    if c < MIN_BIGRAM:
        return 0
    return min(7, int(math.log2(c / MIN_BIGRAM)) + 1)


def vtb_pair_counts(sentences, tables):
    joined, split = collections.Counter(), collections.Counter()
    for toks, join in sentences:
        for (a, b, first) in runs_of_line(toks):
            for g in range(a, b - 1):
                ia, ib = tables.sid(toks[g]), tables.sid(toks[g + 1])
                if ia and ib:
                    (joined if join[g] else split)[(ia << 16) | ib] += 1
    return joined, split


# ---------------------------------------------------------------- features

SHAPES = 4
T_BIAS = 0
T_SHAPE = T_BIAS + 1  # shape pair x first: 4*4*2
T_DICT = T_SHAPE + 32  # inD x cover(0..4) x fmm/bmm(4)
T_VTB = T_DICT + 40  # jb x sb x inD
T_PMI = T_VTB + 32  # pmi bucket (10) x inD
T_CNT = T_PMI + 20  # count bucket (8) x inD
T_SHD = T_CNT + 16  # shape pair x inD x fmm boundary
T_NEI = T_SHD + 64  # inD prev, cur, next x fmm/bmm
T_PMC = T_NEI + 32  # pmi compare prev (3) x next (3) x inD
N_DENSE = T_PMC + 18


def lookup(tables, key):
    return tables.keys.get(key, 0)


def run_features(ids, shapes, first, tables, vtb_override=None):
    """Features of every gap of one run: list of (dense indices, left id, right id)."""
    n = len(ids)
    if n < 2:
        return []
    # dictionary cover and longest matching
    cover = [0] * (n - 1)
    longest = [1] * n  # longest dictionary word starting at i
    for i in range(n):
        if ids[i] == 0:
            continue
        key = ids[i]
        for L in range(2, MAX_WORD + 1):
            j = i + L - 1
            if j >= n or ids[j] == 0:
                break
            key = (key << 16) | ids[j]
            v = lookup(tables, key)
            if v & VAL_WORD:
                longest[i] = L
                for g in range(i, j):
                    cover[g] = max(cover[g], L)
            if not v & VAL_PREFIX:
                break
    fmm = [True] * (n - 1)
    i = 0
    while i < n:
        L = longest[i]
        for g in range(i, i + L - 1):
            fmm[g] = False
        i += L
    # backward longest matching: longest dictionary word ending at j
    longest_end = [1] * n
    for i in range(n):
        L = longest[i]
        # every dictionary word starting at i, not only the longest
        if L > 1:
            key = ids[i]
            for M in range(2, L + 1):
                key = (key << 16) | ids[i + M - 1]
                if lookup(tables, key) & VAL_WORD:
                    longest_end[i + M - 1] = max(longest_end[i + M - 1], M)
    bmm = [True] * (n - 1)
    j = n - 1
    while j >= 0:
        L = longest_end[j]
        for g in range(j - L + 1, j):
            bmm[g] = False
        j -= L
    bis = []
    for g in range(n - 1):
        a, b = ids[g], ids[g + 1]
        v = lookup(tables, (a << 16) | b) if a and b else 0
        if vtb_override is not None and a and b:
            jb, sb = vtb_override(a, b)
            v = (v & ~0x3C) | (jb << 2) | (sb << 4)
        bis.append(v)
    out = []
    for g in range(n - 1):
        a, b = ids[g], ids[g + 1]
        v = bis[g]
        ind = v & VAL_WORD
        jb, sb = (v >> 2) & 3, (v >> 4) & 3
        pb, cb = (v >> 8) & 15, (v >> 12) & 15
        fb = (2 if fmm[g] else 0) + (1 if bmm[g] else 0)
        sl, sr = shapes[g], shapes[g + 1]
        fi = 1 if (first and g == 0) else 0
        sp = sl * 4 + sr
        ind_p = bis[g - 1] & VAL_WORD if g > 0 else 0
        ind_n = bis[g + 1] & VAL_WORD if g + 1 < n - 1 else 0
        pp = 0 if g == 0 else (1 if ((bis[g - 1] >> 8) & 15) < pb else 2)
        pn = 0 if g + 1 >= n - 1 else (1 if ((bis[g + 1] >> 8) & 15) < pb else 2)
        f = [
            T_BIAS,
            T_SHAPE + sp * 2 + fi,
            T_DICT + (ind * 5 + cover[g]) * 4 + fb,
            T_VTB + (jb * 4 + sb) * 2 + ind,
            T_PMI + pb * 2 + ind,
            T_CNT + cb * 2 + ind,
            T_SHD + (sp * 2 + ind) * 2 + (fb >> 1),
            T_NEI + (ind_p * 4 + ind * 2 + ind_n) * 4 + fb,
            T_PMC + (pp * 3 + pn) * 2 + ind,
        ]
        out.append((f, a, b))
    return out


class Model:
    def __init__(self, nsyl):
        self.dense = [0.0] * N_DENSE
        self.left = [0.0] * (nsyl + 1)
        self.right = [0.0] * (nsyl + 1)

    def score(self, feat):
        f, a, b = feat
        s = sum(self.dense[i] for i in f)
        return s + self.left[a] + self.right[b]


def train(samples, nsyl, epochs):
    """samples: list of (feature, joined). Averaged perceptron with lazy averaging."""
    m = Model(nsyl)
    acc = Model(nsyl)  # sum of c * update
    c = 1
    rng = random.Random(7)
    order = list(range(len(samples)))
    for ep in range(epochs):
        rng.shuffle(order)
        errs = 0
        for k in order:
            feat, y = samples[k]
            pred = m.score(feat) > 0
            if pred != y:
                errs += 1
                d = 1.0 if y else -1.0
                f, a, b = feat
                for i in f:
                    m.dense[i] += d
                    acc.dense[i] += c * d
                # unknown syllables (id 0) get no lexical weight
                if a:
                    m.left[a] += d
                    acc.left[a] += c * d
                if b:
                    m.right[b] += d
                    acc.right[b] += c * d
            c += 1
        print(f"epoch {ep + 1}: {errs} errors of {len(samples)}", file=sys.stderr)
    for name in ("dense", "left", "right"):
        w, u = getattr(m, name), getattr(acc, name)
        setattr(m, name, [wi - ui / c for wi, ui in zip(w, u)])
    return m


# ---------------------------------------------------------------- segmentation (for --eval-dev)


# Agency head words that the treebank keeps apart from a capitalised name after them
# ("Sở Tài_chính", "Bộ Ngoại_giao", "Báo Pháp_Luật" in the train split), where the name cue of
# two capitals would otherwise join them. Must match HEAD_WORDS in src/analyze/segment.rs.
HEAD_WORDS = {"sở", "bộ", "báo"}


def split_heads(toks, join):
    for g in range(len(toks) - 1):
        if join[g] and is_alpha(toks[g]) and canon(toks[g]) in HEAD_WORDS and shape(toks[g + 1]) != 0:
            join[g] = False


def pick(models, toks):
    """Cased weights when the line has a capital letter anywhere, else the lowercase weights."""
    return models[0] if any(is_alpha(t) and shape(t) != 0 for t in toks) else models[1]


def segment_line(line, tables, models):
    toks = line.split()
    model = pick(models, toks)
    join = [False] * max(0, len(toks) - 1)
    for (a, b, first) in runs_of_line(toks):
        ids = [tables.sid(t) for t in toks[a:b]]
        shapes = [shape(t) for t in toks[a:b]]
        for g, feat in enumerate(run_features(ids, shapes, first, tables)):
            join[a + g] = model.score(feat) > 0
    split_heads(toks, join)
    out = []
    for i, t in enumerate(toks):
        if i > 0:
            out.append("_" if join[i - 1] else " ")
        out.append(t)
    return "".join(out)


# ---------------------------------------------------------------- output


def fnv1a(data):
    h = 0xCBF29CE484222325
    for b in data:
        h ^= b
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def key_slot(key, bits):
    return ((key * 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF) >> (64 - bits)


def table_bits(n):
    """Slot count (as bits) keeping the load factor at most 1/2: misses stay cheap to probe."""
    bits = 4
    while (1 << bits) < 2 * n:
        bits += 1
    return bits


def open_table(items, bits, slot_of, empty=0):
    """Linear-probing table: list of (key, value) per slot, (0, empty) when empty."""
    mask = (1 << bits) - 1
    slots = [(0, empty)] * (1 << bits)
    for k, v in items:
        h = slot_of(k) & mask
        while slots[h][0] != 0:
            h = (h + 1) & mask
        slots[h] = (k, v)
    return slots


def write_model(path, tables, models):
    """Layout (little endian):
    magic b"TRSG", u32 version=4,
    u32 syllable count V, u32 syllable slot bits SB, u32 pair slot bits PB, u32 long-key slot bits LB,
    u32 dense weight count D,
    syllable strings: u32 byte length then the UTF-8 blob;
    syllables: (1 << SB) slots of (u32 fingerprint, u32 string offset, u32 (byte length << 16 | id));
        id 0 marks an empty slot; h = FNV-1a-64(bytes), slot = h & mask, linear probing,
        fingerprint = h >> 32; both tone placements of a syllable are entries with one id;
    syllable pairs: (1 << PB) slots of (u32 key = id_a << 16 | id_b, 0 = empty; u16 value), 6 bytes
        each so that a probe touches one cache line;
    longer keys (3-4 ids, 16 bits each): (1 << LB) u64 keys then (1 << LB) u16 values;
        both key tables: slot = (key * 0x9E3779B97F4A7C15 mod 2^64) >> (64 - bits), linear probing;
    then two weight sets, first for text with capitals, then for all-lowercase text, each:
    D f32 dense weights, (V + 1) f32 left weights, (V + 1) f32 right weights.
    Values: bit 0 dictionary word, bit 1 prefix of a longer dictionary word, bits 2-3 and 4-5
    treebank joined / split counts (capped at 3), bits 8-11 VNTC PMI bucket, bits 12-15 count bucket.
    """
    forms = []
    for s, i in tables.syl.items():
        forms.append((s, i))
        o = to_old(s)
        if o != s:
            forms.append((o, i))
    blob = bytearray()
    entries = []
    for s, i in forms:
        data = s.encode("utf-8")
        entries.append((fnv1a(data), (len(blob), len(data) << 16 | i)))
        blob += data
    sb = table_bits(len(entries))
    syl_slots = open_table([(h or 1, v) for h, v in entries], sb, lambda h: h, (0, 0))
    pairs = [(k, v) for k, v in tables.keys.items() if k < (1 << 32)]
    longs = [(k, v) for k, v in tables.keys.items() if k >= (1 << 32)]
    pb, lb = table_bits(len(pairs)), table_bits(len(longs))
    pair_slots = open_table(pairs, pb, lambda k: key_slot(k, pb))
    long_slots = open_table(longs, lb, lambda k: key_slot(k, lb))
    nsyl = len(tables.syl)
    out = bytearray(b"TRSG")
    out += struct.pack("<6I", 4, nsyl, sb, pb, lb, N_DENSE)
    out += struct.pack("<I", len(blob)) + blob
    for h, (off, lenid) in syl_slots:
        out += struct.pack("<3I", h >> 32, off, lenid)
    for k, v in pair_slots:
        out += struct.pack("<IH", k, v)
    out += struct.pack(f"<{1 << lb}Q", *[k for k, _ in long_slots])
    out += struct.pack(f"<{1 << lb}H", *[v for _, v in long_slots])
    for model in models:
        out += struct.pack(f"<{N_DENSE}f", *model.dense)
        out += struct.pack(f"<{nsyl + 1}f", *model.left)
        out += struct.pack(f"<{nsyl + 1}f", *model.right)
    with open(path, "wb") as f:
        f.write(out)
    print(f"wrote {path}: {len(out)} bytes, {nsyl} syllables, {len(pairs)} pairs, {len(longs)} longer keys",
          file=sys.stderr)
    # score with the weights exactly as shipped (f32), so --eval-dev matches the Rust segmenter
    for model in models:
        for name in ("dense", "left", "right"):
            w = getattr(model, name)
            setattr(model, name, list(struct.unpack(f"<{len(w)}f", struct.pack(f"<{len(w)}f", *w))))


# ---------------------------------------------------------------- main


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    crate = os.path.dirname(here)
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", default=os.path.join(crate, "..", "shared"))
    ap.add_argument("--out", default=os.path.join(crate, "data", "segment", "model.bin"))
    ap.add_argument("--cache", default=os.path.join(tempfile.gettempdir(), "tracuu-segment-cache"))
    ap.add_argument("--eval-dev", metavar="PRED_FILE")
    args = ap.parse_args()
    data = os.path.join(args.shared, "data")

    words = [canon(w).split() for w in nfc_lines(os.path.join(data, "pyvi-words", "words.txt"))]
    words = [w for w in words if w and all(is_alpha(s) for s in w)]
    train_sents = gold_sentences(os.path.join(data, "ud-vi-vtb", "train_gold_words.txt"))
    uni, bi = count_vntc(os.path.join(data, "vntc", "vntc-train.jsonl.xz"), args.cache)

    t = Tables()
    for w in words:
        for s in w:
            t.add_syl(s)
    for toks, _ in train_sents:
        for s in toks:
            if is_alpha(s):
                t.add_syl(s)
    for s, c in sorted(uni.items(), key=lambda kv: (-kv[1], kv[0])):
        if c >= 5 and is_alpha(s):
            t.add_syl(s)
    for w in words:
        if len(w) > MAX_WORD:
            continue
        ids = [t.sid(s) for s in w]
        for L in range(2, len(w)):
            k = pack(ids[:L])
            t.keys[k] = t.keys.get(k, 0) | VAL_PREFIX
        k = pack(ids)
        if len(w) >= 2:
            t.keys[k] = t.keys.get(k, 0) | VAL_WORD
    total = sum(uni.values())
    for (a, b), c in bi.items():
        if c < MIN_BIGRAM:
            continue
        ia, ib = t.sid(a), t.sid(b)
        if not (ia and ib):
            continue
        k = (ia << 16) | ib
        v = pmi_bucket(c, uni[a], uni[b], total) << 8 | count_bucket(c) << 12
        t.keys[k] = t.keys.get(k, 0) | v
    # treebank conventions, full train counts (what the shipped model sees)
    joined, split = vtb_pair_counts(train_sents, t)
    for k in set(joined) | set(split):
        t.keys[k] = t.keys.get(k, 0) | bucket3(joined[k]) << 2 | bucket3(split[k]) << 4

    # jackknifed training samples
    rng = random.Random(1)
    fold_of = [rng.randrange(FOLDS) for _ in train_sents]
    fold_counts = []
    for f in range(FOLDS):
        held = [s for s, fo in zip(train_sents, fold_of) if fo != f]
        fold_counts.append(vtb_pair_counts(held, t))
    # Two weight sets: one for cased text, one trained on the same sentences lowercased, used
    # when a caller passes lowercase syllables only (no case cue for names).
    models = []
    for lowercase in (False, True):
        samples = training_samples(train_sents, fold_of, fold_counts, t, lowercase)
        models.append(train(samples, len(t.syl), EPOCHS))
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    write_model(args.out, t, models)

    if args.eval_dev:
        dev = nfc_lines(os.path.join(data, "ud-vi-vtb", "dev_raw.txt"))
        for name, lines in (("as written", dev), ("lowercased", [l.lower() for l in dev])):
            with open(args.eval_dev, "w", encoding="utf-8") as f:
                for line in lines:
                    f.write(segment_line(line, t, models) + "\n")
            print(f"dev split, {name}:", flush=True)
            subprocess.run([sys.executable, os.path.join(args.shared, "tools", "seg_f1.py"),
                            os.path.join(data, "ud-vi-vtb", "dev_gold_words.txt"), args.eval_dev])
        # leave the file holding the predictions for the text as written
        with open(args.eval_dev, "w", encoding="utf-8") as f:
            for line in dev:
                f.write(segment_line(line, t, models) + "\n")


def training_samples(train_sents, fold_of, fold_counts, t, lowercase):
    samples = []
    for (toks, join), fo in zip(train_sents, fold_of):
        if lowercase:
            toks = [x.lower() for x in toks]
        jf, sf = fold_counts[fo]

        def override(a, b, jf=jf, sf=sf):
            k = (a << 16) | b
            return bucket3(jf[k]), bucket3(sf[k])

        for (a, b, first) in runs_of_line(toks):
            ids = [t.sid(x) for x in toks[a:b]]
            shapes = [shape(x) for x in toks[a:b]]
            for g, feat in enumerate(run_features(ids, shapes, first, t, override)):
                samples.append((feat, join[a + g]))
    return samples


if __name__ == "__main__":
    main()
