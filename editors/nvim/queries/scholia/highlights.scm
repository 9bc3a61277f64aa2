; Highlights of scholia documents. Capture names are the standard ones of
; Neovim (:help treesitter-highlight-groups); later patterns win.

; Plain prose is what a spell checker should look at.
(text) @spell

; Front matter: the fences; the content is TOML (see injections.scm).
(front_matter_fence) @keyword.directive

; Headings, by level.
(heading) @markup.heading

((heading
  (heading_marker) @_marker) @markup.heading.1
  (#match? @_marker "^#[^#]"))

((heading
  (heading_marker) @_marker) @markup.heading.2
  (#match? @_marker "^##[^#]"))

((heading
  (heading_marker) @_marker) @markup.heading.3
  (#match? @_marker "^###[^#]"))

((heading
  (heading_marker) @_marker) @markup.heading.4
  (#match? @_marker "^####[^#]"))

((heading
  (heading_marker) @_marker) @markup.heading.5
  (#match? @_marker "^#####[^#]"))

((heading
  (heading_marker) @_marker) @markup.heading.6
  (#match? @_marker "^######[^#]"))

(heading_marker) @punctuation.special

; Footnotes: references and the marker that opens a definition.
[
  (footnote_reference)
  (footnote_definition_marker)
] @markup.link

; Mentions of people, places and organizations, like wiki links.
(mention) @markup.link.label

; Citations of archival and published sources.
(citation) @string.special

[
  (footnote_reference)
  (footnote_definition_marker)
  (mention)
  (citation)
] @nospell

; Markdown links.
(link) @markup.link.url

; Editorial insertions: the brackets around them.
[
  (open_bracket)
  (close_bracket)
] @punctuation.bracket

; A literal bracket or backslash.
(escape) @string.escape
