//! Code actions, on byte offsets: what can be done at a cursor or a
//! selection of a document, each as a title, a kind and the edits it makes
//! (our own `FileEdit`s; the LSP layer turns them into a workspace edit and
//! never writes a file).
//!
//! The actions look at what stands under the cursor or selection, and at
//! the diagnostics the client sends back with the request (their codes and
//! ranges point at the element to fix). Client diagnostics are only hints:
//! every action is recomputed from the current document, so a stale
//! diagnostic offers nothing that no longer applies, and the same actions
//! come without any diagnostic, from the cursor alone.
//!
//! - `quickfix` **Define footnote `[^x]`** for a reference with no
//!   definition: `[^x]: ` is appended after the last definition (or at the
//!   end of the document, after a blank line); the inserted text ends right
//!   after `[^x]: `, where the note's text goes.
//! - `quickfix` **Add `Name` to the registry as a person / a place / an
//!   organization** for an unknown mention: a new table at the end of the
//!   first registry file.
//! - `quickfix` **Tag `Name` as [[id|Name]]** for an untagged name (one per
//!   entry when the name is ambiguous), and **Tag every untagged occurrence
//!   of `Name` in this document** when it occurs more than once, and **Tag
//!   every untagged `Name` in the workspace** for a name of one entry: its
//!   edits, over every document of the workspace, are computed when it is
//!   chosen (`Deferred`), and it is disabled while the workspace's
//!   documents are being indexed.
//! - `quickfix` **Not a mention: ignore `Phrase`** for an untagged name
//!   inside a longer capitalised phrase (`China` in `Twentieth-Century
//!   China`, `AP` in `AP RF`): the phrase joins `not-mentions` in
//!   `scholia.toml`, and no name inside it is reported again.
//! - `quickfix` / `refactor.rewrite` / `source.renumberFootnotes`
//!   **Renumber footnotes in order of first reference** (see `renumber`).
//! - `refactor.rewrite` **Use the preferred name `Name`** where a mention's
//!   display text, or an untagged name, is an alias or variant spelling.

use std::ops::Range;

use super::renumber::{self, NoRenumbering};
use crate::base::Code;
use crate::syntax::model::Mention;
use crate::workspace::registry::{Kind as EntityKind, NameMatch, is_valid_id};
use crate::workspace::{Document, Resolution, Workspace};

pub use super::FileEdit;

/// What sort of action (the LSP `CodeActionKind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ActionKind {
    /// `quickfix`: fixes a diagnostic.
    QuickFix,
    /// `refactor.rewrite`: a change the user asks for.
    Rewrite,
    /// `source.renumberFootnotes`: a whole-document action.
    SourceRenumber,
}

impl ActionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::QuickFix => "quickfix",
            ActionKind::Rewrite => "refactor.rewrite",
            ActionKind::SourceRenumber => SOURCE_RENUMBER,
        }
    }
}

/// The custom kind of the renumbering source action.
pub const SOURCE_RENUMBER: &str = "source.renumberFootnotes";

/// The title shared by the renumbering actions.
pub const RENUMBER_TITLE: &str = "Renumber footnotes in order of first reference";

/// One code action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    pub title: String,
    pub kind: ActionKind,
    /// Empty when the action is disabled.
    pub edits: Vec<FileEdit>,
    pub preferred: bool,
    /// Why the action cannot be applied now.
    pub disabled: Option<String>,
    /// Indices (into the request's diagnostics) of the diagnostics it fixes.
    pub fixes: Vec<usize>,
    /// An action over the whole workspace, whose edits (empty here) are
    /// computed only when it is chosen (`codeAction/resolve`).
    pub deferred: Option<Deferred>,
}

/// The work of an action whose edits are computed when it is chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Deferred {
    /// Tag every untagged occurrence of `name` (compared folded) that names
    /// the entry `id`, in every document of the workspace
    /// (`import::tag::workspace_edits`).
    TagWorkspace { name: String, id: String },
}

