//! From a parsed query to a tantivy query: the ranking rules live here.
//!
//! - every word of the query must match (or, in the any-word fallback, should);
//! - a word typed with diacritics matches its exact form and, weaker, its folded form; a word
//!   typed without diacritics matches every accented form;
//! - fields weigh title > lead > agency/author > body > topic/tags;
//! - the words of a query run found as a contiguous phrase earn a proximity bonus, more in the
//!   title and lead; an official's name after a title ("Phó Chủ tịch Vũ Văn Họa") earns a
//!   large bonus as a phrase, and the title words become optional;
//! - abbreviations and long forms match each other (ambiguous ones weaker).

use std::collections::HashSet;

use tantivy::Term;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};

use super::query::{FieldName, ParsedQuery, Part};
use super::union::SumQuery;
use crate::analyze::normalize::fold;
use crate::analyze::synonyms::Synonyms;
use crate::analyze::units::{ProtectedKind, Unit, scan};
use crate::index::Fields;

/// A sequence of terms matched as a phrase (one term: a plain term).
#[derive(Debug, Clone, PartialEq)]
struct Phrase(Vec<(usize, String)>);

impl Phrase {
    fn term(t: impl Into<String>) -> Phrase {
        Phrase(vec![(0, t.into())])
    }

    fn words<S: AsRef<str>>(words: &[S]) -> Phrase {
        Phrase(
            words
                .iter()
                .enumerate()
                .map(|(i, w)| (i, w.as_ref().to_string()))
                .collect(),
        )
    }
}

/// One required unit of a query: any of its alternatives may match.
#[derive(Debug, Clone, Default)]
struct Slot {
    alternatives: Vec<(Phrase, f32)>,
}

impl Slot {
    fn add(&mut self, p: Phrase, boost: f32) {
        if !self.alternatives.iter().any(|(q, _)| *q == p) {
            self.alternatives.push((p, boost));
        }
    }
}

/// The tantivy query for a search, and what to highlight.
pub struct Plan {
    /// What an article must match (the query's slots), with their scores. Counting runs it
    /// without scoring, which leaves out the clauses that only score.
    pub required: Box<dyn Query>,
    /// The slots of `required`, clause by clause, for the relevance ranking.
    pub slots: Vec<SlotClauses>,
    /// True when every slot must match (`required` is their conjunction); false in the
    /// any-word fallback.
    pub conjunctive: bool,
    /// Optional scoring clauses (proximity, names, exact forms), each one phrase or term in
    /// one field.
    pub bonuses: Vec<Clause>,
    /// Folded terms to mark in snippets.
    pub highlight: HashSet<String>,
    /// True when the query has positive parts (not only exclusions and filters).
    pub has_terms: bool,
    /// Articles matching any of these are excluded.
    pub exclusions: Vec<Box<dyn Query>>,
}

/// A scoring clause: `query`, a term or phrase in one field, scored with weight `boost`.
pub struct Clause {
    pub query: Box<dyn Query>,
    /// The terms of the query (one field), for its score's upper bound.
    pub terms: Vec<Term>,
    /// The folded forms of `terms`: the index has them wherever it has `terms`.
    pub folded: Vec<Term>,
    pub boost: f32,
}

impl Clause {
    fn on(phrase: &Phrase, field: Field, boost: f32) -> Clause {
        Clause {
            query: phrase_on(phrase, field),
            terms: phrase
                .0
                .iter()
                .map(|(_, t)| Term::from_field_text(field, t))
                .collect(),
            folded: phrase
                .0
                .iter()
                .map(|(_, t)| Term::from_field_text(field, &fold(t)))
                .collect(),
            boost,
        }
    }

    /// The clause as a query carrying its weight.
    fn boosted(&self) -> Box<dyn Query> {
        boosted(self.query.box_clone(), self.boost)
    }
}

/// One slot as clauses: an article matches the slot when it matches one of `clauses`; its
/// score is the sum of the matching clauses and `extras` (each extra matches only where a
/// clause of its field does: an exact form beside its folded form).
pub struct SlotClauses {
    pub clauses: Vec<Clause>,
    pub extras: Vec<Clause>,
}

