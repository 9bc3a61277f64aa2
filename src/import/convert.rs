//! The conversion of one export's text into a `.scholia` document (see the
//! module documentation of `import` for the layout and the decisions).

use std::collections::BTreeMap;

use super::front_matter::{FrontMatter, Value};
use super::info::{self, Candidate, DateValue};
use super::notes::{self, Edit};
use super::tag;
use crate::workspace::Registry;

/// What the conversion may use from the workspace.
#[derive(Default)]
pub struct Options<'a> {
    /// Tag names of this registry (`--tag`).
    pub tag: Option<&'a Registry>,
    /// The workspace's registry: the people and places an archive page
    /// lists are written as their ids when they resolve.
    pub registry: Option<&'a Registry>,
    /// Entries a source line may name.
    pub bibliography: Vec<Candidate<'a>>,
}

/// Something the import reports, at a place in the export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// 1-based line of the export.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    pub message: String,
}

/// The new document and what was reported on the way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    pub text: String,
    pub findings: Vec<Finding>,
}

/// The heading of the section that keeps the archive's web page.
pub const ARCHIVE_HEADING: &str = "## Archive page";
/// Its part for what stood above the document.
pub const HEADER_HEADING: &str = "### Page header";
/// Its part for what stood below the document.
pub const FOOTER_HEADING: &str = "### Page footer";

/// Lines that are web-page chrome wherever they stand.
const CHROME_LINES: [&str; 4] = [
    "skip to content",
    "skip to main content",
    "skip to navigation",
    "jump to content",
];

/// The labelled sections of an archive page between the document and its
/// "Document Information" block, and the front matter key of each.
const LABELS: [(&str, &str); 7] = [
    ("author(s)", "authors"),
    ("authors", "authors"),
    ("associated people & organizations", "people"),
    ("associated people and organizations", "people"),
    ("associated places", "places"),
    ("associated topics", "topics"),
    ("subjects discussed", "subjects"),
];
/// Lines of a labelled section longer than this are prose, not a list.
const MAX_LABELLED_WORDS: usize = 12;

/// The front matter key of a label line (`Associated Places`, `Author(s):
/// X`) and the value written on the same line.
fn label(line: &str) -> Option<(&'static str, &str)> {
    let lower = line.to_lowercase();
    LABELS.iter().find_map(|&(l, key)| {
        let rest = lower.strip_prefix(l)?;
        let rest = rest.trim_start();
        let value = if let Some(v) = rest.strip_prefix(':') {
            v.trim()
        } else if rest.is_empty() {
            ""
        } else {
            return None;
        };
        Some((key, &line[line.len() - value.len()..]))
    })
}

/// The first line of the archive page's labelled sections in `lines[from..to]`:
/// a label line after which every line up to `to` is blank, a label or a
/// short item.
fn labelled_start(lines: &[Line<'_>], from: usize, to: usize) -> Option<usize> {
    let first = (from..to).find(|&i| label(lines[i].text).is_some())?;
    lines[first..to]
        .iter()
        .all(|l| {
            l.text.is_empty() || label(l.text).is_some() || words(l.text) <= MAX_LABELLED_WORDS
        })
        .then_some(first)
}

/// Header lines longer than this are prose: no header is looked for.
const MAX_HEADER_LINE_WORDS: usize = 20;
/// A title longer than this is not taken as one.
const MAX_TITLE_WORDS: usize = 40;
/// Paragraphs looked at after one that leaves a bracket open.
const BRACKET_LOOKAHEAD: usize = 3;

/// One line of the export, trimmed.
struct Line<'t> {
    text: &'t str,
    /// Characters of white space trimmed at its start.
    lead: usize,
}

fn words(s: &str) -> usize {
    s.split_whitespace().count()
}

