import type { Page } from "playwright-core";
import { describe, expect, it, onTestFinished } from "vitest";
import {
  cspViolations,
  E2E_TIMEOUT,
  expectAccessible,
  expectCleanConsole,
  openTab,
  settle,
  signIn,
  useAppAndBrowser,
  VAL_PARISIS_SLUG,
  visit,
  waitForHeading,
} from "../support/browser.ts";

const suite = useAppAndBrowser();

const coordinator = "coordination@valparisis.demo.tablee.fr";
const networkHome = `/reseaux/${VAL_PARISIS_SLUG}`;

/** Widths that overflow the viewport: the page's, and any element sticking out to the right. */
async function overflow(page: Page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const culprits: string[] = [];
    for (const element of document.querySelectorAll("body *")) {
      const box = element.getBoundingClientRect();
      if (box.width === 0 || box.right <= width + 0.5) continue;
      // Inside a container that scrolls on its own, sticking out is expected.
      if (element.closest(".table-wrap") && element.closest(".table-wrap") !== element) continue;
      if (element.closest(".visually-hidden, .skip-link")) continue;
      culprits.push(`${element.tagName.toLowerCase()}${element.className ? `.${String(element.className).replace(/ /g, ".")}` : ""} (droite ${Math.round(box.right)} px)`);
    }
    return { scrollWidth: document.documentElement.scrollWidth, clientWidth: width, culprits: culprits.slice(0, 10) };
  });
}

describe("mobile width (360 px)", { timeout: E2E_TIMEOUT }, () => {
  it("shows the network home and the directory without horizontal page scrolling", async () => {
    const { page, log, close } = await openTab(suite.browser, {
      baseURL: suite.app.url,
      viewport: { width: 360, height: 740 },
      isMobile: true,
      hasTouch: true,
    });
    onTestFinished(close);
    await signIn(page, coordinator);

    const pages: Array<[string, string]> = [
      [networkHome, "Tables rondes inter-CCAS du Val Parisis"],
      [`${networkHome}/annuaire`, "Annuaire des CCAS"],
      [`${networkHome}/membres`, "Membres du réseau"],
      ["/profil", "Mon profil"],
    ];
    for (const [path, heading] of pages) {
      await visit(page, path);
      await waitForHeading(page, heading);
      const measure = await overflow(page);
      expect(measure.clientWidth, path).toBe(360);
      expect({ path, scrollWidth: measure.scrollWidth, culprits: measure.culprits }).toEqual({ path, scrollWidth: 360, culprits: [] });
      await expectAccessible(page, `${path} (360 px)`);
      // For a human look at the layout (tests never compare pixels).
      if (path === networkHome) await page.screenshot({ path: "/tmp/tablee-mobile-accueil.png", fullPage: true });
      if (path.endsWith("/annuaire")) await page.screenshot({ path: "/tmp/tablee-mobile-annuaire.png", fullPage: true });
    }

    // The invitation notice shows a long link: it wraps instead of widening the page.
    await visit(page, `${networkHome}/membres`);
    await page.getByLabel("Adresse e-mail de la personne").fill("une.adresse.assez.longue@mairie-montigny-les-cormeilles.fr");
    await page.getByLabel("CCAS", { exact: true }).selectOption({ label: "CCAS de Montigny-lès-Cormeilles" });
    await page.getByRole("button", { name: "Envoyer l'invitation" }).click();
    await page.getByRole("status").waitFor();
    await settle(page);
    const afterInvite = await overflow(page);
    expect({ scrollWidth: afterInvite.scrollWidth, culprits: afterInvite.culprits }).toEqual({ scrollWidth: 360, culprits: [] });

    // The directory's table stays within the screen: it may scroll inside its own container.
    await visit(page, `${networkHome}/annuaire`);
    const wrap = await page.locator(".table-wrap").evaluate((element) => {
      const box = element.getBoundingClientRect();
      return { left: box.left, right: box.right, overflowX: getComputedStyle(element).overflowX };
    });
    expect(wrap.left).toBeGreaterThanOrEqual(0);
    expect(wrap.right).toBeLessThanOrEqual(360);
    expect(["auto", "scroll"]).toContain(wrap.overflowX);
    // Every CCAS name can be read without scrolling sideways.
    const names = await page.getByRole("rowheader").evaluateAll((cells) => cells.map((cell) => cell.getBoundingClientRect().right));
    expect(names).toHaveLength(15);
    for (const right of names) expect(right).toBeLessThanOrEqual(360);
    expectCleanConsole(log);
  });
});

