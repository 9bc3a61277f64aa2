//! The pages made from the whole site: entity pages, the indexes (people,
//! places, organizations, documents by date, bibliography), the search page
//! and its index, the home page.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

use rayon::prelude::*;

use super::body::kind_class;
use super::markup::{Page, Section, esc, esc_into, frag, safe_url};
use super::spill::{MENTION_BUCKETS, Spill};
use super::{DocOut, Site, write_file};
use crate::workspace::{Entity, Kind};

pub use super::markup::CSS;
pub const JS: &str = include_str!("assets/site.js");

/// The pages at the site's root that a document page may not take.
pub const RESERVED: [&str; 8] = [
    "index.html",
    "documents.html",
    "people.html",
    "places.html",
    "organizations.html",
    "bibliography.html",
    "search.html",
    "entities.html",
];

/// One mention on an entity page: (document, anchor, context HTML).
type Found<'a> = (usize, &'a str, &'a str);

/// Per entity of a bucket: (entity, (mentions, documents)).
type Counts = Vec<(usize, (usize, usize))>;

/// Writes every page but the documents'; returns how many. Entity pages
/// are made bucket by bucket from the mentions kept on disk, in parallel.
pub(crate) fn indexes(
    site: &Site<'_>,
    outs: &[DocOut],
    spill: &Spill,
    out: &Path,
) -> Result<usize, String> {
    let n = site.ws.registry.entities.len();
    let buckets: Vec<Counts> = (0..MENTION_BUCKETS)
        .into_par_iter()
        .map(|b| -> Result<Counts, String> {
            let records = spill.mentions(b)?;
            let mut counts = Vec::new();
            let mut k = 0;
            for e in (b..n).step_by(MENTION_BUCKETS) {
                let start = k;
                while k < records.len() && records[k].0 == e {
                    k += 1;
                }
                let anchors: Vec<String> = records[start..k]
                    .iter()
                    .map(|r| format!("m{}", r.2))
                    .collect();
                let list: Vec<Found<'_>> = records[start..k]
                    .iter()
                    .zip(&anchors)
                    .map(|(r, a)| (r.1, a.as_str(), r.3.as_str()))
                    .collect();
                let mut docs = 0;
                let mut last = usize::MAX;
                for &(d, _, _) in &list {
                    if d != last {
                        docs += 1;
                        last = d;
                    }
                }
                counts.push((e, (list.len(), docs)));
                let page = entity_page(site, e, &list);
                write_file(out.join(site.entity_page(e)), &page)?;
            }
            Ok(counts)
        })
        .collect::<Result<_, String>>()?;
    let mut counts = vec![(0, 0); n];
    for (e, c) in buckets.into_iter().flatten() {
        counts[e] = c;
    }
    for (kind, file, title, section) in [
        (Kind::Person, "people.html", "People", Section::People),
        (Kind::Place, "places.html", "Places", Section::Places),
        (
            Kind::Organization,
            "organizations.html",
            "Organizations",
            Section::Organizations,
        ),
    ] {
        write_file(
            out.join(file),
            &entity_index(site, kind, title, section, &counts),
        )?;
    }
    write_file(out.join("documents.html"), &documents(site))?;
    write_file(out.join("bibliography.html"), &bibliography(site, outs))?;
    write_file(out.join("search.html"), &search_page(site))?;
    super::search::write(site, spill, out)?;
    write_file(out.join("index.html"), &home(site, outs))?;
    Ok(n + 7)
}

fn kind_label(kind: Kind) -> &'static str {
    match kind {
        Kind::Person => "Person",
        Kind::Place => "Place",
        Kind::Organization => "Organization",
    }
}

/// A link for an authority id (`wikidata = "Q855"`): the id's page at its
/// authority when we know the authority and the id is plain, the value
/// itself when it is an http(s) URL, else none.
fn authority_url(key: &str, value: &str) -> Option<String> {
    if let Some(url) = safe_url(value) {
        return Some(url.to_string());
    }
    let value = value.trim();
    let plain = !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_');
    if !plain {
        return None;
    }
    let base = match key.to_ascii_lowercase().as_str() {
        "wikidata" => "https://www.wikidata.org/wiki/",
        "viaf" => "https://viaf.org/viaf/",
        "geonames" => "https://www.geonames.org/",
        "gnd" => "https://d-nb.info/gnd/",
        "isni" => "https://isni.org/isni/",
        "orcid" => "https://orcid.org/",
        "lccn" | "loc" => "https://id.loc.gov/authorities/names/",
        "tgn" => "http://vocab.getty.edu/page/tgn/",
        "ulan" => "http://vocab.getty.edu/page/ulan/",
        _ => return None,
    };
    Some(format!("{base}{value}"))
}

