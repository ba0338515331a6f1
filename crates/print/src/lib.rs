//! Printing enforcement documents (执法文书) to PDF: the document's HTML is read into
//! paragraphs ([`paragraphs`]), laid out on A4 in the manner of GB/T 9704 (body in 16 pt,
//! 28 characters a line, two-character indent, page numbers "— N —") and written with a
//! Chinese font embedded (subset) so that the PDF prints the same anywhere.
//!
//! The shipped font is Noto Serif CJK SC cut to GB 2312 (`fonts/`); characters outside it are
//! taken from a fuller font when one is configured or Debian's `fonts-noto-cjk` is installed.

mod html;

pub use html::{Align, Paragraph, paragraphs};

use krilla::Document;
use krilla::geom::Point;
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::text::{Font, TextDirection};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock, RwLock};

/// The shipped font (OFL 1.1, see `fonts/OFL.txt`).
const SHIPPED_FONT: &[u8] = include_bytes!("../fonts/NotoSerifCJKsc-GB2312.otf");

/// Where Debian's `fonts-noto-cjk` puts the full font, and its face index for Simplified Chinese.
const SYSTEM_FONT: (&str, u32) = ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2);

/// Why a document could not be printed.
#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    /// A font file could not be read or is not a font.
    #[error("字体文件不可用：{0}")]
    Font(String),
    /// The PDF writer refused the document.
    #[error("PDF 生成失败：{0}")]
    Pdf(String),
}

/// One font: its bytes, face index, and the PDF writer's handle.
struct Face {
    data: Arc<Vec<u8>>,
    index: u32,
    font: Font,
    units_per_em: f32,
}

impl Face {
    fn load(data: Vec<u8>, index: u32, name: &str) -> Result<Self, PrintError> {
        let data = Arc::new(data);
        let units_per_em = ttf_parser::Face::parse(&data, index)
            .map_err(|e| PrintError::Font(format!("{name}：{e}")))?
            .units_per_em() as f32;
        let font = Font::new(data.clone().into(), index)
            .ok_or_else(|| PrintError::Font(format!("{name}：无法读取")))?;
        Ok(Face {
            data,
            index,
            font,
            units_per_em,
        })
    }

    fn parsed(&self) -> Option<ttf_parser::Face<'_>> {
        ttf_parser::Face::parse(&self.data, self.index).ok()
    }
}

/// Prints documents with the shipped font and, for characters it lacks, a fuller one.
pub struct Printer {
    faces: Vec<Face>,
    /// Face and advance (in em) of each character met so far.
    advances: RwLock<HashMap<char, (usize, f32)>>,
}

impl std::fmt::Debug for Printer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Printer")
            .field("faces", &self.faces.len())
            .finish()
    }
}

/// A font file to use besides the shipped one: `path` or `path#index` for a collection (.ttc).
pub fn parse_font_setting(s: &str) -> (PathBuf, u32) {
    match s.rsplit_once('#') {
        Some((p, i)) if i.parse::<u32>().is_ok() => (PathBuf::from(p), i.parse().unwrap_or(0)),
        _ => (PathBuf::from(s), 0),
    }
}

impl Printer {
    /// The shipped font, then `extra` (a configured font file) or, when none is given and it
    /// is installed, Debian's full Noto Serif CJK.
    pub fn new(extra: Option<(&Path, u32)>) -> Result<Self, PrintError> {
        let mut faces = vec![Face::load(SHIPPED_FONT.to_vec(), 0, "内置字体")?];
        match extra {
            Some((path, index)) => {
                let bytes = std::fs::read(path)
                    .map_err(|e| PrintError::Font(format!("{}：{e}", path.display())))?;
                faces.push(Face::load(bytes, index, &path.display().to_string())?);
            }
            None => {
                if let Ok(bytes) = std::fs::read(SYSTEM_FONT.0) {
                    faces.push(Face::load(bytes, SYSTEM_FONT.1, SYSTEM_FONT.0)?);
                }
            }
        }
        Ok(Printer {
            faces,
            advances: RwLock::default(),
        })
    }

