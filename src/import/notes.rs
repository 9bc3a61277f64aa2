//! Note conventions of plain-text exports: where the markers are, which note
//! each one has, and what becomes of them.
//!
//! | convention | marker | note line |
//! | --- | --- | --- |
//! | bracket | `[1]` anywhere but at the start of a line | `[1] text` |
//! | slash | `1/` or `x/` right after a word or punctuation: `Congress.1/`, `said.x/` | `1/ text`, `x/ text` |
//! | star | `*`, `**`, … right after a word or punctuation | `* text`, `** text` |
//! | parenthesis | `1)` right after a word or punctuation: `border.1)`, `troops1)` | `1) text` |
//!
//! A note line is a note when a marker with its label stands on an earlier
//! line; of several such lines, the last one is the note (numbered points
//! such as `1/ the initiative …` in the running text come before the notes).
//! Paired markers become `[^label]` and note lines `[^label]: text`
//! (labels: the number; `star1`, `star2` … for one, two … stars). A bracket
//! marker without a note stays as it is and is reported. Slash and star
//! markers, and note lines without a marker, are reported only when the
//! document uses that convention for other notes: elsewhere they are text.
//!
//! A parenthesis marker is only the closing parenthesis of nothing: `(1)`
//! and `(see art.12)` close a parenthesis opened before them on the line,
//! `see 1)` and a `1) ` list item at the start of a line stand after a
//! space or nothing, and `1.5)`, `3,000)`, `12:30)` or `1950)` are numbers
//! (a separator between digits, or more than three digits): none is a
//! marker.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Conv {
    Bracket,
    Slash,
    Star,
    Paren,
}

impl Conv {
    const ALL: [Conv; 4] = [Conv::Bracket, Conv::Slash, Conv::Star, Conv::Paren];

    fn label(self, raw: &str) -> String {
        match self {
            Conv::Bracket | Conv::Slash | Conv::Paren => raw.to_string(),
            Conv::Star => format!("star{}", raw.len()),
        }
    }

    fn show(self, raw: &str) -> String {
        match self {
            Conv::Bracket => format!("[{raw}]"),
            Conv::Slash => format!("{raw}/"),
            Conv::Star => raw.to_string(),
            Conv::Paren => format!("{raw})"),
        }
    }
}

/// A replacement in one line (byte range of the line's text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub line: usize,
    pub range: Range<usize>,
    pub replacement: String,
}

/// Something to tell the user, at a byte offset of a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub line: usize,
    pub offset: usize,
    pub message: String,
}

#[derive(Debug, Default)]
pub struct Notes {
    /// Markers and note labels to rewrite, sorted by line and offset.
    pub edits: Vec<Edit>,
    /// Lines that are note definitions (sorted).
    pub definitions: BTreeSet<usize>,
    pub findings: Vec<Finding>,
}

/// A note line of `conv`: its raw label and the length of the marker with
/// the white space after it.
fn note_line(conv: Conv, s: &str) -> Option<(String, usize)> {
    let (raw, after) = match conv {
        Conv::Bracket => {
            let rest = s.strip_prefix('[')?;
            let close = rest.find(']')?;
            let digits = &rest[..close];
            if !is_number(digits) {
                return None;
            }
            (digits, &rest[close + 1..])
        }
        Conv::Slash => {
            let slash = s.find('/')?;
            let digits = &s[..slash];
            if !is_number(digits) && !is_xs(digits) {
                return None;
            }
            (digits, &s[slash + 1..])
        }
        Conv::Star => {
            let n = s.len() - s.trim_start_matches('*').len();
            if !(1..=4).contains(&n) {
                return None;
            }
            (&s[..n], &s[n..])
        }
        Conv::Paren => {
            let close = s.find(')')?;
            let digits = &s[..close];
            if !is_number(digits) {
                return None;
            }
            (digits, &s[close + 1..])
        }
    };
    let gap = after.len() - after.trim_start().len();
    match conv {
        // `[1]` alone on a line may be a note whose text follows.
        Conv::Bracket if after.trim().is_empty() => {}
        _ if gap == 0 || after.trim().is_empty() => return None,
        _ => {}
    }
    Some((raw.to_string(), s.len() - after.len() + gap))
}

/// `x`, `xx`, `xxx`: the letter markers of some exports (`word.x/`).
fn is_xs(s: &str) -> bool {
    (1..=3).contains(&s.len()) && s.bytes().all(|b| b == b'x')
}