fn authority_label(key: &str) -> String {
    match key.to_ascii_lowercase().as_str() {
        "wikidata" => "Wikidata".into(),
        "viaf" => "VIAF".into(),
        "geonames" => "GeoNames".into(),
        "gnd" => "GND".into(),
        "isni" => "ISNI".into(),
        "orcid" => "ORCID".into(),
        "lccn" | "loc" => "Library of Congress".into(),
        "tgn" => "Getty TGN".into(),
        "ulan" => "Getty ULAN".into(),
        _ => key.to_string(),
    }
}

/// The registry card of an entity.
fn card(page: &mut Page, e: &Entity) {
    page.raw("<dl class=\"card\">\n");
    let mut also: Vec<String> = e
        .aliases
        .iter()
        .filter(|a| **a != e.name)
        .cloned()
        .collect();
    also.dedup();
    if !also.is_empty() {
        page.raw("<dt>Also written</dt><dd>");
        page.text(&also.join(" · "));
        page.raw("</dd>\n");
    }
    for (system, spelling) in &e.variants {
        page.raw("<dt>");
        page.text(system);
        page.raw("</dt><dd>");
        page.text(spelling);
        page.raw("</dd>\n");
    }
    let (b, d) = match e.kind {
        Kind::Person => ("Born", "Died"),
        _ => ("From", "Until"),
    };
    for (label, value) in [(b, &e.born), (d, &e.died), ("Region", &e.region)] {
        if let Some(v) = value {
            let _ = write!(page.out, "<dt>{label}</dt><dd>");
            page.text(v);
            page.raw("</dd>\n");
        }
    }
    if let Some((lat, lon)) = e.coordinates {
        let _ = writeln!(page.out, "<dt>Coordinates</dt><dd>{lat:.4}, {lon:.4}</dd>");
    }
    for (key, value) in &e.authority {
        page.raw("<dt>");
        page.text(&authority_label(key));
        page.raw("</dt><dd>");
        match authority_url(key, value) {
            Some(url) => page.external_link(&url, value),
            None => page.text(value),
        }
        page.raw("</dd>\n");
    }
    page.raw("</dl>\n");
    if let Some(desc) = &e.description {
        page.raw("<p class=\"description\">");
        page.text(desc);
        page.raw("</p>\n");
    }
}

