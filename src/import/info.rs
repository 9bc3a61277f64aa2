//! The document's metadata in an export: dates, the "Document Information"
//! block, `**Label:** value` lines, the source line (with its translators)
//! and the bibliography entry it names.

use std::collections::BTreeMap;

/// A date as an export writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateValue {
    /// A whole calendar date: written to TOML as a date.
    Full { year: u16, month: u8, day: u8 },
    /// A year, or a month and a year: kept as the export writes it.
    Partial(String),
}

impl DateValue {
    pub fn is_full(&self) -> bool {
        matches!(self, DateValue::Full { .. })
    }
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// `September`, `Sept.`, `sep` → 9.
fn month(word: &str) -> Option<u8> {
    let w = word.trim_end_matches('.').to_lowercase();
    if w.len() < 3 || !w.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| *m == w || (m.starts_with(&w) && (w.len() == 3 || w == "sept")))
        .map(|i| i as u8 + 1)
}

fn days_in(year: u16, month: u8) -> u8 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn year(word: &str) -> Option<u16> {
    if word.len() == 4 && word.chars().all(|c| c.is_ascii_digit()) {
        word.parse().ok().filter(|y| (1000..3000).contains(y))
    } else {
        None
    }
}

fn day(word: &str) -> Option<u8> {
    if (1..=2).contains(&word.len()) && word.chars().all(|c| c.is_ascii_digit()) {
        word.parse().ok()
    } else {
        None
    }
}

fn full(year: u16, month: u8, day: u8) -> Option<DateValue> {
    (day >= 1 && day <= days_in(year, month)).then_some(DateValue::Full { year, month, day })
}

/// Parses a line that is a date and nothing else: `September 19, 1952`,
/// `19 September 1952`, `1952-09-19`, `September 1952`, `1952`.
pub fn parse_date(text: &str) -> Option<DateValue> {
    let text = text.trim();
    let b = text.as_bytes();
    if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
        let y = year(&text[..4])?;
        let m: u8 = text[5..7].parse().ok().filter(|m| (1..=12).contains(m))?;
        let d: u8 = text[8..10].parse().ok()?;
        return full(y, m, d);
    }
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    match words.as_slice() {
        [y] => year(y).map(|_| DateValue::Partial(text.to_string())),
        [m, y] => {
            month(m)?;
            year(y)?;
            Some(DateValue::Partial(text.to_string()))
        }
        [a, b, y] => {
            let y = year(y)?;
            let (m, d) = match (month(a), day(b)) {
                (Some(m), Some(d)) => (m, d),
                _ => (month(b)?, day(a)?),
            };
            full(y, m, d)
        }
        _ => None,
    }
}

/// What the "Document Information" block and the `**Label:**` lines say.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Info {
    pub source: Option<String>,
    pub uploaded: Option<String>,
    pub kind: Option<String>,
    pub language: Option<String>,
    pub record: Option<String>,
}

/// The labels of the archive's "Document Information" block, lower-cased.
const LABELS: [&str; 15] = [
    "source",
    "original archive",
    "rights",
    "original uploaded date",
    "type",
    "language",
    "original language",
    "record id",
    "subjects discussed",
    "associated people & organizations",
    "associated places",
    "associated topics",
    "related documents",
    "document collections",
    "donors",
];

/// The archive's rights statement, which follows the source line.
pub fn is_rights_boilerplate(line: &str) -> bool {
    line.starts_with("The History and Public Policy Program welcomes reuse")
        || line.starts_with("To enquire about this document")
}

fn words(s: &str) -> usize {
    s.split_whitespace().count()
}

