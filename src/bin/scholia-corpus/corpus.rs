//! A deterministic generator of synthetic archives for benchmarks: documents
//! shaped like the seeds (front matter, headings, minutes of conversation
//! with a mention every 100–200 characters, a footnote per paragraph,
//! citations in the notes, editorial insertions, lines in Russian and
//! Chinese), a registry with aliases and a CSL-JSON bibliography.
//!
//! Everything derives from one seed through a small SplitMix64 generator,
//! so the same preset and seed always give the same bytes. Shared by the
//! `scholia-corpus` binary and `benches/micro.rs`.

#![allow(dead_code)]

use std::fmt::Write as _;

/// SplitMix64: small, fast, good enough for synthetic text.
#[derive(Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5eed_5c40_11a5_0000)
    }

    /// A generator for one item, independent of how much others consumed.
    pub fn derive(seed: u64, stream: u64, index: u64) -> Rng {
        let mut r = Rng::new(seed ^ stream.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        r.0 = r.0.wrapping_add(index.wrapping_mul(0xd1b5_4a32_d192_ed03));
        r.next();
        r
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (((self.next() >> 11) as u128 * n as u128) >> 53) as usize
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        ((self.next() >> 11) as f64 / (1u64 << 53) as f64) < p
    }

    pub fn pick<'a, T>(&mut self, list: &'a [T]) -> &'a T {
        &list[self.below(list.len())]
    }

    /// Zipf-like (s = 1) rank in `0..n`: rank r with weight 1/(r+1).
    pub fn zipf(&mut self, n: usize) -> usize {
        // Inverse of the continuous approximation H(x) ≈ ln(x + 1).
        let u = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        let x = ((n as f64 + 1.0).ln() * u).exp() - 1.0;
        (x as usize).min(n - 1)
    }
}

/// A preset: how many documents, entities and bibliography entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Preset {
    pub name: &'static str,
    pub documents: usize,
    pub entities: usize,
    pub sources: usize,
}

pub const PRESETS: [Preset; 3] = [
    Preset {
        name: "small",
        documents: 200,
        entities: 1_000,
        sources: 300,
    },
    Preset {
        name: "medium",
        documents: 2_000,
        entities: 5_000,
        sources: 2_000,
    },
    Preset {
        name: "archive",
        documents: 15_000,
        entities: 20_000,
        sources: 8_000,
    },
];

pub fn preset(name: &str) -> Option<Preset> {
    PRESETS.into_iter().find(|p| p.name == name)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Person,
    Place,
    Organization,
}

