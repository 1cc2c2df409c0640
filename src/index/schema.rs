//! The index schema: which fields exist, how each is analysed, and how an [`Article`] becomes a
//! tantivy document.

use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::{DateTime, TantivyDocument};

use crate::Article;
use crate::analyze::normalize::{fold, normalize_text};
use crate::analyze::tokens::TOKENIZER_NAME;

/// Version of the schema and analyzer. Bump it whenever indexed tokens change, so that
/// older indexes are reported and rebuilt.
///
/// 2: the `meta` field (agency, author, topic, province and tags together).
/// 3: compound words indexed in their exact form only; no `url` field (an article is found by
/// its URL through its id, a hash of the URL); the fingerprint a fast field only.
pub const ANALYZER_VERSION: u32 = 3;

/// Handles to every field of the schema.
#[derive(Debug, Clone)]
pub struct Fields {
    pub id: Field,
    pub fingerprint: Field,
    pub title: Field,
    pub lead: Field,
    pub body: Field,
    pub agency: Field,
    pub author: Field,
    pub topic: Field,
    pub tags: Field,
    /// Agency, author, topic, province and tags in one field: what an unfielded query word is
    /// looked up in besides the title, lead and body (one field to search instead of five).
    pub meta: Field,
    /// Exact display values, for facets and filters (fast string columns).
    pub agency_key: Field,
    pub topic_key: Field,
    pub province_key: Field,
    pub author_key: Field,
    pub date: Field,
    pub year: Field,
    /// The whole article as JSON: what search returns and rebuild reads.
    pub doc: Field,
}

/// Fast-field names used by facets and filters.
pub const ID: &str = "id";
pub const FINGERPRINT: &str = "fingerprint";
pub const AGENCY_KEY: &str = "agency_key";
pub const TOPIC_KEY: &str = "topic_key";
pub const PROVINCE_KEY: &str = "province_key";
pub const AUTHOR_KEY: &str = "author_key";
pub const DATE: &str = "date";
pub const YEAR: &str = "year";

pub fn build_schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(TOKENIZER_NAME)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let key = STRING | FAST;
    let fields = Fields {
        id: b.add_text_field(ID, STRING | STORED | FAST),
        // Read as a column when a session opens (`writer::load_identities`), never searched.
        fingerprint: b.add_text_field(FINGERPRINT, FAST),
        title: b.add_text_field("title", text.clone()),
        lead: b.add_text_field("lead", text.clone()),
        body: b.add_text_field("body", text.clone()),
        agency: b.add_text_field("agency", text.clone()),
        author: b.add_text_field("author", text.clone()),
        topic: b.add_text_field("topic", text.clone()),
        tags: b.add_text_field("tags", text.clone()),
        meta: b.add_text_field("meta", text),
        agency_key: b.add_text_field(AGENCY_KEY, key.clone()),
        topic_key: b.add_text_field(TOPIC_KEY, key.clone()),
        province_key: b.add_text_field(PROVINCE_KEY, key.clone()),
        author_key: b.add_text_field(AUTHOR_KEY, key),
        date: b.add_date_field(DATE, INDEXED | FAST),
        year: b.add_u64_field(YEAR, INDEXED | FAST),
        doc: b.add_text_field("doc", STORED),
    };
    (b.build(), fields)
}

impl Fields {
    /// The fields of an existing index, looked up by name, so an index written by an older
    /// version of the schema is read right. An index from before the `meta` field searches its
    /// agency field in its place (and is reported as outdated, to be rebuilt).
    pub fn from_schema(schema: &Schema) -> std::result::Result<Fields, String> {
        let get = |name: &str| {
            schema
                .get_field(name)
                .map_err(|_| format!("the index has no field `{name}`"))
        };
        Ok(Fields {
            id: get(ID)?,
            fingerprint: get(FINGERPRINT)?,
            title: get("title")?,
            lead: get("lead")?,
            body: get("body")?,
            agency: get("agency")?,
            author: get("author")?,
            topic: get("topic")?,
            tags: get("tags")?,
            meta: get("meta").or_else(|_| get("agency"))?,
            agency_key: get(AGENCY_KEY)?,
            topic_key: get(TOPIC_KEY)?,
            province_key: get(PROVINCE_KEY)?,
            author_key: get(AUTHOR_KEY)?,
            date: get(DATE)?,
            year: get(YEAR)?,
            doc: get("doc")?,
        })
    }
}

/// The key under which a display value (agency, topic, province, author) is filtered:
/// normalised and folded, so filters ignore case, accents and tone placement.
pub fn filter_key(value: &str) -> String {
    fold(&normalize_text(value))
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The content fingerprint used to recognise one article republished under two URLs.
pub fn fingerprint(article: &Article) -> String {
    crate::article::content_hash(&article.title, &article.body).to_hex()[..24].to_string()
}

impl Fields {
    /// The tantivy document for an article.
    pub fn document(&self, article: &Article) -> TantivyDocument {
        self.document_with_fingerprint(article, &fingerprint(article))
    }

    /// The tantivy document for an article whose [`fingerprint`] is already known (the
    /// writer computes it to recognise duplicates): saves hashing the text twice.
    pub fn document_with_fingerprint(&self, article: &Article, fp: &str) -> TantivyDocument {
        let json = serde_json::to_string(article).unwrap_or_default();
        self.document_from_parts(article, &json, fp)
    }

    /// The tantivy document for an article whose JSON form is already at hand (a rebuild
    /// reads it from the store): saves serialising it again.
    pub fn document_with_json(&self, article: &Article, json: &str) -> TantivyDocument {
        self.document_from_parts(article, json, &fingerprint(article))
    }

    fn document_from_parts(&self, article: &Article, json: &str, fp: &str) -> TantivyDocument {
        let mut d = TantivyDocument::default();
        d.add_text(self.id, &article.id);
        d.add_text(self.fingerprint, fp);
        d.add_text(self.title, &article.title);
        d.add_text(self.lead, &article.lead);
        d.add_text(self.body, &article.body);
        for (text_field, key_field, value) in [
            (Some(self.agency), self.agency_key, &article.agency),
            (Some(self.author), self.author_key, &article.author),
            (Some(self.topic), self.topic_key, &article.topic),
            (None, self.province_key, &article.province),
        ] {
            if let Some(v) = value.as_deref().filter(|v| !v.trim().is_empty()) {
                if let Some(f) = text_field {
                    d.add_text(f, v);
                }
                d.add_text(key_field, v);
                d.add_text(self.meta, v);
            }
        }
        for tag in &article.tags {
            d.add_text(self.tags, tag);
            d.add_text(self.meta, tag);
        }
        if let Some(date) = article.date {
            let secs = date
                .and_hms_opt(0, 0, 0)
                .map(|dt| dt.and_utc().timestamp())
                .unwrap_or_default();
            d.add_date(self.date, DateTime::from_timestamp_secs(secs));
            d.add_u64(self.year, chrono::Datelike::year(&date).max(0) as u64);
        }
        d.add_text(self.doc, json);
        d
    }
}