/// Reads the lines after "Document Information" (trimmed; blank lines
/// included or not). A label line starts a field; the non-blank lines up to
/// the next label are its value. Lines before the first label are the source
/// line (some exports drop the "Source" label) unless they are the rights
/// statement. A value that does not look like what its label announces (an
/// empty field followed by an unlabelled line) is not taken.
pub fn parse_document_information<'a>(lines: impl IntoIterator<Item = &'a str>) -> Info {
    let mut fields: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut current: Option<&str> = None;
    for line in lines {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let lower = line.to_lowercase();
        if let Some(label) = LABELS.iter().find(|l| **l == lower) {
            current = Some(label);
            fields.entry(label).or_default();
            continue;
        }
        let key = match current {
            None | Some("source") if is_rights_boilerplate(line) => "rights",
            None => "source",
            Some(label) => label,
        };
        fields.entry(key).or_default().push(line);
    }
    let first = |label: &str| fields.get(label).and_then(|v| v.first().copied());
    let mut info = Info {
        source: fields
            .get("source")
            .filter(|v| !v.is_empty())
            .map(|v| v.join(" ")),
        ..Info::default()
    };
    info.uploaded = first("original uploaded date")
        .filter(|v| parse_date(v).is_some())
        .map(str::to_string);
    info.record = first("record id")
        .filter(|v| v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .filter(|v| v.chars().any(|c| c.is_ascii_digit()))
        .map(str::to_string);
    info.kind = first("type")
        .filter(|v| words(v) <= 8 && !v.ends_with('.'))
        .map(str::to_string);
    info.language = first("language")
        .or_else(|| first("original language"))
        .filter(|v| {
            words(v) <= 6
                && v.chars()
                    .all(|c| c.is_alphabetic() || c.is_whitespace() || ",;&()-".contains(c))
        })
        .map(str::to_string);
    info
}

/// A `**Label:** value` line (also `**Label**: value`): the lower-cased
/// label and the value.
pub fn bold_field(line: &str) -> Option<(String, &str)> {
    let rest = line.strip_prefix("**")?;
    let end = rest.find("**")?;
    let (label, after) = (&rest[..end], &rest[end + 2..]);
    let (label, value) = match label.strip_suffix(':') {
        Some(l) => (l, after),
        None => (label, after.strip_prefix(':')?),
    };
    let label = label.trim();
    if label.is_empty() || words(label) > 4 {
        return None;
    }
    Some((label.to_lowercase(), value.trim()))
}

/// Splits a source line into the reference and its translators:
/// `APRF, f. 45, op. 1, d. 343, ll. 97-103. Translated by Danny Rozas with
/// Kathryn Weathersby.` → (`APRF, f. 45, op. 1, d. 343, ll. 97-103`,
/// `["Danny Rozas", "Kathryn Weathersby"]`). Also `Translated for X by Y`.
/// Contributors are `credits`' business.
pub fn split_source(source: &str) -> (String, Vec<String>) {
    let c = credits(source);
    (c.reference, c.translators)
}

/// A source line taken apart: the reference (ending at its locator) and
/// the credit sentences after it (`Contributed by X and translated by Y.`,
/// `Obtained and contributed by X.`, `Translated for X by Y.`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Credits {
    pub reference: String,
    pub translators: Vec<String>,
    pub contributors: Vec<String>,
}

/// Words that open a credit, lower case, and whether they credit a
/// translator (else a contributor). Each ends before the names' ` by `,
/// except `translated for`, whose ` by ` follows the one translated for.
const CREDIT_WORDS: [(&str, bool); 8] = [
    ("obtained and contributed by", false),
    ("obtained and translated by", true),
    ("contributed by", false),
    ("obtained by", false),
    ("provided by", false),
    ("translated by", true),
    ("translated for", true),
    ("translation by", true),
];