    /// The process-wide printer with the default fonts (loaded once).
    pub fn shared() -> Result<Arc<Printer>, PrintError> {
        static SHARED: OnceLock<Result<Arc<Printer>, String>> = OnceLock::new();
        SHARED
            .get_or_init(|| Printer::new(None).map(Arc::new).map_err(|e| e.to_string()))
            .clone()
            .map_err(PrintError::Font)
    }

    /// Which face draws `c` (the first that has it; the shipped one otherwise) and its advance
    /// in em.
    fn pick(&self, c: char) -> (usize, f32) {
        if let Some(&known) = self
            .advances
            .read()
            .ok()
            .and_then(|m| m.get(&c).copied())
            .as_ref()
        {
            return known;
        }
        let found = self
            .faces
            .iter()
            .enumerate()
            .find_map(|(i, f)| {
                let face = f.parsed()?;
                let g = face.glyph_index(c)?;
                Some((
                    i,
                    face.glyph_hor_advance(g).unwrap_or(0) as f32 / f.units_per_em,
                ))
            })
            .unwrap_or((0, 1.0));
        if let Ok(mut m) = self.advances.write() {
            m.insert(c, found);
        }
        found
    }

    /// Characters no font here can draw (they would print as empty boxes).
    pub fn missing(&self, text: &str) -> Vec<char> {
        let mut out: Vec<char> = text
            .chars()
            .filter(|c| !c.is_control() && !c.is_whitespace())
            .filter(|&c| {
                !self
                    .faces
                    .iter()
                    .any(|f| f.parsed().is_some_and(|p| p.glyph_index(c).is_some()))
            })
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The title and the pages of lines of a document's HTML.
    fn layout(&self, html: &str) -> (String, Vec<Vec<Line>>) {
        let (title, paras) = paragraphs(html);
        let mut lines = vec![];
        for p in &paras {
            let size = p.size();
            let indent = if p.indent { 2.0 * size } else { 0.0 };
            for (i, text) in self.wrap(&p.text, size, indent).into_iter().enumerate() {
                lines.push(Line {
                    text,
                    size,
                    align: p.align,
                    indent: if i == 0 { indent } else { 0.0 },
                    leading: p.leading(),
                    space_before: if i == 0 { p.space_before() } else { 0.0 },
                });
            }
        }
        (title, paginate(lines))
    }

    /// Print a document's HTML to an A4 PDF.
    pub fn pdf(&self, html: &str) -> Result<Vec<u8>, PrintError> {
        let (title, pages) = self.layout(html);
        let mut doc = Document::new();
        let mut meta = Metadata::new()
            .language("zh-CN".into())
            .creator("Xiezhi 獬豸".into());
        if !title.is_empty() {
            meta = meta.title(title);
        }
        doc.set_metadata(meta);
        let total = pages.len();
        for (n, page_lines) in pages.into_iter().enumerate() {
            let mut page = doc.start_page_with(
                PageSettings::from_wh(PAGE_W, PAGE_H)
                    .ok_or_else(|| PrintError::Pdf("页面尺寸".into()))?,
            );
            let mut surface = page.surface();
            let mut y = MARGIN_TOP;
            for l in &page_lines {
                y += l.space_before + l.leading;
                self.draw_line(&mut surface, l, y);
            }
            if total > 1 || n > 0 {
                let folio = Line {
                    text: format!("— {} —", n + 1),
                    size: 14.0,
                    align: Align::Center,
                    indent: 0.0,
                    leading: 0.0,
                    space_before: 0.0,
                };
                self.draw_line(&mut surface, &folio, PAGE_H - MARGIN_BOTTOM + 40.0);
            }
            surface.finish();
            page.finish();
        }
        doc.finish().map_err(|e| PrintError::Pdf(format!("{e:?}")))
    }

    fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.pick(c).1 * size).sum()
    }

    /// Break a paragraph into lines that fit the text width: anywhere between Chinese
    /// characters, between words of Latin text, never starting a line with closing
    /// punctuation (it hangs) nor ending one with opening punctuation.
    fn wrap(&self, text: &str, size: f32, indent: f32) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        let mut lines = vec![];
        let mut start = 0;
        let mut first = true;
        while start < chars.len() {
            let limit = TEXT_W - if first { indent } else { 0.0 };
            let mut w = 0.0;
            let mut end = start;
            while end < chars.len() {
                let cw = self.pick(chars[end]).1 * size;
                if w + cw > limit + 0.01 && end > start && !is_closing(chars[end]) {
                    break;
                }
                w += cw;
                end += 1;
            }
            if end < chars.len() {
                // Do not cut a Latin word or number when it can move whole to the next line.
                let mut cut = end;
                while cut > start && is_word(chars[cut - 1]) && is_word(chars[cut]) {
                    cut -= 1;
                }
                if cut > start {
                    end = cut;
                }
                while end - start > 1 && is_opening(chars[end - 1]) {
                    end -= 1;
                }
            }
            lines.push(chars[start..end].iter().collect::<String>());
            start = end;
            first = false;
        }
        if lines.is_empty() {
            lines.push(String::new());
        }
        lines
    }

    fn draw_line(&self, surface: &mut krilla::surface::Surface<'_>, l: &Line, baseline: f32) {
        let width = self.width(&l.text, l.size);
        let mut x = MARGIN_LEFT
            + match l.align {
                Align::Left => l.indent,
                Align::Center => ((TEXT_W - width) / 2.0).max(0.0),
                Align::Right => (TEXT_W - width).max(0.0),
            };
        // Runs of characters drawn by the same face.
        let mut run = String::new();
        let mut run_face = None;
        let mut run_w = 0.0;
        for c in l.text.chars() {
            let (face, adv) = self.pick(c);
            if run_face.is_some_and(|f| f != face) {
                self.draw_run(surface, run_face, &run, l.size, x, baseline);
                x += run_w;
                run.clear();
                run_w = 0.0;
            }
            run_face = Some(face);
            run.push(c);
            run_w += adv * l.size;
        }
        self.draw_run(surface, run_face, &run, l.size, x, baseline);
    }

    fn draw_run(
        &self,
        surface: &mut krilla::surface::Surface<'_>,
        face: Option<usize>,
        text: &str,
        size: f32,
        x: f32,
        baseline: f32,
    ) {
        if let Some(f) = face
            && !text.trim().is_empty()
        {
            surface.draw_text(
                Point::from_xy(x, baseline),
                self.faces[f].font.clone(),
                size,
                text,
                false,
                TextDirection::LeftToRight,
            );
        }
    }
}

