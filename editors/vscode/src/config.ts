import type { WorkspaceConfiguration } from "vscode";
import { LINT_CODES, SEVERITIES, type LintCode, type Severity } from "./constants";

export interface ServerSettings {
  /** `scholia.server.path` as the user wrote it. */
  path: string;
  /**
   * `scholia.server.path` when the user set it (user, workspace or folder
   * settings), else undefined: then the bundled server, else PATH, is used.
   */
  explicitPath: string | undefined;
  /** `scholia.server.extraArgs`, passed after `lsp`. */
  extraArgs: string[];
}

/** Reads `scholia.server.*` from the `scholia` configuration section. */
export function readServerSettings(config: WorkspaceConfiguration): ServerSettings {
  const configuredPath = config.get<unknown>("server.path");
  const extraArgs = config.get<unknown>("server.extraArgs");
  const path = typeof configuredPath === "string" && configuredPath.trim() !== "" ? configuredPath.trim() : "scholia";
  // `get` already leaves out a workspace value that an untrusted workspace
  // may not set; `inspect` tells whether the value is the user's or the default.
  const inspected = config.inspect<unknown>("server.path");
  const userSet = [inspected?.globalValue, inspected?.workspaceValue, inspected?.workspaceFolderValue].some(
    (v) => typeof v === "string" && v.trim() !== "",
  );
  return {
    path,
    explicitPath: userSet ? path : undefined,
    extraArgs: Array.isArray(extraArgs) ? extraArgs.filter((a): a is string => typeof a === "string") : [],
  };
}

export interface LintSettings {
  /** code → severity, for every `scholia.lint.<code>` the user has set. */
  lint: Partial<Record<LintCode, Severity>>;
  /** Settings whose value is not a severity, as `code=value` (they are left out of `lint`). */
  invalid: string[];
}

/**
 * The `scholia.lint.<code>` values the user has set (in user, workspace or
 * folder settings; the most specific wins). Defaults are deliberately left out:
 * the server has its own (SPEC §5), and a value sent here only applies where
 * the workspace's scholia.toml has no [lint] entry for that code.
 */
export function readLintSettings(config: WorkspaceConfiguration): LintSettings {
  const lint: Partial<Record<LintCode, Severity>> = {};
  const invalid: string[] = [];
  for (const code of LINT_CODES) {
    const inspected = config.inspect<unknown>(`lint.${code}`);
    if (inspected === undefined) {
      continue;
    }
    const value = inspected.workspaceFolderValue ?? inspected.workspaceValue ?? inspected.globalValue;
    if (value === undefined || value === null) {
      continue;
    }
    if (typeof value === "string" && (SEVERITIES as readonly string[]).includes(value)) {
      lint[code] = value as Severity;
    } else {
      invalid.push(`${code}=${JSON.stringify(value)}`);
    }
  }
  return { lint, invalid };
}

/** What the extension sends as `initializationOptions` in the LSP `initialize` request. */
export interface InitializationOptions {
  lint: Partial<Record<LintCode, Severity>>;
}
