//! Writing the front matter: TOML keys in a fixed order, strings escaped.

use super::info::DateValue;

/// One front-matter value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    String(String),
    Date(DateValue),
    Integer(String),
    Strings(Vec<String>),
}

/// The keys, in the order they are written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FrontMatter {
    pub entries: Vec<(&'static str, Value)>,
}

impl FrontMatter {
    pub fn set(&mut self, key: &'static str, value: Value) {
        match self.entries.iter_mut().find(|(k, _)| *k == key) {
            Some(entry) => entry.1 = value,
            None => self.entries.push((key, value)),
        }
    }

    /// `+++`, one `key = value` line per entry, `+++`.
    pub fn render(&self) -> String {
        let mut out = String::from("+++\n");
        for (key, value) in &self.entries {
            out.push_str(key);
            out.push_str(" = ");
            match value {
                Value::String(s) => out.push_str(&string(s)),
                Value::Date(DateValue::Full { year, month, day }) => {
                    out.push_str(&format!("{year:04}-{month:02}-{day:02}"))
                }
                Value::Date(DateValue::Partial(s)) => out.push_str(&string(s)),
                Value::Integer(digits) => out.push_str(digits),
                Value::Strings(items) => {
                    let items: Vec<String> = items.iter().map(|s| string(s)).collect();
                    out.push('[');
                    out.push_str(&items.join(", "));
                    out.push(']');
                }
            }
            out.push('\n');
        }
        out.push_str("+++\n");
        out
    }
}

/// A TOML basic string: `"` and `\` escaped, control characters as escapes.
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped() {
        let tricky = "A \"quoted\" C:\\path\u{7}\ttab\u{7f} ’";
        let mut fm = FrontMatter::default();
        fm.set("title", Value::String(tricky.to_string()));
        fm.set(
            "date",
            Value::Date(DateValue::Full {
                year: 1952,
                month: 9,
                day: 9,
            }),
        );
        fm.set("record", Value::Integer("111247".into()));
        fm.set(
            "translator",
            Value::Strings(vec!["A".into(), "B \"b\"".into()]),
        );
        let rendered = fm.render();
        let toml_text = rendered
            .trim_start_matches("+++\n")
            .trim_end_matches("+++\n");
        let table: toml::Table = toml::from_str(toml_text).expect("valid TOML");
        assert_eq!(table["title"].as_str(), Some(tricky));
        assert_eq!(table["date"].to_string(), "1952-09-09");
        assert_eq!(table["record"].as_integer(), Some(111247));
        assert_eq!(table["translator"][1].as_str(), Some("B \"b\""));
    }
}
