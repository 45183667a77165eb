import { existsSync } from "node:fs";
import AxeBuilder from "@axe-core/playwright";
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type ConsoleMessage, type Page } from "playwright-core";
import { expect } from "vitest";
import { DEMO_PASSWORD } from "../../db/seed/demo.ts";

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

/** What the browser console said, to catch CSP refusals and script errors. */
export interface ConsoleLog {
  messages: Array<{ type: string; text: string; url: string }>;
  pageErrors: string[];
}

export interface BrowserTab {
  context: BrowserContext;
  page: Page;
  log: ConsoleLog;
  close(): Promise<void>;
}

/** A fresh context (own cookies) and one page whose console is recorded. */
export async function openTab(browser: Browser, options: BrowserContextOptions & { baseURL: string }): Promise<BrowserTab> {
  const context = await browser.newContext({ locale: "fr-FR", timezoneId: "Europe/Paris", ...options });
  const log: ConsoleLog = { messages: [], pageErrors: [] };
  context.on("console", (message: ConsoleMessage) => {
    log.messages.push({ type: message.type(), text: message.text(), url: message.page()?.url() ?? "" });
  });
  context.on("weberror", (error) => log.pageErrors.push(`${error.page()?.url() ?? ""}: ${error.error().message}`));
  const page = await context.newPage();
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
  await page.waitForFunction(() => {
    const main = document.getElementById("contenu");
    return main !== null && Object.keys(main).some((key) => key.startsWith("__reactFiber"));
  });
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

/** Fills and submits the sign-in form like a user would. */
export async function signIn(page: Page, email: string, password = DEMO_PASSWORD): Promise<void> {
  await visit(page, "/connexion");
  await page.getByLabel("Adresse e-mail").fill(email);
  await page.getByLabel("Mot de passe", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Se connecter" }).click();
  await page.waitForURL((url) => url.pathname !== "/connexion");
  await waitForHydration(page);
}
