// Do people, places, organizations and unknown entities look different?
//
// Semantic tokens of our own types are coloured through the TextMate scopes
// that package.json maps them to (contributes.semanticTokenScopes): VS Code
// takes the first scope of the list that the theme has a rule for, and uses
// that rule's colour and font style. This test does the same for the themes of
// the `tm-themes` package (VS Code's Dark+/Light+ and 60-odd popular themes)
// and checks that the four entity kinds come out in four different styles,
// none of them plain text.
//
// The matching below follows VS Code's ColorThemeData.resolveScopes and its
// nameMatcher: a rule selector matches a scope equal to it or starting with it
// followed by "."; the longest selector wins; for equal scores the later rule
// wins. Selectors with parent scopes ("a b") or exclusions cannot match a
// single probe scope and are skipped, as in VS Code.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("fs");
const path = require("path");

const ROOT = path.join(__dirname, "..");
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
const scopeMap = pkg.contributes.semanticTokenScopes.find((s) => s.language === "scholia").scopes;
const THEMES_DIR = path.dirname(require.resolve("tm-themes/themes/dark-plus.json"));
const ENTITY_KINDS = ["person", "place", "organization", "unknownEntity"];

/** Themes whose every entity kind must look different (the defaults and the most used). */
const MUST_PASS = [
  "dark-plus",
  "light-plus",
  "monokai",
  "solarized-dark",
  "solarized-light",
  "github-dark",
  "github-light",
  "github-dark-default",
  "github-light-default",
  "one-dark-pro",
  "one-light",
  "dracula",
  "material-theme",
  "night-owl",
  "catppuccin-mocha",
  "catppuccin-latte",
  "gruvbox-dark-medium",
  "tokyo-night",
  "ayu-dark",
  "rose-pine",
];
/** Of all the themes, at most this many may fail (see the README for which, and why). */
const MAX_FAILING = 3;

function scopeMatches(scope, selector) {
  return scope === selector || (scope.startsWith(selector) && scope[selector.length] === ".");
}

function ruleSelectors(rule) {
  if (!rule.scope) return [];
  const list = Array.isArray(rule.scope) ? rule.scope : rule.scope.split(",");
  return list.map((s) => s.trim()).filter((s) => s !== "");
}

/** The style VS Code gives a semantic token mapped to `scopes`, or undefined (then the grammar's colour shows). */
function resolveScopes(theme, scopes) {
  for (const scope of scopes) {
    let foreground;
    let fontStyle;
    let foregroundScore = -1;
    let fontStyleScore = -1;
    for (const rule of theme.tokenColors || []) {
      let score = -1;
      for (const selector of ruleSelectors(rule)) {
        if (/\s/.test(selector)) continue;
        if (scopeMatches(scope, selector)) score = Math.max(score, 0x10000 + selector.length);
      }
      if (score < 0) continue;
      const settings = rule.settings || {};
      if (settings.foreground && score >= foregroundScore) {
        foreground = settings.foreground;
        foregroundScore = score;
      }
      if (settings.fontStyle !== undefined && score >= fontStyleScore) {
        fontStyle = settings.fontStyle;
        fontStyleScore = score;
      }
    }
    if (foreground !== undefined || fontStyle !== undefined) return { foreground, fontStyle };
  }
  return undefined;
}

function normalizeColor(color) {
  let c = String(color).toLowerCase();
  if (/^#[0-9a-f]{3,4}$/.test(c)) c = "#" + [...c.slice(1)].map((x) => x + x).join("");
  if (c.length === 9 && c.endsWith("ff")) c = c.slice(0, 7);
  return c;
}

function normalizeFontStyle(fontStyle) {
  return (fontStyle || "")
    .split(/\s+/)
    .filter((s) => s !== "" && s !== "normal")
    .sort()
    .join(" ");
}

function loadThemes() {
  return fs
    .readdirSync(THEMES_DIR)
    .filter((f) => f.endsWith(".json"))
    .map((f) => ({ name: f.replace(/\.json$/, ""), theme: JSON.parse(fs.readFileSync(path.join(THEMES_DIR, f), "utf8")) }));
}

/** The look of each entity kind in one theme, and what is wrong with it, if anything. */
function check(theme) {
  const plain = normalizeColor((theme.colors || {})["editor.foreground"] || "default");
  const looks = {};
  for (const kind of ENTITY_KINDS) {
    const style = resolveScopes(theme, scopeMap[kind]);
    looks[kind] = style
      ? `${style.foreground ? normalizeColor(style.foreground) : plain}/${normalizeFontStyle(style.fontStyle)}`
      : undefined;
  }
  const problems = [];
  for (const kind of ENTITY_KINDS) {
    if (looks[kind] === undefined) problems.push(`${kind} has no style`);
    else if (looks[kind] === `${plain}/`) problems.push(`${kind} looks like plain text`);
  }
  for (let i = 0; i < ENTITY_KINDS.length; i++) {
    for (let j = i + 1; j < ENTITY_KINDS.length; j++) {
      const [a, b] = [ENTITY_KINDS[i], ENTITY_KINDS[j]];
      if (looks[a] !== undefined && looks[a] === looks[b]) problems.push(`${a} and ${b} look alike (${looks[a]})`);
    }
  }
  return { looks, problems };
}

const themes = loadThemes();

test("the theme collection is there", () => {
  assert.ok(themes.length >= 50, `${themes.length} themes in ${THEMES_DIR}`);
  for (const name of MUST_PASS) assert.ok(themes.some((t) => t.name === name), `theme ${name}`);
});

for (const name of MUST_PASS) {
  test(`person, place, organization and unknown entity look different in ${name}`, () => {
    const { theme } = themes.find((t) => t.name === name);
    const { looks, problems } = check(theme);
    assert.deepEqual(problems, [], JSON.stringify(looks));
  });
}

test(`the four entity kinds look different in all but at most ${MAX_FAILING} themes`, () => {
  const failing = themes
    .map(({ name, theme }) => ({ name, ...check(theme) }))
    .filter((r) => r.problems.length > 0);
  for (const f of failing) console.log(`# ${f.name}: ${f.problems.join("; ")}`);
  assert.ok(
    failing.length <= MAX_FAILING,
    `${failing.length} of ${themes.length} themes fail: ${failing.map((f) => f.name).join(", ")}`,
  );
});