impl Action {
    fn new(title: String, kind: ActionKind, edits: Vec<FileEdit>) -> Action {
        Action {
            title,
            kind,
            edits,
            preferred: false,
            disabled: None,
            fixes: Vec::new(),
            deferred: None,
        }
    }
}

/// Whether an element at `elem` is concerned by the selection `sel`: for a
/// cursor (an empty selection), the cursor is inside it or at either end;
/// for a selection, they overlap.
fn touches(elem: &Range<usize>, sel: &Range<usize>) -> bool {
    if sel.is_empty() {
        elem.start <= sel.start && sel.start <= elem.end
    } else {
        elem.start < sel.end && sel.start < elem.end
    }
}

/// The diagnostics of the request, by index.
struct Hints<'a> {
    sel: Range<usize>,
    diagnostics: &'a [(Code, Range<usize>)],
}

impl Hints<'_> {
    /// The request's diagnostics with `code` that point at `elem`.
    fn fixing(&self, code: Code, elem: &Range<usize>) -> impl Iterator<Item = usize> + '_ {
        let elem = elem.clone();
        self.diagnostics
            .iter()
            .enumerate()
            .filter(move |(_, (c, r))| *c == code && touches(&elem, r))
            .map(|(i, _)| i)
    }

    /// Whether the user is at `elem`: the selection or a diagnostic with
    /// `code` touches it.
    fn at(&self, code: Code, elem: &Range<usize>) -> bool {
        touches(elem, &self.sel) || self.fixing(code, elem).next().is_some()
    }
}

/// Every code action for the selection `sel` of `doc` (a cursor when empty),
/// given the diagnostics (code, range) the client sent with the request.
/// Quick fixes come first, then rewrites, then the source action (which the
/// LSP layer keeps only when the client asks for source actions).
pub fn code_actions(
    doc: &Document,
    ws: &Workspace,
    sel: Range<usize>,
    diagnostics: &[(Code, Range<usize>)],
) -> Vec<Action> {
    let hints = Hints { sel, diagnostics };
    let mut out = Vec::new();
    define_footnotes(doc, &hints, &mut out);
    add_entities(doc, ws, &hints, &mut out);
    // Every untagged name, as the `untagged-mention` check finds them.
    let untagged = crate::diagnostics::plain_names(doc, ws);
    tag_mentions(doc, ws, &hints, &untagged, &mut out);
    not_a_mention(doc, ws, &hints, &untagged, &mut out);
    renumber_actions(doc, &hints, &mut out);
    preferred_names(doc, ws, &hints, &untagged, &mut out);
    locator_fixes(doc, ws, &hints, &mut out);
    out.sort_by_key(|a| a.kind);
    out
}

/// Every code action for the selection `sel` of registry file `path`,
/// given the client's diagnostics: the merge of two entries that share an
/// authority id (`duplicate-authority`, see `merge`), offered at either
/// id. `incomplete`: the workspace index is still being built; the merge
/// renames mentions across the workspace, so it is offered disabled (like
/// rename, refused until every document is indexed).
pub fn registry_code_actions<'a>(
    ws: &'a Workspace,
    path: &std::path::Path,
    sel: Range<usize>,
    diagnostics: &[(Code, Range<usize>)],
    incomplete: bool,
    open: impl Fn(&std::path::Path) -> Option<&'a Document> + Copy,
) -> Vec<Action> {
    let hints = Hints { sel, diagnostics };
    let mut out = Vec::new();
    for m in super::merge::merges(ws, path, open) {
        if !m.at.iter().any(|r| hints.at(Code::DuplicateAuthority, r)) {
            continue;
        }
        let mut action = Action::new(m.title, ActionKind::QuickFix, m.edits);
        action.fixes =
            m.at.iter()
                .flat_map(|r| hints.fixing(Code::DuplicateAuthority, r))
                .collect();
        action.fixes.sort_unstable();
        action.fixes.dedup();
        if incomplete {
            action.edits.clear();
            action.disabled = Some(
                "the workspace is still being indexed: the merge renames mentions in every document, so it waits until all are known".into(),
            );
        }
        out.push(action);
    }
    out
}