/// A4 in points.
const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
/// After GB/T 9704: top 37 mm, text area 158 × 225 mm (28 characters of 16 pt a line).
const MARGIN_TOP: f32 = 104.88;
const MARGIN_LEFT: f32 = 73.64;
const TEXT_W: f32 = 448.0;
const TEXT_H: f32 = 637.8;
const MARGIN_BOTTOM: f32 = PAGE_H - MARGIN_TOP - TEXT_H;

/// A laid-out line.
struct Line {
    text: String,
    size: f32,
    align: Align,
    indent: f32,
    leading: f32,
    space_before: f32,
}

/// Lines per page, breaking when the next line would pass the text area's bottom.
fn paginate(lines: Vec<Line>) -> Vec<Vec<Line>> {
    let mut pages: Vec<Vec<Line>> = vec![vec![]];
    let mut used = 0.0;
    for l in lines {
        let h = l.space_before + l.leading;
        if used + h > TEXT_H
            && let Some(p) = pages.last()
            && !p.is_empty()
        {
            pages.push(vec![]);
            used = 0.0;
        }
        used += h;
        if let Some(p) = pages.last_mut() {
            p.push(l);
        }
    }
    pages
}

fn is_closing(c: char) -> bool {
    "，。、；：？！）》」』”’〕】…—%,.;:?!)]".contains(c)
}

fn is_opening(c: char) -> bool {
    "（《「『“‘〔【([".contains(c)
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_'
}

#[cfg(test)]
mod tests {
    use super::*;

