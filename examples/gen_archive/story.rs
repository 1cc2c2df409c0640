//! The articles themselves: who wrote them, about what, when, and in which words; plus the
//! bookkeeping that turns some of them into known-item query targets.
//!
//! Every article draws from its own random stream (seeded by the run's seed and its index),
//! so the text of article i does not depend on how the others came out. The little state
//! shared across articles (official rosters, unique codes and names, distractor queues,
//! uniqueness counts) is updated in index order, so the whole run stays deterministic.

use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::Write;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime};
use serde_json::{Value, json};

use crate::layouts::Layout;
use crate::text::{self, Placement};
use crate::vocab::{self, PROVINCES, Province};

/// splitmix64: small, fast, and good enough to pick words.
#[derive(Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() >> 11) % (n.max(1) as u64)) as usize
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + (self.next_u64() % (hi - lo + 1))
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 * 1.0 < p
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// `pick` for string tables (spares type annotations at call sites).
    pub fn word(&mut self, items: &[&'static str]) -> &'static str {
        items[self.below(items.len())]
    }

    /// A random (version 4 shaped) UUID string.
    pub fn uuid(&mut self) -> String {
        let a = self.next_u64();
        let b = self.next_u64();
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            ((b >> 48) & 0x3fff) | 0x8000,
            b & 0xffff_ffff_ffff
        )
    }
}

fn key_of(parts: &[&str]) -> u64 {
    let mut h = DefaultHasher::new();
    for p in parts {
        text::fold(p).to_lowercase().hash(&mut h);
    }
    h.finish()
}

/// How a page's bytes are written.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Encoding {
    Utf8,
    Nfd,
    Entities,
    Windows1258,
}

impl Encoding {
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Nfd => "utf-8-nfd",
            Encoding::Entities => "utf-8-entities",
            Encoding::Windows1258 => "windows-1258",
        }
    }
}

/// An official on a roster: name and the title phrase written before it.
#[derive(Clone)]
pub struct Official {
    pub name: String,
    /// "Phó Chủ tịch", "Giám đốc"...
    pub title: &'static str,
    /// Short organisation ("UBND tỉnh Bạc Liêu", "Sở TT&TT").
    pub org_short: String,
    /// Long organisation ("Ủy ban nhân dân tỉnh Bạc Liêu").
    pub org_long: String,
    pub female: bool,
}

/// The agency an article belongs to.
#[derive(Clone)]
pub struct Agency {
    /// Canonical full name (the truth).
    pub canonical: String,
    /// As a byline or headline abbreviates it, with the province.
    pub short: String,
    /// Long form without the province (for running text).
    pub long_bare: String,
    /// Short form without the province.
    pub short_bare: String,
    /// Index into PROVINCES, none for central bodies.
    pub province: Option<usize>,
    /// Host of its portal.
    pub host: String,
    pub topics: &'static [usize],
}

/// The class of a known-item query.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum QClass {
    TitleNodiac,
    ToneVariant,
    BodyPhrase,
    Official,
    OfficialNodiac,
    Abbrev,
    DocCode,
    Filtered,
}

impl QClass {
    const ALL: [QClass; 8] = [
        QClass::TitleNodiac,
        QClass::ToneVariant,
        QClass::BodyPhrase,
        QClass::Official,
        QClass::OfficialNodiac,
        QClass::Abbrev,
        QClass::DocCode,
        QClass::Filtered,
    ];

    fn name(self) -> &'static str {
        match self {
            QClass::TitleNodiac => "title_nodiac",
            QClass::ToneVariant => "tone_variant",
            QClass::BodyPhrase => "body_phrase",
            QClass::Official => "official",
            QClass::OfficialNodiac => "official_nodiac",
            QClass::Abbrev => "abbrev",
            QClass::DocCode => "doc_code",
            QClass::Filtered => "filtered",
        }
    }
}

/// A query waiting for the end of the run, when the uniqueness counts are known.
struct Candidate {
    class: QClass,
    query: String,
    url: String,
    flags: String,
    /// Keys that must each have been seen exactly once for the target to be unambiguous.
    keys: Vec<u64>,
}

/// One generated article with everything the page and the truth need.
pub struct Story {
    pub idx: u64,
    pub layout: Layout,
    pub url: String,
    pub host: String,
    pub has_canonical: bool,
    pub title: String,
    pub lead: String,
    pub paras: Vec<String>,
    pub date: NaiveDate,
    pub time: Option<NaiveTime>,
    pub agency: Agency,
    /// The portal owner's name as its header writes it.
    pub owner_display: String,
    /// Canonical agency (the truth): the byline's agency, else the portal owner.
    pub agency_truth: String,
    pub author: Option<String>,
    /// The byline or source line as printed, when the layout prints one.
    pub byline: Option<String>,
    pub topic: String,
    pub province: Option<&'static Province>,
    pub tags: Vec<String>,
    pub encoding: Encoding,
    pub lead_repeated: bool,
    pub captions: Vec<String>,
    pub related: Vec<String>,
    pub noisy: bool,
    /// Seed for the page renderer's own choices.
    pub render_seed: u64,
}

impl Story {
    pub fn charset(&self) -> &'static str {
        match self.encoding {
            Encoding::Windows1258 => "windows-1258",
            _ => "utf-8",
        }
    }

    pub fn datetime(&self) -> Option<NaiveDateTime> {
        self.time.map(|t| self.date.and_time(t))
    }

    /// When the page was "crawled": some days after publication, in UTC.
    pub fn crawl_time(&self, idx: u64) -> NaiveDateTime {
        let base = self
            .date
            .and_time(NaiveTime::from_hms_opt(3, 0, 0).unwrap_or_default());
        base + Duration::days(3) + Duration::seconds((idx % 80_000) as i64)
    }

    pub fn body(&self) -> String {
        self.paras.join("\n\n")
    }

    pub fn truth_json(&self, rel: &str) -> Value {
        json!({
            "url": self.url,
            "path": rel,
            "layout": self.layout.dir(),
            "encoding": self.encoding.name(),
            "canonical_in_page": self.has_canonical,
            "title": self.title,
            "date": self.date.format("%Y-%m-%d").to_string(),
            "time": self.time.map(|t| t.format("%H:%M:%S").to_string()),
            "agency": self.agency_truth,
            "province": self.province.map(|p| p.name),
            "topic": self.topic,
            "author": self.author,
        })
    }

    pub fn article_json(&self) -> Value {
        json!({
            "url": self.url,
            "title": self.title,
            "lead": self.lead,
            "body": self.body(),
            "date": self.date.format("%Y-%m-%d").to_string(),
            "datetime": self.datetime().map(|d| d.format("%Y-%m-%dT%H:%M:%S").to_string()),
            "agency": self.agency_truth,
            "author": self.author,
            "topic": self.topic,
            "province": self.province.map(|p| p.name),
            "tags": self.tags,
        })
    }
}

