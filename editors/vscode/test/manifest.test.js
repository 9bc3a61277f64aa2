// Checks of the extension's manifest and static files against each other and
// against the project's contract (SPEC.md, when it is found beside the repo).
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("fs");
const path = require("path");

const ROOT = path.join(__dirname, "..");
const pkg = readJson("package.json");
const grammar = readJson("syntaxes/scholia.tmLanguage.json");
const languageConfiguration = readJson("language-configuration.json");
const constantsSource = fs.readFileSync(path.join(ROOT, "src", "constants.ts"), "utf8");

function readJson(relative) {
  return JSON.parse(fs.readFileSync(path.join(ROOT, relative), "utf8"));
}

/** A `const NAME = [ "a", "b" ] as const` list from src/constants.ts. */
function constList(name) {
  const m = new RegExp(`export const ${name} = \\[([^\\]]*)\\]`).exec(constantsSource);
  assert.ok(m, `${name} in src/constants.ts`);
  return [...m[1].matchAll(/"([^"]+)"/g)].map((x) => x[1]);
}

/** SPEC.md of the project: shared/ beside the repository (as CI has it), or $SCHOLIA_SPEC. */
function findSpec() {
  const candidates = [
    process.env.SCHOLIA_SPEC,
    path.join(ROOT, "..", "..", "..", "shared", "SPEC.md"),
    path.join(ROOT, "..", "..", "shared", "SPEC.md"),
  ].filter(Boolean);
  return candidates.find((p) => fs.existsSync(p));
}

const lintSettings = Object.entries(pkg.contributes.configuration.properties).filter(([k]) =>
  k.startsWith("scholia.lint."),
);

test("every diagnostic code has a scholia.lint setting, and the code knows the same list", () => {
  const codes = constList("LINT_CODES");
  assert.deepEqual(
    lintSettings.map(([k]) => k.slice("scholia.lint.".length)),
    codes,
  );
  const severities = constList("SEVERITIES");
  assert.deepEqual(severities, ["off", "hint", "info", "warning", "error"]);
  for (const [key, schema] of lintSettings) {
    assert.equal(schema.type, "string", key);
    assert.deepEqual(schema.enum, severities, key);
    assert.ok(severities.includes(schema.default), key);
    assert.match(schema.markdownDescription, /scholia\.toml/, `${key} says that scholia.toml wins`);
  }
});

test("the lint settings match SPEC §5: the codes and their default severities", (t) => {
  const specPath = findSpec();
  if (!specPath) {
    t.skip("SPEC.md not found beside the repository");
    return;
  }
  const spec = fs.readFileSync(specPath, "utf8");
  const section = spec.slice(spec.indexOf("## 5."), spec.indexOf("## 6."));
  const expected = {};
  for (const m of section.matchAll(/^\| `([a-z-]+)` \| (off|hint|info|warning|error) \|/gm)) {
    expected[m[1]] = m[2];
  }
  for (const m of section.matchAll(/`([a-z-]+)` \((off|hint|info|warning|error)\)/g)) {
    expected[m[1]] = m[2];
  }
  assert.ok(Object.keys(expected).length >= 15, `parsed ${Object.keys(expected).length} codes from ${specPath}`);
  const actual = Object.fromEntries(lintSettings.map(([k, s]) => [k.slice("scholia.lint.".length), s.default]));
  assert.deepEqual(actual, expected);
});

test("server settings: path, extraArgs, trace", () => {
  const props = pkg.contributes.configuration.properties;
  assert.equal(props["scholia.server.path"].type, "string");
  assert.equal(props["scholia.server.path"].default, "scholia");
  assert.equal(props["scholia.server.extraArgs"].type, "array");
  assert.deepEqual(props["scholia.server.extraArgs"].default, []);
  assert.deepEqual(props["scholia.trace.server"].enum, ["off", "messages", "verbose"]);
  // The server binary is not taken from an untrusted workspace's settings.
  assert.deepEqual(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations, [
    "scholia.server.path",
    "scholia.server.extraArgs",
  ]);
});

