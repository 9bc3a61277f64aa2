import * as vscode from "vscode";
import {
  LanguageClient,
  RevealOutputChannelOn,
  type LanguageClientOptions,
  type ServerOptions,
} from "vscode-languageclient/node";
import { readLintSettings, readServerSettings, type InitializationOptions } from "./config";
import * as fs from "fs";
import * as path from "path";
import { CONFIG_SECTION, INSTALL_DOCS, LANGUAGE_ID } from "./constants";
import { registerExportTei } from "./exportTei";
import { registerPreview } from "./preview";
import { registerShowReferences } from "./references";
import { isPathLike, resolveServer } from "./serverPath";

export { INSTALL_DOCS } from "./constants";

/** The buttons of the "server not found" message. */
export const INSTALL_BUTTON = "Install instructions";
export const SETTINGS_BUTTON = "Open settings";

/**
 * Files the client watches itself and reports to the server with
 * `workspace/didChangeWatchedFiles`. Registry and bibliography files are named
 * by globs in each workspace's scholia.toml, which only the server reads: the
 * server registers watchers for them dynamically (`client/registerCapability`
 * for `workspace/didChangeWatchedFiles`, which this client supports).
 */
export const STATIC_WATCH_GLOBS = ["**/*.scholia", "**/scholia.toml"] as const;

/** What `activate` returns (the extension's API, also used by the tests). */
export interface ScholiaExtensionApi {
  /** The running client, if any. */
  readonly client: LanguageClient | undefined;
  /** Restarts the server, re-reading the settings. */
  restart(): Promise<void>;
  /** Settles when the last (re)start or the last "not found" message has been handled. */
  settled(): Promise<void>;
}

interface Running {
  client: LanguageClient;
  disposables: vscode.Disposable[];
}

let running: Running | undefined;
/** The extension's folder, where a platform .vsix keeps `server/scholia`. */
let extensionPath: string | undefined;
let output: vscode.OutputChannel | undefined;
/** Starts and stops run one after the other, in the order they were asked for. */
let lifecycle: Promise<void> = Promise.resolve();
/** The pending "not found" or "could not start" message, for `settled()`. */
let notice: Promise<void> = Promise.resolve();

export async function activate(context: vscode.ExtensionContext): Promise<ScholiaExtensionApi> {
  output = vscode.window.createOutputChannel("Scholia");
  context.subscriptions.push(output);
  extensionPath = context.extensionPath;

  context.subscriptions.push(
    vscode.commands.registerCommand("scholia.restartServer", () => restart()),
    vscode.commands.registerCommand("scholia.showOutput", () => output?.show(true)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (
        event.affectsConfiguration(`${CONFIG_SECTION}.server`) ||
        event.affectsConfiguration(`${CONFIG_SECTION}.lint`)
      ) {
        void restart();
      }
    }),
  );
  registerPreview(context, () => running?.client);
  registerExportTei(context, () => running?.client);
  registerShowReferences(context);
  // In an untrusted workspace the server path comes from user settings only
  // (package.json: restrictedConfigurations); trust may change which binary to run.
  if (typeof vscode.workspace.onDidGrantWorkspaceTrust === "function") {
    context.subscriptions.push(vscode.workspace.onDidGrantWorkspaceTrust(() => void restart()));
  }

  await enqueue(startClient);

  return {
    get client() {
      return running?.client;
    },
    restart,
    settled: async () => {
      await lifecycle;
      await notice;
    },
  };
}

export async function deactivate(): Promise<void> {
  await enqueue(stopClient);
}

function restart(): Promise<void> {
  return enqueue(async () => {
    await stopClient();
    await startClient();
  });
}

function enqueue(step: () => Promise<void>): Promise<void> {
  lifecycle = lifecycle.then(step, step);
  return lifecycle;
}

function log(line: string): void {
  output?.appendLine(line);
}

