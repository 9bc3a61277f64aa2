//! A thin layer over quick-xml's streaming writer: elements with attributes,
//! text, comments. Escaping is quick-xml's; on top of it, characters an XML
//! parser would not give back as written are written as character
//! references (`\r` in text and `\t` `\n` `\r` in attribute values, which a
//! parser normalizes), and characters XML 1.0 cannot hold at all (most C0
//! controls, U+FFFE, U+FFFF) become `<g type="char" n="U+XXXX"/>` in text.

use std::io::{self, Write};

use quick_xml::Writer;
use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

/// Whether XML 1.0 can hold `c` (as itself or a character reference).
pub fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// The byte offset of the first character of `s` that XML cannot hold (a
/// C0 control other than tab, line feed and carriage return; U+FFFE;
/// U+FFFF), or with `cr` of the first carriage return too. A byte scan:
/// this runs over every character the exports write. (In UTF-8, 0xEF is
/// only ever the first byte of a three-byte character.)
pub fn first_special(s: &str, cr: bool) -> Option<usize> {
    let b = s.as_bytes();
    b.iter().enumerate().position(|(i, &c)| {
        if c < 0x20 {
            !(c == b'\t' || c == b'\n' || (c == b'\r' && !cr))
        } else {
            c == 0xEF && b.get(i + 1) == Some(&0xBF) && matches!(b.get(i + 2), Some(0xBE | 0xBF))
        }
    })
}

/// `s` escaped for an attribute value, white space as references.
fn attr_value(s: &str) -> String {
    let escaped = quick_xml::escape::escape(s);
    if !escaped.contains(['\t', '\n', '\r']) {
        return escaped.into_owned();
    }
    escaped
        .replace('\t', "&#9;")
        .replace('\n', "&#10;")
        .replace('\r', "&#13;")
}

pub struct Xml<W: Write> {
    w: Writer<W>,
}

impl<W: Write> Xml<W> {
    pub fn new(inner: W) -> Xml<W> {
        Xml {
            w: Writer::new(inner),
        }
    }

    pub fn decl(&mut self) -> io::Result<()> {
        self.w
            .write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
        self.raw("\n")
    }

    fn tag<'a>(name: &'a str, attrs: &[(&str, &str)]) -> BytesStart<'a> {
        let mut start = BytesStart::new(name);
        for (k, v) in attrs {
            // Characters XML cannot hold at all are left out of attributes.
            let value = match first_special(v, false) {
                None => attr_value(v),
                Some(_) => attr_value(&v.chars().filter(|&c| xml_char(c)).collect::<String>()),
            };
            start.push_attribute(Attribute::from((k.as_bytes(), value.as_bytes())));
        }
        start
    }

    pub fn start(&mut self, name: &str, attrs: &[(&str, &str)]) -> io::Result<()> {
        self.w.write_event(Event::Start(Self::tag(name, attrs)))
    }

    pub fn end(&mut self, name: &str) -> io::Result<()> {
        self.w.write_event(Event::End(BytesEnd::new(name)))
    }

    pub fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) -> io::Result<()> {
        self.w.write_event(Event::Empty(Self::tag(name, attrs)))
    }

    /// `<name attrs>text</name>`.
    pub fn element(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) -> io::Result<()> {
        self.start(name, attrs)?;
        self.text(text)?;
        self.end(name)
    }

    /// Text as written: `\r` as a reference, characters XML cannot hold as
    /// `g` elements.
    pub fn text(&mut self, s: &str) -> io::Result<()> {
        let mut rest = s;
        while !rest.is_empty() {
            let cut = first_special(rest, true).unwrap_or(rest.len());
            if cut > 0 {
                let escaped = quick_xml::escape::escape(&rest[..cut]);
                self.w
                    .write_event(Event::Text(BytesText::from_escaped(escaped)))?;
            }
            let Some(c) = rest[cut..].chars().next() else {
                break;
            };
            if c == '\r' {
                self.w
                    .write_event(Event::Text(BytesText::from_escaped("&#13;")))?;
            } else {
                let n = format!("U+{:04X}", c as u32);
                self.empty("g", &[("type", "char"), ("n", &n)])?;
            }
            rest = &rest[cut + c.len_utf8()..];
        }
        Ok(())
    }

    /// A comment; `--` (which a comment cannot hold) becomes `- -`.
    pub fn comment(&mut self, s: &str) -> io::Result<()> {
        let mut body: String = s.chars().filter(|&c| xml_char(c)).collect();
        while body.contains("--") {
            body = body.replace("--", "- -");
        }
        if body.ends_with('-') {
            body.push(' ');
        }
        self.w
            .write_event(Event::Comment(BytesText::from_escaped(format!(" {body} "))))
    }

    /// Markup written as is (new lines and indentation between elements).
    pub fn raw(&mut self, s: &str) -> io::Result<()> {
        self.w.get_mut().write_all(s.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte scan finds exactly the characters `xml_char` refuses, every
    /// character of Unicode tried in the middle of a string.
    #[test]
    fn first_special_is_xml_char_byte_by_byte() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let s = format!("ab{c}d");
            let refused = !xml_char(c);
            assert_eq!(first_special(&s, false), refused.then_some(2), "{c:?}");
            assert_eq!(
                first_special(&s, true),
                (refused || c == '\r').then_some(2),
                "{c:?}"
            );
        }
        assert_eq!(first_special("", true), None);
        assert_eq!(first_special("\u{FFFD}\u{FFFF}", false), Some(3));
    }
}
