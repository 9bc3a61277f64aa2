// End-to-end test: the platform package (scholia-<platform>-<arch>-<version>.vsix,
// which carries the server) installed into code-server (VS Code in a browser)
// with a fresh user profile, no scholia.server.path setting and no `scholia`
// on the PATH code-server and its extension host see; a workspace opened in
// headless Chromium, and checks of what a user sees:
//   1. a .scholia file gets the "Scholia" language mode;
//   2. the bundled server's diagnostics reach the Problems panel, and a
//      hover over a mention shows the entity card;
//   3. "Scholia: Export to TEI" leaves the document's TEI and register.xml
//      in export/, the same bytes as the CLI's export.
// Usage: node e2e.js <path to the platform .vsix>. Prints "N passed, N failed".
"use strict";

const { spawn, spawnSync } = require("child_process");
const fs = require("fs");
const http = require("http");
const net = require("net");
const os = require("os");
const path = require("path");
const { chromium } = require("playwright-core");

const HERE = __dirname;
const REPO = path.resolve(HERE, "..", "..", "..");
const CODE_SERVER = path.join(HERE, "node_modules", ".bin", "code-server");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
const WORK = path.join(HERE, ".work");
const DOCUMENT = "1952-09-19-stalin-zhou-conversation.scholia";

const results = [];
function record(name, ok, detail) {
  results.push({ name, ok });
  console.log(`${ok ? "ok" : "FAILED"}: ${name}${detail ? ` — ${detail}` : ""}`);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function httpOk(url) {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => {
      res.resume();
      resolve(res.statusCode !== undefined && res.statusCode < 500);
    });
    req.on("error", () => resolve(false));
    req.setTimeout(2000, () => {
      req.destroy();
      resolve(false);
    });
  });
}

async function waitFor(what, check, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The lines matching `line` in the files under `dir` whose name matches `name`. */
function findLogLines(dir, name, line) {
  const found = [];
  const walk = (d) => {
    let entries = [];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (name.test(e.name)) {
        for (const l of fs.readFileSync(p, "utf8").split("\n")) if (line.test(l.replace(/^\S+ \S+ \[\w+\] /, ""))) found.push(l.trim());
      }
    }
  };
  walk(dir);
  return found;
}

/** PATH without any directory that holds a `scholia`: the user has installed nothing but the .vsix. */
function pathWithoutScholia(searchPath) {
  return (searchPath || "")
    .split(path.delimiter)
    .filter((dir) => dir !== "" && !fs.existsSync(path.join(dir, "scholia")))
    .join(path.delimiter);
}

/** Opens the file `name` of the workspace shown in `page` from the Explorer. */
async function openFromExplorer(page, name) {
  const item = page.locator(`.explorer-folders-view .monaco-list-row[aria-label^="${name}"]`);
  await item.waitFor({ timeout: 60000 });
  await item.dblclick();
  await page.locator(".monaco-editor .view-lines").first().waitFor({ timeout: 30000 });
}

/**
 * Semantic-token colours in a real VS Code: a second workspace whose
 * scholia.server.path is test-e2e/semantic-server.js, a stand-in server that
 * marks [[person-a]], [[place-b]], [[organization-c]] and [[unknownEntity-d]]
 * with those token types. What is checked is what VS Code draws from our
 * package.json (semanticTokenTypes/semanticTokenScopes) in its default theme:
 * four different colours, none the grammar's or plain text's.
 */
