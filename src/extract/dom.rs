//! One pass over the page's tokens that turns it into text blocks and page metadata.
//!
//! Everything after this works on what the walk produces: the paragraphs of the page in
//! document order (each with its link and bold share, alignment, and whether it sits in a
//! boilerplate region such as a menu, a related-news box or a photo caption), plus the `<head>`
//! metadata (title, Open Graph and article meta, canonical link, JSON-LD) and what the site
//! profiles' rules matched ([`super::profiles`]).
//!
//! No DOM is built. html5gum (a WHATWG tokenizer: entities decoded, script/style/title read as
//! raw text) produces start tags, end tags, text and comments, and the walk keeps the stack of
//! open elements itself, with the parts of the HTML tree-building rules that decide where text
//! ends up on real pages:
//! - the implied `html`, `head` and `body`; head elements after `</head>` still count as head;
//! - void elements; `p` closed by a block-level start tag (`table` only outside quirks mode)
//!   and `</p>` without an open `p` acting as an empty paragraph; `li`, `dd`/`dt`, table
//!   cells, rows and sections, `option` closed by a sibling; headings closing a heading;
//!   implied `tbody`/`tr`; table cell starts ignored outside a table;
//! - an end tag closes the nearest open element of its name, within the tag's scope; an
//!   ordinary end tag never closes past a block-level ("special") element; `</br>` is `<br>`;
//! - formatting elements (`a`, `b`, `i`, `font`, `strong`…) are reopened after a block closed
//!   them (the list of active formatting elements, with the Noah's ark limit) and a misnested
//!   end tag ends their effect without closing the blocks opened inside them (a simplified
//!   adoption agency);
//! - SVG and MathML content, and everything under script, style, select, iframe and the other
//!   skipped elements, never yields text;
//! - whatever is open at the end of the input is closed there.
//!
//! Not modelled: foster parenting of stray table content, `<form>` pointer subtleties beyond
//! "no nested forms", templates. Nesting deeper than [`MAX_DEPTH`] yields no text, and the
//! stack searches are bounded, so hostile input costs linear time and never panics.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use html5gum::emitters::callback::{Callback, CallbackEmitter, CallbackEvent};
use html5gum::{Emitter, ForwardingEmitter};
use rustc_hash::FxHashMap;

use super::profiles::{self, Matches, RULES};
use super::text::{clean_text, starts_with_ci};

/// One paragraph-like run of text.
#[derive(Debug, Clone)]
pub struct Block {
    /// Cleaned text (NFC, whitespace collapsed).
    pub text: String,
    /// The nearest block-level element the text sits in, as an index into [`Page::parents`].
    pub node: usize,
    /// Non-whitespace characters in the block, and those inside links, bold and italics.
    pub chars: usize,
    pub link_chars: usize,
    pub bold_chars: usize,
    pub italic_chars: usize,
    /// The block is right-aligned (bylines) or centred (captions).
    pub right: bool,
    pub centered: bool,
    /// Inside a menu, footer, related-news box, share or rating widget, tag list...
    pub boiler: bool,
    /// A photo caption.
    pub caption: bool,
    /// 1–6 for h1–h6.
    pub heading: u8,
    /// Inside an `li`.
    pub list_item: bool,
    /// Inside an element whose class or id says "title" (or a big font): a headline candidate.
    pub titleish: bool,
}

impl Block {
    pub fn link_density(&self) -> f32 {
        if self.chars == 0 {
            return 0.0;
        }
        self.link_chars as f32 / self.chars as f32
    }
    pub fn all_bold(&self) -> bool {
        self.chars > 0 && self.bold_chars * 10 >= self.chars * 9
    }
    pub fn all_italic(&self) -> bool {
        self.chars > 0 && self.italic_chars * 10 >= self.chars * 9
    }
}

/// Metadata found in the page's `<head>` (and JSON-LD anywhere).
#[derive(Debug, Default, Clone)]
pub struct HeadMeta {
    pub title: Option<String>,
    /// `<meta property|name|itemprop=K content=V>`, keys lowercased; first value wins.
    pub meta: FxHashMap<String, String>,
    pub canonical: Option<String>,
    pub json_ld: Vec<String>,
    /// `<time datetime=…>` values, with the index of the next block emitted after them.
    pub times: Vec<(String, usize)>,
}

/// The walked page.
pub struct Page {
    pub blocks: Vec<Block>,
    pub head: HeadMeta,
    /// Link texts inside a breadcrumb trail (class/id "breadcrumb", "pathway"), in order.
    pub crumbs: Vec<String>,
    /// Link texts inside a tag box.
    pub tag_links: Vec<String>,
    /// Texts of elements named as the page's category ("TieuDeChuyenMuc", "category-name").
    pub category_names: Vec<String>,
    /// Texts of links to category pages (`view=category`, `/chuyen-muc/`).
    pub category_links: Vec<String>,
    /// Texts of elements named as a summary ("sapo", "lead", "hometext"...), outside boilerplate.
    pub lead_candidates: Vec<String>,
    /// An element looked like a documented layout's body container: profiles are worth trying.
    pub profile_hint: bool,
    /// Block-level elements seen, numbered in document order: each one's enclosing
    /// block-level element (index 0 is the document).
    pub parents: Vec<Option<usize>>,
    /// What the site profiles' rules matched.
    pub matches: Matches,
}

impl Page {
    /// The ancestors of a node, nearest first (not including the node).
    pub fn ancestors(&self, id: usize) -> impl Iterator<Item = usize> + '_ {
        let mut cur = self.parents.get(id).copied().flatten();
        std::iter::from_fn(move || {
            let here = cur?;
            cur = self.parents.get(here).copied().flatten();
            Some(here)
        })
    }

    /// Whether element `id` is `root` or inside it.
    pub fn is_within(&self, id: usize, root: usize) -> bool {
        // Children are numbered after their parents, so nothing before `root` is inside it.
        id == root || (id > root && self.ancestors(id).any(|a| a == root))
    }
}

/// Elements whose content is never text of the page.
const SKIPPED: [Name; 18] = [
    nm("script"),
    nm("style"),
    nm("noscript"),
    nm("template"),
    nm("iframe"),
    nm("object"),
    nm("embed"),
    nm("svg"),
    nm("canvas"),
    nm("select"),
    nm("option"),
    nm("button"),
    nm("textarea"),
    nm("input"),
    nm("map"),
    nm("audio"),
    nm("video"),
    nm("math"),
];

/// Elements that start a new paragraph.
const BLOCK_LEVEL: [Name; 41] = [
    nm("p"),
    nm("div"),
    nm("h1"),
    nm("h2"),
    nm("h3"),
    nm("h4"),
    nm("h5"),
    nm("h6"),
    nm("li"),
    nm("ul"),
    nm("ol"),
    nm("dl"),
    nm("dt"),
    nm("dd"),
    nm("table"),
    nm("tbody"),
    nm("thead"),
    nm("tfoot"),
    nm("tr"),
    nm("td"),
    nm("th"),
    nm("caption"),
    nm("blockquote"),
    nm("section"),
    nm("article"),
    nm("header"),
    nm("footer"),
    nm("nav"),
    nm("aside"),
    nm("main"),
    nm("figure"),
    nm("figcaption"),
    nm("address"),
    nm("center"),
    nm("form"),
    nm("fieldset"),
    nm("pre"),
    nm("hr"),
    nm("body"),
    nm("html"),
    nm("details"),
];

fn is_skipped(name: &str) -> bool {
    SKIPPED.contains(&nm(name))
}

fn is_block_level(name: &str) -> bool {
    BLOCK_LEVEL.contains(&nm(name))
}

/// Class/id words that mark a region as not part of an article body (whole-word match).
const BOILER_WORDS: &[&str] = &[
    "tag",
    "tags",
    "ads",
    "ad",
    "nav",
    "menu",
    "header",
    "footer",
    "share",
    "print",
    "social",
    "comment",
    "comments",
    "sidebar",
    "banner",
    "rating",
    "rate",
    "toolbar",
    "breadcrumb",
    "breadcrumbs",
    "caption",
    "related",
    "relate",
    "keyword",
    "keywords",
    "copyright",
    "paging",
    "pagination",
    "widget",
    "sitemap",
    "login",
    "search",
    "weather",
    "navbar",
    "topmenu",
];

/// Class/id fragments that mark boilerplate wherever they occur in the name.
const BOILER_PARTS: &[&str] = &[
    "related",
    "relation",
    "lienquan",
    "tinkhac",
    "othernews",
    "other-news",
    "other_news",
    "readmore",
    "read-more",
    "breadcrumb",
    "socialshare",
    "sharing",
    "advert",
    "navbar",
    "menu",
    "footer",
    "sidebar",
    "comment",
    "rating",
    "box-stream",
    "tag-list",
    "taglist",
    "mostview",
    "most-view",
    "xemnhieu",
    "tinmoi",
    "tindadua",
    "newslist",
    "news-list",
    "caption",
    "figcaption",
];

