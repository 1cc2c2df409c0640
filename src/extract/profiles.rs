//! Site profiles: the documented layouts, recognised by their structure.
//!
//! A profile only says *where* things are (the body container, the title, the lead, the date
//! line, the author, the breadcrumb, the tags). The generic code in the parent module fills
//! whatever a profile leaves out and applies the same clean-up to every layout, so a page
//! whose profile half-matches (a redesign, a copy) still extracts.

use std::sync::LazyLock;

use ego_tree::NodeId;
use scraper::{ElementRef, Html, Selector};

use super::dom::{Page, node_text};
use super::text::clean_text;

/// Where a profile found the parts of an article.
#[derive(Debug, Default)]
pub struct Located {
    /// Which documented layout matched (for diagnostics).
    #[allow(dead_code)]
    pub layout: &'static str,
    pub body_root: Option<NodeId>,
    pub title: Option<String>,
    pub lead: Option<String>,
    pub date_text: Option<String>,
    pub author: Option<String>,
    pub topic: Option<String>,
    pub tags: Vec<String>,
}

fn sel(s: &str) -> Selector {
    // Every selector here is a constant checked by the tests; an unparsable one matches nothing.
    Selector::parse(s).unwrap_or_else(|_| {
        Selector::parse("never-matching-element")
            .unwrap_or_else(|_| unreachable!("constant selector"))
    })
}

macro_rules! selector {
    ($name:ident, $css:expr) => {
        static $name: LazyLock<Selector> = LazyLock::new(|| sel($css));
    };
}

selector!(MIC_BODY, "#divArticleContent");
selector!(MIC_TITLE, "#news_content h1");
selector!(MIC_LEAD, "#divArticleDescription");
selector!(
    MIC_DATE,
    "#news_content .ms-rteCustom-NgayDang, #news_content .date"
);
selector!(CP_BODY, "div.detail-content, [data-role=content]");
selector!(CP_TITLE, "h1.detail-title, [data-role=title]");
selector!(CP_LEAD, ".detail-sapo, [data-role=sapo]");
selector!(CP_AUTHOR, ".detail-author-top-name, .detail-author");
selector!(CP_DATE, "[data-role=publishdate], .detail-time");
selector!(CP_BREADCRUMB, ".detail-breadcrumb a, .detail-breadcrumb li");
selector!(CP_TAGS, "ul.detail-tag-list a, .detail-tag a");
selector!(NV_BODY, "#news-bodyhtml, div.bodytext");
selector!(NV_TITLE, ".news_column h1, h1.title, .news-detail h1");
selector!(NV_LEAD, ".hometext");

fn text_of(e: ElementRef<'_>) -> String {
    clean_text(&node_text(*e))
}

fn first_text(doc: &Html, s: &Selector) -> Option<String> {
    doc.select(s).map(text_of).find(|t| !t.is_empty())
}

fn all_texts(doc: &Html, s: &Selector) -> Vec<String> {
    doc.select(s)
        .map(text_of)
        .filter(|t| !t.is_empty())
        .collect()
}

/// Recognises a documented layout by its structure and locates its parts.
pub fn locate(doc: &Html, page: &Page) -> Option<Located> {
    if !page.profile_hint {
        return None;
    }
    if let Some(body) = doc.select(&MIC_BODY).next() {
        return Some(Located {
            layout: "mic2009",
            body_root: Some(body.id()),
            title: first_text(doc, &MIC_TITLE),
            lead: first_text(doc, &MIC_LEAD),
            date_text: first_text(doc, &MIC_DATE),
            author: None,
            topic: page.crumbs.last().cloned().or_else(|| {
                page.category_names
                    .first()
                    .map(|t| super::generic::strip_topic_label(t))
            }),
            tags: page.tag_links.clone(),
        });
    }
    if let Some(body) = doc.select(&CP_BODY).next() {
        let crumbs = all_texts(doc, &CP_BREADCRUMB);
        return Some(Located {
            layout: "chinhphu",
            body_root: Some(body.id()),
            title: first_text(doc, &CP_TITLE),
            lead: first_text(doc, &CP_LEAD),
            date_text: first_text(doc, &CP_DATE),
            author: first_text(doc, &CP_AUTHOR),
            topic: crumbs.last().cloned(),
            tags: all_texts(doc, &CP_TAGS)
                .into_iter()
                .map(|t| t.trim_start_matches('#').trim().to_string())
                .filter(|t| !t.is_empty())
                .collect(),
        });
    }
    if let Some(body) = doc.select(&NV_BODY).next() {
        return Some(Located {
            layout: "nukeviet",
            body_root: Some(body.id()),
            title: first_text(doc, &NV_TITLE),
            lead: first_text(doc, &NV_LEAD),
            date_text: None,
            author: None,
            topic: None,
            tags: page.tag_links.clone(),
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_parse() {
        for s in [
            &MIC_BODY,
            &MIC_TITLE,
            &MIC_LEAD,
            &MIC_DATE,
            &CP_BODY,
            &CP_TITLE,
            &CP_LEAD,
            &CP_AUTHOR,
            &CP_DATE,
            &CP_BREADCRUMB,
            &CP_TAGS,
            &NV_BODY,
            &NV_TITLE,
            &NV_LEAD,
        ] {
            let doc = Html::parse_document("<p>x</p>");
            assert_eq!(doc.select(s).count(), 0);
        }
        let doc = Html::parse_document("<div id='divArticleContent'><p>x</p></div>");
        let page = super::super::dom::walk(&doc);
        assert_eq!(locate(&doc, &page).map(|l| l.layout), Some("mic2009"));
    }
}
