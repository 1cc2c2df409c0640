//! Abbreviations of government news and their long forms ("UBND" = "Ủy ban nhân dân"),
//! applied at query time in both directions. The built-in table is `data/synonyms.tsv`,
//! compiled into the binary; `--synonyms FILE` adds more in the same format.

use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

use super::normalize::{fold, normalize_text, normalize_word};
use crate::{Error, Result};

/// One abbreviation group: the abbreviations sharing a long form.
#[derive(Debug, Clone, PartialEq)]
pub struct Expansion {
    /// Folded abbreviations as indexed ("ubnd", "tt&tt", "tp.hcm").
    pub abbreviations: Vec<String>,
    /// Folded syllables of the long form.
    pub long_form: Vec<String>,
    /// True when the abbreviation has other meanings: expansions rank below the literal match.
    pub ambiguous: bool,
}

/// The synonym table.
#[derive(Debug, Clone, Default)]
pub struct Synonyms {
    groups: Vec<Expansion>,
    by_abbreviation: HashMap<String, usize>,
    by_long_form: HashMap<Vec<String>, usize>,
    longest: usize,
}

const BUILTIN: &str = include_str!("../../data/synonyms.tsv");

impl Synonyms {
    /// The built-in table.
    pub fn builtin() -> &'static Synonyms {
        static TABLE: OnceLock<Synonyms> = OnceLock::new();
        TABLE.get_or_init(|| {
            let mut s = Synonyms::default();
            // The built-in file is part of the program; its lines are checked by tests.
            let _ = s.add_text(BUILTIN, "built-in synonyms");
            s
        })
    }

    /// The built-in table plus the entries of `path`.
    pub fn with_file(path: &Path) -> Result<Synonyms> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let mut s = Synonyms::builtin().clone();
        s.add_text(&text, &path.display().to_string())?;
        Ok(s)
    }

    fn add_text(&mut self, text: &str, origin: &str) -> Result<()> {
        for (n, line) in text.lines().enumerate() {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let mut cols = line.split('\t');
            let (Some(abbr), Some(long)) = (cols.next(), cols.next()) else {
                return Err(Error::Input(format!(
                    "{origin}, line {}: expected ABBREVIATION<TAB>long form",
                    n + 1
                )));
            };
            let ambiguous = cols.next().is_some_and(|c| c.trim() == "ambiguous");
            self.add(abbr.trim(), long.trim(), ambiguous);
        }
        Ok(())
    }

    /// Adds one abbreviation and its long form.
    pub fn add(&mut self, abbreviation: &str, long_form: &str, ambiguous: bool) {
        let abbr = fold(&normalize_word(abbreviation));
        let long: Vec<String> = fold(&normalize_text(long_form))
            .split(|c: char| !(c.is_alphanumeric()))
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect();
        if abbr.is_empty() || long.is_empty() {
            return;
        }
        let idx = match self.by_long_form.get(&long) {
            Some(&i) => i,
            None => {
                self.groups.push(Expansion {
                    abbreviations: Vec::new(),
                    long_form: long.clone(),
                    ambiguous,
                });
                self.longest = self.longest.max(long.len());
                self.by_long_form.insert(long, self.groups.len() - 1);
                self.groups.len() - 1
            }
        };
        let group = &mut self.groups[idx];
        group.ambiguous &= ambiguous;
        if !group.abbreviations.contains(&abbr) {
            group.abbreviations.push(abbr.clone());
        }
        self.by_abbreviation.insert(abbr, idx);
    }

    /// The group of a (folded) abbreviation.
    pub fn by_abbreviation(&self, folded: &str) -> Option<&Expansion> {
        self.by_abbreviation.get(folded).map(|&i| &self.groups[i])
    }

    /// The longest long form starting at `folded[0]`, with its length in syllables.
    pub fn long_form_at(&self, folded: &[&str]) -> Option<(&Expansion, usize)> {
        let max = self.longest.min(folded.len());
        (2..=max).rev().find_map(|n| {
            let key: Vec<String> = folded[..n].iter().map(|s| s.to_string()).collect();
            self.by_long_form.get(&key).map(|&i| (&self.groups[i], n))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_table_parses_every_line() {
        let mut s = Synonyms::default();
        s.add_text(BUILTIN, "built-in").unwrap();
        assert!(s.groups.len() > 30);
    }

    #[test]
    fn both_directions() {
        let s = Synonyms::builtin();
        let g = s.by_abbreviation("ubnd").unwrap();
        assert_eq!(g.long_form, ["uy", "ban", "nhan", "dan"]);
        let g = s.by_abbreviation("tt&tt").unwrap();
        assert!(g.abbreviations.contains(&"tttt".to_string()));
        let (g, n) = s
            .long_form_at(&["thong", "tin", "va", "truyen", "thong", "bac"])
            .unwrap();
        assert_eq!(n, 5);
        assert!(g.abbreviations.contains(&"tt&tt".to_string()));
        assert!(s.by_abbreviation("tp").unwrap().ambiguous);
        assert!(!s.by_abbreviation("tp.hcm").unwrap().ambiguous);
    }

    #[test]
    fn bad_user_file_names_the_line() {
        let mut s = Synonyms::default();
        let err = s.add_text("UBND only\n", "my.tsv").unwrap_err().to_string();
        assert!(err.contains("my.tsv, line 1"), "{err}");
    }
}
