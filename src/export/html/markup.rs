//! HTML text: escaping, the only URLs data may carry, and the page shell
//! every page shares (head with the Content-Security-Policy, navigation,
//! search box).
//!
//! Everything that comes from a document, the registry or the bibliography
//! is untrusted: it reaches a page only through [`esc`] (text and attribute
//! values alike) or [`safe_url`] (http and https only).

use std::fmt::Write;

/// Appends `s` with `&`, `<`, `>`, `"` and `'` escaped: safe in element
/// content and in quoted attribute values.
pub fn esc_into(out: &mut String, s: &str) {
    let mut last = 0;
    for (i, b) in s.bytes().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&s[last..i]);
        out.push_str(rep);
        last = i + 1;
    }
    out.push_str(&s[last..]);
}

/// `s` escaped (see [`esc_into`]).
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    esc_into(&mut out, s);
    out
}

/// `url` when it is an absolute http or https URL without white space,
/// control characters or any of ``"<>`\``; `None` for anything else (`javascript:`, `data:`,
/// relative paths, protocol-relative `//host`). The caller still escapes it.
pub fn safe_url(url: &str) -> Option<&str> {
    let url = url.trim();
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let scheme_ok = lower.starts_with("https://") || lower.starts_with("http://");
    let rest = url.split_once("://").map_or("", |(_, r)| r);
    let clean = !url
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || "\"<>`\\".contains(c));
    (scheme_ok && clean && !rest.is_empty() && !rest.starts_with('/')).then_some(url)
}

/// A fragment identifier for an arbitrary key (a citation key may hold
/// `:./#`): ASCII letters and digits kept, every other byte as `_xx`.
pub fn frag(prefix: &str, key: &str) -> String {
    let mut out = String::with_capacity(prefix.len() + key.len() + 4);
    out.push_str(prefix);
    for b in key.bytes() {
        if b.is_ascii_alphanumeric() || b == b'-' {
            out.push(b as char);
        } else {
            let _ = write!(out, "_{b:02x}");
        }
    }
    out
}

/// The policy of every page: no inline script or style, nothing from
/// elsewhere; the site's own script and stylesheet only.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
img-src 'self'; base-uri 'none'; form-action 'self'; object-src 'none'";

/// Which index page a page belongs to (highlighted in the navigation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Home,
    Documents,
    People,
    Places,
    Organizations,
    Bibliography,
    Search,
}

const NAV: [(Section, &str, &str); 6] = [
    (Section::Documents, "documents.html", "Documents"),
    (Section::People, "people.html", "People"),
    (Section::Places, "places.html", "Places"),
    (
        Section::Organizations,
        "organizations.html",
        "Organizations",
    ),
    (Section::Bibliography, "bibliography.html", "Bibliography"),
    (Section::Search, "search.html", "Search"),
];

/// A page being written: `root` is the relative path from the page to the
/// site's root (`""` or `"../"`…), prefixed to every site link.
pub struct Page {
    pub out: String,
    pub root: String,
}

impl Page {
    /// Opens a page: doctype, head (title, CSP, stylesheet, script),
    /// header with the site's name, navigation and search box, `<main>`.
    pub fn new(site_title: &str, title: &str, root: &str, section: Section) -> Page {
        let mut out = String::with_capacity(16 * 1024);
        out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        let _ = writeln!(
            out,
            "<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">"
        );
        out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        out.push_str("<meta name=\"referrer\" content=\"no-referrer\">\n<title>");
        esc_into(&mut out, title);
        if title != site_title {
            out.push_str(" · ");
            esc_into(&mut out, site_title);
        }
        out.push_str("</title>\n");
        let _ = writeln!(
            out,
            "<link rel=\"stylesheet\" href=\"{root}assets/site.css\">\n\
             <script src=\"{root}assets/site.js\" defer></script>\n</head>\n<body>\n\
             <a class=\"skip\" href=\"#main\">Skip to the text</a>\n\
             <header class=\"site\">\n<a class=\"home\" href=\"{root}index.html\">{}</a>\n\
             <nav aria-label=\"Indexes\"><ul>",
            esc(site_title)
        );
        for (s, href, label) in NAV {
            let current = if s == section {
                " aria-current=\"page\""
            } else {
                ""
            };
            let _ = write!(
                out,
                "<li><a href=\"{root}{href}\"{current}>{label}</a></li>"
            );
        }
        let _ = writeln!(
            out,
            "</ul></nav>\n<form class=\"search\" role=\"search\" action=\"{root}search.html\" method=\"get\">\
             <label for=\"q\" class=\"visually-hidden\">Search</label>\
             <input id=\"q\" name=\"q\" type=\"search\" placeholder=\"Search names, titles, text\">\
             <button type=\"submit\">Search</button></form>\n</header>\n<main id=\"main\">"
        );
        Page {
            out,
            root: root.to_string(),
        }
    }

