//! Rendering a reference with hayagriva: the style and locale chosen in
//! `scholia.toml` (`[citations]`), the locator's label, and the text.
//!
//! A note style (Chicago notes, the default) renders the first note of the
//! entry, the locator in its place; an in-text style (APA, …) renders the
//! entry of the bibliography, followed by the in-text citation with the
//! locator when there is one. The text is plain (no Markdown).

use std::ops::Range;
use std::path::Path;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use hayagriva::archive::{ArchivedStyle, locales};
use hayagriva::citationberg::taxonomy::Locator;
use hayagriva::citationberg::{IndependentStyle, Locale, LocaleCode, Style, StyleClass};
use hayagriva::{
    BibliographyDriver, BibliographyRequest, BufWriteFormat, CitationItem, CitationRequest,
    ElemChildren, LocatorPayload, SpecificLocator,
};

use super::BibEntry;
use super::model::Source;
use super::store::{self, RenderStore};
use crate::base::{Code, Diagnostic};

/// hayagriva's entry trait is not public, so no function can be generic
/// over it: the rendering is written once, expanded for each kind of entry.
macro_rules! render_entry {
    ($self:ident, $entry:expr, $locator:expr) => {{
        let style = $self.style();
        let locales = all_locales();
        let locator = parse_locator($locator);
        // One citation, the first of the entry: a note style's full note.
        let mut driver = BibliographyDriver::new();
        driver.citation(CitationRequest::new(
            vec![CitationItem::with_locator($entry, locator.clone())],
            style,
            $self.locale.clone(),
            locales,
            Some(1),
        ));
        let note = style.settings.class == StyleClass::Note;
        // A note style's answer is the note alone: its bibliography entry
        // (a third of the work) is not rendered.
        let finish_style = if note { $self.notes_only() } else { style };
        let rendered = driver.finish(BibliographyRequest::new(
            finish_style,
            $self.locale.clone(),
            locales,
        ));
        let cite = rendered
            .citations
            .first()
            .map(|c| plain(&c.citation))
            .unwrap_or_default();
        let reference = rendered
            .bibliography
            .and_then(|b| b.items.into_iter().next())
            .map(|item| plain(&item.content))
            .unwrap_or_default();
        match (note, reference.is_empty(), locator.is_some()) {
            (true, _, _) | (false, true, _) => cite,
            (false, false, false) => reference,
            (false, false, true) => format!("{reference}\n\n{cite}"),
        }
    }};
}

/// The style used when `scholia.toml` names none (or one that fails).
pub const DEFAULT_STYLE: ArchivedStyle = ArchivedStyle::ChicagoNotes;

/// Gives each style its own id: the cache's key.
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// A citation style and locale, the style decoded on first use.
#[derive(Debug)]
pub struct CitationStyle {
    id: u64,
    /// As `scholia.toml` names it (`chicago-notes` by default).
    pub name: String,
    source: StyleSource,
    locale: Option<LocaleCode>,
    decoded: OnceLock<IndependentStyle>,
    /// The style without its bibliography, for a note style's notes.
    notes_only: OnceLock<IndependentStyle>,
    /// What decides this style's renderings besides the entry and locator:
    /// its name, locale and, for a style file, a hash of its text.
    fingerprint: String,
    /// Renderings kept between runs, when the caller asked for them.
    store: OnceLock<RenderStore>,
}

#[derive(Debug)]
enum StyleSource {
    Bundled(ArchivedStyle),
    Parsed(Box<IndependentStyle>),
}

impl Default for CitationStyle {
    fn default() -> CitationStyle {
        CitationStyle::bundled(DEFAULT_STYLE, None)
    }
}

/// The `[citations]` table of `scholia.toml`: each value with the range of
/// its string.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CitationsConfig {
    pub style: Option<(String, Range<usize>)>,
    pub locale: Option<(String, Range<usize>)>,
}

/// Every CSL locale hayagriva bundles, decoded once.
fn all_locales() -> &'static [Locale] {
    static LOCALES: OnceLock<Vec<Locale>> = OnceLock::new();
    LOCALES.get_or_init(locales)
}

