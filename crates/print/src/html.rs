//! Reading a document's HTML into paragraphs: block elements (`h1`–`h6`, `p`, `div`, `li`,
//! `tr`) and `<br>` end a line; `class="no"`/`text-align:center` centre it, `class="sign"`/
//! `text-align:right` set it right; `style` and `script` are skipped, `title` is the title; entities are
//! decoded and runs of ASCII white space become one space (full-width spaces stay: templates use
//! them for blanks to fill in by hand).

/// How a paragraph sits on the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Left, first line indented.
    Left,
    /// Centred.
    Center,
    /// Set right.
    Right,
}

/// One paragraph of a document.
#[derive(Debug, Clone, PartialEq)]
pub struct Paragraph {
    /// Its text.
    pub text: String,
    /// Its alignment.
    pub align: Align,
    /// A heading (`h1`–`h6`): larger type.
    pub heading: bool,
    /// The first line is indented two characters.
    pub indent: bool,
}

impl Paragraph {
    /// Type size in points: 22 for headings (二号), 16 for the body (三号).
    pub fn size(&self) -> f32 {
        if self.heading { 22.0 } else { 16.0 }
    }

    /// Line distance in points (GB/T 9704: 22 lines in the 225 mm text area).
    pub fn leading(&self) -> f32 {
        if self.heading { 36.0 } else { 28.95 }
    }

    /// Extra space above the paragraph.
    pub fn space_before(&self) -> f32 {
        if self.heading { 8.0 } else { 0.0 }
    }
}

#[derive(Clone, Copy)]
struct Style {
    align: Align,
    heading: bool,
}

/// The title (from `<title>`) and the paragraphs of a document's HTML.
pub fn paragraphs(html: &str) -> (String, Vec<Paragraph>) {
    let mut title = String::new();
    let mut out = vec![];
    let mut text = String::new();
    let mut stack: Vec<(String, Style)> = vec![];
    let mut skip: Option<String> = None;
    let mut in_title = false;
    let base = Style {
        align: Align::Left,
        heading: false,
    };
    let flush = |text: &mut String, style: Style, out: &mut Vec<Paragraph>| {
        let t = text
            .trim_matches(|c: char| c.is_ascii_whitespace())
            .to_owned();
        text.clear();
        if !t.is_empty() {
            out.push(Paragraph {
                text: t,
                align: style.align,
                heading: style.heading,
                indent: style.align == Align::Left && !style.heading,
            });
        }
    };
    let mut rest = html;
    while !rest.is_empty() {
        let style = stack.last().map(|s| s.1).unwrap_or(base);
        match rest.find('<') {
            Some(0) => {
                let Some(end) = rest.find('>') else {
                    break;
                };
                let tag = &rest[1..end];
                rest = &rest[end + 1..];
                if tag.starts_with('!') || tag.starts_with('?') {
                    continue;
                }
                let closing = tag.starts_with('/');
                let body = tag.trim_start_matches('/');
                let name: String = body
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect::<String>()
                    .to_ascii_lowercase();
                if let Some(s) = &skip {
                    if closing && *s == name {
                        skip = None;
                    }
                    continue;
                }
                match name.as_str() {
                    "style" | "script" if !closing && !tag.ends_with('/') => {
                        skip = Some(name);
                    }
                    "title" => in_title = !closing,
                    "br" => flush(&mut text, style, &mut out),
                    "td" | "th" if !closing && !text.is_empty() => text.push('　'),
                    "p" | "div" | "li" | "tr" | "table" | "h1" | "h2" | "h3" | "h4" | "h5"
                    | "h6" | "section" | "body" => {
                        flush(&mut text, style, &mut out);
                        if closing {
                            if let Some(i) = stack.iter().rposition(|(n, _)| *n == name) {
                                stack.truncate(i);
                            }
                        } else {
                            let mut s = style;
                            if name.starts_with('h') && name.len() == 2 {
                                s.heading = true;
                                s.align = Align::Center;
                            }
                            if let Some(a) = align_of(body) {
                                s.align = a;
                            }
                            stack.push((name, s));
                        }
                    }
                    _ => {}
                }
            }
            found => {
                let end = found.unwrap_or(rest.len());
                let chunk = decode(&rest[..end]);
                rest = &rest[end..];
                if skip.is_some() {
                    continue;
                }
                if in_title {
                    title.push_str(chunk.trim());
                    continue;
                }
                for c in chunk.chars() {
                    if c.is_ascii_whitespace() {
                        if !text.is_empty() && !text.ends_with(' ') {
                            text.push(' ');
                        }
                    } else {
                        text.push(c);
                    }
                }
            }
        }
    }
    let style = stack.last().map(|s| s.1).unwrap_or(base);
    flush(&mut text, style, &mut out);
    (title, out)
}

