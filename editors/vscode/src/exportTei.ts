import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";

/** The server's command (advertised in its executeCommandProvider). */
export const EXPORT_TEI = "scholia.exportTei";

/**
 * "Scholia: Export to TEI": the server's `scholia.exportTei` for the current
 * document. The server sends a workspace edit that creates (or replaces) the
 * document's `.xml` and `register.xml` in the workspace's export folder
 * (`[export] dir` of scholia.toml, default `export/`) and fills them with the
 * text `scholia export --format tei` writes, from the text the editor holds
 * now; the language client applies it before the server answers. The files
 * are then saved, so that they are on disk like the CLI's. Returns the URIs
 * of the files written (for the tests), or undefined.
 */
export function registerExportTei(
  context: vscode.ExtensionContext,
  client: () => LanguageClient | undefined,
): void {
  context.subscriptions.push(
    vscode.commands.registerCommand("scholia.exportToTei", () => exportTei(client())),
  );
}

async function exportTei(c: LanguageClient | undefined): Promise<string[] | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== "scholia") {
    void vscode.window.showInformationMessage("Open a .scholia document to export it to TEI.");
    return undefined;
  }
  if (!c) {
    void vscode.window.showErrorMessage("Scholia: the language server is not running.");
    return undefined;
  }
  let files: string[];
  try {
    const result = (await c.sendRequest("workspace/executeCommand", {
      command: EXPORT_TEI,
      arguments: [c.code2ProtocolConverter.asUri(editor.document.uri)],
    })) as { applied?: boolean; files?: unknown } | null;
    files = Array.isArray(result?.files) ? result.files.filter((f): f is string => typeof f === "string") : [];
  } catch (e) {
    const message = (e as { message?: unknown } | null)?.message;
    void vscode.window.showErrorMessage(`Scholia: Export to TEI failed: ${typeof message === "string" ? message : String(e)}`);
    return undefined;
  }
  // The edit is applied (the server waited for it); the files are open,
  // unsaved: save them.
  for (const file of files) {
    const document = await vscode.workspace.openTextDocument(c.protocol2CodeConverter.asUri(file));
    if (document.isDirty) {
      await document.save();
    }
  }
  if (files.length > 0) {
    const shown = vscode.workspace.asRelativePath(c.protocol2CodeConverter.asUri(files[0]));
    void vscode.window.showInformationMessage(`Scholia: exported to ${shown} (and register.xml).`);
  }
  return files;
}
