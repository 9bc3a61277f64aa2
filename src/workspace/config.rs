//! `scholia.toml`: which files are the registry and the bibliography, the
//! `[lint]` severities, and the editor's export folder (`[export] dir`).

use std::ops::Range;

use toml::de::{DeTable, DeValue};

use crate::base::{Code, Diagnostic, Level, Lints};

/// A glob from `scholia.toml` and the byte range of its string there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    pub glob: String,
    pub range: Range<usize>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Config {
    pub registry: Vec<Pattern>,
    pub bibliography: Vec<Pattern>,
    pub lints: Lints,
    /// `[citations]`: the style and locale of rendered references.
    pub citations: crate::workspace::bibliography::render::CitationsConfig,
    /// Phrases that contain a registry name but are never a mention
    /// (`not-mentions = ["Twentieth-Century China"]`), and the byte range
    /// of that array in `scholia.toml` (where a quick fix adds one).
    pub not_mentions: Vec<String>,
    pub not_mentions_range: Option<Range<usize>>,
    /// `[export] dir`: the folder, relative to the root, where the editor's
    /// "Export to TEI" puts its files; `None` (the default, `export`) when
    /// absent or invalid (an invalid value is a `config` diagnostic).
    pub export_dir: Option<String>,
    /// Problems in `scholia.toml` itself (code `config`).
    pub diagnostics: Vec<Diagnostic>,
}

impl Config {
    pub fn parse(src: &str) -> Config {
        let mut config = Config::default();
        let (table, errors) = DeTable::parse_recoverable(src);
        for e in errors {
            config.diagnostics.push(Diagnostic::new(
                Code::Config,
                e.span().unwrap_or(0..src.len()),
                format!("scholia.toml is not valid TOML: {}", e.message().trim()),
            ));
        }
        for (key, value) in table.get_ref().iter() {
            let key_name: &str = key.get_ref().as_ref();
            match key_name {
                "registry" | "bibliography" => {
                    let patterns = config.patterns(key_name, value);
                    if key_name == "registry" {
                        config.registry = patterns;
                    } else {
                        config.bibliography = patterns;
                    }
                }
                "not-mentions" => config.not_mentions(value),
                "citations" => config.citations(value),
                "export" => config.export(value),
                "lint" => match value.get_ref() {
                    DeValue::Table(lints) => {
                        for (code, level) in lints.iter() {
                            config.lint(code.get_ref().as_ref(), code.span(), level);
                        }
                    }
                    other => config.error(
                        value.span(),
                        format!("`lint` must be a table, not {}", other.type_str()),
                    ),
                },
                other => config.error(
                    key.span(),
                    format!("unknown key `{other}`: scholia.toml knows `registry`, `bibliography`, `not-mentions`, `[citations]`, `[export]` and `[lint]`"),
                ),
            }
        }
        config.diagnostics.sort_by_key(|d| d.range.start);
        config
    }

    fn error(&mut self, range: Range<usize>, message: String) {
        self.diagnostics
            .push(Diagnostic::new(Code::Config, range, message));
    }

    fn patterns(&mut self, key: &str, value: &toml::Spanned<DeValue<'_>>) -> Vec<Pattern> {
        let items: Vec<_> = match value.get_ref() {
            DeValue::String(s) => vec![(s.to_string(), value.span())],
            DeValue::Array(items) => items
                .iter()
                .filter_map(|item| match item.get_ref().as_str() {
                    Some(s) => Some((s.to_string(), item.span())),
                    None => {
                        self.error(
                            item.span(),
                            format!("every `{key}` entry must be a string (a path or a glob)"),
                        );
                        None
                    }
                })
                .collect(),
            other => {
                self.error(
                    value.span(),
                    format!(
                        "`{key}` must be an array of paths or globs, not {}",
                        other.type_str()
                    ),
                );
                Vec::new()
            }
        };
        let mut patterns = Vec::new();
        for (glob, range) in items {
            if escapes_root(&glob) {
                self.error(
                    range,
                    format!("`{glob}` resolves outside the workspace root; only files below the folder of scholia.toml can be used"),
                );
            } else if let Err(e) = globset::Glob::new(&glob) {
                self.error(range, format!("`{glob}` is not a valid glob: {e}"));
            } else {
                patterns.push(Pattern { glob, range });
            }
        }
        patterns
    }

    fn not_mentions(&mut self, value: &toml::Spanned<DeValue<'_>>) {
        let DeValue::Array(items) = value.get_ref() else {
            self.error(
                value.span(),
                format!(
                    "`not-mentions` must be an array of phrases, not {}",
                    value.get_ref().type_str()
                ),
            );
            return;
        };
        self.not_mentions_range = Some(value.span());
        for item in items.iter() {
            match item.get_ref().as_str() {
                Some(s) if !s.trim().is_empty() => self.not_mentions.push(s.to_string()),
                Some(_) => self.error(
                    item.span(),
                    "a not-a-mention phrase must not be empty".into(),
                ),
                None => self.error(
                    item.span(),
                    "every `not-mentions` entry must be a string (a phrase)".into(),
                ),
            }
        }
    }