fn is_number(s: &str) -> bool {
    (1..=3).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
}

/// How many parentheses `s` leaves open (a `)` that closes none, such as
/// a `1)` marker, counts for nothing).
fn open_parens(s: &str) -> usize {
    s.bytes().fold(0, |depth, b| match b {
        b'(' => depth + 1,
        b')' => depth.saturating_sub(1),
        _ => depth,
    })
}

/// Punctuation that may follow a marker.
fn ends_marker(c: Option<char>) -> bool {
    match c {
        None => true,
        Some(c) => c.is_whitespace() || ".,;:!?)]\"'”’»".contains(c),
    }
}

/// Markers of `conv` in `s` from byte `from` on: (range, raw label).
fn markers(conv: Conv, s: &str, from: usize) -> Vec<(Range<usize>, String)> {
    let mut out = Vec::new();
    let prev_of = |i: usize| s[..i].chars().next_back();
    match conv {
        Conv::Bracket => {
            for (i, _) in s.match_indices('[').filter(|(i, _)| *i >= from) {
                let rest = &s[i + 1..];
                let Some(close) = rest.find(']') else {
                    continue;
                };
                let digits = &rest[..close];
                if !is_number(digits) {
                    continue;
                }
                let end = i + 1 + close + 1;
                let prev = prev_of(i);
                let next = s[end..].chars().next();
                // `\[1]`, `[[1]]`, `[1](url)` and `^[1]` are something else.
                if matches!(prev, Some('\\' | '[' | '^')) || matches!(next, Some(']' | '(')) {
                    continue;
                }
                out.push((i..end, digits.to_string()));
            }
        }
        Conv::Slash => {
            let bytes = s.as_bytes();
            let mut i = from;
            while i < s.len() {
                let run = bytes[i];
                if !run.is_ascii_digit() && run != b'x' {
                    i += 1;
                    continue;
                }
                let start = i;
                while i < s.len() && (bytes[i] == run || run != b'x' && bytes[i].is_ascii_digit()) {
                    i += 1;
                }
                // An `x` run right after a letter is a word's end (`box/`).
                if run == b'x' && prev_of(start).is_some_and(char::is_alphanumeric) {
                    continue;
                }
                if i >= s.len() || bytes[i] != b'/' {
                    continue;
                }
                let digits = &s[start..i];
                let end = i + 1;
                let prev = prev_of(start);
                let attached = prev.is_some_and(|p| !p.is_whitespace() && p != '/');
                if (is_number(digits) || is_xs(digits))
                    && attached
                    && ends_marker(s[end..].chars().next())
                {
                    out.push((start..end, digits.to_string()));
                }
                i = end;
            }
        }
        Conv::Paren => {
            let bytes = s.as_bytes();
            let mut i = from;
            while i < s.len() {
                if !bytes[i].is_ascii_digit() {
                    i += 1;
                    continue;
                }
                let start = i;
                while i < s.len() && bytes[i].is_ascii_digit() {
                    i += 1;
                }
                if i >= s.len() || bytes[i] != b')' {
                    continue;
                }
                let end = i + 1;
                i = end;
                let digits = &s[start..end - 1];
                let Some(prev) = prev_of(start) else {
                    continue;
                };
                // `see 1)`: a space before; `(1)`, `(art.12)`: the
                // parenthesis closes one opened before it on the line.
                let opened = open_parens(&s[..start]) > 0;
                // `1.5)`, `3,000)`, `12:30)`: a number's separator.
                let in_number = !prev.is_alphanumeric()
                    && s[..start - prev.len_utf8()]
                        .chars()
                        .next_back()
                        .is_some_and(|c| c.is_ascii_digit());
                if is_number(digits)
                    && !prev.is_whitespace()
                    && !opened
                    && !in_number
                    && ends_marker(s[end..].chars().next())
                {
                    out.push((start..end, digits.to_string()));
                }
            }
        }
        Conv::Star => {
            // Star runs, telling emphasis (`*word*`, `**Label:**`) from markers.
            let mut open: Vec<usize> = Vec::new();
            let bytes = s.as_bytes();
            let mut i = 0;
            while i < s.len() {
                if bytes[i] != b'*' {
                    i += 1;
                    continue;
                }
                let start = i;
                while i < s.len() && bytes[i] == b'*' {
                    i += 1;
                }
                let n = i - start;
                let prev = prev_of(start);
                let next = s[i..].chars().next();
                let after_space = prev.is_none_or(|p| p.is_whitespace() || "([\"'“‘".contains(p));
                let before_space = next.is_none_or(char::is_whitespace);
                if after_space && !before_space {
                    open.push(n);
                } else if !after_space {
                    if let Some(pos) = open.iter().rposition(|&m| m == n) {
                        open.truncate(pos);
                    } else if start >= from && n <= 4 && ends_marker(next) {
                        out.push((start..i, s[start..i].to_string()));
                    }
                }
            }
        }
    }
    out
}