/// `source` taken apart (see `Credits`).
pub fn credits(source: &str) -> Credits {
    let source = source.trim();
    let lower = source.to_lowercase();
    // Every credit opener, in order, none inside another.
    let mut found: Vec<(usize, &str, bool)> = Vec::new();
    for (word, translator) in CREDIT_WORDS {
        for (at, _) in lower.match_indices(word) {
            let before_ok = at == 0 || !lower[..at].ends_with(|c: char| c.is_alphanumeric());
            if before_ok && !found.iter().any(|&(s, w, _)| s <= at && at < s + w.len()) {
                found.push((at, word, translator));
            }
        }
    }
    found.sort();
    let Some(&(first, ..)) = found.first() else {
        return Credits {
            reference: tidy_reference(source),
            ..Credits::default()
        };
    };
    let mut credits = Credits {
        reference: tidy_reference(&source[..first]),
        ..Credits::default()
    };
    for (k, &(at, word, translator)) in found.iter().enumerate() {
        let stop = found.get(k + 1).map_or(source.len(), |n| n.0);
        let clause = &source[at..stop];
        let names_start = if word.ends_with(" by") {
            word.len()
        } else {
            match clause.to_lowercase().find(" by ") {
                Some(by) => by + 3,
                None => continue,
            }
        };
        let names = clause[names_start..].trim();
        // The sentence ends at the first period that is not an initial.
        let mut end = names.len();
        for (i, c) in names.char_indices() {
            if c == '.' {
                let word_start = names[..i].rfind(' ').map_or(0, |s| s + 1);
                if i - word_start > 1 {
                    end = i;
                    break;
                }
            }
        }
        let names = names[..end]
            .trim_end()
            .trim_end_matches([',', ';'])
            .trim_end();
        let names = names.strip_suffix(" and").unwrap_or(names);
        let list = if translator {
            &mut credits.translators
        } else {
            &mut credits.contributors
        };
        list.extend(split_names(names).into_iter().filter(|p| !p.is_empty()));
    }
    credits
}

fn split_names(names: &str) -> Vec<String> {
    let mut parts = vec![names.to_string()];
    for sep in [", and ", " with ", " and ", " & ", ", "] {
        parts = parts
            .iter()
            .flat_map(|p| p.split(sep).map(str::to_string).collect::<Vec<_>>())
            .collect();
    }
    parts.into_iter().map(|p| p.trim().to_string()).collect()
}

fn tidy_reference(s: &str) -> String {
    let s = s.trim();
    s.strip_suffix('.').unwrap_or(s).trim_end().to_string()
}

/// A bibliography entry as the matcher sees it.
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'a> {
    pub key: &'a str,
    pub title: Option<&'a str>,
    /// The reference as formatted for a reader (holds the archival
    /// location, volume, …).
    pub formatted: &'a str,
}

/// Lower-case words of letters and digits.
fn norm(s: &str) -> String {
    let mapped: String = s
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_lowercase().next().unwrap_or(c)
            } else {
                ' '
            }
        })
        .collect();
    mapped.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `f. 45`, `op. 1`, `d. 343`, `vol. 7`, `ll. 97-103`: an abbreviation
/// (lower-cased, without its period) and a number.
fn numbered_parts(s: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let words: Vec<&str> = s.split_whitespace().collect();
    for pair in words.windows(2) {
        let Some(abbr) = pair[0].strip_suffix('.') else {
            continue;
        };
        let abbr = abbr.trim_start_matches(|c: char| !c.is_alphabetic());
        if abbr.is_empty() || abbr.len() > 5 || !abbr.chars().all(|c| c.is_ascii_alphabetic()) {
            continue;
        }
        let number = pair[1].trim_end_matches([',', '.', ';', ')']);
        if number.chars().next().is_some_and(|c| c.is_ascii_digit()) {
            out.push((abbr.to_lowercase(), number.to_string()));
        }
    }
    out
}

/// Parts that say where in a source, not which source.
fn is_locator_part(abbr: &str) -> bool {
    matches!(abbr, "p" | "pp" | "l" | "ll" | "fol" | "fols" | "ff")
}

