//! Base types every layer shares: diagnostic codes (SPEC §5), their default
//! severities, the `[lint]` table that overrides them, and the diagnostic
//! value itself, in byte ranges. It sits beside `text.rs` at the bottom of
//! the house and imports nothing of the crate, so that syntax, the
//! workspace and the checks can all report problems without importing the
//! layer above them.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::str::FromStr;

/// How serious a diagnostic is. `Off` only appears in lint settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Hint,
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Hint => "hint",
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A severity setting from `[lint]`: a severity, or `off`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Off,
    On(Severity),
}

impl FromStr for Level {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        Ok(match s {
            "off" => Level::Off,
            "hint" => Level::On(Severity::Hint),
            "info" | "information" => Level::On(Severity::Info),
            "warning" | "warn" => Level::On(Severity::Warning),
            "error" => Level::On(Severity::Error),
            _ => return Err(()),
        })
    }
}

macro_rules! codes {
    ($($variant:ident => $name:literal, $sev:ident;)*) => {
        /// Every stable diagnostic code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $($variant),* }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $name),* }
            }

            pub fn default_severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$sev),* }
            }

            pub fn from_name(name: &str) -> Option<Code> {
                match name { $($name => Some(Code::$variant),)* _ => None }
            }
        }
    };
}

codes! {
    UndefinedFootnote => "undefined-footnote", Error;
    UnusedFootnote => "unused-footnote", Warning;
    DuplicateFootnote => "duplicate-footnote", Error;
    FootnoteOrder => "footnote-order", Warning;
    UnknownCitation => "unknown-citation", Error;
    MissingSource => "missing-source", Warning;
    UncitedNote => "uncited-note", Hint;
    UnknownEntity => "unknown-entity", Error;
    AmbiguousEntity => "ambiguous-entity", Warning;
    UnclosedBracket => "unclosed-bracket", Error;
    UntaggedMention => "untagged-mention", Hint;
    TranslationMismatch => "translation-mismatch", Warning;
    InconsistentVariant => "inconsistent-variant", Hint;
    AmbiguousLocator => "ambiguous-locator", Info;
    FrontMatter => "front-matter", Error;
    Registry => "registry", Error;
    AliasConflict => "alias-conflict", Warning;
    DuplicateAuthority => "duplicate-authority", Warning;
    MissingAuthority => "missing-authority", Warning;
    Bibliography => "bibliography", Error;
    UnusedBibliographyEntry => "unused-bibliography-entry", Warning;
    Config => "config", Error;
    Io => "io", Error;
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem, in byte offsets of the file it belongs to. Converted to
/// line/column only at the edge (CLI output, LSP).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub range: Range<usize>,
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    /// Other places the problem involves (LSP `relatedInformation`), such
    /// as the other entry of a `duplicate-authority` pair.
    pub related: Vec<Related>,
}

/// A place in another (or the same) file that a diagnostic points to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    pub path: std::path::PathBuf,
    /// Byte range in that file.
    pub range: Range<usize>,
    pub message: String,
}

impl Diagnostic {
    /// A diagnostic at the code's default severity; `Lints::apply` adjusts it.
    pub fn new(code: Code, range: Range<usize>, message: impl Into<String>) -> Self {
        Diagnostic {
            range,
            code,
            severity: code.default_severity(),
            message: message.into(),
            related: Vec::new(),
        }
    }

    /// The diagnostic with one more related place.
    pub fn with_related(mut self, related: Related) -> Self {
        self.related.push(related);
        self
    }
}

/// Codes reported only when `[lint]` (or the client) turns them on; the
/// severity they then have by default is the one in `codes!`.
pub const OFF_BY_DEFAULT: &[Code] = &[Code::MissingAuthority, Code::UnusedBibliographyEntry];

/// Severity overrides: the workspace's `[lint]` table over the client's
/// defaults over the built-in defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lints {
    levels: HashMap<Code, Level>,
}

impl Lints {
    pub fn set(&mut self, code: Code, level: Level) {
        self.levels.insert(code, level);
    }

    pub fn level(&self, code: Code) -> Level {
        self.levels
            .get(&code)
            .copied()
            .unwrap_or(if OFF_BY_DEFAULT.contains(&code) {
                Level::Off
            } else {
                Level::On(code.default_severity())
            })
    }

    /// `self` wins where it has a setting; `defaults` fills the rest.
    pub fn or(&self, defaults: &Lints) -> Lints {
        let mut levels = defaults.levels.clone();
        levels.extend(self.levels.iter().map(|(c, l)| (*c, *l)));
        Lints { levels }
    }

    /// Sets each diagnostic's severity and drops those switched off.
    pub fn apply(&self, diagnostics: &mut Vec<Diagnostic>) {
        diagnostics.retain_mut(|d| match self.level(d.code) {
            Level::Off => false,
            Level::On(severity) => {
                d.severity = severity;
                true
            }
        });
    }
}