impl Kind {
    fn table(self) -> &'static str {
        match self {
            Kind::Person => "person",
            Kind::Place => "place",
            Kind::Organization => "organization",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Entity {
    pub id: String,
    pub kind: Kind,
    pub name: String,
    pub aliases: Vec<String>,
    /// How the minutes call a speaker (`STALIN`), for persons.
    pub speaker: String,
    /// A short form used in running text (surname, short place name).
    pub short: String,
    pub born: Option<u32>,
    pub died: Option<u32>,
    pub region: Option<&'static str>,
    pub description: String,
    pub wikidata: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Source {
    pub key: String,
    pub json: String,
}

const SYLLABLES: [&str; 40] = [
    "ka", "ro", "vel", "mi", "tan", "zo", "bru", "dal", "fen", "gor", "hal", "ish", "jur", "kel",
    "lom", "mar", "nev", "ost", "pav", "quin", "ras", "sel", "tor", "ul", "vas", "wen", "yar",
    "zel", "bor", "chen", "dun", "eri", "fal", "gul", "hua", "lin", "mok", "nor", "pel", "sha",
];
const PERSON_ENDINGS: [&str; 10] = [
    "ov", "in", "enko", "ski", "ev", "ang", "ou", "ez", "ani", "berg",
];
const PLACE_ENDINGS: [&str; 10] = [
    "grad", "shan", "ia", "burg", "pur", "abad", "ville", "kou", "stan", "mouth",
];
const GIVEN: [&str; 48] = [
    "Ivan",
    "Li",
    "Anna",
    "Georgi",
    "Wang",
    "Pyotr",
    "Maria",
    "Kim",
    "Zhang",
    "Nikolai",
    "Elena",
    "Park",
    "Chen",
    "Dmitri",
    "Olga",
    "Ho",
    "Andrei",
    "Liu",
    "Sergei",
    "Vera",
    "Pak",
    "Boris",
    "Yuri",
    "Nadezhda",
    "Josef",
    "Klement",
    "Walter",
    "Wilhelm",
    "Imre",
    "Matyas",
    "Enver",
    "Todor",
    "Gheorghe",
    "Wladyslaw",
    "Jan",
    "Antonin",
    "Vasil",
    "Kang",
    "Nguyen",
    "Tran",
    "Song",
    "Zhou",
    "Mikhail",
    "Lavrenti",
    "Anastas",
    "Kliment",
    "Semyon",
    "Aleksei",
];
const REGIONS: [&str; 8] = [
    "East Asia",
    "Eastern Europe",
    "Western Europe",
    "South Asia",
    "Southeast Asia",
    "Middle East",
    "North America",
    "Central Asia",
];
const ORG_HEADS: [&str; 12] = [
    "Ministry of Foreign Affairs of",
    "Central Committee of the Workers' Party of",
    "Embassy in",
    "State Planning Committee of",
    "General Staff of",
    "Ministry of Defense of",
    "Trade Mission to",
    "People's Committee of",
    "Consulate General in",
    "Politburo of the Communist Party of",
    "Academy of Sciences of",
    "Red Cross Society of",
];
const WORDS: [&str; 96] = [
    "the",
    "question",
    "of",
    "delegation",
    "said",
    "that",
    "government",
    "agreed",
    "proposal",
    "concerning",
    "exchange",
    "prisoners",
    "war",
    "negotiations",
    "armistice",
    "military",
    "assistance",
    "we",
    "must",
    "consider",
    "situation",
    "in",
    "regard",
    "to",
    "economic",
    "cooperation",
    "comrade",
    "asked",
    "whether",
    "possible",
    "delay",
    "position",
    "answered",
    "it",
    "is",
    "necessary",
    "and",
    "would",
    "not",
    "be",
    "a",
    "treaty",
    "agreement",
    "side",
    "support",
    "this",
    "matter",
    "has",
    "been",
    "discussed",
    "with",
    "committee",
    "shipments",
    "railroad",
    "construction",
    "at",
    "present",
    "time",
    "they",
    "will",
    "send",
    "artillery",
    "divisions",
    "aircraft",
    "supplies",
    "for",
    "next",
    "year",
    "on",
    "basis",
    "mutual",
    "interests",
    "friendship",
    "our",
    "people",
    "understand",
    "difficult",
    "circumstances",
    "however",
    "there",
    "are",
    "several",
    "points",
    "which",
    "require",
    "clarification",
    "before",
    "final",
    "decision",
    "can",
    "made",
    "by",
    "both",
    "parties",
    "soon",
    "possible",
];
const VERBS: [&str; 10] = [
    "says", "answers", "asks", "notes", "replies", "adds", "remarks", "explains", "confirms",
    "objects",
];
const INSERTIONS: [&str; 8] = [
    "[?]",
    "[sic]",
    "[illegible]",
    "[...]",
    "[the Chinese side]",
    "[words missing]",
    "[in Russian]",
    "[handwritten]",
];
const RUSSIAN: [&str; 6] = [
    "«Товарищ Сталин сказал, что это вопрос для обсуждения в Москве.»",
    "«Мы не можем согласиться с этим предложением без консультации.»",
    "«Переговоры о перемирии продолжаются, позиция остаётся прежней.»",
    "«Советское правительство готово оказать помощь в строительстве.»",
    "«Подписано: А. Вышинский. Совершенно секретно.»",
    "«Примечание переводчика: в оригинале фраза неразборчива.»",
];
const CHINESE: [&str; 6] = [
    "「周恩来总理表示同意，并将报告毛主席。」",
    "「关于战俘问题，我们的立场没有改变。」",
    "「请示中央后再作最后决定。」",
    "「苏联同志答应在明年提供援助。」",
    "「电报原文如下，译者注。」",
    "「此件存档，不得外传。」",
];
const ACCENTED: [&str; 6] = [
    "Hồ Chí Minh's cable arrived via Hà Nội the same evening.",
    "The note from Kraków was signed by Józef Cyrankiewicz and Władysław Gomułka.",
    "Mátyás Rákosi's memorandum, translated from the Magyar, follows.",
    "The Bucureşti embassy forwarded Gheorghiu-Dej's reply (Ţară, Şcoală).",
    "Čs. delegation: Klement Gottwald, Václav Široký, Antonín Zápotocký.",
    "Ankara's démarche was handed over à titre personnel.",
];
const TITLES: [&str; 8] = [
    "Minutes of Conversation between",
    "Record of a Meeting between",
    "Cable from",
    "Memorandum of Conversation between",
    "Report from",
    "Letter from",
    "Telegram from",
    "Notes on a Conversation between",
];
const ARCHIVES: [(&str, &str); 6] = [
    (
        "aprf",
        "Archive of the President of the Russian Federation (APRF)",
    ),
    (
        "avprf",
        "Archive of Foreign Policy of the Russian Federation (AVPRF)",
    ),
    (
        "rgaspi",
        "Russian State Archive of Socio-Political History (RGASPI)",
    ),
    (
        "prc-fma",
        "People's Republic of China Foreign Ministry Archive",
    ),
    (
        "sapmo",
        "Stiftung Archiv der Parteien und Massenorganisationen",
    ),
    ("aan", "Archiwum Akt Nowych"),
];
const LOCATORS: [&str; 5] = ["l. ", "ll. ", "p. ", "pp. ", "f. "];

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// A distinct stem for every index below 40 × 40 × 10 × 40.
fn stem(i: usize, endings: &[&str; 10]) -> String {
    let a = SYLLABLES[i % 40];
    let b = SYLLABLES[(i / 40) % 40];
    let e = endings[(i / 1600) % 10];
    let extra = i / 16_000;
    let mut s = format!("{a}{b}");
    if extra > 0 {
        s.push_str(SYLLABLES[extra % 40]);
    }
    s.push_str(e);
    capitalize(&s)
}

/// The registry: entity 0 is the archive's own program, named once in the
/// trailer of every document (the "hub" used to time workspace-wide
/// references); the rest are persons (60 %), places (25 %) and
/// organizations (15 %), in a shuffled order so that popularity (Zipf over
/// the index) is spread across kinds.
pub fn entities(seed: u64, n: usize) -> Vec<Entity> {
    let mut out = Vec::with_capacity(n);
    out.push(Entity {
        id: "hppp".into(),
        kind: Kind::Organization,
        name: "History and Public Policy Program".into(),
        aliases: vec!["HAPP".into()],
        speaker: String::new(),
        short: "HAPP".into(),
        born: Some(1991),
        died: None,
        region: Some("North America"),
        description: "The Wilson Center program that publishes the Digital Archive.".into(),
        wikidata: None,
    });
    let mut places: Vec<String> = Vec::new();
    let (mut persons_made, mut places_made, mut orgs_made) = (0usize, 0usize, 0usize);
    for i in 1..n {
        let mut r = Rng::derive(seed, 1, i as u64);
        let roll = r.below(100);
        let kind = if roll < 60 {
            Kind::Person
        } else if roll < 85 || places.is_empty() {
            Kind::Place
        } else {
            Kind::Organization
        };
        let e = match kind {
            Kind::Person => {
                let k = persons_made;
                persons_made += 1;
                let surname = stem(k * 7919 % 640_000, &PERSON_ENDINGS);
                let given = *r.pick(&GIVEN);
                let born = 1870 + r.below(50) as u32;
                let mut aliases = vec![surname.clone(), format!("{}. {surname}", &given[..1])];
                if r.chance(0.3) {
                    aliases.push(format!("{given} {}ich {surname}", r.pick(&GIVEN)));
                }
                if r.chance(0.15) {
                    aliases.push(format!("Товарищ {surname}"));
                }
                if r.chance(0.1) {
                    aliases.push(format!("{}同志", surname));
                }
                Entity {
                    id: format!(
                        "{}-{}",
                        given.to_lowercase(),
                        surname.to_lowercase().replace(' ', "-")
                    ),
                    kind,
                    name: format!("{given} {surname}"),
                    speaker: surname.to_uppercase(),
                    short: surname,
                    aliases,
                    born: Some(born),
                    died: r.chance(0.9).then(|| born + 40 + r.below(50) as u32),
                    region: None,
                    description: format!(
                        "Official of the {} delegation; took part in the negotiations of the early 1950s.",
                        r.pick(&REGIONS)
                    ),
                    wikidata: r
                        .chance(0.5)
                        .then(|| format!("Q{}", 100_000 + r.below(900_000))),
                }
            }
            Kind::Place => {
                let k = places_made;
                places_made += 1;
                let name = stem(k * 7907 % 640_000, &PLACE_ENDINGS);
                places.push(name.clone());
                let mut aliases = Vec::new();
                if r.chance(0.5) {
                    aliases.push(format!("{name}-Nord"));
                }
                if r.chance(0.2) {
                    aliases.push(name.replace('o', "ö").replace('a', "ä"));
                }
                Entity {
                    id: name.to_lowercase(),
                    kind,
                    name: name.clone(),
                    speaker: String::new(),
                    short: name.clone(),
                    aliases: {
                        aliases.retain(|a| *a != name);
                        aliases
                    },
                    born: None,
                    died: None,
                    region: Some(*r.pick(&REGIONS)),
                    description: "A city named in the correspondence.".into(),
                    wikidata: r
                        .chance(0.5)
                        .then(|| format!("Q{}", 100_000 + r.below(900_000))),
                }
            }
            Kind::Organization => {
                let k = orgs_made;
                orgs_made += 1;
                let head = ORG_HEADS[k % ORG_HEADS.len()];
                let place = places[(k / ORG_HEADS.len()) % places.len()].clone();
                let name = format!("{head} {place}");
                let acronym: String = name
                    .split_whitespace()
                    .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
                    .map(|w| w.chars().next().unwrap_or('X'))
                    .collect();
                Entity {
                    id: format!("org-{k}"),
                    kind,
                    name,
                    speaker: String::new(),
                    short: format!("{acronym}-{k}"),
                    aliases: vec![format!("{acronym}-{k}")],
                    born: Some(1945 + r.below(10) as u32),
                    died: None,
                    region: None,
                    description: "A body whose documents are held in the archive.".into(),
                    wikidata: None,
                }
            }
        };
        out.push(e);
    }
    // Ids must be unique: places and persons can meet only by accident.
    let mut seen = std::collections::HashSet::new();
    for (i, e) in out.iter_mut().enumerate() {
        if !seen.insert(e.id.clone()) {
            e.id = format!("{}-{i}", e.id);
            seen.insert(e.id.clone());
        }
    }
    out
}

fn toml_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The registry as TOML, one file per kind: (file name, text).
pub fn registry_files(entities: &[Entity]) -> Vec<(&'static str, String)> {
    let mut files = vec![
        ("people.toml", String::new()),
        ("places.toml", String::new()),
        ("organizations.toml", String::new()),
    ];
    for f in &mut files {
        f.1.push_str("# Generated by scholia-corpus (synthetic, for benchmarks).\n");
    }
    for e in entities {
        let out = &mut files[match e.kind {
            Kind::Person => 0,
            Kind::Place => 1,
            Kind::Organization => 2,
        }]
        .1;
        let _ = writeln!(out, "\n[{}.{}]", e.kind.table(), e.id);
        let _ = writeln!(out, "name = {}", toml_str(&e.name));
        if !e.aliases.is_empty() {
            let list: Vec<String> = e.aliases.iter().map(|a| toml_str(a)).collect();
            let _ = writeln!(out, "aliases = [{}]", list.join(", "));
        }
        if let Some(b) = e.born {
            let _ = writeln!(out, "born = {b}");
        }
        if let Some(d) = e.died {
            let _ = writeln!(out, "died = {d}");
        }
        if let Some(r) = e.region {
            let _ = writeln!(out, "region = {}", toml_str(r));
        }
        let _ = writeln!(out, "description = {}", toml_str(&e.description));
        if let Some(w) = &e.wikidata {
            let _ = writeln!(out, "wikidata = {}", toml_str(w));
        }
    }
    files
}

/// The bibliography: archival files and a few published collections.
pub fn sources(seed: u64, n: usize) -> Vec<Source> {
    let mut out = Vec::with_capacity(n);
    let mut seen = std::collections::HashSet::new();
    for i in 0..n {
        let mut r = Rng::derive(seed, 2, i as u64);
        let (abbr, archive) = *r.pick(&ARCHIVES);
        let (fond, op, delo) = (r.range(1, 120), r.range(1, 12), r.range(1, 900));
        let mut key = format!("{abbr}-{fond}-{op}-{delo}");
        if !seen.insert(key.clone()) {
            key = format!("{key}-{i}");
            seen.insert(key.clone());
        }
        let year = 1945 + r.below(20);
        let (month, day) = (r.range(1, 12), r.range(1, 28));
        let json = if i % 10 == 9 {
            format!(
                r#"{{"id": "{key}", "type": "book", "title": "Documents on Foreign Policy, volume {fond}", "editor": [{{"literal": "Editorial board of the {archive}"}}], "volume": "{fond}", "publisher": "Nauka", "publisher-place": "Moscow", "issued": {{"date-parts": [[{}]]}}, "language": "ru"}}"#,
                1990 + r.below(30)
            )
        } else {
            format!(
                r#"{{"id": "{key}", "type": "manuscript", "title": "Record of conversation, {day} {} {year}", "issued": {{"date-parts": [[{year}, {month}, {day}]]}}, "archive": "{archive}", "archive_location": "f. {fond}, op. {op}, d. {delo}", "page": "{}-{}", "translator": [{{"family": "{}", "given": "{}"}}], "note": "Translated for the Digital Archive, Record ID {}.", "language": "ru"}}"#,
                month_name(month),
                r.range(1, 50),
                r.range(51, 120),
                stem(r.below(1600), &PERSON_ENDINGS),
                r.pick(&GIVEN),
                100_000 + i
            )
        };
        out.push(Source { key, json });
    }
    out
}

pub fn bibliography_json(sources: &[Source]) -> String {
    let mut out = String::from("[\n");
    for (i, s) in sources.iter().enumerate() {
        out.push_str("  ");
        out.push_str(&s.json);
        out.push_str(if i + 1 < sources.len() { ",\n" } else { "\n" });
    }
    out.push_str("]\n");
    out
}

fn month_name(m: usize) -> &'static str {
    [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ][(m - 1) % 12]
}

/// What a generated document is about (for its file name).
pub struct DocMeta {
    pub year: u32,
    pub file_name: String,
}

/// The world a document is written in.
pub struct World<'a> {
    pub entities: &'a [Entity],
    pub sources: &'a [Source],
}

impl World<'_> {
    /// A popular-first entity (never the hub, entity 0).
    fn any_entity(&self, r: &mut Rng) -> usize {
        1 + r.zipf(self.entities.len() - 1)
    }

