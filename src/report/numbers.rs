//! Numbers a translation must keep: archival file numbers (`f. 45, op. 1,
//! d. 343, ll. 97-103`, also in Russian, `ф. 45, оп. 1, д. 343, лл. 97–103`),
//! pages, volumes, document numbers, dates and years, each normalized so that
//! an original and its translation compare equal when they say the same.
//!
//! What is recognized:
//!
//! | kind | written | normalized |
//! | --- | --- | --- |
//! | fond | `f. 45`, `ф. 45`, `fond 45` | `f. 45` |
//! | opis | `op. 1`, `оп. 1` | `op. 1` |
//! | delo | `d. 343`, `д. 343` | `d. 343` |
//! | folio | `l. 5`, `ll. 97-103`, `л.`, `лл.`, `fol.`, `fols.`, `list` | `fol. 5`, `fols. 97-103` |
//! | page | `p.`, `pp.`, `с.`, `стр.`, `S.` (Seite) | `p. 5`, `pp. 5-7` |
//! | volume | `vol.`, `t.`, `т.` | `vol. 7` |
//! | number | `no.`, `№` | `no. 12` |
//! | date | `1952-09-19`, `19.09.1952`, `19 September 1952`, `September 19, 1952`, `19 сентября 1952`, `1952年9月19日`, `September 1952`, `19 September` | `1952-09-19`, `1952-09`, `--09-19` |
//! | year | a four-digit number from 1000 to 2099 on its own | `1952` |
//!
//! A range is folded to `a-b` whatever the dash; a verso (`97об.`, `97ob`,
//! `97v`) to `97v`. Other bare numbers are not compared: a translation may
//! spell them out.

use std::ops::Range;

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NumberKind {
    Fond,
    Opis,
    Delo,
    Folio,
    Page,
    Volume,
    Number,
    Date,
    Year,
}

/// One number found in a text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Number {
    pub kind: NumberKind,
    /// Normalized: `343`, `97-103`, `97v`; dates `1952-09-19`, `1952-09`,
    /// `--09-19`.
    pub value: String,
    /// As written.
    pub text: String,
    /// Byte range in the text searched.
    #[serde(skip)]
    pub range: Range<usize>,
}

impl Number {
    /// The number in one spelling for every language: `d. 343`,
    /// `fols. 97-103`, `1952-09-19`.
    pub fn canonical(&self) -> String {
        let range = self.value.contains(['-', ',']);
        let label = match self.kind {
            NumberKind::Fond => "f.",
            NumberKind::Opis => "op.",
            NumberKind::Delo => "d.",
            NumberKind::Folio if range => "fols.",
            NumberKind::Folio => "fol.",
            NumberKind::Page if range => "pp.",
            NumberKind::Page => "p.",
            NumberKind::Volume => "vol.",
            NumberKind::Number => "no.",
            NumberKind::Date | NumberKind::Year => return self.value.clone(),
        };
        format!("{label} {}", self.value)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    /// Lower-cased letters (one character for Han and kana).
    Word(String),
    Num(String),
    Punct(char),
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    range: Range<usize>,
    /// White space between this token and the one before.
    space_before: bool,
}

fn is_ideograph(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF)
}

fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    let mut space = false;
    while let Some((i, c)) = chars.next() {
        if c.is_whitespace() {
            space = true;
            continue;
        }
        let mut end = i + c.len_utf8();
        let tok = if c.is_ascii_digit() {
            while let Some(&(j, d)) = chars.peek() {
                if !d.is_ascii_digit() {
                    break;
                }
                end = j + 1;
                chars.next();
            }
            Tok::Num(text[i..end].to_string())
        } else if c.is_alphabetic() && !is_ideograph(c) {
            while let Some(&(j, d)) = chars.peek() {
                if !d.is_alphabetic() || is_ideograph(d) {
                    break;
                }
                end = j + d.len_utf8();
                chars.next();
            }
            Tok::Word(text[i..end].to_lowercase())
        } else if is_ideograph(c) {
            Tok::Word(c.to_string())
        } else {
            Tok::Punct(c)
        };
        out.push(Token {
            tok,
            range: i..end,
            space_before: space,
        });
        space = false;
    }
    out
}