    /// Escaped text.
    pub fn text(&mut self, s: &str) {
        esc_into(&mut self.out, s);
    }

    /// Markup written by this module (never data).
    pub fn raw(&mut self, s: &str) {
        self.out.push_str(s);
    }

    /// `<a href="ROOT+href">text</a>`: a link inside the site.
    pub fn site_link(&mut self, href: &str, text: &str) {
        self.out.push_str("<a href=\"");
        esc_into(&mut self.out, &self.root);
        esc_into(&mut self.out, href);
        self.out.push_str("\">");
        esc_into(&mut self.out, text);
        self.out.push_str("</a>");
    }

    /// A link to `url` when it is http(s), else its text alone.
    pub fn external_link(&mut self, url: &str, text: &str) {
        match safe_url(url) {
            Some(url) => {
                self.out.push_str("<a rel=\"noopener noreferrer\" href=\"");
                esc_into(&mut self.out, url);
                self.out.push_str("\">");
                esc_into(&mut self.out, text);
                self.out.push_str("</a>");
            }
            None => esc_into(&mut self.out, text),
        }
    }

    /// Closes `<main>` and the page.
    pub fn finish(mut self) -> String {
        self.out.push_str(
            "</main>\n<footer class=\"site\"><p>Made with scholia.</p></footer>\n</body>\n</html>\n",
        );
        self.out
    }
}

/// The relative path from a page at `rel` (a `/`-separated path inside the
/// site) to the site's root.
pub fn root_of(rel: &str) -> String {
    "../".repeat(rel.matches('/').count())
}

/// The site's stylesheet (written to `assets/site.css`, inlined in a preview).
pub const CSS: &str = include_str!("assets/site.css");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_every_special_character() {
        assert_eq!(
            esc(r#"<script>"a"&'b'</script>"#),
            "&lt;script&gt;&quot;a&quot;&amp;&#39;b&#39;&lt;/script&gt;"
        );
        assert_eq!(esc("plain – text"), "plain – text");
    }

    #[test]
    fn only_http_urls_pass() {
        assert_eq!(
            safe_url(" https://example.org/a "),
            Some("https://example.org/a")
        );
        assert_eq!(safe_url("HTTP://x.y"), Some("HTTP://x.y"));
        for bad in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            " javascript:alert(1)",
            "data:text/html,<script>",
            "//evil.example/",
            "https:///x",
            "https://",
            "https://a b",
            "https://a\u{0}b",
            "https://a/\"><script>",
            "https://a/<b>",
            "vbscript:x",
            "/relative",
            "",
        ] {
            assert_eq!(safe_url(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn fragments_are_ascii() {
        assert_eq!(frag("cite-", "aprf-45:1/x.y"), "cite-aprf-45_3a1_2fx_2ey");
        assert_eq!(frag("e-", "<b>"), "e-_3cb_3e");
    }

    #[test]
    fn root_prefix() {
        assert_eq!(root_of("a.html"), "");
        assert_eq!(root_of("x/y/a.html"), "../../");
    }
}