/// `ambiguous-locator`: write `fols.`/`fol.` for `ll.`/`l.`.
fn locator_fixes(doc: &Document, ws: &Workspace, hints: &Hints<'_>, out: &mut Vec<Action>) {
    for d in crate::diagnostics::ambiguous_locators(doc, ws) {
        if !hints.at(Code::AmbiguousLocator, &d.range) {
            continue;
        }
        let Some(fix) = super::locator_fix::locator_fix(&doc.text, &d) else {
            continue;
        };
        let edit = FileEdit {
            path: doc.path.clone(),
            edits: vec![(fix.range.clone(), fix.new_text.to_string())],
        };
        let mut action = Action::new(fix.title, ActionKind::QuickFix, vec![edit]);
        action.preferred = true;
        action.fixes = hints.fixing(Code::AmbiguousLocator, &d.range).collect();
        out.push(action);
    }
}

// ---------------------------------------------------------------------------
// Text helpers
// ---------------------------------------------------------------------------

pub use crate::text::line_ending;

/// The length of the line break that ends `text`, 0 when none.
fn trailing_break(text: &str) -> usize {
    if text.ends_with("\r\n") {
        2
    } else if text.ends_with(['\n', '\r']) {
        1
    } else {
        0
    }
}

/// Runs of white space folded to one space.
fn fold(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A TOML basic string, quotes included.
pub fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A registry id for `name`: lower-case ASCII letters and digits, common
/// Latin diacritics transliterated (`Lüshun` → `lushun`, `Łódź` → `lodz`),
/// every other run of characters one `-`. Empty for a name with no Latin
/// letter or digit (a CJK name).
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in name.chars().flat_map(char::to_lowercase) {
        let latin = match c {
            'a'..='z' | '0'..='9' => Some(c.to_string()),
            _ => transliterate(c).map(str::to_string),
        };
        match latin {
            Some(s) => {
                if dash && !out.is_empty() {
                    out.push('-');
                }
                dash = false;
                out.push_str(&s);
            }
            // Apostrophes join (`O'Brien` → `obrien`); the rest separates.
            None if matches!(c, '\'' | '’') => {}
            None => dash = true,
        }
    }
    out
}

fn transliterate(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' | 'ǎ' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'ĥ' | 'ħ' => "h",
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' | 'ǐ' => "i",
        'ĵ' => "j",
        'ķ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'ñ' | 'ń' | 'ņ' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' | 'ǒ' => "o",
        'œ' => "oe",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => "s",
        'ß' => "ss",
        'ţ' | 'ť' | 'ŧ' | 'ț' => "t",
        'þ' => "th",
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' | 'ǔ' | 'ǖ' | 'ǘ' | 'ǚ' | 'ǜ' => {
            "u"
        }
        'ŵ' => "w",
        'ý' | 'ÿ' | 'ŷ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        _ => return None,
    })
}

// ---------------------------------------------------------------------------
// Define a missing footnote
// ---------------------------------------------------------------------------

fn define_footnotes(doc: &Document, hints: &Hints<'_>, out: &mut Vec<Action>) {
    let m = &doc.model;
    let mut labels: Vec<&str> = Vec::new();
    for r in &m.footnote_refs {
        let undefined = m.defs_of(&r.label).next().is_none();
        if undefined
            && !labels.contains(&r.label.as_str())
            && hints.at(Code::UndefinedFootnote, &r.range)
        {
            labels.push(&r.label);
        }
    }
    for label in labels {
        let (at, text) = definition_insert(doc, label);
        let mut action = Action::new(
            format!("Define footnote `[^{label}]`"),
            ActionKind::QuickFix,
            vec![FileEdit {
                path: doc.path.clone(),
                edits: vec![(at..at, text)],
            }],
        );
        action.preferred = true;
        action.fixes = m
            .refs_of(label)
            .flat_map(|r| hints.fixing(Code::UndefinedFootnote, &r.range))
            .collect();
        out.push(action);
    }
}