/// Where an attribute the walk reads is kept in [`Tag::vals`].
#[derive(Clone, Copy)]
enum At {
    Class,
    Id,
    Type,
    Role,
    Align,
    Style,
    Href,
    DataRole,
    Datetime,
    Size,
    Property,
    Name,
    Itemprop,
    Content,
    Rel,
}
const ATTRS: usize = 15;

fn attr_slot(name: &[u8]) -> Option<At> {
    Some(match name {
        b"class" => At::Class,
        b"id" => At::Id,
        b"type" => At::Type,
        b"role" => At::Role,
        b"align" => At::Align,
        b"style" => At::Style,
        b"href" => At::Href,
        b"data-role" => At::DataRole,
        b"datetime" => At::Datetime,
        b"size" => At::Size,
        b"property" => At::Property,
        b"name" => At::Name,
        b"itemprop" => At::Itemprop,
        b"content" => At::Content,
        b"rel" => At::Rel,
        _ => return None,
    })
}

/// A start tag: its (lowercase) name and the attributes the walk reads, first value winning.
#[derive(Clone, Default, PartialEq, Eq)]
struct Tag {
    name: String,
    /// The attribute values, one after another.
    buf: String,
    /// Each attribute's value as a range of `buf`.
    vals: [Option<(u32, u32)>; ATTRS],
}

impl Tag {
    fn named(name: &str) -> Self {
        Tag {
            name: name.to_string(),
            ..Tag::default()
        }
    }
    fn clear(&mut self) {
        self.name.clear();
        self.buf.clear();
        self.vals = [None; ATTRS];
    }
    fn get(&self, a: At) -> Option<&str> {
        let (from, to) = (*self.vals.get(a as usize)?)?;
        self.buf.get(from as usize..to as usize)
    }
    fn attrs(&self) -> Attrs<'_> {
        Attrs {
            class: self.get(At::Class),
            id: self.get(At::Id),
            kind: self.get(At::Type),
            role: self.get(At::Role),
            align: self.get(At::Align),
            style: self.get(At::Style),
            href: self.get(At::Href),
            data_role: self.get(At::DataRole),
            datetime: self.get(At::Datetime),
            size: self.get(At::Size),
        }
    }
}

/// The attributes the walk looks at.
#[derive(Default, Clone, Copy)]
struct Attrs<'a> {
    class: Option<&'a str>,
    id: Option<&'a str>,
    kind: Option<&'a str>,
    role: Option<&'a str>,
    align: Option<&'a str>,
    style: Option<&'a str>,
    href: Option<&'a str>,
    data_role: Option<&'a str>,
    datetime: Option<&'a str>,
    size: Option<&'a str>,
}

/// The element's class and id, lowercased, space-separated ("" when it has neither).
fn class_and_id(a: &Attrs<'_>, s: &mut String) {
    s.clear();
    if a.class.is_none() && a.id.is_none() {
        return;
    }
    s.push_str(a.class.unwrap_or(""));
    s.push(' ');
    s.push_str(a.id.unwrap_or(""));
    s.make_ascii_lowercase();
}

/// What a class/id fragment found by [`FRAGMENTS`] says.
#[derive(Clone, Copy)]
enum Part {
    Boiler,
    Title,
    NotTitle,
    Crumb,
    Tag,
    Category,
    Lead,
    Profile,
}

/// Every class/id fragment the rules look for, in one automaton.
static FRAGMENTS: LazyLock<Option<(AhoCorasick, Vec<Part>)>> = LazyLock::new(|| {
    let mut pats: Vec<&str> = Vec::new();
    let mut kinds = Vec::new();
    let groups: [(&[&str], Part); 8] = [
        (BOILER_PARTS, Part::Boiler),
        (
            &["title", "tieude", "tieu-de", "headline", "heading"],
            Part::Title,
        ),
        (&["subtitle", "box-title"], Part::NotTitle),
        (CRUMB_PARTS, Part::Crumb),
        (TAG_PARTS, Part::Tag),
        (CATEGORY_PARTS, Part::Category),
        (LEAD_PARTS, Part::Lead),
        (PROFILE_MARKERS, Part::Profile),
    ];
    for (list, kind) in groups {
        for p in list {
            pats.push(p);
            kinds.push(kind);
        }
    }
    AhoCorasick::new(&pats).ok().map(|ac| (ac, kinds))
});

/// Class/id fragments naming a summary.
const LEAD_PARTS: &[&str] = &[
    "sapo",
    "summary",
    "tomtat",
    "hometext",
    "lead",
    "intro",
    "description",
    "trichdan",
    "abstract",
    "teaser",
    "chapeau",
];
/// Ids and classes of the documented layouts' body containers ([`super::profiles`]).
const PROFILE_MARKERS: &[&str] = &[
    "divarticlecontent",
    "detail-content",
    "news-bodyhtml",
    "bodytext",
];
const CRUMB_PARTS: &[&str] = &["breadcrumb", "pathway", "duongdan"];
const TAG_PARTS: &[&str] = &[
    "tag-list",
    "taglist",
    "keywords",
    "news-tags",
    "tags-links",
    "detail-tag",
];
const CATEGORY_PARTS: &[&str] = &[
    "tieudechuyenmuc",
    "chuyenmuc",
    "category-name",
    "cate-name",
    "catname",
];
/// Links to category pages: Joomla `view=category`/`catid=`, `/chuyen-muc/`, `/category/`.
static CATEGORY_HREF: LazyLock<Option<AhoCorasick>> = LazyLock::new(|| {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build([
            "view=category",
            "catid=",
            "/chuyen-muc/",
            "/chuyenmuc/",
            "/category/",
            "/danh-muc/",
        ])
        .ok()
});

fn is_boiler_element(name: &str, el: &Attrs<'_>, names_boiler: bool) -> bool {
    if matches!(
        name,
        "nav" | "footer" | "aside" | "header" | "figcaption" | "figure"
    ) {
        return true;
    }
    if el
        .kind
        .is_some_and(|t| t.to_ascii_lowercase().contains("relatednews"))
    {
        return true;
    }
    if el
        .role
        .is_some_and(|r| matches!(r, "navigation" | "banner" | "contentinfo" | "complementary"))
    {
        return true;
    }
    names_boiler
}

/// What an element's class and id say about it, worked out once per distinct class/id.
#[derive(Clone, Copy, Default)]
struct Roles {
    boiler: bool,
    titleish: bool,
    crumb: bool,
    tags: bool,
    category: bool,
    lead: bool,
    profile: bool,
    right: bool,
    center: bool,
}

fn roles_of(names: &str) -> Roles {
    let mut r = Roles::default();
    if names.is_empty() {
        return r;
    }
    let mut not_title = false;
    if let Some((ac, kinds)) = FRAGMENTS.as_ref() {
        for m in ac.find_overlapping_iter(names) {
            match kinds.get(m.pattern().as_usize()) {
                Some(Part::Boiler) => r.boiler = true,
                Some(Part::Title) => r.titleish = true,
                Some(Part::NotTitle) => not_title = true,
                Some(Part::Crumb) => r.crumb = true,
                Some(Part::Tag) => r.tags = true,
                Some(Part::Category) => r.category = true,
                Some(Part::Lead) => r.lead = true,
                Some(Part::Profile) => r.profile = true,
                None => {}
            }
        }
    }
    r.titleish &= !not_title;
    for w in names.split(|ch: char| !ch.is_ascii_alphanumeric()) {
        if BOILER_WORDS.contains(&w) {
            r.boiler = true;
        }
        if w == "tags" || w == "tag" {
            r.tags = true;
        }
    }
    for w in names.split(|ch: char| !ch.is_ascii_alphanumeric() && ch != '-') {
        match w {
            "text-right" | "right" => r.right = true,
            "text-center" | "center" => r.center = true,
            _ => {}
        }
    }
    r
}

thread_local! {
    /// Roles by class/id string: portals repeat the same few hundred class names on every page.
    /// The keys are short and not chosen by an attacker who could gain from collisions, so a
    /// fast hash (FxHash) rather than SipHash.
    static ROLE_CACHE: std::cell::RefCell<FxHashMap<String, Roles>> =
        std::cell::RefCell::new(FxHashMap::default());
}

/// [`roles_of`], remembered per thread.
fn cached_roles(names: &str) -> Roles {
    if names.is_empty() {
        return Roles::default();
    }
    ROLE_CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(r) = cache.get(names) {
            return *r;
        }
        let r = roles_of(names);
        // Pages with unique ids on every element would grow it without end.
        if cache.len() > 20_000 {
            cache.clear();
        }
        cache.insert(names.to_string(), r);
        r
    })
}

/// Class, id or font size marking a headline.
fn is_titleish(name: &str, el: &Attrs<'_>, names_titleish: bool) -> bool {
    if names_titleish {
        return true;
    }
    name == "font"
        && el.size.is_some_and(|s| {
            s.trim()
                .trim_start_matches('+')
                .parse::<u8>()
                .is_ok_and(|n| n >= 4)
        })
}