    fn any_source(&self, r: &mut Rng) -> &str {
        &self.sources[r.zipf(self.sources.len())].key
    }
}

/// Writes one mention of entity `i` in one of the forms editors use.
fn mention(out: &mut String, e: &Entity, r: &mut Rng, speaker: bool) {
    if speaker && e.kind == Kind::Person {
        let _ = write!(out, "[[{}|{}]]", e.id, e.speaker);
        return;
    }
    match r.below(10) {
        0..=4 => {
            let shown = if e.aliases.is_empty() || r.chance(0.5) {
                &e.short
            } else {
                r.pick(&e.aliases)
            };
            let _ = write!(out, "[[{}|{}]]", e.id, shown);
        }
        5..=7 => {
            let _ = write!(out, "[[{}]]", e.name);
        }
        _ => {
            let target = if e.aliases.is_empty() {
                &e.name
            } else {
                r.pick(&e.aliases)
            };
            let _ = write!(out, "[[{target}]]");
        }
    }
}

/// Words until `out` has grown by about `len` bytes.
fn words(out: &mut String, r: &mut Rng, len: usize) {
    let start = out.len();
    while out.len() - start < len {
        out.push(' ');
        let w = r.pick(&WORDS[..]);
        out.push_str(w);
    }
}

/// One document of about `target` bytes. `number` seeds it; the hub entity
/// is named exactly once, in the trailer.
pub fn document(
    world: &World<'_>,
    seed: u64,
    number: usize,
    target: usize,
    translation_of: Option<&str>,
) -> (DocMeta, String) {
    let mut r = Rng::derive(seed, 3, number as u64);
    let ents = world.entities;
    // The cast: a few people who speak, and what they talk about.
    let cast: Vec<usize> = (0..r.range(6, 14))
        .map(|_| world.any_entity(&mut r))
        .collect();
    let speakers: Vec<usize> = {
        let mut s: Vec<usize> = cast
            .iter()
            .copied()
            .filter(|&i| ents[i].kind == Kind::Person)
            .collect();
        while s.len() < 2 {
            let i = world.any_entity(&mut r);
            if ents[i].kind == Kind::Person {
                s.push(i);
            }
        }
        s
    };
    let year = 1945 + r.below(20) as u32;
    let (month, day) = (r.range(1, 12), r.range(1, 28));
    let record = 100_000 + number;
    let kind = *r.pick(&TITLES);
    let a = &ents[speakers[0]];
    let b = &ents[speakers[1]];
    let title = if kind.ends_with("between") {
        format!("{kind} {} and {}", a.name, b.name)
    } else {
        format!("{kind} {} to {}", a.name, b.name)
    };
    let source = world.any_source(&mut r).to_string();
    let mut out = String::with_capacity(target + 4096);
    out.push_str("+++\n");
    let _ = writeln!(out, "title = {}", toml_str(&title));
    let _ = writeln!(out, "date = {year}-{month:02}-{day:02}");
    let _ = writeln!(
        out,
        "source = \"[@{source}, ll. {}-{}]\"",
        r.range(1, 90),
        r.range(91, 200)
    );
    let _ = writeln!(
        out,
        "translator = [{}]",
        toml_str(&format!(
            "{} {}",
            r.pick(&GIVEN),
            stem(r.below(1600), &PERSON_ENDINGS)
        ))
    );
    match translation_of {
        Some(original) => {
            out.push_str("language = \"ru\"\n");
            let _ = writeln!(out, "translation-of = {}", toml_str(original));
        }
        None => out.push_str("language = \"en\"\n"),
    }
    let _ = writeln!(out, "record = {record}");
    let _ = writeln!(
        out,
        "summary = {}",
        toml_str(&format!(
            "{} and {} discuss the armistice, aid and the exchange of prisoners.",
            a.short, b.short
        ))
    );
    out.push_str("+++\n\n");
    let _ = write!(out, "# {kind} ");
    mention(&mut out, a, &mut r, false);
    out.push_str(" and ");
    mention(&mut out, b, &mut r, false);
    let _ = write!(
        out,
        "\n\n{} {day}, {year}\n\nPresent: comrs. ",
        month_name(month)
    );
    for (k, &i) in cast.iter().take(5).enumerate() {
        if k > 0 {
            out.push_str(", ");
        }
        mention(&mut out, &ents[i], &mut r, false);
    }
    out.push_str(".\n\n");

    let mut notes = String::new();
    let mut label = 0usize;
    let mut paragraph = 0usize;
    // Leave room for the notes (about 40 % of a note per paragraph) and the
    // trailer.
    while out.len() + notes.len() + 900 < target {
        paragraph += 1;
        if paragraph.is_multiple_of(r.range(4, 8)) {
            let _ = writeln!(out, "## Part {paragraph}\n");
        }
        // A speaker opens the paragraph.
        let speaker = &ents[*r.pick(&speakers)];
        mention(&mut out, speaker, &mut r, true);
        let _ = write!(out, " {} that", r.pick(&VERBS));
        let para_len = r.range(500, 1300);
        let start = out.len();
        let mut next_mention = r.range(100, 200);
        let footnote_at = r.range(0, para_len);
        let mut footnoted = false;
        while out.len() - start < para_len {
            let room = para_len + 1 - (out.len() - start);
            words(&mut out, &mut r, next_mention.min(room));
            out.push(' ');
            let roll = r.below(100);
            if roll < 80 {
                let i = if r.chance(0.85) {
                    *r.pick(&cast)
                } else {
                    world.any_entity(&mut r)
                };
                mention(&mut out, &ents[i], &mut r, false);
            } else if roll < 88 {
                let w = r.pick(&INSERTIONS[..]);
                out.push_str(w);
            } else if roll < 93 {
                out.push('[');
                mention(&mut out, &ents[*r.pick(&cast)], &mut r, false);
                out.push(']');
            } else if roll < 97 {
                // An untagged name: a hint for the editor.
                out.push_str(&ents[*r.pick(&cast)].short);
            } else if roll < 98 && number % 7 == 3 {
                out.push_str("[[Unknown Delegate]]");
            } else {
                let _ = write!(
                    out,
                    "[@{}, p. {}]",
                    world.any_source(&mut r),
                    r.range(1, 400)
                );
            }
            if !footnoted && out.len() - start >= footnote_at {
                label += 1;
                let _ = write!(out, ".[^{label}]");
                footnoted = true;
                note(&mut notes, world, &cast, &mut r, label);
            }
            next_mention = r.range(100, 200);
        }
        if !footnoted {
            label += 1;
            let _ = write!(out, ".[^{label}]");
            note(&mut notes, world, &cast, &mut r, label);
        }
        out.push_str(".\n");
        if r.chance(0.12) {
            let line = match r.below(3) {
                0 => *r.pick(&RUSSIAN),
                1 => *r.pick(&CHINESE),
                _ => *r.pick(&ACCENTED),
            };
            let _ = writeln!(out, "Original: {line}");
        }
        out.push('\n');
    }
    out.push_str("## Notes\n\n");
    out.push_str(&notes);
    out.push_str("## Document Information\n\n");
    let _ = writeln!(
        out,
        "Record ID {record}. The [[hppp|History and Public Policy Program]] welcomes reuse of Digital Archive materials for research and educational purposes."
    );
    let file_name = format!(
        "{year}-{month:02}-{day:02}-{}-{}-{record}.scholia",
        a.short.to_lowercase(),
        b.short.to_lowercase()
    );
    (DocMeta { year, file_name }, out)
}

