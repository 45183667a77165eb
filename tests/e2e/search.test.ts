import { beforeAll, describe, expect, it } from "vitest";
import { loadDemoNetworks, orgId, ERMONT } from "../support/fixtures.ts";
import { addDocument } from "../support/documents.ts";
import {
  E2E_TIMEOUT,
  expectAccessible,
  expectCleanConsole,
  settle,
  signIn,
  useAppAndBrowser,
  VAL_PARISIS_SLUG,
  waitForHeading,
} from "../support/browser.ts";

const suite = useAppAndBrowser();
const staff = "agent@ccas-ermont.demo.tablee.fr";
const ids: Record<string, string> = {};

beforeAll(async () => {
  const db = suite.app.database.db;
  const { valParisis } = await loadDemoNetworks(db);
  ids.hospitalisation = await addDocument(db, {
    networkId: valParisis.id,
    kind: "wiki",
    title: "Hospitalisation d'office : mesures provisoires du maire",
    body: ["Le maire arrête les mesures provisoires ; le préfet décide des soins (SDRE)."],
    themes: ["Santé mentale"],
  });
  ids.seniors = await addDocument(db, {
    networkId: valParisis.id,
    kind: "practice",
    title: "Séjours seniors à la mer",
    ownerOrganisationId: orgId(valParisis, ERMONT),
    body: ["Chaque été, des séjours pour les personnes âgées isolées, avec l'ANCV."],
    themes: ["Personnes âgées"],
  });
});

describe("searching the network", { timeout: E2E_TIMEOUT }, () => {
  it("suggests titles while typing in the header, with the keyboard", async () => {
    const { page, log } = await suite.newTab();
    await signIn(page, staff);
    const box = page.getByRole("combobox", { name: "Rechercher dans le réseau" });
    await box.pressSequentially("hospitalisation d'off", { delay: 20 });
    const option = page.getByRole("option", { name: /Hospitalisation d'office : mesures provisoires du maire/ });
    await option.waitFor();
    await expect(box.getAttribute("aria-expanded")).resolves.toBe("true");
    await box.press("ArrowDown");
    await expect(option.getAttribute("aria-selected")).resolves.toBe("true");
    await expect(box.getAttribute("aria-activedescendant")).resolves.toBe(await option.getAttribute("id"));
    await box.press("Enter");
    await page.waitForURL(`**/reseaux/${VAL_PARISIS_SLUG}/veille/${ids.hospitalisation}`);
    expectCleanConsole(log);
  });

  it("finds a note from a query typed without accents, then filters by kind and theme; the page is accessible", async () => {
    const { page, log } = await suite.newTab();
    await signIn(page, staff);
    const box = page.getByRole("combobox", { name: "Rechercher dans le réseau" });
    await box.fill("sejour senior");
    await box.press("Enter");
    await waitForHeading(page, "Recherche");
    await settle(page);
    const results = page.getByRole("region", { name: /résultats? pour « sejour senior »/ });
    await expect(results.getByRole("link", { name: "Séjours seniors à la mer" }).count()).resolves.toBe(1);
    await expect(results.locator("mark").first().textContent()).resolves.toMatch(/séjours/i);
    await expectAccessible(page, "page de résultats");

    await page.getByRole("navigation", { name: "Filtrer par type" }).getByRole("link", { name: /Fiche pratique/ }).click();
    await page.waitForURL(/type=practice/);
    await settle(page);
    await expect(page.getByRole("link", { name: "Séjours seniors à la mer" }).count()).resolves.toBe(1);
    const kindFilter = page.getByRole("navigation", { name: "Filtrer par type" }).getByRole("link", { name: /Fiche pratique/ });
    await expect(kindFilter.getAttribute("aria-current")).resolves.toBe("true");

    await page.getByRole("navigation", { name: "Filtrer par thème" }).getByRole("link", { name: /Personnes âgées/ }).click();
    await page.waitForURL(/theme=/);
    await settle(page);
    await expect(page.getByRole("link", { name: "Séjours seniors à la mer" }).count()).resolves.toBe(1);
    await expectAccessible(page, "résultats filtrés");

    await page.getByRole("link", { name: "Séjours seniors à la mer" }).click();
    await page.waitForURL(`**/reseaux/${VAL_PARISIS_SLUG}/fiches/${ids.seniors}`);
    expectCleanConsole(log);
  });

  it("explains an empty search and fits a 360 px screen", async () => {
    const { page } = await suite.newTab({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
    await signIn(page, staff);
    await page.goto(`/reseaux/${VAL_PARISIS_SLUG}/recherche?q=${encodeURIComponent("le la les ?!")}`);
    await waitForHeading(page, "Recherche");
    await page.getByRole("heading", { name: "Aucun mot à rechercher" }).waitFor();
    await page.goto(`/reseaux/${VAL_PARISIS_SLUG}/recherche?q=personnes`);
    await waitForHeading(page, "Recherche");
    const widths = await page.evaluate(() => {
      const client = document.documentElement.clientWidth;
      const culprits = [...document.querySelectorAll("body *")]
        .filter((element) => element.getBoundingClientRect().right > client + 0.5 && !element.closest(".visually-hidden, .skip-link"))
        .map((element) => `${element.tagName.toLowerCase()}.${String(element.className)}`)
        .slice(0, 5);
      return { scroll: document.documentElement.scrollWidth, client, culprits };
    });
    expect(widths.culprits).toEqual([]);
    expect(widths.scroll).toBeLessThanOrEqual(widths.client);
    await expectAccessible(page, "résultats sur mobile");
  });
});