fn alignment(el: &Attrs<'_>, roles: Roles) -> (bool, bool) {
    if el.align.is_none() && el.style.is_none() {
        return (roles.right, roles.center);
    }
    let align = el.align.unwrap_or("").trim();
    let style = el.style.unwrap_or("").to_ascii_lowercase().replace(' ', "");
    let right =
        align.eq_ignore_ascii_case("right") || style.contains("text-align:right") || roles.right;
    let center =
        align.eq_ignore_ascii_case("center") || style.contains("text-align:center") || roles.center;
    (right, center)
}

/// What an open element passes on to its content.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
struct Ctx {
    link: bool,
    bold: bool,
    italic: bool,
    boiler: bool,
    right: bool,
    centered: bool,
    list_item: bool,
    heading: u8,
    titleish: bool,
    crumb: bool,
    tags: bool,
    /// Content that is never text of the page (script, style, select, svg…, too deep).
    skip: bool,
}

impl Ctx {
    /// `c` with what an element itself adds to the context it inherits (`self`, the element's
    /// own part): applied again when a misnested formatting element is taken out from under it.
    fn apply(&self, mut c: Ctx) -> Ctx {
        c.link |= self.link;
        c.bold |= self.bold;
        c.italic |= self.italic;
        c.boiler |= self.boiler;
        c.list_item |= self.list_item;
        if self.heading > 0 {
            c.heading = self.heading;
        }
        c.titleish |= self.titleish;
        c.crumb |= self.crumb;
        c.tags |= self.tags;
        c.skip |= self.skip;
        if self.right {
            c.right = true;
            c.centered = false;
        }
        if self.centered {
            c.centered = true;
            c.right = false;
        }
        c
    }
}

/// A tag name packed into an integer (the first 16 bytes), so that classifying an element or
/// searching the open-element stack compares integers, not strings.
type Name = u128;

const fn nm(name: &str) -> Name {
    let b = name.as_bytes();
    let mut k: u128 = 0;
    let mut i = 0;
    while i < b.len() && i < 16 {
        k = (k << 8) | b[i] as u128;
        i += 1;
    }
    // Longer names keep their first 15 bytes and a mark, so they never equal a short name.
    if b.len() > 16 {
        (k >> 8) << 8 | 0xFF
    } else {
        k
    }
}

macro_rules! names {
    ($($id:ident = $s:literal),* $(,)?) => { $(const $id: Name = nm($s);)* };
}

names! {
    N_HTML = "html", N_HEAD = "head", N_BODY = "body", N_P = "p", N_LI = "li", N_DD = "dd",
    N_DT = "dt", N_A = "a", N_TABLE = "table", N_TBODY = "tbody", N_THEAD = "thead",
    N_TFOOT = "tfoot", N_TR = "tr", N_TD = "td", N_TH = "th", N_CAPTION = "caption",
    N_BUTTON = "button", N_OPTION = "option", N_FORM = "form",
    N_NOBR = "nobr", N_SVG = "svg", N_MATH = "math", N_TEMPLATE = "template",
    N_APPLET = "applet", N_MARQUEE = "marquee", N_OBJECT = "object", N_OL = "ol", N_UL = "ul",
    N_ADDRESS = "address", N_DIV = "div",
    N_H1 = "h1", N_H2 = "h2", N_H3 = "h3", N_H4 = "h4", N_H5 = "h5", N_H6 = "h6",
}

fn is_heading(n: Name) -> bool {
    matches!(n, N_H1 | N_H2 | N_H3 | N_H4 | N_H5 | N_H6)
}

/// The HTML "special" elements: an ordinary end tag never closes past one of them.
fn is_special(n: Name) -> bool {
    const SPECIAL: [Name; 82] = [
        nm("address"),
        nm("applet"),
        nm("area"),
        nm("article"),
        nm("aside"),
        nm("base"),
        nm("basefont"),
        nm("bgsound"),
        nm("blockquote"),
        nm("body"),
        nm("br"),
        nm("button"),
        nm("caption"),
        nm("center"),
        nm("col"),
        nm("colgroup"),
        nm("dd"),
        nm("details"),
        nm("dir"),
        nm("div"),
        nm("dl"),
        nm("dt"),
        nm("embed"),
        nm("fieldset"),
        nm("figcaption"),
        nm("figure"),
        nm("footer"),
        nm("form"),
        nm("frame"),
        nm("frameset"),
        nm("h1"),
        nm("h2"),
        nm("h3"),
        nm("h4"),
        nm("h5"),
        nm("h6"),
        nm("head"),
        nm("header"),
        nm("hgroup"),
        nm("hr"),
        nm("html"),
        nm("iframe"),
        nm("img"),
        nm("input"),
        nm("keygen"),
        nm("li"),
        nm("link"),
        nm("listing"),
        nm("main"),
        nm("marquee"),
        nm("menu"),
        nm("meta"),
        nm("nav"),
        nm("noembed"),
        nm("noframes"),
        nm("noscript"),
        nm("object"),
        nm("ol"),
        nm("p"),
        nm("param"),
        nm("plaintext"),
        nm("pre"),
        nm("script"),
        nm("search"),
        nm("section"),
        nm("select"),
        nm("source"),
        nm("style"),
        nm("summary"),
        nm("table"),
        nm("tbody"),
        nm("td"),
        nm("template"),
        nm("textarea"),
        nm("tfoot"),
        nm("th"),
        nm("thead"),
        nm("title"),
        nm("tr"),
        nm("track"),
        nm("ul"),
        nm("wbr"),
    ];
    SPECIAL.contains(&n)
}

/// Elements without content or end tag.
fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "param"
            | "source"
            | "track"
            | "wbr"
            | "keygen"
            | "basefont"
            | "bgsound"
            | "frame"
    )
}

/// Formatting elements: reopened after a block closed them.
fn is_formatting(name: &str) -> bool {
    matches!(
        name,
        "a" | "b"
            | "big"
            | "code"
            | "em"
            | "font"
            | "i"
            | "nobr"
            | "s"
            | "small"
            | "strike"
            | "strong"
            | "tt"
            | "u"
    )
}

/// Start tags that close an open `p` (in button scope).
fn closes_p(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "center"
            | "details"
            | "dialog"
            | "dir"
            | "div"
            | "dl"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "header"
            | "hgroup"
            | "main"
            | "menu"
            | "nav"
            | "ol"
            | "p"
            | "search"
            | "section"
            | "summary"
            | "ul"
            | "pre"
            | "listing"
            | "plaintext"
            | "xmp"
            | "hr"
    )
}

/// Elements that belong in `<head>` when they come before the body.
fn is_head_element(name: &str) -> bool {
    matches!(
        name,
        "title"
            | "meta"
            | "link"
            | "script"
            | "style"
            | "noscript"
            | "base"
            | "basefont"
            | "bgsound"
            | "noframes"
            | "template"
    )
}

/// Start tags that leave SVG or MathML content.
fn breaks_out_of_foreign(name: &str) -> bool {
    matches!(
        name,
        "b" | "big"
            | "blockquote"
            | "body"
            | "br"
            | "center"
            | "code"
            | "dd"
            | "div"
            | "dl"
            | "dt"
            | "em"
            | "embed"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "head"
            | "hr"
            | "i"
            | "img"
            | "li"
            | "listing"
            | "menu"
            | "meta"
            | "nobr"
            | "ol"
            | "p"
            | "pre"
            | "ruby"
            | "s"
            | "small"
            | "span"
            | "strong"
            | "strike"
            | "sub"
            | "sup"
            | "table"
            | "tt"
            | "u"
            | "ul"
            | "var"
    )
}

/// Which elements stop a search for an open element ("has an element in scope").
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scope {
    Default,
    Button,
    ListItem,
    Table,
}

fn bounds(n: Name, scope: Scope) -> bool {
    match scope {
        Scope::Table => matches!(n, N_HTML | N_TABLE | N_TEMPLATE),
        _ => {
            matches!(
                n,
                N_HTML
                    | N_TABLE
                    | N_TD
                    | N_TH
                    | N_CAPTION
                    | N_MARQUEE
                    | N_OBJECT
                    | N_APPLET
                    | N_TEMPLATE
            ) || (scope == Scope::Button && n == N_BUTTON)
                || (scope == Scope::ListItem && matches!(n, N_OL | N_UL))
        }
    }
}

/// Deeper than this, elements yield no text (the old tree walk's limit).
pub const MAX_DEPTH: usize = 400;
/// How far down the stack a search for an open element looks: keeps hostile nesting linear.
const SEARCH_LIMIT: usize = 600;
/// At most this many entries in the list of active formatting elements.
const MAX_FORMATTING: usize = 64;

/// One open element.
struct Open {
    name: Name,
    serial: u32,
    /// The context its content gets (before `related`).
    ctx: Ctx,
    /// What the element itself adds to the context it inherits (see [`Ctx::apply`]).
    own: Ctx,
    /// Whether the parent was inside a related-news comment pair when this element opened.
    inherited_related: bool,
    /// Inside a `<!-- bonewsrelation -->` pair among this element's children.
    related: bool,
    /// Its number, for block-level elements.
    block: Option<usize>,
    first_block: usize,
    images_before: usize,
    /// Picture-and-line captions are looked for under it (table, div, p, center, td).
    caption_box: bool,
    /// The profile rules' ancestor bits for its content.
    inside: u8,
    /// An entry of the active formatting list ends at it (td, th, caption, applet…).
    marker: bool,
    /// SVG or MathML.
    foreign: bool,
}