/// A label written with a dot after it (`f.`, `лл.`).
fn dotted_label(word: &str) -> Option<NumberKind> {
    Some(match word {
        "f" | "ф" => NumberKind::Fond,
        "op" | "оп" => NumberKind::Opis,
        "d" | "д" => NumberKind::Delo,
        "l" | "ll" | "л" | "лл" | "fol" | "fols" | "fo" | "fos" => NumberKind::Folio,
        "p" | "pp" | "с" | "стр" | "pg" | "pgs" | "s" => NumberKind::Page,
        "vol" | "vols" | "t" | "т" => NumberKind::Volume,
        "no" | "nos" | "nr" => NumberKind::Number,
        _ => return None,
    })
}

/// A label written as a whole word (`fond 45`, `delo 343`).
fn word_label(word: &str) -> Option<NumberKind> {
    Some(match word {
        "fond" | "фонд" => NumberKind::Fond,
        "opis" | "опись" => NumberKind::Opis,
        "delo" | "дело" => NumberKind::Delo,
        "list" | "listy" | "лист" | "листы" | "folio" | "folios" => NumberKind::Folio,
        "page" | "pages" | "seite" | "seiten" => NumberKind::Page,
        "tom" | "том" | "volume" => NumberKind::Volume,
        _ => return None,
    })
}

fn month(word: &str) -> Option<u32> {
    Some(match word {
        "january" | "jan" | "январь" | "января" | "янв" | "januar" | "jänner" | "janvier" => {
            1
        }
        "february" | "feb" | "февраль" | "февраля" | "фев" | "февр" | "februar" | "février" => {
            2
        }
        "march" | "mar" | "март" | "марта" | "märz" | "mars" => 3,
        "april" | "apr" | "апрель" | "апреля" | "апр" | "avril" => 4,
        "may" | "май" | "мая" | "mai" => 5,
        "june" | "jun" | "июнь" | "июня" | "июн" | "juni" | "juin" => 6,
        "july" | "jul" | "июль" | "июля" | "июл" | "juli" | "juillet" => 7,
        "august" | "aug" | "август" | "августа" | "авг" | "août" => 8,
        "september" | "sep" | "sept" | "сентябрь" | "сентября" | "сен" | "сент" | "septembre" => {
            9
        }
        "october" | "oct" | "октябрь" | "октября" | "окт" | "oktober" | "okt" | "octobre" => {
            10
        }
        "november" | "nov" | "ноябрь" | "ноября" | "ноя" | "нояб" | "novembre" => {
            11
        }
        "december" | "dec" | "декабрь" | "декабря" | "дек" | "dezember" | "dez" | "décembre" => {
            12
        }
        _ => return None,
    })
}

fn is_dash(c: char) -> bool {
    matches!(c, '-' | '–' | '—' | '‒' | '−')
}

struct Scanner<'t> {
    text: &'t str,
    toks: Vec<Token>,
    /// Locator mode: a labeled number takes a list after it (`ll. 5, 7`).
    lists: bool,
}

