//! How the cards of hover and completion are written: Markdown for clients
//! that render it, plain text for those that do not (LSP lets a client
//! offer only `plaintext`; eglot without markdown-mode and many terminal
//! clients do, and show Markdown's `**`, backticks and `---` as typed).
//!
//! The cards are built from the helpers here, never from Markdown turned
//! into text afterwards: the text a card quotes (a name, a description, a
//! footnote) reaches a plain-text client exactly as written. Which format a
//! client gets is the LSP layer's reading of its capabilities; what each
//! format looks like is decided here.

/// The format of a card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Markup {
    #[default]
    Markdown,
    PlainText,
}

impl Markup {
    /// Strong emphasis: `**text**`; plain: the text.
    pub fn strong(self, text: &str) -> String {
        match self {
            Markup::Markdown => format!("**{text}**"),
            Markup::PlainText => text.to_string(),
        }
    }

    /// A label in front of a sentence: `*Not tagged:*`; plain: the text.
    pub fn emph(self, text: &str) -> String {
        match self {
            Markup::Markdown => format!("*{text}*"),
            Markup::PlainText => text.to_string(),
        }
    }

    /// Literal text (an id, a key, a path, source to type): a code span;
    /// plain: the text. A code span holding backticks is fenced with a
    /// longer run of them.
    pub fn code(self, text: &str) -> String {
        match self {
            Markup::Markdown => {
                let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
                let fence = "`".repeat(longest + 1);
                if longest > 0 || text.starts_with(' ') || text.ends_with(' ') {
                    format!("{fence} {text} {fence}")
                } else {
                    format!("{fence}{text}{fence}")
                }
            }
            Markup::PlainText => text.to_string(),
        }
    }

    /// What separates two cards: a thematic break; plain: a line of box
    /// drawing characters, between blank lines.
    pub fn rule(self) -> &'static str {
        match self {
            Markup::Markdown => "\n\n---\n\n",
            Markup::PlainText => "\n\n────────\n\n",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_helper_in_both_formats() {
        let md = Markup::Markdown;
        let plain = Markup::PlainText;
        assert_eq!(md.strong("Zhou Enlai"), "**Zhou Enlai**");
        assert_eq!(plain.strong("Zhou Enlai"), "Zhou Enlai");
        assert_eq!(md.emph("Not tagged:"), "*Not tagged:*");
        assert_eq!(plain.emph("Not tagged:"), "Not tagged:");
        assert_eq!(md.code("zhou-enlai"), "`zhou-enlai`");
        assert_eq!(md.code("a`b"), "`` a`b ``");
        assert_eq!(plain.code("a`b"), "a`b");
        assert!(!plain.rule().contains("---"));
        assert_eq!(md.rule(), "\n\n---\n\n");
    }
}
