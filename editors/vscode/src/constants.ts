/**
 * Where a user learns how to install the `scholia` binary: the extension's own
 * README (its "Install" section), which every .vsix carries (vsce stores it as
 * `readme.md`). The project has no public address yet, so the button of the
 * "server not found" message opens this file in VS Code's Markdown preview
 * rather than a web page that does not exist.
 */
export const INSTALL_DOCS = ["README.md", "readme.md"] as const;

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
  "unused-bibliography-entry",
  "duplicate-authority",
  "missing-authority",
] as const;

export type LintCode = (typeof LINT_CODES)[number];

export const SEVERITIES = ["off", "hint", "info", "warning", "error"] as const;

export type Severity = (typeof SEVERITIES)[number];
