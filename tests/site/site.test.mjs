// The reading-edition site in a real headless Chromium (Debian's
// `chromium`, driven by playwright-core): builds the site of `seeds/` and
// of a hostile fixture with the `scholia` CLI as a process, opens the pages
// from disk (file://) and checks what a reader sees.
//
// SCHOLIA_BIN: the binary (default: target/debug/scholia).
// CHROMIUM: the browser (default: /usr/bin/chromium).
// Screenshots go to tests/site/output/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../..");
const bin = process.env.SCHOLIA_BIN || path.join(repo, "target/debug/scholia");
const output = path.join(here, "output");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "scholia-site-"));
const seedsSite = path.join(tmp, "seeds-site");
const fixtureSite = path.join(tmp, "fixture-site");

let browser;
let context;
const problems = []; // console errors, page errors, dialogs, CSP reports

function build(workspace, out) {
  execFileSync(bin, ["export", "--format", "html", "--out", out, workspace], {
    stdio: ["ignore", "inherit", "inherit"],
    // Kept renderings in this run's folder: every reference formatted afresh.
    env: { ...process.env, SCHOLIA_CACHE_DIR: path.join(tmp, "renders") },
  });
}

const url = (site, page) => {
  const [file, query] = page.split("?");
  return pathToFileURL(path.join(site, file)).href + (query ? `?${query}` : "");
};

async function open(site, page) {
  const p = await context.newPage();
  p.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`${page}: console ${m.type()}: ${m.text()}`);
  });
  p.on("pageerror", (e) => problems.push(`${page}: page error: ${e.message}`));
  p.on("dialog", (d) => {
    problems.push(`${page}: dialog: ${d.message()}`);
    d.dismiss();
  });
  await p.goto(url(site, page));
  return p;
}

before(async () => {
  fs.mkdirSync(output, { recursive: true });
  build(path.join(repo, "seeds"), seedsSite);
  build(path.join(here, "fixture"), fixtureSite);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
  // A fresh profile per run: launch() makes a temporary user data dir.
  context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
});

after(async () => {
  await browser?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

// --- An independent count of the seeds' mentions, from the files -------------

function registry(dir) {
  // The seeds' registry: `[person.ID]` tables with `name` and `aliases`.
  const entities = [];
  for (const f of fs.readdirSync(dir)) {
    let cur = null;
    for (const line of fs.readFileSync(path.join(dir, f), "utf8").split("\n")) {
      const t = line.match(/^\[(person|place|organization)\.([a-z0-9-]+)\]/);
      if (t) { cur = { kind: t[1], id: t[2], names: [] }; entities.push(cur); continue; }
      const n = cur && line.match(/^name\s*=\s*"(.*)"\s*$/);
      if (n) cur.names.push(n[1]);
      const a = cur && line.match(/^aliases\s*=\s*\[(.*)\]\s*$/);
      if (a) for (const m of a[1].matchAll(/"((?:[^"\\]|\\.)*)"/g)) cur.names.push(m[1]);
      const v = cur && line.match(/^variants\s*=\s*\{(.*)\}\s*$/);
      if (v) for (const m of v[1].matchAll(/=\s*"((?:[^"\\]|\\.)*)"/g)) cur.names.push(m[1]);
    }
  }
  return entities;
}

function expectedCounts() {
  const seeds = path.join(repo, "seeds");
  const entities = registry(path.join(seeds, "registry"));
  const byId = new Map(entities.map((e) => [e.id, e]));
  const byName = new Map();
  for (const e of entities) for (const n of new Set(e.names.map((x) => x.toLowerCase()))) {
    byName.set(n, [...(byName.get(n) || []), e]);
  }
  const resolve = (target) => {
    target = target.trim().replace(/\s+/g, " ");
    if (byId.has(target)) return byId.get(target);
    const found = byName.get(target.toLowerCase()) || [];
    return found.length === 1 ? found[0] : byId.get(target.toLowerCase());
  };
  const counts = new Map(entities.map((e) => [e.id, { mentions: 0, docs: new Set() }]));
  for (const f of fs.readdirSync(seeds).filter((f) => f.endsWith(".scholia"))) {
    let text = fs.readFileSync(path.join(seeds, f), "utf8");
    text = text.replace(/^\+\+\+\n[\s\S]*?\n\+\+\+\n/, "");
    for (const m of text.matchAll(/\[\[([^\[\]|]+)(?:\|[^\]]*)?\]\]/g)) {
      const e = resolve(m[1]);
      if (!e) continue;
      const c = counts.get(e.id);
      c.mentions += 1;
      c.docs.add(f);
    }
  }
  return { entities, counts };
}

// --- The tests ------------------------------------------------------------------