/// Pools shared by all pages: headlines for sidebars and related boxes, document titles.
pub struct Pools {
    pub headlines: Vec<String>,
    pub doc_titles: Vec<String>,
}

/// Generates the articles in order and collects query candidates.
pub struct Generator {
    seed: u64,
    articles: u64,
    target_rate: f64,
    rosters: Vec<Vec<Official>>,
    ministry_officials: Vec<Official>,
    used_names: HashSet<String>,
    used_codes: HashSet<String>,
    /// Unique official names waiting to appear in another article's body (distractors).
    pending_names: Vec<String>,
    /// Near-miss document codes waiting to appear in another article (distractors).
    pending_codes: Vec<String>,
    counts: HashMap<u64, u32>,
    candidates: Vec<Candidate>,
    pub pools: Pools,
}

fn pick_family(rng: &mut Rng) -> &'static str {
    let total: u32 = vocab::FAMILY.iter().map(|(_, w)| *w).sum();
    let mut x = rng.below(total as usize) as u32;
    for (name, w) in vocab::FAMILY.iter() {
        if x < *w {
            return name;
        }
        x -= *w;
    }
    "Nguyễn"
}

fn person_name(rng: &mut Rng, female: bool, syllables: usize) -> String {
    let family = pick_family(rng);
    let (middle, given): (&[&str], &[&str]) = if female {
        (&vocab::MIDDLE_F, &vocab::GIVEN_F)
    } else {
        (&vocab::MIDDLE_M, &vocab::GIVEN_M)
    };
    let mut s = String::from(family);
    s.push(' ');
    s.push_str(rng.word(middle));
    if syllables >= 4 {
        s.push(' ');
        s.push_str(rng.word(given));
    }
    s.push(' ');
    s.push_str(rng.word(given));
    s
}

/// "tỉnh Bạc Liêu", "thành phố Hà Nội", "Thành phố Hồ Chí Minh".
pub fn province_phrase(p: &Province) -> String {
    if p.name == "Hồ Chí Minh" {
        "Thành phố Hồ Chí Minh".to_string()
    } else if p.city {
        format!("thành phố {}", p.name)
    } else {
        format!("tỉnh {}", p.name)
    }
}

fn province_short(p: &Province) -> String {
    if p.name == "Hồ Chí Minh" {
        "TP.HCM".to_string()
    } else if p.city {
        format!("TP {}", p.name)
    } else {
        format!("tỉnh {}", p.name)
    }
}

/// Every agency of a province, in a fixed order.
fn province_agencies(pi: usize) -> Vec<Agency> {
    let p = &PROVINCES[pi];
    let mut out = Vec::new();
    for d in vocab::DEPTS.iter() {
        let abbr_form = if d.abbr == d.full {
            format!("Sở {}", d.full)
        } else {
            format!("Sở {}", d.abbr)
        };
        out.push(Agency {
            canonical: format!("Sở {} {}", d.full, p.name),
            short: format!("{} {}", abbr_form, p.name),
            long_bare: format!("Sở {}", d.full),
            short_bare: abbr_form,
            province: Some(pi),
            host: format!("{}.{}.gov.vn", d.host, p.slug),
            topics: d.topics,
        });
    }
    let pp = province_phrase(p);
    let ps = province_short(p);
    out.push(Agency {
        canonical: format!("Ủy ban nhân dân {pp}"),
        short: format!("UBND {ps}"),
        long_bare: "Ủy ban nhân dân tỉnh".to_string(),
        short_bare: "UBND tỉnh".to_string(),
        province: Some(pi),
        host: format!("{}.gov.vn", p.slug),
        topics: &[2, 7, 0, 5, 6],
    });
    out.push(Agency {
        canonical: format!("Hội đồng nhân dân {pp}"),
        short: format!("HĐND {ps}"),
        long_bare: "Hội đồng nhân dân tỉnh".to_string(),
        short_bare: "HĐND tỉnh".to_string(),
        province: Some(pi),
        host: format!("hdnd.{}.gov.vn", p.slug),
        topics: &[2, 7, 6],
    });
    let committee = if p.city { "Thành ủy" } else { "Tỉnh ủy" };
    out.push(Agency {
        canonical: format!("Ban Tổ chức {committee} {}", p.name),
        short: format!("Ban Tổ chức {committee} {}", p.name),
        long_bare: format!("Ban Tổ chức {committee}"),
        short_bare: format!("Ban Tổ chức {committee}"),
        province: Some(pi),
        host: format!("btc.{}.gov.vn", p.slug),
        topics: &[6, 7],
    });
    out
}

fn ministry(i: usize) -> Agency {
    let (name, short, topics) = vocab::MINISTRIES[i % vocab::MINISTRIES.len()];
    Agency {
        canonical: name.to_string(),
        short: short.to_string(),
        long_bare: name.to_string(),
        short_bare: short.to_string(),
        province: None,
        host: "mic.gov.vn".to_string(),
        topics,
    }
}

/// The Sở TT&TT of a province (mic.gov.vn bylines name it).
fn dept_tttt(pi: usize) -> Agency {
    province_agencies(pi).swap_remove(0)
}