/// Converts the text of an export.
pub fn convert(input: &str, options: &Options<'_>) -> Imported {
    let input = input.strip_prefix('\u{feff}').unwrap_or(input);
    let normalized = input.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<Line<'_>> = normalized
        .split('\n')
        .map(|raw| {
            let text = raw.trim();
            let lead = raw.chars().count() - raw.trim_start().chars().count();
            Line { text, lead }
        })
        .collect();
    let n = lines.len();

    // Page header, dateline, title, page footer.
    let mut findings: Vec<Finding> = Vec::new();
    let (mut h, mut dateline) = header(&lines);
    let info_line = (h..n).find(|&i| lines[i].text.eq_ignore_ascii_case("document information"));
    let d = info_line.unwrap_or(n);
    // A crawl that starts elsewhere (a related document's summary): the
    // first date line followed by a title-like line starts the document,
    // what stands before it is page furniture, and the import says so.
    let first = lines.iter().position(|l| !l.text.is_empty());
    if dateline.is_none()
        && let Some(first) = first
        && h == 0
    {
        let found = (first + 1..d).find(|&i| {
            info::parse_date(lines[i].text).is_some()
                && (i + 1..d)
                    .find(|&j| !lines[j].text.is_empty())
                    .is_some_and(|j| {
                        words(lines[j].text) <= MAX_TITLE_WORDS
                            && info::bold_field(lines[j].text).is_none()
                    })
        });
        match found {
            Some(i) if i > first => {
                findings.push(Finding {
                    line: first + 1,
                    column: 1,
                    message: format!(
                        "the export does not begin with a date or \"Skip to content\": lines {}-{} are taken as page furniture (kept under `{HEADER_HEADING}`); check them",
                        first + 1,
                        i
                    ),
                });
                h = i;
                dateline = Some(i);
            }
            _ => {}
        }
    }
    // The archive page's labelled sections (`Author(s):`, `Associated
    // Places`, …) end the document's text: they go to front matter, and
    // verbatim to the page footer.
    let labelled = labelled_start(&lines, h, d);
    let d = labelled.unwrap_or(d);
    let mut fields: BTreeMap<String, &str> = BTreeMap::new();
    for line in &lines[h..d] {
        if let Some((label, value)) = info::bold_field(line.text)
            && !value.is_empty()
        {
            fields.entry(label).or_insert(value);
        }
    }
    let title_line = match dateline {
        Some(t) if !fields.contains_key("title") => ((t + 1)..d)
            .find(|&i| !lines[i].text.is_empty())
            .filter(|&i| {
                let text = lines[i].text;
                words(text) <= MAX_TITLE_WORDS && info::bold_field(text).is_none()
            }),
        _ => None,
    };

    // Notes.
    let body: Vec<&str> = lines[h..d].iter().map(|l| l.text).collect();
    let notes = notes::analyze(&body);
    let mut edits_of: Vec<Vec<&Edit>> = vec![Vec::new(); body.len()];
    for e in &notes.edits {
        edits_of[e.line].push(e);
    }
    let mut texts: Vec<String> = body
        .iter()
        .zip(&edits_of)
        .map(|(text, edits)| notes::apply(text, edits))
        .collect();
    findings.extend(notes.findings.iter().map(|f| {
        let line = &lines[h + f.line];
        Finding {
            line: h + f.line + 1,
            column: line.lead + line.text[..f.offset].chars().count() + 1,
            message: f.message.clone(),
        }
    }));

    // Paragraphs of the body (indices into `body`), brackets joined.
    let mut paragraphs = paragraphs(&body);
    let fixed = |i: usize| Some(h + i) == dateline || Some(h + i) == title_line;
    join_split_brackets(&mut paragraphs, &texts, &notes.definitions, &fixed);

    // The summary: the paragraph just above "Document Information".
    let is_def = |p: &Vec<usize>| p.iter().any(|i| notes.definitions.contains(i));
    let summary = (d < n)
        .then(|| paragraphs.len().checked_sub(1))
        .flatten()
        .filter(|&k| {
            let p = &paragraphs[k];
            !is_def(p) && !p.iter().any(|&i| fixed(i)) && {
                let text: Vec<&str> = p.iter().map(|&i| body[i]).collect();
                words(&text.join(" ")) >= 5
            }
        });

    // Paragraphs that continue a note: those between two notes, and those
    // after the last note while the note's text ends with a colon.
    let defs: Vec<usize> = (0..paragraphs.len())
        .filter(|&k| is_def(&paragraphs[k]))
        .collect();
    let mut continues = vec![false; paragraphs.len()];
    for k in 0..paragraphs.len() {
        if is_def(&paragraphs[k]) || Some(k) == summary {
            continue;
        }
        let before = defs.iter().any(|&j| j < k);
        let after = defs.iter().any(|&j| j > k);
        let prev_ends_colon = k > 0
            && (is_def(&paragraphs[k - 1]) || continues[k - 1])
            && paragraphs[k - 1]
                .last()
                .is_some_and(|&i| texts[i].trim_end().ends_with(':'));
        continues[k] = before && (after || prev_ends_colon);
    }

    if let Some(registry) = options.tag {
        for text in &mut texts {
            *text = tag::tag_line(text, registry);
        }
    }

    // Front matter.
    let info = info::parse_document_information(
        lines[info_line.unwrap_or(n)..]
            .iter()
            .skip(1)
            .map(|l| l.text),
    );
    let mut fm = FrontMatter::default();
    let title = fields.get("title").map(|s| s.to_string()).or_else(|| {
        // The title line without its note markers.
        title_line.map(|i| {
            let edits: Vec<Edit> = edits_of[i - h]
                .iter()
                .map(|e| Edit {
                    replacement: String::new(),
                    ..(*e).clone()
                })
                .collect();
            notes::apply(lines[i].text, &edits.iter().collect::<Vec<_>>())
        })
    });
    if let Some(title) = &title {
        fm.set("title", Value::String(title.clone()));
    }
    let dates: Vec<DateValue> = [dateline.map(|i| lines[i].text), fields.get("date").copied()]
        .into_iter()
        .flatten()
        .filter_map(info::parse_date)
        .collect();
    if let Some(date) = dates.iter().find(|d| d.is_full()).or(dates.first()) {
        fm.set("date", Value::Date(date.clone()));
    }
    let source = info.source.as_deref().or(fields.get("source").copied());
    let mut translators = Vec::new();
    let mut contributors = Vec::new();
    if let Some(source) = source {
        let credits = info::credits(source);
        let reference = credits.reference;
        translators = credits.translators;
        contributors = credits.contributors;
        let value = match info::match_source(&reference, &options.bibliography) {
            Some((key, Some(locator))) => format!("[@{key}, {locator}]"),
            Some((key, None)) => format!("[@{key}]"),
            None => reference,
        };
        if !value.is_empty() {
            fm.set("source", Value::String(value));
        }
    } else if let Some(key) = title
        .as_deref()
        .and_then(|t| info::match_title(t, &options.bibliography))
    {
        fm.set("source", Value::String(format!("[@{key}]")));
    }
    if translators.is_empty()
        && let Some(t) = fields.get("translator").or(fields.get("translated by"))
    {
        translators = info::split_source(&format!("Translated by {t}")).1;
    }
    match translators.len() {
        0 => {}
        1 => fm.set("translator", Value::String(translators.remove(0))),
        _ => fm.set("translator", Value::Strings(translators)),
    }
    match contributors.len() {
        0 => {}
        1 => fm.set("contributor", Value::String(contributors.remove(0))),
        _ => fm.set("contributor", Value::Strings(contributors)),
    }
    if let Some(author) = fields.get("author") {
        fm.set("author", Value::String(author.to_string()));
    }
    if let Some(record) = info.record.as_deref().or(fields.get("record id").copied()) {
        // An integer only when nothing is lost by reading it as one.
        let integer = record.len() <= 18
            && record.bytes().all(|b| b.is_ascii_digit())
            && (record == "0" || !record.starts_with('0'));
        fm.set(
            "record",
            if integer {
                Value::Integer(record.to_string())
            } else {
                Value::String(record.to_string())
            },
        );
    }
    if let Some(uploaded) = &info.uploaded {
        match info::parse_date(uploaded) {
            Some(date @ DateValue::Full { .. }) => fm.set("uploaded", Value::Date(date)),
            _ => fm.set("uploaded", Value::String(uploaded.clone())),
        }
    }
    if let Some(kind) = info.kind.as_deref().or(fields.get("type").copied()) {
        fm.set("type", Value::String(kind.to_string()));
    }
    if let Some(language) = info.language.as_deref().or(fields.get("language").copied()) {
        fm.set("language", Value::String(language.to_string()));
    }
    if let Some(k) = summary {
        let text: Vec<&str> = paragraphs[k].iter().map(|&i| body[i]).collect();
        fm.set("summary", Value::String(text.join(" ")));
    }
    if let Some(start) = labelled {
        for (key, values) in labelled_values(&lines[start..info_line.unwrap_or(n)]) {
            let values: Vec<String> = values
                .into_iter()
                .map(|v| match (key, options.registry) {
                    ("people" | "places" | "authors", Some(registry)) => {
                        match registry.resolve(&v) {
                            crate::workspace::Resolution::Unique(i) => {
                                registry.entities[i].id.clone()
                            }
                            _ => v,
                        }
                    }
                    _ => v,
                })
                .collect();
            fm.set(key, Value::Strings(values));
        }
    }
    if dateline.is_none() && title.is_none() {
        findings.push(Finding {
            line: 1,
            column: 1,
            message: "found no date line and no title: the front matter has neither".into(),
        });
    }

    // The document.
    let mut out = fm.render();
    for (k, p) in paragraphs.iter().enumerate() {
        out.push('\n');
        for &i in p {
            if Some(h + i) == title_line {
                out.push_str("# ");
            } else if continues[k] {
                out.push_str("    ");
            } else if texts[i].starts_with('#') {
                // Text the format would read as a heading (`# P78/168`).
                out.push('\\');
            }
            out.push_str(&texts[i]);
            out.push('\n');
        }
    }
    let header_part = paragraphs_of(&lines[..h]);
    let footer_part = paragraphs_of(&lines[d.min(n)..]);
    if !header_part.is_empty() || !footer_part.is_empty() {
        out.push('\n');
        out.push_str(ARCHIVE_HEADING);
        out.push('\n');
        for (heading, part) in [(HEADER_HEADING, header_part), (FOOTER_HEADING, footer_part)] {
            if part.is_empty() {
                continue;
            }
            out.push('\n');
            out.push_str(heading);
            out.push('\n');
            for p in part {
                out.push('\n');
                for line in p {
                    out.push_str(&escape_plain(line));
                    out.push('\n');
                }
            }
        }
    }
    Imported {
        text: out,
        findings,
    }
}