/// Where the text of an element goes when the element closes.
enum Dest {
    Title,
    JsonLd(usize),
    Category(usize),
    Lead(usize),
    Link {
        category: Option<usize>,
        crumb: Option<usize>,
        tag: Option<usize>,
    },
    Rule(usize, usize),
}

/// The text of an open element being gathered (what the tree walk called `node_text`).
struct Capture {
    serial: u32,
    dest: Dest,
    buf: String,
}

/// An entry of the list of active formatting elements.
enum Formatting {
    Marker,
    Element {
        serial: u32,
        name: Name,
        tag: Box<Tag>,
    },
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    BeforeHtml,
    BeforeHead,
    InHead,
    AfterHead,
    InBody,
}

struct Walker {
    blocks: Vec<Block>,
    head: HeadMeta,
    title_seen: bool,
    json_ld: Vec<Option<String>>,
    crumbs: Vec<Option<String>>,
    tag_links: Vec<Option<String>>,
    category_names: Vec<Option<String>>,
    category_links: Vec<Option<String>>,
    lead_candidates: Vec<Option<String>>,
    rule_texts: [Vec<Option<String>>; RULES],
    bodies: [Option<Option<usize>>; RULES],
    profile_hint: bool,
    /// Reused buffer for an element's lowercased class and id.
    names_buf: String,
    parents: Vec<Option<usize>>,
    stack: Vec<Open>,
    formatting: Vec<Formatting>,
    captures: Vec<Capture>,
    serial: u32,
    mode: Mode,
    quirks: bool,
    doctype_seen: bool,
    buf: String,
    chars: usize,
    link: usize,
    bold: usize,
    italic: usize,
    titleish: usize,
    boiler_chars: usize,
    images: usize,
    /// An image was seen and no text since: the next short centred/italic block is a caption.
    image_pending: bool,
}

impl Walker {
    fn new() -> Self {
        let mut w = Walker {
            blocks: Vec::with_capacity(256),
            head: HeadMeta::default(),
            title_seen: false,
            json_ld: Vec::new(),
            crumbs: Vec::new(),
            tag_links: Vec::new(),
            category_names: Vec::new(),
            category_links: Vec::new(),
            lead_candidates: Vec::new(),
            rule_texts: Default::default(),
            bodies: [None; RULES],
            profile_hint: false,
            names_buf: String::with_capacity(64),
            parents: Vec::with_capacity(512),
            stack: Vec::with_capacity(64),
            formatting: Vec::with_capacity(16),
            captures: Vec::new(),
            serial: 0,
            mode: Mode::BeforeHtml,
            quirks: false,
            doctype_seen: false,
            buf: String::with_capacity(1024),
            chars: 0,
            link: 0,
            bold: 0,
            italic: 0,
            titleish: 0,
            boiler_chars: 0,
            images: 0,
            image_pending: false,
        };
        // The document itself: element number 0.
        w.parents.push(None);
        w.stack.push(Open {
            name: 0,
            serial: 0,
            ctx: Ctx::default(),
            own: Ctx::default(),
            inherited_related: false,
            related: false,
            block: Some(0),
            first_block: 0,
            images_before: 0,
            caption_box: false,
            inside: 0,
            marker: false,
            foreign: false,
        });
        w
    }

    // ----- text blocks -----

    /// The innermost open block-level element and its context.
    fn current_block(&self) -> Option<(usize, Ctx)> {
        self.stack
            .iter()
            .rev()
            .find_map(|e| e.block.map(|b| (b, e.ctx)))
    }

    fn flush(&mut self) {
        if self.buf.trim().is_empty() {
            self.reset_buf();
            return;
        }
        let text = clean_text(&self.buf);
        let Some((node, ctx)) = self.current_block() else {
            self.reset_buf();
            return;
        };
        // Characters that are not spaces (the cleaned text has single spaces only).
        let chars = text
            .bytes()
            .filter(|&b| (b & 0xC0) != 0x80 && b != b' ')
            .count()
            .max(1);
        let bytes = self.chars.max(1);
        let share = |part: usize| (part.min(bytes) * chars).div_ceil(bytes).min(chars);
        let mut block = Block {
            text,
            node,
            chars,
            link_chars: share(self.link),
            bold_chars: share(self.bold),
            italic_chars: share(self.italic),
            right: ctx.right,
            centered: ctx.centered,
            boiler: self.boiler_chars * 2 > bytes,
            caption: false,
            heading: ctx.heading,
            list_item: ctx.list_item,
            titleish: ctx.titleish || self.titleish * 2 > bytes,
        };
        if self.image_pending
            && block.chars < 200
            && (block.centered || block.all_italic())
            && block.heading == 0
        {
            block.caption = true;
        }
        if looks_like_caption_text(&block.text) {
            block.caption = true;
        }
        self.image_pending = false;
        self.blocks.push(block);
        self.reset_buf();
    }

    fn reset_buf(&mut self) {
        self.buf.clear();
        self.chars = 0;
        self.link = 0;
        self.bold = 0;
        self.italic = 0;
        self.titleish = 0;
        self.boiler_chars = 0;
    }

    fn add_text(&mut self, t: &str, ctx: Ctx) {
        // Shares (links, bold...) are kept in bytes of trimmed text; the block's character
        // count is exact, taken from the cleaned text at flush.
        let n = t.trim_ascii().len();
        if n == 0 {
            if !self.buf.is_empty() {
                self.buf.push(' ');
            }
            return;
        }
        self.buf.push_str(t);
        self.chars += n;
        if ctx.link {
            self.link += n;
        }
        if ctx.bold {
            self.bold += n;
        }
        if ctx.italic {
            self.italic += n;
        }
        if ctx.boiler {
            self.boiler_chars += n;
        }
        if ctx.titleish {
            self.titleish += n;
        }
    }

    // ----- tokens -----

    fn on_text(&mut self, t: &str) {
        for c in &mut self.captures {
            c.buf.push_str(t);
        }
        if self.mode != Mode::InBody {
            // Text inside a head element (title, script, style…) is theirs alone.
            let top = self.stack.last().map_or(0, |e| e.name);
            if self.mode == Mode::InHead && top != N_HEAD {
                return;
            }
            let ws = t.trim_ascii_start();
            if ws.is_empty() {
                return;
            }
            self.enter_body(None);
        }
        let Some(top) = self.stack.last() else {
            return;
        };
        if top.ctx.skip || self.stack.len() > MAX_DEPTH {
            return;
        }
        self.reconstruct();
        let Some(top) = self.stack.last() else {
            return;
        };
        let mut ctx = top.ctx;
        ctx.boiler |= top.related;
        self.add_text(t, ctx);
    }

    fn on_comment(&mut self, c: &[u8]) {
        // Regions between a pair of `<!-- bonewsrelation -->` comments are related-news boxes.
        if self.mode != Mode::InBody || !contains_ci(c, b"newsrelation") {
            return;
        }
        if let Some(top) = self.stack.last_mut()
            && !top.ctx.skip
        {
            top.related = !top.related;
        }
    }

    fn on_doctype(
        &mut self,
        name: &[u8],
        public: Option<&[u8]>,
        system: Option<&[u8]>,
        force: bool,
    ) {
        if self.doctype_seen || self.mode != Mode::BeforeHtml {
            return;
        }
        self.doctype_seen = true;
        self.quirks =
            force || !name.eq_ignore_ascii_case(b"html") || quirky_doctype(public, system);
    }

    fn ensure_html(&mut self, tag: Option<&Tag>) {
        if self.mode != Mode::BeforeHtml {
            return;
        }
        if !self.doctype_seen {
            self.quirks = true;
        }
        let html = Tag::named("html");
        self.open(tag.unwrap_or(&html), N_HTML);
        self.mode = Mode::BeforeHead;
    }

    /// Leaves the head (whatever is open in it) and opens the body.
    fn enter_body(&mut self, tag: Option<&Tag>) {
        self.ensure_html(None);
        if let Some(k) = self.stack.iter().rposition(|e| e.name == N_HEAD) {
            self.pop_to(k);
        }
        let body = Tag::named("body");
        self.mode = Mode::InBody;
        self.open(tag.unwrap_or(&body), N_BODY);
    }

