//! Site profiles: the documented layouts, recognised by their structure.
//!
//! A profile only says *where* things are (the body container, the title, the lead, the date
//! line, the author, the breadcrumb, the tags). The generic code in the parent module fills
//! whatever a profile leaves out and applies the same clean-up to every layout, so a page
//! whose profile half-matches (a redesign, a copy) still extracts.
//!
//! The layouts are told by a few CSS-like rules (`#divArticleContent`, `#news_content h1`,
//! `div.detail-content, [data-role=content]`, `.detail-breadcrumb a`, …). They are not run as
//! selectors over a tree: the walk ([`super::dom`]) asks [`classify`] about every start tag,
//! with the id, classes and `data-role` of the element and what its ancestors were, and keeps
//! the text of the elements that match ([`Matches`]). The rules match as CSS would in a
//! no-quirks document: ids, classes and attribute values compare case-sensitively, a
//! descendant rule needs a proper ancestor.

use super::dom::Page;

/// The rules, one per part of a layout. Their order is [`Matches::texts`]' order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// `#divArticleContent`
    MicBody,
    /// `#news_content h1`
    MicTitle,
    /// `#divArticleDescription`
    MicLead,
    /// `#news_content .ms-rteCustom-NgayDang, #news_content .date`
    MicDate,
    /// `div.detail-content, [data-role=content]`
    CpBody,
    /// `h1.detail-title, [data-role=title]`
    CpTitle,
    /// `.detail-sapo, [data-role=sapo]`
    CpLead,
    /// `.detail-author-top-name, .detail-author`
    CpAuthor,
    /// `[data-role=publishdate], .detail-time`
    CpDate,
    /// `.detail-breadcrumb a, .detail-breadcrumb li`
    CpBreadcrumb,
    /// `ul.detail-tag-list a, .detail-tag a`
    CpTags,
    /// `#news-bodyhtml, div.bodytext`
    NvBody,
    /// `.news_column h1, h1.title, .news-detail h1`
    NvTitle,
    /// `.hometext`
    NvLead,
}

/// How many rules there are.
pub const RULES: usize = 14;

/// Every rule, in [`Rule`] order.
pub const ALL_RULES: [Rule; RULES] = [
    Rule::MicBody,
    Rule::MicTitle,
    Rule::MicLead,
    Rule::MicDate,
    Rule::CpBody,
    Rule::CpTitle,
    Rule::CpLead,
    Rule::CpAuthor,
    Rule::CpDate,
    Rule::CpBreadcrumb,
    Rule::CpTags,
    Rule::NvBody,
    Rule::NvTitle,
    Rule::NvLead,
];

impl Rule {
    fn bit(self) -> u16 {
        1 << (self as u16)
    }
    /// Rules naming a body container: only the first element matters, and not its text.
    pub fn is_body(self) -> bool {
        matches!(self, Rule::MicBody | Rule::CpBody | Rule::NvBody)
    }
}

/// Ancestor facts the descendant rules need, as bits.
const IN_NEWS_CONTENT: u8 = 1;
const IN_DETAIL_BREADCRUMB: u8 = 2;
const IN_UL_DETAIL_TAG_LIST: u8 = 4;
const IN_DETAIL_TAG: u8 = 8;
const IN_NEWS_COLUMN: u8 = 16;
const IN_NEWS_DETAIL: u8 = 32;

/// The rules an element matches, as a set.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RuleSet(u16);

impl RuleSet {
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    pub fn contains(self, r: Rule) -> bool {
        self.0 & r.bit() != 0
    }
    fn add(&mut self, r: Rule) {
        self.0 |= r.bit();
    }
    pub fn iter(self) -> impl Iterator<Item = Rule> {
        ALL_RULES.into_iter().filter(move |r| self.contains(*r))
    }
}

/// The classes the rules name, as bits.
const C_DETAIL_BREADCRUMB: u16 = 1;
const C_DETAIL_TAG_LIST: u16 = 1 << 1;
const C_DETAIL_TAG: u16 = 1 << 2;
const C_NEWS_COLUMN: u16 = 1 << 3;
const C_NEWS_DETAIL: u16 = 1 << 4;
const C_NGAY_DANG: u16 = 1 << 5;
const C_DATE: u16 = 1 << 6;
const C_DETAIL_CONTENT: u16 = 1 << 7;
const C_DETAIL_TITLE: u16 = 1 << 8;
const C_DETAIL_SAPO: u16 = 1 << 9;
const C_AUTHOR_TOP_NAME: u16 = 1 << 10;
const C_DETAIL_AUTHOR: u16 = 1 << 11;
const C_DETAIL_TIME: u16 = 1 << 12;
const C_BODYTEXT: u16 = 1 << 13;
const C_TITLE: u16 = 1 << 14;
const C_HOMETEXT: u16 = 1 << 15;

