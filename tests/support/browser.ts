import { existsSync } from "node:fs";
import AxeBuilder from "@axe-core/playwright";
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type ConsoleMessage,
  type Locator,
  type Page,
} from "playwright-core";
import { afterAll, beforeAll, expect, onTestFinished } from "vitest";
import { DEMO_PASSWORD } from "../../db/seed/demo.ts";
import { startTestApp, type TestApp } from "./server.ts";

/** Debian's Chromium; the browser tests never download one. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** A user journey with a dozen pages and axe checks: generous, for a loaded machine. */
export const E2E_TIMEOUT = 90_000;

export const VAL_PARISIS_SLUG = "tables-rondes-inter-ccas-du-val-parisis";
export const VAL_PARISIS_NAME = "Tables rondes inter-CCAS du Val Parisis";

/**
 * Launches headless Chromium. A missing browser fails the tests loudly
 * (never a silent skip): the message says how to install it.
 */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium est introuvable (${CHROMIUM_PATH}) : les tests navigateur ne peuvent pas tourner. ` +
        "Installez-le avec : apt-get install -y chromium\n" +
        `Chromium not found at ${CHROMIUM_PATH}: the browser tests cannot run. ` +
        "Install it with: apt-get install -y chromium",
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

/**
 * One app and one browser for a test file: started in `beforeAll`, closed in
 * `afterAll`. If either cannot start, the file fails with its reason, and
 * whatever did start is still closed.
 */
export interface AppAndBrowser {
  readonly app: TestApp;
  readonly browser: Browser;
  /** A fresh tab on the app (own cookies), closed when the current test ends. */
  newTab(options?: BrowserContextOptions): Promise<BrowserTab>;
}

export function useAppAndBrowser(): AppAndBrowser {
  let app: TestApp | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    const [started, launched] = await Promise.allSettled([startTestApp(), launchBrowser()]);
    if (started.status === "fulfilled") app = started.value;
    if (launched.status === "fulfilled") browser = launched.value;
    for (const outcome of [launched, started]) if (outcome.status === "rejected") throw outcome.reason;
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });
  return {
    get app() {
      if (!app) throw new Error("L'application de test n'a pas démarré.");
      return app;
    },
    get browser() {
      if (!browser) throw new Error("Chromium n'a pas démarré.");
      return browser;
    },
    async newTab(options = {}) {
      const tab = await openTab(this.browser, { baseURL: this.app.url, ...options });
      onTestFinished(() => tab.close());
      return tab;
    },
  };
}

/** What the browser console said, to catch CSP refusals and script errors. */
export interface ConsoleLog {
  /** `url` is the page's address, `resource` the file the message is about (if any). */
  messages: Array<{ type: string; text: string; url: string; resource: string }>;
  pageErrors: string[];
}

export interface BrowserTab {
  context: BrowserContext;
  page: Page;
  log: ConsoleLog;
  close(): Promise<void>;
}

const logs = new WeakMap<Page, ConsoleLog>();

/** A fresh context (own cookies) and one page whose console is recorded. */
export async function openTab(browser: Browser, options: BrowserContextOptions & { baseURL: string }): Promise<BrowserTab> {
  const context = await browser.newContext({ locale: "fr-FR", timezoneId: "Europe/Paris", ...options });
  const log: ConsoleLog = { messages: [], pageErrors: [] };
  context.on("console", (message: ConsoleMessage) => {
    log.messages.push({ type: message.type(), text: message.text(), url: message.page()?.url() ?? "", resource: message.location().url });
  });
  context.on("weberror", (error) => log.pageErrors.push(`${error.page()?.url() ?? ""}: ${error.error().message}`));
  // TEST_CPU_THROTTLE=8 runs the page 8 times slower, as on a loaded CI machine: checks that read the page before
  // React has shown the result fail at once instead of now and then.
  const throttle = Number(process.env.TEST_CPU_THROTTLE ?? 1);
  // Well under the test timeout, so that a missing element is named in the failure.
  context.setDefaultTimeout(10_000 * Math.max(1, throttle / 4));
  const page = await context.newPage();
  if (throttle > 1) await (await context.newCDPSession(page)).send("Emulation.setCPUThrottlingRate", { rate: throttle });
  logs.set(page, log);
  return { context, page, log, close: () => context.close() };
}

/** Messages in which Chromium reports a Content-Security-Policy refusal. */
export function cspViolations(log: ConsoleLog): string[] {
  return log.messages
    .filter((message) => /Content[- ]Security[- ]Policy/i.test(message.text))
    .map((message) => `[${message.type}] ${message.url} — ${message.text}`);
}

/** No CSP refusal and no uncaught script error on the pages this tab visited. */
export function expectCleanConsole(log: ConsoleLog): void {
  expect(cspViolations(log), "violations de la CSP dans la console").toEqual([]);
  expect(log.pageErrors, "erreurs JavaScript non rattrapées").toEqual([]);
}

/** True once React has hydrated the page (its elements carry React's fiber keys). */
export async function waitForHydration(page: Page): Promise<void> {
  try {
    await page.waitForFunction(() => {
      const main = document.getElementById("contenu");
      return main !== null && Object.keys(main).some((key) => key.startsWith("__reactFiber"));
    });
  } catch (error) {
    const log = logs.get(page);
    const said = [...(log?.pageErrors ?? []), ...(log?.messages ?? []).map((message) => `[${message.type}] ${message.text}`)];
    const missingAssets = (log?.messages ?? []).some((message) => message.resource.includes("/assets/") && /404/.test(message.text));
    const hint = missingAssets
      ? "\nDes fichiers /assets/ manquent : le build a sans doute été refait pendant les tests (un autre `npm run build` ? TABLEE_BUILD_DIR sépare les builds)."
      : "";
    throw new Error(`La page ${page.url()} n'est pas devenue interactive (hydratation React). Console :\n${said.slice(-10).join("\n")}${hint}`, {
      cause: error,
    });
  }
}

