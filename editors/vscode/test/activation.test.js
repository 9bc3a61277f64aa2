// Activation tests: load the BUNDLED extension (dist/extension.js, built by
// `npm run build`) in plain Node, with a stand-in for the `vscode` module and
// nothing else: the vscode-languageclient inside the bundle is the real one,
// and it really spawns a process. That process is test/fixtures/fake-scholia.js
// (installed under the name the extension looks for), which logs what it was
// started with and the LSP messages it received.
//
// The stand-in (test/support/vscode-standin.js) checks OUR code: the values
// asserted here come from the extension or from the settings this test gives,
// never from the stand-in itself.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("fs");
const os = require("os");
const path = require("path");
const Module = require("module");
const { createVscodeStandin } = require("./support/vscode-standin");

const ROOT = path.join(__dirname, "..");
const BUNDLE = path.join(ROOT, "dist", "extension.js");
const FAKE_SERVER = path.join(__dirname, "fixtures", "fake-scholia.js");
/** The install instructions: the extension's README, which the .vsix carries. */
const INSTALL_README = path.join(ROOT, "README.md");

/** Loads a fresh copy of the bundle whose `require("vscode")` gets the stand-in. */
function loadBundle(t, standin) {
  assert.ok(fs.existsSync(BUNDLE), `${BUNDLE} is missing: run npm run build first`);
  const requested = [];
  const originalLoad = Module._load;
  Module._load = function (request, parent, isMain) {
    if (parent && parent.filename === BUNDLE) requested.push(request);
    if (request === "vscode") return standin.vscode;
    return originalLoad.call(this, request, parent, isMain);
  };
  defer(t, () => {
    Module._load = originalLoad;
  });
  delete require.cache[BUNDLE];
  const extension = require(BUNDLE);
  return { extension, requested };
}

/** Runs `fn` when the test ends, after everything deferred later (last in, first out). */
function defer(t, fn) {
  if (!deferred.has(t)) {
    deferred.set(t, []);
    t.after(async () => {
      for (const f of deferred.get(t).reverse()) await f();
    });
  }
  deferred.get(t).push(fn);
}
const deferred = new WeakMap();

function tempDir(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "scholia-vscode-test-"));
  defer(t, () => removeDir(dir));
  return dir;
}