/// Finds the notes of `lines` (trimmed texts) and decides what to rewrite.
pub fn analyze(lines: &[&str]) -> Notes {
    let mut notes = Notes::default();
    let mut used_labels: HashSet<String> = HashSet::new();
    for conv in Conv::ALL {
        // Note lines: line → (raw, prefix length).
        let note_lines: BTreeMap<usize, (String, usize)> = lines
            .iter()
            .enumerate()
            .filter_map(|(i, s)| note_line(conv, s).map(|n| (i, n)))
            .collect();
        let mut found: Vec<(usize, Range<usize>, String)> = Vec::new();
        for (i, s) in lines.iter().enumerate() {
            let from = note_lines.get(&i).map_or(0, |(_, len)| *len);
            for (range, raw) in markers(conv, s, from) {
                found.push((i, range, raw));
            }
        }
        // The note of each label: the last note line after its first marker.
        let mut first_marker: BTreeMap<&str, usize> = BTreeMap::new();
        for (line, _, raw) in &found {
            first_marker.entry(raw.as_str()).or_insert(*line);
        }
        let mut chosen: BTreeMap<String, usize> = BTreeMap::new();
        for (&line, (raw, _)) in &note_lines {
            if first_marker.get(raw.as_str()).is_some_and(|&m| m < line) {
                chosen.insert(raw.clone(), line);
            }
        }
        let in_use = !chosen.is_empty();
        // Labels: the convention's own, unless another convention took it.
        let mut labels: BTreeMap<String, String> = BTreeMap::new();
        for raw in chosen.keys() {
            let base = conv.label(raw);
            let mut label = base.clone();
            let mut k = 2;
            while used_labels.contains(&label) {
                label = format!("{base}-{k}");
                k += 1;
            }
            used_labels.insert(label.clone());
            labels.insert(raw.clone(), label);
        }
        for (raw, &line) in &chosen {
            let (_, len) = &note_lines[&line];
            let label = &labels[raw];
            let text_follows = lines[line].len() > *len;
            notes.edits.push(Edit {
                line,
                range: 0..*len,
                replacement: if text_follows {
                    format!("[^{label}]: ")
                } else {
                    format!("[^{label}]:")
                },
            });
            notes.definitions.insert(line);
        }
        for (line, range, raw) in found {
            match labels.get(&raw) {
                Some(label) => notes.edits.push(Edit {
                    line,
                    range,
                    replacement: format!("[^{label}]"),
                }),
                None if conv == Conv::Bracket || in_use => notes.findings.push(Finding {
                    line,
                    offset: range.start,
                    message: format!(
                        "note marker `{}` has no note in the export; kept as text",
                        conv.show(&raw)
                    ),
                }),
                None => {}
            }
        }
        if in_use {
            for (&line, (raw, _)) in &note_lines {
                if chosen.get(raw) != Some(&line) && chosen.values().any(|&c| c < line) {
                    notes.findings.push(Finding {
                        line,
                        offset: 0,
                        message: format!(
                            "note `{}` has no marker in the text before it; kept as text",
                            conv.show(raw)
                        ),
                    });
                }
            }
        }
    }
    notes.edits.sort_by_key(|e| (e.line, e.range.start));
    notes.findings.sort_by_key(|f| (f.line, f.offset));
    notes
}