/// Which of the named classes a class attribute has, in one pass over its words.
fn classes(class: Option<&str>) -> u16 {
    let mut c = 0;
    for w in class.unwrap_or("").split_ascii_whitespace() {
        c |= match w {
            "detail-breadcrumb" => C_DETAIL_BREADCRUMB,
            "detail-tag-list" => C_DETAIL_TAG_LIST,
            "detail-tag" => C_DETAIL_TAG,
            "news_column" => C_NEWS_COLUMN,
            "news-detail" => C_NEWS_DETAIL,
            "ms-rteCustom-NgayDang" => C_NGAY_DANG,
            "date" => C_DATE,
            "detail-content" => C_DETAIL_CONTENT,
            "detail-title" => C_DETAIL_TITLE,
            "detail-sapo" => C_DETAIL_SAPO,
            "detail-author-top-name" => C_AUTHOR_TOP_NAME,
            "detail-author" => C_DETAIL_AUTHOR,
            "detail-time" => C_DETAIL_TIME,
            "bodytext" => C_BODYTEXT,
            "title" => C_TITLE,
            "hometext" => C_HOMETEXT,
            _ => 0,
        };
    }
    c
}

/// What one start tag matches. `inside` is what its ancestors were (the value this function
/// returned as the first element for the parent); returns the value for its children and the
/// rules the element matches.
pub fn classify(
    name: &str,
    id: Option<&str>,
    class: Option<&str>,
    data_role: Option<&str>,
    inside: u8,
) -> (u8, RuleSet) {
    let mut m = RuleSet::default();
    if id.is_none() && class.is_none() && data_role.is_none() && inside == 0 && name != "h1" {
        return (0, m);
    }
    let id_is = |x: &str| id == Some(x);
    let cl = classes(class);
    let cls = |bit: u16| cl & bit != 0;
    let role = |x: &str| data_role == Some(x);
    let mut own = 0u8;
    if id_is("news_content") {
        own |= IN_NEWS_CONTENT;
    }
    if cls(C_DETAIL_BREADCRUMB) {
        own |= IN_DETAIL_BREADCRUMB;
    }
    if name == "ul" && cls(C_DETAIL_TAG_LIST) {
        own |= IN_UL_DETAIL_TAG_LIST;
    }
    if cls(C_DETAIL_TAG) {
        own |= IN_DETAIL_TAG;
    }
    if cls(C_NEWS_COLUMN) {
        own |= IN_NEWS_COLUMN;
    }
    if cls(C_NEWS_DETAIL) {
        own |= IN_NEWS_DETAIL;
    }
    let h1 = name == "h1";
    let a = name == "a";
    if id_is("divArticleContent") {
        m.add(Rule::MicBody);
    }
    if h1 && inside & IN_NEWS_CONTENT != 0 {
        m.add(Rule::MicTitle);
    }
    if id_is("divArticleDescription") {
        m.add(Rule::MicLead);
    }
    if inside & IN_NEWS_CONTENT != 0 && cls(C_NGAY_DANG | C_DATE) {
        m.add(Rule::MicDate);
    }
    if (name == "div" && cls(C_DETAIL_CONTENT)) || role("content") {
        m.add(Rule::CpBody);
    }
    if (h1 && cls(C_DETAIL_TITLE)) || role("title") {
        m.add(Rule::CpTitle);
    }
    if cls(C_DETAIL_SAPO) || role("sapo") {
        m.add(Rule::CpLead);
    }
    if cls(C_AUTHOR_TOP_NAME | C_DETAIL_AUTHOR) {
        m.add(Rule::CpAuthor);
    }
    if role("publishdate") || cls(C_DETAIL_TIME) {
        m.add(Rule::CpDate);
    }
    if (a || name == "li") && inside & IN_DETAIL_BREADCRUMB != 0 {
        m.add(Rule::CpBreadcrumb);
    }
    if a && inside & (IN_UL_DETAIL_TAG_LIST | IN_DETAIL_TAG) != 0 {
        m.add(Rule::CpTags);
    }
    if id_is("news-bodyhtml") || (name == "div" && cls(C_BODYTEXT)) {
        m.add(Rule::NvBody);
    }
    if h1 && (inside & (IN_NEWS_COLUMN | IN_NEWS_DETAIL) != 0 || cls(C_TITLE)) {
        m.add(Rule::NvTitle);
    }
    if cls(C_HOMETEXT) {
        m.add(Rule::NvLead);
    }
    (inside | own, m)
}

/// What the walk found for the rules.
#[derive(Debug, Default, Clone)]
pub struct Matches {
    /// For each body rule that matched: the first matching element's number among the walked
    /// block-level elements, or `None` when that element was not one of them (an inline or
    /// skipped element).
    pub bodies: [Option<Option<usize>>; RULES],
    /// For each other rule: the cleaned texts of the matching elements in document order
    /// (empty texts dropped).
    pub texts: [Vec<String>; RULES],
}

impl Matches {
    fn first(&self, r: Rule) -> Option<String> {
        self.texts.get(r as usize).and_then(|t| t.first()).cloned()
    }
    fn all(&self, r: Rule) -> Vec<String> {
        self.texts.get(r as usize).cloned().unwrap_or_default()
    }
    fn body(&self, r: Rule) -> Option<Option<usize>> {
        self.bodies.get(r as usize).copied().flatten()
    }
}