/// Slots a template can be filled with.
struct Slots<'a> {
    agency: &'a Agency,
    province: Option<&'static Province>,
    topic: usize,
    year: i32,
    officials: &'a [Official],
    docs: &'a [String],
}

impl Generator {
    pub fn new(seed: u64, articles: u64, queries: usize) -> Self {
        let mut rng = Rng::new(seed ^ 0xA11C_E5ED);
        let mut used_names = HashSet::new();
        let mut rosters = Vec::new();
        for (pi, p) in PROVINCES.iter().enumerate() {
            let pp = province_phrase(p);
            let ps = province_short(p);
            let mut roster = Vec::new();
            let mut add =
                |rng: &mut Rng, title: &'static str, org_short: String, org_long: String| {
                    let female = rng.chance(0.25);
                    let name = loop {
                        let n = person_name(rng, female, 3);
                        if used_names.insert(n.clone()) {
                            break n;
                        }
                    };
                    roster.push(Official {
                        name,
                        title,
                        org_short,
                        org_long,
                        female,
                    });
                };
            add(
                &mut rng,
                "Chủ tịch",
                format!("UBND {ps}"),
                format!("Ủy ban nhân dân {pp}"),
            );
            for _ in 0..3 {
                add(
                    &mut rng,
                    "Phó Chủ tịch",
                    format!("UBND {ps}"),
                    format!("Ủy ban nhân dân {pp}"),
                );
            }
            let committee = if p.city { "Thành ủy" } else { "Tỉnh ủy" };
            add(
                &mut rng,
                "Bí thư",
                format!("{committee} {}", p.name),
                format!("{committee} {}", p.name),
            );
            add(
                &mut rng,
                "Trưởng Ban Tổ chức",
                committee.to_string(),
                committee.to_string(),
            );
            add(
                &mut rng,
                "Chủ tịch",
                format!("HĐND {ps}"),
                format!("Hội đồng nhân dân {pp}"),
            );
            for d in vocab::DEPTS.iter() {
                let short = if d.abbr == d.full {
                    format!("Sở {}", d.full)
                } else {
                    format!("Sở {}", d.abbr)
                };
                add(&mut rng, d.head_title, short, format!("Sở {}", d.full));
            }
            let _ = pi;
            rosters.push(roster);
        }
        let mut ministry_officials = Vec::new();
        for (name, short, _) in vocab::MINISTRIES.iter() {
            for t in vocab::MINISTRY_TITLES.iter() {
                let female = rng.chance(0.2);
                let n = loop {
                    let n = person_name(&mut rng, female, 3);
                    if used_names.insert(n.clone()) {
                        break n;
                    }
                };
                let (title, org_short, org_long) = if name.starts_with("Văn phòng") {
                    (
                        if *t == "Bộ trưởng" {
                            "Bộ trưởng, Chủ nhiệm"
                        } else {
                            "Phó Chủ nhiệm"
                        },
                        short.to_string(),
                        name.to_string(),
                    )
                } else {
                    (*t, short.to_string(), name.to_string())
                };
                ministry_officials.push(Official {
                    name: n,
                    title,
                    org_short,
                    org_long,
                    female,
                });
            }
        }
        let mut used_codes = HashSet::new();
        for (_, code) in vocab::FAMOUS_DOCS.iter() {
            used_codes.insert(code.to_string());
        }
        let mut g = Generator {
            seed,
            articles,
            target_rate: (queries as f64 / articles.max(1) as f64).min(0.9),
            rosters,
            ministry_officials,
            used_names,
            used_codes,
            pending_names: Vec::new(),
            pending_codes: Vec::new(),
            counts: HashMap::new(),
            candidates: Vec::new(),
            pools: Pools {
                headlines: Vec::new(),
                doc_titles: Vec::new(),
            },
        };
        g.pools = g.make_pools(&mut rng);
        g
    }

    fn make_pools(&self, rng: &mut Rng) -> Pools {
        let mut headlines = Vec::with_capacity(600);
        for _ in 0..600 {
            let pi = rng.below(PROVINCES.len());
            let ags = province_agencies(pi);
            let ag = rng.pick(&ags).clone();
            let topic = *rng.pick(ag.topics);
            let year = rng.range(2005, 2025) as i32;
            let slots = Slots {
                agency: &ag,
                province: Some(&PROVINCES[pi]),
                topic,
                year,
                officials: &self.rosters[pi],
                docs: &[],
            };
            headlines.push(self.fill(rng.word(&vocab::TITLE_TEMPLATES), &slots, rng));
        }
        let mut doc_titles = Vec::with_capacity(200);
        for _ in 0..200 {
            let pi = rng.below(PROVINCES.len());
            let (word, suffix, with_year) = *rng.pick(&vocab::LOCAL_DOC_KINDS);
            let year = rng.range(2005, 2025);
            let num = rng.range(1, 3500);
            let code = if with_year {
                format!("{num}/{year}/{suffix}")
            } else {
                format!("{num}/{suffix}")
            };
            let t = &vocab::TOPICS[rng.below(vocab::TOPICS.len())];
            doc_titles.push(format!(
                "{word} số {code} của UBND {} về {}",
                province_short(&PROVINCES[pi]),
                rng.pick(t.phrases)
            ));
        }
        Pools {
            headlines,
            doc_titles,
        }
    }

    fn official_phrase(&self, o: &Official, rng: &mut Rng) -> String {
        let hon = if o.female { "bà" } else { "ông" };
        match rng.below(5) {
            0 => format!("{} {} {}", o.title, o.org_short, o.name),
            1 => format!("{} {} {}", o.title, o.org_long, o.name),
            2 => format!("{hon} {}, {} {}", o.name, o.title, o.org_short),
            3 => format!("đồng chí {}, {} {}", o.name, o.title, o.org_long),
            _ => format!("{hon} {}, {} {}", o.name, o.title, o.org_long),
        }
    }

    /// Fills a template's slots.
    fn fill(&self, template: &str, s: &Slots, rng: &mut Rng) -> String {
        let topic = &vocab::TOPICS[s.topic % vocab::TOPICS.len()];
        let mut out = String::with_capacity(template.len() + 80);
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let Some(close) = rest[open..].find('}') else {
                break;
            };
            let slot = &rest[open + 1..open + close];
            rest = &rest[open + close + 1..];
            match slot {
                "A" => out.push_str(match rng.below(5) {
                    0 | 1 => &s.agency.short_bare,
                    2 | 3 => &s.agency.long_bare,
                    _ => &s.agency.short,
                }),
                "S" => out.push_str(if rng.chance(0.6) {
                    &s.agency.short
                } else {
                    &s.agency.canonical
                }),
                "P" => match s.province {
                    Some(p) => out.push_str(&if rng.chance(0.7) {
                        province_phrase(p)
                    } else {
                        province_short(p)
                    }),
                    None => out.push_str("các địa phương"),
                },
                "PR" => match s.province {
                    Some(p) => out.push_str(if p.name == "Hồ Chí Minh" && rng.chance(0.5) {
                        "TP.HCM"
                    } else {
                        p.name
                    }),
                    None => out.push_str(&s.agency.short),
                },
                "N" => out.push_str(rng.word(topic.phrases)),
                "M" => {
                    let other = &vocab::TOPICS[rng.below(vocab::TOPICS.len())];
                    out.push_str(rng.word(other.phrases));
                }
                "O" => {
                    if s.officials.is_empty() {
                        out.push_str("lãnh đạo đơn vị");
                    } else {
                        let o = rng.pick(s.officials);
                        out.push_str(&self.official_phrase(o, rng));
                    }
                }
                "D" => {
                    if !s.docs.is_empty() && rng.chance(0.7) {
                        out.push_str(rng.pick(s.docs).as_str());
                    } else {
                        // Only documents issued by then (codes without a year are old ones).
                        let mut pick = rng.pick(&vocab::FAMOUS_DOCS);
                        for _ in 0..8 {
                            let issued =
                                pick.1.split('/').nth(1).and_then(|y| y.parse::<i32>().ok());
                            if issued.is_none_or(|y| y <= s.year) {
                                break;
                            }
                            pick = rng.pick(&vocab::FAMOUS_DOCS);
                        }
                        let (w, c) = pick;
                        out.push_str(w);
                        out.push_str(if rng.chance(0.5) { " số " } else { " " });
                        out.push_str(c);
                    }
                }
                "n" => out.push_str(&rng.range(2, 480).to_string()),
                "x" => {
                    let whole = rng.range(12, 99);
                    if rng.chance(0.5) {
                        out.push_str(&format!("{whole},{}%", rng.below(10)));
                    } else {
                        out.push_str(&format!("{whole}%"));
                    }
                }
                "Y" => out.push_str(&s.year.to_string()),
                "Y2" => out.push_str(&(s.year + 5).to_string()),
                "k" => out.push_str(&rng.range(2, 15).to_string()),
                "V" => out.push_str(rng.word(&vocab::TITLE_VERBS)),
                "Q" => out.push_str(rng.word(&vocab::QUOTES)),
                other => {
                    out.push('{');
                    out.push_str(other);
                    out.push('}');
                }
            }
        }
        out.push_str(rest);
        capitalise_first(&out)
    }

    fn bump(&mut self, key: u64) {
        *self.counts.entry(key).or_insert(0) += 1;
    }

    fn fresh_name(&mut self, rng: &mut Rng) -> String {
        loop {
            let female = rng.chance(0.3);
            let syl = if rng.chance(0.3) { 4 } else { 3 };
            let n = person_name(rng, female, syl);
            // A target's name must not be a contiguous part of another name in use
            // ("Nguyễn Thanh Tốt" inside "Nguyễn Thanh Tốt Khoa"), or the query is ambiguous.
            let clash = self.used_names.iter().any(|u| {
                u.starts_with(&format!("{n} "))
                    || n.starts_with(&format!("{u} "))
                    || u.ends_with(&format!(" {n}"))
            });
            if !clash && self.used_names.insert(n.clone()) {
                return n;
            }
        }
    }

    fn fresh_code(&mut self, rng: &mut Rng, year: i32) -> (String, String) {
        loop {
            let (word, suffix, with_year) = *rng.pick(&vocab::LOCAL_DOC_KINDS);
            let num = rng.range(100, 4999);
            let code = if with_year || rng.chance(0.5) {
                let suffix = if with_year { suffix } else { "QĐ-UBND" };
                format!("{num}/{year}/{suffix}")
            } else {
                format!("{num}/{suffix}")
            };
            if self.used_codes.insert(code.clone()) {
                return (word.to_string(), code);
            }
        }
    }

    /// Generates article `idx`.
    pub fn next_story(&mut self, idx: u64) -> Story {
        let mut rng = Rng::new(
            self.seed.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ idx.wrapping_mul(0x9E37_79B9_7F4A_7C15),
        );
        for _ in 0..2 {
            rng.next_u64();
        }
        let layout = Layout::pick(&mut rng);
        let target = if rng.chance(self.target_rate) {
            Some(QClass::ALL[(idx as usize + rng.below(3)) % QClass::ALL.len()])
        } else {
            None
        };
        // When: each layout belongs to an era.
        let (y0, y1) = layout.years();
        let year = rng.range(y0 as u64, y1 as u64) as i32;
        let doy = rng.range(0, 364) as i64;
        let mut date =
            NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default() + Duration::days(doy);
        if date.year() != year {
            date = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default();
        }
        if layout == Layout::Chinhphu
            && date > NaiveDate::from_ymd_opt(2025, 10, 31).unwrap_or_default()
        {
            date = NaiveDate::from_ymd_opt(2025, 10, 31).unwrap_or_default()
                - Duration::days(doy % 200);
        }
        let secs = if layout == Layout::Joomla {
            rng.range(0, 59)
        } else {
            0
        };
        let time = if layout == Layout::OldTable && rng.chance(0.5) {
            None
        } else {
            NaiveTime::from_hms_opt(
                rng.range(6, 21) as u32,
                rng.range(0, 59) as u32,
                secs as u32,
            )
        };

        // Who: the portal owner and, for mic.gov.vn, a byline that may name another agency.
        let (owner, byline_agency) = match layout {
            Layout::MicSharePoint => {
                let mic = ministry(0);
                if rng.chance(0.6) {
                    let pi = rng.below(PROVINCES.len());
                    (mic, Some(dept_tttt(pi)))
                } else {
                    (mic, None)
                }
            }
            Layout::Chinhphu => {
                if rng.chance(0.5) {
                    (ministry(3), None)
                } else if date < NaiveDate::from_ymd_opt(2025, 3, 1).unwrap_or_default() {
                    (ministry(0), None)
                } else {
                    (ministry(2), None)
                }
            }
            _ => {
                let pi = rng.below(PROVINCES.len());
                let ags = province_agencies(pi);
                let ag = match layout {
                    // Old table portals belong to the provincial People's Committee.
                    Layout::OldTable => ags[12].clone(),
                    _ => rng.pick(&ags).clone(),
                };
                (ag, None)
            }
        };
        let agency = byline_agency.clone().unwrap_or_else(|| owner.clone());
        let province = agency.province.map(|i| &PROVINCES[i]);
        let officials: Vec<Official> = match agency.province {
            Some(pi) => self.rosters[pi].clone(),
            None => self
                .ministry_officials
                .iter()
                .filter(|o| o.org_long == agency.canonical)
                .cloned()
                .collect(),
        };

        // What: topic (mic.gov.vn uses its own categories).
        let (topic_name, topic_idx, mic_cat) = match layout {
            Layout::MicSharePoint => {
                let (cat, name) = *rng.pick(&vocab::MIC_CATEGORIES);
                let ti = match cat {
                    1747 => 15,
                    1748 => 10,
                    1749 => 1,
                    1694 => 8,
                    1751 => 12,
                    _ => 9,
                };
                (name.to_string(), ti, Some(cat))
            }
            _ => {
                let ti = *rng.pick(agency.topics);
                (vocab::TOPICS[ti].name.to_string(), ti, None)
            }
        };
        let _ = mic_cat;

        // Documents this article cites; a doc_code target gets a code no other article has.
        let mut docs: Vec<String> = Vec::new();
        let mut target_code: Option<String> = None;
        if target == Some(QClass::DocCode) {
            let (word, code) = self.fresh_code(&mut rng, year);
            // A near miss (same number, another year or kind) goes to a later article.
            let near = if let Some((num, rest)) = code.split_once('/') {
                match rest.split_once('/') {
                    Some((y, kind)) => {
                        format!("{num}/{}/{kind}", y.parse::<i32>().unwrap_or(year) + 1)
                    }
                    None => format!("{num}/{year}/QĐ-UBND"),
                }
            } else {
                code.clone()
            };
            if !self.used_codes.contains(&near) {
                self.used_codes.insert(near.clone());
                self.pending_codes.push(near);
            }
            docs.push(format!("{word} số {code}"));
            target_code = Some(code);
        } else if rng.chance(0.5) {
            let pi = agency.province.unwrap_or(0);
            let (word, suffix, with_year) = *rng.pick(&vocab::LOCAL_DOC_KINDS);
            let _ = pi;
            let num = rng.range(1, 99);
            let code = if with_year {
                format!("{num}/{year}/{suffix}")
            } else {
                format!("{num}/{suffix}")
            };
            if !self.used_codes.contains(&code) {
                docs.push(format!("{word} số {code}"));
            }
        }
        if let Some(near) = (target.is_none() && !self.pending_codes.is_empty() && rng.chance(0.3))
            .then(|| self.pending_codes.pop())
            .flatten()
        {
            docs.push(format!("Quyết định số {near}"));
        }

        let slots = Slots {
            agency: &agency,
            province,
            topic: topic_idx,
            year,
            officials: &officials,
            docs: &docs,
        };

        // The headline.
        let mut target_name: Option<String> = None;
        let mut title = self.fill(rng.word(&vocab::TITLE_TEMPLATES), &slots, &mut rng);
        match target {
            Some(QClass::Official) | Some(QClass::OfficialNodiac) => {
                let name = self.fresh_name(&mut rng);
                let (t, org) = match officials.first() {
                    Some(o) if rng.chance(0.5) => (o.title, o.org_short.clone()),
                    _ => (head_title(&agency, rng.chance(0.5)), agency.short.clone()),
                };
                let phrase = rng.pick(vocab::TOPICS[topic_idx].phrases);
                title = match rng.below(4) {
                    0 => format!("{t} {org} {name} làm việc với các đơn vị về {phrase}"),
                    1 => format!("{t} {org} {name} kiểm tra {phrase}"),
                    2 => format!("{t} {name} chủ trì hội nghị {phrase}"),
                    _ => format!("Đồng chí {name} tiếp đoàn công tác về {phrase}"),
                };
                self.pending_names.push(name.clone());
                target_name = Some(name);
            }
            Some(QClass::ToneVariant) => {
                for _ in 0..12 {
                    if text::has_placement_syllable(&title) {
                        break;
                    }
                    title = self.fill(rng.word(&vocab::TITLE_TEMPLATES), &slots, &mut rng);
                }
            }
            Some(QClass::Abbrev) => {
                for _ in 0..12 {
                    if abbrev_swap(&title).is_some() {
                        break;
                    }
                    title = self.fill(rng.word(&vocab::TITLE_TEMPLATES), &slots, &mut rng);
                }
            }
            Some(QClass::DocCode) => {
                if let Some(d) = docs.first()
                    && rng.chance(0.4)
                {
                    title = format!(
                        "Triển khai {d} về {}",
                        rng.pick(vocab::TOPICS[topic_idx].phrases)
                    );
                }
            }
            _ => {}
        }

        // Many headlines name the commune or district concerned; known-item targets named by
        // their headline more often, so that the headline identifies them in a large archive.
        let title_target = matches!(
            target,
            Some(QClass::TitleNodiac) | Some(QClass::ToneVariant) | Some(QClass::Abbrev)
        );
        if (title_target && rng.chance(0.8)) || rng.chance(0.2) {
            let place = rng.word(&["xã", "xã", "huyện", "phường", "thị trấn"]);
            let mut name = place_name(&mut rng);
            if target == Some(QClass::ToneVariant) && !text::has_placement_syllable(&title) {
                for _ in 0..30 {
                    if text::has_placement_syllable(&name) {
                        break;
                    }
                    name = place_name(&mut rng);
                }
            }
            title = format!("{title} tại {place} {name}");
        }

        // The lead.
        let day = format!("{}/{}", date.day(), date.month());
        let lead_subject = match &target_name {
            Some(n) => {
                let o = officials.first();
                match o {
                    Some(o) => format!("{} {} {}", o.title, o.org_short, n),
                    None => format!("đồng chí {n}"),
                }
            }
            None => match officials.is_empty() {
                true => agency.short.clone(),
                false => {
                    let o = rng.pick(&officials).clone();
                    self.official_phrase(&o, &mut rng)
                }
            },
        };
        let phrase = rng.pick(vocab::TOPICS[topic_idx].phrases);
        let when = match rng.below(3) {
            0 => format!("Ngày {day}"),
            1 => format!("Sáng {day}"),
            _ => format!("Chiều {day}/{year}"),
        };
        let mut lead = match rng.below(5) {
            0 => format!(
                "{when}, {lead_subject} đã chủ trì buổi làm việc về {phrase}, nhằm đánh giá kết quả thực hiện và đề ra nhiệm vụ thời gian tới."
            ),
            1 => format!(
                "{when}, {} tổ chức hội nghị {} {phrase}; {lead_subject} dự và chỉ đạo hội nghị.",
                agency.short,
                rng.pick(&vocab::TITLE_VERBS)
            ),
            2 => format!(
                "Nhằm {} {phrase}, {} vừa ban hành kế hoạch triển khai với nhiều nhiệm vụ, giải pháp cụ thể; {lead_subject} yêu cầu các đơn vị thực hiện nghiêm túc.",
                rng.pick(&vocab::TITLE_VERBS),
                agency.short
            ),
            3 => format!(
                "{when}, đoàn công tác do {lead_subject} dẫn đầu đã kiểm tra tình hình {phrase} tại một số đơn vị."
            ),
            _ => format!(
                "Thực hiện chỉ đạo của cấp trên, {} đã tích cực triển khai {phrase}; {when}, {lead_subject} có buổi làm việc đánh giá kết quả.",
                agency.short
            ),
        };
        if let Some(d) = docs.first()
            && target == Some(QClass::DocCode)
        {
            lead = format!("{lead} Đây là bước cụ thể hóa {d}.");
        }

        // The body.
        let n_paras = rng.range(4, 11) as usize;
        let mut paras = Vec::with_capacity(n_paras + 1);
        for _ in 0..n_paras {
            let n_sent = rng.range(2, 5) as usize;
            let mut p = String::new();
            for _ in 0..n_sent {
                if !p.is_empty() {
                    p.push(' ');
                }
                p.push_str(&self.fill(rng.word(&vocab::BODY_TEMPLATES), &slots, &mut rng));
            }
            paras.push(p);
        }
        // The distinctive sentence: a commune, a count and a unit.
        let commune = place_name(&mut rng);
        let count = rng.range(12, 980);
        let unit = rng.pick(&vocab::COUNT_UNITS);
        let verb = rng.pick(&vocab::COUNT_VERBS);
        let fact_phrase = format!("xã {commune} đã có {count} {unit}");
        let fact = format!("Riêng {fact_phrase} {verb}, vượt chỉ tiêu được giao.");
        let at = 1 + rng.below(paras.len().max(1));
        let at = at.min(paras.len());
        match paras.get_mut(at.saturating_sub(1)) {
            Some(p) => {
                p.push(' ');
                p.push_str(&fact);
            }
            None => paras.push(fact.clone()),
        }
        let fact_key = key_of(&["fact", &commune, &count.to_string(), unit]);
        // Distractor: a unique official's name from an earlier target, mentioned in passing.
        if target.is_none()
            && !self.pending_names.is_empty()
            && rng.chance(0.5)
            && let Some(n) = self.pending_names.pop()
        {
            let at = rng.below(paras.len());
            if let Some(p) = paras.get_mut(at) {
                p.push_str(&format!(
                    " Tham dự buổi làm việc còn có đại diện lãnh đạo các sở, ngành, trong đó có ông {n}."
                ));
            }
        }
        if let Some(n) = &target_name {
            paras.push(format!(
                "Kết luận buổi làm việc, {n} đề nghị các cơ quan, đơn vị tiếp tục phối hợp chặt chẽ, triển khai đồng bộ các giải pháp đã đề ra."
            ));
        }

        // Style: tone placement of the writer, and a few mixed articles.
        let style = if rng.chance(0.3) {
            Placement::Old
        } else {
            Placement::New
        };
        let mixed = rng.chance(0.1);
        if style == Placement::Old {
            title = text::place_tones(&title, Placement::Old);
            lead = text::place_tones(&lead, Placement::Old);
            for (i, p) in paras.iter_mut().enumerate() {
                if !(mixed && i % 2 == 1) {
                    *p = text::place_tones(p, Placement::Old);
                }
            }
        } else if mixed {
            lead = text::place_tones(&lead, Placement::Old);
        }

        // Byline and author.
        let author = if byline_agency.is_some() || rng.chance(0.85) {
            Some(rng.pick(&vocab::PEN_NAMES).to_string())
        } else {
            None
        };
        let byline = match (&author, &byline_agency) {
            (Some(a), Some(ag)) => Some(format!(
                "{a} {} {}",
                if rng.chance(0.5) { "–" } else { "-" },
                ag.short
            )),
            (Some(a), None) => Some(a.clone()),
            (None, _) => None,
        };
        let agency_truth = agency.canonical.clone();
        let owner_display = owner.canonical.clone();

        // Where: URL and host.
        let host = match layout {
            Layout::Chinhphu => match owner.canonical.as_str() {
                "Văn phòng Chính phủ" => {
                    if rng.chance(0.5) {
                        "baochinhphu.vn".to_string()
                    } else {
                        "chinhphu.vn".to_string()
                    }
                }
                "Bộ Khoa học và Công nghệ" => "mst.gov.vn".to_string(),
                _ => "mic.gov.vn".to_string(),
            },
            Layout::MicSharePoint => "mic.gov.vn".to_string(),
            _ => owner.host.clone(),
        };
        let sl = text::slug(&title);
        let url = match layout {
            Layout::MicSharePoint => {
                let prefix = if year >= 2020 { "/mic_2020" } else { "" };
                format!(
                    "https://mic.gov.vn{prefix}/Pages/TinTuc/{}/{}.html",
                    100_000 + idx,
                    text::title_slug(&title)
                )
            }
            Layout::Chinhphu => {
                let site = match host.as_str() {
                    "baochinhphu.vn" => "102",
                    "chinhphu.vn" => "101",
                    "mst.gov.vn" => "140",
                    _ => "197",
                };
                let t = time.unwrap_or_default();
                format!(
                    "https://{host}/{sl}-{site}{}{:03}.htm",
                    date.and_time(t).format("%y%m%d%H%M%S"),
                    idx % 1000
                )
            }
            Layout::NukeViet => format!(
                "https://{host}/news/{}/{}-{}.html",
                vocab::TOPICS[topic_idx].slug,
                sl,
                idx + 1
            ),
            Layout::Joomla => format!(
                "http://{host}/index.php?option=com_content&view=article&id={}:{}&catid={}&Itemid={}",
                idx + 1,
                sl,
                10 + topic_idx,
                100 + topic_idx
            ),
            Layout::OldTable => format!("http://www.{host}/portal/news.asp?id={}", idx + 1),
        };
        let has_canonical = match layout {
            Layout::OldTable => false,
            Layout::Joomla => rng.chance(0.5),
            Layout::MicSharePoint => rng.chance(0.8),
            _ => true,
        };
        let encoding = match layout {
            Layout::OldTable if rng.chance(0.7) => Encoding::Windows1258,
            Layout::MicSharePoint if rng.chance(0.25) => Encoding::Entities,
            _ => {
                let x = rng.below(100);
                if x < 6 {
                    Encoding::Nfd
                } else if x < 12 {
                    Encoding::Entities
                } else {
                    Encoding::Utf8
                }
            }
        };
        let lead_repeated = matches!(layout, Layout::MicSharePoint) && rng.chance(0.4)
            || matches!(layout, Layout::OldTable) && rng.chance(0.2);
        let n_caps = if rng.chance(0.6) {
            rng.range(1, 3) as usize
        } else {
            0
        };
        let captions = (0..n_caps)
            .map(|i| match (i + rng.below(4)) % 4 {
                0 => "Quang cảnh hội nghị".to_string(),
                1 => format!(
                    "Đại biểu phát biểu tại buổi làm việc về {}",
                    rng.pick(vocab::TOPICS[topic_idx].phrases)
                ),
                2 => "Lãnh đạo tỉnh trao tặng bằng khen cho các tập thể, cá nhân".to_string(),
                _ => format!("Ảnh: {}", rng.pick(&vocab::PEN_NAMES)),
            })
            .collect();
        let related = (0..rng.range(3, 6))
            .map(|_| rng.pick(&self.pools.headlines).clone())
            .collect();
        let tags = (0..rng.range(0, 4))
            .map(|_| rng.pick(vocab::TOPICS[topic_idx].phrases).to_string())
            .collect::<Vec<_>>();

        // Uniqueness keys, and the query candidate if this article is a target.
        let title_key = key_of(&["title", &title]);
        self.bump(title_key);
        self.bump(fact_key);
        let year_s = year.to_string();
        let core = title_core(&title);
        let fk_agency = key_of(&["fa", &core, &agency_truth, &year_s]);
        let fk_prov = key_of(&["fp", &core, province.map(|p| p.name).unwrap_or(""), &year_s]);
        self.bump(fk_agency);
        self.bump(fk_prov);
        if let Some(class) = target {
            let flat = |s: &str| s.replace(['\t', '\n'], " ");
            let cand = match class {
                QClass::TitleNodiac => Some((
                    text::fold(&title).to_lowercase(),
                    String::new(),
                    vec![title_key],
                )),
                QClass::ToneVariant => {
                    let flipped = if text::place_tones(&title, Placement::New) == title {
                        text::place_tones(&title, Placement::Old)
                    } else {
                        text::place_tones(&title, Placement::New)
                    };
                    (flipped != title).then(|| (flipped, String::new(), vec![title_key]))
                }
                QClass::BodyPhrase => {
                    let shown = if style == Placement::Old {
                        text::place_tones(&fact_phrase, Placement::Old)
                    } else {
                        fact_phrase.clone()
                    };
                    Some((format!("\"{shown}\""), String::new(), vec![fact_key]))
                }
                QClass::Official => target_name.as_ref().map(|n| {
                    let q = if rng.chance(0.5) {
                        let t = title
                            .split(n.as_str())
                            .next()
                            .unwrap_or("")
                            .trim()
                            .to_string();
                        let t = t.split_whitespace().take(3).collect::<Vec<_>>().join(" ");
                        format!("{t} {n}").trim().to_string()
                    } else {
                        n.clone()
                    };
                    (q, String::new(), vec![])
                }),
                QClass::OfficialNodiac => target_name
                    .as_ref()
                    .map(|n| (text::fold(n).to_lowercase(), String::new(), vec![])),
                QClass::Abbrev => abbrev_swap(&title).map(|q| (q, String::new(), vec![title_key])),
                QClass::DocCode => target_code
                    .as_ref()
                    .map(|c| (code_variant(c, &mut rng), String::new(), vec![])),
                QClass::Filtered => {
                    let q = if rng.chance(0.5) {
                        text::fold(&core).to_lowercase()
                    } else {
                        core.clone()
                    };
                    if rng.chance(0.5) || province.is_none() {
                        Some((
                            q,
                            format!("--agency={agency_truth} --year={year}"),
                            vec![fk_agency],
                        ))
                    } else {
                        Some((
                            q,
                            format!(
                                "--province={} --year={year}",
                                province.map(|p| p.name).unwrap_or("")
                            ),
                            vec![fk_prov],
                        ))
                    }
                }
            };
            if let Some((query, flags, keys)) = cand
                && !query.trim().is_empty()
            {
                self.candidates.push(Candidate {
                    class,
                    query: flat(&query),
                    url: url.clone(),
                    flags,
                    keys,
                });
            }
        }

        Story {
            idx,
            layout,
            url,
            host,
            has_canonical,
            title,
            lead,
            paras,
            date,
            time,
            agency,
            owner_display,
            agency_truth,
            author,
            byline,
            topic: topic_name,
            province,
            tags,
            encoding,
            lead_repeated,
            captions,
            related,
            noisy: rng.chance(0.15),
            render_seed: rng.next_u64(),
        }
    }

    /// Writes `queries.tsv`: candidates whose targets stayed unambiguous. Returns the count.
    pub fn write_queries(&self, out: &mut impl Write) -> std::io::Result<usize> {
        writeln!(out, "class\tquery\ttarget_url\tflags")?;
        let mut n = 0;
        for c in &self.candidates {
            if c.keys
                .iter()
                .all(|k| self.counts.get(k).copied().unwrap_or(0) == 1)
            {
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}",
                    c.class.name(),
                    c.query,
                    c.url,
                    c.flags
                )?;
                n += 1;
            }
        }
        let _ = self.articles;
        Ok(n)
    }
}