/// The alignment a tag asks for by class or inline style.
fn align_of(tag: &str) -> Option<Align> {
    let t = tag.to_ascii_lowercase();
    let classes = attr(&t, "class").unwrap_or_default();
    let style = attr(&t, "style").unwrap_or_default().replace(' ', "");
    if classes
        .split_whitespace()
        .any(|c| c == "sign" || c == "right")
        || style.contains("text-align:right")
    {
        Some(Align::Right)
    } else if classes
        .split_whitespace()
        .any(|c| c == "no" || c == "center")
        || style.contains("text-align:center")
    {
        Some(Align::Center)
    } else {
        None
    }
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let at = tag.find(&format!("{name}="))? + name.len() + 1;
    let rest = &tag[at..];
    let (quote, rest) = match rest.chars().next()? {
        q @ ('"' | '\'') => (q, &rest[1..]),
        _ => (' ', rest),
    };
    Some(rest.split(quote).next().unwrap_or_default().to_owned())
}

/// Decode the character references minijinja's escaping and hand-written templates use.
fn decode(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(semi) = rest.find(';').filter(|&n| n <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let name = &rest[1..semi];
        let c = match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some('\u{a0}'),
            "ensp" => Some(' '),
            "emsp" => Some('　'),
            _ => name
                .strip_prefix("#x")
                .or_else(|| name.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str, align: Align, heading: bool) -> Paragraph {
        Paragraph {
            text: text.into(),
            align,
            heading,
            indent: align == Align::Left && !heading,
        }
    }

    #[test]
    fn a_document_reads_as_its_paragraphs() {
        let html = r#"<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>行政处罚决定书 云市监罚〔2026〕1号</title>
<style>h1{text-align:center}</style></head><body>
<h1>云县市场监督管理局<br>行政处罚决定书</h1><p class="no">云市监罚〔2026〕1号</p>
<p>当事人：张三&amp;李四  （&#x31;&#50;）</p><p>被检查人签名：　　　　执法人员签名：</p>
<div style="text-align: right">落款</div>
<p class="sign">云县市场监督管理局<br>2026年12月02日</p><script>alert(1)</script></body></html>"#;
        let (title, paras) = paragraphs(html);
        assert_eq!(title, "行政处罚决定书 云市监罚〔2026〕1号");
        assert_eq!(
            paras,
            vec![
                p("云县市场监督管理局", Align::Center, true),
                p("行政处罚决定书", Align::Center, true),
                p("云市监罚〔2026〕1号", Align::Center, false),
                p("当事人：张三&李四 （12）", Align::Left, false),
                p("被检查人签名：　　　　执法人员签名：", Align::Left, false),
                p("落款", Align::Right, false),
                p("云县市场监督管理局", Align::Right, false),
                p("2026年12月02日", Align::Right, false),
            ]
        );
    }

    #[test]
    fn loose_text_tables_and_bad_references_are_kept() {
        let (_, paras) = paragraphs(
            "前言<table><tr><td>甲</td><td>乙</td></tr></table>&bogus; &#xZZ; a&b <b>粗</b>",
        );
        let texts: Vec<&str> = paras.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(texts, vec!["前言", "甲　乙", "&bogus; &#xZZ; a&b 粗"]);
        assert_eq!(paragraphs("").1, vec![]);
        assert_eq!(paragraphs("<p>未闭合").1.len(), 1);
        assert_eq!(paragraphs("<p>断开的<").1[0].text, "断开的");
    }
}
