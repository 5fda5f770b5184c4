// The dashboard in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core), run by tests/integration/dashboard.rs against a real
// cmp-api on the real pipeline. It signs in, loads the campaign list, a
// campaign and the portfolio in both languages, checks what each shows,
// waits for the live totals to change while the Rust side produces events
// (it prints "PRODUCE" and the test answers by producing), tabs from the
// top of the page into the targets table, checks the campaign's
// geographic experiment (its section, chart and tables, in both languages)
// and its row in the portfolio, downloads the portfolio's CSV,
// loads a page with JavaScript off, runs axe-core on every page in both
// languages (no serious or critical violation allowed), saves screenshots
// and prints each page's weight. Any failed check exits non-zero.
//
// Environment: DASH_URL, DASH_TOKEN (an admin token), DASH_CAMPAIGN (a
// campaign with targets and traffic), DASH_EXPERIMENT (an experiment of
// that campaign with a result), DASH_CAMPAIGNS (how many the list shows),
// DASH_OUT (the screenshot folder).
import { readFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const env = (name) => {
  const v = process.env[name];
  if (!v) { throw new Error(`${name} is not set`); }
  return v;
};
const base = env("DASH_URL");
const token = env("DASH_TOKEN");
const campaign = env("DASH_CAMPAIGN");
const experiment = env("DASH_EXPERIMENT");
const campaigns = Number(env("DASH_CAMPAIGNS"));
const out = env("DASH_OUT");
mkdirSync(out, { recursive: true });

const started = Date.now();
const log = (...a) => console.log(`[${((Date.now() - started) / 1000).toFixed(1)}s]`, ...a);
function check(ok, what) {
  if (!ok) { throw new Error(`check failed: ${what}`); }
  log("ok:", what);
}

const browser = await chromium.launch({
  executablePath: process.env.DASH_CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-quic"],
});
let page;
try {
  // bypassCSP: the pages forbid inline scripts, and axe-core is injected as one.
  const context = await browser.newContext({ bypassCSP: true, acceptDownloads: true, viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.setDefaultTimeout(30_000);
  const bytes = {};
  page.on("response", async (r) => {
    const type = r.request().resourceType();
    if (!["document", "stylesheet", "script"].includes(type) || r.status() !== 200) { return; }
    try {
      const body = await r.body();
      bytes[new URL(r.url()).pathname] = { type, raw: body.length, gzip: gzipSync(body).length };
    } catch { /* a navigation away dropped the body */ }
  });
  const shot = (name) => page.screenshot({ path: `${out}/${name}.png`, fullPage: true });

  async function axe(name) {
    await page.addScriptTag({ content: axeSource });
    const result = await page.evaluate(() => window.axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
    }));
    const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    for (const v of result.violations) {
      log(`axe ${name}: ${v.impact} ${v.id} (${v.nodes.length}): ${v.help}`,
        v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | "));
    }
    check(bad.length === 0, `axe-core: no serious or critical violation on ${name} (${result.passes.length} rules pass)`);
  }

  // Not signed in: the sign-in page, which comes back to the page asked for.
  await page.goto(`${base}/dashboard?lang=en`);
  check(new URL(page.url()).pathname === "/dashboard/sign-in", "a page without a session goes to sign-in");
  await axe("sign-in (en)");
  await shot("sign-in-en");
  await page.fill("#token", "not-a-token");
  await page.click("form.signin button[type=submit]");
  check(await page.locator("#token-error").isVisible(), "a wrong token is refused with a message");
  await page.fill("#token", token);
  await page.click("form.signin button[type=submit]");
  await page.waitForURL((u) => u.pathname === "/dashboard");

  // The list: every campaign, each with a status in words.
  const rows = page.locator("main table tbody tr");
  check(await rows.count() === campaigns, `the list shows the ${campaigns} campaigns`);
  const statuses = await page.locator("main table tbody tr .status").allInnerTexts();
  check(statuses.length === campaigns && statuses.every((s) => s.trim().length > 3),
    `each campaign has a headline status in words: ${statuses.map((s) => s.trim()).join(", ")}`);
  await axe("campaign list (en)");
  await shot("list-en");

  // A campaign: charts, each with its table; the targets table.
  await page.click(`a[href^="/dashboard/campaigns/${campaign}?"]`);
  await page.waitForURL((u) => u.pathname === `/dashboard/campaigns/${campaign}`);
  const charts = await page.locator("svg.chart[role=img]").count();
  check(charts >= 5, `the campaign page has its charts (${charts})`);
  const named = await page.locator("svg.chart[role=img]").evaluateAll((all) =>
    all.every((s) => s.querySelector("title")?.textContent && s.querySelector("desc")?.textContent));
  check(named, "every chart has a title and a description");
  const tables = await page.locator("main table").count();
  check(tables >= charts + 1, `every chart has a data table, and the targets have theirs (${tables} tables)`);
  const targetRows = await page.locator("#targets tbody tr").count();
  check(targetRows >= 3, `the targets table lists the targets (${targetRows})`);
  check(await page.locator("#targets .status").count() === targetRows, "each target shows its status by icon and words");
  check(await page.locator("#targets svg.spark").count() >= 1, "a target shows its attainment trend");
  // The experiment: its heading under "Experiments", the lift on its
  // interval (a named chart), then the table of its figures and the places'.
  async function experimentShown(heading, sub) {
    check(await page.locator("#experiments-h").innerText() === heading, `the section "${heading}"`);
    check(await page.locator(`#experiment-${experiment}-h`).innerText() === `${sub} ${experiment}`, `the experiment's heading "${sub} ${experiment}"`);
    const chart = page.locator(`svg.chart[aria-labelledby="experiment-${experiment}-chart-t experiment-${experiment}-chart-d"]`);
    check(await chart.count() === 1, "the experiment's lift is charted on its interval");
    const rows = await page.locator(`[aria-labelledby="experiment-${experiment}-caption"] tbody tr`).count();
    const places = await page.locator(`[aria-labelledby="experiment-${experiment}-units-caption"] tbody tr`).count();
    check(rows === 11 && places >= 4, `the chart is followed by the result's table (${rows} figures) and the places' (${places})`);
  }
  await experimentShown("Experiments", "Experiment");

  // Live totals: the first update arrives, then the numbers move with new events.
  await page.waitForFunction(() => document.getElementById("live-status")?.textContent.length > 0);
  check(await page.locator("#live-toggle").isVisible(), "the pause button appears with the live updates");
  const impressions = page.locator('#live [data-kpi="impressions"]');
  const before = await impressions.innerText();
  log("live impressions before:", before);
  console.log("PRODUCE");
  const changedAt = Date.now();
  await page.waitForFunction((old) =>
    document.querySelector('#live [data-kpi="impressions"]').textContent !== old, before, { timeout: 120_000 });
  log(`live impressions after: ${await impressions.innerText()} (${Date.now() - changedAt} ms after PRODUCE)`);
  check(true, "live totals change after new events, without a reload");
  await axe("campaign (en)");
  await shot("campaign-en");

  // Keyboard: Tab from the top reaches the targets table.
  await page.reload();
  await page.evaluate(() => document.activeElement?.blur());
  let reached = false;
  let first = null;
  for (let i = 0; i < 40 && !reached; i++) {
    await page.keyboard.press("Tab");
    const at = await page.evaluate(() => {
      const a = document.activeElement;
      return { inTargets: !!a?.closest('[aria-labelledby="targets-caption"]'), text: a?.textContent?.trim().slice(0, 40) };
    });
    if (i === 0) { first = at.text; }
    reached = at.inTargets;
  }
  check(first === "Skip to main content", `the first Tab reaches the skip link (${first})`);
  check(reached, "Tab from the top of the page reaches the targets table");

  // French: the same page, every label in French.
  await page.click('a[hreflang="fr"]');
  await page.waitForURL((u) => u.searchParams.get("lang") === "fr" && u.pathname === `/dashboard/campaigns/${campaign}`);
  check(await page.getAttribute("html", "lang") === "fr", "the page says it is in French");
  const text = await page.locator("main").innerText();
  check(text.includes("Demandes complétées") && text.includes("Cibles") && text.includes("Taux d'atteinte"),
    "KPI names and column headers are in French");
  const frStatuses = await page.locator("#targets .status").allInnerTexts();
  const french = ["Résultat à atteindre dans le futur", "En bonne voie", "À risque", "Hors trajectoire", "Cible atteinte", "Cible non atteinte"];
  check(frStatuses.every((s) => french.includes(s.trim())), `statuses are in French: ${frStatuses.map((s) => s.trim()).join(", ")}`);
  await page.waitForFunction(() => document.getElementById("live-status")?.textContent.startsWith("Mis à jour"));
  const frImpressions = await page.locator('#live [data-kpi="impressions"]').innerText();
  check(/^\d{1,3}(\u00a0\d{3})*$/.test(frImpressions), `live numbers are written the French way (${frImpressions})`);
  await experimentShown("Expériences", "Expérience");
  await axe("campaign (fr)");
  await shot("campaign-fr");

  // The portfolio, in French: riskiest first, with its CSV.
  await page.click('nav a[href^="/dashboard/portfolio"]');
  await page.waitForURL((u) => u.pathname === "/dashboard/portfolio");
  const order = ["off_track", "not_met", "at_risk", "on_track", "not_started", "met"];
  const ranks = (await page.locator("#portfolio tbody tr").evaluateAll((trs) => trs.map((t) => t.dataset.status)))
    .map((s) => order.indexOf(s));
  check(ranks.length >= campaigns && ranks.every((r, i) => r >= 0 && (i === 0 || ranks[i - 1] <= r)),
    `the portfolio lists ${ranks.length} targets riskiest first (${ranks.join(",")})`);
  check(await page.locator("#portfolio svg.spark").count() >= 1, "portfolio rows show their attainment trend");
  check(await page.locator(`#incremental tbody tr[data-experiment="${experiment}"] a[href$="#experiment-${experiment}-h"]`).count() === 1
    && await page.locator("#incremental tbody tr").count() === 1,
    "the portfolio shows the incremental result of the one campaign with an experiment");
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#csv")]);
  const csv = readFileSync(await download.path(), "utf8");
  const lines = csv.split("\r\n").filter((l) => l.length > 0);
  check(lines[0].startsWith("\ufeffExercice financier,") && lines.length === ranks.length + 1,
    `the CSV link downloads the same ${lines.length - 1} rows with French headers (${download.suggestedFilename()})`);
  await axe("portfolio (fr)");
  await shot("portfolio-fr");
  await page.click('a[hreflang="en"]');
  await page.waitForURL((u) => u.searchParams.get("lang") === "en" && u.pathname === "/dashboard/portfolio");
  check((await page.locator("main").innerText()).includes("Fiscal year"), "the portfolio in English");
  await axe("portfolio (en)");
  await shot("portfolio-en");
  // The offices, ranked, and one office's page, in both languages.
  await page.click('nav a[href^="/dashboard/offices"]');
  await page.waitForURL((u) => u.pathname === "/dashboard/offices");
  check(await page.locator("main table tbody tr").count() >= 1, "the offices page ranks the registered offices");
  await axe("offices (en)");
  await shot("offices-en");
  await page.click('main a[href^="/dashboard/offices/"]');
  await page.waitForURL((u) => u.pathname.startsWith("/dashboard/offices/"));
  check(await page.locator("main table").count() === 3, "an office's page has its three tables");
  await axe("office (en)");
  await page.click('a[hreflang="fr"]');
  await page.waitForURL((u) => u.searchParams.get("lang") === "fr" && u.pathname.startsWith("/dashboard/offices/"));
  await axe("office (fr)");
  await shot("office-fr");
  await page.click('nav a[href^="/dashboard/offices"]');
  await page.waitForURL((u) => u.pathname === "/dashboard/offices");
  await axe("offices (fr)");
  await page.click('a[hreflang="en"]');
  await page.waitForURL((u) => u.searchParams.get("lang") === "en" && u.pathname === "/dashboard/offices");
  await page.click('nav a[href^="/dashboard?"]');
  await page.click('a[hreflang="fr"]');
  await page.waitForURL((u) => u.searchParams.get("lang") === "fr" && u.pathname === "/dashboard");
  await axe("campaign list (fr)");
  await shot("list-fr");

  // Without JavaScript: the same tables, rendered by the server.
  const noJs = await browser.newContext({ javaScriptEnabled: false, storageState: await context.storageState() });
  const plain = await noJs.newPage();
  await plain.goto(`${base}/dashboard/campaigns/${campaign}?lang=en`);
  check(await plain.locator("#targets tbody tr").count() === targetRows && await plain.locator("main table").count() === tables,
    "without JavaScript the campaign page has every table");
  await plain.screenshot({ path: `${out}/campaign-no-js.png`, fullPage: true });
  await noJs.close();

  // Signing out ends the session.
  await page.click("form.signout button");
  await page.waitForURL((u) => u.pathname === "/dashboard/sign-in");
  await page.goto(`${base}/dashboard`);
  check(new URL(page.url()).pathname === "/dashboard/sign-in", "after signing out, pages ask to sign in again");

  console.log("WEIGHT " + JSON.stringify(bytes));
  log("all browser checks passed");
} catch (e) {
  if (page) { await page.screenshot({ path: `${out}/failure.png`, fullPage: true }).catch(() => {}); }
  console.error(e);
  process.exitCode = 1;
} finally {
  await browser.close();
}