describe("tablet width (641 px, the narrowest with tables laid out as tables)", { timeout: E2E_TIMEOUT }, () => {
  it("keeps the members and directory tables from widening the page", async () => {
    const { page, log, close } = await openTab(suite.browser, { baseURL: suite.app.url, viewport: { width: 641, height: 900 } });
    onTestFinished(close);
    await signIn(page, coordinator);
    for (const [path, heading] of [
      [`${networkHome}/membres`, "Membres du réseau"],
      [`${networkHome}/annuaire`, "Annuaire des CCAS"],
    ] as const) {
      await visit(page, path);
      await waitForHeading(page, heading);
      const measure = await overflow(page);
      expect({ path, scrollWidth: measure.scrollWidth, culprits: measure.culprits }).toEqual({ path, scrollWidth: 641, culprits: [] });
    }
    expectCleanConsole(log);
  });
});

describe("content security policy", { timeout: E2E_TIMEOUT }, () => {
  it("catches Remix's inline scripts if they lose their nonce (the check can fail)", async () => {
    const { page, log, close } = await openTab(suite.browser, { baseURL: suite.app.url });
    onTestFinished(close);
    // The real page, with the nonce attributes stripped on the way to the browser.
    await page.route("**/connexion", async (route) => {
      const response = await route.fetch();
      const body = (await response.text()).replace(/ nonce="[^"]*"/g, "");
      await route.fulfill({ response, body });
    });
    await page.goto("/connexion");
    await expect.poll(() => cspViolations(log).length).toBeGreaterThan(0);
    expect(cspViolations(log).join("\n")).toMatch(/inline script violates .*script-src/);
    // And Remix never started: the page stays a plain HTML form.
    await expect(page.evaluate(() => "__remixRouter" in window)).resolves.toBe(false);
  });

  it("lets Remix's own inline scripts run on every page: no CSP violation, pages hydrated", async () => {
    const { page, log, close } = await openTab(suite.browser, { baseURL: suite.app.url });
    onTestFinished(close);
    const response = await visit(page, "/connexion");
    const csp = response?.headers()["content-security-policy"] ?? "";
    const scriptSrc = csp.split(";").find((directive) => directive.trim().startsWith("script-src ")) ?? "";
    expect(scriptSrc).toMatch(/^script-src 'self' 'nonce-[A-Za-z0-9+/=]{16,}'$/);

    const signedOut = ["/connexion", "/mot-de-passe-oublie", "/accessibilite", "/reinitialisation/lien-inconnu", "/invitation/lien-inconnu"];
    for (const path of signedOut) {
      await visit(page, path);
      const inline = await page.evaluate(() =>
        [...document.querySelectorAll("script:not([src])")].map((script) => (script as HTMLScriptElement).nonce),
      );
      expect(inline.length, path).toBeGreaterThan(0);
      for (const nonce of inline) expect(nonce, `${path} : script en ligne sans nonce`).not.toBe("");
      if (path === "/accessibilite") await expectAccessible(page, "déclaration d'accessibilité");
    }
    await expectAccessible(page, "/invitation/lien-inconnu");

    await signIn(page, coordinator);
    const signedIn = [
      networkHome,
      `${networkHome}/annuaire`,
      `${networkHome}/membres`,
      `${networkHome}/journal`,
      `${networkHome}/tables-rondes`,
      `${networkHome}/annuaire/ajouter?q=ermont`,
      "/profil",
    ];
    for (const path of signedIn) {
      const answer = await visit(page, path);
      expect(answer?.status(), path).toBe(200);
    }
    // Client-side navigation too (route modules loaded on demand).
    await visit(page, networkHome);
    await page.getByRole("navigation", { name: "Navigation principale" }).getByRole("link", { name: "Veille réglementaire" }).click();
    await waitForHeading(page, "Veille réglementaire");
    await expectAccessible(page, "/veille");
    await page.getByRole("navigation", { name: "Navigation principale" }).getByRole("link", { name: "Annuaire" }).click();
    await waitForHeading(page, "Annuaire des CCAS");

    expectCleanConsole(log);
    const errors = log.messages.filter((message) => message.type === "error");
    expect(errors, "erreurs dans la console").toEqual([]);
  });

  it("fits the directory in a desktop window (and keeps a screenshot to look at)", async () => {
    const { page, close } = await openTab(suite.browser, { baseURL: suite.app.url, viewport: { width: 1280, height: 900 } });
    onTestFinished(close);
    await signIn(page, coordinator);
    await visit(page, `${networkHome}/annuaire`);
    await page.screenshot({ path: "/tmp/tablee-desktop-annuaire.png", fullPage: true });
    const measure = await overflow(page);
    expect(measure.scrollWidth).toBe(1280);
  });
});