/// The values of labelled sections (`lines` starts at a label): each label
/// with the value on its line and the items on the lines below it.
fn labelled_values(lines: &[Line<'_>]) -> Vec<(&'static str, Vec<String>)> {
    let mut out: Vec<(&'static str, Vec<String>)> = Vec::new();
    for line in lines {
        if let Some((key, value)) = label(line.text) {
            if out.last().is_none_or(|(k, _)| *k != key) {
                out.push((key, Vec::new()));
            }
            if !value.is_empty()
                && let Some((_, values)) = out.last_mut()
            {
                values.extend(
                    value
                        .split(';')
                        .map(|v| v.trim().to_string())
                        .filter(|v| !v.is_empty()),
                );
            }
        } else if !line.text.is_empty()
            && let Some((_, values)) = out.last_mut()
        {
            values.push(line.text.to_string());
        }
    }
    out.retain(|(_, v)| !v.is_empty());
    out
}

/// Where the page header ends and which line is the dateline.
///
/// The export starts either with its dateline (the date of the document,
/// alone on its line) or with chrome ("Skip to content", navigation menus).
/// After a chrome line, everything up to the first dateline is the page
/// header, unless a line on the way is prose; without a dateline, only the
/// leading chrome lines are.
fn header(lines: &[Line<'_>]) -> (usize, Option<usize>) {
    let Some(first) = lines.iter().position(|l| !l.text.is_empty()) else {
        return (0, None);
    };
    let is_chrome = |l: &Line<'_>| CHROME_LINES.contains(&l.text.to_lowercase().as_str());
    if info::parse_date(lines[first].text).is_some() {
        return (first, Some(first));
    }
    if !is_chrome(&lines[first]) {
        return (0, None);
    }
    for (i, line) in lines.iter().enumerate().skip(first + 1) {
        if line.text.is_empty() {
            continue;
        }
        if info::parse_date(line.text).is_some() {
            return (i, Some(i));
        }
        if words(line.text) > MAX_HEADER_LINE_WORDS {
            break;
        }
    }
    let mut end = first + 1;
    for (i, line) in lines.iter().enumerate().skip(first + 1) {
        if is_chrome(line) {
            end = i + 1;
        } else if !line.text.is_empty() {
            break;
        }
    }
    (end, None)
}

/// Runs of non-blank lines.
fn paragraphs(lines: &[&str]) -> Vec<Vec<usize>> {
    let mut out: Vec<Vec<usize>> = Vec::new();
    let mut current = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if line.is_empty() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
        } else {
            current.push(i);
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

fn paragraphs_of<'t>(lines: &[Line<'t>]) -> Vec<Vec<&'t str>> {
    let texts: Vec<&str> = lines.iter().map(|l| l.text).collect();
    paragraphs(&texts)
        .into_iter()
        .map(|p| p.into_iter().map(|i| texts[i]).collect())
        .collect()
}

/// Brackets of a paragraph as the document model pairs them: (left open,
/// stray closing). Escapes are skipped; `[^label]` references pair anyway.
fn bracket_balance(text: &str) -> (usize, usize) {
    let mut open = 0usize;
    let mut stray = 0usize;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '[' => open += 1,
            ']' if open > 0 => open -= 1,
            ']' => stray += 1,
            _ => {}
        }
    }
    (open, stray)
}