impl Scanner<'_> {
    fn num(&self, i: usize) -> Option<&str> {
        match self.toks.get(i).map(|t| &t.tok) {
            Some(Tok::Num(n)) => Some(n),
            _ => None,
        }
    }

    fn word(&self, i: usize) -> Option<&str> {
        match self.toks.get(i).map(|t| &t.tok) {
            Some(Tok::Word(w)) => Some(w),
            _ => None,
        }
    }

    /// Punctuation `c` at `i`, directly after the token before.
    fn punct_tight(&self, i: usize, pred: impl Fn(char) -> bool) -> bool {
        matches!(self.toks.get(i), Some(t) if matches!(t.tok, Tok::Punct(c) if pred(c)) && !t.space_before)
    }

    fn punct(&self, i: usize, pred: impl Fn(char) -> bool) -> bool {
        matches!(self.toks.get(i).map(|t| &t.tok), Some(Tok::Punct(c)) if pred(*c))
    }

    fn tight(&self, i: usize) -> bool {
        self.toks.get(i).is_some_and(|t| !t.space_before)
    }

    fn number(&self, kind: NumberKind, value: String, from: usize, to: usize) -> Number {
        let range = self.toks[from].range.start..self.toks[to - 1].range.end;
        Number {
            kind,
            value,
            text: self.text[range.clone()].to_string(),
            range,
        }
    }

    /// A number with an optional verso mark at `i`: (value, next index).
    fn folio_number(&self, i: usize) -> Option<(String, usize)> {
        let n = self.num(i)?;
        let mut value = n.trim_start_matches('0').to_string();
        if value.is_empty() {
            value.push('0');
        }
        let mut next = i + 1;
        if let Some(w) = self.word(next)
            && (matches!(w, "об" | "ob") || (self.tight(next) && matches!(w, "v" | "verso")))
        {
            value.push('v');
            next += 1;
            if self.punct_tight(next, |c| c == '.') {
                next += 1;
            }
        }
        Some((value, next))
    }

    /// `45`, `97-103`, `97об.–98` (and `5, 7` in locator mode) at `i`.
    fn value(&self, i: usize) -> Option<(String, usize)> {
        let (mut value, mut next) = self.folio_number(i)?;
        if self.punct(next, is_dash)
            && let Some((to, after)) = self.folio_number(next + 1)
        {
            value = format!("{value}-{to}");
            next = after;
        }
        while self.lists
            && self.punct(next, |c| c == ',')
            && let Some((more, after)) = self.value_single(next + 1)
        {
            value = format!("{value}, {more}");
            next = after;
        }
        Some((value, next))
    }

    fn value_single(&self, i: usize) -> Option<(String, usize)> {
        let (mut value, mut next) = self.folio_number(i)?;
        if self.punct(next, is_dash)
            && let Some((to, after)) = self.folio_number(next + 1)
        {
            value = format!("{value}-{to}");
            next = after;
        }
        Some((value, next))
    }

    /// A labeled number at `i`: (number, next index).
    fn labeled(&self, i: usize) -> Option<(Number, usize)> {
        let (kind, mut j) = if self.punct(i, |c| c == '№') {
            (NumberKind::Number, i + 1)
        } else {
            let w = self.word(i)?;
            if let (Some(kind), true) = (dotted_label(w), self.punct_tight(i + 1, |c| c == '.')) {
                (kind, i + 2)
            } else if let Some(kind) = word_label(w) {
                (kind, i + 1)
            } else {
                return None;
            }
        };
        if self.punct(j, |c| c == '№') && kind == NumberKind::Number {
            j += 1;
        }
        let (value, next) = self.value(j)?;
        Some((self.number(kind, value, i, next), next))
    }

    fn date(
        &self,
        kind: NumberKind,
        value: String,
        from: usize,
        to: usize,
    ) -> Option<(Number, usize)> {
        Some((self.number(kind, value, from, to), to))
    }

    /// A date at `i`: (number, next index).
    fn dated(&self, i: usize) -> Option<(Number, usize)> {
        let ymd = |y: &str, m: u32, d: Option<u32>| -> Option<String> {
            if !(1..=12).contains(&m) || d.is_some_and(|d| !(1..=31).contains(&d)) {
                return None;
            }
            Some(match d {
                Some(d) => format!("{y}-{m:02}-{d:02}"),
                None => format!("{y}-{m:02}"),
            })
        };
        let day = |s: &str| {
            s.parse::<u32>()
                .ok()
                .filter(|d| (1..=31).contains(d) && s.len() <= 2)
        };
        fn year(s: &str) -> Option<&str> {
            (s.len() == 4).then_some(s)
        }
        let first = self.num(i);
        // 1952-09-19
        if let Some(y) = first.and_then(year)
            && self.punct_tight(i + 1, |c| c == '-')
            && let Some(m) = self.num(i + 2).filter(|_| self.tight(i + 2))
            && self.punct_tight(i + 3, |c| c == '-')
            && let Some(d) = self.num(i + 4).filter(|_| self.tight(i + 4))
            && let Some(v) = ymd(y, m.parse().ok()?, Some(d.parse().ok()?))
        {
            return self.date(NumberKind::Date, v, i, i + 5);
        }
        // 19.09.1952
        if let Some(d) = first.and_then(day)
            && self.punct_tight(i + 1, |c| c == '.')
            && let Some(m) = self.num(i + 2).filter(|_| self.tight(i + 2))
            && self.punct_tight(i + 3, |c| c == '.')
            && let Some(y) = self.num(i + 4).filter(|_| self.tight(i + 4)).and_then(year)
            && let Some(v) = ymd(y, m.parse().ok()?, Some(d))
        {
            return self.date(NumberKind::Date, v, i, i + 5);
        }
        // 1952年9月19日, 1952年9月, 1952年
        if let Some(y) = first.and_then(year)
            && self.word(i + 1) == Some("年")
        {
            if let Some(m) = self.num(i + 2)
                && self.word(i + 3) == Some("月")
            {
                if let Some(d) = self.num(i + 4)
                    && self.word(i + 5) == Some("日")
                    && let Some(v) = ymd(y, m.parse().ok()?, Some(d.parse().ok()?))
                {
                    return self.date(NumberKind::Date, v, i, i + 6);
                }
                if let Some(v) = ymd(y, m.parse().ok()?, None) {
                    return self.date(NumberKind::Date, v, i, i + 4);
                }
            }
            return self.date(NumberKind::Year, y.to_string(), i, i + 2);
        }
        // 9月19日
        if let Some(m) = first
            && self.word(i + 1) == Some("月")
            && let Some(d) = self.num(i + 2)
            && self.word(i + 3) == Some("日")
            && let Some(v) = ymd("-", m.parse().ok()?, Some(d.parse().ok()?))
        {
            return self.date(NumberKind::Date, v, i, i + 4);
        }
        // 19 September 1952, 19 сентября 1952 г., 19 Sept.
        let after_day = if self.punct_tight(i + 1, |c| c == '.') {
            i + 2
        } else {
            i + 1
        };
        if let Some(d) = first.and_then(day)
            && let Some(m) = self.word(after_day).and_then(month)
        {
            let mut j = after_day + 1;
            if self.punct_tight(j, |c| c == '.') {
                j += 1;
            }
            let k = if self.punct(j, |c| c == ',') {
                j + 1
            } else {
                j
            };
            if let Some(y) = self.num(k).and_then(year) {
                return self.date(NumberKind::Date, ymd(y, m, Some(d))?, i, k + 1);
            }
            return self.date(NumberKind::Date, ymd("-", m, Some(d))?, i, j);
        }
        // September 19, 1952; September 1952; September 19
        if let Some(m) = self.word(i).and_then(month) {
            let mut j = i + 1;
            if self.punct_tight(j, |c| c == '.') {
                j += 1;
            }
            if let Some(y) = self.num(j).and_then(year) {
                return self.date(NumberKind::Date, ymd(y, m, None)?, i, j + 1);
            }
            if let Some(d) = self.num(j).and_then(day) {
                let k = if self.punct(j + 1, |c| c == ',') {
                    j + 2
                } else {
                    j + 1
                };
                if let Some(y) = self.num(k).and_then(year) {
                    return self.date(NumberKind::Date, ymd(y, m, Some(d))?, i, k + 1);
                }
                return self.date(NumberKind::Date, ymd("-", m, Some(d))?, i, j + 1);
            }
        }
        // 1952
        if let Some(y) = first.and_then(year)
            && ("1000".."2100").contains(&y)
        {
            return self.date(NumberKind::Year, y.to_string(), i, i + 1);
        }
        None
    }

    fn scan(&self) -> Vec<Number> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < self.toks.len() {
            if let Some((n, next)) = self.labeled(i).or_else(|| self.dated(i)) {
                out.push(n);
                i = next.max(i + 1);
            } else {
                i += 1;
            }
        }
        out
    }
}