async function checkSemanticColours(page, base) {
  const workspace = path.join(WORK, "semantic-workspace");
  fs.mkdirSync(path.join(workspace, ".vscode"), { recursive: true });
  fs.writeFileSync(
    path.join(workspace, ".vscode", "settings.json"),
    JSON.stringify({ "scholia.server.path": path.join(HERE, "semantic-server.js") }, null, 2),
  );
  const kinds = { person: "person-a", place: "place-b", organization: "organization-c", unknownEntity: "unknownEntity-d" };
  fs.writeFileSync(
    path.join(workspace, "kinds.scholia"),
    `Mentions: ${Object.values(kinds).map((t) => `[[${t}]]`).join(" and ")}, and [[plain-e]] and text.\n`,
  );
  await page.goto(`${base}/?folder=${encodeURIComponent(workspace)}`, { timeout: 180000 });
  await page.locator(".monaco-workbench").waitFor({ timeout: 180000 });
  await openFromExplorer(page, "kinds.scholia");

  const colourOf = (text) =>
    page
      .locator(".monaco-editor .view-line span span", { hasText: text instanceof RegExp ? text : new RegExp(`^${text}$`) })
      .first()
      .evaluate((el) => getComputedStyle(el).color)
      .catch(() => "");
  let colours = {};
  let grammarColour = "";
  let plainColour = "";
  try {
    await waitFor(
      "semantic colours on the mentions",
      async () => {
        grammarColour = await colourOf("plain-e"); // no semantic token: the grammar's colour
        plainColour = await colourOf(/^Mentions:/);
        for (const [kind, text] of Object.entries(kinds)) colours[kind] = await colourOf(text);
        return grammarColour !== "" && Object.values(colours).every((c) => c !== "" && c !== grammarColour);
      },
      60000,
    );
  } catch {
    // reported below
  }
  const values = Object.values(colours);
  record(
    "semantic tokens: person, place, organization, unknownEntity in four colours",
    values.length === 4 &&
      new Set(values).size === 4 &&
      values.every((c) => c !== "" && c !== grammarColour && c !== plainColour),
    `${JSON.stringify(colours)}; grammar ${grammarColour}; text ${plainColour}`,
  );
  await page.screenshot({ path: path.join(WORK, "semantic-screenshot.png") });


  // Auto-closing (language-configuration.json), typed into the editor.
  const typed = {};
  const expected = { "[[": "[[]]", "[@": "[@]", "[^": "[^]", "[": "[]" };
  for (const opening of Object.keys(expected)) {
    await page.locator(".monaco-editor .view-lines").first().click();
    await page.keyboard.press("Control+End");
    await page.keyboard.press("Enter");
    await new Promise((r) => setTimeout(r, 500)); // let the new line be tokenized first
    await page.keyboard.type(opening, { delay: 50 });
    const lastLine = async () =>
      (
        await page.evaluate(() =>
          [...document.querySelectorAll(".monaco-editor .view-line")]
            .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
            .map((l) => l.textContent.replace(/\u00a0/g, " ").trim()),
        )
      )
        .filter((l) => l !== "")
        .at(-1);
    await waitFor(`${opening} to be closed`, async () => (await lastLine()) === expected[opening], 5000).catch(() => {});
    typed[opening] = await lastLine();
    if (typed[opening] !== expected[opening]) await page.screenshot({ path: path.join(WORK, "autoclose-failure.png") });
  }
  record(
    "typing [[, [@, [^ and [ closes them with ]], ], ] and ]",
    Object.entries(expected).every(([opening, line]) => typed[opening] === line),
    JSON.stringify(typed),
  );
}

