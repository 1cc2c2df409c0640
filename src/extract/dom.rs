//! One walk over the parsed page that turns the DOM into text blocks and page metadata.
//!
//! Everything after parsing works on what this walk produces: the paragraphs of the page in
//! document order (each with its link and bold share, alignment, and whether it sits in a
//! boilerplate region such as a menu, a related-news box or a photo caption), plus the `<head>`
//! metadata (title, Open Graph and article meta, canonical link, JSON-LD). Walking once and
//! keeping plain data keeps extraction a small fraction of the parse cost.

use std::collections::HashMap;
use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use ego_tree::{NodeId, NodeRef};
use scraper::{Html, Node};

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
    pub meta: HashMap<String, String>,
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
    /// The DOM node of each numbered element.
    pub node_ids: Vec<NodeId>,
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

    /// The number of a block-level DOM element, if it was walked.
    pub fn element_index(&self, node: NodeId) -> Option<usize> {
        self.node_ids.iter().position(|&n| n == node)
    }
}

/// A tag name packed into an integer (names of up to 8 bytes), so classifying an element is
/// a few integer comparisons instead of string compares.
const fn pack(name: &str) -> u64 {
    let b = name.as_bytes();
    let mut k = 0u64;
    let mut i = 0;
    while i < b.len() && i < 8 {
        k = (k << 8) | b[i] as u64;
        i += 1;
    }
    if b.len() > 8 { u64::MAX } else { k }
}

/// Elements whose content is never text of the page.
const SKIPPED: [u64; 18] = [
    pack("script"),
    pack("style"),
    pack("noscript"),
    pack("template"),
    pack("iframe"),
    pack("object"),
    pack("embed"),
    pack("svg"),
    pack("canvas"),
    pack("select"),
    pack("option"),
    pack("button"),
    pack("textarea"),
    pack("input"),
    pack("map"),
    pack("audio"),
    pack("video"),
    pack("math"),
];

/// Elements that start a new paragraph.
const BLOCK_LEVEL: [u64; 41] = [
    pack("p"),
    pack("div"),
    pack("h1"),
    pack("h2"),
    pack("h3"),
    pack("h4"),
    pack("h5"),
    pack("h6"),
    pack("li"),
    pack("ul"),
    pack("ol"),
    pack("dl"),
    pack("dt"),
    pack("dd"),
    pack("table"),
    pack("tbody"),
    pack("thead"),
    pack("tfoot"),
    pack("tr"),
    pack("td"),
    pack("th"),
    pack("caption"),
    pack("blockquote"),
    pack("section"),
    pack("article"),
    pack("header"),
    pack("footer"),
    pack("nav"),
    pack("aside"),
    pack("main"),
    pack("figure"),
    pack("figcaption"),
    pack("address"),
    pack("center"),
    pack("form"),
    pack("fieldset"),
    pack("pre"),
    pack("hr"),
    pack("body"),
    pack("html"),
    pack("details"),
];

fn is_skipped(name: &str) -> bool {
    name.len() <= 8 && SKIPPED.contains(&pack(name))
}