    fn on_start(&mut self, tag: &Tag, self_closing: bool) {
        let name = tag.name.as_str();
        let n = nm(name);
        match self.mode {
            Mode::BeforeHtml => {
                if n == N_HTML {
                    self.ensure_html(Some(tag));
                    return;
                }
                self.ensure_html(None);
                return self.on_start(tag, self_closing);
            }
            Mode::BeforeHead | Mode::InHead | Mode::AfterHead => {
                if n == N_HTML {
                    return;
                }
                if n == N_HEAD {
                    if self.mode == Mode::BeforeHead {
                        self.mode = Mode::InHead;
                        self.open(tag, N_HEAD);
                    }
                    return;
                }
                if is_head_element(name) {
                    if self.mode != Mode::InHead {
                        // Before `<head>` it is implied; after `</head>` the element still
                        // belongs to the head.
                        self.mode = Mode::InHead;
                        self.open(&Tag::named("head"), N_HEAD);
                    }
                    self.head_start(tag, n);
                    return;
                }
                if n == N_BODY {
                    self.enter_body(Some(tag));
                    return;
                }
                if matches!(name, "frameset" | "frame") {
                    return;
                }
                self.enter_body(None);
                return self.on_start(tag, self_closing);
            }
            Mode::InBody => {}
        }
        if self.stack.last().is_some_and(|e| e.foreign) {
            if breaks_out_of_foreign(name) {
                while self.stack.len() > 1 && self.stack.last().is_some_and(|e| e.foreign) {
                    self.close_top();
                }
            } else {
                self.open(tag, n);
                if self_closing {
                    self.close_top();
                }
                return;
            }
        }
        self.body_start(tag, n, self_closing);
    }

    /// A head element while in the head: only its metadata matters.
    fn head_start(&mut self, tag: &Tag, n: Name) {
        let name = tag.name.as_str();
        self.head_element(tag, name);
        let parent = self.stack.last().map_or(0, |e| e.inside);
        let serial = self.next_serial();
        if !self.title_seen && name == "title" {
            self.title_seen = true;
            self.head.title = Some(String::new());
            self.captures.push(Capture {
                serial,
                dest: Dest::Title,
                buf: String::new(),
            });
        }
        if name == "script" && tag.get(At::Type).is_some_and(|t| t.contains("ld+json")) {
            self.json_ld.push(None);
            self.captures.push(Capture {
                serial,
                dest: Dest::JsonLd(self.json_ld.len() - 1),
                buf: String::new(),
            });
        }
        self.push(Open {
            name: n,
            serial,
            ctx: Ctx {
                skip: true,
                ..Ctx::default()
            },
            own: Ctx::default(),
            inherited_related: false,
            related: false,
            block: None,
            first_block: self.blocks.len(),
            images_before: self.images,
            caption_box: false,
            inside: parent,
            marker: false,
            foreign: false,
        });
        if is_void(name) {
            self.close_top();
        }
    }