impl CitationStyle {
    fn bundled(style: ArchivedStyle, locale: Option<LocaleCode>) -> CitationStyle {
        CitationStyle {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            name: style.names()[0].to_string(),
            source: StyleSource::Bundled(style),
            fingerprint: format!("bundled {}; locale {locale:?}", style.names()[0]),
            locale,
            decoded: OnceLock::new(),
            notes_only: OnceLock::new(),
            store: OnceLock::new(),
        }
    }

    /// The style `config` names, found among hayagriva's bundled styles or
    /// read from a `.csl` file below `root`; problems are diagnostics on
    /// `scholia.toml` (code `config`), and the default style stands in.
    pub fn resolve(config: &CitationsConfig, root: &Path) -> (CitationStyle, Vec<Diagnostic>) {
        let mut diagnostics = Vec::new();
        let locale = match &config.locale {
            Some((code, range)) => {
                let known = all_locales().iter().any(|l| {
                    l.lang.as_ref().is_some_and(|lang| {
                        lang.0.eq_ignore_ascii_case(code)
                            || lang
                                .0
                                .split('-')
                                .next()
                                .is_some_and(|base| base.eq_ignore_ascii_case(code))
                    })
                });
                if !known {
                    diagnostics.push(Diagnostic::new(
                        Code::Config,
                        range.clone(),
                        format!("no CSL locale `{code}` is bundled (e.g. \"en-US\", \"de-DE\", \"ru-RU\", \"zh-CN\"); the style's own locale is used"),
                    ));
                }
                Some(LocaleCode(code.clone())).filter(|_| known)
            }
            None => None,
        };
        let Some((name, range)) = &config.style else {
            return (CitationStyle::bundled(DEFAULT_STYLE, locale), diagnostics);
        };
        let mut fail = |message: String| {
            diagnostics.push(Diagnostic::new(Code::Config, range.clone(), message));
        };
        let is_path = name.ends_with(".csl") || name.contains('/') || name.contains('\\');
        let style = if !is_path {
            match ArchivedStyle::by_name(name) {
                Some(style) => Some(CitationStyle::bundled(style, locale.clone())),
                None => {
                    fail(format!(
                        "unknown citation style `{name}`: name one hayagriva bundles (e.g. \"chicago-notes\", \"apa\", \"modern-language-association\") or a .csl file of the workspace; {} is used meanwhile",
                        DEFAULT_STYLE.names()[0]
                    ));
                    None
                }
            }
        } else {
            match read_csl(root, name) {
                Ok((style, hash)) => Some(CitationStyle {
                    id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
                    name: name.clone(),
                    source: style,
                    fingerprint: format!("file {name} {hash:016x}; locale {locale:?}"),
                    locale: locale.clone(),
                    decoded: OnceLock::new(),
                    notes_only: OnceLock::new(),
                    store: OnceLock::new(),
                }),
                Err(message) => {
                    fail(format!(
                        "{message}; {} is used meanwhile",
                        DEFAULT_STYLE.names()[0]
                    ));
                    None
                }
            }
        };
        let style = style.unwrap_or_else(|| CitationStyle::bundled(DEFAULT_STYLE, locale));
        (style, diagnostics)
    }

    /// Identifies this style among all made in this process.
    pub fn id(&self) -> u64 {
        self.id
    }

    fn style(&self) -> &IndependentStyle {
        self.decoded.get_or_init(|| match &self.source {
            StyleSource::Parsed(style) => (**style).clone(),
            StyleSource::Bundled(archived) => match independent(archived.get()) {
                Some(style) => style,
                None => {
                    let Style::Independent(style) = DEFAULT_STYLE.get() else {
                        unreachable!("the default style is independent")
                    };
                    style
                }
            },
        })
    }

    fn notes_only(&self) -> &IndependentStyle {
        self.notes_only.get_or_init(|| {
            let mut style = self.style().clone();
            style.bibliography = None;
            style
        })
    }

    /// Whether this style writes notes (rather than in-text citations).
    pub fn is_note_style(&self) -> bool {
        self.style().settings.class == StyleClass::Note
    }

