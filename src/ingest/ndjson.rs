//! NDJSON dumps: one article object per line, with tracuu's field names or foreign ones
//! mapped by `--map title=tieu_de,body=noi_dung,…`.

use std::collections::HashMap;

use serde_json::Value;

use crate::Article;
use crate::article::{id_from_content, id_from_url};
use crate::extract::agency::{canonical_agency, canonical_province, find_province};
use crate::extract::date::{find_vn_date, parse_iso};
use crate::extract::text::clean_text;

/// The article fields an NDJSON line may carry.
pub const FIELDS: [&str; 11] = [
    "url", "title", "lead", "body", "date", "datetime", "agency", "author", "topic", "province",
    "tags",
];

/// Maps tracuu's field names to the names used in a dump.
#[derive(Debug, Clone, Default)]
pub struct FieldMap {
    names: HashMap<String, String>,
}

impl FieldMap {
    /// Parses `title=tieu_de,body=noi_dung`. Unknown tracuu fields are an error naming them.
    pub fn parse(spec: &str) -> Result<FieldMap, String> {
        let mut names = HashMap::new();
        for pair in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (ours, theirs) = pair.split_once('=').ok_or_else(|| {
                format!("bad --map entry {pair:?}: write FIELD=NAME, e.g. title=tieu_de")
            })?;
            let ours = ours.trim();
            if !FIELDS.contains(&ours) {
                return Err(format!(
                    "--map: unknown field {ours:?}; known fields: {}",
                    FIELDS.join(", ")
                ));
            }
            names.insert(ours.to_string(), theirs.trim().to_string());
        }
        Ok(FieldMap { names })
    }

    fn name<'a>(&'a self, field: &'a str) -> &'a str {
        self.names.get(field).map_or(field, String::as_str)
    }
}

/// Turns one NDJSON line into an article, or says why not.
pub fn parse_line(line: &str, map: &FieldMap, source: String) -> Result<Article, String> {
    let value: Value = serde_json::from_str(line).map_err(|e| format!("not valid JSON ({e})"))?;
    let obj = value.as_object().ok_or("not a JSON object")?;
    let get = |field: &str| -> Option<String> {
        match obj.get(map.name(field))? {
            Value::String(s) => Some(clean_text(s)),
            Value::Number(n) => Some(n.to_string()),
            Value::Array(items) => Some(
                items
                    .iter()
                    .filter_map(|v| v.as_str().map(clean_text))
                    .collect::<Vec<_>>()
                    .join("\n\n"),
            ),
            _ => None,
        }
        .filter(|s| !s.trim().is_empty())
    };
    let title = get("title").ok_or_else(|| {
        format!(
            "no title (field {:?}); use --map title=NAME",
            map.name("title")
        )
    })?;
    let body = obj
        .get(map.name("body"))
        .map(paragraphs)
        .filter(|b| !b.is_empty())
        .ok_or_else(|| {
            format!(
                "no body (field {:?}); use --map body=NAME",
                map.name("body")
            )
        })?;
    let url = get("url");
    let mut article = Article {
        id: String::new(),
        url: url.clone(),
        source,
        lead: get("lead").unwrap_or_default(),
        agency: get("agency").map(|a| canonical_agency(&a).unwrap_or(a)),
        author: get("author"),
        topic: get("topic"),
        tags: obj
            .get(map.name("tags"))
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(clean_text))
                    .collect()
            })
            .unwrap_or_default(),
        title,
        body,
        ..Article::default()
    };
    let when = get("datetime").or_else(|| get("date"));
    if let Some(w) = when {
        let published = parse_iso(&w)
            .or_else(|| find_vn_date(&w))
            .ok_or_else(|| format!("unreadable date {w:?}: use YYYY-MM-DD or DD/MM/YYYY"))?;
        article.date = Some(published.date);
        article.datetime = published.datetime;
    }
    article.province = get("province")
        .map(|p| canonical_province(&p).unwrap_or(p))
        .or_else(|| article.agency.as_deref().and_then(find_province));
    article.id = match &url {
        Some(u) => id_from_url(u),
        None => id_from_content(&article.title, &article.body),
    };
    Ok(article)
}

/// A body given as one string or as an array of paragraphs.
fn paragraphs(v: &Value) -> String {
    match v {
        Value::String(s) => s
            .split("\n\n")
            .map(clean_text)
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join("\n\n"),
        Value::Array(items) => items
            .iter()
            .filter_map(Value::as_str)
            .map(clean_text)
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join("\n\n"),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_field_names() {
        let a = parse_line(
            r#"{"url":"http://x.vn/a","title":"Tiêu đề","body":"Đoạn một.\n\nĐoạn hai.","date":"2009-04-20","agency":"Sở TT&TT Bạc Liêu"}"#,
            &FieldMap::default(),
            "a.jsonl:1".into(),
        )
        .unwrap();
        assert_eq!(a.title, "Tiêu đề");
        assert_eq!(a.body, "Đoạn một.\n\nĐoạn hai.");
        assert_eq!(a.date.unwrap().to_string(), "2009-04-20");
        assert_eq!(a.id, id_from_url("http://x.vn/a"));
    }

    #[test]
    fn foreign_names_through_a_map() {
        let map = FieldMap::parse("title=tieu_de,body=noi_dung,date=ngay_dang").unwrap();
        let a = parse_line(
            r#"{"tieu_de":"Tin","noi_dung":["Một.","Hai."],"ngay_dang":"20/04/2009"}"#,
            &map,
            "b.jsonl:3".into(),
        )
        .unwrap();
        assert_eq!(a.body, "Một.\n\nHai.");
        assert_eq!(a.date.unwrap().to_string(), "2009-04-20");
        assert!(FieldMap::parse("titel=x").is_err());
    }

    #[test]
    fn bad_lines_say_why() {
        let m = FieldMap::default();
        assert!(
            parse_line("{", &m, String::new())
                .unwrap_err()
                .contains("JSON")
        );
        assert!(
            parse_line(r#"{"body":"x"}"#, &m, String::new())
                .unwrap_err()
                .contains("no title")
        );
        assert!(
            parse_line(
                r#"{"title":"t","body":"b","date":"hôm qua"}"#,
                &m,
                String::new()
            )
            .unwrap_err()
            .contains("date")
        );
    }
}