    fn body_start(&mut self, tag: &Tag, n: Name, self_closing: bool) {
        let name = tag.name.as_str();
        match name {
            "html" | "body" | "head" | "frameset" | "frame" => return,
            "li" => {
                self.close_list_item(&[N_LI]);
                self.close_p();
            }
            "dd" | "dt" => {
                self.close_list_item(&[N_DD, N_DT]);
                self.close_p();
            }
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                self.close_p();
                if self.stack.last().is_some_and(|e| is_heading(e.name)) {
                    self.close_top();
                }
            }
            "form" => {
                if self.stack.iter().any(|e| e.name == N_FORM) {
                    return;
                }
                self.close_p();
            }
            "table" => {
                if !self.quirks {
                    self.close_p();
                }
            }
            "caption" | "colgroup" | "col" | "tbody" | "thead" | "tfoot" | "tr" | "td" | "th" => {
                if !self.table_start(name) {
                    return;
                }
            }
            "a" => {
                if let Some(serial) = self.formatting_after_marker(N_A) {
                    self.adoption(N_A);
                    self.forget(serial);
                }
                self.reconstruct();
            }
            "nobr" => {
                self.reconstruct();
                if self.in_scope(&[N_NOBR], Scope::Default).is_some() {
                    self.adoption(N_NOBR);
                    self.reconstruct();
                }
            }
            "button" => {
                if let Some(k) = self.in_scope(&[N_BUTTON], Scope::Default) {
                    self.pop_to(k);
                }
                self.reconstruct();
            }
            "option" | "optgroup" => {
                if self.stack.last().is_some_and(|e| e.name == N_OPTION) {
                    self.close_top();
                }
                self.reconstruct();
            }
            _ if closes_p(name) => self.close_p(),
            _ if is_head_element(name) || name == "textarea" || name == "iframe" => {}
            _ => self.reconstruct(),
        }
        let name = if name == "image" { "img" } else { name };
        let n = if name == "img" { nm("img") } else { n };
        if name == "img" && tag.name != "img" {
            let mut t = tag.clone();
            t.name = "img".into();
            self.open(&t, n);
        } else {
            self.open(tag, n);
        }
        if is_formatting(name) {
            self.remember_formatting(tag, n);
        }
        if matches!(name, "svg" | "math") {
            if let Some(top) = self.stack.last_mut() {
                top.foreign = true;
            }
            if self_closing {
                self.close_top();
                return;
            }
        }
        if is_void(name) {
            self.close_top();
        }
    }

    /// A table part's start tag: closes what it implies and opens implied sections and rows.
    /// False when the tag is to be ignored (no table open).
    fn table_start(&mut self, name: &str) -> bool {
        if self.in_scope(&[N_TABLE], Scope::Table).is_none() {
            return false;
        }
        match name {
            "caption" | "colgroup" | "col" => {}
            "tbody" | "thead" | "tfoot" => {
                if let Some(k) = self.in_scope(&[N_TBODY, N_THEAD, N_TFOOT], Scope::Table) {
                    self.pop_to(k);
                }
            }
            "tr" => {
                if let Some(k) = self.in_scope(&[N_TR], Scope::Table) {
                    self.pop_to(k);
                }
                if self.stack.last().is_some_and(|e| e.name == N_TABLE) {
                    self.open(&Tag::named("tbody"), N_TBODY);
                }
            }
            _ => {
                if let Some(k) = self.in_scope(&[N_TD, N_TH], Scope::Table) {
                    self.pop_to(k);
                }
                if self.stack.last().is_some_and(|e| e.name == N_TABLE) {
                    self.open(&Tag::named("tbody"), N_TBODY);
                }
                if self
                    .stack
                    .last()
                    .is_some_and(|e| matches!(e.name, N_TBODY | N_THEAD | N_TFOOT))
                {
                    self.open(&Tag::named("tr"), N_TR);
                }
            }
        }
        true
    }

    fn on_end(&mut self, name: &str) {
        let n = nm(name);
        match self.mode {
            Mode::BeforeHtml | Mode::BeforeHead => {
                if !matches!(name, "head" | "body" | "html" | "br") {
                    return;
                }
                self.enter_body(None);
            }
            Mode::InHead => {
                if n == N_HEAD {
                    if let Some(k) = self.stack.iter().rposition(|e| e.name == N_HEAD) {
                        self.pop_to(k);
                    }
                    self.mode = Mode::AfterHead;
                    return;
                }
                if matches!(name, "body" | "html" | "br") {
                    self.enter_body(None);
                } else {
                    // The end of a head element.
                    if let Some(k) = self.stack.iter().rposition(|e| e.name == n)
                        && self.stack.iter().skip(k).all(|e| e.name != N_HEAD)
                    {
                        self.pop_to(k);
                    }
                    return;
                }
            }
            Mode::AfterHead => {
                if !matches!(name, "body" | "html" | "br") {
                    return;
                }
                self.enter_body(None);
            }
            Mode::InBody => {}
        }
        if self.stack.last().is_some_and(|e| e.foreign) {
            if let Some(k) = self.find_open(|e| e.foreign && e.name == n) {
                self.pop_to(k);
                return;
            }
            if self
                .stack
                .last()
                .is_some_and(|e| e.name == N_SVG || e.name == N_MATH)
                && n != N_SVG
                && n != N_MATH
            {
                return;
            }
        }
        match name {
            // The body stays open to the end: content after `</body>` still belongs to it.
            "body" | "html" => {}
            "p" => match self.in_scope(&[N_P], Scope::Button) {
                Some(k) => self.pop_to(k),
                None => {
                    // An empty paragraph.
                    self.open(&Tag::named("p"), N_P);
                    self.close_top();
                }
            },
            "li" => {
                if let Some(k) = self.in_scope(&[N_LI], Scope::ListItem) {
                    self.pop_to(k);
                }
            }
            "dd" | "dt" | "caption" | "colgroup" => {
                if let Some(k) = self.in_scope(&[n], Scope::Default) {
                    self.pop_to(k);
                }
            }
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                if let Some(k) =
                    self.in_scope(&[N_H1, N_H2, N_H3, N_H4, N_H5, N_H6], Scope::Default)
                {
                    self.pop_to(k);
                }
            }
            "td" | "th" | "tr" | "tbody" | "thead" | "tfoot" | "table" => {
                if let Some(k) = self.in_scope(&[n], Scope::Table) {
                    self.pop_to(k);
                }
            }
            "br" => {
                self.reconstruct();
                self.flush();
            }
            "form" => {
                if let Some(k) = self.in_scope(&[N_FORM], Scope::Default) {
                    self.pop_to(k);
                }
            }
            _ if is_formatting(name) => self.adoption(n),
            _ if is_special(n) => {
                if let Some(k) = self.in_scope(&[n], Scope::Default) {
                    self.pop_to(k);
                }
            }
            _ => self.end_other(n),
        }
    }

    fn on_eof(&mut self) {
        while self.stack.len() > 1 {
            self.close_top();
        }
        self.flush();
    }

    // ----- the stack -----

    fn next_serial(&mut self) -> u32 {
        self.serial = self.serial.wrapping_add(1);
        self.serial
    }

    fn push(&mut self, e: Open) {
        self.stack.push(e);
    }

    /// The nearest open element (not the document) satisfying `f`, within the search limit.
    fn find_open(&self, f: impl Fn(&Open) -> bool) -> Option<usize> {
        let len = self.stack.len();
        (1..len)
            .rev()
            .take(SEARCH_LIMIT)
            .find(|&k| self.stack.get(k).is_some_and(&f))
    }

    /// The nearest open element named one of `names`, if no scope boundary comes first.
    fn in_scope(&self, names: &[Name], scope: Scope) -> Option<usize> {
        let len = self.stack.len();
        for k in (1..len).rev().take(SEARCH_LIMIT) {
            let e = self.stack.get(k)?;
            if names.contains(&e.name) {
                return Some(k);
            }
            if bounds(e.name, scope) {
                return None;
            }
        }
        None
    }

    fn close_p(&mut self) {
        if let Some(k) = self.in_scope(&[N_P], Scope::Button) {
            self.pop_to(k);
        }
    }

    /// `li` (or `dd`/`dt`) closes an open one unless a block other than address, div or p
    /// comes first.
    fn close_list_item(&mut self, names: &[Name]) {
        let len = self.stack.len();
        for k in (1..len).rev().take(SEARCH_LIMIT) {
            let Some(e) = self.stack.get(k) else {
                return;
            };
            if names.contains(&e.name) {
                self.pop_to(k);
                return;
            }
            if is_special(e.name) && !matches!(e.name, N_ADDRESS | N_DIV | N_P) {
                return;
            }
        }
    }

    /// An ordinary end tag: closes the nearest element of its name unless a special one
    /// comes first.
    fn end_other(&mut self, n: Name) {
        let len = self.stack.len();
        for k in (1..len).rev().take(SEARCH_LIMIT) {
            let Some(e) = self.stack.get(k) else {
                return;
            };
            if e.name == n {
                self.pop_to(k);
                return;
            }
            if is_special(e.name) {
                return;
            }
        }
    }

    /// Closes the elements from the top down to and including `k`.
    fn pop_to(&mut self, k: usize) {
        let k = k.max(1);
        while self.stack.len() > k {
            self.close_top();
        }
    }

    /// Closes the current element.
    fn close_top(&mut self) {
        if self.stack.len() <= 1 {
            return;
        }
        let is_block = self.stack.last().is_some_and(|e| e.block.is_some());
        if is_block {
            self.flush();
        }
        let Some(e) = self.stack.pop() else {
            return;
        };
        self.closed(&e);
        if is_block && self.images > e.images_before && e.caption_box {
            // A small block holding a picture and a line of text is a captioned photo.
            let made = self.blocks.get(e.first_block..).unwrap_or(&[]);
            let text: usize = made.iter().map(|b| b.chars).sum();
            if text > 0 && text < 200 && made.len() <= 3 {
                for b in self.blocks.get_mut(e.first_block..).into_iter().flatten() {
                    b.caption = true;
                }
            }
        }
    }

    /// What ends with an element: its gathered text and its formatting marker.
    fn closed(&mut self, e: &Open) {
        if !self.captures.is_empty() {
            let mut i = self.captures.len();
            while i > 0 {
                i -= 1;
                if self.captures.get(i).is_some_and(|c| c.serial == e.serial) {
                    let c = self.captures.remove(i);
                    self.finish_capture(c);
                }
            }
        }
        if e.marker {
            while let Some(f) = self.formatting.pop() {
                if matches!(f, Formatting::Marker) {
                    break;
                }
            }
        }
    }

    fn finish_capture(&mut self, c: Capture) {
        let slot = |v: &mut Vec<Option<String>>, i: usize, t: &str| {
            if let Some(s) = v.get_mut(i)
                && !t.is_empty()
            {
                *s = Some(t.to_string());
            }
        };
        match c.dest {
            Dest::Title => self.head.title = Some(clean_text(&c.buf)),
            Dest::JsonLd(i) => {
                if let Some(s) = self.json_ld.get_mut(i) {
                    *s = Some(c.buf);
                }
            }
            Dest::Category(i) => {
                let t = clean_text(&c.buf);
                if t.chars().count() < 80 {
                    slot(&mut self.category_names, i, &t);
                }
            }
            Dest::Lead(i) => slot(&mut self.lead_candidates, i, &clean_text(&c.buf)),
            Dest::Link {
                category,
                crumb,
                tag,
            } => {
                let t = clean_text(&c.buf);
                if let Some(i) = category {
                    slot(&mut self.category_links, i, &t);
                }
                if let Some(i) = crumb {
                    slot(&mut self.crumbs, i, &t);
                }
                if let Some(i) = tag {
                    slot(&mut self.tag_links, i, &t);
                }
            }
            Dest::Rule(r, i) => {
                if let Some(v) = self.rule_texts.get_mut(r) {
                    slot(v, i, &clean_text(&c.buf));
                }
            }
        }
    }

    fn capture(&mut self, serial: u32, dest: Dest) {
        self.captures.push(Capture {
            serial,
            dest,
            buf: String::new(),
        });
    }

    // ----- active formatting elements -----

    fn formatting_after_marker(&self, n: Name) -> Option<u32> {
        for f in self.formatting.iter().rev() {
            match f {
                Formatting::Marker => return None,
                Formatting::Element { serial, name, .. } if *name == n => return Some(*serial),
                _ => {}
            }
        }
        None
    }

    fn is_open(&self, serial: u32) -> bool {
        self.stack.iter().rev().any(|e| e.serial == serial)
    }

    fn remember_formatting(&mut self, tag: &Tag, n: Name) {
        let Some(serial) = self.stack.last().map(|e| e.serial) else {
            return;
        };
        // Noah's ark: at most three identical entries after the last marker.
        let mut same = 0;
        let mut earliest = None;
        for (i, f) in self.formatting.iter().enumerate().rev() {
            match f {
                Formatting::Marker => break,
                Formatting::Element { name, tag: t, .. } if *name == n && **t == *tag => {
                    same += 1;
                    earliest = Some(i);
                }
                _ => {}
            }
        }
        if same >= 3
            && let Some(i) = earliest
        {
            self.formatting.remove(i);
        }
        if self.formatting.len() >= MAX_FORMATTING {
            // Pathological pages: forget the oldest entry rather than grow.
            self.formatting.remove(0);
        }
        self.formatting.push(Formatting::Element {
            serial,
            name: n,
            tag: Box::new(tag.clone()),
        });
    }

    /// Removes an element from the formatting list and, if still open, from the stack.
    fn forget(&mut self, serial: u32) {
        if let Some(i) = self
            .formatting
            .iter()
            .position(|f| matches!(f, Formatting::Element { serial: s, .. } if *s == serial))
        {
            self.formatting.remove(i);
        }
        if let Some(k) = self.stack.iter().rposition(|e| e.serial == serial) {
            self.remove_at(k);
        }
    }

    /// Takes an inline element out of the middle of the stack: its effect ends, the elements
    /// opened inside it stay open.
    fn remove_at(&mut self, k: usize) {
        if k == 0 || k >= self.stack.len() {
            return;
        }
        let e = self.stack.remove(k);
        self.closed(&e);
        self.recompute_from(k);
    }

    /// Works out the contexts of the elements from `k` up again.
    fn recompute_from(&mut self, k: usize) {
        for i in k.max(1)..self.stack.len() {
            let Some(parent) = self.stack.get(i - 1) else {
                return;
            };
            let base = parent.ctx;
            let Some(e) = self.stack.get_mut(i) else {
                return;
            };
            let mut b = base;
            b.boiler |= e.inherited_related;
            e.ctx = e.own.apply(b);
        }
    }

    /// Reopens the formatting elements a closed block took with it.
    fn reconstruct(&mut self) {
        let Some(last) = self.formatting.last() else {
            return;
        };
        match last {
            Formatting::Marker => return,
            Formatting::Element { serial, .. } if self.is_open(*serial) => return,
            _ => {}
        }
        let mut i = self.formatting.len() - 1;
        while i > 0 {
            match self.formatting.get(i - 1) {
                Some(Formatting::Marker) | None => break,
                Some(Formatting::Element { serial, .. }) if self.is_open(*serial) => break,
                _ => i -= 1,
            }
        }
        for j in i..self.formatting.len() {
            let Some(Formatting::Element { name, tag, .. }) = self.formatting.get_mut(j) else {
                continue;
            };
            let n = *name;
            let tag = std::mem::take(tag);
            self.open(&tag, n);
            let serial = self.stack.last().map_or(0, |e| e.serial);
            if let Some(Formatting::Element {
                serial: s, tag: t, ..
            }) = self.formatting.get_mut(j)
            {
                *s = serial;
                *t = tag;
            }
        }
    }

    /// A formatting element's end tag (the adoption agency, simplified: the element's effect
    /// ends; block-level elements opened inside it stay open; inline ones above the last such
    /// block close and are reopened if they are formatting elements).
    fn adoption(&mut self, n: Name) {
        if let Some(top) = self.stack.last()
            && top.name == n
            && !self
                .formatting
                .iter()
                .any(|f| matches!(f, Formatting::Element { serial, .. } if *serial == top.serial))
        {
            self.close_top();
            return;
        }
        let Some(serial) = self.formatting_after_marker(n) else {
            return self.end_other(n);
        };
        let Some(k) = self.stack.iter().rposition(|e| e.serial == serial) else {
            if let Some(i) = self
                .formatting
                .iter()
                .position(|f| matches!(f, Formatting::Element { serial: s, .. } if *s == serial))
            {
                self.formatting.remove(i);
            }
            return;
        };
        if self.in_scope(&[n], Scope::Default) != Some(k) {
            return;
        }
        let last_special = (k + 1..self.stack.len())
            .rev()
            .find(|&i| self.stack.get(i).is_some_and(|e| is_special(e.name)));
        match last_special {
            None => {
                self.pop_to(k);
                if let Some(i) = self.formatting.iter().position(
                    |f| matches!(f, Formatting::Element { serial: s, .. } if *s == serial),
                ) {
                    self.formatting.remove(i);
                }
            }
            Some(b) => {
                // Inline elements above the innermost block close (formatting ones are
                // reopened when text comes).
                while self.stack.len() > b + 1 {
                    self.close_top();
                }
                // Between the element and the block: keep blocks and formatting elements.
                let mut i = self.stack.len();
                while i > k + 1 {
                    i -= 1;
                    let keep = self.stack.get(i).is_some_and(|e| {
                        is_special(e.name)
                            || self.formatting.iter().any(
                                |f| matches!(f, Formatting::Element { serial: s, .. } if *s == e.serial),
                            )
                    });
                    if !keep {
                        let e = self.stack.remove(i);
                        self.closed(&e);
                    }
                }
                if let Some(i) = self.formatting.iter().position(
                    |f| matches!(f, Formatting::Element { serial: s, .. } if *s == serial),
                ) {
                    self.formatting.remove(i);
                }
                self.remove_at(k);
            }
        }
    }

    // ----- opening an element -----

    /// Opens an element under the current one: everything the old tree walk did on entering
    /// an element.
    fn open(&mut self, tag: &Tag, n: Name) {
        let name = tag.name.as_str();
        let Some(parent) = self.stack.last() else {
            return;
        };
        let mut base = parent.ctx;
        let inherited_related = parent.related;
        base.boiler |= inherited_related;
        let parent_inside = parent.inside;
        let parent_foreign = parent.foreign;
        let depth = self.stack.len();
        let serial = self.next_serial();
        let attrs = tag.attrs();
        let (inside, matched) =
            profiles::classify(name, attrs.id, attrs.class, attrs.data_role, parent_inside);
        let mut e = Open {
            name: n,
            serial,
            ctx: base,
            own: Ctx::default(),
            inherited_related,
            related: false,
            block: None,
            first_block: self.blocks.len(),
            images_before: self.images,
            caption_box: false,
            inside,
            marker: matches!(
                name,
                "td" | "th" | "caption" | "applet" | "marquee" | "object" | "template"
            ),
            foreign: parent_foreign,
        };
        if e.marker {
            self.formatting.push(Formatting::Marker);
        }
        if base.skip || depth > MAX_DEPTH {
            e.own.skip = true;
            e.ctx.skip = true;
            self.push(e);
            self.rule_captures(serial, matched, None);
            return;
        }
        let mut own = Ctx::default();
        let mut walked = true;
        match name {
            "script" => {
                if attrs.kind.is_some_and(|t| t.contains("ld+json")) {
                    self.json_ld.push(None);
                    let i = self.json_ld.len() - 1;
                    self.capture(serial, Dest::JsonLd(i));
                }
                own.skip = true;
                walked = false;
            }
            _ if is_skipped(name) => {
                own.skip = true;
                walked = false;
            }
            "img" => {
                self.images += 1;
                self.image_pending = true;
                walked = false;
            }
            "br" => {
                self.flush();
                walked = false;
            }
            "meta" => {
                self.head_element(tag, name);
                walked = false;
            }
            "time" => {
                if let Some(dt) = attrs.datetime {
                    self.head.times.push((dt.to_string(), self.blocks.len()));
                }
            }
            _ => {}
        }
        if walked {
            self.element_roles(tag, name, &attrs, base, serial, &mut own, &mut e);
        }
        e.own = own;
        e.ctx = own.apply(base);
        self.push(e);
        let block = self.stack.last().and_then(|e| e.block);
        self.rule_captures(serial, matched, block);
    }

    /// Roles, regions and numbering of a walked element.
    #[allow(clippy::too_many_arguments)]
    fn element_roles(
        &mut self,
        tag: &Tag,
        name: &str,
        attrs: &Attrs<'_>,
        base: Ctx,
        serial: u32,
        own: &mut Ctx,
        e: &mut Open,
    ) {
        let _ = tag;
        match name {
            "a" => own.link = attrs.href.is_some(),
            "strong" | "b" => own.bold = true,
            "em" | "i" => own.italic = true,
            "li" => own.list_item = true,
            "h1" => own.heading = 1,
            "h2" => own.heading = 2,
            "h3" => own.heading = 3,
            "h4" => own.heading = 4,
            "h5" => own.heading = 5,
            "h6" => own.heading = 6,
            _ => {}
        }
        let mut names = std::mem::take(&mut self.names_buf);
        class_and_id(attrs, &mut names);
        let roles = cached_roles(&names);
        self.names_buf = names;
        if is_boiler_element(name, attrs, roles.boiler) {
            own.boiler = true;
        }
        if is_titleish(name, attrs, roles.titleish) {
            own.titleish = true;
        }
        // Breadcrumb, tag, category and summary regions named by class or id.
        if roles.profile {
            self.profile_hint = true;
        }
        if roles.crumb {
            own.crumb = true;
        }
        if roles.tags {
            own.tags = true;
        }
        if roles.category {
            self.category_names.push(None);
            let i = self.category_names.len() - 1;
            self.capture(serial, Dest::Category(i));
        }
        if !base.boiler && !own.boiler && roles.lead {
            self.lead_candidates.push(None);
            let i = self.lead_candidates.len() - 1;
            self.capture(serial, Dest::Lead(i));
        }
        if name == "a" {
            // Link texts that matter by where the link sits or points.
            let c = own.apply(base);
            let category = attrs
                .href
                .is_some_and(|h| CATEGORY_HREF.as_ref().is_some_and(|ac| ac.is_match(h)));
            if c.crumb || c.tags || category {
                let slot = |v: &mut Vec<Option<String>>| {
                    v.push(None);
                    Some(v.len() - 1)
                };
                let dest = Dest::Link {
                    category: if category {
                        slot(&mut self.category_links)
                    } else {
                        None
                    },
                    crumb: if c.crumb {
                        slot(&mut self.crumbs)
                    } else {
                        None
                    },
                    tag: if !c.crumb && c.tags {
                        slot(&mut self.tag_links)
                    } else {
                        None
                    },
                };
                self.capture(serial, dest);
            }
        }
        if name == "div" && attrs.data_role == Some("content") {
            self.profile_hint = true;
        }
        if !is_block_level(name) {
            // Bold/italic spans given by class or style.
            let style = attrs.style.unwrap_or("");
            if style.contains("bold") {
                own.bold = true;
            }
            if style.contains("italic") {
                own.italic = true;
            }
            return;
        }
        let (right, centered) = alignment(attrs, roles);
        own.right = right;
        own.centered = centered;
        self.flush();
        let id = self.parents.len();
        self.parents.push(self.current_block().map(|(p, _)| p));
        e.block = Some(id);
        e.first_block = self.blocks.len();
        e.images_before = self.images;
        e.caption_box = matches!(name, "table" | "div" | "p" | "center" | "td");
    }

    /// Starts gathering the text of an element the profile rules matched.
    fn rule_captures(&mut self, serial: u32, matched: profiles::RuleSet, block: Option<usize>) {
        if matched.is_empty() {
            return;
        }
        for r in matched.iter() {
            let i = r as usize;
            if r.is_body() {
                if let Some(b) = self.bodies.get_mut(i)
                    && b.is_none()
                {
                    *b = Some(block);
                }
                continue;
            }
            let Some(v) = self.rule_texts.get_mut(i) else {
                continue;
            };
            v.push(None);
            let slot = v.len() - 1;
            self.capture(serial, Dest::Rule(i, slot));
        }
    }

    fn head_element(&mut self, el: &Tag, name: &str) {
        match name {
            "meta" => {
                let key = el
                    .get(At::Property)
                    .or_else(|| el.get(At::Name))
                    .or_else(|| el.get(At::Itemprop));
                if let (Some(k), Some(v)) = (key, el.get(At::Content)) {
                    let v = clean_text(v);
                    if !v.is_empty() {
                        self.head.meta.entry(k.to_ascii_lowercase()).or_insert(v);
                    }
                }
            }
            "link" => {
                let rel = el.get(At::Rel).unwrap_or("").to_ascii_lowercase();
                if rel.split_whitespace().any(|r| r == "canonical")
                    && self.head.canonical.is_none()
                    && let Some(h) = el.get(At::Href)
                {
                    self.head.canonical = Some(h.trim().to_string());
                }
            }
            _ => {}
        }
    }

    fn finish(mut self) -> Page {
        self.on_eof();
        let keep = |v: Vec<Option<String>>| v.into_iter().flatten().collect::<Vec<_>>();
        let mut head = self.head;
        head.json_ld = self
            .json_ld
            .into_iter()
            .map(Option::unwrap_or_default)
            .collect();
        let texts = self.rule_texts.map(keep);
        Page {
            blocks: self.blocks,
            head,
            crumbs: keep(self.crumbs),
            tag_links: keep(self.tag_links),
            category_names: keep(self.category_names),
            category_links: keep(self.category_links),
            lead_candidates: keep(self.lead_candidates),
            profile_hint: self.profile_hint,
            parents: self.parents,
            matches: Matches {
                bodies: self.bodies,
                texts,
            },
        }
    }
}