    /// The entry rendered in this style, with `locator` (may be empty).
    /// hayagriva is not trusted never to panic on odd data: a panic gives
    /// the entry's key and title rather than crash the caller.
    pub fn render(&self, entry: &BibEntry, locator: &str) -> String {
        let Some(store) = self.store.get() else {
            return self.render_now(entry, locator);
        };
        // The entry as hayagriva gets it, and the locator: what decides
        // the answer within this style (`store.rs`).
        let key = format!("{:?}\0{locator}", entry.source);
        if let Some(text) = store.get(&key) {
            return text;
        }
        let text = self.render_now(entry, locator);
        store.put(key, text.clone());
        text
    }

    /// Renderings are kept in `dir` between runs (`store.rs`) from now on,
    /// and read from what earlier runs kept there; the first call decides.
    pub fn keep_renders(&self, dir: &Path) -> &RenderStore {
        self.store
            .get_or_init(|| RenderStore::open(dir, &self.fingerprint))
    }

    /// The store `keep_renders` opened.
    pub fn kept_renders(&self) -> Option<&RenderStore> {
        self.store.get()
    }

    fn render_now(&self, entry: &BibEntry, locator: &str) -> String {
        let rendered =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match &entry.source {
                Source::Csl(item) => render_entry!(self, item, locator),
                Source::Tex(tex) => render_entry!(self, tex.as_ref(), locator),
            }));
        match rendered {
            Ok(text) if !text.trim().is_empty() => text,
            _ => {
                let mut text = entry.key.clone();
                if let Some(title) = &entry.title {
                    text.push_str(", ");
                    text.push_str(title);
                }
                if !locator.is_empty() {
                    text.push_str(", ");
                    text.push_str(locator);
                }
                text
            }
        }
    }
}

fn plain(children: &ElemChildren) -> String {
    let mut out = String::new();
    // Writing to a String does not fail.
    let _ = children.write_buf(&mut out, BufWriteFormat::Plain);
    out.trim().to_string()
}

fn independent(style: Style) -> Option<IndependentStyle> {
    match style {
        Style::Independent(style) => Some(style),
        // A dependent style names its parent: one of the bundled ones.
        Style::Dependent(dependent) => {
            match ArchivedStyle::by_id(&dependent.parent_link.href.to_string())?.get() {
                Style::Independent(mut parent) => {
                    if dependent.default_locale.is_some() {
                        parent.default_locale = dependent.default_locale;
                    }
                    Some(parent)
                }
                Style::Dependent(_) => None,
            }
        }
    }
}

/// The largest `.csl` file read.
const MAX_CSL: u64 = 4 << 20;

/// Reads and parses the `.csl` file `name` (relative to `root`, and inside
/// it, links resolved).
/// Gives the style and a stable hash of its text.
fn read_csl(root: &Path, name: &str) -> Result<(StyleSource, u64), String> {
    let relative = Path::new(name);
    if relative.is_absolute()
        || name.starts_with('~')
        || relative
            .components()
            .any(|c| matches!(c, std::path::Component::ParentDir))
    {
        return Err(format!(
            "`{name}` is outside the workspace: a style file must be below the folder of scholia.toml"
        ));
    }
    let path = root.join(relative);
    let inside = match (path.canonicalize(), root.canonicalize()) {
        (Ok(path), Ok(root)) => path.starts_with(root),
        (Err(e), _) | (_, Err(e)) => return Err(format!("cannot read the style `{name}`: {e}")),
    };
    if !inside {
        return Err(format!(
            "`{name}` links outside the workspace: a style file must be below the folder of scholia.toml"
        ));
    }
    let too_big = std::fs::metadata(&path).is_ok_and(|m| m.len() > MAX_CSL);
    if too_big {
        return Err(format!("the style `{name}` is larger than 4 MiB"));
    }
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read the style `{name}`: {e}"))?;
    let style = std::panic::catch_unwind(|| Style::from_xml(&text))
        .map_err(|_| format!("the style `{name}` is not a CSL style"))?
        .map_err(|e| format!("the style `{name}` is not a valid CSL style: {e}"))?;
    match &style {
        Style::Dependent(d) if independent(style.clone()).is_none() => Err(format!(
            "the style `{name}` depends on `{}`, which is not bundled",
            d.parent_link.href
        )),
        _ => Ok(match independent(style) {
            Some(style) => (
                StyleSource::Parsed(Box::new(style)),
                store::stable_hash(&[&text]),
            ),
            None => unreachable!("checked above"),
        }),
    }
}

