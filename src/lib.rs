//! tracuu: full-text search for archives of Vietnamese provincial and government news.
//!
//! The modules follow the data's way through the program:
//! crawl → ingest → extract → analyze → index → search → present.

pub mod analyze;
pub mod article;
pub mod crawl;
pub mod error;
pub mod extract;
pub mod index;
pub mod ingest;
pub mod present;
pub mod search;

pub use article::Article;
pub use error::{Error, Result};
