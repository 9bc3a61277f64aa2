//! The registry loader (SPEC §3): fixtures under `tests/fixtures/registry/`,
//! snapshots of what comes out of them.

use std::fmt::Write as _;
use std::path::PathBuf;

use expect_test::{Expect, expect};
use scholia::workspace::registry::{Entity, Kind, Registry, Resolution};

mod support;

use support::files::{render_diagnostics, span, text_of};

fn fixtures(names: &[&str]) -> Vec<(PathBuf, String)> {
    support::files::fixtures("registry", names)
}

fn render_entity(files: &[(PathBuf, String)], e: &Entity) -> String {
    let text = text_of(files, &e.file);
    let mut out = format!(
        "{}.{} {}:{} (id {}) — {}\n",
        e.kind.as_str(),
        e.id,
        e.file.display(),
        span(text, &e.range),
        span(text, &e.id_range),
        e.summary()
    );
    let mut line = |label: &str, value: String| writeln!(out, "  {label}: {value}").unwrap();
    line("name", e.name.clone());
    if !e.aliases.is_empty() {
        line("aliases", e.aliases.join(" | "));
    }
    if !e.variants.is_empty() {
        let v: Vec<String> = e.variants.iter().map(|(k, v)| format!("{k}={v}")).collect();
        line("variants", v.join(" | "));
    }
    for (label, value) in [
        ("born", &e.born),
        ("died", &e.died),
        ("region", &e.region),
        ("description", &e.description),
    ] {
        if let Some(v) = value {
            line(label, v.clone());
        }
    }
    if let Some((lat, lon)) = e.coordinates {
        line("coordinates", format!("{lat}, {lon}"));
    }
    if !e.authority.is_empty() {
        let v: Vec<String> = e
            .authority
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        line("authority", v.join(" | "));
    }
    out
}

fn check_load(names: &[&str], expect: Expect) {
    let files = fixtures(names);
    let (registry, diags) = Registry::load(&files);
    let mut out = String::new();
    for e in &registry.entities {
        out.push_str(&render_entity(&files, e));
    }
    out.push_str("--- diagnostics\n");
    out.push_str(&render_diagnostics(&files, &diags));
    expect.assert_eq(&out);
}

