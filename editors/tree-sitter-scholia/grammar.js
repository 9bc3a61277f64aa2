/**
 * @file Tree-sitter grammar of scholia, a format for annotated archival documents.
 * @license MIT
 *
 * The grammar is lexical and flat (see docs/syntax-tree.md at the root of the
 * repository): it classifies every byte and never fails, except on a front
 * matter that is opened and never closed. Pairing editorial brackets, the
 * extent of a footnote definition and the inside of citations and mentions
 * are left to the document model (src/syntax/).
 *
 * Lexing notes for maintainers:
 * - Every construct with an inside (citation, mention, link, footnote
 *   reference, footnote definition marker, escape) is ONE token. When such a
 *   token cannot be completed (`[@key` never closed, `[[sta` while typing),
 *   the lexer falls back to the last accepting state, i.e. `open_bracket`,
 *   and the rest becomes text: no error recovery ever happens.
 * - All inline tokens share precedence 0, so the longest match wins:
 *   `[[[x]]]` is open_bracket, mention `[[x]]`, close_bracket.
 * - Line-start tokens (heading_marker, footnote_definition_marker) are only
 *   valid in the parse state at the start of a block, and carry precedence
 *   LINE_START so that, once matched, they beat a longer `text`.
 * - A byte order mark is skipped by the tree-sitter runtime before any token
 *   is lexed; it gets no node, and the front matter may follow it.
 * - The opening front matter fence includes its line break: only that way can
 *   the lexer tell `+++` (a fence) from `+++ title` (text) at document start.
 */

/// <reference types="tree-sitter-cli/dsl" />
// @ts-check

const LINE_START = 2;

// One line break: CRLF, LF or a lone CR.
const EOL = /\r\n|\n|\r/.source;

// Building blocks of the citation and mention tokens.
const CITATION_KEY = /[A-Za-z0-9_][A-Za-z0-9_:.#\/-]*/.source;
const NOT_BRACKET = /[^\[\]\r\n]/.source;
const MENTION_TARGET_FIRST = /[^\[\]|\r\n@^]/.source;
const MENTION_TARGET = /[^\[\]|\r\n]/.source;
const LABEL = /[A-Za-z0-9_-]+/.source;

module.exports = grammar({
  name: 'scholia',

  // Nothing is skipped: every byte belongs to a node.
  extras: _ => [],

  // src/scanner.c. The generated lexer cannot match a NUL character (it is
  // its end-of-input marker), so runs of NUL are lexed there, as text; so is
  // the front matter content, which must then be able to hold one too.
  externals: $ => [
    // Every byte between the two fence lines, the last line break included.
    $.front_matter_content,
    $._nul,
  ],

  rules: {
    // There is no node for a byte order mark: the tree-sitter runtime itself
    // skips a U+FEFF at byte 0, so the document then starts at byte 3.
    document: $ => seq(
      optional($.front_matter),
      optional($._block),
      repeat(seq($.newline, optional($._block))),
    ),

    front_matter: $ => seq(
      alias($._front_matter_open, $.front_matter_fence),
      optional($.front_matter_content),
      alias($._front_matter_close, $.front_matter_fence),
    ),

    // `+++` on the first line, with its line break.
    _front_matter_open: _ => token(new RegExp(`\\+\\+\\+[ \\t]*(${EOL})`)),

    // `+++` on a line of its own; the line break after it is a `newline`.
    _front_matter_close: _ => token(/\+\+\+[ \t]*/),

    _block: $ => choice(
      $.heading,
      $.footnote_definition,
      $.line,
    ),

    heading: $ => seq($.heading_marker, repeat($._inline)),

    heading_marker: _ => token(prec(LINE_START, /#{1,6}[ \t]/)),

    // Only the first line: continuation lines and indented paragraphs are
    // attached by the document model.
    footnote_definition: $ => seq(
      $.footnote_definition_marker,
      repeat($._inline),
    ),

    footnote_definition_marker: _ => token(prec(LINE_START, new RegExp(
      `\\[\\^${LABEL}\\]:`,
    ))),

    line: $ => repeat1($._inline),

    _inline: $ => choice(
      $.text,
      alias($._lone_backslash, $.text),
      alias($._nul, $.text),
      $.escape,
      $.footnote_reference,
      $.citation,
      $.mention,
      $.link,
      $.open_bracket,
      $.close_bracket,
    ),

    // A run of anything but brackets, line breaks and escapes. A backslash
    // that escapes nothing is text; one at the end of a line is a text node
    // of its own (the lexer cannot look past it).
    text: _ => token(/([^\[\]\\\r\n]|\\[^\[\]\\\r\n])+/),

    _lone_backslash: _ => /\\/,

    escape: _ => token(/\\[\[\]\\]/),

    footnote_reference: _ => token(new RegExp(`\\[\\^${LABEL}\\]`)),

    // `[@key` and anything but brackets up to the first `]`, over at most one
    // line break.
    citation: _ => token(new RegExp(
      `\\[@${CITATION_KEY}${NOT_BRACKET}*((${EOL})${NOT_BRACKET}*)?\\]`,
    )),

    // `[[target]]` or `[[target|display]]`, over at most one line break. A
    // target never starts with `@` or `^`: `[[@key]]` is an insertion that
    // holds a citation, `[[^1]]` one that holds a footnote reference.
    mention: _ => {
      const target = `${MENTION_TARGET_FIRST}${MENTION_TARGET}*`;
      const display = `\\|${NOT_BRACKET}*`;
      return token(new RegExp(
        `\\[\\[${target}(` +
          `(${EOL})${MENTION_TARGET}*(${display})?` +
          `|${display}((${EOL})${NOT_BRACKET}*)?` +
        `)?\\]\\]`,
      ));
    },

    // A Markdown link on one line: `[text](url)`.
    link: _ => token(/\[[^\[\]\r\n]*\]\([^()\s]*\)/),

    open_bracket: _ => '[',

    close_bracket: _ => ']',

    newline: _ => token(new RegExp(EOL)),
  },
});