impl SlotClauses {
    fn query(&self) -> Box<dyn Query> {
        let q = |cs: &[Clause]| cs.iter().map(Clause::boosted).collect();
        Box::new(SumQuery::with_extras(q(&self.clauses), q(&self.extras)))
    }
}

impl Plan {
    /// The whole ranking query: the required slots plus the bonuses.
    pub fn query(&self) -> Box<dyn Query> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> =
            vec![(Occur::Must, self.required.box_clone())];
        if !self.bonuses.is_empty() {
            let bonuses = self.bonuses.iter().map(Clause::boosted).collect();
            clauses.push((Occur::Should, Box::new(SumQuery::new(bonuses))));
        }
        Box::new(BooleanQuery::new(clauses))
    }
}

/// Field weights for unfielded query parts: the agency, author, topic, province and tags are
/// searched together in `meta`.
fn weighted_fields(fields: &Fields) -> [(Field, f32); 4] {
    [
        (fields.title, 3.0),
        (fields.lead, 2.0),
        (fields.meta, 1.5),
        (fields.body, 1.0),
    ]
}

fn field_of(fields: &Fields, name: FieldName) -> Field {
    match name {
        FieldName::Title => fields.title,
        FieldName::Lead => fields.lead,
        FieldName::Body => fields.body,
        FieldName::Agency => fields.agency,
        FieldName::Author => fields.author,
        FieldName::Topic => fields.topic,
        FieldName::Tags => fields.tags,
    }
}

/// Weight of the bonus for two adjacent query words found next to each other.
const PAIR_BONUS: f32 = 0.3;

/// Longest query run whose adjacent pairs get proximity bonuses.
const MAX_PAIR_BONUS_RUN: usize = 6;

/// Titles that may precede an official's name in a query, folded.
const PERSON_TITLES: &[&[&str]] = &[
    &["pho", "chu", "tich"],
    &["chu", "tich"],
    &["pho", "giam", "doc"],
    &["giam", "doc"],
    &["pho", "bi", "thu"],
    &["bi", "thu"],
    &["pho", "truong", "ban"],
    &["truong", "ban"],
    &["pho", "thu", "tuong"],
    &["thu", "tuong"],
    &["bo", "truong"],
    &["thu", "truong"],
    &["chanh", "van", "phong"],
    &["dong", "chi"],
    &["ong"],
    &["ba"],
];

/// Builds the query. `any_word` turns required words into optional ones (the fallback).
pub fn build(parsed: &ParsedQuery, fields: &Fields, synonyms: &Synonyms, any_word: bool) -> Plan {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let mut slot_clauses: Vec<SlotClauses> = Vec::new();
    let mut bonus_clauses: Vec<Clause> = Vec::new();
    let mut highlight = HashSet::new();
    let required = if any_word { Occur::Should } else { Occur::Must };
    for part in &parsed.must {
        let targets = targets(fields, part.field);
        let meta = part.field.is_none().then_some(fields.meta);
        let (slots, bonuses) = if part.phrase {
            phrase_part(part, synonyms)
        } else {
            words_part(part, synonyms)
        };
        for slot in &slots {
            for (p, _) in &slot.alternatives {
                highlight.extend(p.0.iter().map(|(_, t)| fold(t)));
            }
            let spec = slot_clauses_of(slot, &targets, meta);
            clauses.push((required, spec.query()));
            slot_clauses.push(spec);
        }
        // Bonuses only where proximity means something: the main text fields (or the one named).
        let bonus_targets: Vec<(Field, f32)> = if part.field.is_some() {
            targets.clone()
        } else {
            targets
                .iter()
                .copied()
                .filter(|(f, _)| [fields.title, fields.lead, fields.body].contains(f))
                .collect()
        };
        // A long phrase (a pasted headline) is checked in the title and lead only: matching
        // it against every candidate's body costs far more than it changes the ranking.
        // Pair bonuses too: they only refine the order of articles that already match.
        let short_targets: Vec<(Field, f32)> = bonus_targets
            .iter()
            .copied()
            .filter(|(f, _)| *f != fields.body || part.field.is_some())
            .collect();
        for (phrase, boost) in bonuses {
            let head_only =
                phrase.0.len() > MAX_PAIR_BONUS_RUN || boost < PAIR_BONUS + f32::EPSILON;
            let targets = if head_only {
                &short_targets
            } else {
                &bonus_targets
            };
            for &(field, weight) in targets {
                bonus_clauses.push(Clause::on(&phrase, field, boost * weight));
            }
        }
    }
    let has_terms =
        clauses.iter().any(|(o, _)| *o != Occur::Should) || (any_word && !clauses.is_empty());
    let mut exclusions: Vec<Box<dyn Query>> = Vec::new();
    for part in &parsed.must_not {
        let targets = targets(fields, part.field);
        let (slots, _) = phrase_part(part, synonyms);
        // An exclusion removes documents matching all of its words as a phrase.
        let sub: Vec<(Occur, Box<dyn Query>)> = slots
            .iter()
            .map(|s| (Occur::Must, slot_clauses_of(s, &targets, None).query()))
            .collect();
        if !sub.is_empty() {
            exclusions.push(Box::new(BooleanQuery::new(sub)));
        }
    }
    Plan {
        required: Box::new(BooleanQuery::new(clauses)),
        slots: slot_clauses,
        conjunctive: !any_word,
        bonuses: bonus_clauses,
        highlight,
        has_terms,
        exclusions,
    }
}