fn is_block_level(name: &str) -> bool {
    // "blockquote" and "figcaption" are longer than 8 bytes.
    if name.len() > 8 {
        return matches!(name, "blockquote" | "figcaption");
    }
    BLOCK_LEVEL.contains(&pack(name))
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

/// The attributes the walk looks at, read in one pass over the element's attributes.
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

impl<'a> Attrs<'a> {
    fn of(el: &'a scraper::node::Element) -> Self {
        let mut a = Attrs::default();
        for (name, value) in el.attrs() {
            match name {
                "class" => a.class = Some(value),
                "id" => a.id = Some(value),
                "type" => a.kind = Some(value),
                "role" => a.role = Some(value),
                "align" => a.align = Some(value),
                "style" => a.style = Some(value),
                "href" => a.href = Some(value),
                "data-role" => a.data_role = Some(value),
                "datetime" => a.datetime = Some(value),
                "size" => a.size = Some(value),
                _ => {}
            }
        }
        a
    }
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

/// FNV-1a: class names are short and not attacker-chosen keys worth SipHash here.
#[derive(Default)]
struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

type FnvBuild = std::hash::BuildHasherDefault<Fnv>;

thread_local! {
    /// Roles by class/id string: portals repeat the same few hundred class names on every page.
    static ROLE_CACHE: std::cell::RefCell<HashMap<String, Roles, FnvBuild>> =
        std::cell::RefCell::new(HashMap::default());
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

#[derive(Clone, Copy, Default)]
struct Ctx {
    link: bool,
    bold: bool,
    italic: bool,
    boiler: bool,
    right: bool,
    centered: bool,
    list_item: bool,
    heading: u8,
    in_head: bool,
    titleish: bool,
    crumb: bool,
    tags: bool,
}

struct Walker {
    blocks: Vec<Block>,
    head: HeadMeta,
    crumbs: Vec<String>,
    tag_links: Vec<String>,
    category_names: Vec<String>,
    category_links: Vec<String>,
    lead_candidates: Vec<String>,
    profile_hint: bool,
    /// Reused buffer for an element's lowercased class and id.
    names_buf: String,
    parents: Vec<Option<usize>>,
    node_ids: Vec<NodeId>,
    /// The open block-level elements.
    stack: Vec<(usize, Ctx)>,
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
    fn flush(&mut self) {
        if self.buf.trim().is_empty() {
            self.reset_buf();
            return;
        }
        let text = clean_text(&self.buf);
        let Some(&(node, ctx)) = self.stack.last() else {
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

    fn text(&mut self, t: &str, ctx: Ctx) {
        if ctx.in_head {
            return;
        }
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

    fn walk(&mut self, node: NodeRef<'_, Node>, ctx: Ctx, depth: usize) {
        // Pathological nesting: stop descending rather than risk the stack.
        if depth > 400 {
            return;
        }
        match node.value() {
            Node::Text(t) => self.text(t, ctx),
            Node::Element(el) => self.element(node, el, ctx, depth),
            Node::Document | Node::Fragment => self.children(node, ctx, depth),
            _ => {}
        }
    }

    fn children(&mut self, node: NodeRef<'_, Node>, ctx: Ctx, depth: usize) {
        // Regions between a pair of `<!-- bonewsrelation -->` comments are related-news boxes.
        let mut related = false;
        for child in node.children() {
            if let Node::Comment(c) = child.value() {
                if c.to_ascii_lowercase().contains("newsrelation") {
                    related = !related;
                }
                continue;
            }
            let mut c = ctx;
            c.boiler |= related;
            self.walk(child, c, depth + 1);
        }
    }

    fn element(
        &mut self,
        node: NodeRef<'_, Node>,
        el: &scraper::node::Element,
        ctx: Ctx,
        depth: usize,
    ) {
        let name = el.name();
        if ctx.in_head || name == "head" {
            self.head_element(node, el, name);
            if name == "head" {
                let mut c = ctx;
                c.in_head = true;
                self.children(node, c, depth);
            }
            return;
        }
        if name == "script" {
            if el.attr("type").is_some_and(|t| t.contains("ld+json")) {
                self.head.json_ld.push(node_text(node));
            }
            return;
        }
        if is_skipped(name) {
            return;
        }
        match name {
            "img" => {
                self.images += 1;
                self.image_pending = true;
                return;
            }
            "br" => {
                self.flush();
                return;
            }
            "time" => {
                if let Some(dt) = el.attr("datetime") {
                    self.head.times.push((dt.to_string(), self.blocks.len()));
                }
            }
            "meta" => {
                self.head_element(node, el, name);
                return;
            }
            _ => {}
        }
        let attrs = Attrs::of(el);
        let mut c = ctx;
        match name {
            "a" => c.link = attrs.href.is_some() || c.link,
            "strong" | "b" => c.bold = true,
            "em" | "i" => c.italic = true,
            "li" => c.list_item = true,
            "h1" => c.heading = 1,
            "h2" => c.heading = 2,
            "h3" => c.heading = 3,
            "h4" => c.heading = 4,
            "h5" => c.heading = 5,
            "h6" => c.heading = 6,
            _ => {}
        }
        let mut names = std::mem::take(&mut self.names_buf);
        class_and_id(&attrs, &mut names);
        let roles = cached_roles(&names);
        self.names_buf = names;
        if is_boiler_element(name, &attrs, roles.boiler) {
            c.boiler = true;
        }
        if is_titleish(name, &attrs, roles.titleish) {
            c.titleish = true;
        }
        self.regions(node, roles, ctx, &mut c);
        if name == "a" {
            self.link_roles(node, &attrs, c);
        }
        if name == "div" && attrs.data_role == Some("content") {
            self.profile_hint = true;
        }
        let block = is_block_level(name);
        if !block {
            // Bold/italic spans given by class or style.
            let style = attrs.style.unwrap_or("");
            if style.contains("bold") {
                c.bold = true;
            }
            if style.contains("italic") {
                c.italic = true;
            }
            self.children(node, c, depth);
            return;
        }
        let (right, centered) = alignment(&attrs, roles);
        if right {
            c.right = true;
            c.centered = false;
        }
        if centered {
            c.centered = true;
            c.right = false;
        }
        self.flush();
        let id = self.parents.len();
        self.parents.push(self.stack.last().map(|(p, _)| *p));
        self.node_ids.push(node.id());
        self.stack.push((id, c));
        let first_block = self.blocks.len();
        let images_before = self.images;
        self.children(node, c, depth);
        self.flush();
        self.stack.pop();
        // A small block holding a picture and a line of text is a captioned photo.
        if self.images > images_before && matches!(name, "table" | "div" | "p" | "center" | "td") {
            let made = self.blocks.get(first_block..).unwrap_or(&[]);
            let text: usize = made.iter().map(|b| b.chars).sum();
            if text > 0 && text < 200 && made.len() <= 3 {
                for b in self.blocks.get_mut(first_block..).into_iter().flatten() {
                    b.caption = true;
                }
            }
        }
    }

    /// Records breadcrumb, tag, category and summary regions named by class or id.
    fn regions(&mut self, node: NodeRef<'_, Node>, roles: Roles, outer: Ctx, c: &mut Ctx) {
        if roles.profile {
            self.profile_hint = true;
        }
        if roles.crumb {
            c.crumb = true;
        }
        if roles.tags {
            c.tags = true;
        }
        if roles.category {
            let t = clean_text(&node_text(node));
            if !t.is_empty() && t.chars().count() < 80 {
                self.category_names.push(t);
            }
        }
        if !outer.boiler && !c.boiler && roles.lead {
            let t = clean_text(&node_text(node));
            if !t.is_empty() {
                self.lead_candidates.push(t);
            }
        }
    }

    /// Link texts that matter by where the link sits or points.
    fn link_roles(&mut self, node: NodeRef<'_, Node>, el: &Attrs<'_>, c: Ctx) {
        // Most links point nowhere near a category page: test the regex only on candidates.
        let category = el
            .href
            .is_some_and(|h| CATEGORY_HREF.as_ref().is_some_and(|ac| ac.is_match(h)));
        if !(c.crumb || c.tags || category) {
            return;
        }
        let t = clean_text(&node_text(node));
        if t.is_empty() {
            return;
        }
        if category {
            self.category_links.push(t.clone());
        }
        if c.crumb {
            self.crumbs.push(t);
        } else if c.tags {
            self.tag_links.push(t);
        }
    }

    fn head_element(&mut self, node: NodeRef<'_, Node>, el: &scraper::node::Element, name: &str) {
        match name {
            "title" if self.head.title.is_none() => {
                self.head.title = Some(clean_text(&node_text(node)));
            }
            "meta" => {
                let key = el
                    .attr("property")
                    .or_else(|| el.attr("name"))
                    .or_else(|| el.attr("itemprop"));
                if let (Some(k), Some(v)) = (key, el.attr("content")) {
                    let v = clean_text(v);
                    if !v.is_empty() {
                        self.head.meta.entry(k.to_ascii_lowercase()).or_insert(v);
                    }
                }
            }
            "link" => {
                let rel = el.attr("rel").unwrap_or("").to_ascii_lowercase();
                if rel.split_whitespace().any(|r| r == "canonical")
                    && self.head.canonical.is_none()
                    && let Some(h) = el.attr("href")
                {
                    self.head.canonical = Some(h.trim().to_string());
                }
            }
            "script" if el.attr("type").is_some_and(|t| t.contains("ld+json")) => {
                self.head.json_ld.push(node_text(node));
            }
            _ => {}
        }
    }
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

/// All text under a node, concatenated.
pub fn node_text(node: NodeRef<'_, Node>) -> String {
    let mut s = String::new();
    for d in node.descendants() {
        if let Node::Text(t) = d.value() {
            s.push_str(t);
        }
    }
    s
}

/// Walks a parsed document once.
pub fn walk(doc: &Html) -> Page {
    let mut w = Walker {
        blocks: Vec::with_capacity(256),
        head: HeadMeta::default(),
        crumbs: Vec::new(),
        tag_links: Vec::new(),
        category_names: Vec::new(),
        category_links: Vec::new(),
        lead_candidates: Vec::new(),
        profile_hint: false,
        names_buf: String::with_capacity(64),
        parents: Vec::with_capacity(512),
        node_ids: Vec::with_capacity(512),
        stack: Vec::with_capacity(32),
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
    let root = doc.tree.root();
    w.stack.push((0, Ctx::default()));
    w.parents.push(None);
    w.node_ids.push(root.id());
    w.children(root, Ctx::default(), 0);
    w.flush();
    Page {
        blocks: w.blocks,
        head: w.head,
        crumbs: w.crumbs,
        tag_links: w.tag_links,
        category_names: w.category_names,
        category_links: w.category_links,
        lead_candidates: w.lead_candidates,
        profile_hint: w.profile_hint,
        parents: w.parents,
        node_ids: w.node_ids,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_meta_and_boilerplate_flags() {
        let html = r#"<html><head><title> T </title><meta property="og:title" content="OG"><link rel="canonical" href="http://x.vn/a"></head>
        <body><div class="menu"><a href="/">Trang chủ</a></div>
        <div id="c"><p>Một <b>hai</b> ba<br>bốn</p><!-- bonewsrelation --><div>liên quan</div><!-- bonewsrelation -->
        <p style="text-align: right"><strong>Minh Thanh</strong></p>
        <table><tr><td><img src="a.jpg"></td></tr><tr><td>Ảnh đẹp</td></tr></table></div></body></html>"#;
        let doc = Html::parse_document(html);
        let page = walk(&doc);
        assert_eq!(page.head.title.as_deref(), Some("T"));
        assert_eq!(
            page.head.meta.get("og:title").map(String::as_str),
            Some("OG")
        );
        assert_eq!(page.head.canonical.as_deref(), Some("http://x.vn/a"));
        let texts: Vec<_> = page
            .blocks
            .iter()
            .map(|b| (b.text.as_str(), b.boiler, b.caption))
            .collect();
        assert_eq!(
            texts,
            vec![
                ("Trang chủ", true, false),
                ("Một hai ba", false, false),
                ("bốn", false, false),
                ("liên quan", true, false),
                ("Minh Thanh", false, false),
                ("Ảnh đẹp", false, true),
            ]
        );
        assert!(page.blocks.get(4).is_some_and(|b| b.right && b.all_bold()));
    }
}