async function startClient(): Promise<void> {
  const config = vscode.workspace.getConfiguration(CONFIG_SECTION);
  const server = readServerSettings(config);
  const workspaceFolder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;

  // The setting if the user set it, else the server bundled in a platform
  // .vsix, else `scholia` on PATH. Checked up front, so that a missing binary
  // gets one clear message instead of the client's generic "couldn't create
  // connection to server".
  const choice = resolveServer({ configured: server.explicitPath, extensionPath, workspaceFolder });
  const command = choice.command;
  if (command === undefined) {
    log(
      choice.source === "setting"
        ? `scholia.server.path = ${JSON.stringify(choice.configured)}: no such executable.`
        : `No server bundled with the extension and no ${JSON.stringify(choice.configured)} on PATH.`,
    );
    showNotice(reportMissingServer(choice.configured));
    return;
  }

  const { lint, invalid } = readLintSettings(config);
  if (invalid.length > 0) {
    log(`Ignoring scholia.lint settings that are not off|hint|info|warning|error: ${invalid.join(", ")}`);
  }
  const initializationOptions: InitializationOptions = { lint };

  const args = ["lsp", ...server.extraArgs];
  // No `transport`: with one, the client would append `--stdio` to the arguments.
  const serverOptions: ServerOptions = { command, args };

  const watchers = STATIC_WATCH_GLOBS.map((glob) => vscode.workspace.createFileSystemWatcher(glob));
  const clientOptions: LanguageClientOptions = {
    // TOML files too, by name (VS Code has no TOML language of its own):
    // the registry files get the merge fix of duplicate-authority and the
    // "mentioned in N documents" lenses, and the server sees their unsaved
    // text. It answers nothing for a TOML file that is no registry.
    documentSelector: [
      { scheme: "file", language: LANGUAGE_ID },
      { scheme: "file", pattern: "**/*.toml" },
    ],
    initializationOptions,
    synchronize: { fileEvents: watchers },
    outputChannel: output,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    middleware: {
      // The server's translation report (run by the "Compare with the
      // original" code lens) is shown, not dropped.
      executeCommand: async (name, commandArgs, next) => {
        const result = await next(name, commandArgs);
        if (name === TRANSLATION_REPORT) {
          await showTranslationReport(result);
        }
        return result;
      },
    },
  };

  const from = { setting: "scholia.server.path", bundled: "bundled with the extension", path: "found on PATH" }[choice.source];
  log(`Starting ${command} ${args.join(" ")} (${from})`);
  const client = new LanguageClient("scholia", "Scholia", serverOptions, clientOptions);
  running = { client, disposables: watchers };
  try {
    await client.start();
  } catch (error) {
    running = undefined;
    watchers.forEach((w) => w.dispose());
    await disposeQuietly(client);
    const message = describe(error);
    log(`The server did not start: ${message}`);
    if (/\bENOENT\b/.test(message)) {
      // The file was there when we looked but could not be run (removed since,
      // or a script whose interpreter is missing).
      showNotice(reportMissingServer(choice.configured, command));
    } else {
      showNotice(reportStartFailure(message));
    }
  }
}

async function stopClient(): Promise<void> {
  const current = running;
  running = undefined;
  if (current === undefined) {
    return;
  }
  current.disposables.forEach((d) => d.dispose());
  if (current.client.isRunning()) {
    try {
      await current.client.stop();
    } catch (error) {
      log(`Stopping the server: ${describe(error)}`);
    }
  }
  await disposeQuietly(current.client);
}

async function disposeQuietly(client: LanguageClient): Promise<void> {
  try {
    await client.dispose();
  } catch {
    // A client that never started cannot be stopped; nothing is left to clean up.
  }
}

function showNotice(shown: Promise<void>): void {
  notice = shown.catch((error) => log(`Showing a message: ${describe(error)}`));
}

/**
 * Tells the user that the `scholia` binary is missing, with a button that
 * opens the install instructions and one that opens the setting.
 */
async function reportMissingServer(configured: string, resolved?: string): Promise<void> {
  const where =
    resolved !== undefined
      ? `"${resolved}" could not be run`
      : isPathLike(configured)
        ? `"${configured}" does not exist or is not executable`
        : `"${configured}" was not found on PATH`;
  const message =
    `Scholia: the language server binary ${where}. ` +
    `Install scholia, or set "scholia.server.path" to the scholia binary.`;
  const choice = await vscode.window.showErrorMessage(message, INSTALL_BUTTON, SETTINGS_BUTTON);
  if (choice === INSTALL_BUTTON) {
    await openInstallInstructions();
  } else if (choice === SETTINGS_BUTTON) {
    await vscode.commands.executeCommand("workbench.action.openSettings", "scholia.server.path");
  }
}

/** The server command that compares a translation with its original. */
export const TRANSLATION_REPORT = "scholia.translationReport";

/**
 * Shows the server's translation report (its `markdown` rendering) in the
 * Markdown preview beside the editor; a document that translates nothing gets
 * a short message.
 */
async function showTranslationReport(result: unknown): Promise<void> {
  const markdown = (result as { markdown?: unknown } | null | undefined)?.markdown;
  if (typeof markdown !== "string") {
    await vscode.window.showInformationMessage(
      "Scholia: this document is no translation (no `translation-of` in its front matter), or it cannot be read.",
    );
    return;
  }
  const document = await vscode.workspace.openTextDocument({ language: "markdown", content: markdown });
  await vscode.commands.executeCommand("markdown.showPreviewToSide", document.uri);
}

/** Opens the extension's README (its Install section) in the Markdown preview. */
async function openInstallInstructions(): Promise<void> {
  const readme = INSTALL_DOCS.map((name) => (extensionPath ? path.join(extensionPath, name) : ""))
    .find((file) => file !== "" && fs.existsSync(file));
  if (readme === undefined) {
    log(`No README in ${extensionPath ?? "(unknown extension folder)"}: see "Install" in editors/vscode/README.md.`);
    return;
  }
  await vscode.commands.executeCommand("markdown.showPreview", vscode.Uri.file(readme));
}

async function reportStartFailure(message: string): Promise<void> {
  const choice = await vscode.window.showErrorMessage(
    `Scholia: the language server did not start: ${message}`,
    "Show output",
  );
  if (choice !== undefined) {
    output?.show(true);
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    return error.message;
  }
  return String(error);
}