/// Whether a doctype puts the page in quirks mode (the common cases of the HTML standard's
/// list: no system identifier with an HTML 4 transitional/frameset public one, old DTDs).
fn quirky_doctype(public: Option<&[u8]>, system: Option<&[u8]>) -> bool {
    let Some(p) = public else {
        return system.is_some_and(|s| {
            s.eq_ignore_ascii_case(b"http://www.ibm.com/data/dtd/v11/ibmxhtml1-transitional.dtd")
        });
    };
    let p = p.to_ascii_lowercase();
    const PREFIXES: &[&[u8]] = &[
        b"+//silmaril//dtd html pro v0r11 19970101//",
        b"-//as//dtd html 3.0 aswedit + extensions//",
        b"-//advasoft ltd//dtd html 3.0 aswedit + extensions//",
        b"-//ietf//dtd html",
        b"-//metrius//dtd metrius presentational//",
        b"-//microsoft//dtd internet explorer",
        b"-//netscape comm. corp.//dtd",
        b"-//o'reilly and associates//dtd html",
        b"-//softquad",
        b"-//spyglass//dtd html 2.0 extended//",
        b"-//sq//dtd html 2.0 hotmetal + extensions//",
        b"-//sun microsystems corp.//dtd hotjava",
        b"-//w3c//dtd html 3",
        b"-//w3c//dtd html 4.0 frameset//",
        b"-//w3c//dtd html 4.0 transitional//",
        b"-//w3c//dtd html experimental",
        b"-//w3c//dtd w3 html//",
        b"-//w3o//dtd w3 html 3.0//",
        b"-//webtechs//dtd mozilla html",
    ];
    if p == b"-//w3o//dtd w3 html strict 3.0//en//"
        || p == b"-/w3c/dtd html 4.0 transitional/en"
        || p == b"html"
    {
        return true;
    }
    if PREFIXES.iter().any(|x| p.starts_with(x)) {
        return true;
    }
    system.is_none()
        && (p.starts_with(b"-//w3c//dtd html 4.01 frameset//")
            || p.starts_with(b"-//w3c//dtd html 4.01 transitional//"))
}