/// The title of an agency's head (or deputy), as a headline writes it before a name.
fn head_title(agency: &Agency, deputy: bool) -> &'static str {
    let c = agency.canonical.as_str();
    match (c, deputy) {
        _ if agency.province.is_none() => {
            if c.starts_with("Văn phòng") {
                if deputy {
                    "Phó Chủ nhiệm"
                } else {
                    "Bộ trưởng, Chủ nhiệm"
                }
            } else if deputy {
                "Thứ trưởng"
            } else {
                "Bộ trưởng"
            }
        }
        _ if c.starts_with("Sở ") => {
            if deputy {
                "Phó Giám đốc"
            } else {
                "Giám đốc"
            }
        }
        _ if c.starts_with("Ban ") => {
            if deputy {
                "Phó Trưởng ban"
            } else {
                "Trưởng ban"
            }
        }
        (_, true) => "Phó Chủ tịch",
        (_, false) => "Chủ tịch",
    }
}

fn capitalise_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(f) if f.is_lowercase() => f.to_uppercase().chain(chars).collect(),
        _ => s.to_string(),
    }
}

/// A commune name of two or three syllables.
fn place_name(rng: &mut Rng) -> String {
    let n = if rng.chance(0.6) { 2 } else { 3 };
    let mut parts: Vec<&str> = Vec::with_capacity(n);
    while parts.len() < n {
        let s = rng.pick(&vocab::PLACE_SYL);
        if !parts.contains(s) {
            parts.push(s);
        }
    }
    parts.join(" ")
}

