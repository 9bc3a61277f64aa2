import * as vscode from "vscode";

/**
 * The command of the server's "mentioned in N documents" code lens on a
 * registry entry: `scholia.showReferences` with the registry file's URI and
 * the position of the entry's id (LSP, 0-based). It is the client's to run
 * (the server does not list it in executeCommandProvider): VS Code's own
 * "Find All References" at that position, which asks the server for the
 * references and shows them in the peek view.
 */
export const SHOW_REFERENCES = "scholia.showReferences";

export function registerShowReferences(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(SHOW_REFERENCES, async (uri: unknown, position: unknown) => {
      const at = lspPosition(position);
      if (typeof uri !== "string" || at === undefined) {
        return;
      }
      await vscode.commands.executeCommand(
        "editor.action.findReferences",
        vscode.Uri.parse(uri),
        new vscode.Position(at.line, at.character),
      );
    }),
  );
}

/** An LSP position from a command argument, or undefined for anything else. */
function lspPosition(value: unknown): { line: number; character: number } | undefined {
  if (typeof value !== "object" || value === null) {
    return undefined;
  }
  const { line, character } = value as { line?: unknown; character?: unknown };
  return typeof line === "number" && typeof character === "number" ? { line, character } : undefined;
}
