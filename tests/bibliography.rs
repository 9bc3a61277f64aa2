//! The bibliography loader (SPEC §4): fixtures under
//! `tests/fixtures/bibliography/`, snapshots of what comes out of them.

use std::fmt::Write as _;
use std::path::PathBuf;

use expect_test::{Expect, expect};
use scholia::workspace::bibliography::{BibEntry, Bibliography, CitationStyle};

mod support;

use support::files::{render_diagnostics, span, text_of};

fn fixtures(names: &[&str]) -> Vec<(PathBuf, String)> {
    support::files::fixtures("bibliography", names)
}

/// The reference in the default style (Chicago notes), no locator.
fn formatted(bibliography: &Bibliography, e: &BibEntry) -> String {
    bibliography
        .cite(&CitationStyle::default(), e, None)
        .to_string()
}

fn check_load(names: &[&str], expect: Expect) {
    let files = fixtures(names);
    let (bibliography, diags) = Bibliography::load(&files);
    let mut out = String::new();
    for e in &bibliography.entries {
        let text = text_of(&files, &e.file);
        // The key range covers exactly the key.
        assert_eq!(&text[e.key_range.clone()], e.key);
        assert!(e.range.start <= e.key_range.start && e.key_range.end <= e.range.end);
        writeln!(
            out,
            "{} [{}] {}:{} key {}",
            e.key,
            e.kind,
            e.file.display(),
            span(text, &e.range),
            span(text, &e.key_range)
        )
        .unwrap();
        if let Some(title) = &e.title {
            writeln!(out, "  title: {title}").unwrap();
        }
        writeln!(out, "  {}", formatted(&bibliography, e)).unwrap();
    }
    out.push_str("--- diagnostics\n");
    out.push_str(&render_diagnostics(&files, &diags));
    expect.assert_eq(&out);
}

