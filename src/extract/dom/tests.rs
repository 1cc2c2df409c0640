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