/// The part of a headline a person would remember: the words after the verb or colon,
/// without the agency; used for filtered queries.
fn title_core(title: &str) -> String {
    let title = title.split(" tại ").next().unwrap_or(title);
    let after = title.rsplit_once(": ").map(|(_, b)| b).unwrap_or(title);
    let words: Vec<&str> = after.split_whitespace().collect();
    let start = words.len().saturating_sub(5);
    words[start..].join(" ")
}

/// Abbreviation ↔ long form pairs used by the abbrev queries (long forms with new-style
/// tones; titles are compared after normalising placement).
const ABBREV_PAIRS: [(&str, &str); 12] = [
    ("UBND", "Ủy ban nhân dân"),
    ("HĐND", "Hội đồng nhân dân"),
    ("TT&TT", "Thông tin và Truyền thông"),
    ("KH&ĐT", "Kế hoạch và Đầu tư"),
    ("GD&ĐT", "Giáo dục và Đào tạo"),
    ("NN&PTNT", "Nông nghiệp và Phát triển nông thôn"),
    ("TN&MT", "Tài nguyên và Môi trường"),
    ("KH&CN", "Khoa học và Công nghệ"),
    ("LĐ-TB&XH", "Lao động - Thương binh và Xã hội"),
    ("VH-TT&DL", "Văn hóa, Thể thao và Du lịch"),
    ("TP.HCM", "Thành phố Hồ Chí Minh"),
    ("CNTT", "công nghệ thông tin"),
];

/// The title with its abbreviations written out, or its long forms abbreviated.
fn abbrev_swap(title: &str) -> Option<String> {
    let t = text::place_tones(title, Placement::New);
    let mut out = t.clone();
    let mut changed = false;
    for (short, long) in ABBREV_PAIRS.iter() {
        if out.contains(long) {
            out = out.replace(long, short);
            changed = true;
        } else if out.contains(short) {
            out = out.replace(short, long);
            changed = true;
        }
    }
    changed.then_some(out)
}

/// A document code typed the way people type it.
fn code_variant(code: &str, rng: &mut Rng) -> String {
    let folded = text::fold(code);
    match rng.below(5) {
        0 => code.to_lowercase(),
        1 => folded.to_uppercase(),
        2 => {
            // "qd-ubnd 1234/2016"
            let parts: Vec<&str> = folded.split('/').collect();
            match parts.as_slice() {
                [num, year, kind] => format!("{} {num}/{year}", kind.to_lowercase()),
                [num, kind] => format!("{} {num}", kind.to_lowercase()),
                _ => folded.to_lowercase(),
            }
        }
        3 => folded.to_lowercase(),
        _ => code.to_string(),
    }
}
