//! Extraction cost next to the cost of parsing alone.
//!
//! The import target is that extracting costs at most 1.7× a bare `scraper::Html::parse_document`
//! of the same page. The page is built from the repository's own fixtures (a mic.gov.vn
//! SharePoint page and a WordPress-like page) padded with the boilerplate real portals carry
//! (menus, sidebars, related lists, a longer body) to 20–30 KB.

use criterion::{Criterion, Throughput, criterion_group};
use std::hint::black_box;
use tracuu::extract::{RawPage, extract};

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/extract/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A realistic 20–30 KB article page: the fixture with a larger menu, sidebar boxes, related
/// lists and more body paragraphs.
fn realistic_page(base: &str, body_anchor: &str) -> String {
    let mut menu = String::from("<div class=\"megamenu\"><ul>");
    for i in 0..60 {
        menu.push_str(&format!(
            "<li><a href=\"/Pages/ChuyenMuc/{i}/Muc-{i}.html\" title=\"Chuyên mục {i}\">Chuyên mục số {i} của cổng thông tin</a></li>"
        ));
    }
    menu.push_str("</ul></div>");
    let mut sidebar = String::from("<div class=\"sidebar\"><h3>Tin đọc nhiều</h3><ul>");
    for i in 0..25 {
        sidebar.push_str(&format!(
            "<li><a href=\"/Pages/TinTuc/{i}/x.html\">Hội nghị triển khai nhiệm vụ chuyển đổi số năm {} tại các địa phương</a> <span>(12/0{}/2020)</span></li>",
            2000 + i,
            1 + i % 9
        ));
    }
    sidebar.push_str("</ul><div class=\"ads\"><img src=\"/banner.gif\"></div></div>");
    let mut paragraphs = String::new();
    for i in 0..12 {
        paragraphs.push_str(&format!(
            "<p style=\"text-align: justify;\">Đoạn {i}: Theo báo cáo của Sở Thông tin và Truyền thông, trong năm qua các cơ quan nhà nước \
             trên địa bàn tỉnh đã tiếp nhận và xử lý hơn {} hồ sơ trực tuyến mức độ 3, 4; tỷ lệ văn bản điện tử \
             được ký số đạt trên 95%, hệ thống một cửa điện tử được kết nối liên thông từ tỉnh đến cấp xã.</p>",
            1000 + i * 37
        ));
    }
    base.replacen(body_anchor, &format!("{body_anchor}{paragraphs}"), 1)
        .replacen("</body>", &format!("{menu}{sidebar}</body>"), 1)
}

fn bench(c: &mut Criterion) {
    let pages = [
        (
            "mic2009",
            realistic_page(
                &fixture("mic-vinh-long.html"),
                "<div id=\"divArticleContent\">",
            ),
        ),
        (
            "generic",
            realistic_page(
                &fixture("wp-lam-dong.html"),
                "<div class=\"entry-content\">",
            ),
        ),
    ];
    for (name, html) in &pages {
        let mut group = c.benchmark_group(format!("extract/{name}"));
        group.throughput(Throughput::Bytes(html.len() as u64));
        // A URL, as WARC records carry: without one the id is hashed from the whole text.
        let raw = RawPage {
            bytes: html.clone().into_bytes(),
            url: Some("http://example.gov.vn/tin-tuc/bai-viet.html".into()),
            source: name.to_string(),
            http_charset: None,
        };
        assert!(extract(&raw).is_ok(), "bench page must extract");
        group.bench_function("parse_only", |b| {
            b.iter(|| black_box(scraper::Html::parse_document(black_box(html))))
        });
        group.bench_function("extract", |b| {
            b.iter(|| black_box(extract(black_box(&raw))))
        });
        group.finish();
        eprintln!("{name}: page size {} bytes", html.len());
    }
}

criterion_group!(benches, bench);

/// `EXTRACT_LOOP=parse|extract EXTRACT_PAGE=mic2009|generic EXTRACT_N=2000` runs a plain loop
/// instead of criterion, for `perf stat` (instruction counts do not depend on how busy the
/// shared machine is).
fn main() {
    if let Ok(mode) = std::env::var("EXTRACT_LOOP") {
        let which = std::env::var("EXTRACT_PAGE").unwrap_or_else(|_| "generic".into());
        let n: usize = std::env::var("EXTRACT_N")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(1000);
        let html = if which == "mic2009" {
            realistic_page(
                &fixture("mic-vinh-long.html"),
                "<div id=\"divArticleContent\">",
            )
        } else {
            realistic_page(
                &fixture("wp-lam-dong.html"),
                "<div class=\"entry-content\">",
            )
        };
        let raw = RawPage {
            bytes: html.clone().into_bytes(),
            url: Some("http://example.gov.vn/tin-tuc/bai-viet.html".into()),
            source: which,
            http_charset: None,
        };
        if mode == "par" {
            // Throughput on all threads of a rayon pool (RAYON_NUM_THREADS sets the count).
            use rayon::prelude::*;
            for what in ["parse", "extract"] {
                let t = std::time::Instant::now();
                (0..n).into_par_iter().for_each(|_| {
                    if what == "parse" {
                        black_box(scraper::Html::parse_document(black_box(&html)));
                    } else {
                        let _ = black_box(extract(black_box(&raw)));
                    }
                });
                let secs = t.elapsed().as_secs_f64();
                println!(
                    "{} {what}: {n} pages on {} threads in {secs:.2} s = {:.0} pages/s",
                    raw.source,
                    rayon::current_num_threads(),
                    n as f64 / secs
                );
            }
            return;
        }
        if mode == "ratio" {
            // Interleave both so they see the same machine load; compare medians.
            let mut parse_t = Vec::with_capacity(n);
            let mut extract_t = Vec::with_capacity(n);
            for _ in 0..n {
                let t = std::time::Instant::now();
                black_box(scraper::Html::parse_document(black_box(&html)));
                parse_t.push(t.elapsed().as_secs_f64());
                let t = std::time::Instant::now();
                let _ = black_box(extract(black_box(&raw)));
                extract_t.push(t.elapsed().as_secs_f64());
            }
            let median = |v: &mut Vec<f64>| {
                v.sort_by(f64::total_cmp);
                v.get(v.len() / 2).copied().unwrap_or(0.0)
            };
            let (p, e) = (median(&mut parse_t), median(&mut extract_t));
            println!(
                "{}: {} bytes, parse median {:.1} µs, extract median {:.1} µs, ratio {:.2}, {:.0} pages/s/thread",
                raw.source,
                html.len(),
                p * 1e6,
                e * 1e6,
                e / p,
                1.0 / e
            );
            return;
        }
        for _ in 0..n {
            if mode == "parse" {
                black_box(scraper::Html::parse_document(black_box(&html)));
            } else {
                let _ = black_box(extract(black_box(&raw)));
            }
        }
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
