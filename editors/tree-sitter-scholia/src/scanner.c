// External scanner of the scholia grammar.
//
// It lexes the two tokens the generated lexer cannot:
// - front_matter_content: every line after the opening `+++` line up to the
//   next line that is `+++` (optionally followed by blanks). The content ends
//   right before that line, its last line break included. With no closing
//   line, it runs to the end of the file and the parser reports the missing
//   fence (the one error this grammar produces).
// - _nul: a run of NUL characters, which the generated lexer takes for the end
//   of the input. It is aliased to `text`.
//
// The scanner keeps no state.

#include "tree_sitter/parser.h"

enum TokenType {
  FRONT_MATTER_CONTENT,
  NUL,
};

void *tree_sitter_scholia_external_scanner_create(void) { return NULL; }

void tree_sitter_scholia_external_scanner_destroy(void *payload) { (void)payload; }

unsigned tree_sitter_scholia_external_scanner_serialize(void *payload, char *buffer) {
  (void)payload;
  (void)buffer;
  return 0;
}

void tree_sitter_scholia_external_scanner_deserialize(void *payload, const char *buffer,
                                                      unsigned length) {
  (void)payload;
  (void)buffer;
  (void)length;
}

static bool at_line_end(TSLexer *lexer) {
  return lexer->eof(lexer) || lexer->lookahead == '\n' || lexer->lookahead == '\r';
}

// Called at the start of a line: consumes the line and tells whether it is a
// closing fence.
static bool is_fence_line(TSLexer *lexer) {
  for (int i = 0; i < 3; i++) {
    if (lexer->eof(lexer) || lexer->lookahead != '+') return false;
    lexer->advance(lexer, false);
  }
  while (!lexer->eof(lexer) && (lexer->lookahead == ' ' || lexer->lookahead == '\t')) {
    lexer->advance(lexer, false);
  }
  return at_line_end(lexer);
}

static bool scan_front_matter_content(TSLexer *lexer) {
  bool has_content = false;
  while (!lexer->eof(lexer)) {
    if (is_fence_line(lexer)) break;
    while (!at_line_end(lexer)) lexer->advance(lexer, false);
    if (!lexer->eof(lexer)) {
      bool cr = lexer->lookahead == '\r';
      lexer->advance(lexer, false);
      if (cr && !lexer->eof(lexer) && lexer->lookahead == '\n') lexer->advance(lexer, false);
    }
    has_content = true;
    lexer->mark_end(lexer);
  }
  if (!has_content) return false;
  lexer->result_symbol = FRONT_MATTER_CONTENT;
  return true;
}

static bool scan_nul(TSLexer *lexer) {
  if (lexer->eof(lexer) || lexer->lookahead != 0) return false;
  while (!lexer->eof(lexer) && lexer->lookahead == 0) lexer->advance(lexer, false);
  lexer->result_symbol = NUL;
  return true;
}

bool tree_sitter_scholia_external_scanner_scan(void *payload, TSLexer *lexer,
                                               const bool *valid_symbols) {
  (void)payload;
  // Both are never valid in one parse state: this is error recovery, where
  // the generated lexer decides alone.
  if (valid_symbols[FRONT_MATTER_CONTENT] && valid_symbols[NUL]) return false;
  if (valid_symbols[FRONT_MATTER_CONTENT]) return scan_front_matter_content(lexer);
  if (valid_symbols[NUL]) return scan_nul(lexer);
  return false;
}