/// A locator's shape: its text with each plain number (one to six ASCII
/// digits, no leading zero) taken out, e.g. `pp. 12-19` → `pp. _-_`. Two
/// locators of one shape render alike but for those numbers (hayagriva
/// prints a locator's numbers as written and decides its label from its
/// delimiters), so a shape is rendered once per entry (`Template`) and
/// every locator of that shape is filled in. A range must be written low
/// to high (a style may treat `19-12` otherwise).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocatorShape<'a> {
    /// The text around the numbers: one more piece than numbers.
    pieces: Vec<&'a str>,
    numbers: Vec<&'a str>,
}

/// At most this many numbers in a locator with a shape.
const MAX_NUMBERS: usize = 4;

impl<'a> LocatorShape<'a> {
    pub fn of(locator: &'a str) -> Option<LocatorShape<'a>> {
        let bytes = locator.as_bytes();
        let (mut pieces, mut numbers) = (Vec::new(), Vec::new());
        let (mut start, mut i) = (0, 0);
        while i < bytes.len() {
            if !bytes[i].is_ascii_digit() {
                i += 1;
                continue;
            }
            let mut j = i;
            while j < bytes.len() && bytes[j].is_ascii_digit() {
                j += 1;
            }
            // ASCII digits never sit inside a multi-byte character.
            if bytes[i] != b'0' && j - i <= 6 {
                pieces.push(&locator[start..i]);
                numbers.push(&locator[i..j]);
                start = j;
            }
            i = j;
        }
        pieces.push(&locator[start..]);
        if numbers.is_empty() || numbers.len() > MAX_NUMBERS || locator.contains('\0') {
            return None;
        }
        for k in 1..numbers.len() {
            if matches!(pieces[k].trim(), "-" | "–" | "—" | "--") {
                let a: u32 = numbers[k - 1].parse().ok()?;
                let b: u32 = numbers[k].parse().ok()?;
                if a >= b {
                    return None;
                }
            }
        }
        Some(LocatorShape { pieces, numbers })
    }

    /// The shape as a key: the pieces joined by NUL.
    pub fn key(&self) -> Box<str> {
        self.pieces.join("\0").into()
    }

    pub fn numbers(&self) -> &[&'a str] {
        &self.numbers
    }

    /// The key of this shape's template: the CSL locator hayagriva is given
    /// (its kind, and the shape of the text after the label), so locators
    /// that differ only in how their label is written (`l. 5`, `ll. 9`;
    /// `p. 5`, `pp. 9`, `9`) share one rendering: hayagriva gets the same
    /// input for them but for the numbers. `locator` is the one this shape
    /// was made of.
    pub fn template_key(&self, locator: &str) -> Box<str> {
        if let Some(SpecificLocator(kind, LocatorPayload::Str(payload))) = parse_locator(locator)
            && let Some(shape) = LocatorShape::of(payload)
            && shape.numbers == self.numbers
        {
            return format!("{kind:?}\u{1}{}", shape.key()).into();
        }
        // Never equal to a key above: those start with a kind's name.
        format!("\u{2}{}", self.key()).into()
    }
}

/// The number standing for the `k`th number of a shape while its template
/// is rendered: seven digits, increasing, so a range stays a range.
fn sentinel(k: usize) -> String {
    (1_000_001 + 2 * k).to_string()
}

/// A reference rendered for a locator shape, cut where its numbers go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pieces: Vec<Box<str>>,
}

impl Template {
    /// The reference with these numbers (as many as the shape has).
    pub fn fill(&self, numbers: &[&str]) -> String {
        let mut out = String::with_capacity(
            self.pieces.iter().map(|p| p.len()).sum::<usize>() + 8 * numbers.len(),
        );
        for (k, piece) in self.pieces.iter().enumerate() {
            out.push_str(piece);
            if let Some(n) = numbers.get(k) {
                out.push_str(n);
            }
        }
        out
    }
}

