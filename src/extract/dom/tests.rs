use super::*;

#[test]
fn blocks_meta_and_boilerplate_flags() {
    let html = r#"<html><head><title> T </title><meta property="og:title" content="OG"><link rel="canonical" href="http://x.vn/a"></head>
        <body><div class="menu"><a href="/">Trang chủ</a></div>
        <div id="c"><p>Một <b>hai</b> ba<br>bốn</p><!-- bonewsrelation --><div>liên quan</div><!-- bonewsrelation -->
        <p style="text-align: right"><strong>Minh Thanh</strong></p>
        <table><tr><td><img src="a.jpg"></td></tr><tr><td>Ảnh đẹp</td></tr></table></div></body></html>"#;
    let page = walk(html);
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

fn texts(html: &str) -> Vec<String> {
    walk(html).blocks.into_iter().map(|b| b.text).collect()
}

fn block<'a>(page: &'a Page, text: &str) -> &'a Block {
    page.blocks
        .iter()
        .find(|b| b.text == text)
        .unwrap_or_else(|| panic!("no block {text:?} in {:?}", page.blocks))
}

#[test]
fn implied_ends() {
    assert_eq!(texts("<ul><li>a<li>b</ul>c"), ["a", "b", "c"]);
    assert!(
        walk("<ul><li>a<li>b</ul>")
            .blocks
            .iter()
            .all(|b| b.list_item)
    );
    assert_eq!(texts("<p>a<div>b</div>c"), ["a", "b", "c"]);
    assert_eq!(texts("<dl><dt>t<dd>d<dt>u</dl>"), ["t", "d", "u"]);
    assert_eq!(
        texts("<table><tr><td>x<td>y<tr><td>z</table>after"),
        ["x", "y", "z", "after"]
    );
    // `</p>` without an open `p` is an empty paragraph: it ends the text before it.
    assert_eq!(texts("<div>a</p>b</div>"), ["a", "b"]);
    assert_eq!(texts("<h1>a<h2>b</h1>c"), ["a", "b", "c"]);
    // Table cells outside a table are ignored tags, their text stays in one block.
    assert_eq!(texts("<div>a<td>b</td>c</div>"), ["abc"]);
    // `<p>` inside a `<td>` is closed by the cell's end.
    assert_eq!(texts("<table><tr><td><p>x</td><td>y</table>"), ["x", "y"]);
}

#[test]
fn implied_table_sections_number_like_the_tree() {
    let page = walk("<table><tr><td>x</td></tr></table>");
    // document, html, body, table, tbody, tr, td
    assert_eq!(page.parents.len(), 7);
    let td = block(&page, "x").node;
    assert_eq!(page.ancestors(td).collect::<Vec<_>>(), [5, 4, 3, 2, 1, 0]);
}

#[test]
fn unclosed_tags_close_at_the_end() {
    assert_eq!(texts("<div><p>one<p>two<b>three"), ["one", "twothree"]);
    assert_eq!(texts("<div><p>one"), ["one"]);
    assert_eq!(texts("text only"), ["text only"]);
}

#[test]
fn misnested_formatting() {
    // A bold run continues into the next paragraph (the formatting element is reopened).
    let page = walk("<p><b>bold</p><p>after</p>");
    assert!(block(&page, "bold").all_bold());
    assert!(block(&page, "after").all_bold());
    // `</b>` inside a paragraph opened under it ends the bold, not the paragraph.
    let page = walk("<div><b>one<p>two</b> three</p>four</div>");
    assert!(block(&page, "one").all_bold());
    let b = block(&page, "two three");
    assert!(b.bold_chars > 0 && b.bold_chars < b.chars);
    assert_eq!(block(&page, "four").bold_chars, 0);
    // An ordinary end tag does not close past a block.
    let page = walk("<span class='menu'><div>x</span>y</div>z");
    assert!(block(&page, "xy").boiler);
    // A new link closes the open one.
    let page = walk("<p><a href='/a'>one<a href='/b'>two</a> three</p>");
    let b = block(&page, "onetwo three");
    assert!(b.link_chars > 0 && b.link_chars < b.chars);
    // Unbalanced end tags are ignored.
    assert_eq!(texts("</span></div></b><p>x</p></i>"), ["x"]);
}

#[test]
fn entities_and_attributes() {
    let page = walk(
        "<P CLASS=x>K&amp;CN &lt;b&gt; &#7855;&#x1EAF; &nbsp;x&hellip;</P>\
         <DIV CLASS=menu><A HREF=/x>Home</A></DIV>\
         <a href='/index.php?option=com_content&amp;view=category&amp;id=3'>Tin tức</a>",
    );
    assert_eq!(
        page.blocks.first().map(|b| b.text.as_str()),
        Some("K&CN <b> ắắ x…")
    );
    assert!(block(&page, "Home").boiler && block(&page, "Home").link_chars > 0);
    assert_eq!(page.category_links, ["Tin tức"]);
    let page = walk("<title>A &amp; <b>B</b></title><p>x</p>");
    assert_eq!(page.head.title.as_deref(), Some("A & <b>B</b>"));
}