#[test]
fn valid_registry_with_every_field_type() {
    check_load(
        &["people.toml", "places.toml"],
        expect![[r#"
            person.zhou-enlai people.toml:3:1-11:13 (id 3:9-3:19) — person, 1898–1976
              name: Zhou Enlai
              aliases: Chou En-lai | Zhou | 周恩来
              variants: wade-giles=Chou En-lai | pinyin=Zhou Enlai | postal=Chou Enlai
              born: 1898
              died: 1976
              description: Premier and Foreign Minister of the People's Republic of China.
              authority: wikidata=Q17427 | viaf=12345
            person.stalin people.toml:13:1-18:18 (id 13:9-13:15) — person, 1878-12-18 – 1953-03-05
              name: Joseph Stalin
              aliases: Stalin | I.V. Stalin | Iosif Vissarionovich Stalin
              born: 1878-12-18
              died: 1953-03-05
              authority: wikidata=Q855
            person.kim-il-sung people.toml:20:1-23:17 (id 20:9-20:20) — person, b. c. 1912
              name: Kim Il Sung
              aliases: Kim
              born: c. 1912
            person.mao-zedong people.toml:25:1-29:12 (id 25:9-25:19) — person, 1893–1976
              name: Mao Zedong
              aliases: Mao Tse-tung | Mao | Chairman
              born: 1893
              died: 1976
            place.port-arthur places.toml:1:1-5:30 (id 1:8-1:19) — place, East Asia
              name: Port Arthur
              aliases: Lüshun | Lushunkou | 旅顺
              region: East Asia
              coordinates: 38.81, 121.26
            place.port-moresby places.toml:7:1-10:24 (id 7:8-7:20) — place
              name: Port Moresby
              aliases: Port
              coordinates: -9, 147
            place.korea places.toml:12:1-14:21 (id 12:8-12:13) — place, East Asia
              name: Korea
              region: East Asia
            place.mexico places.toml:16:1-17:16 (id 16:8-16:14) — place
              name: Mexico
            organization.un places.toml:19:1-22:18 (id 19:15-19:17) — organization, from 1945-10-24
              name: United Nations
              aliases: UN | U.N.
              born: 1945-10-24
            organization.ccp places.toml:24:1-26:27 (id 24:15-24:18) — organization
              name: Chinese Communist Party
              aliases: CCP | 中国共产党
            --- diagnostics
        "#]],
    );
}

#[test]
fn every_error_kind() {
    check_load(
        &["people.toml", "errors.toml", "not-tables.toml"],
        expect![[r#"
            person.zhou-enlai people.toml:3:1-11:13 (id 3:9-3:19) — person, 1898–1976
              name: Zhou Enlai
              aliases: Chou En-lai | Zhou | 周恩来
              variants: wade-giles=Chou En-lai | pinyin=Zhou Enlai | postal=Chou Enlai
              born: 1898
              died: 1976
              description: Premier and Foreign Minister of the People's Republic of China.
              authority: wikidata=Q17427 | viaf=12345
            person.stalin people.toml:13:1-18:18 (id 13:9-13:15) — person, 1878-12-18 – 1953-03-05
              name: Joseph Stalin
              aliases: Stalin | I.V. Stalin | Iosif Vissarionovich Stalin
              born: 1878-12-18
              died: 1953-03-05
              authority: wikidata=Q855
            person.kim-il-sung people.toml:20:1-23:17 (id 20:9-20:20) — person, b. c. 1912
              name: Kim Il Sung
              aliases: Kim
              born: c. 1912
            person.mao-zedong people.toml:25:1-29:12 (id 25:9-25:19) — person, 1893–1976
              name: Mao Zedong
              aliases: Mao Tse-tung | Mao | Chairman
              born: 1893
              died: 1976
            place.wrong-types errors.toml:13:1-22:24 (id 13:8-13:19) — place
              name: Wrong Types
            place.bad-items errors.toml:24:1-28:18 (id 24:8-24:17) — place
              name: Bad Items
              aliases: ok alias
              variants: wade-giles=Wade
            organization.kept errors.toml:33:1-34:33 (id 33:15-33:19) — organization
              name: Kept Despite Neighbours
            --- diagnostics
            errors.toml:1:2-1:9 registry error: unknown table `persons`; expected person, place or organization
            errors.toml:4:9-4:15 registry error: invalid id `Bad_Id`: an id is lower-case letters, digits and hyphens ([a-z0-9-]+)
            errors.toml:7:9-7:16 registry error: entry `person.no-name` has no `name`
            errors.toml:10:9-10:19 registry error: duplicate id `zhou-enlai`: already defined at people.toml:3
            errors.toml:15:11-15:21 registry error: `aliases` must be an array of strings, not a string
            errors.toml:16:8-16:12 registry error: `born` must be a year, a date or a string such as "c. 1900", not a boolean
            errors.toml:17:8-17:10 registry error: `died` must be a year, a date or a string such as "c. 1900", not an empty string
            errors.toml:18:10-18:11 registry error: `region` must be a string, not an integer
            errors.toml:19:15-19:28 registry error: `description` must be a string, not an array
            errors.toml:20:16-20:18 registry error: latitude 91 is out of range (-90 to 90)
            errors.toml:20:20-20:24 registry error: longitude -181 is out of range (-180 to 180)
            errors.toml:21:12-21:22 registry error: `variants` must be a table of spellings such as { pinyin = "…" }, not an array
            errors.toml:22:9-22:24 registry error: `notes` is not a known field, so it is an authority id and must be a string, not an array
            errors.toml:26:24-26:25 registry error: an alias must be a string, not an integer
            errors.toml:26:27-26:29 registry error: an alias must not be empty
            errors.toml:27:23-27:24 registry error: variant `pinyin` must be a string, not an integer
            errors.toml:28:15-28:18 registry error: `coordinates` must be [latitude, longitude], two numbers
            errors.toml:31:8-31:12 registry error: `name` must not be empty
            errors.toml:37:15-37:18 registry error: entry `organization.not-a-table` must be a table, not a string
            errors.toml:39:9-39:35 registry error: entry `organization.place` must be a table, not an array
            not-tables.toml:1:9-1:24 registry error: `place` must be a table of entries such as `[place.some-id]`
            not-tables.toml:2:10-2:20 registry error: `person` must be a table of entries such as `[person.some-id]`
            not-tables.toml:4:1-4:17 registry error: `organization` must be a table of entries such as `[organization.some-id]`
        "#]],
    );
}

#[test]
fn toml_syntax_errors_keep_the_valid_entries() {
    check_load(
        &["broken.toml", "unclosed-header.toml"],
        expect![[r#"
            person.before broken.toml:1:1-2:26 (id 1:9-1:15) — person
              name: Before The Break
            person.unterminated broken.toml:4:1-9:12 (id 7:9-7:21) — person, b. 1900
              name: Unterminated
              born: 1900
            person.after broken.toml:14:1-16:20 (id 14:9-14:14) — person
              name: After The Break
              coordinates: 1, 2
            --- diagnostics
            broken.toml:4:15-4:15 registry error: unclosed table, expected `]`
            broken.toml:8:21-8:21 registry error: invalid basic string, expected `"`
            broken.toml:11:2-11:9 registry error: unknown table `persons`; expected person, place or organization
            broken.toml:16:20-16:20 registry error: unclosed array, expected `]`
            unclosed-header.toml:1:17-1:17 registry error: unclosed table, expected `]`
        "#]],
    );
}

#[test]
fn alias_conflicts() {
    check_load(
        &["people.toml", "places.toml", "conflicts.toml"],
        expect![[r#"
            person.zhou-enlai people.toml:3:1-11:13 (id 3:9-3:19) — person, 1898–1976
              name: Zhou Enlai
              aliases: Chou En-lai | Zhou | 周恩来
              variants: wade-giles=Chou En-lai | pinyin=Zhou Enlai | postal=Chou Enlai
              born: 1898
              died: 1976
              description: Premier and Foreign Minister of the People's Republic of China.
              authority: wikidata=Q17427 | viaf=12345
            person.stalin people.toml:13:1-18:18 (id 13:9-13:15) — person, 1878-12-18 – 1953-03-05
              name: Joseph Stalin
              aliases: Stalin | I.V. Stalin | Iosif Vissarionovich Stalin
              born: 1878-12-18
              died: 1953-03-05
              authority: wikidata=Q855
            person.kim-il-sung people.toml:20:1-23:17 (id 20:9-20:20) — person, b. c. 1912
              name: Kim Il Sung
              aliases: Kim
              born: c. 1912
            person.mao-zedong people.toml:25:1-29:12 (id 25:9-25:19) — person, 1893–1976
              name: Mao Zedong
              aliases: Mao Tse-tung | Mao | Chairman
              born: 1893
              died: 1976
            place.port-arthur places.toml:1:1-5:30 (id 1:8-1:19) — place, East Asia
              name: Port Arthur
              aliases: Lüshun | Lushunkou | 旅顺
              region: East Asia
              coordinates: 38.81, 121.26
            place.port-moresby places.toml:7:1-10:24 (id 7:8-7:20) — place
              name: Port Moresby
              aliases: Port
              coordinates: -9, 147
            place.korea places.toml:12:1-14:21 (id 12:8-12:13) — place, East Asia
              name: Korea
              region: East Asia
            place.mexico places.toml:16:1-17:16 (id 16:8-16:14) — place
              name: Mexico
            organization.un places.toml:19:1-22:18 (id 19:15-19:17) — organization, from 1945-10-24
              name: United Nations
              aliases: UN | U.N.
              born: 1945-10-24
            organization.ccp places.toml:24:1-26:27 (id 24:15-24:18) — organization
              name: Chinese Communist Party
              aliases: CCP | 中国共产党
            person.zhou-enlai-namesake conflicts.toml:1:1-3:59 (id 1:9-1:28) — person
              name: Zhou Enlai
              aliases: zhou | Zhou the Younger | ZHOU THE YOUNGER
            person.another-kim conflicts.toml:5:1-7:18 (id 5:9-5:20) — person
              name: Kim Il
              aliases: KIM
            person.chair-a conflicts.toml:13:1-15:23 (id 13:9-13:16) — person
              name: Chair A
              aliases: Chairman
            person.chair-b conflicts.toml:17:1-19:23 (id 17:9-17:16) — person
              name: Chair B
              aliases: Chairman
            person.chair-c conflicts.toml:21:1-23:23 (id 21:9-21:16) — person
              name: Chair C
              aliases: Chairman
            person.chair-d conflicts.toml:25:1-27:23 (id 25:9-25:16) — person
              name: Chair D
              aliases: Chairman
            place.korea-bay conflicts.toml:9:1-11:31 (id 9:8-9:17) — place
              name: Korea Bay
              variants: other=korea
            --- diagnostics
            conflicts.toml:2:8-2:20 alias-conflict warning: `Zhou Enlai` is also a name or alias of `zhou-enlai`: mentions of it are ambiguous
            conflicts.toml:3:12-3:18 alias-conflict warning: `zhou` is also a name or alias of `zhou-enlai`: mentions of it are ambiguous
            conflicts.toml:7:12-7:17 alias-conflict warning: `KIM` is also a name or alias of `kim-il-sung`: mentions of it are ambiguous
            conflicts.toml:11:22-11:29 alias-conflict warning: `korea` is also a name or alias of `korea`: mentions of it are ambiguous
            conflicts.toml:15:12-15:22 alias-conflict warning: `Chairman` is also a name or alias of `mao-zedong`: mentions of it are ambiguous
            conflicts.toml:19:12-19:22 alias-conflict warning: `Chairman` is also a name or alias of `mao-zedong` and `chair-a`: mentions of it are ambiguous
            conflicts.toml:23:12-23:22 alias-conflict warning: `Chairman` is also a name or alias of `mao-zedong`, `chair-a` and `chair-b`: mentions of it are ambiguous
            conflicts.toml:27:12-27:22 alias-conflict warning: `Chairman` is also a name or alias of `mao-zedong`, `chair-a`, `chair-b` and 1 more: mentions of it are ambiguous
        "#]],
    );
}

fn loaded(names: &[&str]) -> Registry {
    let (registry, _) = Registry::load(&fixtures(names));
    registry
}

fn show_resolution(registry: &Registry, r: &Resolution) -> String {
    match r {
        Resolution::Unique(i) => format!("unique {}", registry.entities[*i].id),
        Resolution::Ambiguous(list) => {
            let ids: Vec<&str> = list
                .iter()
                .map(|&i| registry.entities[i].id.as_str())
                .collect();
            format!("ambiguous {}", ids.join(", "))
        }
        Resolution::Unknown => "unknown".to_string(),
    }
}

#[test]
fn resolve_by_id_name_alias_variant() {
    let registry = loaded(&["people.toml", "places.toml", "conflicts.toml"]);
    let mut out = String::new();
    for target in [
        "zhou-enlai",
        "Zhou-Enlai",
        "Joseph Stalin",
        "joseph stalin",
        "STALIN",
        "I.V. Stalin",
        "Chou Enlai",
        "chou en-lai",
        "周恩来",
        "LÜSHUN",
        "旅顺",
        "un",
        "U.N.",
        "Zhou Enlai",
        "Chairman",
        "korea",
        "Kim",
        "Stalin ",
        "Joseph\n   Stalin",
        "  Joseph  Stalin ",
        "Joseph\nStalinx",
        "Zhou Enla",
        "nobody",
        "",
    ] {
        writeln!(
            out,
            "{target:?} → {}",
            show_resolution(&registry, &registry.resolve(target))
        )
        .unwrap();
    }
    expect![[r#"
        "zhou-enlai" → unique zhou-enlai
        "Zhou-Enlai" → unique zhou-enlai
        "Joseph Stalin" → unique stalin
        "joseph stalin" → unique stalin
        "STALIN" → unique stalin
        "I.V. Stalin" → unique stalin
        "Chou Enlai" → unique zhou-enlai
        "chou en-lai" → unique zhou-enlai
        "周恩来" → unique zhou-enlai
        "LÜSHUN" → unique port-arthur
        "旅顺" → unique port-arthur
        "un" → unique un
        "U.N." → unique un
        "Zhou Enlai" → ambiguous zhou-enlai, zhou-enlai-namesake
        "Chairman" → ambiguous mao-zedong, chair-a, chair-b, chair-c, chair-d
        "korea" → unique korea
        "Kim" → ambiguous kim-il-sung, another-kim
        "Stalin " → unique stalin
        "Joseph\n   Stalin" → unique stalin
        "  Joseph  Stalin " → unique stalin
        "Joseph\nStalinx" → unknown
        "Zhou Enla" → unknown
        "nobody" → unknown
        "" → unknown
    "#]]
    .assert_eq(&out);
}

#[test]
fn get_index_names_and_summary() {
    let registry = loaded(&["people.toml", "places.toml"]);
    assert_eq!(registry.len(), 10);
    assert!(!registry.is_empty());
    assert!(Registry::default().is_empty());
    let i = registry.index_of("zhou-enlai").unwrap();
    assert_eq!(registry.get("zhou-enlai").unwrap().name, "Zhou Enlai");
    assert_eq!(registry.get("nobody"), None);
    assert_eq!(registry.index_of("Zhou Enlai"), None);
    let names: Vec<&str> = registry.names_of(i).collect();
    expect![[r#"
        [
            "Zhou Enlai",
            "Chou En-lai",
            "Zhou",
            "周恩来",
            "Chou Enlai",
        ]
    "#]]
    .assert_debug_eq(&names);
    assert_eq!(registry.names_of(999).count(), 0);
    let summaries: Vec<String> = registry
        .entities
        .iter()
        .map(|e| format!("{}: {}", e.id, e.summary()))
        .collect();
    expect![[r#"
        [
            "zhou-enlai: person, 1898–1976",
            "stalin: person, 1878-12-18 – 1953-03-05",
            "kim-il-sung: person, b. c. 1912",
            "mao-zedong: person, 1893–1976",
            "port-arthur: place, East Asia",
            "port-moresby: place",
            "korea: place, East Asia",
            "mexico: place",
            "un: organization, from 1945-10-24",
            "ccp: organization",
        ]
    "#]]
    .assert_debug_eq(&summaries);
    assert_eq!(registry.get("un").unwrap().kind, Kind::Organization);
    // Indexes rebuilt from entities alone answer the same.
    let rebuilt = Registry::from_entities(registry.entities.clone());
    for target in ["zhou-enlai", "Chou Enlai", "lüshun", "UN", "nobody"] {
        assert_eq!(
            rebuilt.resolve(target),
            registry.resolve(target),
            "{target}"
        );
    }
    let text = "Zhou and Stalin in Port Arthur";
    assert_eq!(rebuilt.find_names(text), registry.find_names(text));
}

/// The text with every match bracketed and the ids of its entries.
fn show_matches(registry: &Registry, text: &str) -> String {
    let mut out = String::new();
    let mut last = 0;
    for m in registry.find_names(text) {
        assert!(m.range.start >= last, "matches overlap or are out of order");
        let ids: Vec<&str> = m
            .entities
            .iter()
            .map(|&i| registry.entities[i].id.as_str())
            .collect();
        write!(
            out,
            "{}[{}→{}]",
            &text[last..m.range.start],
            &text[m.range.clone()],
            ids.join(",")
        )
        .unwrap();
        last = m.range.end;
    }
    out.push_str(&text[last..]);
    out
}

#[test]
fn find_names_whole_words_leftmost_longest() {
    let registry = loaded(&["people.toml", "places.toml", "conflicts.toml"]);
    let mut out = String::new();
    for text in [
        "Zhou Enlai met Stalin's interpreter; Zhou said nothing.",
        "Zhoukou and Zhouzhuang are not Zhou, nor is AZhou.",
        "Kim Il Sung's army, Kim Il's cousin and Kim.",
        "The Korean War, not Korea's war; the Korea Bay.",
        "The UN and the U.N. but not UNESCO or GUN or UN2.",
        "Port Arthurs is not Port Arthur, but Port is Port.",
        "Port Moresby, Port-Arthur, (Port Arthur).",
        "Lüshun, Lüshunkou, Lushunkou, xLüshun, Lüshun's harbour.",
        "周恩来总理和毛泽东在旅顺。中国共产党的周恩来。",
        "Zhou周恩来Stalin",
        "Joseph Stalin, I.V. Stalin and Iosif Vissarionovich Stalin; stalin.",
        "I.V. Stalinism, Chairman Mao, Mao Tse-tung, Mao Zedong.",
        "Chairmanship",
        "",
        "no names at all",
    ] {
        writeln!(out, "{}", show_matches(&registry, text)).unwrap();
    }
    expect![[r#"
        [Zhou Enlai→zhou-enlai,zhou-enlai-namesake] met [Stalin→stalin]'s interpreter; [Zhou→zhou-enlai] said nothing.
        Zhoukou and Zhouzhuang are not [Zhou→zhou-enlai], nor is AZhou.
        [Kim Il Sung→kim-il-sung]'s army, [Kim Il→another-kim]'s cousin and [Kim→kim-il-sung].
        The Korean War, not [Korea→korea]'s war; the [Korea Bay→korea-bay].
        The [UN→un] and the [U.N.→un] but not UNESCO or GUN or UN2.
        [Port→port-moresby] Arthurs is not [Port Arthur→port-arthur], but [Port→port-moresby] is [Port→port-moresby].
        [Port Moresby→port-moresby], [Port→port-moresby]-Arthur, ([Port Arthur→port-arthur]).
        [Lüshun→port-arthur], Lüshunkou, [Lushunkou→port-arthur], xLüshun, [Lüshun→port-arthur]'s harbour.
        [周恩来→zhou-enlai]总理和毛泽东在[旅顺→port-arthur]。[中国共产党→ccp]的[周恩来→zhou-enlai]。
        [Zhou→zhou-enlai][周恩来→zhou-enlai][Stalin→stalin]
        [Joseph Stalin→stalin], [I.V. Stalin→stalin] and [Iosif Vissarionovich Stalin→stalin]; stalin.
        I.V. Stalinism, [Chairman→mao-zedong,chair-a,chair-b,chair-c,chair-d] [Mao→mao-zedong], [Mao Tse-tung→mao-zedong], [Mao Zedong→mao-zedong].
        Chairmanship

        no names at all
    "#]].assert_eq(&out);
}

#[test]
fn find_names_byte_ranges() {
    let registry = loaded(&["places.toml"]);
    let text = "in Lüshun.";
    let matches = registry.find_names(text);
    assert_eq!(matches.len(), 1);
    assert_eq!(matches[0].range, 3..10);
    assert_eq!(&text[matches[0].range.clone()], "Lüshun");
    assert!(Registry::default().find_names("anything").is_empty());
}

#[test]
fn empty_and_missing_input() {
    let (registry, diags) = Registry::load(&[]);
    assert!(registry.is_empty() && diags.is_empty());
    let files = vec![(PathBuf::from("empty.toml"), String::new())];
    let (registry, diags) = Registry::load(&files);
    assert!(registry.is_empty() && diags.is_empty());
    assert_eq!(registry.resolve("x"), Resolution::Unknown);
}

#[test]
fn bom_and_crlf() {
    let text = "\u{feff}[person.a]\r\nname = \"A Person\"\r\naliases = [\"AP\"]\r\n\r\n[person.b]\r\nname = 5\r\n";
    let files = vec![(PathBuf::from("crlf.toml"), text.to_string())];
    let (registry, diags) = Registry::load(&files);
    let e = registry.get("a").unwrap();
    assert_eq!(&text[e.id_range.clone()], "a");
    assert_eq!(
        &text[e.range.clone()],
        "[person.a]\r\nname = \"A Person\"\r\naliases = [\"AP\"]"
    );
    assert_eq!(e.aliases, ["AP"]);
    expect![[r#"
        crlf.toml:6:8-6:9 registry error: `name` must be a string, not an integer
    "#]]
    .assert_eq(&render_diagnostics(&files, &diags));
}

#[test]
fn two_hundred_thousand_entries() {
    const N: usize = 200_000;
    const FILES: usize = 4;
    let mut files = Vec::new();
    for f in 0..FILES {
        let mut text = String::new();
        for i in (f..N).step_by(FILES) {
            let kind = ["person", "place", "organization"][i % 3];
            writeln!(
                text,
                "[{kind}.e{i}]\nname = \"Name{i} Family{}\"\naliases = [\"Alias{i}\", \"Shared{}\"]\nwikidata = \"Q{i}\"\n",
                i % 1000,
                i / 2
            )
            .unwrap();
        }
        files.push((PathBuf::from(format!("big{f}.toml")), text));
    }
    let (registry, diags) = Registry::load(&files);
    assert_eq!(registry.len(), N);
    // Every pair of entries 2k, 2k+1 shares an alias: one warning per pair.
    assert_eq!(diags.len(), N / 2);
    assert!(
        diags
            .iter()
            .all(|(_, d)| d.code == scholia::base::Code::AliasConflict)
    );

    let e = registry.index_of("e123457").unwrap();
    assert_eq!(registry.entities[e].name, "Name123457 Family457");
    assert_eq!(registry.resolve("e123457"), Resolution::Unique(e));
    assert_eq!(registry.resolve("alias123457"), Resolution::Unique(e));
    assert_eq!(
        registry.resolve("NAME123457 FAMILY457"),
        Resolution::Unique(e)
    );
    let pair = (registry.index_of("e123456").unwrap(), e);
    assert_eq!(
        registry.resolve("Shared61728"),
        Resolution::Ambiguous(vec![pair.0, pair.1])
    );
    assert_eq!(registry.resolve("Alias200000"), Resolution::Unknown);

    let text = "Alias199999 met Name5 Family5 and Shared7, not Alias12x or Name5.";
    let found: Vec<(&str, Vec<&str>)> = registry
        .find_names(text)
        .into_iter()
        .map(|m| {
            let ids = m
                .entities
                .iter()
                .map(|&i| registry.entities[i].id.as_str())
                .collect();
            (&text[m.range], ids)
        })
        .collect();
    expect![[r#"
        [
            (
                "Alias199999",
                [
                    "e199999",
                ],
            ),
            (
                "Name5 Family5",
                [
                    "e5",
                ],
            ),
            (
                "Shared7",
                [
                    "e14",
                    "e15",
                ],
            ),
        ]
    "#]]
    .assert_debug_eq(&found);
}

#[test]
fn one_alias_shared_by_twenty_thousand_entries() {
    let mut text = String::new();
    for i in 0..20_000 {
        writeln!(
            text,
            "[person.p{i}]\nname = \"Person {i}\"\naliases = [\"Comrade\"]\n"
        )
        .unwrap();
    }
    let files = vec![(PathBuf::from("comrades.toml"), text)];
    let (registry, diags) = Registry::load(&files);
    assert_eq!(diags.len(), 19_999);
    expect!["`Comrade` is also a name or alias of `p0`, `p1`, `p2` and 19996 more: mentions of it are ambiguous"].assert_eq(&diags.last().unwrap().1.message);
    match registry.resolve("comrade") {
        Resolution::Ambiguous(all) => assert_eq!(all, (0..20_000).collect::<Vec<_>>()),
        other => panic!("{other:?}"),
    }
    assert_eq!(registry.find_names("a Comrade.")[0].entities.len(), 20_000);
}

/// Several large files are parsed on threads of their own: the result is
/// the serial one (entries in file order, the first definition of an id
/// wins, problems reported per file in order).
#[test]
fn large_registries_in_several_files_load_as_one() {
    let mut big = String::new();
    for i in 0..3000 {
        writeln!(
            big,
            "[person.p{i}]\nname = \"Person {i}\"\ndescription = \"An entry that makes this file large enough to be parsed on a thread of its own.\"\n"
        )
        .unwrap();
    }
    assert!(big.len() > 256 << 10);
    let second = "[person.p7]\nname = \"Again Seven\"\n\n[place.town]\nname = \"Person 8\"\n";
    let third = "[organization.club]\nname = \"Club\"\n\n[organization.bad\n";
    let files = vec![
        (PathBuf::from("small.toml"), second.to_string()),
        (PathBuf::from("big.toml"), big.clone()),
        (PathBuf::from("broken.toml"), third.to_string()),
    ];
    let (registry, diags) = Registry::load(&files);
    let ids: Vec<&str> = registry.entities.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids.len(), 3002);
    assert_eq!(&ids[..3], ["p7", "town", "p0"]);
    assert_eq!(ids[3001], "club");
    assert_eq!(registry.get("p7").unwrap().name, "Again Seven");
    let summary: Vec<String> = diags
        .iter()
        .map(|(p, d)| format!("{} {}", p.display(), d.code))
        .collect();
    assert_eq!(
        summary,
        [
            "big.toml registry",
            "big.toml alias-conflict",
            "broken.toml registry"
        ],
        "{}",
        render_diagnostics(&files, &diags)
    );
    assert!(
        diags[0]
            .1
            .message
            .contains("already defined at small.toml:1")
    );
}
