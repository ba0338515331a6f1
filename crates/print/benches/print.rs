//! Printing speed: a one-page penalty decision and a ten-page document, to PDF, with the
//! shipped font (subset into each PDF). Run: `cargo bench -p xiezhi-print`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;
use xiezhi_print::Printer;

fn main() {
    let printer = Printer::shared().expect("font");
    let one = "<h1>云溪县市场监督管理局<br>行政处罚决定书</h1><p class=\"no\">云溪县市场监督管理局罚〔2026〕12号</p><p>当事人：某某超市有限公司（91350100M000100Y43）</p><p>经查，当事人销售超过保质期的食品，违反了《中华人民共和国食品安全法》第三十四条第（十）项的规定。依据该法第一百二十四条第一款，参照裁量基准“一般”档次，决定：罚款人民币50000元。</p><p>当事人应自收到本决定书之日起十五日内缴纳罚款。如不服本决定，可在收到本决定书之日起六十日内申请行政复议，或者在六个月内依法向人民法院提起行政诉讼。</p><p class=\"sign\">云溪县市场监督管理局<br>2026年12月2日</p>";
    let ten = format!(
        "<h1>调查终结报告</h1>{}",
        "<p>经调查核实，当事人于二〇二六年十一月间在其经营场所内销售超过保质期的预包装食品，货值金额合计人民币三千二百元，有现场检查笔录、询问笔录、照片及进货凭证为证。</p>".repeat(55)
    );
    for (name, html, n) in [("one page", one.to_owned(), 200), ("ten pages", ten, 50)] {
        let t = Instant::now();
        let mut bytes = 0;
        for _ in 0..n {
            bytes = printer.pdf(&html).expect("pdf").len();
        }
        let per = t.elapsed().as_secs_f64() / n as f64;
        println!(
            "{name}: {:.1} ms a document ({:.0}/s), {} KB",
            per * 1000.0,
            1.0 / per,
            bytes / 1024
        );
    }
}