/** Goes to `path` and waits until the page is interactive (hydrated). */
export async function visit(page: Page, path: string) {
  const response = await page.goto(path);
  await waitForHydration(page);
  return response;
}

const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/** axe-core on the current page (WCAG 2.1 A and AA): zero violation, or the list of them. */
export async function expectAccessible(page: Page, label = page.url()): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  const report = results.violations.map(
    (violation) =>
      `${violation.id} (${violation.impact ?? "?"}) : ${violation.help}\n` +
      violation.nodes.map((node) => `    ${node.target.join(" ")} — ${node.failureSummary?.replace(/\n/g, " ") ?? ""}`).join("\n"),
  );
  expect(report, `violations d'accessibilité sur ${label}`).toEqual([]);
}

/**
 * Waits until Remix has finished the submission or navigation under way,
 * revalidation included, and until React has shown the result: the action's
 * answer is shown before the page's data is reloaded, so checks on that data
 * wait for this.
 */
export async function settle(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const router = (window as unknown as { __remixRouter?: { state: { navigation: { state: string }; revalidation: string } } })
      .__remixRouter;
    return router !== undefined && router.state.navigation.state === "idle" && router.state.revalidation === "idle";
  });
  // Remix hands the router's new state to React in a transition, which React may render over several tasks after
  // the router is idle (CI saw the old page data under a fresh confirmation). An idle callback runs once the page has
  // no task left to run, React's rendering included; a page that never idles (a live socket's timers, an animation)
  // is given a second at most.
  await page.evaluate(() => new Promise<void>((resolve) => requestIdleCallback(() => resolve(), { timeout: 1_000 })));
}

/**
 * Waits until `locator` is visible and shows `text` (React may render a
 * moment after the click), then returns its whole text for exact checks.
 */
export async function visibleText(locator: Locator, text: string | RegExp): Promise<string> {
  await locator.filter({ hasText: text }).first().waitFor();
  return (await locator.first().textContent()) ?? "";
}

/**
 * Waits for the page's level-1 heading to read `name`: after a client-side
 * navigation the address changes before the new page is rendered.
 */
export async function waitForHeading(page: Page, name: string): Promise<void> {
  await page.getByRole("heading", { level: 1, name, exact: true }).waitFor();
}

/** Fills and submits the sign-in form like a user would. */
export async function signIn(page: Page, email: string, password = DEMO_PASSWORD): Promise<void> {
  await visit(page, "/connexion");
  await page.getByLabel("Adresse e-mail").fill(email);
  await page.getByLabel("Mot de passe", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Se connecter" }).click();
  await page.getByRole("button", { name: "Se déconnecter" }).waitFor();
  await waitForHydration(page);
}