#[test]
fn csl_json() {
    check_load(
        &["sources.json"],
        expect![[r#"
            aprf-45-1-343 [manuscript] sources.json:2:3-9:4 key 3:12-3:25
              title: Minutes of Conversation between I.V. Stalin and Zhou Enlai
              “Minutes of Conversation between I.V. Stalin and Zhou Enlai,” September 19, 1952, f. 45, op. 1, d. 343, Archive of the President of the Russian Federation (APRF).
            zhou-wengao-7 [book] sources.json:10:3-19:4 key 11:12-11:25
              title: Jianguo yilai Zhou Enlai wengao
              Zhonggong zhongyang wenxian yanjiushi, Jianguo Yilai Zhou Enlai Wengao, vol. 7 (Zhongyang wenxian chubanshe, 2018).
            weathersby-1993 [article-journal] sources.json:20:3-30:4 key 21:12-21:27
              title: The Soviet Role in the Early Phase of the Korean War: New Documentary Evidence
              Kathryn Weathersby, “The Soviet Role in the Early Phase of the Korean War: New Documentary Evidence,” The Journal of American-East Asian Relations 2, no. 4 (1993): 425–58.
            chen-1994-chapter [chapter] sources.json:31:3-46:4 key 32:12-32:29
              title: China's Road to the Korean War
              Jian Chen and Qiang Zhai, “China's Road to the Korean War,” in The Cold War in Asia, ed. James G. Hershberg, Cold War International History Project Bulletin (Woodrow Wilson International Center for Scholars, 1996).
            renmin-ribao-1952 [article-newspaper] sources.json:47:3-54:4 key 48:12-48:29
              title: Zhou Enlai zongli fang Su
              “Zhou Enlai Zongli Fang Su,” Renmin Ribao, September 20, 1952.
            zhou-xuanji [book] sources.json:55:3-63:4 key 56:12-56:23
              title: 周恩来选集
              周恩来 and Enlai Zhou, 周恩来选集 (人民出版社, n.d.).
            many-hands [document] sources.json:64:3-77:4 key 65:12-65:22
              title: Who Started the Korean War?
              Danny Rozas et al., “Who Started the Korean War?,” n.d., https://digitalarchive.wilsoncenter.org/document/111242.
            armistice-talks [report] sources.json:78:3-85:4 key 79:12-79:27
              title: The Armistice Talks
              Danny Rozas et al., The Armistice Talks, Working Papers ([1951?]).
            aprf-45-1-329 [manuscript] sources.json:86:3-96:4 key 87:12-87:25
              title: Minutes of Conversation between I.V. Stalin and Zhou Enlai
              D. Rozas, “Minutes of Conversation between I.V. Stalin and Zhou Enlai,” August 20, 1952, f. 45, op. 1, d. 329, pp. 54–72, APRF, https://digitalarchive.wilsoncenter.org/document/111240.
            bare [] sources.json:97:3-99:4 key 98:12-98:16
              n.d.
            --- diagnostics
        "#]],
    );
}

#[test]
fn csl_json_item_errors_and_duplicates() {
    check_load(
        &["sources.json", "errors.json"],
        expect![[r#"
            aprf-45-1-343 [manuscript] sources.json:2:3-9:4 key 3:12-3:25
              title: Minutes of Conversation between I.V. Stalin and Zhou Enlai
              “Minutes of Conversation between I.V. Stalin and Zhou Enlai,” September 19, 1952, f. 45, op. 1, d. 343, Archive of the President of the Russian Federation (APRF).
            zhou-wengao-7 [book] sources.json:10:3-19:4 key 11:12-11:25
              title: Jianguo yilai Zhou Enlai wengao
              Zhonggong zhongyang wenxian yanjiushi, Jianguo Yilai Zhou Enlai Wengao, vol. 7 (Zhongyang wenxian chubanshe, 2018).
            weathersby-1993 [article-journal] sources.json:20:3-30:4 key 21:12-21:27
              title: The Soviet Role in the Early Phase of the Korean War: New Documentary Evidence
              Kathryn Weathersby, “The Soviet Role in the Early Phase of the Korean War: New Documentary Evidence,” The Journal of American-East Asian Relations 2, no. 4 (1993): 425–58.
            chen-1994-chapter [chapter] sources.json:31:3-46:4 key 32:12-32:29
              title: China's Road to the Korean War
              Jian Chen and Qiang Zhai, “China's Road to the Korean War,” in The Cold War in Asia, ed. James G. Hershberg, Cold War International History Project Bulletin (Woodrow Wilson International Center for Scholars, 1996).
            renmin-ribao-1952 [article-newspaper] sources.json:47:3-54:4 key 48:12-48:29
              title: Zhou Enlai zongli fang Su
              “Zhou Enlai Zongli Fang Su,” Renmin Ribao, September 20, 1952.
            zhou-xuanji [book] sources.json:55:3-63:4 key 56:12-56:23
              title: 周恩来选集
              周恩来 and Enlai Zhou, 周恩来选集 (人民出版社, n.d.).
            many-hands [document] sources.json:64:3-77:4 key 65:12-65:22
              title: Who Started the Korean War?
              Danny Rozas et al., “Who Started the Korean War?,” n.d., https://digitalarchive.wilsoncenter.org/document/111242.
            armistice-talks [report] sources.json:78:3-85:4 key 79:12-79:27
              title: The Armistice Talks
              Danny Rozas et al., The Armistice Talks, Working Papers ([1951?]).
            aprf-45-1-329 [manuscript] sources.json:86:3-96:4 key 87:12-87:25
              title: Minutes of Conversation between I.V. Stalin and Zhou Enlai
              D. Rozas, “Minutes of Conversation between I.V. Stalin and Zhou Enlai,” August 20, 1952, f. 45, op. 1, d. 329, pp. 54–72, APRF, https://digitalarchive.wilsoncenter.org/document/111240.
            bare [] sources.json:97:3-99:4 key 98:12-98:16
              n.d.
            kept [book] errors.json:7:3-7:75 key 7:12-7:16
              title: Kept Despite Its Neighbours
              Kept Despite Its Neighbours (n.d.).
            --- diagnostics
            errors.json:2:12-2:25 bibliography error: duplicate key `aprf-45-1-343`: already defined at sources.json:3
            errors.json:3:3-3:30 bibliography error: the item has no `id`
            errors.json:4:3-4:40 bibliography error: the item's `id` must be a string, not a number
            errors.json:5:12-5:14 bibliography error: the item's `id` is empty
            errors.json:6:3-6:18 bibliography error: a CSL-JSON item is an object, not a string
        "#]],
    );
}

#[test]
fn csl_json_syntax_error_keeps_the_valid_items() {
    check_load(
        &["syntax.json", "object.json", "empty.json"],
        expect![[r#"
            before [] syntax.json:2:3-2:50 key 2:12-2:18
              title: Before the Error
              Before the Error, n.d.
            after [] syntax.json:4:3-4:48 key 4:12-4:17
              title: After the Error
              After the Error, n.d.
            --- diagnostics
            syntax.json:3:53-3:54 bibliography error: invalid JSON: expected ident
            object.json:1:1-1:2 bibliography error: a CSL-JSON bibliography is an array of items, not an object
        "#]],
    );
}

#[test]
fn bibtex() {
    check_load(
        &["sources.bib"],
        expect![[r#"
            zhou-selected [book] sources.bib:4:1-12:2 key 4:7-4:20
              title: The Selected Military Works of Zhou: 1949–1976
              Enlai Zhou and Central Party Literature Research Office, The Selected \emph{Military} Works of Zhou: 1949–1976, vol. 4 (Foreign Languages Press, 1997).
            weathersby-bulletin [article] sources.bib:14:1-22:2 key 14:10-14:29
              title: New Russian Documents on the Korean War
              Kathryn Weathersby, “New Russian Documents on the Korean War,” Cold War International History Project Bulletin 6, no. 7 (1995): 30–84.
            mansourov-1995 [incollection] sources.bib:24:1-35:2 key 24:15-24:29
              title: Stalin, Mao, Kim, and China's Decision to Enter the Korean War
              Alexandre Y. Mansourov, “Stalin, Mao, Kim, And China's Decision to Enter the Korean War,” in The Cold War in Asia, The Cold War in Asia, ed. James G. Hershberg and Odd Arne Westad, Cold War International History Project, nos. 6–7 (Woodrow Wilson Center, 1995).
            aprf-telegram [misc] sources.bib:37:1-43:2 key 37:7-37:20
              title: Telegram from Stalin to Mao Zedong
              “Telegram from Stalin to Mao Zedong,” October 1, 1950, f. 45, op. 1, d. 334, ll. 97–98, Archive of the President of the Russian Federation (APRF).
            wilson-111242 [Misc] sources.bib:45:1-51:2 key 45:7-45:20
              title: Müller's Report on the Armistice
              “Müller's Report on the Armistice,” July 27, 1953.
            kim-thesis [thesis] sources.bib:53:1-59:2 key 53:9-53:19
              title: Stalin's Korean U-Turn
              Dong-gil Kim, “Stalin's Korean U-Turn” (phdthesis, 2010).
            chapter-of-selected [inbook] sources.bib:61:1-65:2 key 61:9-61:28
              title: On the Korean Armistice
              Enlai Zhou and Central Party Literature Research Office, “On the Korean Armistice,” in The Selected \emph{Military} Works of Zhou: 1949–1976, vol. 4 (Foreign Languages Press, 1997).
            --- diagnostics
        "#]],
    );
}

#[test]
fn bibtex_errors_and_duplicates_across_files() {
    check_load(
        &["sources.json", "broken.bib", "crossref.bib"],
        expect![[r#"
            aprf-45-1-343 [manuscript] sources.json:2:3-9:4 key 3:12-3:25
              title: Minutes of Conversation between I.V. Stalin and Zhou Enlai
              “Minutes of Conversation between I.V. Stalin and Zhou Enlai,” September 19, 1952, f. 45, op. 1, d. 343, Archive of the President of the Russian Federation (APRF).
            zhou-wengao-7 [book] sources.json:10:3-19:4 key 11:12-11:25
              title: Jianguo yilai Zhou Enlai wengao
              Zhonggong zhongyang wenxian yanjiushi, Jianguo Yilai Zhou Enlai Wengao, vol. 7 (Zhongyang wenxian chubanshe, 2018).
            weathersby-1993 [article-journal] sources.json:20:3-30:4 key 21:12-21:27
              title: The Soviet Role in the Early Phase of the Korean War: New Documentary Evidence
              Kathryn Weathersby, “The Soviet Role in the Early Phase of the Korean War: New Documentary Evidence,” The Journal of American-East Asian Relations 2, no. 4 (1993): 425–58.
            chen-1994-chapter [chapter] sources.json:31:3-46:4 key 32:12-32:29
              title: China's Road to the Korean War
              Jian Chen and Qiang Zhai, “China's Road to the Korean War,” in The Cold War in Asia, ed. James G. Hershberg, Cold War International History Project Bulletin (Woodrow Wilson International Center for Scholars, 1996).
            renmin-ribao-1952 [article-newspaper] sources.json:47:3-54:4 key 48:12-48:29
              title: Zhou Enlai zongli fang Su
              “Zhou Enlai Zongli Fang Su,” Renmin Ribao, September 20, 1952.
            zhou-xuanji [book] sources.json:55:3-63:4 key 56:12-56:23
              title: 周恩来选集
              周恩来 and Enlai Zhou, 周恩来选集 (人民出版社, n.d.).
            many-hands [document] sources.json:64:3-77:4 key 65:12-65:22
              title: Who Started the Korean War?
              Danny Rozas et al., “Who Started the Korean War?,” n.d., https://digitalarchive.wilsoncenter.org/document/111242.
            armistice-talks [report] sources.json:78:3-85:4 key 79:12-79:27
              title: The Armistice Talks
              Danny Rozas et al., The Armistice Talks, Working Papers ([1951?]).
            aprf-45-1-329 [manuscript] sources.json:86:3-96:4 key 87:12-87:25
              title: Minutes of Conversation between I.V. Stalin and Zhou Enlai
              D. Rozas, “Minutes of Conversation between I.V. Stalin and Zhou Enlai,” August 20, 1952, f. 45, op. 1, d. 329, pp. 54–72, APRF, https://digitalarchive.wilsoncenter.org/document/111240.
            bare [] sources.json:97:3-99:4 key 98:12-98:16
              n.d.
            first [book] broken.bib:1:1-1:47 key 1:7-1:12
              title: The First
              The First (1990).
            third [book] broken.bib:11:1-11:47 key 11:7-11:12
              title: The Third
              The Third (1993).
            fine [book] crossref.bib:5:1-5:72 key 5:7-5:11
              title: Fine
              Fine (1950).
            --- diagnostics
            broken.bib:3:21-3:21 bibliography error: expected comma
            broken.bib:5:49-5:62 bibliography error: unknown abbreviation "undefinedabbr"
            broken.bib:7:7-7:12 bibliography error: duplicate key `first`: already defined at broken.bib:1
            broken.bib:9:7-9:20 bibliography error: duplicate key `aprf-45-1-343`: already defined at sources.json:3
            broken.bib:13:1-13:39 bibliography error: entry not closed at the end of the file: expected comma
            crossref.bib:1:26-1:34 bibliography error: the cross-references of `loop-a` (`loop-b`) run into a cycle
            crossref.bib:2:26-2:34 bibliography error: the cross-references of `loop-b` (`loop-a`) run into a cycle
            crossref.bib:3:24-3:30 bibliography error: the cross-references of `self` (`self`) run into a cycle
            crossref.bib:4:35-4:43 bibliography error: the cross-references of `hangs-on-loop` (`loop-a`) run into a cycle
        "#]],
    );
}

#[test]
fn bibtex_strings_across_files_and_unclosed_entries() {
    check_load(
        &["uses.bib", "strings.bib"],
        expect![[r#"
            pravda-1950 [article] uses.bib:1:1-6:2 key 1:10-1:21
              title: On the Situation in Korea
              “On the Situation in Korea,” Pravda, July 5, 1950, 1.
            closed-after [misc] uses.bib:10:1-10:72 key 10:7-10:19
              title: Closed
              “Closed,” 1951.
            local [misc] uses.bib:13:1-13:51 key 13:7-13:12
              title: Local
              “Local,” n.d.
            --- diagnostics
            uses.bib:8:1-8:60 bibliography error: entry not closed before the next entry: expected comma
            uses.bib:15:74-15:80 bibliography error: unknown abbreviation "broken"
        "#]],
    );
}

#[test]
fn get_and_cite_with_locators() {
    let (bibliography, diags) = Bibliography::load(&fixtures(&["sources.json", "sources.bib"]));
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(bibliography.len(), 17);
    assert!(!bibliography.is_empty());
    assert!(bibliography.get("nope").is_none());
    assert!(
        bibliography.get("APRF-45-1-343").is_none(),
        "keys are case-sensitive"
    );
    let rebuilt = Bibliography::from_entries(bibliography.entries.clone());
    assert_eq!(rebuilt.get("kim-thesis"), bibliography.get("kim-thesis"));
    let style = CitationStyle::default();
    let mut out = String::new();
    for (key, locator) in [
        ("aprf-45-1-343", Some("ll. 97-103")),
        ("aprf-45-1-343", Some("  ")),
        ("aprf-45-1-343", None),
        ("zhou-wengao-7", Some("130-131")),
        ("weathersby-1993", Some("430.")),
        ("many-hands", Some("2")),
        ("aprf-telegram", Some("l. 97")),
        ("bare", Some("3")),
        ("kim-thesis", Some("ch. 2")),
    ] {
        let entry = bibliography.get(key).unwrap();
        writeln!(
            out,
            "{key} {locator:?}\n  {}",
            bibliography.cite(&style, entry, locator)
        )
        .unwrap();
    }
    expect![[r#"
        aprf-45-1-343 Some("ll. 97-103")
          “Minutes of Conversation between I.V. Stalin and Zhou Enlai,” September 19, 1952, lines 97–103, f. 45, op. 1, d. 343, Archive of the President of the Russian Federation (APRF).
        aprf-45-1-343 Some("  ")
          “Minutes of Conversation between I.V. Stalin and Zhou Enlai,” September 19, 1952, f. 45, op. 1, d. 343, Archive of the President of the Russian Federation (APRF).
        aprf-45-1-343 None
          “Minutes of Conversation between I.V. Stalin and Zhou Enlai,” September 19, 1952, f. 45, op. 1, d. 343, Archive of the President of the Russian Federation (APRF).
        zhou-wengao-7 Some("130-131")
          Zhonggong zhongyang wenxian yanjiushi, Jianguo Yilai Zhou Enlai Wengao (Zhongyang wenxian chubanshe, 2018), 7:130–131.
        weathersby-1993 Some("430.")
          Kathryn Weathersby, “The Soviet Role in the Early Phase of the Korean War: New Documentary Evidence,” The Journal of American-East Asian Relations 2, no. 4 (1993): 430.
        many-hands Some("2")
          Danny Rozas et al., “Who Started the Korean War?,” n.d., 2, https://digitalarchive.wilsoncenter.org/document/111242.
        aprf-telegram Some("l. 97")
          “Telegram from Stalin to Mao Zedong,” October 1, 1950, line 97, f. 45, op. 1, d. 334, ll. 97–98, Archive of the President of the Russian Federation (APRF).
        bare Some("3")
          n.d., 3.
        kim-thesis Some("ch. 2")
          Dong-gil Kim, “Stalin's Korean U-Turn” (phdthesis, 2010), chap. 2.
    "#]].assert_eq(&out);
}

#[test]
fn empty_input() {
    let (bibliography, diags) = Bibliography::load(&[]);
    assert!(bibliography.is_empty() && diags.is_empty());
    let files = vec![
        (PathBuf::from("empty.bib"), String::new()),
        (
            PathBuf::from("comments.bib"),
            "% nothing here\n@comment{x}\n".to_string(),
        ),
        (PathBuf::from("empty-array.json"), "\u{feff}[ ]".to_string()),
    ];
    let (bibliography, diags) = Bibliography::load(&files);
    assert!(bibliography.is_empty(), "{:?}", bibliography.entries);
    assert!(diags.is_empty(), "{diags:?}");
}

#[test]
fn bom_and_crlf() {
    let bib = "\u{feff}@book{crlf,\r\n  title = {A\r\n  Title},\r\n  year = 1950,\r\n}\r\n";
    let json = "\u{feff}[\r\n  {\"id\": \"j\",\r\n   \"title\": \"T\"}\r\n]\r\n";
    let files = vec![
        (PathBuf::from("crlf.bib"), bib.to_string()),
        (PathBuf::from("crlf.json"), json.to_string()),
    ];
    let (bibliography, diags) = Bibliography::load(&files);
    assert!(diags.is_empty(), "{diags:?}");
    let e = bibliography.get("crlf").unwrap();
    assert_eq!(formatted(&bibliography, e), "A Title (1950).");
    assert_eq!(&bib[e.key_range.clone()], "crlf");
    assert!(bib[e.range.clone()].starts_with("@book") && bib[e.range.clone()].ends_with('}'));
    let j = bibliography.get("j").unwrap();
    assert_eq!(&json[j.key_range.clone()], "j");
    assert_eq!(
        &json[j.range.clone()],
        "{\"id\": \"j\",\r\n   \"title\": \"T\"}"
    );
    assert_eq!(formatted(&bibliography, j), "T, n.d.");
    assert_eq!(
        &*bibliography.cite(&CitationStyle::default(), j, Some("5")),
        "T, n.d., 5."
    );
}

#[test]
fn many_entries() {
    let mut json = String::from("[");
    let mut bib = String::new();
    for i in 0..5000 {
        if i > 0 {
            json.push(',');
        }
        write!(
            json,
            "\n{{\"id\": \"j{i}\", \"title\": \"T{i}\", \"issued\": {{\"date-parts\": [[{}]]}}}}",
            1900 + i % 100
        )
        .unwrap();
        writeln!(
            bib,
            "@book{{b{i}, title = {{B{i}}}, year = {}}}",
            1900 + i % 100
        )
        .unwrap();
    }
    json.push(']');
    let files = vec![
        (PathBuf::from("a.json"), json),
        (PathBuf::from("b.bib"), bib),
    ];
    let (bibliography, diags) = Bibliography::load(&files);
    assert!(diags.is_empty());
    assert_eq!(bibliography.len(), 10_000);
    assert_eq!(
        formatted(&bibliography, bibliography.get("j4321").unwrap()),
        "T4321, 1921."
    );
    assert_eq!(
        formatted(&bibliography, bibliography.get("b4321").unwrap()),
        "B4321 (1921)."
    );
}

/// A locator with numbers is filled into its entry's template for the
/// locator's shape (`Bibliography::cite`): the answer must be the one
/// hayagriva gives for that very locator, in every style, and a style that
/// does more with a number than print it (ordinals, roman numerals) must
/// fall back to rendering each locator.
#[test]
fn templates_give_what_hayagriva_gives() {
    use scholia::workspace::bibliography::render::CitationsConfig;
    let files = fixtures(&["sources.json", "sources.bib"]);
    let dir = std::env::temp_dir().join(format!("scholia-templates-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("ordinal.csl"),
        r#"<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbib/csl" class="note" version="1.0">
  <info><title>Ordinal locators</title><id>ordinal-test</id><updated>2024-01-01T00:00:00+00:00</updated></info>
  <citation><layout><text variable="title"/><text value=" "/><number variable="locator" form="ordinal"/><text value=" / "/><number variable="locator" form="roman"/><text value=" / "/><label variable="locator" form="short"/></layout></citation>
</style>"#,
    )
    .unwrap();
    let mut styles = vec![CitationStyle::default()];
    for name in [
        "apa",
        "modern-language-association",
        "ieee",
        "chicago-author-date",
        "ordinal.csl",
    ] {
        let config = CitationsConfig {
            style: Some((name.to_string(), 0..1)),
            locale: None,
        };
        let (style, problems) = CitationStyle::resolve(&config, &dir);
        assert!(problems.is_empty(), "{name}: {problems:?}");
        styles.push(style);
    }
    let locators = [
        "5",
        "12",
        "21",
        "97-103",
        "ll. 97-103",
        "l. 1",
        "pp. 5–7",
        "p. 2",
        "pp. 289",
        "fols. 3, 7",
        "f. 128",
        "ll. 13",
        "101-109",
        "321-28",
        "7-7",
        "007",
        "§ 4",
        "2nd",
        "5 & 9",
        "12a",
        "xii",
        "ch. 3",
        "p. 1000001",
        "vol. 2, p. 10",
        "130-131",
        "1, 2, 3, 4, 5",
        // Labels written differently, one CSL locator: one template.
        "pages 41",
        "ll. 2-4",
        "l. 5-6",
        "P. 8",
    ];
    let mut compared = 0;
    for style in &styles {
        // A fresh bibliography per style: its templates start empty, and
        // each locator is asked twice (the second from the template).
        let (bibliography, _) = Bibliography::load(&files);
        for entry in &bibliography.entries {
            for locator in locators {
                for _ in 0..2 {
                    let got = bibliography.cite(style, entry, Some(locator));
                    let want = style.render(entry, locator);
                    assert_eq!(&*got, want, "{} {} {locator:?}", style.name, entry.key);
                    compared += 1;
                }
            }
        }
    }
    assert!(compared > 1000, "{compared}");
    // The ordinal style really writes what the template cannot fill.
    let (bibliography, _) = Bibliography::load(&files);
    let entry = bibliography.get("zhou-wengao-7").unwrap();
    let text = bibliography.cite(&styles[5], entry, Some("21"));
    assert!(text.contains("21st") && text.contains("xxi"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// References rendered ahead of need (`Prerender`, what the server does for
/// an opened document's citations on another thread) land in the caches
/// `cite` reads, and `cite` then answers what hayagriva gives.
#[test]
fn prerendered_references_are_the_ones_cite_gives() {
    let files = fixtures(&["sources.json", "sources.bib"]);
    let (bibliography, _) = Bibliography::load(&files);
    let style = std::sync::Arc::new(CitationStyle::default());
    let keys: Vec<String> = bibliography.entries.iter().map(|e| e.key.clone()).collect();
    let cites: Vec<(&str, Option<&str>)> = keys
        .iter()
        .flat_map(|k| {
            [
                (k.as_str(), None),
                (k.as_str(), Some("p. 12")),
                (k.as_str(), Some("xii")),
            ]
        })
        .chain([("no-such-key", Some("p. 1"))])
        .collect();
    let job = bibliography.prerender(&style, cites.iter().copied());
    assert_eq!(job.len(), keys.len() * 3, "unknown keys are left out");
    assert_eq!(bibliography.cached(), 0);
    std::thread::spawn(move || job.run()).join().unwrap();
    // One rendering without locator, one template for `p. _`, one rendering
    // of `xii` per entry.
    assert_eq!(bibliography.cached(), keys.len() * 3);
    for (key, locator) in cites.iter().filter(|(k, _)| *k != "no-such-key") {
        let entry = bibliography.get(key).unwrap();
        let got = bibliography.cite(&style, entry, *locator);
        assert_eq!(
            &*got,
            style.render(entry, locator.unwrap_or("")),
            "{key} {locator:?}"
        );
    }
    assert_eq!(
        bibliography.cached(),
        keys.len() * 3,
        "cite rendered nothing new"
    );
}