    /// `[citations]`: `style` and `locale`, strings (checked against the
    /// styles and locales when the workspace loads).
    fn citations(&mut self, value: &toml::Spanned<DeValue<'_>>) {
        let DeValue::Table(table) = value.get_ref() else {
            self.error(
                value.span(),
                format!(
                    "`citations` must be a table, not {}",
                    value.get_ref().type_str()
                ),
            );
            return;
        };
        for (key, value) in table.iter() {
            let name: &str = key.get_ref().as_ref();
            let slot = match name {
                "style" => &mut self.citations.style,
                "locale" => &mut self.citations.locale,
                other => {
                    self.error(
                        key.span(),
                        format!("unknown key `{other}`: `[citations]` knows `style` and `locale`"),
                    );
                    continue;
                }
            };
            match value.get_ref().as_str() {
                Some(s) => *slot = Some((s.to_string(), value.span())),
                None => self.error(value.span(), format!("`citations.{name}` must be a string")),
            }
        }
    }

    /// `[export]`: `dir`, a folder below the root.
    fn export(&mut self, value: &toml::Spanned<DeValue<'_>>) {
        let DeValue::Table(table) = value.get_ref() else {
            self.error(
                value.span(),
                format!(
                    "`export` must be a table, not {}",
                    value.get_ref().type_str()
                ),
            );
            return;
        };
        for (key, value) in table.iter() {
            let name: &str = key.get_ref().as_ref();
            if name != "dir" {
                self.error(
                    key.span(),
                    format!("unknown key `{name}`: `[export]` knows `dir`"),
                );
                continue;
            }
            match value.get_ref().as_str() {
                None => self.error(
                    value.span(),
                    format!(
                        "`export.dir` must be a string (a folder below the workspace root), not {}; `{DEFAULT_EXPORT_DIR}` is used",
                        value.get_ref().type_str()
                    ),
                ),
                Some(s) if s.trim().is_empty() => self.error(
                    value.span(),
                    format!("`export.dir` must name a folder; `{DEFAULT_EXPORT_DIR}` is used"),
                ),
                Some(s) if escapes_root(s) => self.error(
                    value.span(),
                    format!("`{s}` resolves outside the workspace root; the export folder must be below the folder of scholia.toml (`{DEFAULT_EXPORT_DIR}` is used)"),
                ),
                Some(s) => self.export_dir = Some(s.to_string()),
            }
        }
    }

    /// The export folder, relative to the root (`[export] dir`, default
    /// `export`).
    pub fn export_dir(&self) -> &str {
        self.export_dir.as_deref().unwrap_or(DEFAULT_EXPORT_DIR)
    }

    fn lint(&mut self, code: &str, range: Range<usize>, level: &toml::Spanned<DeValue<'_>>) {
        let Some(c) = Code::from_name(code) else {
            self.error(range, format!("unknown diagnostic code `{code}`"));
            return;
        };
        match level.get_ref().as_str().map(str::parse::<Level>) {
            Some(Ok(l)) => self.lints.set(c, l),
            _ => self.error(
                level.span(),
                "a lint level is one of \"off\", \"hint\", \"info\", \"warning\", \"error\"".into(),
            ),
        }
    }
}

/// The editor's export folder when `[export] dir` does not name one.
pub const DEFAULT_EXPORT_DIR: &str = "export";

/// True when a relative path or glob can name something outside the root:
/// absolute, or with a `..` component.
fn escapes_root(glob: &str) -> bool {
    let p = std::path::Path::new(glob);
    p.is_absolute()
        || glob.starts_with('~')
        || p.components()
            .any(|c| matches!(c, std::path::Component::ParentDir))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_globs_and_lints_and_refuses_escapes() {
        let src = "registry = [\"registry/*.toml\", \"../outside.toml\"]\nbibliography = \"sources.json\"\n[lint]\nuntagged-mention = \"off\"\nmissing-source = \"loud\"\nno-such = \"hint\"\n";
        let c = Config::parse(src);
        assert_eq!(c.registry.len(), 1);
        assert_eq!(c.bibliography[0].glob, "sources.json");
        assert_eq!(c.lints.level(Code::UntaggedMention), Level::Off);
        let messages: Vec<_> = c
            .diagnostics
            .iter()
            .map(|d| (&src[d.range.clone()], d.message.as_str()))
            .collect();
        assert_eq!(messages.len(), 3, "{messages:?}");
        assert_eq!(messages[0].0, "\"../outside.toml\"");
        assert_eq!(messages[1].0, "\"loud\"");
        assert_eq!(messages[2].0, "no-such");
    }

    #[test]
    fn export_dir_is_a_folder_below_the_root() {
        assert_eq!(Config::parse("").export_dir(), "export");
        let c = Config::parse("[export]\ndir = \"out/tei\"\n");
        assert_eq!(c.export_dir(), "out/tei");
        assert!(c.diagnostics.is_empty());
        for (src, value) in [
            ("[export]\ndir = \"/tmp/x\"\n", "\"/tmp/x\""),
            ("[export]\ndir = \"../x\"\n", "\"../x\""),
            ("[export]\ndir = \"a/../../x\"\n", "\"a/../../x\""),
            ("[export]\ndir = 3\n", "3"),
            ("[export]\ndir = \"\"\n", "\"\""),
            ("export = \"x\"\n", "\"x\""),
        ] {
            let c = Config::parse(src);
            assert_eq!(c.export_dir(), "export", "{src}");
            let spots: Vec<&str> = c
                .diagnostics
                .iter()
                .map(|d| &src[d.range.clone()])
                .collect();
            assert_eq!(spots, [value], "{src}: {:?}", c.diagnostics);
        }
    }
}
