//! The query language: plain words (all must match), "quoted phrases", `-exclusions`, and
//! field prefixes (`title:`, `lead:`, `body:`, `agency:`, `author:`, `topic:`).

use crate::{Error, Result};

/// A field a query part may be limited to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldName {
    Title,
    Lead,
    Body,
    Agency,
    Author,
    Topic,
    Tags,
}

impl FieldName {
    fn parse(name: &str) -> Option<FieldName> {
        Some(match name.to_ascii_lowercase().as_str() {
            "title" | "tieude" => FieldName::Title,
            "lead" | "sapo" => FieldName::Lead,
            "body" => FieldName::Body,
            "agency" | "coquan" => FieldName::Agency,
            "author" | "tacgia" => FieldName::Author,
            "topic" | "chuyenmuc" => FieldName::Topic,
            "tag" | "tags" => FieldName::Tags,
            _ => return None,
        })
    }
}

/// Field names accepted before `:`, for messages.
pub const FIELD_NAMES: &str = "title, lead, body, agency, author, topic, tags";

/// One part of a query.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    pub text: String,
    pub phrase: bool,
    pub field: Option<FieldName>,
}

/// A parsed query.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ParsedQuery {
    pub must: Vec<Part>,
    pub must_not: Vec<Part>,
}

impl ParsedQuery {
    pub fn is_empty(&self) -> bool {
        self.must.is_empty() && self.must_not.is_empty()
    }
}

/// Parses a query string. Errors name the problem and the fix.
pub fn parse(input: &str) -> Result<ParsedQuery> {
    let mut q = ParsedQuery::default();
    let chars: Vec<char> = input.chars().collect();
    let mut i = 0;
    let mut last_was_plain = false;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            i += 1;
            continue;
        }
        let negated = chars[i] == '-'
            && chars
                .get(i + 1)
                .is_some_and(|c| !c.is_whitespace() && *c != '-');
        if negated {
            i += 1;
        }
        // A field prefix: letters followed by ':' and something that is not a space or '//'.
        let mut field = None;
        let mut j = i;
        while j < chars.len() && chars[j].is_alphabetic() {
            j += 1;
        }
        if j > i
            && chars.get(j) == Some(&':')
            && chars
                .get(j + 1)
                .is_some_and(|c| !c.is_whitespace() && *c != '/')
        {
            let name: String = chars[i..j].iter().collect();
            match FieldName::parse(&name) {
                Some(f) => {
                    field = Some(f);
                    i = j + 1;
                }
                None => {
                    return Err(Error::Query(format!(
                        "unknown field {name:?} in {input:?}; known fields: {FIELD_NAMES} (or quote the text: \"{name}:…\")"
                    )));
                }
            }
        }
        let part = if chars.get(i) == Some(&'"') {
            let close = chars[i + 1..]
                .iter()
                .position(|&c| c == '"')
                .map(|p| i + 1 + p);
            let Some(close) = close else {
                return Err(Error::Query(format!(
                    "unbalanced quote in {input:?}: close the phrase with \""
                )));
            };
            let text: String = chars[i + 1..close].iter().collect();
            i = close + 1;
            Part {
                text,
                phrase: true,
                field,
            }
        } else {
            let start = i;
            while i < chars.len() && !chars[i].is_whitespace() {
                if chars[i] == '"' {
                    return Err(Error::Query(format!(
                        "stray quote in {input:?}: put quotes around a whole phrase, \"like this\""
                    )));
                }
                i += 1;
            }
            Part {
                text: chars[start..i].iter().collect(),
                phrase: false,
                field,
            }
        };
        if part.text.trim().is_empty() {
            continue;
        }
        if negated {
            q.must_not.push(part);
        } else {
            // Consecutive plain words form one run, so that their proximity counts.
            match q.must.last_mut() {
                Some(prev)
                    if !prev.phrase
                        && !part.phrase
                        && prev.field == part.field
                        && last_was_plain =>
                {
                    prev.text.push(' ');
                    prev.text.push_str(&part.text);
                }
                _ => q.must.push(part),
            }
        }
        last_was_plain = !negated && !q.must.last().is_some_and(|p| p.phrase);
    }
    Ok(q)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn words_phrases_exclusions_fields() {
        let q = parse(r#"chuyển đổi số "Bạc Liêu" -"Cà Mau" -hội title:UBND agency:"Sở TT&TT""#)
            .unwrap();
        assert_eq!(q.must.len(), 4);
        assert_eq!(q.must[0].text, "chuyển đổi số");
        assert!(q.must[1].phrase && q.must[1].text == "Bạc Liêu");
        assert_eq!(q.must[2].field, Some(FieldName::Title));
        assert_eq!(q.must[3].text, "Sở TT&TT");
        assert_eq!(q.must_not.len(), 2);
    }

    #[test]
    fn colons_in_times_and_urls_are_text() {
        let q = parse("10:30 https://mic.gov.vn/a").unwrap();
        assert_eq!(q.must.len(), 1);
        assert_eq!(q.must[0].text, "10:30 https://mic.gov.vn/a");
        assert!(q.must.iter().all(|p| p.field.is_none()));
    }

    #[test]
    fn errors_are_explained() {
        assert!(
            parse(r#""Bạc Liêu"#)
                .unwrap_err()
                .to_string()
                .contains("unbalanced quote")
        );
        assert!(
            parse("tacgiaa:x")
                .unwrap_err()
                .to_string()
                .contains("unknown field")
        );
        assert!(parse("  ").unwrap().is_empty());
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,60}") {
            let _ = parse(&s);
        }

        #[test]
        fn never_panics_on_query_syntax(s in "[a-zđ\" :\\-/&ạ]{0,40}") {
            let _ = parse(&s);
        }
    }
}