/// Where a profile found the parts of an article.
#[derive(Debug, Default)]
pub struct Located {
    /// Which documented layout matched (for diagnostics).
    #[allow(dead_code)]
    pub layout: &'static str,
    /// Whether the layout's body container was found at all.
    pub body_found: bool,
    /// The body container's number among the walked block-level elements, when it is one.
    pub body_root: Option<usize>,
    pub title: Option<String>,
    pub lead: Option<String>,
    pub date_text: Option<String>,
    pub author: Option<String>,
    pub topic: Option<String>,
    pub tags: Vec<String>,
}

/// Recognises a documented layout by its structure and locates its parts.
pub fn locate(page: &Page) -> Option<Located> {
    if !page.profile_hint {
        return None;
    }
    let m = &page.matches;
    if let Some(body) = m.body(Rule::MicBody) {
        return Some(Located {
            layout: "mic2009",
            body_found: true,
            body_root: body,
            title: m.first(Rule::MicTitle),
            lead: m.first(Rule::MicLead),
            date_text: m.first(Rule::MicDate),
            author: None,
            topic: page.crumbs.last().cloned().or_else(|| {
                page.category_names
                    .first()
                    .map(|t| super::generic::strip_topic_label(t))
            }),
            tags: page.tag_links.clone(),
        });
    }
    if let Some(body) = m.body(Rule::CpBody) {
        let crumbs = m.all(Rule::CpBreadcrumb);
        return Some(Located {
            layout: "chinhphu",
            body_found: true,
            body_root: body,
            title: m.first(Rule::CpTitle),
            lead: m.first(Rule::CpLead),
            date_text: m.first(Rule::CpDate),
            author: m.first(Rule::CpAuthor),
            topic: crumbs.last().cloned(),
            tags: m
                .all(Rule::CpTags)
                .into_iter()
                .map(|t| t.trim_start_matches('#').trim().to_string())
                .filter(|t| !t.is_empty())
                .collect(),
        });
    }
    if let Some(body) = m.body(Rule::NvBody) {
        return Some(Located {
            layout: "nukeviet",
            body_found: true,
            body_root: body,
            title: m.first(Rule::NvTitle),
            lead: m.first(Rule::NvLead),
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

    fn rules(name: &str, id: Option<&str>, class: Option<&str>, inside: u8) -> Vec<Rule> {
        classify(name, id, class, None, inside).1.iter().collect()
    }

    #[test]
    fn rules_match_like_the_selectors() {
        assert_eq!(
            rules("div", Some("divArticleContent"), None, 0),
            [Rule::MicBody]
        );
        // Ids and classes are case-sensitive, as in a no-quirks document.
        assert!(rules("div", Some("divarticlecontent"), None, 0).is_empty());
        let (inside, _) = classify("div", Some("news_content"), None, None, 0);
        assert_eq!(rules("h1", None, None, inside), [Rule::MicTitle]);
        // A descendant rule needs an ancestor, not the element itself.
        assert!(rules("h1", Some("news_content"), None, 0).is_empty());
        assert_eq!(rules("span", None, Some("x date"), inside), [Rule::MicDate]);
        assert_eq!(
            rules("div", None, Some("detail-content"), 0),
            [Rule::CpBody]
        );
        assert!(rules("section", None, Some("detail-content"), 0).is_empty());
        assert_eq!(
            classify("section", None, None, Some("content"), 0)
                .1
                .iter()
                .collect::<Vec<_>>(),
            [Rule::CpBody]
        );
        let (crumb, _) = classify("ol", None, Some("detail-breadcrumb"), None, 0);
        assert_eq!(rules("li", None, None, crumb), [Rule::CpBreadcrumb]);
        assert_eq!(rules("a", None, None, crumb), [Rule::CpBreadcrumb]);
        let (tags, _) = classify("ul", None, Some("detail-tag-list"), None, 0);
        assert_eq!(rules("a", None, None, tags), [Rule::CpTags]);
        let (tags, _) = classify("div", None, Some("detail-tag-list"), None, 0);
        assert!(rules("a", None, None, tags).is_empty());
        assert_eq!(rules("h1", None, Some("title"), 0), [Rule::NvTitle]);
        assert_eq!(rules("div", None, Some("bodytext"), 0), [Rule::NvBody]);
    }

    #[test]
    fn a_layout_is_located() {
        let page = super::super::dom::walk("<div id='divArticleContent'><p>x</p></div>");
        assert_eq!(locate(&page).map(|l| l.layout), Some("mic2009"));
        let page = super::super::dom::walk("<span id='divArticleContent'><p>x</p></span>");
        let loc = locate(&page);
        assert!(
            loc.as_ref()
                .is_some_and(|l| l.body_found && l.body_root.is_none())
        );
        let page = super::super::dom::walk("<div id='other'><p>x</p></div>");
        assert!(locate(&page).is_none());
    }
}
