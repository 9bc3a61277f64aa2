import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";

/**
 * "Scholia: Open Preview": the reading-edition page of the current document
 * in a webview beside the editor, as the site export renders it (the server's
 * `scholia.preview` command renders the text the editor holds), updated as
 * the user types. The page has no script and its own Content-Security-Policy
 * (style only); the webview runs no script either.
 */
export function registerPreview(
  context: vscode.ExtensionContext,
  client: () => LanguageClient | undefined,
): void {
  const panels = new Map<string, vscode.WebviewPanel>();
  const timers = new Map<string, NodeJS.Timeout>();

  const render = async (uri: vscode.Uri, panel: vscode.WebviewPanel) => {
    const c = client();
    if (!c) {
      panel.webview.html = message("The scholia server is not running.");
      return;
    }
    try {
      const result = (await c.sendRequest("workspace/executeCommand", {
        command: "scholia.preview",
        arguments: [c.code2ProtocolConverter.asUri(uri)],
      })) as { html?: string } | null;
      panel.webview.html = result?.html ?? message("No preview for this document.");
    } catch (e) {
      panel.webview.html = message(`The preview failed: ${String(e)}`);
    }
  };

  context.subscriptions.push(
    vscode.commands.registerCommand("scholia.openPreview", async () => {
      const editor = vscode.window.activeTextEditor;
      if (!editor || editor.document.languageId !== "scholia") {
        void vscode.window.showInformationMessage("Open a .scholia document to preview it.");
        return;
      }
      const uri = editor.document.uri;
      const key = uri.toString();
      let panel = panels.get(key);
      if (panel) {
        panel.reveal(vscode.ViewColumn.Beside, true);
      } else {
        panel = vscode.window.createWebviewPanel(
          "scholia.preview",
          `Preview ${uri.path.split("/").pop()}`,
          { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
          { enableScripts: false, localResourceRoots: [] },
        );
        panels.set(key, panel);
        panel.onDidDispose(() => panels.delete(key));
      }
      await render(uri, panel);
    }),
    vscode.workspace.onDidChangeTextDocument((event) => {
      const key = event.document.uri.toString();
      const panel = panels.get(key);
      if (!panel) return;
      // After the client has sent the change (it batches them briefly).
      clearTimeout(timers.get(key));
      timers.set(key, setTimeout(() => void render(event.document.uri, panel), 250));
    }),
  );
}

function message(text: string): string {
  const escaped = text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'"></head><body><p>${escaped}</p></body></html>`;
}