/// Where a new definition of `label` goes and what is inserted: after the
/// last definition, separated from it as the last two definitions are
/// separated from each other (one line break when there is only one); with
/// no definition, at the end of the document after a blank line. The
/// insertion goes before the document's final line break, so the text ends
/// right after `[^label]: ` and the line break follows it.
pub fn definition_insert(doc: &Document, label: &str) -> (usize, String) {
    let text = &doc.text;
    let eol = line_ending(text);
    let marker = format!("[^{label}]: ");
    let defs = &doc.model.footnote_defs;
    if let Some(last) = defs.last() {
        let sep = defs
            .len()
            .checked_sub(2)
            .map(|i| &text[defs[i].range.end..last.range.start])
            .filter(|gap| !gap.is_empty() && gap.chars().all(|c| c == '\n' || c == '\r'))
            .unwrap_or(eol);
        return (last.range.end, format!("{sep}{marker}"));
    }
    let bom = crate::text::bom_len(text);
    let end = text.len() - trailing_break(&text[bom..]);
    let before = &text[bom..end];
    let sep = if before.trim().is_empty() {
        String::new()
    } else if trailing_break(before) > 0 {
        eol.to_string()
    } else {
        format!("{eol}{eol}")
    };
    (end, format!("{sep}{marker}"))
}

// ---------------------------------------------------------------------------
// Add an unknown entity to the registry
// ---------------------------------------------------------------------------

fn add_entities(doc: &Document, ws: &Workspace, hints: &Hints<'_>, out: &mut Vec<Action>) {
    if !ws.has_root() {
        return;
    }
    let Some(file) = ws.registry_files.first() else {
        return;
    };
    let Some(aux) = ws.aux.get(file) else {
        return;
    };
    if aux.diagnostics.iter().any(|d| d.code == Code::Io) {
        // We do not know what the file holds: appending could lose it.
        return;
    }
    let mut seen: Vec<(String, String)> = Vec::new();
    for mention in &doc.model.mentions {
        if ws.registry.resolve(&mention.target) != Resolution::Unknown
            || !hints.at(Code::UnknownEntity, &mention.range)
        {
            continue;
        }
        let (id, name) = new_entry(doc, ws, mention);
        if name.is_empty() || seen.contains(&(id.clone(), name.clone())) {
            continue;
        }
        let fixes: Vec<usize> = doc
            .model
            .mentions
            .iter()
            .filter(|m| m.target == mention.target)
            .flat_map(|m| hints.fixing(Code::UnknownEntity, &m.range))
            .collect();
        for kind in [
            EntityKind::Person,
            EntityKind::Place,
            EntityKind::Organization,
        ] {
            let article = if kind == EntityKind::Organization {
                "an"
            } else {
                "a"
            };
            let mut action = Action::new(
                format!(
                    "Add `{name}` to the registry as {article} {}",
                    kind.as_str()
                ),
                ActionKind::QuickFix,
                vec![FileEdit {
                    path: file.clone(),
                    edits: vec![registry_insert(&aux.text, kind, &id, &name)],
                }],
            );
            action.fixes = fixes.clone();
            out.push(action);
        }
        seen.push((id, name));
    }
}

