// A small stand-in for the `vscode` module, for loading the bundled extension
// (dist/extension.js) in plain Node.
//
// It exists to check OUR code: what the extension hands to the language client
// and what it shows the user. It is not VS Code: it implements only what the
// extension and the bundled vscode-languageclient touch while starting and
// stopping, records the calls, and otherwise does nothing. The tests assert on
// values that come from the extension (or from the test's own settings), never
// on values this file makes up. Setting defaults come from package.json, as in
// VS Code.
"use strict";

const fs = require("fs");
const path = require("path");

const packageJson = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8"));
const settingDefaults = Object.fromEntries(
  Object.entries(packageJson.contributes.configuration.properties).map(([key, schema]) => [key, schema.default]),
);

class Disposable {
  constructor(callOnDispose) {
    this._callOnDispose = callOnDispose;
  }
  static from(...disposables) {
    return new Disposable(() => disposables.forEach((d) => d && d.dispose && d.dispose()));
  }
  dispose() {
    if (this._callOnDispose) {
      this._callOnDispose();
      this._callOnDispose = undefined;
    }
  }
}

class EventEmitter {
  constructor() {
    this._listeners = new Set();
    this.event = (listener, thisArg, disposables) => {
      const bound = thisArg ? listener.bind(thisArg) : listener;
      this._listeners.add(bound);
      const d = new Disposable(() => this._listeners.delete(bound));
      if (Array.isArray(disposables)) disposables.push(d);
      return d;
    };
  }
  fire(value) {
    for (const l of [...this._listeners]) l(value);
  }
  dispose() {
    this._listeners.clear();
  }
}

/** An event nobody fires: the stand-in has no editor, documents or files. */
function quietEvent() {
  return new EventEmitter().event;
}

class Uri {
  constructor(scheme, value) {
    this.scheme = scheme;
    this._value = value;
    this.fsPath = scheme === "file" ? value : value;
    this.path = value;
  }
  static parse(value) {
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value);
    return new Uri(scheme ? scheme[1] : "file", value);
  }
  static file(fsPath) {
    return new Uri("file", fsPath);
  }
  toString() {
    return this.scheme === "file" && !this._value.startsWith("file:") ? `file://${this._value}` : this._value;
  }
  with() {
    return this;
  }
}

/** Plain classes: the bundled client subclasses some of them when it loads. */
function plainClass(name) {
  return {
    [name]: class {
      constructor(...args) {
        this.args = args;
      }
    },
  }[name];
}

/** Enums the client reads members of; the values do not matter here. */
function anyEnum(name) {
  return new Proxy({}, { get: (_t, key) => (typeof key === "string" ? `${name}.${key}` : undefined) });
}

class CancellationTokenSource {
  constructor() {
    const emitter = new EventEmitter();
    this.token = { isCancellationRequested: false, onCancellationRequested: emitter.event };
    this._emitter = emitter;
  }
  cancel() {
    this.token.isCancellationRequested = true;
    this._emitter.fire();
  }
  dispose() {}
}

class RelativePattern {
  constructor(base, pattern) {
    this.base = base;
    this.pattern = pattern;
  }
}

/**
 * @param {object} options
 * @param {Record<string, unknown>} [options.userSettings] settings the user has set, keyed like "scholia.lint.uncited-note"
 * @param {string} [options.workspaceFolder] the path of the one workspace folder
 * @param {(message: string, items: string[]) => string | undefined} [options.onErrorMessage] which button the "user" clicks
 */
