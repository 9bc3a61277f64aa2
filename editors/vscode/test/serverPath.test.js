// Unit tests of the server resolution order (src/serverPath.ts, compiled here
// with esbuild): scholia.server.path when the user set it, else the server a
// platform .vsix bundles (server/scholia), else `scholia` on PATH.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("fs");
const os = require("os");
const path = require("path");
const esbuild = require("esbuild");

const ROOT = path.join(__dirname, "..");

function loadServerPath() {
  const out = esbuild.buildSync({
    entryPoints: [path.join(ROOT, "src", "serverPath.ts")],
    bundle: true,
    write: false,
    platform: "node",
    format: "cjs",
  });
  const module = { exports: {} };
  new Function("module", "exports", "require", out.outputFiles[0].text)(module, module.exports, require);
  return module.exports;
}
const { resolveServer, bundledServerPath } = loadServerPath();

/** A temporary layout: an extension folder (with or without server/scholia), a PATH dir, a workspace. */
function layout(t, { bundled = true, onPath = true, bundledMode = 0o755 } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "scholia-resolve-"));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const ext = path.join(dir, "extension");
  const bin = path.join(dir, "bin");
  const ws = path.join(dir, "workspace");
  for (const d of [ext, bin, ws]) fs.mkdirSync(d, { recursive: true });
  const executable = (file, mode = 0o755) => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, "#!/bin/sh\n");
    fs.chmodSync(file, mode);
    return file;
  };
  const paths = {
    ext,
    ws,
    env: { PATH: bin },
    bundled: bundled ? executable(path.join(ext, "server", "scholia"), bundledMode) : undefined,
    onPath: onPath ? executable(path.join(bin, "scholia")) : undefined,
    custom: executable(path.join(ws, "tools", "my-scholia")),
  };
  return paths;
}

const skipOnWindows = { skip: process.platform === "win32" && "POSIX file modes" };

test("the bundled server is server/scholia in the extension folder (scholia.exe on Windows)", () => {
  assert.equal(bundledServerPath("/ext", "linux"), path.join("/ext", "server", "scholia"));
  assert.equal(bundledServerPath("/ext", "win32"), path.join("/ext", "server", "scholia.exe"));
});

test("1. a scholia.server.path the user set wins over the bundled server and PATH", skipOnWindows, (t) => {
  const p = layout(t);
  const choice = resolveServer({ configured: "tools/my-scholia", extensionPath: p.ext, workspaceFolder: p.ws, env: p.env });
  assert.deepEqual(choice, { command: p.custom, source: "setting", configured: "tools/my-scholia" });
  // A bare name that the user set is looked up on PATH, not replaced by the bundled one.
  const named = resolveServer({ configured: "scholia", extensionPath: p.ext, workspaceFolder: p.ws, env: p.env });
  assert.deepEqual(named, { command: p.onPath, source: "setting", configured: "scholia" });
});

test("1. a set scholia.server.path that names nothing is reported, not replaced by the bundled server", skipOnWindows, (t) => {
  const p = layout(t);
  const choice = resolveServer({ configured: "./missing", extensionPath: p.ext, workspaceFolder: p.ws, env: p.env });
  assert.deepEqual(choice, { command: undefined, source: "setting", configured: "./missing" });
});

test("2. without the setting, the bundled server is used even when scholia is on PATH", skipOnWindows, (t) => {
  const p = layout(t);
  for (const configured of [undefined, "", "  "]) {
    const choice = resolveServer({ configured, extensionPath: p.ext, workspaceFolder: p.ws, env: p.env });
    assert.deepEqual(choice, { command: p.bundled, source: "bundled", configured: "scholia" });
  }
});

test("2. a bundled server that lost its executable bit in unpacking gets it back", skipOnWindows, (t) => {
  const p = layout(t, { bundledMode: 0o644 });
  const choice = resolveServer({ extensionPath: p.ext, workspaceFolder: p.ws, env: p.env });
  assert.deepEqual(choice, { command: p.bundled, source: "bundled", configured: "scholia" });
  assert.notEqual(fs.statSync(p.bundled).mode & 0o111, 0);
});

test("3. without the setting and the bundled server, scholia on PATH", skipOnWindows, (t) => {
  const p = layout(t, { bundled: false });
  const choice = resolveServer({ extensionPath: p.ext, workspaceFolder: p.ws, env: p.env });
  assert.deepEqual(choice, { command: p.onPath, source: "path", configured: "scholia" });
});

test("4. nothing anywhere: no command, and the last rule tried was PATH", skipOnWindows, (t) => {
  const p = layout(t, { bundled: false, onPath: false });
  const choice = resolveServer({ extensionPath: p.ext, workspaceFolder: p.ws, env: p.env });
  assert.deepEqual(choice, { command: undefined, source: "path", configured: "scholia" });
  // A directory named server/scholia is no server either.
  fs.mkdirSync(path.join(p.ext, "server", "scholia"), { recursive: true });
  assert.deepEqual(resolveServer({ extensionPath: p.ext, env: p.env }).command, undefined);
});