fn note(notes: &mut String, world: &World<'_>, cast: &[usize], r: &mut Rng, label: usize) {
    let ents = world.entities;
    let _ = write!(notes, "[^{label}]: Refers to the");
    {
        let n = r.range(60, 200);
        words(notes, r, n);
    }
    notes.push(' ');
    mention(notes, &ents[*r.pick(cast)], r, false);
    {
        let n = r.range(20, 80);
        words(notes, r, n);
    }
    if r.chance(0.8) {
        let _ = write!(
            notes,
            " [@{}, {}{}]",
            world.any_source(r),
            r.pick(&LOCATORS),
            r.range(1, 300)
        );
    }
    notes.push_str(".\n");
    if r.chance(0.1) {
        notes.push_str("\n    A second paragraph of the note, indented by four spaces:");
        {
            let n = r.range(40, 120);
            words(notes, r, n);
        }
        notes.push_str(".\n");
    }
    notes.push('\n');
}

/// The size of document `number`: about 22 KB on average (14–30 KB), so
/// that 15,000 make about 330 MB.
pub fn document_size(seed: u64, number: usize) -> usize {
    let mut r = Rng::derive(seed, 4, number as u64);
    let a = r.range(14_000, 30_000);
    let b = r.range(14_000, 30_000);
    (a + b) / 2
}
