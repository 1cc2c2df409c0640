//! Extraction: turns one saved page (bytes in some encoding, some layout) into an [`Article`].

pub mod agency;
pub mod charset;
pub mod date;
pub mod text;

use crate::Article;

/// One page as it came out of a dump, before it is understood.
#[derive(Debug, Clone, Default)]
pub struct RawPage {
    /// The raw bytes, in whatever encoding the page was saved.
    pub bytes: Vec<u8>,
    /// The URL the page was fetched from (WARC-Target-URI), when known.
    pub url: Option<String>,
    /// Where it came from, for messages and for [`Article::source`].
    pub source: String,
    /// The charset named by an HTTP `Content-Type` header (WARC response records), if any.
    pub http_charset: Option<String>,
}

/// Why a page yielded no article.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ExtractError {
    #[error("not an article page: {0}")]
    NotArticle(String),
    #[error("unreadable page: {0}")]
    Unreadable(String),
}

/// Extracts the article from a page. Placeholder until the extractor lands.
pub fn extract(page: &RawPage) -> Result<Article, ExtractError> {
    let _ = page;
    Err(ExtractError::Unreadable("extractor not written yet".into()))
}