function createVscodeStandin(options = {}) {
  const userSettings = { ...(options.userSettings || {}) };
  const recorded = {
    errorMessages: [],
    warningMessages: [],
    infoMessages: [],
    openedExternal: [],
    executedCommands: [],
    registeredCommands: [],
    commandHandlers: new Map(),
    openedDocuments: [],
    watchers: [],
    providers: [],
    unknownAccess: new Set(),
  };
  const configurationEmitter = new EventEmitter();

  function getConfiguration(section) {
    const full = (key) => (section ? `${section}.${key}` : key);
    return {
      get(key, defaultValue) {
        const k = full(key);
        if (Object.prototype.hasOwnProperty.call(userSettings, k)) return userSettings[k];
        if (Object.prototype.hasOwnProperty.call(settingDefaults, k)) return settingDefaults[k];
        return defaultValue;
      },
      has(key) {
        const k = full(key);
        return k in userSettings || k in settingDefaults;
      },
      inspect(key) {
        const k = full(key);
        return {
          key: k,
          defaultValue: settingDefaults[k],
          globalValue: userSettings[k],
          workspaceValue: undefined,
          workspaceFolderValue: undefined,
        };
      },
      update() {
        return Promise.resolve();
      },
    };
  }

  function message(kind) {
    return (text, ...rest) => {
      const items = rest.filter((x) => typeof x === "string");
      recorded[kind].push({ message: text, items });
      const choice = kind === "errorMessages" && options.onErrorMessage ? options.onErrorMessage(text, items) : undefined;
      return Promise.resolve(choice);
    };
  }

  function outputChannel(name) {
    const lines = [];
    return {
      name,
      lines,
      append: (s) => lines.push(String(s)),
      appendLine: (s) => lines.push(String(s)),
      replace: () => {},
      clear: () => {},
      show: () => {},
      hide: () => {},
      dispose: () => {},
    };
  }

  function registerProvider(kind) {
    return (selector) => {
      recorded.providers.push({ kind, selector });
      return new Disposable(() => {});
    };
  }

  const workspaceFolders = options.workspaceFolder
    ? [{ uri: Uri.file(options.workspaceFolder), name: path.basename(options.workspaceFolder), index: 0 }]
    : undefined;

  const workspace = {
    workspaceFolders,
    textDocuments: [],
    isTrusted: true,
    getConfiguration,
    getWorkspaceFolder: () => (workspaceFolders ? workspaceFolders[0] : undefined),
    openTextDocument(options) {
      recorded.openedDocuments.push(options);
      return Promise.resolve({ uri: Uri.parse(`untitled:Untitled-${recorded.openedDocuments.length}`), ...options });
    },
    createFileSystemWatcher(glob) {
      const watcher = {
        glob,
        disposed: false,
        onDidCreate: quietEvent(),
        onDidChange: quietEvent(),
        onDidDelete: quietEvent(),
        dispose() {
          watcher.disposed = true;
        },
      };
      recorded.watchers.push(watcher);
      return watcher;
    },
    onDidChangeConfiguration: configurationEmitter.event,
    onDidGrantWorkspaceTrust: quietEvent(),
    onDidOpenTextDocument: quietEvent(),
    onDidChangeTextDocument: quietEvent(),
    onDidCloseTextDocument: quietEvent(),
    onDidSaveTextDocument: quietEvent(),
    onWillSaveTextDocument: quietEvent(),
    onDidChangeWorkspaceFolders: quietEvent(),
    onDidCreateFiles: quietEvent(),
    onDidRenameFiles: quietEvent(),
    onDidDeleteFiles: quietEvent(),
    onWillCreateFiles: quietEvent(),
    onWillRenameFiles: quietEvent(),
    onWillDeleteFiles: quietEvent(),
    onDidOpenNotebookDocument: quietEvent(),
    onDidChangeNotebookDocument: quietEvent(),
    onDidSaveNotebookDocument: quietEvent(),
    onDidCloseNotebookDocument: quietEvent(),
    notebookDocuments: [],
  };

  const window = {
    createOutputChannel: (name) => outputChannel(name),
    showErrorMessage: message("errorMessages"),
    showWarningMessage: message("warningMessages"),
    showInformationMessage: message("infoMessages"),
    activeTextEditor: undefined,
    visibleTextEditors: [],
    onDidChangeActiveTextEditor: quietEvent(),
    onDidChangeVisibleTextEditors: quietEvent(),
    tabGroups: { all: [], onDidChangeTabs: quietEvent(), onDidChangeTabGroups: quietEvent() },
    withProgress: (_opts, task) => task({ report() {} }, new CancellationTokenSource().token),
  };

  const languages = {
    match: () => 0,
    createDiagnosticCollection: (name) => ({
      name,
      set() {},
      delete() {},
      clear() {},
      forEach() {},
      get() {
        return undefined;
      },
      has() {
        return false;
      },
      dispose() {},
    }),
    onDidChangeDiagnostics: quietEvent(),
  };
  for (const kind of [
    "registerHoverProvider",
    "registerDefinitionProvider",
    "registerReferenceProvider",
    "registerRenameProvider",
    "registerCompletionItemProvider",
    "registerCodeActionsProvider",
    "registerDocumentSymbolProvider",
    "registerWorkspaceSymbolProvider",
    "registerDocumentSemanticTokensProvider",
    "registerDocumentRangeSemanticTokensProvider",
    "registerFoldingRangeProvider",
  ]) {
    languages[kind] = registerProvider(kind);
  }

  const commands = {
    registerCommand(id, handler) {
      recorded.registeredCommands.push(id);
      recorded.commandHandlers.set(id, handler);
      return new Disposable(() => {});
    },
    executeCommand(id, ...args) {
      recorded.executedCommands.push({ id, args });
      return Promise.resolve(undefined);
    },
  };

  const env = {
    appName: "vscode-standin",
    language: "en",
    machineId: "standin",
    sessionId: "standin",
    uiKind: 1,
    openExternal(uri) {
      recorded.openedExternal.push(uri);
      return Promise.resolve(true);
    },
  };

  const api = {
    version: "1.82.0",
    Disposable,
    EventEmitter,
    Uri,
    CancellationTokenSource,
    RelativePattern,
    CancellationError: class CancellationError extends Error {},
    workspace,
    window,
    languages,
    commands,
    env,
  };
  for (const name of [
    "CallHierarchyIncomingCall",
    "CallHierarchyItem",
    "CallHierarchyOutgoingCall",
    "CodeAction",
    "CodeLens",
    "Color",
    "ColorInformation",
    "ColorPresentation",
    "CompletionItem",
    "CompletionList",
    "Diagnostic",
    "DiagnosticRelatedInformation",
    "DocumentHighlight",
    "DocumentLink",
    "DocumentSymbol",
    "FoldingRange",
    "Hover",
    "InlayHint",
    "InlayHintLabelPart",
    "InlineCompletionItem",
    "InlineCompletionList",
    "InlineValueEvaluatableExpression",
    "InlineValueText",
    "InlineValueVariableLookup",
    "LinkedEditingRanges",
    "Location",
    "MarkdownString",
    "ParameterInformation",
    "Position",
    "Range",
    "SelectionRange",
    "SemanticTokens",
    "SemanticTokensEdit",
    "SemanticTokensEdits",
    "SignatureHelp",
    "SignatureInformation",
    "SnippetString",
    "SymbolInformation",
    "TabInputCustom",
    "TabInputText",
    "TabInputTextDiff",
    "TextEdit",
    "TypeHierarchyItem",
    "WorkspaceEdit",
  ]) {
    api[name] = plainClass(name);
  }
  for (const name of [
    "CodeActionKind",
    "CodeActionTriggerKind",
    "CompletionItemKind",
    "CompletionItemTag",
    "CompletionTriggerKind",
    "DiagnosticSeverity",
    "DiagnosticTag",
    "DocumentHighlightKind",
    "FileType",
    "FoldingRangeKind",
    "NotebookCellKind",
    "ProgressLocation",
    "SignatureHelpTriggerKind",
    "SymbolKind",
    "SymbolTag",
    "TextDocumentSaveReason",
  ]) {
    api[name] = anyEnum(name);
  }

  // Anything else the code under test reaches for is recorded, so that a test
  // can show what the stand-in lacks instead of failing obscurely.
  const guard = (target, label) =>
    new Proxy(target, {
      get(t, key) {
        if (typeof key === "string" && !(key in t) && key !== "then" && key !== "__esModule") recorded.unknownAccess.add(`${label}${key}`);
        return t[key];
      },
    });
  const vscode = guard(
    {
      ...api,
      workspace: guard(workspace, "workspace."),
      window: guard(window, "window."),
      languages: guard(languages, "languages."),
      commands: guard(commands, "commands."),
      env: guard(env, "env."),
    },
    "vscode.",
  );

  return {
    vscode,
    recorded,
    userSettings,
    /** As VS Code does when settings change: fires onDidChangeConfiguration. */
    changeSettings(changes) {
      Object.assign(userSettings, changes);
      const keys = Object.keys(changes);
      configurationEmitter.fire({
        affectsConfiguration: (section) => keys.some((k) => k === section || k.startsWith(`${section}.`)),
      });
    },
  };
}

module.exports = { createVscodeStandin };
