import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export interface LookupOptions {
  /** The first workspace folder: `${workspaceFolder}` and relative paths resolve against it. */
  workspaceFolder?: string;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
}

/** Expands `~`, `${userHome}` and `${workspaceFolder}` in a configured path. */
export function expandPath(configured: string, workspaceFolder?: string): string {
  let p = configured.trim();
  const home = os.homedir();
  if (p === "~" || p.startsWith("~/") || p.startsWith("~\\")) {
    p = home + p.slice(1);
  }
  p = p.replace(/\$\{userHome\}/g, home);
  if (workspaceFolder !== undefined) {
    p = p.replace(/\$\{workspaceFolder\}/g, workspaceFolder);
  }
  return p;
}

/** True when `configured` names a file by path rather than a command to look up on PATH. */
export function isPathLike(configured: string, platform: NodeJS.Platform = process.platform): boolean {
  return configured.includes("/") || (platform === "win32" && configured.includes("\\"));
}

/**
 * Finds the executable that `configured` (the `scholia.server.path` setting)
 * names, the way a shell would: a bare name is looked up on PATH (with PATHEXT
 * on Windows), a path is taken relative to the workspace folder. Returns its
 * absolute path, or undefined when there is no such executable file.
 */
export function findExecutable(configured: string, options: LookupOptions = {}): string | undefined {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const windows = platform === "win32";
  const expanded = expandPath(configured, options.workspaceFolder);
  if (expanded === "") {
    return undefined;
  }
  const extensions = windows
    ? ["", ...(env.PATHEXT ?? ".COM;.EXE;.BAT;.CMD").split(";").filter((e) => e !== "")]
    : [""];

  if (isPathLike(expanded, platform) || path.isAbsolute(expanded)) {
    const base = options.workspaceFolder ?? process.cwd();
    const absolute = path.resolve(base, expanded);
    return firstExecutable(extensions.map((ext) => absolute + ext), windows);
  }

  const searchPath = env.PATH ?? env.Path ?? "";
  for (const dir of searchPath.split(path.delimiter)) {
    if (dir === "") {
      continue;
    }
    const hit = firstExecutable(
      extensions.map((ext) => path.join(dir, expanded + ext)),
      windows,
    );
    if (hit !== undefined) {
      return hit;
    }
  }
  return undefined;
}

function firstExecutable(candidates: string[], windows: boolean): string | undefined {
  return candidates.find((candidate) => isExecutableFile(candidate, windows));
}

function isExecutableFile(file: string, windows: boolean): boolean {
  try {
    if (!fs.statSync(file).isFile()) {
      return false;
    }
    if (!windows) {
      fs.accessSync(file, fs.constants.X_OK);
    }
    return true;
  } catch {
    return false;
  }
}

/** Where the server binary came from. */
export type ServerSource = "setting" | "bundled" | "path";

export interface ServerChoice {
  /** The executable to run, or undefined when there is none. */
  command: string | undefined;
  /** Which rule chose it (for a missing binary: the last rule tried). */
  source: ServerSource;
  /** What was looked for: the setting's value, or "scholia" on PATH. */
  configured: string;
}

export interface ResolveOptions extends LookupOptions {
  /** `scholia.server.path` when the user set it (at any level), else undefined. */
  configured?: string;
  /** The extension's folder; a platform .vsix carries the server as `server/scholia` in it. */
  extensionPath?: string;
}

/** The name of the server binary on `platform`. */
export function serverBinaryName(platform: NodeJS.Platform = process.platform): string {
  return platform === "win32" ? "scholia.exe" : "scholia";
}

/** The path of the server binary that a platform .vsix carries. */
export function bundledServerPath(extensionPath: string, platform: NodeJS.Platform = process.platform): string {
  return path.join(extensionPath, "server", serverBinaryName(platform));
}

/**
 * Chooses the server binary, in this order:
 *   1. `scholia.server.path`, when the user set it: that and nothing else
 *      (a setting that names nothing is reported, never silently replaced);
 *   2. the binary bundled in a platform .vsix (`server/scholia`);
 *   3. `scholia` on PATH.
 * A bundled file that lost its executable bit in unpacking gets it back.
 */
export function resolveServer(options: ResolveOptions = {}): ServerChoice {
  const platform = options.platform ?? process.platform;
  if (options.configured !== undefined && options.configured.trim() !== "") {
    const configured = options.configured.trim();
    return { command: findExecutable(configured, options), source: "setting", configured };
  }
  if (options.extensionPath !== undefined) {
    const bundled = bundledServerPath(options.extensionPath, platform);
    const windows = platform === "win32";
    if (!isExecutableFile(bundled, windows) && isFile(bundled)) {
      try {
        fs.chmodSync(bundled, 0o755);
      } catch {
        // A read-only install: fall through to PATH.
      }
    }
    if (isExecutableFile(bundled, windows)) {
      return { command: bundled, source: "bundled", configured: "scholia" };
    }
  }
  const name = "scholia";
  return { command: findExecutable(name, options), source: "path", configured: name };
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
