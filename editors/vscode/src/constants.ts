/**
 * Where a user learns how to install the `scholia` binary: the project README.
 * A placeholder until the project has its public home; this is the one place
 * the link is written (the error shown for a missing binary opens it).
 */
export const INSTALL_URL = "https://github.com/scholia-project/scholia#using-it-from-an-editor";

/** The language id contributed in package.json. */
export const LANGUAGE_ID = "scholia";

/** The prefix of every setting of this extension. */
export const CONFIG_SECTION = "scholia";

/**
 * The diagnostic codes of SPEC §5, each with a `scholia.lint.<code>` setting
 * in package.json (a test checks that the two lists agree).
 */
export const LINT_CODES = [
  "undefined-footnote",
  "unused-footnote",
  "duplicate-footnote",
  "footnote-order",
  "unknown-citation",
  "missing-source",
  "uncited-note",
  "unknown-entity",
  "ambiguous-entity",
  "unclosed-bracket",
  "untagged-mention",
  "translation-mismatch",
  "front-matter",
  "registry",
  "alias-conflict",
  "bibliography",
] as const;

export type LintCode = (typeof LINT_CODES)[number];

export const SEVERITIES = ["off", "hint", "info", "warning", "error"] as const;

export type Severity = (typeof SEVERITIES)[number];