fn targets(fields: &Fields, name: Option<FieldName>) -> Vec<(Field, f32)> {
    match name {
        Some(n) => vec![(field_of(fields, n), 1.0)],
        None => weighted_fields(fields).to_vec(),
    }
}

/// The clauses of one slot over the target fields. `meta`, the field of short metadata values,
/// is matched by folded forms only: the exact-diacritics bonus is for running text.
fn slot_clauses_of(slot: &Slot, targets: &[(Field, f32)], meta: Option<Field>) -> SlotClauses {
    let mut alts: Vec<Clause> = Vec::new();
    // An exact form whose folded form is an alternative too matches nothing more (the index
    // has both at every position): it only scores.
    let mut extras: Vec<Clause> = Vec::new();
    for (phrase, boost) in &slot.alternatives {
        let folded = Phrase(phrase.0.iter().map(|(p, t)| (*p, fold(t))).collect());
        let folded_form = folded == *phrase;
        let subsumed = !folded_form && slot.alternatives.iter().any(|(q, _)| *q == folded);
        for &(field, weight) in targets {
            if Some(field) == meta && !folded_form {
                continue;
            }
            let c = Clause::on(phrase, field, boost * weight);
            if subsumed {
                extras.push(c)
            } else {
                alts.push(c)
            }
        }
    }
    SlotClauses {
        clauses: alts,
        extras,
    }
}

fn boosted(q: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    if (boost - 1.0).abs() < f32::EPSILON {
        q
    } else {
        Box::new(BoostQuery::new(q, boost))
    }
}

fn phrase_on(phrase: &Phrase, field: Field) -> Box<dyn Query> {
    if phrase.0.len() == 1 {
        let term = Term::from_field_text(field, &phrase.0[0].1);
        return Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs));
    }
    let terms = phrase
        .0
        .iter()
        .map(|(pos, t)| (*pos, Term::from_field_text(field, t)))
        .collect();
    Box::new(PhraseQuery::new_with_offset(terms))
}

/// One query unit with its index position.
struct Positioned {
    unit: Unit,
    position: usize,
}

/// Scans text into units with the positions the index gives them.
fn positioned(text: &str) -> Vec<Vec<Positioned>> {
    // Runs separated by breaks; protected tokens take as many positions as they have parts.
    let mut runs: Vec<Vec<Positioned>> = vec![Vec::new()];
    let mut position = 0;
    for unit in scan(text) {
        match &unit {
            Unit::Break => {
                if runs.last().is_some_and(|r| !r.is_empty()) {
                    runs.push(Vec::new());
                }
            }
            Unit::Syllable { .. } => {
                if let Some(r) = runs.last_mut() {
                    r.push(Positioned { unit, position });
                }
                position += 1;
            }
            Unit::Protected { parts, .. } => {
                let width = parts.len().max(1);
                if let Some(r) = runs.last_mut() {
                    r.push(Positioned { unit, position });
                }
                position += width;
            }
        }
    }
    runs.retain(|r| !r.is_empty());
    runs
}