/// Every number of `text` that translations must keep, in order.
pub fn numbers(text: &str) -> Vec<Number> {
    Scanner {
        text,
        toks: tokenize(text),
        lists: false,
    }
    .scan()
}

/// A citation locator in one spelling for every language: `лл. 97–103` and
/// `ll. 97-103` both give `fols. 97-103`; a bare number is a page
/// (`130-131` and `pp. 130-131` give `pp. 130-131`). A locator with no
/// number recognized is compared as written, folded.
pub fn normalize_locator(locator: &str) -> String {
    let trimmed = locator.trim();
    let text = if trimmed.starts_with(|c: char| c.is_ascii_digit()) {
        format!("p. {trimmed}")
    } else {
        trimmed.to_string()
    };
    let found = Scanner {
        text: &text,
        toks: tokenize(&text),
        lists: true,
    }
    .scan();
    if found.is_empty() {
        return trimmed
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
    }
    found
        .iter()
        .map(Number::canonical)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(text: &str) -> Vec<String> {
        numbers(text).iter().map(Number::canonical).collect()
    }

    #[test]
    fn archival_references_in_two_languages() {
        assert_eq!(
            canon("APRF, f. 45, op. 1, d. 343, ll. 97-103."),
            ["f. 45", "op. 1", "d. 343", "fols. 97-103"]
        );
        assert_eq!(
            canon("АПРФ. Ф. 45. Оп. 1. Д. 343. Лл. 97–103."),
            ["f. 45", "op. 1", "d. 343", "fols. 97-103"]
        );
        assert_eq!(
            canon("fond 5446, opis 1, delo 12, list 3об."),
            ["f. 5446", "op. 1", "d. 12", "fol. 3v"]
        );
        assert_eq!(canon("л. 097 об."), ["fol. 97v"]);
        assert_eq!(
            canon("Ciphered telegram No. 4581; шифртелеграмма № 4581"),
            ["no. 4581", "no. 4581"]
        );
        assert_eq!(
            canon("vol. 7, pp. 130-131; т. 7, с. 130—131"),
            ["vol. 7", "pp. 130-131", "vol. 7", "pp. 130-131"]
        );
    }

    #[test]
    fn dates_in_several_languages() {
        assert_eq!(canon("19 September 1952"), ["1952-09-19"]);
        assert_eq!(canon("September 19, 1952"), ["1952-09-19"]);
        assert_eq!(canon("19 сентября 1952 г."), ["1952-09-19"]);
        assert_eq!(canon("19.09.1952"), ["1952-09-19"]);
        assert_eq!(canon("1952-09-19"), ["1952-09-19"]);
        assert_eq!(canon("1952年9月19日"), ["1952-09-19"]);
        assert_eq!(canon("9月19日"), ["--09-19"]);
        assert_eq!(canon("in September 1952"), ["1952-09"]);
        assert_eq!(canon("on 19 Sept. the"), ["--09-19"]);
        assert_eq!(canon("am 19. September 1952"), ["1952-09-19"]);
        assert_eq!(canon("in 1952 and 1953"), ["1952", "1953"]);
    }

    #[test]
    fn other_numbers_are_not_compared() {
        assert!(canon("2-3 weeks, 20% of POWs, 3 divisions").is_empty());
        assert!(canon("line 12345 and 999").is_empty());
    }

    #[test]
    fn locators() {
        assert_eq!(normalize_locator("ll. 97-103"), "fols. 97-103");
        assert_eq!(normalize_locator("лл. 97–103"), "fols. 97-103");
        assert_eq!(normalize_locator("fols. 97-103"), "fols. 97-103");
        assert_eq!(normalize_locator("130-131"), "pp. 130-131");
        assert_eq!(normalize_locator("pp. 130–131"), "pp. 130-131");
        assert_eq!(normalize_locator("ll. 5, 7"), "fols. 5, 7");
        assert_eq!(normalize_locator("chap. 3"), "chap. 3");
        assert_ne!(
            normalize_locator("ll. 97-103"),
            normalize_locator("ll. 97-104")
        );
    }
}