fn entity_page(site: &Site<'_>, e: usize, found: &[Found<'_>]) -> String {
    let entity = &site.ws.registry.entities[e];
    let page_path = site.entity_page(e);
    let root = super::markup::root_of(page_path);
    let section = match entity.kind {
        Kind::Person => Section::People,
        Kind::Place => Section::Places,
        Kind::Organization => Section::Organizations,
    };
    let mut page = Page::new(&site.title, &entity.name, &root, section);
    let _ = write!(
        page.out,
        "<article class=\"entity {}\">\n<h1>",
        kind_class(entity.kind)
    );
    page.text(&entity.name);
    page.raw("</h1>\n<p class=\"kind\">");
    page.text(kind_label(entity.kind));
    let summary = entity.summary();
    if let Some((_, rest)) = summary.split_once(", ") {
        page.raw(" · ");
        page.text(rest);
    }
    page.raw("</p>\n");
    card(&mut page, entity);
    let docs = {
        let mut n = 0;
        let mut last = usize::MAX;
        for &(d, _, _) in found {
            if d != last {
                n += 1;
                last = d;
            }
        }
        n
    };
    page.raw("<section class=\"mentions\" aria-labelledby=\"mentions-h\">\n<h2 id=\"mentions-h\">");
    if found.is_empty() {
        page.raw("Not mentioned in the documents");
    } else {
        let _ = write!(
            page.out,
            "Mentioned {} in {}",
            plural(found.len(), "time", "times"),
            plural(docs, "document", "documents")
        );
    }
    page.raw("</h2>\n");
    let mut i = 0;
    while i < found.len() {
        let d = found[i].0;
        let info = &site.docs[d];
        page.raw("<section class=\"mention-doc\">\n<h3>");
        page.site_link(&info.page, &info.title);
        if let Some(date) = &info.date {
            page.raw(" <time>");
            page.text(date);
            page.raw("</time>");
        }
        page.raw("</h3>\n<ol class=\"contexts\">\n");
        while i < found.len() && found[i].0 == d {
            let (_, anchor, ctx) = found[i];
            page.raw("<li><a class=\"context\" href=\"");
            esc_into(&mut page.out, &root);
            esc_into(&mut page.out, &info.page);
            page.raw("#");
            esc_into(&mut page.out, anchor);
            page.raw("\">");
            // Made by body::mention_contexts: escaped text and <mark>.
            page.raw(ctx);
            page.raw("</a></li>\n");
            i += 1;
        }
        page.raw("</ol>\n</section>\n");
    }
    page.raw("</section>\n</article>\n");
    page.finish()
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// The first letter of a name for the alphabetical headings.
fn initial(name: &str) -> String {
    name.chars()
        .find(|c| c.is_alphanumeric())
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_else(|| "#".into())
}

fn entity_index(
    site: &Site<'_>,
    kind: Kind,
    title: &str,
    section: Section,
    counts: &[(usize, usize)],
) -> String {
    let mut page = Page::new(&site.title, title, "", section);
    let mut list: Vec<(usize, &Entity)> = site
        .ws
        .registry
        .entities
        .iter()
        .enumerate()
        .filter(|(_, e)| e.kind == kind)
        .collect();
    list.sort_by_cached_key(|(_, e)| (e.name.to_lowercase(), e.id.clone()));
    let _ = writeln!(page.out, "<h1>{title}</h1>");
    let _ = writeln!(
        page.out,
        "<p class=\"lead\">{}, alphabetical, with the number of mentions and of documents that mention each.</p>",
        plural(list.len(), "entry", "entries")
    );
    let mut letters: BTreeMap<String, Vec<(usize, &Entity)>> = BTreeMap::new();
    for (i, e) in list {
        letters.entry(initial(&e.name)).or_default().push((i, e));
    }
    page.raw("<nav class=\"letters\" aria-label=\"Letters\"><ul>");
    for letter in letters.keys() {
        let _ = write!(
            page.out,
            "<li><a href=\"#{}\">{}</a></li>",
            frag("letter-", letter),
            esc(letter)
        );
    }
    page.raw("</ul></nav>\n");
    for (letter, list) in &letters {
        let _ = writeln!(
            page.out,
            "<section><h2 id=\"{}\">{}</h2>\n<ul class=\"entities\">",
            frag("letter-", letter),
            esc(letter)
        );
        for (i, e) in list {
            let (mentions, docs) = counts[*i];
            let _ = write!(
                page.out,
                "<li class=\"{}\" data-id=\"{}\" data-mentions=\"{mentions}\" data-documents=\"{docs}\">",
                kind_class(e.kind),
                esc(&e.id)
            );
            page.site_link(site.entity_page(*i), &e.name);
            let summary = e.summary();
            if let Some((_, rest)) = summary.split_once(", ") {
                page.raw(" <span class=\"dates\">");
                page.text(rest);
                page.raw("</span>");
            }
            let _ = writeln!(
                page.out,
                " <span class=\"count\">{} in {}</span></li>",
                plural(mentions, "mention", "mentions"),
                plural(docs, "document", "documents")
            );
        }
        page.raw("</ul></section>\n");
    }
    page.finish()
}

/// The year of a date as written (`1952-09-14`, `14 September 1952`), if
/// it has one.
fn year_of(date: &str) -> Option<String> {
    let bytes = date.as_bytes();
    (0..bytes.len().saturating_sub(3)).find_map(|i| {
        let w = &bytes[i..i + 4];
        let before = i == 0 || !bytes[i - 1].is_ascii_digit();
        let after = bytes.get(i + 4).is_none_or(|b| !b.is_ascii_digit());
        (before && after && w.iter().all(u8::is_ascii_digit)).then(|| date[i..i + 4].to_string())
    })
}

fn documents(site: &Site<'_>) -> String {
    let mut page = Page::new(&site.title, "Documents", "", Section::Documents);
    page.raw("<h1>Documents</h1>\n");
    let _ = writeln!(
        page.out,
        "<p class=\"lead\">{}, by date.</p>",
        plural(site.docs.len(), "document", "documents")
    );
    let mut years: BTreeMap<Option<String>, Vec<usize>> = BTreeMap::new();
    for (i, d) in site.docs.iter().enumerate() {
        years
            .entry(d.date.as_deref().and_then(year_of))
            .or_default()
            .push(i);
    }
    // Dated years first, in order; undated at the end.
    let mut order: Vec<(Option<String>, Vec<usize>)> = years.into_iter().collect();
    let undated_first = usize::from(order.first().is_some_and(|(y, _)| y.is_none()));
    order.rotate_left(undated_first);
    for (year, mut docs) in order {
        docs.sort_by(|&a, &b| {
            let (a, b) = (&site.docs[a], &site.docs[b]);
            (&a.date, &a.title, &a.page).cmp(&(&b.date, &b.title, &b.page))
        });
        page.raw("<section class=\"year\">\n<h2>");
        page.text(year.as_deref().unwrap_or("Undated"));
        page.raw("</h2>\n<ol class=\"timeline\">\n");
        for i in docs {
            let d = &site.docs[i];
            page.raw("<li>");
            if let Some(date) = &d.date {
                page.raw("<time>");
                page.text(date);
                page.raw("</time> ");
            }
            page.site_link(&d.page, &d.title);
            if d.translation_of.is_some() {
                page.raw(" <span class=\"tag\">translation</span>");
            }
            page.raw("</li>\n");
        }
        page.raw("</ol>\n</section>\n");
    }
    page.finish()
}

fn bibliography(site: &Site<'_>, outs: &[DocOut]) -> String {
    let mut page = Page::new(&site.title, "Bibliography", "", Section::Bibliography);
    page.raw("<h1>Bibliography</h1>\n");
    let bib = &site.ws.bibliography;
    let mut citing: Vec<Vec<usize>> = vec![Vec::new(); bib.entries.len()];
    let index: std::collections::HashMap<&str, usize> = bib
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| (e.key.as_str(), i))
        .collect();
    for (d, o) in outs.iter().enumerate() {
        for key in &o.cites {
            if let Some(&i) = index.get(key.as_str()) {
                citing[i].push(d);
            }
        }
    }
    let mut order: Vec<usize> = (0..bib.entries.len()).collect();
    order.sort_by_cached_key(|&i| site.ws.cite(&bib.entries[i], None).to_lowercase());
    let mut seen = std::collections::HashSet::new();
    page.raw("<ol class=\"bibliography\">\n");
    for i in order {
        let e = &bib.entries[i];
        if !seen.insert(e.key.as_str()) {
            continue;
        }
        let _ = write!(
            page.out,
            "<li id=\"{}\"><p class=\"reference\">",
            frag("cite-", &e.key)
        );
        page.text(&site.ws.cite(e, None));
        page.raw("</p>");
        if citing[i].is_empty() {
            page.raw("<p class=\"cited-by\">Not cited in the documents.</p>");
        } else {
            page.raw("<p class=\"cited-by\">Cited in ");
            for (k, &d) in citing[i].iter().enumerate() {
                if k > 0 {
                    page.raw(", ");
                }
                page.site_link(&site.docs[d].page, &site.docs[d].title);
            }
            page.raw(".</p>");
        }
        page.raw("</li>\n");
    }
    page.raw("</ol>\n");
    page.finish()
}