/// The id and name of a new entry for an unknown mention. `[[Wang Zhen]]`:
/// name `Wang Zhen`, id `wang-zhen`. `[[wang-zhen|Wang Zhen]]` (a target
/// written as an id, with display text): the target is the id and the
/// display text the name. The id is made unique (`-2`, `-3` …), `entity`
/// when the name has no Latin letter or digit.
fn new_entry(doc: &Document, ws: &Workspace, mention: &Mention) -> (String, String) {
    let display = mention
        .display_range
        .as_ref()
        .map(|r| fold(&doc.text[r.clone()]))
        .filter(|d| !d.is_empty());
    let (base, name) = match display {
        Some(d) if is_valid_id(&mention.target) => (mention.target.clone(), d),
        _ => (slug(&mention.target), mention.target.clone()),
    };
    let base = if base.is_empty() {
        "entity".to_string()
    } else {
        base
    };
    let taken = |id: &str| {
        ws.registry.get(id).is_some()
            || ws.registry_files.iter().any(|f| {
                ws.aux
                    .get(f)
                    .is_some_and(|a| a.text.contains(&format!(".{id}]")))
            })
    };
    let mut id = base.clone();
    let mut n = 2;
    while taken(&id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    (id, name)
}

/// The insertion at the end of a registry file's `text` that adds the entry:
/// a blank line, `[kind.id]`, `name = "…"`, in the file's line endings.
pub fn registry_insert(
    text: &str,
    kind: EntityKind,
    id: &str,
    name: &str,
) -> (Range<usize>, String) {
    let eol = line_ending(text);
    let breaks = {
        let once = trailing_break(text);
        if once == 0 {
            0
        } else if trailing_break(&text[..text.len() - once]) > 0 {
            2
        } else {
            1
        }
    };
    let sep = if text.trim().is_empty() {
        ""
    } else {
        match breaks {
            0 => "\n\n",
            1 => "\n",
            _ => "",
        }
    };
    let sep = sep.replace('\n', eol);
    let entry = format!(
        "{sep}[{}.{id}]{eol}name = {}{eol}",
        kind.as_str(),
        toml_string(name)
    );
    (text.len()..text.len(), entry)
}

// ---------------------------------------------------------------------------
// Tag untagged mentions
// ---------------------------------------------------------------------------

/// The mention that tags `text` as entry `index`: `[[Name]]` when the text
/// is the entry's name (or id) and resolves to it alone, else `[[id|text]]`.
fn tag(ws: &Workspace, index: usize, text: &str) -> String {
    let e = &ws.registry.entities[index];
    if (text == e.name || text == e.id) && ws.registry.resolve(text) == Resolution::Unique(index) {
        format!("[[{text}]]")
    } else {
        format!("[[{}|{text}]]", e.id)
    }
}

fn tag_mentions(
    doc: &Document,
    ws: &Workspace,
    hints: &Hints<'_>,
    untagged: &[NameMatch],
    out: &mut Vec<Action>,
) {
    // The names at the cursor, each with its occurrences there.
    let mut here: Vec<(&str, Vec<&NameMatch>)> = Vec::new();
    for n in untagged {
        if !hints.at(Code::UntaggedMention, &n.range) {
            continue;
        }
        let text = &doc.text[n.range.clone()];
        if text.contains(['[', ']', '|']) {
            continue;
        }
        match here.iter_mut().find(|(t, _)| *t == text) {
            Some((_, list)) => list.push(n),
            None => here.push((text, vec![n])),
        }
    }
    for (text, list) in here {
        let fixes = |ns: &[&NameMatch]| -> Vec<usize> {
            ns.iter()
                .flat_map(|n| hints.fixing(Code::UntaggedMention, &n.range))
                .collect()
        };
        let entities = &list[0].entities;
        for &i in entities {
            let mention = tag(ws, i, text);
            let mut action = Action::new(
                format!("Tag `{text}` as {mention}"),
                ActionKind::QuickFix,
                vec![FileEdit {
                    path: doc.path.clone(),
                    edits: list
                        .iter()
                        .map(|n| (n.range.clone(), mention.clone()))
                        .collect(),
                }],
            );
            action.preferred = entities.len() == 1;
            action.fixes = fixes(&list);
            out.push(action);
        }
        // Every occurrence: only for a name of one entry (an ambiguous
        // name needs a decision at each place).
        let all: Vec<&NameMatch> = untagged
            .iter()
            .filter(|n| &doc.text[n.range.clone()] == text)
            .collect();
        if let [one] = entities.as_slice()
            && all.len() > list.len()
        {
            let mention = tag(ws, *one, text);
            let mut action = Action::new(
                format!("Tag every untagged occurrence of `{text}` in this document"),
                ActionKind::QuickFix,
                vec![FileEdit {
                    path: doc.path.clone(),
                    edits: all
                        .iter()
                        .map(|n| (n.range.clone(), mention.clone()))
                        .collect(),
                }],
            );
            action.fixes = fixes(&all);
            out.push(action);
        }
        // Every occurrence in the workspace: listed here without its
        // edits, which read every document (`Deferred`).
        if let [one] = entities.as_slice()
            && ws.has_root()
        {
            let mut action = Action::new(
                format!("Tag every untagged `{text}` in the workspace"),
                ActionKind::QuickFix,
                Vec::new(),
            );
            if ws.indexing {
                action.disabled = Some(crate::import::tag::INDEXING.to_string());
            } else {
                action.deferred = Some(Deferred::TagWorkspace {
                    name: text.to_string(),
                    id: ws.registry.entities[*one].id.clone(),
                });
            }
            action.fixes = fixes(&all);
            out.push(action);
        }
    }
}

// ---------------------------------------------------------------------------
// Not a mention
// ---------------------------------------------------------------------------

/// The phrase around a name that may be a title or another name rather than
/// a mention: the name widened over up to three capitalised words on each
/// side (words of letters, digits, hyphens and apostrophes, one space or
/// no-break space apart). `None` when there is no such word.
pub fn phrase_around(text: &str, name: Range<usize>) -> Option<Range<usize>> {
    let is_word_char = |c: char| {
        c.is_alphanumeric()
            || crate::workspace::names::fold_char(c) == Some('-')
            || "-'\u{2019}".contains(c)
    };
    let is_space = |c: char| c == ' ' || c == '\u{a0}';
    let capitalised = |w: &str| {
        w.chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
    };
    let mut range = name.clone();
    for _ in 0..3 {
        // The word before `range.start`, one space away.
        let before = &text[..range.start];
        let Some(space) = before.chars().next_back().filter(|&c| is_space(c)) else {
            break;
        };
        let word_end = range.start - space.len_utf8();
        let word_start = text[..word_end]
            .char_indices()
            .rev()
            .take_while(|&(_, c)| is_word_char(c))
            .last()
            .map_or(word_end, |(i, _)| i);
        if word_start == word_end || !capitalised(&text[word_start..word_end]) {
            break;
        }
        range.start = word_start;
    }
    for _ in 0..3 {
        let after = &text[range.end..];
        let Some(space) = after.chars().next().filter(|&c| is_space(c)) else {
            break;
        };
        let word_start = range.end + space.len_utf8();
        let word_end = word_start
            + text[word_start..]
                .char_indices()
                .take_while(|&(_, c)| is_word_char(c))
                .last()
                .map_or(0, |(i, c)| i + c.len_utf8());
        let word = text[word_start..word_end].trim_end_matches(['\'', '\u{2019}']);
        if word.is_empty() || !capitalised(word) {
            break;
        }
        range.end = word_start + word.len();
    }
    (range != name).then_some(range)
}

/// The edit of `scholia.toml` that adds `phrase` to `not-mentions`: into
/// the array when there is one, else a new key at the top of the file
/// (where top-level keys belong, before any table).
fn add_not_mention(ws: &Workspace, phrase: &str) -> Option<FileEdit> {
    let path = ws.root.as_ref()?.join(crate::workspace::CONFIG_FILE);
    let config = ws.aux.get(&path)?;
    let value = toml_string(phrase);
    let edit = match &ws.config.not_mentions_range {
        Some(r) if config.text.get(r.clone())?.ends_with(']') => {
            let inner = config.text[r.start + 1..r.end - 1].trim_end();
            let close = r.start + 1 + inner.len();
            let sep = if inner.trim().is_empty() || inner.ends_with(',') {
                ""
            } else {
                ", "
            };
            (close..close, format!("{sep}{value}"))
        }
        // In the file's own line ends.
        _ => (
            0..0,
            format!("not-mentions = [{value}]{}", line_ending(&config.text)),
        ),
    };
    Some(FileEdit {
        path,
        edits: vec![edit],
    })
}

fn not_a_mention(
    doc: &Document,
    ws: &Workspace,
    hints: &Hints<'_>,
    untagged: &[NameMatch],
    out: &mut Vec<Action>,
) {
    let mut offered: Vec<&str> = Vec::new();
    for n in untagged {
        if !hints.at(Code::UntaggedMention, &n.range) {
            continue;
        }
        let Some(range) = phrase_around(&doc.text, n.range.clone()) else {
            continue;
        };
        let phrase = &doc.text[range];
        if offered.contains(&phrase) {
            continue;
        }
        offered.push(phrase);
        let Some(edit) = add_not_mention(ws, phrase) else {
            continue;
        };
        let mut action = Action::new(
            format!("Not a mention: ignore `{phrase}`"),
            ActionKind::QuickFix,
            vec![edit],
        );
        action.fixes = hints.fixing(Code::UntaggedMention, &n.range).collect();
        out.push(action);
    }
}

// ---------------------------------------------------------------------------
// Renumber footnotes
// ---------------------------------------------------------------------------

fn renumber_actions(doc: &Document, hints: &Hints<'_>, out: &mut Vec<Action>) {
    let m = &doc.model;
    if !m
        .footnote_refs
        .iter()
        .any(|r| renumber::is_numeric(&r.label))
        && !m
            .footnote_defs
            .iter()
            .any(|d| renumber::is_numeric(&d.label))
    {
        return;
    }
    let result = renumber::renumber(&doc.text, m);
    let make = |kind: ActionKind| {
        let mut action = Action::new(RENUMBER_TITLE.to_string(), kind, Vec::new());
        match &result {
            Ok(edits) => {
                action.edits = vec![FileEdit {
                    path: doc.path.clone(),
                    edits: edits.clone(),
                }]
            }
            Err(why) => action.disabled = Some(why.reason()),
        }
        action
    };
    let fixes: Vec<usize> = hints
        .diagnostics
        .iter()
        .enumerate()
        .filter(|(_, (c, _))| *c == Code::FootnoteOrder)
        .map(|(i, _)| i)
        .collect();
    let flagged = renumber::order_problems(m);
    let on_flagged = flagged.iter().any(|r| touches(r, &hints.sel));
    let on_footnote = m
        .footnote_refs
        .iter()
        .any(|r| touches(&r.range, &hints.sel))
        || m.footnote_defs
            .iter()
            .any(|d| touches(&d.label_range, &hints.sel));
    let useful = !matches!(
        result,
        Err(NoRenumbering::InOrder | NoRenumbering::NoNumbers)
    );
    if useful && (!fixes.is_empty() || on_flagged) {
        let mut action = make(ActionKind::QuickFix);
        action.fixes = fixes;
        action.preferred = action.disabled.is_none();
        out.push(action);
    } else if useful && on_footnote {
        out.push(make(ActionKind::Rewrite));
    }
    out.push(make(ActionKind::SourceRenumber));
}

// ---------------------------------------------------------------------------
// Use the preferred name
// ---------------------------------------------------------------------------

fn preferred_names(
    doc: &Document,
    ws: &Workspace,
    hints: &Hints<'_>,
    untagged: &[NameMatch],
    out: &mut Vec<Action>,
) {
    let edits = preferred_name_edits(doc, ws, &hints.sel, untagged);
    // One action per preferred name, over every place selected.
    let mut names: Vec<String> = Vec::new();
    for (name, _, _) in &edits {
        if !names.contains(name) {
            names.push(name.clone());
        }
    }
    for name in names {
        let mut list: Vec<(Range<usize>, String)> = edits
            .iter()
            .filter(|(n, _, _)| *n == name)
            .map(|(_, r, new)| (r.clone(), new.clone()))
            .collect();
        list.sort_by_key(|(r, _)| r.start);
        out.push(Action::new(
            preferred_name_title(&name),
            ActionKind::Rewrite,
            vec![FileEdit {
                path: doc.path.clone(),
                edits: list,
            }],
        ));
    }
}

/// The title of the "use the preferred name" action (and fix).
pub fn preferred_name_title(name: &str) -> String {
    format!("Use the preferred name `{name}`")
}

/// The edits that write the preferred name (the registry's `name`) at
/// every mention or untagged name that `sel` touches and that shows an
/// alias or variant spelling of one entity: (the preferred name, the
/// range, its new text). Shared by the code action and `scholia check
/// --fix` (`ide::fixes`).
pub fn preferred_name_edits(
    doc: &Document,
    ws: &Workspace,
    sel: &Range<usize>,
    untagged: &[NameMatch],
) -> Vec<(String, Range<usize>, String)> {
    let mut edits: Vec<(String, Range<usize>, String)> = Vec::new();
    for mention in &doc.model.mentions {
        if !touches(&mention.range, sel) {
            continue;
        }
        let Resolution::Unique(i) = ws.registry.resolve(&mention.target) else {
            continue;
        };
        let e = &ws.registry.entities[i];
        match &mention.display_range {
            Some(d) => {
                let shown = fold(&doc.text[d.clone()]);
                if shown != e.name && e.names().any(|n| n == shown) {
                    edits.push((e.name.clone(), d.clone(), e.name.clone()));
                }
            }
            None => {
                let shown = &mention.target;
                if *shown != e.name && e.names().any(|n| n == shown) {
                    let new = if ws.registry.resolve(&e.name) == Resolution::Unique(i) {
                        e.name.clone()
                    } else {
                        format!("{}|{}", e.id, e.name)
                    };
                    edits.push((e.name.clone(), mention.target_range.clone(), new));
                }
            }
        }
    }
    for n in untagged {
        if !touches(&n.range, sel) {
            continue;
        }
        let [i] = n.entities.as_slice() else {
            continue;
        };
        let e = &ws.registry.entities[*i];
        if doc.text[n.range.clone()] != e.name {
            edits.push((e.name.clone(), n.range.clone(), e.name.clone()));
        }
    }
    edits
}

/// Applies a file edit's (sorted, non-overlapping) edits to `text`.
pub fn apply(text: &str, edit: &FileEdit) -> String {
    renumber::apply(text, &edit.edits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slug("Wang Zhen"), "wang-zhen");
        assert_eq!(slug("Lüshun"), "lushun");
        assert_eq!(slug("Łódź  (city)"), "lodz-city");
        assert_eq!(slug("O'Brien"), "obrien");
        assert_eq!(slug("周恩来"), "");
        assert_eq!(slug("  --Kim Il-sung-- "), "kim-il-sung");
    }

    #[test]
    fn phrases_around_names() {
        fn around<'t>(text: &'t str, name: &str) -> Option<&'t str> {
            let start = text.find(name).unwrap();
            phrase_around(text, start..start + name.len()).map(|r| &text[r])
        }
        let t = "in Twentieth\u{2011}Century China, and AP RF, f. 3; the AP wire.";
        assert_eq!(around(t, "China"), Some("Twentieth\u{2011}Century China"));
        assert_eq!(around(t, "AP RF"), None);
        assert_eq!(around("cites AP RF, f. 3", "AP"), Some("AP RF"));
        assert_eq!(around("the AP wire", "AP"), None);
        assert_eq!(
            around("the International Stalin Peace Prize was", "Stalin"),
            Some("International Stalin Peace Prize")
        );
        assert_eq!(around("Stalin\u{2019}s envoy", "Stalin"), None);
        assert_eq!(around("In Beijing, Stalin said", "Stalin"), None);
    }

    #[test]
    fn toml_strings() {
        assert_eq!(toml_string("a \"b\" \\ c"), r#""a \"b\" \\ c""#);
        assert_eq!(toml_string("x\ty\u{1}"), r#""x\ty\u0001""#);
    }

    #[test]
    fn registry_entry_follows_the_file() {
        let (r, s) = registry_insert("a = 1\r\n", EntityKind::Place, "x", "X");
        assert_eq!(r, 7..7);
        assert_eq!(s, "\r\n[place.x]\r\nname = \"X\"\r\n");
        assert_eq!(
            registry_insert("a = 1", EntityKind::Person, "x", "X").1,
            "\n\n[person.x]\nname = \"X\"\n"
        );
        assert_eq!(
            registry_insert("", EntityKind::Person, "x", "X").1,
            "[person.x]\nname = \"X\"\n"
        );
        assert_eq!(
            registry_insert("a = 1\n\n", EntityKind::Person, "x", "X").1,
            "[person.x]\nname = \"X\"\n"
        );
    }
}