#[test]
fn related_comment_pairs() {
    let page = walk(
        "<div><p>a</p><!-- BoNewsRelation --><div><p>r1</p><!-- x --><p>r2</p></div>\
         <!-- bonewsrelation --><p>b</p></div>",
    );
    let flags: Vec<_> = page
        .blocks
        .iter()
        .map(|b| (b.text.as_str(), b.boiler))
        .collect();
    assert_eq!(
        flags,
        [("a", false), ("r1", true), ("r2", true), ("b", false)]
    );
    // A pair inside a child only marks that child's content.
    let page = walk("<div><div><!--bonewsrelation--><p>r</p></div><p>c</p></div>");
    assert!(block(&page, "r").boiler);
    assert!(!block(&page, "c").boiler);
}

#[test]
fn raw_text_and_skipped_content_never_leak() {
    let t = texts(
        "<p>a<script>var s = '<p>no</p>';</script>b<style>p:after{content:'no'}</style></p>\
         <noscript><p>no</p></noscript><textarea><p>no</textarea><iframe><p>no</iframe>\
         <svg><text>no</text><p>yes</p></svg><select><option>no<option>no</select>\
         <button>no</button><p>c</p>",
    );
    assert_eq!(t, ["ab", "yes", "c"]);
    let page = walk("<script type='application/ld+json'>{\"a\":\"<p>x</p>\"}</script><p>body</p>");
    assert_eq!(page.head.json_ld, ["{\"a\":\"<p>x</p>\"}"]);
    assert_eq!(
        texts("<p>x</p><SCRIPT>document.write('</p>no')</SCRIPT>"),
        ["x"]
    );
}

#[test]
fn head_and_body_are_implied() {
    let page = walk(
        "<meta property='og:title' content='OG'><title>T</title>\
         <div>x</div><meta name='author' content='A'>",
    );
    assert_eq!(page.head.title.as_deref(), Some("T"));
    assert_eq!(
        page.head.meta.get("og:title").map(String::as_str),
        Some("OG")
    );
    // A meta tag in the body still counts.
    assert_eq!(page.head.meta.get("author").map(String::as_str), Some("A"));
    assert_eq!(
        texts("<html><head><title>T</title>stray<p>x"),
        ["stray", "x"]
    );
    // Head elements right after `</head>` still belong to the head.
    let page =
        walk("<head></head><link rel='canonical' href=' http://x.vn/a '><title>T</title><p>b");
    assert_eq!(page.head.canonical.as_deref(), Some("http://x.vn/a"));
    assert_eq!(page.head.title.as_deref(), Some("T"));
    assert_eq!(
        texts("<head></head><link rel=x><title>T</title><p>b"),
        ["b"]
    );
    // A title in the body is text.
    assert_eq!(texts("<body><title>t</title>x"), ["tx"]);
}

#[test]
fn profile_rules_and_texts() {
    let page = walk(
        "<div class='detail-breadcrumb'><ul><li><a href='/'>Trang chủ</a></li>\
         <li><a href='/x'>Kinh tế</a></li></ul></div>\
         <h1 class='detail-title'>Tiêu <b>đề</b></h1><div class='detail-sapo'></div>\
         <div class='detail-sapo'>Sapo</div><div class='detail-content'><p>x</p></div>",
    );
    assert!(page.profile_hint);
    let loc = super::super::profiles::locate(&page);
    let loc = loc.as_ref();
    assert_eq!(loc.map(|l| l.layout), Some("chinhphu"));
    assert_eq!(loc.and_then(|l| l.title.as_deref()), Some("Tiêu đề"));
    assert_eq!(loc.and_then(|l| l.lead.as_deref()), Some("Sapo"));
    assert_eq!(loc.and_then(|l| l.topic.as_deref()), Some("Kinh tế"));
    let root = loc.and_then(|l| l.body_root);
    let x = block(&page, "x").node;
    assert!(root.is_some_and(|r| page.is_within(x, r)));
}

#[test]
fn pathological_input_is_linear_and_safe() {
    let deep = "<div>".repeat(5000) + "deep" + &"</div>".repeat(5000) + "<p>after</p>";
    assert_eq!(texts(&deep), ["after"]);
    let spans = "<span>".repeat(20_000) + &"</div>".repeat(20_000) + "x";
    let t = std::time::Instant::now();
    let _ = walk(&spans);
    let fonts = "<p><font><b><i>x</p>".repeat(5000);
    let _ = walk(&fonts);
    assert!(t.elapsed() < std::time::Duration::from_secs(20));
    for junk in [
        "<",
        "</",
        "<a",
        "<!--",
        "<!DOCTYPE",
        "&",
        "&#",
        "&#x110000;",
        "\0<p>\0",
    ] {
        let _ = walk(junk);
    }
}