/// Joins a paragraph that leaves a bracket open with the paragraph (within
/// the next few) that closes it, when the blank lines between them are the
/// export's: `[Classification level blacked out:` / `"NOT SECRET" stamped]`.
/// A bracket that no later paragraph closes stays open: the checker reports
/// it, as it is the document's.
fn join_split_brackets(
    paragraphs: &mut Vec<Vec<usize>>,
    texts: &[String],
    definitions: &std::collections::BTreeSet<usize>,
    fixed: &dyn Fn(usize) -> bool,
) {
    let text_of = |p: &[usize]| {
        p.iter()
            .map(|&i| texts[i].as_str())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let blocked = |p: &[usize]| p.iter().any(|&i| definitions.contains(&i) || fixed(i));
    let mut k = 0;
    while k < paragraphs.len() {
        let (open, _) = bracket_balance(&text_of(&paragraphs[k]));
        let mut joined = false;
        if open > 0 && !paragraphs[k].iter().any(|&i| fixed(i)) {
            let last = (k + BRACKET_LOOKAHEAD).min(paragraphs.len() - 1);
            for j in k + 1..=last {
                if blocked(&paragraphs[j]) {
                    break;
                }
                let (_, stray) = bracket_balance(&text_of(&paragraphs[j]));
                if stray == 0 {
                    continue;
                }
                let merged: Vec<usize> = paragraphs[k..=j].concat();
                if bracket_balance(&text_of(&merged)) == (0, 0) {
                    paragraphs.splice(k..=j, [merged]);
                    joined = true;
                }
                break;
            }
        }
        if !joined {
            k += 1;
        }
    }
}

/// A line of the archive page, written so that it parses as plain text:
/// `\`, `[` and `]` escaped, and a `#` that would start a heading.
pub fn escape_plain(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 4);
    if line.starts_with('#') {
        out.push('\\');
    }
    for c in line.chars() {
        if matches!(c, '\\' | '[' | ']') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn balance() {
        assert_eq!(bracket_balance("[a [b] c"), (1, 0));
        assert_eq!(bracket_balance("a] [b]"), (0, 1));
        assert_eq!(bracket_balance(r"\[a [^1]"), (0, 0));
    }

    fn front(input: &str) -> String {
        let text = convert(input, &Options::default()).text;
        text.lines()
            .skip(1)
            .take_while(|l| *l != "+++")
            .map(|l| format!("{l}\n"))
            .collect()
    }

    #[test]
    fn records_keep_their_digits() {
        let di =
            |id: &str| format!("May 1, 1950\n\nT\n\nDocument Information\n\nRecord ID\n\n{id}\n");
        assert!(front(&di("111247")).contains("record = 111247\n"));
        assert!(front(&di("0042")).contains("record = \"0042\"\n"));
        assert!(front(&di("A-12")).contains("record = \"A-12\"\n"));
    }

    #[test]
    fn the_title_has_no_note_marker() {
        let fm = front("May 1, 1950\n\nA title[1]\n\nText.[1]\n\n[1] Note.\n");
        assert!(fm.contains("title = \"A title\"\n"), "{fm}");
    }

    #[test]
    fn prose_first_means_no_header_and_no_title() {
        let input = "Skip to content\nThis first line is a long sentence of running prose that goes on for more than twenty words before any date.\n\nMay 1, 1950\n";
        let out = convert(input, &Options::default()).text;
        assert!(out.starts_with("+++\n+++\n\nThis first line"), "{out}");
        assert!(
            out.ends_with("### Page header\n\nSkip to content\n"),
            "{out}"
        );
    }

    #[test]
    fn escapes() {
        assert_eq!(escape_plain(r"# [x] \ y"), r"\# \[x\] \\ y");
    }
}
