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
