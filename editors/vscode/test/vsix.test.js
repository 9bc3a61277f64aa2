// Checks the packaged extension: the .vsix made by `npm run package` (test.sh
// runs it before this test). A .vsix is a zip file; its central directory is
// read here directly, so the test needs no unzip tool.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("fs");
const path = require("path");
const zlib = require("zlib");

const ROOT = path.join(__dirname, "..");
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
const VSIX = path.join(ROOT, `${pkg.name}-${pkg.version}.vsix`);

/** The entries of a zip file: name, sizes, and a way to read the content. */
function readZip(file) {
  const buf = fs.readFileSync(file);
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  assert.ok(eocd >= 0, "end of central directory found");
  const count = buf.readUInt16LE(eocd + 10);
  let offset = buf.readUInt32LE(eocd + 16);
  const entries = new Map();
  for (let n = 0; n < count; n++) {
    assert.equal(buf.readUInt32LE(offset), 0x02014b50, "central directory entry");
    const method = buf.readUInt16LE(offset + 10);
    const compressedSize = buf.readUInt32LE(offset + 20);
    const size = buf.readUInt32LE(offset + 24);
    const nameLength = buf.readUInt16LE(offset + 28);
    const extraLength = buf.readUInt16LE(offset + 30);
    const commentLength = buf.readUInt16LE(offset + 32);
    const localOffset = buf.readUInt32LE(offset + 42);
    const name = buf.toString("utf8", offset + 46, offset + 46 + nameLength);
    entries.set(name, {
      size,
      read() {
        const localNameLength = buf.readUInt16LE(localOffset + 26);
        const localExtraLength = buf.readUInt16LE(localOffset + 28);
        const start = localOffset + 30 + localNameLength + localExtraLength;
        const data = buf.subarray(start, start + compressedSize);
        return method === 0 ? Buffer.from(data) : zlib.inflateRawSync(data);
      },
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

test("the .vsix holds the bundle, the grammar and the language configuration", () => {
  assert.ok(fs.existsSync(VSIX), `${VSIX} exists (run npm run package)`);
  const entries = readZip(VSIX);
  const names = [...entries.keys()];
  for (const required of [
    "extension.vsixmanifest",
    "extension/package.json",
    "extension/dist/extension.js",
    "extension/syntaxes/scholia.tmLanguage.json",
    "extension/language-configuration.json",
    "extension/readme.md",
    "extension/LICENSE.txt",
  ]) {
    assert.ok(entries.has(required), `${required} in ${names.join(", ")}`);
    assert.ok(entries.get(required).size > 0, `${required} is not empty`);
  }
  const unwanted = names.filter((n) => /(^|\/)(node_modules|src|test|test-e2e)\/|\.map$|\.ts$/.test(n));
  assert.deepEqual(unwanted, []);
});

test("the packaged files are the ones in the tree, and the manifest points at them", () => {
  const entries = readZip(VSIX);
  const packaged = JSON.parse(entries.get("extension/package.json").read().toString("utf8"));
  assert.equal(packaged.name, pkg.name);
  assert.equal(packaged.version, pkg.version);
  const inVsix = (p) => entries.has(`extension/${path.posix.normalize(p)}`);
  assert.ok(inVsix(packaged.main), packaged.main);
  for (const g of packaged.contributes.grammars) assert.ok(inVsix(g.path), g.path);
  for (const l of packaged.contributes.languages) assert.ok(inVsix(l.configuration), l.configuration);

  for (const file of ["syntaxes/scholia.tmLanguage.json", "language-configuration.json", "dist/extension.js"]) {
    assert.ok(
      entries.get(`extension/${file}`).read().equals(fs.readFileSync(path.join(ROOT, file))),
      `${file} in the .vsix is the built one`,
    );
  }
  const bundle = entries.get("extension/dist/extension.js").read().toString("utf8");
  // The language client is bundled, and `vscode` is left to VS Code.
  assert.match(bundle, /require\("vscode"\)/);
  assert.doesNotMatch(bundle, /require\("vscode-languageclient[^"]*"\)/);
});

// The platform package: scholia-<platform>-<arch>-<version>.vsix, made by
// test.sh with the release server inside (the bundled server of the extension).
const TARGET = `${process.platform}-${process.arch}`;
const PLATFORM_VSIX = path.join(ROOT, `${pkg.name}-${TARGET}-${pkg.version}.vsix`);
const SERVER_BIN = process.env.SCHOLIA_BIN || path.join(ROOT, "..", "..", "target", "release", "scholia");

/** The Unix mode bits a zip entry was stored with (the high half of its external attributes). */
function unixMode(file, name) {
  const buf = fs.readFileSync(file);
  let offset = buf.indexOf(Buffer.from(name, "utf8"));
  // Walk to the central directory record that names this entry.
  while (offset >= 0) {
    const record = offset - 46;
    if (record >= 0 && buf.readUInt32LE(record) === 0x02014b50 && buf.readUInt16LE(record + 28) === Buffer.byteLength(name)) {
      return buf.readUInt32LE(record + 38) >>> 16;
    }
    offset = buf.indexOf(Buffer.from(name, "utf8"), offset + 1);
  }
  return undefined;
}

test("the universal .vsix carries no server (it uses scholia.server.path or PATH)", () => {
  const names = [...readZip(VSIX).keys()];
  assert.deepEqual(names.filter((n) => n.startsWith("extension/server/")), []);
});

test(`the ${TARGET} .vsix carries the release server as server/scholia, executable`, () => {
  assert.ok(fs.existsSync(PLATFORM_VSIX), `${PLATFORM_VSIX} exists (test.sh packages it)`);
  const entries = readZip(PLATFORM_VSIX);
  const server = entries.get("extension/server/scholia");
  assert.ok(server, `extension/server/scholia in ${[...entries.keys()].join(", ")}`);
  assert.ok(fs.existsSync(SERVER_BIN), `${SERVER_BIN} exists`);
  assert.equal(server.size, fs.statSync(SERVER_BIN).size);
  assert.ok(server.read().equals(fs.readFileSync(SERVER_BIN)), "the packaged server is the release binary");
  const mode = unixMode(PLATFORM_VSIX, "extension/server/scholia");
  assert.ok(mode !== undefined && (mode & 0o111) !== 0, `stored executable (mode ${mode?.toString(8)})`);
  // The rest is the universal package's: same bundle, grammar, configuration.
  for (const file of ["dist/extension.js", "syntaxes/scholia.tmLanguage.json", "language-configuration.json"]) {
    assert.ok(entries.get(`extension/${file}`).read().equals(fs.readFileSync(path.join(ROOT, file))), file);
  }
  const manifest = entries.get("extension.vsixmanifest").read().toString("utf8");
  assert.match(manifest, new RegExp(`TargetPlatform="${TARGET}"`));
});