fn contains_ci(hay: &[u8], needle: &[u8]) -> bool {
    hay.len() >= needle.len()
        && hay
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
}

/// A line that is a photo credit or caption: "Ảnh: …", "(Ảnh: …)", "Ảnh minh họa".
fn looks_like_caption_text(t: &str) -> bool {
    // Every pattern starts with "ả"/"Ả", "(" or "p"/"P".
    let first_ok = t.starts_with(['(', 'p', 'P', 'ả', 'Ả']);
    if !first_ok || t.len() > 640 || t.chars().count() > 160 {
        return false;
    }
    [
        "ảnh:",
        "(ảnh",
        "ảnh minh họa",
        "ảnh minh hoạ",
        "ảnh chụp",
        "photo:",
    ]
    .iter()
    .any(|p| starts_with_ci(t, p).is_some())
}

/// Turns html5gum's events into the walker's start tags, end tags, text and comments.
struct Sink<'w> {
    walker: &'w mut Walker,
    tag: Tag,
    /// Inside a start tag (attributes seen belong to it; an end tag's are dropped).
    in_start: bool,
    /// The attribute being read, if it is one the walk keeps and its first occurrence.
    attr: Option<At>,
    /// The name of the end tag being read, or a short text.
    scratch: String,
}

/// Appends `b` to `out`, as [`utf8`] reads it; ASCII a byte at a time, without a call to a
/// UTF-8 check (tag names, most attribute values and short texts are ASCII).
fn push_utf8(b: &[u8], out: &mut String) {
    if b.is_ascii() {
        out.extend(b.iter().map(|&c| char::from(c)));
    } else {
        out.push_str(&utf8(b));
    }
}

/// `b` as text in `out` (emptied first), false when it is not UTF-8.
fn name_into(b: &[u8], out: &mut String) -> bool {
    out.clear();
    let text = b.is_ascii() || std::str::from_utf8(b).is_ok();
    if text {
        push_utf8(b, out);
    }
    text
}

fn utf8(b: &[u8]) -> std::borrow::Cow<'_, str> {
    match simdutf8::basic::from_utf8(b) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => String::from_utf8_lossy(b),
    }
}

impl Callback<(), ()> for Sink<'_> {
    fn handle_event(&mut self, event: CallbackEvent<'_>, _span: html5gum::Span<()>) -> Option<()> {
        match event {
            CallbackEvent::OpenStartTag { name } => {
                self.tag.clear();
                push_utf8(name, &mut self.tag.name);
                self.in_start = true;
                self.attr = None;
            }
            CallbackEvent::AttributeName { name } => {
                self.attr = None;
                if self.in_start
                    && let Some(a) = attr_slot(name)
                    && let Some(v) = self.tag.vals.get_mut(a as usize)
                    && v.is_none()
                {
                    let at = self.tag.buf.len() as u32;
                    *v = Some((at, at));
                    self.attr = Some(a);
                }
            }
            CallbackEvent::AttributeValue { value } => {
                if self.in_start
                    && let Some(a) = self.attr.take()
                {
                    let from = self.tag.buf.len() as u32;
                    push_utf8(value, &mut self.tag.buf);
                    let to = self.tag.buf.len() as u32;
                    if let Some(v) = self.tag.vals.get_mut(a as usize) {
                        *v = Some((from, to));
                    }
                }
            }
            CallbackEvent::CloseStartTag { self_closing } => {
                if self.in_start {
                    self.in_start = false;
                    self.attr = None;
                    self.walker.on_start(&self.tag, self_closing);
                }
            }
            CallbackEvent::EndTag { name } => {
                self.in_start = false;
                self.attr = None;
                if name_into(name, &mut self.scratch) {
                    self.walker.on_end(&self.scratch);
                }
            }
            CallbackEvent::String { value } => {
                // Short text (the spaces between tags, most of it) through a reused buffer.
                if value.len() < 64 {
                    self.scratch.clear();
                    push_utf8(value, &mut self.scratch);
                    self.walker.on_text(&self.scratch);
                } else {
                    self.walker.on_text(&utf8(value));
                }
            }
            CallbackEvent::Comment { value } => self.walker.on_comment(value),
            CallbackEvent::Doctype {
                name,
                public_identifier,
                system_identifier,
                force_quirks,
            } => self
                .walker
                .on_doctype(name, public_identifier, system_identifier, force_quirks),
            CallbackEvent::Error(_) => {}
        }
        None
    }
}

/// The callback emitter, telling the tokenizer that parse errors are not wanted (it then
/// skips checking every character for them).
struct Quiet<'w>(CallbackEmitter<Sink<'w>, (), ()>);

impl ForwardingEmitter for Quiet<'_> {
    type Token = ();
    fn inner(&mut self) -> &mut impl Emitter<Token = ()> {
        &mut self.0
    }
    #[inline]
    fn should_emit_errors(&mut self) -> bool {
        false
    }
}

/// Walks a page's HTML once.
pub fn walk(html: &str) -> Page {
    let mut walker = Walker::new();
    let mut emitter = CallbackEmitter::new(Sink {
        walker: &mut walker,
        tag: Tag::default(),
        in_start: false,
        attr: None,
        scratch: String::new(),
    });
    // script, style, title, textarea… are read as raw text (or RCDATA) after their start tag.
    emitter.naively_switch_states(true);
    for _ in html5gum::Tokenizer::new_with_emitter(html, Quiet(emitter)) {}
    walker.finish()
}

#[cfg(test)]
mod tests;