impl CitationStyle {
    /// The template of `entry` for locators of `shape`: the entry rendered
    /// with sentinel numbers, cut at them. `None` when the style does more
    /// with a number than print it as written (an ordinal suffix, roman
    /// numerals, a shortened range) or when a sentinel is not found exactly
    /// once: such locators are rendered one by one.
    pub fn template(&self, entry: &BibEntry, shape: &LocatorShape<'_>) -> Option<Template> {
        let sentinels: Vec<String> = (0..shape.numbers.len()).map(sentinel).collect();
        let mut locator = String::new();
        for (k, piece) in shape.pieces.iter().enumerate() {
            locator.push_str(piece);
            if let Some(s) = sentinels.get(k) {
                locator.push_str(s);
            }
        }
        let text = self.render(entry, &locator);
        let mut pieces = Vec::with_capacity(sentinels.len() + 1);
        let mut rest = text.as_str();
        for (k, s) in sentinels.iter().enumerate() {
            if text.matches(s.as_str()).count() != 1 {
                return None;
            }
            let at = rest.find(s.as_str())?;
            let (before, after) = (&rest[..at], &rest[at + s.len()..]);
            if before.ends_with(|c: char| c.is_numeric()) {
                return None;
            }
            // What follows the number in the locator may follow it here;
            // any other letter or digit is the style's (`1st`, `2nd`).
            let next = shape.pieces[k + 1].chars().next();
            if let Some(c) = after.chars().next()
                && c.is_alphanumeric()
                && Some(c) != next
            {
                return None;
            }
            pieces.push(before.into());
            rest = after;
        }
        pieces.push(rest.into());
        Some(Template { pieces })
    }
}

/// Locator labels as written in citations, with the CSL locator they name
/// (longest first where one is a prefix of another).
const LABELS: &[(&str, Locator)] = &[
    ("pp.", Locator::Page),
    ("p.", Locator::Page),
    ("pages", Locator::Page),
    ("page", Locator::Page),
    ("fols.", Locator::Folio),
    ("fol.", Locator::Folio),
    ("folios", Locator::Folio),
    ("folio", Locator::Folio),
    ("ll.", Locator::Line),
    ("l.", Locator::Line),
    ("lines", Locator::Line),
    ("line", Locator::Line),
    ("chaps.", Locator::Chapter),
    ("chap.", Locator::Chapter),
    ("ch.", Locator::Chapter),
    ("chapter", Locator::Chapter),
    ("cols.", Locator::Column),
    ("col.", Locator::Column),
    ("figs.", Locator::Figure),
    ("fig.", Locator::Figure),
    ("nn.", Locator::Note),
    ("n.", Locator::Note),
    ("note", Locator::Note),
    ("op.", Locator::Opus),
    ("paras.", Locator::Paragraph),
    ("para.", Locator::Paragraph),
    ("¶", Locator::Paragraph),
    ("pt.", Locator::Part),
    ("part", Locator::Part),
    ("secs.", Locator::Section),
    ("sec.", Locator::Section),
    ("§§", Locator::Section),
    ("§", Locator::Section),
    ("s.v.", Locator::SubVerbo),
    ("vols.", Locator::Volume),
    ("vol.", Locator::Volume),
    ("vv.", Locator::Verse),
    ("v.", Locator::Verse),
    ("bk.", Locator::Book),
    ("book", Locator::Book),
    ("tbl.", Locator::Table),
    ("app.", Locator::Appendix),
];