fn search_page(site: &Site<'_>) -> String {
    let mut page = Page::new(&site.title, "Search", "", Section::Search);
    page.raw(
        "<h1>Search</h1>\n<p class=\"lead\">Names of people, places and organizations, \
         document titles and words of the text.</p>\n\
         <div id=\"search-results\" aria-live=\"polite\">\
         <noscript><p>Searching needs JavaScript. Without it, the indexes of \
         <a href=\"people.html\">people</a>, <a href=\"places.html\">places</a>, \
         <a href=\"organizations.html\">organizations</a> and \
         <a href=\"documents.html\">documents</a> lead to every page.</p></noscript></div>\n",
    );
    page.finish()
}

fn home(site: &Site<'_>, outs: &[DocOut]) -> String {
    let mut page = Page::new(&site.title, &site.title, "", Section::Home);
    page.raw("<h1>");
    page.text(&site.title);
    page.raw("</h1>\n");
    let count = |k: Kind| {
        site.ws
            .registry
            .entities
            .iter()
            .filter(|e| e.kind == k)
            .count()
    };
    let mentions: usize = outs.iter().map(|o| o.mention_count).sum();
    let _ = writeln!(
        page.out,
        "<p class=\"lead\">A reading edition of {} with {} of {} people, {} places and {} organizations, \
         and {} sources.</p>",
        plural(site.docs.len(), "document", "documents"),
        plural(mentions, "mention", "mentions"),
        count(Kind::Person),
        count(Kind::Place),
        count(Kind::Organization),
        site.ws.bibliography.entries.len()
    );
    page.raw(
        "<ul class=\"start\">\n<li><a href=\"documents.html\">Documents</a>, by date</li>\n\
         <li><a href=\"people.html\">People</a></li>\n<li><a href=\"places.html\">Places</a></li>\n\
         <li><a href=\"organizations.html\">Organizations</a></li>\n\
         <li><a href=\"bibliography.html\">Bibliography</a></li>\n</ul>\n",
    );
    page.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authority_links() {
        assert_eq!(
            authority_url("wikidata", "Q855").as_deref(),
            Some("https://www.wikidata.org/wiki/Q855")
        );
        assert_eq!(authority_url("wikidata", "Q1\"><x").as_deref(), None);
        assert_eq!(authority_url("wikidata", "javascript:alert(1)"), None);
        assert_eq!(authority_url("local", "12"), None);
        assert_eq!(
            authority_url("local", "https://example.org/1").as_deref(),
            Some("https://example.org/1")
        );
    }

    #[test]
    fn years() {
        assert_eq!(year_of("1952-09-14").as_deref(), Some("1952"));
        assert_eq!(year_of("14 September 1952").as_deref(), Some("1952"));
        assert_eq!(year_of("19521"), None);
        assert_eq!(year_of("undated"), None);
    }
}
