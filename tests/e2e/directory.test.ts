import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { findCommune, findEpci } from "../../app/features/network/communes.server.ts";
import { VAL_PARISIS } from "../../db/seed/demo.ts";
import { formatInteger } from "../../app/i18n/format.ts";
import {
  E2E_TIMEOUT,
  expectAccessible,
  expectCleanConsole,
  settle,
  signIn,
  useAppAndBrowser,
  VAL_PARISIS_NAME,
  VAL_PARISIS_SLUG,
  visibleText,
  visit,
  waitForHeading,
} from "../support/browser.ts";

const suite = useAppAndBrowser();


const coordinator = "coordination@valparisis.demo.tablee.fr";
const networkHome = `/reseaux/${VAL_PARISIS_SLUG}`;
const directory = `${networkHome}/annuaire`;

/** The Val Parisis communes, from the official data the app is seeded with. */
const valParisis = findEpci(VAL_PARISIS.epciCode)!.memberCodes.map((code) => findCommune(code)!);

function directoryRows(page: Page) {
  return page.getByRole("table").locator("tbody tr");
}

function errorNextTo(page: Page, label: string | RegExp) {
  const input = page.getByLabel(label, { exact: true });
  return { input, error: page.locator(".field", { has: input }).locator(".field-error") };
}

describe("the CCAS directory", { timeout: E2E_TIMEOUT }, () => {
  it("lists the 15 CCAS of Val Parisis with their population", async () => {
    expect(valParisis).toHaveLength(15);
    const { page, log } = await suite.newTab();
    await signIn(page, "agent@ccas-franconville.demo.tablee.fr");
    await page.getByRole("navigation", { name: "Navigation principale" }).getByRole("link", { name: "Annuaire" }).click();
    await waitForHeading(page, "Annuaire des CCAS");
    expect(new URL(page.url()).pathname).toBe(directory);
    await expect(page.getByRole("table").locator("caption").textContent()).resolves.toBe("15 CCAS membres du réseau");
    await expect(directoryRows(page).count()).resolves.toBe(15);
    for (const commune of valParisis) {
      const row = directoryRows(page).filter({ has: page.getByRole("rowheader").getByText(commune.name, { exact: false }) });
      await expect(row.count(), commune.name).resolves.toBe(1);
      const population = await row.locator("td").first().textContent();
      expect(population, commune.name).toBe(`${formatInteger(commune.population!)} habitants (population municipale 2023)`);
    }
    // Names read as French: "du Plessis-Bouchard", not "de Le Plessis-Bouchard".
    await expect(page.getByRole("link", { name: "CCAS du Plessis-Bouchard" }).count()).resolves.toBe(1);
    await expect(page.locator("main").textContent()).resolves.not.toMatch(/ de Les? /);
    // Staff cannot add a CCAS.
    await expect(page.getByRole("link", { name: "Ajouter un CCAS" }).count()).resolves.toBe(0);
    // The directors and elected members are listed as contacts of their CCAS.
    const ermont = directoryRows(page).filter({ has: page.getByRole("link", { name: "CCAS d'Ermont" }) });
    await expect(ermont.textContent()).resolves.toContain("Denis Durand");
    await expect(ermont.getByRole("link", { name: "direction@ccas-ermont.demo.tablee.fr" }).getAttribute("href")).resolves.toBe(
      "mailto:direction@ccas-ermont.demo.tablee.fr",
    );
    await expectAccessible(page, "/annuaire");

    await ermont.getByRole("link", { name: "CCAS d'Ermont" }).click();
    await waitForHeading(page, "CCAS d'Ermont");
    await expect(page.locator("main").textContent()).resolves.toContain("code INSEE 95219");
    await expect(page.getByRole("link", { name: "Modifier les coordonnées" }).count()).resolves.toBe(0);
    await expectAccessible(page, "/annuaire/<Ermont>");
    expectCleanConsole(log);
  });

  it("lets the coordinator add Thorigné-Fouillard by searching « thorigne » and fill in its details", async () => {
    const { page, log } = await suite.newTab();
    await signIn(page, coordinator);
    await visit(page, directory);
    await page.getByRole("link", { name: "Ajouter un CCAS" }).click();
    await waitForHeading(page, "Ajouter un CCAS au réseau");
    await expectAccessible(page, "/annuaire/ajouter");

    await page.getByRole("searchbox", { name: /^Commune/ }).fill("thorigne");
    await page.getByRole("button", { name: "Rechercher" }).click();
    await page.getByRole("heading", { name: "Communes correspondant à « thorigne »" }).waitFor();
    const result = page.getByRole("listitem").filter({ hasText: "Thorigné-Fouillard" });
    await expect(result.textContent()).resolves.toMatch(/Thorigné-Fouillard \(35235\) — département 35, [\d\s  ]+ hab\./);
    expect(new URL(page.url()).searchParams.get("q")).toBe("thorigne");
    await expectAccessible(page, "/annuaire/ajouter?q=thorigne");

    await result.getByRole("button", { name: "Ajouter le CCAS de Thorigné-Fouillard (35)" }).click();
    await waitForHeading(page, "Modifier « CCAS de Thorigné-Fouillard »");
    expect(page.url()).toMatch(new RegExp(`${directory}/[0-9a-f-]{36}/modifier$`));
    await expect(page.getByLabel("Nom", { exact: true }).inputValue()).resolves.toBe("CCAS de Thorigné-Fouillard");
    await expectAccessible(page, "/annuaire/…/modifier");

    // A mistyped e-mail: the French error stands next to the field, nothing typed is lost.
    const address = "1 place de l'Église, 35235 Thorigné-Fouillard";
    await page.getByLabel(/^Adresse/).fill(address);
    await page.getByLabel("Téléphone de l'accueil").fill("02 99 04 54 54");
    await page.getByLabel("E-mail de l'accueil").fill("accueil-ccas.thorigne");
    await page.getByRole("button", { name: "Enregistrer" }).click();
    await settle(page);
    const email = errorNextTo(page, "E-mail de l'accueil");
    await expect(visibleText(email.error, "n'est pas valide")).resolves.toBe(
      "Cette adresse e-mail n'est pas valide (exemple : prenom.nom@mairie.fr).",
    );
    await expect(email.input.getAttribute("aria-invalid")).resolves.toBe("true");
    await expect(email.input.getAttribute("aria-describedby")).resolves.toContain((await email.error.getAttribute("id"))!);
    await expect(email.input.inputValue()).resolves.toBe("accueil-ccas.thorigne");
    await expect(page.getByLabel(/^Adresse/).inputValue()).resolves.toBe(address);
    await expect(page.getByLabel("Téléphone de l'accueil").inputValue()).resolves.toBe("02 99 04 54 54");
    expect(page.url()).toMatch(/\/modifier$/);
    await expectAccessible(page, "/annuaire/…/modifier (erreur)");

    await email.input.fill("accueil@ccas-thorigne-fouillard.fr");
    await page.getByRole("button", { name: "Enregistrer" }).click();
    await waitForHeading(page, "CCAS de Thorigné-Fouillard");
    const details = await page.getByRole("region", { name: "Coordonnées" }).textContent();
    expect(details).toContain(address);
    expect(details).toContain("02 99 04 54 54");
    await expect(page.getByRole("link", { name: "accueil@ccas-thorigne-fouillard.fr" }).getAttribute("href")).resolves.toBe(
      "mailto:accueil@ccas-thorigne-fouillard.fr",
    );
    await expectAccessible(page, "/annuaire/<Thorigné-Fouillard>");

    // Back in the directory: 16 CCAS, the new one with its address.
    await page.getByRole("navigation", { name: "Fil d'Ariane" }).getByRole("link", { name: "Annuaire" }).click();
    await waitForHeading(page, "Annuaire des CCAS");
    await expect(page.getByRole("table").locator("caption").textContent()).resolves.toBe("16 CCAS membres du réseau");
    const row = directoryRows(page).filter({ has: page.getByRole("link", { name: "CCAS de Thorigné-Fouillard" }) });
    await expect(row.textContent()).resolves.toContain(address);

    // Searching again shows it as already in the network.
    await visit(page, `${directory}/ajouter?q=thorigne`);
    const again = page.getByRole("listitem").filter({ hasText: "Thorigné-Fouillard" });
    await expect(again.textContent()).resolves.toContain("déjà dans le réseau");
    await expect(again.getByRole("button").count()).resolves.toBe(0);
    expectCleanConsole(log);
  });
});