/// A locator as CSL sees it: its label (`fols. 97-103` → folio `97-103`);
/// digits without a label are pages; anything else is printed as written,
/// with no label.
fn parse_locator(locator: &str) -> Option<SpecificLocator<'_>> {
    let locator = locator.trim();
    if locator.is_empty() {
        return None;
    }
    for (label, kind) in LABELS {
        let Some(head) = locator.get(..label.len()) else {
            continue;
        };
        if !head.eq_ignore_ascii_case(label) {
            continue;
        }
        let rest = &locator[label.len()..];
        let boundary = rest.is_empty()
            || rest.starts_with(char::is_whitespace)
            || (label.ends_with(['.', '¶', '§']) && rest.starts_with(|c: char| c.is_ascii_digit()));
        if boundary && !rest.trim().is_empty() {
            return Some(SpecificLocator(*kind, LocatorPayload::Str(rest.trim())));
        }
    }
    let kind = if locator.starts_with(|c: char| c.is_ascii_digit()) {
        Locator::Page
    } else {
        Locator::Custom
    };
    Some(SpecificLocator(kind, LocatorPayload::Str(locator)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locator_labels() {
        let parse = |s| match parse_locator(s) {
            Some(SpecificLocator(kind, LocatorPayload::Str(value))) => Some((kind, value)),
            _ => None,
        };
        assert_eq!(parse("fols. 97-103"), Some((Locator::Folio, "97-103")));
        assert_eq!(parse("  ll. 97-103 "), Some((Locator::Line, "97-103")));
        assert_eq!(parse("p.5"), Some((Locator::Page, "5")));
        assert_eq!(parse("Pp. 5–7"), Some((Locator::Page, "5–7")));
        assert_eq!(parse("430"), Some((Locator::Page, "430")));
        assert_eq!(parse("§ 4"), Some((Locator::Section, "4")));
        assert_eq!(parse("pages"), Some((Locator::Custom, "pages")));
        assert_eq!(parse("part 2"), Some((Locator::Part, "2")));
        assert_eq!(parse("partly"), Some((Locator::Custom, "partly")));
        assert_eq!(parse("d. 343"), Some((Locator::Custom, "d. 343")));
        assert_eq!(parse("  "), None);
    }

    #[test]
    fn locator_shapes() {
        let shape =
            |s| LocatorShape::of(s).map(|sh| (sh.key().replace('\0', "_"), sh.numbers().to_vec()));
        assert_eq!(
            shape("pp. 12-19"),
            Some(("pp. _-_".into(), vec!["12", "19"]))
        );
        assert_eq!(shape("f. 128"), Some(("f. _".into(), vec!["128"])));
        assert_eq!(shape("430."), Some(("_.".into(), vec!["430"])));
        // Leading zeros and long numbers stay in the shape.
        assert_eq!(shape("007, 5"), Some(("007, _".into(), vec!["5"])));
        assert_eq!(shape("p. 1000001"), None);
        // A range written high to low, or no number: rendered one by one.
        assert_eq!(shape("321-28"), None);
        assert_eq!(shape("7-7"), None);
        assert_eq!(shape("xii"), None);
        assert_eq!(shape("1, 2, 3, 4, 5"), None);
        // Locators hayagriva gets alike but for their numbers share a key.
        let key = |s| {
            LocatorShape::of(s)
                .unwrap()
                .template_key(s)
                .replace('\0', "_")
                .replace('\u{1}', "|")
        };
        assert_eq!(key("l. 5"), "Line|_");
        assert_eq!(key("ll. 9"), "Line|_");
        assert_eq!(key("p. 5"), "Page|_");
        assert_eq!(key("pp. 9"), "Page|_");
        assert_eq!(key("9"), "Page|_");
        assert_eq!(key("pp. 5-9"), "Page|_-_");
        assert_eq!(key("f. 128"), "Custom|f. _");
        assert_eq!(key("fol. 128"), "Folio|_");
    }

    #[test]
    fn styles_by_name_and_problems() {
        let root = std::env::temp_dir();
        let config = |style: &str, locale: Option<&str>| CitationsConfig {
            style: Some((style.to_string(), 0..1)),
            locale: locale.map(|l| (l.to_string(), 2..3)),
        };
        let (style, d) = CitationStyle::resolve(&CitationsConfig::default(), &root);
        assert_eq!((style.name.as_str(), d.len()), ("chicago-notes", 0));
        assert!(style.is_note_style());
        let (style, d) = CitationStyle::resolve(&config("apa", Some("en-US")), &root);
        assert_eq!(
            (style.name.as_str(), d.len()),
            ("american-psychological-association", 0)
        );
        assert!(!style.is_note_style());
        let (style, d) = CitationStyle::resolve(&config("no-such-style", Some("xx-YY")), &root);
        assert_eq!(style.name, "chicago-notes");
        let ranges: Vec<_> = d.iter().map(|d| d.range.clone()).collect();
        assert_eq!(ranges, vec![2..3, 0..1], "{d:?}");
        let (_, d) = CitationStyle::resolve(&config("../outside.csl", None), &root);
        assert!(d[0].message.contains("outside the workspace"), "{d:?}");
    }
}