test("the language, its grammar and its configuration are wired together", () => {
  const [language] = pkg.contributes.languages;
  assert.equal(language.id, "scholia");
  assert.deepEqual(language.extensions, [".scholia"]);
  assert.ok(fs.existsSync(path.join(ROOT, language.configuration)));
  const [g] = pkg.contributes.grammars;
  assert.equal(g.language, "scholia");
  assert.equal(g.scopeName, grammar.scopeName);
  assert.equal(g.scopeName, "source.scholia");
  assert.ok(fs.existsSync(path.join(ROOT, g.path)));
  assert.deepEqual(g.embeddedLanguages, { "meta.embedded.block.toml": "toml" });
  assert.ok(pkg.activationEvents.includes("onLanguage:scholia"));
  assert.equal(pkg.main, "./dist/extension.js");
});

test("semantic token types are the server's legend, in order, each mapped to scopes", () => {
  const legend = ["person", "place", "organization", "unknownEntity", "footnote", "citation", "insertion"];
  assert.deepEqual(
    pkg.contributes.semanticTokenTypes.map((t) => t.id),
    legend,
  );
  const [{ language, scopes }] = pkg.contributes.semanticTokenScopes;
  assert.equal(language, "scholia");
  assert.deepEqual(Object.keys(scopes), legend);
  for (const [type, list] of Object.entries(scopes)) {
    assert.ok(Array.isArray(list) && list.length > 0, type);
    for (const scope of list) assert.match(scope, /^[a-z-]+(\.[a-z-]+)+$/, `${type}: ${scope}`);
  }
  // The four entity kinds start from four different scope families.
  const families = ["person", "place", "organization", "unknownEntity"].map((k) => scopes[k][0].split(".").slice(0, 2).join("."));
  assert.equal(new Set(families).size, 4, families.join(", "));
});

test("brackets, auto-closing and surrounding pairs", () => {
  const pairs = languageConfiguration.autoClosingPairs.map((p) => [p.open, p.close]);
  for (const expected of [
    ["[[", "]]"],
    ["[@", "]"],
    ["[^", "]"],
    ["[", "]"],
    ["(", ")"],
  ]) {
    assert.ok(
      pairs.some(([o, c]) => o === expected[0] && c === expected[1]),
      `auto-closes ${expected[0]} with ${expected[1]}`,
    );
  }
  assert.ok(languageConfiguration.brackets.some(([o, c]) => o === "[" && c === "]"));
  assert.ok(languageConfiguration.surroundingPairs.some(([o, c]) => o === "[" && c === "]"));
  new RegExp(languageConfiguration.wordPattern.pattern, languageConfiguration.wordPattern.flags);
});

test("every #include of the grammar names a repository rule, and every regex compiles", async () => {
  const onig = require("vscode-oniguruma");
  const wasm = fs.readFileSync(require.resolve("vscode-oniguruma").replace(/main\.js$/, "onig.wasm"));
  await onig.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const regexes = [];
  const includes = [];
  (function walk(node) {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node === null || typeof node !== "object") return;
    for (const [key, value] of Object.entries(node)) {
      if (["match", "begin", "end", "while"].includes(key) && typeof value === "string") regexes.push(value);
      else if (key === "include") includes.push(value);
      else walk(value);
    }
  })(grammar);
  for (const inc of includes) {
    if (inc.startsWith("#")) assert.ok(inc.slice(1) in grammar.repository, `missing rule ${inc}`);
    else assert.equal(inc, "source.toml", `unexpected include ${inc}`);
  }
  for (const source of regexes) {
    assert.doesNotThrow(() => new onig.OnigScanner([source]).dispose(), source);
  }
  assert.ok(regexes.length > 20);
});

test("packaging metadata: nothing for vsce to prompt about", () => {
  assert.ok(pkg.publisher);
  assert.ok(pkg.repository && pkg.repository.url);
  assert.ok(pkg.license);
  assert.ok(fs.existsSync(path.join(ROOT, "LICENSE")));
  assert.ok(fs.existsSync(path.join(ROOT, "README.md")));
  // @types/vscode must not be newer than the engine the extension declares.
  const engine = /(\d+)\.(\d+)/.exec(pkg.engines.vscode).slice(1).map(Number);
  const types = /(\d+)\.(\d+)/.exec(pkg.devDependencies["@types/vscode"]).slice(1).map(Number);
  assert.ok(types[0] < engine[0] || (types[0] === engine[0] && types[1] <= engine[1]), "@types/vscode <= engines.vscode");
  // vsce 4 needs Node 22; this project's machines have Node 20.
  const lock = readJson("package-lock.json");
  assert.match(lock.packages["node_modules/@vscode/vsce"].version, /^3\./);
  assert.match(pkg.devDependencies["@vscode/vsce"], /^\^?3\./);
});