/// The slot for one unit: its exact and folded forms, parts, and abbreviation expansions.
fn unit_slot(unit: &Unit, synonyms: &Synonyms) -> Slot {
    let mut slot = Slot::default();
    let (norm, parts, kind) = match unit {
        Unit::Syllable { norm, .. } => (norm, &[][..], None),
        Unit::Protected {
            norm, parts, kind, ..
        } => (norm, &parts[..], Some(*kind)),
        Unit::Break => return slot,
    };
    let folded = fold(norm);
    if folded != *norm {
        slot.add(Phrase::term(norm.clone()), 1.0);
        slot.add(Phrase::term(folded.clone()), 0.5);
    } else {
        slot.add(Phrase::term(folded.clone()), 1.0);
    }
    if matches!(kind, Some(ProtectedKind::Abbreviation)) && parts.len() >= 2 {
        let folded_parts: Vec<String> = parts.iter().map(|p| fold(p)).collect();
        slot.add(Phrase::words(&folded_parts), 0.8);
        // "TP.HCM" is also written "TPHCM".
        slot.add(Phrase::term(folded_parts.concat()), 0.8);
    }
    if let Some(group) = synonyms.by_abbreviation(&folded) {
        let weight = if group.ambiguous { 0.3 } else { 0.9 };
        slot.add(Phrase::words(&group.long_form), weight);
        for a in &group.abbreviations {
            slot.add(Phrase::term(a.clone()), weight);
        }
    }
    slot
}

/// Plain words: one slot per unit (long forms with abbreviations merged into one slot), and
/// proximity and name bonuses.
fn words_part(part: &Part, synonyms: &Synonyms) -> (Vec<Slot>, Vec<(Phrase, f32)>) {
    let mut slots = Vec::new();
    let mut bonuses = Vec::new();
    for run in positioned(&part.text) {
        let folded: Vec<String> = run.iter().map(|p| unit_fold(&p.unit)).collect();
        let folded_refs: Vec<&str> = folded.iter().map(String::as_str).collect();
        // Leading person titles are optional when a name follows.
        let mut title_len = 0;
        while let Some(t) = PERSON_TITLES
            .iter()
            .find(|t| folded_refs[title_len..].starts_with(t))
        {
            if folded_refs.len() - title_len - t.len() < 2 {
                break;
            }
            title_len += t.len();
        }
        let mut i = 0;
        while i < run.len() {
            if let Some((group, n)) = synonyms.long_form_at(&folded_refs[i..]) {
                let mut slot = Slot::default();
                slot.add(Phrase::words(&folded[i..i + n]), 1.0);
                for a in &group.abbreviations {
                    slot.add(
                        Phrase::term(a.clone()),
                        if group.ambiguous { 0.3 } else { 0.9 },
                    );
                }
                slots.push(slot);
                i += n;
                continue;
            }
            let slot = unit_slot(&run[i].unit, synonyms);
            if i < title_len {
                // Optional: contributes to the score as a proximity bonus below.
                for (p, b) in slot.alternatives {
                    bonuses.push((p, 0.3 * b));
                }
            } else {
                slots.push(slot);
            }
            i += 1;
        }
        // Proximity: the run, or the name after a title, as a phrase.
        let core = &run[title_len..];
        if core.len() >= 2 {
            // Two to four words in a row are most often a name or a fixed expression, typed
            // as such: finding them together must outweigh finding them scattered.
            let name_boost = if title_len > 0 || looks_like_name(&part.text) {
                10.0
            } else if core.len() <= 4 {
                8.0
            } else {
                2.0
            };
            bonuses.push((run_phrase(core, true), name_boost));
            let exact = run_phrase(core, false);
            if exact != run_phrase(core, true) {
                bonuses.push((exact, 1.0));
            }
            // Adjacent pairs reward partial proximity in short queries; long ones (a pasted
            // title) are served by the whole-run phrase, and pairs would cost more than they help.
            if (3..=MAX_PAIR_BONUS_RUN).contains(&core.len()) {
                for w in core.windows(2) {
                    bonuses.push((run_phrase(w, true), PAIR_BONUS));
                }
            }
        }
    }
    (slots, bonuses)
}