/** Removes a directory into which a stopping fake server may still write its last log line. */
async function removeDir(dir) {
  for (let attempt = 0; ; attempt++) {
    try {
      fs.rmSync(dir, { recursive: true, force: true });
      return;
    } catch (error) {
      if (attempt >= 50) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Installs the fake server as `<dir>/<name>`, executable. */
function installFakeServer(dir, name = "scholia") {
  const target = path.join(dir, name);
  fs.copyFileSync(FAKE_SERVER, target);
  fs.chmodSync(target, 0o755);
  return target;
}

/** Sets environment variables for one test. */
function withEnv(t, vars) {
  const saved = {};
  for (const [k, v] of Object.entries(vars)) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  defer(t, () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
}

function readLog(file) {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l));
}

async function waitFor(condition, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

function fakeContext() {
  return { subscriptions: [], extensionPath: ROOT };
}

/** Deactivates the extension (stopping its server) and disposes what it registered; safe to call twice. */
async function shutdown(extension, context) {
  await extension.deactivate();
  for (const d of context.subscriptions.splice(0)) d.dispose();
}

test("activate starts `scholia lsp` from PATH with our selector, watchers and lint options", { timeout: 30000 }, async (t) => {
  const dir = tempDir(t);
  const bin = path.join(dir, "bin");
  fs.mkdirSync(bin);
  const server = installFakeServer(bin);
  const log = path.join(dir, "server.log");
  withEnv(t, { PATH: `${bin}${path.delimiter}${process.env.PATH}`, SCHOLIA_FAKE_LOG: log });

  const standin = createVscodeStandin({
    workspaceFolder: dir,
    userSettings: {
      "scholia.lint.untagged-mention": "warning",
      "scholia.lint.uncited-note": "off",
      "scholia.lint.footnote-order": "loud", // not a severity: must be left out
    },
  });
  const { extension, requested } = loadBundle(t, standin);
  const context = fakeContext();
  const api = await extension.activate(context);
  defer(t, () => shutdown(extension, context));
  await api.settled();

  // The bundle is self-contained: it asks Node for nothing but `vscode` and built-ins.
  const external = requested.filter((r) => r !== "vscode" && !Module.isBuiltin(r));
  assert.deepEqual(external, [], `the bundle required ${external.join(", ")}`);
  assert.ok(
    !Object.keys(require.cache).some((k) => k.includes(`${path.sep}node_modules${path.sep}vscode-languageclient`)),
    "vscode-languageclient must come from the bundle, not node_modules",
  );

  assert.deepEqual(standin.recorded.errorMessages, []);
  assert.deepEqual([...standin.recorded.unknownAccess], [], "the stand-in lacks nothing the code used");
  assert.ok(api.client, "a client is running");
  assert.equal(api.client.isRunning(), true);

  // The server process: found on PATH, started as `scholia lsp`.
  const entries = readLog(log);
  const start = entries.find((e) => e.event === "start");
  assert.ok(start, "the server was spawned");
  assert.equal(fs.realpathSync(start.script), fs.realpathSync(server));
  assert.deepEqual(start.args, ["lsp"]);

  // What the client was given and what went over the wire.
  assert.deepEqual(api.client.clientOptions.documentSelector, [
    { scheme: "file", language: "scholia" },
    { scheme: "file", pattern: "**/*.toml" },
  ]);
  const initialize = entries.find((e) => e.method === "initialize");
  assert.ok(initialize, "initialize was sent");
  assert.deepEqual(initialize.params.initializationOptions, {
    lint: { "untagged-mention": "warning", "uncited-note": "off" },
  });
  // Registry and bibliography files are watched by the server through dynamic
  // registration, which the client must offer.
  assert.equal(initialize.params.capabilities.workspace.didChangeWatchedFiles.dynamicRegistration, true);
  assert.deepEqual(
    standin.recorded.watchers.map((w) => w.glob),
    ["**/*.scholia", "**/scholia.toml"],
  );
  // A notification: the server may log it a moment after start() resolved.
  await waitFor(() => readLog(log).some((e) => e.method === "initialized"), 5000);
  assert.ok(readLog(log).some((e) => e.method === "initialized"), "initialized was sent");

  // The commands the extension contributes are registered.
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
  for (const { command } of pkg.contributes.commands) {
    assert.ok(standin.recorded.registeredCommands.includes(command), `${command} is registered`);
  }
  // The registry lens's command (client-side, not in the palette): VS Code's
  // Find All References at the entry's id.
  const showReferences = standin.recorded.commandHandlers.get("scholia.showReferences");
  assert.ok(showReferences, "scholia.showReferences is registered");
  await showReferences("file:///ws/registry/people.toml", { line: 4, character: 8 });
  const find = standin.recorded.executedCommands.find((c) => c.id === "editor.action.findReferences");
  assert.ok(find, "the lens runs Find All References");
  assert.equal(String(find.args[0]), "file:///ws/registry/people.toml");
  assert.deepEqual(find.args[1].args, [4, 8]);

  await shutdown(extension, context);
  // The exit notification is written before stop() resolves, but the server
  // may log it a moment later.
  await waitFor(() => readLog(log).some((e) => e.method === "exit"), 5000);
  const methods = readLog(log).map((e) => e.method);
  assert.ok(methods.includes("shutdown"), "deactivate sends shutdown");
  assert.ok(methods.includes("exit"), "deactivate sends exit");
  assert.ok(standin.recorded.watchers.every((w) => w.disposed), "the watchers are disposed");
});

test("an absolute scholia.server.path and extraArgs are used as given", { timeout: 30000 }, async (t) => {
  const dir = tempDir(t);
  const server = installFakeServer(dir, "my-scholia");
  const log = path.join(dir, "server.log");
  withEnv(t, { SCHOLIA_FAKE_LOG: log });

  const standin = createVscodeStandin({
    workspaceFolder: dir,
    userSettings: {
      "scholia.server.path": server,
      "scholia.server.extraArgs": ["--log", "debug"],
      "scholia.trace.server": "verbose",
    },
  });
  const { extension } = loadBundle(t, standin);
  const context = fakeContext();
  const api = await extension.activate(context);
  defer(t, () => shutdown(extension, context));
  await api.settled();

  const start = readLog(log).find((e) => e.event === "start");
  assert.ok(start, "the server was spawned");
  assert.equal(fs.realpathSync(start.script), fs.realpathSync(server));
  assert.deepEqual(start.args, ["lsp", "--log", "debug"]);
  const initialize = readLog(log).find((e) => e.method === "initialize");
  assert.deepEqual(initialize.params.initializationOptions, { lint: {} });
  // scholia.trace.server reaches the client (its id is "scholia").
  assert.equal(initialize.params.trace, "verbose");

});

for (const configured of ["${workspaceFolder}/tools/scholia", "tools/scholia"]) {
  test(`scholia.server.path ${configured} is resolved against the workspace folder`, { timeout: 30000 }, async (t) => {
    const dir = tempDir(t);
    fs.mkdirSync(path.join(dir, "tools"));
    const server = installFakeServer(path.join(dir, "tools"));
    const log = path.join(dir, "server.log");
    withEnv(t, { SCHOLIA_FAKE_LOG: log });

    const standin = createVscodeStandin({ workspaceFolder: dir, userSettings: { "scholia.server.path": configured } });
    const { extension } = loadBundle(t, standin);
    const context = fakeContext();
    const api = await extension.activate(context);
    defer(t, () => shutdown(extension, context));
    await api.settled();

    assert.deepEqual(standin.recorded.errorMessages, []);
    const start = readLog(log).find((e) => e.event === "start");
    assert.ok(start, "the server was spawned");
    assert.equal(fs.realpathSync(start.script), fs.realpathSync(server));
    assert.deepEqual(start.args, ["lsp"]);

  });
}

test("changing a scholia.lint setting restarts the server with the new options", { timeout: 30000 }, async (t) => {
  const dir = tempDir(t);
  const server = installFakeServer(dir);
  const log = path.join(dir, "server.log");
  withEnv(t, { SCHOLIA_FAKE_LOG: log });

  const standin = createVscodeStandin({ workspaceFolder: dir, userSettings: { "scholia.server.path": server } });
  const { extension } = loadBundle(t, standin);
  const context = fakeContext();
  const api = await extension.activate(context);
  defer(t, () => shutdown(extension, context));
  await api.settled();

  standin.changeSettings({ "scholia.lint.unknown-entity": "warning" });
  await api.settled();

  const entries = readLog(log);
  assert.equal(entries.filter((e) => e.event === "start").length, 2, "a second server was started");
  const inits = entries.filter((e) => e.method === "initialize").map((e) => e.params.initializationOptions);
  assert.deepEqual(inits, [{ lint: {} }, { lint: { "unknown-entity": "warning" } }]);
  assert.ok(entries.some((e) => e.method === "shutdown"), "the first server was shut down");
  assert.equal(api.client.isRunning(), true);

});

test("a missing binary shows an error whose button opens the install instructions", { timeout: 30000 }, async (t) => {
  const dir = tempDir(t);
  const log = path.join(dir, "server.log");
  withEnv(t, { SCHOLIA_FAKE_LOG: log });
  const missing = path.join(dir, "no-such-dir", "scholia");

  const standin = createVscodeStandin({
    workspaceFolder: dir,
    userSettings: { "scholia.server.path": missing },
    onErrorMessage: (_message, items) => items[0], // the user clicks the first button
  });
  const { extension } = loadBundle(t, standin);
  const context = fakeContext();
  const api = await extension.activate(context);
  defer(t, () => shutdown(extension, context));
  await api.settled();

  assert.equal(api.client, undefined, "no client without a server");
  assert.equal(readLog(log).length, 0, "nothing was spawned");
  assert.equal(standin.recorded.errorMessages.length, 1);
  const [shown] = standin.recorded.errorMessages;
  assert.ok(shown.message.includes(missing), `the message names the path: ${shown.message}`);
  assert.match(shown.message, /scholia\.server\.path/);
  assert.deepEqual(shown.items, [extension.INSTALL_BUTTON, extension.SETTINGS_BUTTON]);
  // The first button opens the install instructions: the extension's own
  // README (its Install section) in the Markdown preview, no web address.
  assert.deepEqual(standin.recorded.openedExternal, []);
  assert.deepEqual(
    standin.recorded.executedCommands.map((c) => [c.id, ...c.args.map((a) => a.fsPath)]),
    [["markdown.showPreview", INSTALL_README]],
    "the first button opens the install instructions",
  );
  assert.match(fs.readFileSync(INSTALL_README, "utf8"), /^## Install$/m);

});

test("a bare name that is not on PATH is reported as such, and its other button opens the setting", { timeout: 30000 }, async (t) => {
  const dir = tempDir(t);
  const emptyBin = path.join(dir, "empty-bin");
  fs.mkdirSync(emptyBin);
  withEnv(t, { PATH: emptyBin });

  const standin = createVscodeStandin({
    workspaceFolder: dir,
    onErrorMessage: (_message, items) => items[1],
  });
  const { extension } = loadBundle(t, standin);
  const context = fakeContext();
  const api = await extension.activate(context);
  defer(t, () => shutdown(extension, context));
  await api.settled();

  assert.equal(api.client, undefined);
  assert.equal(standin.recorded.errorMessages.length, 1);
  // "scholia" is the default of scholia.server.path in package.json.
  assert.match(standin.recorded.errorMessages[0].message, /"scholia" was not found on PATH/);
  assert.deepEqual(standin.recorded.openedExternal, []);
  assert.deepEqual(standin.recorded.executedCommands, [
    { id: "workbench.action.openSettings", args: ["scholia.server.path"] },
  ]);

});

test("a binary that fails to spawn with ENOENT gets the same message and link", { timeout: 30000 }, async (t) => {
  const dir = tempDir(t);
  // Exists and is executable, so the up-front check passes; but its interpreter
  // does not exist, so spawn() fails with ENOENT.
  const broken = path.join(dir, "scholia");
  fs.writeFileSync(broken, "#!/nonexistent/interpreter\n");
  fs.chmodSync(broken, 0o755);

  const standin = createVscodeStandin({
    workspaceFolder: dir,
    userSettings: { "scholia.server.path": broken },
    onErrorMessage: (message, items) => (items.includes(extensionButtons.install) ? extensionButtons.install : undefined),
  });
  const extensionButtons = {};
  const { extension } = loadBundle(t, standin);
  extensionButtons.install = extension.INSTALL_BUTTON;
  const context = fakeContext();
  const api = await extension.activate(context);
  defer(t, () => shutdown(extension, context));
  await api.settled();

  assert.equal(api.client, undefined);
  const ours = standin.recorded.errorMessages.filter((m) => m.items.includes(extension.INSTALL_BUTTON));
  assert.equal(ours.length, 1, JSON.stringify(standin.recorded.errorMessages));
  assert.ok(ours[0].message.includes(broken), ours[0].message);
  assert.deepEqual(
    standin.recorded.executedCommands.map((c) => [c.id, ...c.args.map((a) => a.fsPath)]),
    [["markdown.showPreview", INSTALL_README]],
  );

});

/** An extension folder like a platform .vsix installs: server/scholia is the (fake) server. */
function bundledExtension(dir) {
  const ext = path.join(dir, "extension");
  fs.mkdirSync(path.join(ext, "server"), { recursive: true });
  return { ext, server: installFakeServer(path.join(ext, "server")) };
}

test("without scholia.server.path, the server bundled in the extension is started, with no scholia on PATH", { timeout: 30000 }, async (t) => {
  const dir = tempDir(t);
  const emptyBin = path.join(dir, "empty-bin");
  fs.mkdirSync(emptyBin);
  const log = path.join(dir, "server.log");
  // The fake server is a Node script: its interpreter must stay reachable.
  withEnv(t, { PATH: `${emptyBin}${path.delimiter}${path.dirname(process.execPath)}`, SCHOLIA_FAKE_LOG: log });
  const { ext, server } = bundledExtension(dir);

  const standin = createVscodeStandin({ workspaceFolder: dir });
  const { extension } = loadBundle(t, standin);
  const context = { subscriptions: [], extensionPath: ext };
  const api = await extension.activate(context);
  defer(t, () => shutdown(extension, context));
  await api.settled();

  assert.deepEqual(standin.recorded.errorMessages, []);
  assert.ok(api.client && api.client.isRunning(), "a client is running");
  const start = readLog(log).find((e) => e.event === "start");
  assert.ok(start, "the server was spawned");
  assert.equal(fs.realpathSync(start.script), fs.realpathSync(server));
  assert.deepEqual(start.args, ["lsp"]);
});

test("scholia.server.path wins over the bundled server; a bundled server wins over PATH", { timeout: 30000 }, async (t) => {
  const dir = tempDir(t);
  const bin = path.join(dir, "bin");
  fs.mkdirSync(bin);
  const onPath = installFakeServer(bin);
  const custom = installFakeServer(dir, "my-scholia");
  const { ext, server: bundled } = bundledExtension(dir);
  const log = path.join(dir, "server.log");
  withEnv(t, { PATH: `${bin}${path.delimiter}${process.env.PATH}`, SCHOLIA_FAKE_LOG: log });

  for (const [settings, expected] of [
    [{ "scholia.server.path": custom }, custom],
    [{}, bundled],
  ]) {
    fs.rmSync(log, { force: true });
    const standin = createVscodeStandin({ workspaceFolder: dir, userSettings: settings });
    const { extension } = loadBundle(t, standin);
    const context = { subscriptions: [], extensionPath: ext };
    const api = await extension.activate(context);
    await api.settled();
    const start = readLog(log).find((e) => e.event === "start");
    await shutdown(extension, context);
    assert.ok(start, `a server was spawned for ${JSON.stringify(settings)}`);
    assert.equal(fs.realpathSync(start.script), fs.realpathSync(expected), JSON.stringify(settings));
  }
  // Once the bundled server is gone, PATH.
  fs.rmSync(path.join(ext, "server"), { recursive: true });
  fs.rmSync(log, { force: true });
  const standin = createVscodeStandin({ workspaceFolder: dir });
  const { extension } = loadBundle(t, standin);
  const context = { subscriptions: [], extensionPath: ext };
  const api = await extension.activate(context);
  defer(t, () => shutdown(extension, context));
  await api.settled();
  const start = readLog(log).find((e) => e.event === "start");
  assert.ok(start, "a server was spawned from PATH");
  assert.equal(fs.realpathSync(start.script), fs.realpathSync(onPath));
});

test("the server's translation report (the code lens's command) is shown in the Markdown preview", { timeout: 30000 }, async (t) => {
  const dir = tempDir(t);
  const bin = path.join(dir, "bin");
  fs.mkdirSync(bin);
  installFakeServer(bin);
  const log = path.join(dir, "server.log");
  const report = { differences: 1, markdown: "**Translation report**: `en/a.scholia` against its original `ru/a.scholia`\n\n1 difference\n" };
  withEnv(t, { PATH: `${bin}${path.delimiter}${process.env.PATH}`, SCHOLIA_FAKE_LOG: log, SCHOLIA_FAKE_REPORT: JSON.stringify(report) });

  const standin = createVscodeStandin({ workspaceFolder: dir });
  const { extension } = loadBundle(t, standin);
  const context = fakeContext();
  const api = await extension.activate(context);
  defer(t, () => shutdown(extension, context));
  await api.settled();

  // The language client registers the server's command with VS Code; the
  // code lens runs it with the translation's URI.
  const run = standin.recorded.commandHandlers.get("scholia.translationReport");
  assert.ok(run, `scholia.translationReport registered (${standin.recorded.registeredCommands.join(", ")})`);
  const uri = "file:///ws/en/a.scholia";
  assert.deepEqual(await run(uri), report);
  const sent = readLog(log).find((e) => e.method === "workspace/executeCommand");
  assert.deepEqual(sent && sent.params, { command: "scholia.translationReport", arguments: [uri] });
  assert.deepEqual(standin.recorded.openedDocuments, [{ language: "markdown", content: report.markdown }]);
  const preview = standin.recorded.executedCommands.filter((c) => c.id === "markdown.showPreviewToSide");
  assert.equal(preview.length, 1);
  assert.equal(preview[0].args[0].toString(), "untitled:Untitled-1");

  // No translation: the server answers null, and the user is told.
  process.env.SCHOLIA_FAKE_REPORT = "null";
  await api.restart();
  await api.settled();
  const again = standin.recorded.commandHandlers.get("scholia.translationReport");
  standin.recorded.openedDocuments.length = 0;
  assert.equal(await again("file:///ws/a.scholia"), null);
  assert.deepEqual(standin.recorded.openedDocuments, []);
  assert.ok(
    standin.recorded.infoMessages.some((m) => /no translation/.test(m.message)),
    JSON.stringify(standin.recorded.infoMessages),
  );
});

test("Scholia: Export to TEI runs the server's scholia.exportTei on the active document and saves the files it names", { timeout: 30000 }, async (t) => {
  const dir = tempDir(t);
  const bin = path.join(dir, "bin");
  fs.mkdirSync(bin);
  installFakeServer(bin);
  const log = path.join(dir, "server.log");
  const files = ["file:///ws/export/a.xml", "file:///ws/export/register.xml"];
  withEnv(t, { PATH: `${bin}${path.delimiter}${process.env.PATH}`, SCHOLIA_FAKE_LOG: log, SCHOLIA_FAKE_REPORT: JSON.stringify({ applied: true, files }) });

  const standin = createVscodeStandin({ workspaceFolder: dir });
  // The files the applied edit left unsaved, and the ones saved.
  const saved = [];
  standin.vscode.workspace.openTextDocument = (uri) =>
    Promise.resolve({ uri, isDirty: true, save: () => (saved.push(uri.toString()), Promise.resolve(true)) });
  standin.vscode.workspace.asRelativePath = (uri) => uri.toString().replace("file:///ws/", "");
  const { extension } = loadBundle(t, standin);
  const context = fakeContext();
  const api = await extension.activate(context);
  defer(t, () => shutdown(extension, context));
  await api.settled();

  const run = standin.recorded.commandHandlers.get("scholia.exportToTei");
  assert.ok(run, `scholia.exportToTei registered (${standin.recorded.registeredCommands.join(", ")})`);

  // No .scholia editor: a message, no request.
  assert.equal(await run(), undefined);
  assert.ok(standin.recorded.infoMessages.some((m) => /Open a \.scholia document/.test(m.message)));
  assert.equal(readLog(log).filter((e) => e.method === "workspace/executeCommand").length, 0);

  standin.vscode.window.activeTextEditor = { document: { uri: standin.vscode.Uri.file("/ws/a.scholia"), languageId: "scholia" } };
  assert.deepEqual(await run(), files);
  const sent = readLog(log).filter((e) => e.method === "workspace/executeCommand");
  assert.equal(sent.length, 1);
  assert.deepEqual(sent[0].params, { command: "scholia.exportTei", arguments: ["file:///ws/a.scholia"] });
  assert.deepEqual(saved, files);
  assert.ok(standin.recorded.infoMessages.some((m) => m.message === "Scholia: exported to export/a.xml (and register.xml)."));
});