/// Splits at commas outside parentheses.
fn segments(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            ',' if depth <= 0 => {
                out.push(s[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(s[start..].trim());
    out
}

/// The last segment of a reference when it is a page locator:
/// `130-131`, `Page 281` → `281`, `pp. 4-5` → `4-5`.
fn page_locator(segment: &str) -> Option<String> {
    let s = segment.trim().trim_end_matches('.');
    let lower = s.to_lowercase();
    let bare = ["pages ", "page ", "pp. ", "p. ", "pp.", "p."]
        .iter()
        .find_map(|p| lower.starts_with(p).then(|| s[p.len()..].trim()))
        .unwrap_or(s);
    let ok = !bare.is_empty()
        && bare.chars().next().is_some_and(|c| c.is_ascii_digit())
        && bare
            .chars()
            .all(|c| c.is_ascii_digit() || "-–, ".contains(c));
    ok.then(|| bare.to_string())
}

/// A locator is written into `[@key, locator]`: it must not end the
/// citation early.
fn usable_locator(loc: String) -> Option<String> {
    (!loc.is_empty() && !loc.contains([']', '[', ';', '@', '"', '\\'])).then_some(loc)
}

/// Finds the bibliography entry a source line names, and the locator the
/// line adds: `(key, locator)`.
///
/// An entry matches by its archival location when at least two numbered
/// parts that identify a source (`f. 45`, `op. 1`, `d. 343`, `vol. 7`, …)
/// agree with its formatted reference and none disagrees; the locator is
/// then what follows the last agreeing part (`ll. 97-103`). Otherwise an
/// entry whose title (two words or more) the line contains matches, when no
/// numbered part disagrees; the locator is then a trailing page number.
/// Two entries matching equally well match nothing.
pub fn match_source(
    source: &str,
    candidates: &[Candidate<'_>],
) -> Option<(String, Option<String>)> {
    let segs = segments(source);
    let source_parts: Vec<(usize, String, String)> = segs
        .iter()
        .enumerate()
        .flat_map(|(i, s)| numbered_parts(s).into_iter().map(move |(a, n)| (i, a, n)))
        .collect();
    let source_norm = norm(source);
    // (score, key, locator); archival matches score above title matches.
    let mut best: Vec<(usize, &str, Option<String>)> = Vec::new();
    for c in candidates {
        let entry_parts: Vec<(String, String)> = numbered_parts(c.formatted)
            .into_iter()
            .filter(|(a, _)| !is_locator_part(a))
            .collect();
        let mut agree = 0;
        let mut last_agreeing = None;
        let mut disagree = false;
        for (seg, abbr, number) in &source_parts {
            if is_locator_part(abbr) {
                continue;
            }
            let same_kind: Vec<&String> = entry_parts
                .iter()
                .filter(|(a, _)| a == abbr)
                .map(|(_, n)| n)
                .collect();
            if same_kind.is_empty() {
                continue;
            }
            if same_kind.contains(&number) {
                agree += 1;
                last_agreeing = Some(*seg);
            } else {
                disagree = true;
            }
        }
        if disagree {
            continue;
        }
        if agree >= 2 {
            let locator = last_agreeing
                .map(|i| segs[i + 1..].join(", "))
                .map(|l| l.trim().trim_end_matches('.').trim().to_string())
                .and_then(usable_locator);
            best.push((1000 + agree, c.key, locator));
            continue;
        }
        let Some(title) = c.title.map(norm) else {
            continue;
        };
        if title.split(' ').count() >= 2 && contains_words(&source_norm, &title) {
            let locator = segs
                .last()
                .filter(|_| segs.len() > 1)
                .and_then(|s| page_locator(s))
                .and_then(usable_locator);
            best.push((title.len(), c.key, locator));
        }
    }
    best.sort_by_key(|b| std::cmp::Reverse(b.0));
    match best.as_slice() {
        [] => None,
        [one] => Some((one.1.to_string(), one.2.clone())),
        [a, b, ..] if a.0 > b.0 => Some((a.1.to_string(), a.2.clone())),
        _ => None,
    }
}

/// `haystack` contains `needle` as whole words (both normalized).
fn contains_words(haystack: &str, needle: &str) -> bool {
    let padded = format!(" {haystack} ");
    padded.contains(&format!(" {needle} "))
}

/// The one entry whose title is the document's title.
pub fn match_title(title: &str, candidates: &[Candidate<'_>]) -> Option<String> {
    let t = norm(title);
    if t.is_empty() {
        return None;
    }
    let mut found = candidates
        .iter()
        .filter(|c| c.title.is_some_and(|ct| norm(ct) == t));
    match (found.next(), found.next()) {
        (Some(c), None) => Some(c.key.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credit_sentences() {
        let c = credits(
            "RGASPI, f. 558, op. 11, d. 762, ll. 0045ob. Contributed by Sergey Radchenko and translated by Gary Goldberg.",
        );
        assert_eq!(c.reference, "RGASPI, f. 558, op. 11, d. 762, ll. 0045ob");
        assert_eq!(c.contributors, ["Sergey Radchenko"]);
        assert_eq!(c.translators, ["Gary Goldberg"]);
        let c = credits(
            "AVPRF, f. 0100. Obtained and contributed by James Person. Translated for CWIHP by Gary Goldberg.",
        );
        assert_eq!(c.reference, "AVPRF, f. 0100");
        assert_eq!(c.contributors, ["James Person"]);
        assert_eq!(c.translators, ["Gary Goldberg"]);
        let c = credits(
            "Archive of Foreign Policy, Russian Federation (AVPRF). Translated by A. B. Smith with C. Jones.",
        );
        assert_eq!(c.translators, ["A. B. Smith", "C. Jones"]);
        assert!(c.contributors.is_empty());
    }

    #[test]
    fn dates() {
        let d = |y, m, d| {
            Some(DateValue::Full {
                year: y,
                month: m,
                day: d,
            })
        };
        assert_eq!(parse_date("September 19, 1952"), d(1952, 9, 19));
        assert_eq!(parse_date("Sept. 19, 1952"), d(1952, 9, 19));
        assert_eq!(parse_date("19 September 1952"), d(1952, 9, 19));
        assert_eq!(parse_date("1952-09-19"), d(1952, 9, 19));
        assert_eq!(parse_date("February 29, 1952"), d(1952, 2, 29));
        assert_eq!(parse_date("February 29, 1951"), None);
        assert_eq!(parse_date("1950"), Some(DateValue::Partial("1950".into())));
        assert_eq!(
            parse_date("June 1951"),
            Some(DateValue::Partial("June 1951".into()))
        );
        assert_eq!(parse_date("Mao, Zedong"), None);
        assert_eq!(parse_date("1893-1976"), None);
        assert_eq!(parse_date("(372) documents"), None);
        assert_eq!(parse_date("Korean War, 1950-1953"), None);
        assert_eq!(parse_date("Main navigation"), None);
        assert_eq!(parse_date("Mar 3 1950"), d(1950, 3, 3));
        assert_eq!(parse_date("Marc 3 1950"), None);
    }

    #[test]
    fn source_and_translators() {
        let (r, t) = split_source(
            "APRF, f. 45, op. 1, d. 343, ll. 97-103. Translated by Danny Rozas with Kathryn Weathersby.",
        );
        assert_eq!(r, "APRF, f. 45, op. 1, d. 343, ll. 97-103");
        assert_eq!(t, ["Danny Rozas", "Kathryn Weathersby"]);
        let (_, t) = split_source("X, 12. Translated by A. B. Smith and C. Jones.");
        assert_eq!(t, ["A. B. Smith", "C. Jones"]);
        let (r, t) = split_source("AVP RF. Translated for CWIHP by Gary Goldberg.");
        assert_eq!(r, "AVP RF");
        assert_eq!(t, ["Gary Goldberg"]);
        let (r, t) = split_source("Michael Sheng (2014), Page 281");
        assert_eq!(r, "Michael Sheng (2014), Page 281");
        assert!(t.is_empty());
    }

    #[test]
    fn document_information() {
        let lines = "Source\n\nAPRF, f. 45. Translated by X.\n\nRights\n\nThe History and Public Policy Program welcomes reuse of it.\n\nOriginal Uploaded Date\n\n2011-11-20\n\nType\n\nMinutes of Conversation\n\nLanguage\n\nRecord ID\n\n111247";
        let info = parse_document_information(lines.lines());
        assert_eq!(
            info.source.as_deref(),
            Some("APRF, f. 45. Translated by X.")
        );
        assert_eq!(info.uploaded.as_deref(), Some("2011-11-20"));
        assert_eq!(info.kind.as_deref(), Some("Minutes of Conversation"));
        assert_eq!(info.language, None);
        assert_eq!(info.record.as_deref(), Some("111247"));
        // Unlabelled source, empty fields, a stray value.
        let lines = "\n\nAPRF, f. 45.\n\nThe History and Public Policy Program welcomes reuse.\n\nOriginal Uploaded Date\n\n\n\nMinutes of Conversation\n\nRecord ID\n\n\n\nHenry Luce Foundation";
        let info = parse_document_information(lines.lines());
        assert_eq!(info.source.as_deref(), Some("APRF, f. 45."));
        assert_eq!(info.uploaded, None);
        assert_eq!(info.record, None);
    }

    #[test]
    fn bold_fields() {
        assert_eq!(
            bold_field("**Title:** Zhou Enlai and Stalin"),
            Some(("title".to_string(), "Zhou Enlai and Stalin"))
        );
        assert_eq!(
            bold_field("**Description:**"),
            Some(("description".to_string(), ""))
        );
        assert_eq!(
            bold_field("**Record ID**: 12"),
            Some(("record id".to_string(), "12"))
        );
        assert_eq!(bold_field("**bold** text"), None);
    }

    #[test]
    fn bibliography_matches() {
        let entries = [
            Candidate {
                key: "aprf-45-1-343",
                title: Some(
                    "Minutes of Conversation between I.V. Stalin and Zhou Enlai, 19 September 1952",
                ),
                formatted: "\"Minutes of Conversation between I.V. Stalin and Zhou Enlai, 19 September 1952,\" 19 September 1952, Archive of the President of the Russian Federation (APRF), f. 45, op. 1, d. 343, 97-103.",
            },
            Candidate {
                key: "aprf-45-1-329",
                title: Some("Minutes of Conversation, 20 August 1952"),
                formatted: "\"Minutes,\" APRF, f. 45, op. 1, d. 329.",
            },
            Candidate {
                key: "zhou-wengao-7",
                title: Some("Jianguo yilai Zhou Enlai wengao"),
                formatted: "Jianguo yilai Zhou Enlai wengao, vol. 7 (Beijing: Zhongyang wenxian chubanshe, 2018).",
            },
            Candidate {
                key: "sheng-2014",
                title: Some("Mao's Role in the {Korean} Conflict: A Revision"),
                formatted: "Michael Sheng, \"Mao's Role in the Korean Conflict: A Revision,\" Twentieth-Century China 39, no. 3 (2014).",
            },
        ];
        let m = |s| match_source(s, &entries);
        assert_eq!(
            m("APRF, f. 45, op. 1, d. 343, ll. 97-103"),
            Some(("aprf-45-1-343".into(), Some("ll. 97-103".into())))
        );
        assert_eq!(
            m("APRF, f. 45, op. 1, d. 329, ll. 54-72"),
            Some(("aprf-45-1-329".into(), Some("ll. 54-72".into())))
        );
        assert_eq!(m("APRF, f. 45, op. 1, d. 999, ll. 1-2"), None);
        assert_eq!(
            m(
                "Zhonggong zhongyang wenxian yanjiushi, eds., Jianguo yilai Zhou Enlai wengao (Zhou Enlai’s Manuscripts), vol. 7 (Beijing: Zhongyang wenxian chubanshe, 2018), 130-131"
            ),
            Some(("zhou-wengao-7".into(), Some("130-131".into())))
        );
        assert_eq!(m("Jianguo yilai Zhou Enlai wengao, vol. 8, 12"), None);
        assert_eq!(
            m(
                "Michael Sheng (2014). Mao's role in the Korean conflict: a revision Twentieth-Century China, 39. 3, Page 281"
            ),
            Some(("sheng-2014".into(), Some("281".into())))
        );
        assert_eq!(m("Something else entirely, 12"), None);
        assert_eq!(
            match_title("Mao's role in the Korean conflict: a revision", &entries),
            Some("sheng-2014".into())
        );
        assert_eq!(match_title("Minutes of Conversation", &entries), None);
    }
}