/// A quoted phrase: one slot matching the whole phrase (folded), with an exact-form bonus.
fn phrase_part(part: &Part, synonyms: &Synonyms) -> (Vec<Slot>, Vec<(Phrase, f32)>) {
    let mut slots = Vec::new();
    let mut bonuses = Vec::new();
    for run in positioned(&part.text) {
        if run.len() == 1 {
            slots.push(unit_slot(&run[0].unit, synonyms));
            continue;
        }
        let folded = run_phrase(&run, true);
        let exact = run_phrase(&run, false);
        let mut slot = Slot::default();
        slot.add(folded.clone(), 1.0);
        slots.push(slot);
        if exact != folded {
            bonuses.push((exact, 1.0));
        }
    }
    (slots, bonuses)
}

fn unit_fold(u: &Unit) -> String {
    match u {
        Unit::Syllable { norm, .. } | Unit::Protected { norm, .. } => fold(norm),
        Unit::Break => String::new(),
    }
}

fn unit_norm(u: &Unit) -> &str {
    match u {
        Unit::Syllable { norm, .. } | Unit::Protected { norm, .. } => norm,
        Unit::Break => "",
    }
}

/// The terms of a run as a phrase with index positions relative to its first unit.
fn run_phrase(run: &[Positioned], folded: bool) -> Phrase {
    let base = run.first().map_or(0, |p| p.position);
    Phrase(
        run.iter()
            .map(|p| {
                let t = if folded {
                    unit_fold(&p.unit)
                } else {
                    unit_norm(&p.unit).to_string()
                };
                (p.position - base, t)
            })
            .collect(),
    )
}

/// Two or more capitalised words: probably a person's or place's name.
fn looks_like_name(text: &str) -> bool {
    let caps = text
        .split_whitespace()
        .filter(|w| {
            w.chars().next().is_some_and(char::is_uppercase)
                && w.chars().skip(1).any(char::is_lowercase)
        })
        .count();
    caps >= 2
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::query::parse;

    fn slots_of(q: &str) -> (Vec<Slot>, Vec<(Phrase, f32)>) {
        let parsed = parse(q).unwrap();
        words_part(&parsed.must[0], Synonyms::builtin())
    }

    #[test]
    fn diacritics_give_exact_and_folded_alternatives() {
        let (slots, _) = slots_of("đường");
        assert_eq!(slots.len(), 1);
        let terms: Vec<&str> = slots[0]
            .alternatives
            .iter()
            .map(|(p, _)| p.0[0].1.as_str())
            .collect();
        assert_eq!(terms, ["đường", "duong"]);
    }

    #[test]
    fn long_forms_and_abbreviations_share_a_slot() {
        let (slots, _) = slots_of("ủy ban nhân dân Bạc Liêu");
        assert_eq!(slots.len(), 3, "the long form is one slot");
        assert!(
            slots[0]
                .alternatives
                .iter()
                .any(|(p, _)| p.0.len() == 1 && p.0[0].1 == "ubnd")
        );
        let (slots, _) = slots_of("UBND");
        assert!(slots[0].alternatives.iter().any(|(p, _)| p.0.len() == 4));
    }

    #[test]
    fn titles_before_names_are_optional() {
        let (slots, bonuses) = slots_of("Phó Chủ tịch Vũ Văn Họa");
        assert_eq!(slots.len(), 3, "only the name is required");
        assert!(bonuses.iter().any(|(p, b)| p.0.len() == 3 && *b >= 4.0));
    }

    proptest::proptest! {
        #[test]
        fn building_never_panics(q in "\\PC{0,60}") {
            if let Ok(parsed) = parse(&q) {
                let (_, fields) = crate::index::schema::build_schema();
                let _ = build(&parsed, &fields, Synonyms::builtin(), false);
                let _ = build(&parsed, &fields, Synonyms::builtin(), true);
            }
        }
    }
}
