//! Vietnamese analysis: the same text, however it is written, gives the same tokens.
//!
//! [`normalize`] maps every byte form of a word to one canonical form; [`units`] cuts text into
//! syllables and protected tokens; [`segment`] joins syllables into words; [`tokens`] produces
//! what the index stores; [`synonyms`] knows the abbreviations of government news.

pub mod normalize;
pub mod segment;
pub mod synonyms;
pub mod tokens;
pub mod units;

/// Joins syllables into words. Implemented by the dictionary segmenter; the indirection lets
/// tests and benches compare analyses with and without segmentation.
pub trait WordSegmenter: Send + Sync {
    /// Word lengths, in syllables, for one run of normalised syllables; they sum to `syllables.len()`.
    fn segment(&self, syllables: &[&str]) -> Vec<usize>;

    /// Word lengths for a run of units scanned from `text` (syllables between two breaks),
    /// appended to `lengths`. The result must be that of [`segment`](Self::segment) on the
    /// units as written; a segmenter may use what the scanner already knows of each syllable
    /// (its canonical form and case) instead of reading it again.
    fn segment_units(&self, text: &str, run: &[units::Unit], lengths: &mut Vec<usize>) {
        let written: Vec<&str> = run
            .iter()
            .map(|u| match u {
                units::Unit::Syllable { start, end, .. }
                | units::Unit::Protected { start, end, .. } => text.get(*start..*end).unwrap_or(""),
                units::Unit::Break => "",
            })
            .collect();
        lengths.extend(self.segment(&written));
    }
}

/// Leaves every syllable a word of its own.
pub struct NoSegmentation;

impl WordSegmenter for NoSegmentation {
    fn segment(&self, syllables: &[&str]) -> Vec<usize> {
        vec![1; syllables.len()]
    }
}

/// The segmenter the analyzer uses by default: the built-in dictionary segmenter.
pub fn default_segmenter() -> &'static dyn WordSegmenter {
    segment::Segmenter::global()
}