test("a mention links to its entity page, which lists that mention", async () => {
  const doc = "1952-09-19-stalin-zhou-conversation.html";
  const p = await open(seedsSite, doc);
  const mention = p.locator("a.mention.person", { hasText: "Molotov" }).first();
  const id = await mention.getAttribute("id");
  assert.match(id, /^m\d+$/);
  await mention.click();
  await p.waitForURL(/entity\/molotov\.html$/);
  assert.equal(await p.locator("h1").textContent(), "Vyacheslav Molotov");
  const back = p.locator(`a.context[href$="${doc}#${id}"]`);
  assert.equal(await back.count(), 1, "the entity page links to the exact mention");
  assert.match(await back.textContent(), /Molotov/);
  assert.equal(await back.locator("mark").textContent(), "Molotov");
  // The link leads back to the mention.
  await back.click();
  await p.waitForURL(new RegExp(`${doc}#${id}$`));
  assert.equal(await p.evaluate(() => document.querySelector(":target")?.textContent), "Molotov");
  await p.close();
});

test("a footnote's note shows on hover and on keyboard focus, and is listed at the end", async () => {
  const p = await open(seedsSite, "1952-09-14-zhou-to-mao.html");
  const ref = p.locator("sup.fnref").nth(1);
  const refLink = ref.locator("> a");
  const pop = ref.locator(".note-pop");
  assert.equal(await pop.isVisible(), false);
  await refLink.hover();
  assert.equal(await pop.isVisible(), true);
  assert.match(await pop.textContent(), /Telegram of September 13 at 2200 hours refers to/);
  await p.mouse.move(0, 0);
  assert.equal(await pop.isVisible(), false);
  // Keyboard: Tab from the element before it reaches the note's link.
  await p.locator("sup.fnref > a").first().focus();
  await p.keyboard.press("Tab");
  // Skip the links inside the first note's popup, if any, until the second ref.
  for (let i = 0; i < 20 && !(await p.evaluate(() => document.activeElement?.closest("sup.fnref") && document.activeElement.textContent === "2")); i++) {
    await p.keyboard.press("Tab");
  }
  assert.equal(await p.evaluate(() => document.activeElement.textContent), "2");
  assert.equal(await pop.isVisible(), true);
  // The notes at the end, with a way back.
  const note = p.locator("section.notes li#fn-2");
  assert.match(await note.textContent(), /Telegram of September 13/);
  assert.equal(await note.locator("a.back").getAttribute("href"), "#fnref-2");
  await p.close();
});

test("the people index lists every person with the right counts", async () => {
  const { entities, counts } = expectedCounts();
  const people = entities.filter((e) => e.kind === "person");
  assert.ok(people.length > 20, "the seeds have people");
  const p = await open(seedsSite, "people.html");
  const rows = await p.locator("ul.entities li").evaluateAll((lis) =>
    lis.map((li) => ({ id: li.dataset.id, text: li.textContent, href: li.querySelector("a").getAttribute("href") })));
  assert.deepEqual(rows.map((r) => r.id).sort(), people.map((e) => e.id).sort());
  for (const person of people) {
    const row = rows.find((r) => r.id === person.id);
    const c = counts.get(person.id);
    const mentions = c.mentions === 1 ? "1 mention" : `${c.mentions} mentions`;
    const docs = c.docs.size === 1 ? "1 document" : `${c.docs.size} documents`;
    assert.ok(row.text.includes(`${mentions} in ${docs}`), `${person.id}: expected "${mentions} in ${docs}" in "${row.text}"`);
    assert.equal(row.href, `entity/${person.id}.html`);
  }
  // Alphabetical by name.
  const names = await p.locator("ul.entities li > a").allTextContents();
  assert.deepEqual(names, [...names].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));
  await p.close();
});

test("a translation shows its original side by side", async () => {
  const p = await open(fixtureSite, "translation.html");
  const pairs = p.locator("section.parallel .pair");
  assert.equal(await pairs.count(), 2, "two paragraphs each, aligned");
  const first = pairs.first();
  assert.match(await first.locator(".col-original").textContent(), /致周恩来同志/);
  assert.match(await first.locator(".col-translation").textContent(), /To comrade Zhou Enlai/);
  assert.equal(await first.locator(".col-original").getAttribute("lang"), "zh");
  // Side by side: the two columns share a row.
  const o = await first.locator(".col-original").boundingBox();
  const t = await first.locator(".col-translation").boundingBox();
  assert.ok(Math.abs(o.y - t.y) < 2 && o.x + o.width <= t.x, `${JSON.stringify(o)} ${JSON.stringify(t)}`);
  assert.match(await p.locator("p.relation").textContent(), /A translation of/);
  await p.close();
});