async function main() {
  const vsix = path.resolve(process.argv[2] || "");
  if (!fs.existsSync(vsix)) throw new Error(`no .vsix at ${vsix}`);
  fs.rmSync(WORK, { recursive: true, force: true });
  const userData = path.join(WORK, "user-data");
  const extensions = path.join(WORK, "extensions");
  const workspace = path.join(WORK, "workspace");
  fs.mkdirSync(path.join(userData, "User"), { recursive: true });
  fs.mkdirSync(extensions, { recursive: true });
  // The example archive of the repository: documents, registry, bibliography.
  fs.cpSync(path.join(REPO, "seeds"), workspace, { recursive: true });

  // A fresh profile: only these settings, none of them scholia's.
  const settings = {
    "workbench.startupEditor": "none",
    "workbench.colorTheme": "Default Dark Modern",
    "workbench.tips.enabled": false,
    "security.workspace.trust.enabled": false,
    "telemetry.telemetryLevel": "off",
    "update.mode": "none",
    "extensions.autoCheckUpdates": false,
    "extensions.autoUpdate": false,
    "workbench.enableExperiments": false,
    "editor.hover.delay": 100,
    "git.enabled": false,
    "git.openRepositoryInParentFolders": "never",
  };
  fs.writeFileSync(path.join(userData, "User", "settings.json"), JSON.stringify(settings, null, 2));

  const common = ["--config", path.join(WORK, "config.yaml"), "--user-data-dir", userData, "--extensions-dir", extensions];
  // code-server keeps logs and a heartbeat under XDG_DATA_HOME: keep them in .work too.
  const env = {
    ...process.env,
    PATH: pathWithoutScholia(process.env.PATH),
    XDG_DATA_HOME: path.join(WORK, "xdg-data"),
    XDG_CONFIG_HOME: path.join(WORK, "xdg-config"),
  };
  delete env.SCHOLIA_BIN;
  const which = spawnSync("sh", ["-c", "command -v scholia"], { encoding: "utf8", env });
  record("no scholia on the PATH code-server runs with", which.status !== 0, which.stdout.trim() || "command -v scholia: not found");
  const install = spawnSync(CODE_SERVER, [...common, "--install-extension", vsix], { encoding: "utf8", env });
  record(
    "code-server installs the .vsix",
    install.status === 0 && fs.readdirSync(extensions).some((d) => d.startsWith("scholia.scholia-")),
    (install.stdout + install.stderr).trim().split("\n").slice(-1)[0],
  );
  const installed = fs.readdirSync(extensions).find((d) => d.startsWith("scholia.scholia-"));
  const bundled = installed ? path.join(extensions, installed, "server", "scholia") : "";
  let bundledMode = 0;
  try {
    bundledMode = fs.statSync(bundled).mode;
  } catch {
    // reported below
  }
  record(
    "the installed extension carries its server (server/scholia), executable",
    (bundledMode & 0o111) !== 0,
    `${bundled} mode ${bundledMode.toString(8)}`,
  );

  const port = await freePort();
  const codeServer = spawn(
    CODE_SERVER,
    [
      ...common,
      "--bind-addr",
      `127.0.0.1:${port}`,
      "--auth",
      "none",
      "--disable-telemetry",
      "--disable-update-check",
      "--disable-workspace-trust",
      "--disable-getting-started-override",
      workspace,
    ],
    { stdio: ["ignore", "pipe", "pipe"], detached: true, env },
  );
  const serverLog = fs.createWriteStream(path.join(WORK, "code-server.log"));
  codeServer.stdout.pipe(serverLog);
  codeServer.stderr.pipe(serverLog);

  let browser;
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitFor("code-server to listen", () => httpOk(`${base}/healthz`), 60000);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${base}/?folder=${encodeURIComponent(workspace)}`, { timeout: 180000 });
    await page.locator(".monaco-workbench").waitFor({ timeout: 180000 });

    await openFromExplorer(page, DOCUMENT);

    const mode = page.locator('[id="status.editor.mode"]');
    let modeText = "";
    try {
      await waitFor("the language mode", async () => (modeText = (await mode.innerText()).trim()) === "Scholia", 30000);
    } catch {
      // reported below
    }
    record("a .scholia file gets the Scholia language mode", modeText === "Scholia", `status bar: "${modeText}"`);

    // [[stalin|STALIN]]: the grammar gives the display text a token (a span) of its own.
    const mentionToken = page.locator(".monaco-editor .view-line span span", { hasText: /^STALIN$/ }).first();
    const plainToken = page.locator(".monaco-editor .view-line span span", { hasText: /opening\sthe\sconversation/ } /* Monaco renders spaces as U+00A0 */).first();
    let grammarColor = "";
    let plainColor = "";
    try {
      await waitFor("the grammar's tokens", async () => (await mentionToken.count()) > 0 && (await plainToken.count()) > 0, 30000);
      grammarColor = await mentionToken.evaluate((el) => getComputedStyle(el).color);
      plainColor = await plainToken.evaluate((el) => getComputedStyle(el).color);
    } catch (error) {
      console.log(`note: ${error.message.split("\n")[0]}`);
    }
    record(
      "the grammar colours a mention apart from plain text",
      grammarColor !== "" && grammarColor !== plainColor,
      `STALIN is ${grammarColor}, plain text ${plainColor}`,
    );

    {
      // Diagnostics: the seed document has one unclosed bracket (SPEC: unclosed-bracket).
      await page.keyboard.press("Control+Shift+M");
      const problems = page.locator(".markers-panel");
      let problemsText = "";
      try {
        await waitFor(
          "the unclosed-bracket diagnostic in the Problems panel",
          async () => /unclosed-bracket/.test((problemsText = await problems.innerText().catch(() => ""))),
          60000,
        );
      } catch {
        // reported below
      }
      record(
        "the server's diagnostics reach the Problems panel",
        /unclosed-bracket/.test(problemsText),
        problemsText.split("\n").filter((l) => /scholia|bracket/.test(l)).slice(0, 2).join(" | "),
      );

      // Hover over the mention [[stalin|STALIN]]: the entity card.
      let hoverText = "";
      try {
        await waitFor(
          "the hover over STALIN",
          async () => {
            await page.mouse.move(0, 0);
            await mentionToken.hover();
            const hover = page.locator(".monaco-hover:not(.hidden) .hover-contents, .monaco-hover:not(.hidden) .rendered-markdown");
            hoverText = await hover
              .first()
              .innerText({ timeout: 3000 })
              .catch(() => "");
            return /Joseph Stalin/.test(hoverText);
          },
          60000,
        );
      } catch {
        // reported below
      }
      record("a hover over a mention shows the entity card", /Joseph Stalin/.test(hoverText), hoverText.split("\n")[0]);

      // Which binary answered: the extension logs it to its output channel,
      // which VS Code also writes to a file under the profile's logs/.
      const started = findLogLines(path.join(userData, "logs"), /Scholia\.log$/, /^Starting /);
      record(
        "the server that answered is the bundled one",
        started.length > 0 && started.every((l) => l.includes(`${path.sep}server${path.sep}scholia lsp`) && l.includes("bundled with the extension")),
        started.join(" | ") || "no 'Starting' line in a Scholia output log",
      );

      const semanticColor = await mentionToken.evaluate((el) => getComputedStyle(el).color).catch(() => "");
      console.log(`note: STALIN is ${semanticColor} once the server answered (was ${grammarColor})`);
    }
    {
      // "Scholia: Export to TEI" from the command palette: the server's
      // workspace edit, applied by VS Code and saved by the extension,
      // leaves export/<document>.xml and export/register.xml on disk with
      // what the bundled server's `scholia export --format tei` writes.
      const xml = path.join(workspace, "export", DOCUMENT.replace(/\.scholia$/, ".xml"));
      const register = path.join(workspace, "export", "register.xml");
      const read = (f) => {
        try {
          return fs.readFileSync(f, "utf8");
        } catch {
          return "";
        }
      };
      try {
        await page.locator(".monaco-editor .view-lines").first().click();
        await page.keyboard.press("F1");
        await page.keyboard.type("Scholia: Export to TEI");
        await page.keyboard.press("Enter");
        await waitFor("the exported files", async () => read(xml).includes("</TEI>") && read(register).includes("</TEI>"), 60000);
      } catch (error) {
        console.log(`note: ${error.message.split("\n")[0]}`);
      }
      const cliOut = path.join(WORK, "cli-export");
      spawnSync(bundled, ["export", "--format", "tei", "--out", cliOut, path.join(workspace, DOCUMENT)], { encoding: "utf8" });
      const cliXml = read(path.join(cliOut, path.basename(xml)));
      record(
        "Scholia: Export to TEI writes export/<document>.xml and register.xml, as the CLI does",
        read(xml) !== "" && read(xml) === cliXml && read(register) === read(path.join(cliOut, "register.xml")),
        `${read(xml).length} bytes (CLI ${cliXml.length}), register ${read(register).length} bytes`,
      );
    }
    const colours = await page.evaluate(() =>
      [...document.querySelectorAll(".monaco-editor .view-line span span")]
        .slice(0, 60)
        .map((el) => `${el.textContent}=${getComputedStyle(el).color}`)
        .join(" | "),
    );
    fs.writeFileSync(path.join(WORK, "token-colours.txt"), colours);
    await page.screenshot({ path: path.join(WORK, "screenshot.png") });

    await checkSemanticColours(page, base);
  } catch (error) {
    record("the e2e run", false, error.message);
  } finally {
    if (browser) await browser.close().catch(() => {});
    try {
      process.kill(-codeServer.pid, "SIGTERM");
    } catch {
      // already gone
    }
  }

  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed === 0 ? 0 : 1;
}

main().catch((error) => {
  console.error(error);
  console.log("0 passed, 1 failed");
  process.exitCode = 1;
});