    fn printer() -> Arc<Printer> {
        Printer::shared().unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn lines_fit_the_text_width_and_keep_punctuation_right() {
        let p = printer();
        let text = "经查，当事人在未取得许可的情况下从事经营活动，违反了《中华人民共和国食品安全法》第三十五条第一款的规定，案号AJ2026010100001。";
        let lines = p.wrap(text, 16.0, 32.0);
        assert!(lines.len() >= 2, "{lines:?}");
        assert_eq!(lines.concat(), text);
        for (i, l) in lines.iter().enumerate() {
            let limit = TEXT_W - if i == 0 { 32.0 } else { 0.0 };
            let first = l.chars().next().unwrap_or(' ');
            assert!(!is_closing(first), "line starts with {first}: {l}");
            assert!(!l.ends_with(is_opening), "line ends opening: {l}");
            let w = p.width(l, 16.0);
            let hang = l.chars().last().is_some_and(is_closing);
            assert!(w <= limit + 0.01 || hang, "{w} > {limit}: {l}");
        }
        // 28 Chinese characters a line at 16 pt.
        let full = "一".repeat(60);
        assert_eq!(p.wrap(&full, 16.0, 0.0)[0].chars().count(), 28);
        // A number is not cut when it fits the next line.
        let number = format!("{}AJ2026010100001", "一".repeat(20));
        let lines = p.wrap(&number, 16.0, 0.0);
        assert_eq!(lines, vec!["一".repeat(20), "AJ2026010100001".into()]);
    }

    #[test]
    fn a_document_prints_with_its_text_and_the_font_embedded() {
        let html = "<!doctype html><html><head><title>行政处罚决定书 云市监罚〔2026〕1号</title><style>p{}</style></head><body><h1>云县市场监督管理局<br>行政处罚决定书</h1><p class=\"no\">云市监罚〔2026〕1号</p><p>当事人：张三（110101********0011）</p><p>经查，当事人&lt;无证&gt;经营……违反了《中华人民共和国食品安全法》第三十五条第一款的规定，依据该法第一百二十二条，决定：罚款人民币20000元。当事人应自收到本决定书之日起十五日内缴纳罚款。如不服本决定，可在收到本决定书之日起六十日内申请行政复议，或者在六个月内依法向人民法院提起行政诉讼。</p><p class=\"sign\">云县市场监督管理局<br>2026年12月02日</p></body></html>";
        let pdf = printer().pdf(html).unwrap_or_else(|e| panic!("{e}"));
        assert!(pdf.starts_with(b"%PDF-"));
        if let Ok(dir) = std::env::var("XIEZHI_PRINT_SAMPLE") {
            let _ = std::fs::write(format!("{dir}/decision.pdf"), &pdf);
        }
        let s = String::from_utf8_lossy(&pdf);
        assert!(
            s.contains("FontFile3") || s.contains("FontFile2"),
            "font embedded"
        );
        assert!(
            pdf.len() < 200_000,
            "subset, not the whole font: {}",
            pdf.len()
        );
        // Many paragraphs make several numbered pages.
        let long = format!(
            "<h1>标题</h1>{}",
            "<p>这是一段很长的正文，用于检验分页是否正确。</p>".repeat(80)
        );
        let pdf = printer().pdf(&long).unwrap_or_else(|e| panic!("{e}"));
        let pages = printer().layout(&long).1;
        assert_eq!(
            pages.len(),
            4,
            "a heading and 80 paragraphs of one line, 22 lines a page"
        );
        assert_eq!(pages[0].len(), 21);
        assert!(pages.iter().all(|p| p.len() <= 22));
        if let Ok(dir) = std::env::var("XIEZHI_PRINT_SAMPLE") {
            let _ = std::fs::write(format!("{dir}/long.pdf"), &pdf);
        }
    }

    #[test]
    fn characters_outside_every_font_are_named() {
        assert!(printer().missing("张三 李四").is_empty());
        assert_eq!(printer().missing("\u{10FFFD}"), vec!['\u{10FFFD}']);
    }

    #[test]
    fn font_setting_takes_an_index_for_collections() {
        assert_eq!(
            parse_font_setting("/a/b.ttc#2"),
            (PathBuf::from("/a/b.ttc"), 2)
        );
        assert_eq!(
            parse_font_setting("/a/b.otf"),
            (PathBuf::from("/a/b.otf"), 0)
        );
        assert!(Printer::new(Some((Path::new("/nonexistent.ttf"), 0))).is_err());
    }
}