/// Applies the edits of one line.
pub fn apply(text: &str, edits: &[&Edit]) -> String {
    let mut out = String::with_capacity(text.len() + 8 * edits.len());
    let mut pos = 0;
    for e in edits {
        if e.range.start < pos {
            continue;
        }
        out.push_str(&text[pos..e.range.start]);
        out.push_str(&e.replacement);
        pos = e.range.end;
    }
    out.push_str(&text[pos..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> (Vec<String>, Vec<String>) {
        let lines: Vec<&str> = text.lines().collect();
        let notes = analyze(&lines);
        let out = lines
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let edits: Vec<&Edit> = notes.edits.iter().filter(|e| e.line == i).collect();
                apply(l, &edits)
            })
            .collect();
        let findings = notes
            .findings
            .iter()
            .map(|f| format!("{}:{}: {}", f.line + 1, f.offset, f.message))
            .collect();
        (out, findings)
    }

    #[test]
    fn brackets() {
        let (out, findings) =
            run("To the Chairman [Mao Zedong]:[1] and [2], [7]\n[1] One.\n[2] Two.\n[3] Three.");
        assert_eq!(
            out,
            [
                "To the Chairman [Mao Zedong]:[^1] and [^2], [7]",
                "[^1]: One.",
                "[^2]: Two.",
                "[3] Three."
            ]
        );
        assert_eq!(findings.len(), 2, "{findings:?}");
        assert!(findings[0].starts_with("1:42: note marker `[7]`"));
        assert!(findings[1].starts_with("4:0: note `[3]` has no marker"));
    }

    #[test]
    fn slashes_and_numbered_points() {
        let (out, findings) = run(
            "1/ the initiative;\n2/ it will be better.\nHe said so.1/ Then 3/4 of it, 1950/51.\n1/ A note.",
        );
        assert_eq!(
            out,
            [
                "1/ the initiative;",
                "2/ it will be better.",
                "He said so.[^1] Then 3/4 of it, 1950/51.",
                "[^1]: A note."
            ]
        );
        assert!(findings.is_empty(), "{findings:?}");
        // Numbered points alone are text.
        let (out, findings) = run("1/ the initiative;\n2/ it will be better.");
        assert_eq!(out, ["1/ the initiative;", "2/ it will be better."]);
        assert!(findings.is_empty());
    }

    #[test]
    fn parentheses() {
        let (out, findings) = run(concat!(
            "The points (1) and (2) were agreed:\n",
            "1) the border stays closed;\n",
            "2) the troops stay.\n",
            "He left the border.1) The troops2), see 1) and (art.12), stayed.\n",
            "At 12:30) or 1.5) or 3,000) or in 1950) nothing.\n",
            "1) Closed since May.\n",
            "2) Two divisions.",
        ));
        assert_eq!(
            out,
            [
                "The points (1) and (2) were agreed:",
                "1) the border stays closed;",
                "2) the troops stay.",
                "He left the border.[^1] The troops[^2], see 1) and (art.12), stayed.",
                "At 12:30) or 1.5) or 3,000) or in 1950) nothing.",
                "[^1]: Closed since May.",
                "[^2]: Two divisions."
            ]
        );
        assert!(findings.is_empty(), "{findings:?}");
        // List items alone, and enumerations, are text.
        let (out, findings) = run("Agreed: (1) this, (2) that.\n1) first;\n2) second.");
        assert_eq!(
            out,
            ["Agreed: (1) this, (2) that.", "1) first;", "2) second."]
        );
        assert!(findings.is_empty());
        // Once the convention is in use, a marker without its note and a
        // note without its marker are reported.
        let (out, findings) = run("One.1) Two.3)\n1) A note.\n2) Another.");
        assert_eq!(out, ["One.[^1] Two.3)", "[^1]: A note.", "2) Another."]);
        assert_eq!(findings.len(), 2, "{findings:?}");
        assert!(findings[0].starts_with("1:11: note marker `3)` has no note"));
        assert!(findings[1].starts_with("3:0: note `2)` has no marker"));
        // With slash notes in the same export, labels do not collide.
        let (out, _) = run("A.1/ B.1)\n1/ Slash.\n1) Paren.");
        assert_eq!(out, ["A.[^1] B.[^1-2]", "[^1]: Slash.", "[^1-2]: Paren."]);
    }

    #[test]
    fn stars() {
        let (out, findings) = run(
            "**Title:** a *word* and a marker* and two** here***.\n* list item\n* One.\n** Two.",
        );
        assert_eq!(
            out,
            [
                "**Title:** a *word* and a marker[^star1] and two[^star2] here***.",
                "* list item",
                "[^star1]: One.",
                "[^star2]: Two."
            ]
        );
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert!(findings[0].contains("`***` has no note"));
    }
}