test("the search box finds a name and a word of the text", async () => {
  const p = await open(seedsSite, "1952-09-14-zhou-to-mao.html");
  await p.fill("#q", "molotov");
  await p.press("#q", "Enter");
  await p.waitForURL(/search\.html\?q=molotov$/);
  const hit = p.locator("#search-results a", { hasText: "Vyacheslav Molotov" });
  await hit.waitFor();
  assert.equal(await hit.getAttribute("href"), "entity/molotov.html");
  // A word of the text finds its documents.
  await p.fill("#q", "armistice");
  await p.press("#q", "Enter");
  await p.waitForURL(/q=armistice$/);
  const docs = p.locator("#search-results h2", { hasText: "Documents" });
  await docs.waitFor();
  assert.ok((await p.locator("#search-results a[href='1952-09-14-zhou-to-mao.html']").count()) === 1);
  await p.close();
});

test("pages read without JavaScript; print hides the navigation", async () => {
  const noJs = await browser.newContext({ javaScriptEnabled: false });
  const p = await noJs.newPage();
  await p.goto(url(seedsSite, "1952-09-14-zhou-to-mao.html"));
  await p.locator("sup.fnref > a").first().click();
  assert.match(p.url(), /#fn-1$/);
  assert.equal(await p.locator("section.notes li").count(), 3);
  await p.goto(url(seedsSite, "search.html?q=x"));
  assert.match(await p.locator("#search-results").textContent(), /Searching needs JavaScript/);
  await noJs.close();
  const q = await open(seedsSite, "1952-09-14-zhou-to-mao.html");
  assert.equal(await q.locator("header.site").isVisible(), true);
  await q.emulateMedia({ media: "print" });
  assert.equal(await q.locator("header.site").isVisible(), false);
  await q.close();
});

test("no script from the data runs (text, note, entity, title, bibliography)", async () => {
  const pages = [];
  const walk = (dir) => {
    for (const f of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, f.name);
      if (f.isDirectory()) walk(full);
      else if (f.name.endsWith(".html")) pages.push(path.relative(fixtureSite, full));
    }
  };
  walk(fixtureSite);
  assert.ok(pages.length >= 10, pages.join(" "));
  for (const page of pages) {
    const p = await open(fixtureSite, page);
    // Hover everything: onmouseover handlers would fire.
    for (const el of await p.locator("a, sup, span").all()) {
      if (await el.isVisible()) await el.hover({ timeout: 1000 }).catch(() => {});
    }
    const state = await p.evaluate(() => ({
      xss: window.__xss,
      scripts: [...document.scripts].map((s) => s.getAttribute("src")),
      handlers: [...document.querySelectorAll("*")].flatMap((el) =>
        [...el.attributes].filter((a) => a.name.startsWith("on")).map((a) => `${el.tagName} ${a.name}`)),
      imgs: document.querySelectorAll("img, svg, iframe, object, embed").length,
      badLinks: [...document.querySelectorAll("[href], [src]")]
        .map((el) => el.getAttribute("href") ?? el.getAttribute("src"))
        .filter((u) => /^\s*(javascript|data|vbscript):/i.test(u)),
      styles: document.querySelectorAll("style").length,
    }));
    assert.equal(state.xss, undefined, `${page}: a script from the data ran`);
    assert.deepEqual(state.scripts.filter((s) => !/assets\/(site|search-index)\.js$/.test(s)), [], page);
    assert.deepEqual(state.handlers, [], page);
    assert.equal(state.imgs, 0, page);
    assert.deepEqual(state.badLinks, [], page);
    assert.equal(state.styles, 0, page);
    await p.close();
  }
  // The hostile strings are there, as text.
  const p = await open(fixtureSite, "translation.html");
  const text = await p.locator("main").textContent();
  assert.ok(text.includes("<script>window.__xss='text'</script>"), "the text's markup shows as text");
  assert.ok(text.includes("window.__xss='note'"), "the note's markup shows as text");
  await p.close();
  // The search page over the hostile index.
  const s = await open(fixtureSite, "search.html?q=mallory");
  await s.locator("#search-results a").first().waitFor();
  assert.equal(await s.evaluate(() => window.__xss), undefined);
  assert.equal(await s.locator("#search-results img").count(), 0);
  await s.close();
});

test("screenshots of a document page and an entity page", async () => {
  const p = await open(seedsSite, "1952-09-14-zhou-to-mao.html");
  await p.locator("sup.fnref > a").nth(1).hover();
  await p.screenshot({ path: path.join(output, "document.png") });
  await p.goto(url(seedsSite, "entity/zhou-enlai.html"));
  await p.screenshot({ path: path.join(output, "entity.png") });
  await p.goto(url(fixtureSite, "translation.html"));
  await p.screenshot({ path: path.join(output, "translation.png") });
  await p.close();
  for (const f of ["document.png", "entity.png", "translation.png"]) {
    assert.ok(fs.statSync(path.join(output, f)).size > 10000, f);
  }
});

test("no console error on any page visited", () => {
  assert.deepEqual(problems, []);
});