describe("isolation between networks", { timeout: E2E_TIMEOUT }, () => {
  it("shows a member of another network the French 404 page, with nothing of Val Parisis", async () => {
    const ermont = await suite.app.database.db
      .selectFrom("organisations")
      .select("id")
      .where("inseeCode", "=", "95219")
      .executeTakeFirstOrThrow();
    const { page, log } = await suite.newTab();
    await signIn(page, "coordination@payshaut.demo.tablee.fr");
    const ownHome = new URL(page.url()).pathname;
    expect(ownHome).not.toBe(networkHome);
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Réseau inter-CCAS du Pays-Haut Val d'Alzette");

    const paths = [networkHome, directory, `${directory}/${ermont.id}`, `${networkHome}/membres`, `${directory}/ajouter`, "/reseaux/pas-de-reseau-ici"];
    const texts: string[] = [];
    for (const path of paths) {
      const response = await visit(page, path);
      expect(response?.status(), path).toBe(404);
      await waitForHeading(page, "Page introuvable");
      await expect(page.title()).resolves.toBe("Erreur — Tablée");
      const text = (await page.locator("body").innerText()).trim();
      expect(text, path).toContain("Erreur 404");
      expect(text, path).toContain("Cette page n'existe pas, a été déplacée, ou ne vous est pas accessible.");
      // Nothing of the other network, not even in the page's data for scripts.
      const html = await page.content();
      for (const secret of [VAL_PARISIS_NAME, "Val Parisis", "Ermont", "Claire Coordinatrice", "valparisis.demo"]) {
        expect(html, `${path} laisse voir « ${secret} »`).not.toContain(secret);
      }
      texts.push(text);
    }
    // The same page as for a network that does not exist: nothing tells them apart.
    expect(new Set(texts).size).toBe(1);
    await page.screenshot({ path: "/tmp/tablee-404.png", fullPage: true });
    await expectAccessible(page, "page 404");

    await page.getByRole("link", { name: "Revenir à l'accueil" }).click();
    await page.waitForURL(`**${ownHome}`);
    await waitForHeading(page, "Réseau inter-CCAS du Pays-Haut Val d'Alzette");
    expectCleanConsole(log);
  });
});
