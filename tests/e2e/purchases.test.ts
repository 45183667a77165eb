import { parse } from "csv-parse/sync";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { E2E_TIMEOUT, expectAccessible, expectCleanConsole, settle, signIn, useAppAndBrowser, VAL_PARISIS_SLUG, visit, waitForHeading } from "../support/browser.ts";

const suite = useAppAndBrowser();

const ermontDirector = "direction@ccas-ermont.demo.tablee.fr";
const franconvilleDirector = "direction@ccas-franconville.demo.tablee.fr";
const tavernyDirector = "direction@ccas-taverny.demo.tablee.fr";
const paysHautCoordinator = "coordination@payshaut.demo.tablee.fr";
const thilDirector = "direction@ccas-thil.demo.tablee.fr";

function fieldErrorOf(page: Page, label: string) {
  return page.locator(".field", { has: page.getByLabel(label, { exact: true }) }).locator(".field-error");
}

const pdf = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
/** A Windows executable renamed .pdf: refused by its content, whatever its name says. */
function renamedExecutable(): Buffer {
  const exe = Buffer.alloc(4096);
  exe.set([0x4d, 0x5a, 0x90, 0x00]);
  exe.write("PE\0\0", 128, "latin1");
  exe[0x3c] = 128;
  return exe;
}

async function noHorizontalScroll(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, "défilement horizontal à 360 px").toBeLessThanOrEqual(0);
}

async function openAbsPurchase(page: Page) {
  await visit(page, `/reseaux/${VAL_PARISIS_SLUG}`);
  await page.getByRole("navigation", { name: "Navigation principale" }).getByRole("link", { name: "Achats groupés" }).click();
  await waitForHeading(page, "Achats groupés");
  await page.getByRole("link", { name: "Analyse des besoins sociaux 2027" }).click();
  await waitForHeading(page, "Analyse des besoins sociaux 2027");
}

async function join(page: Page, need: string) {
  await page.getByLabel("Votre réponse").selectOption("joined");
  await page.getByLabel("Besoin estimé (€ HT)").fill(need);
  await page.getByLabel("Date de la délibération du conseil d'administration").fill("2026-10-15");
  await page.getByRole("button", { name: "Enregistrer la réponse" }).click();
  await settle(page);
}

async function confirmOrder(page: Page, ccas: string) {
  await page.getByRole("button", { name: `Confirmer la commande du ${ccas}` }).click();
  await settle(page);
  await page.getByText(`${ccas} : Commande confirmée`).waitFor();
}

describe("group purchases in the browser", { timeout: E2E_TIMEOUT * 2 }, () => {
  it("ABS 2027: needs → offers → comparison → award → each CCAS confirms → shares exported", async () => {
    const franconville = await suite.newTab({ viewport: { width: 360, height: 780 }, isMobile: true, hasTouch: true });
    const taverny = await suite.newTab();
    const ermont = await suite.newTab({ viewport: { width: 1280, height: 900 } });

    // Franconville's director, on a phone, joins; a negative need is refused next to the field and nothing is saved.
    await signIn(franconville.page, franconvilleDirector);
    await openAbsPurchase(franconville.page);
    await expectAccessible(franconville.page, "achat groupé, sur téléphone");
    await noHorizontalScroll(franconville.page);
    await join(franconville.page, "-5");
    await fieldErrorOf(franconville.page, "Besoin estimé (€ HT)").filter({ hasText: "montant positif" }).waitFor();
    await join(franconville.page, "16 000");
    await franconville.page.getByText(/6 CCAS adhèrent, pour un besoin cumulé de 101\s500,00\s€ HT/).waitFor();

    await signIn(taverny.page, tavernyDirector);
    await openAbsPurchase(taverny.page);
    await join(taverny.page, "17 500");
    await taverny.page.getByText(/7 CCAS adhèrent, pour un besoin cumulé de 119\s000,00\s€ HT/).waitFor();

    // The coordinating CCAS records a second offer (a wrong SIRET is refused), compares and awards.
    await signIn(ermont.page, ermontDirector);
    await openAbsPurchase(ermont.page);
    await ermont.page.getByLabel("Prestataire", { exact: true }).fill("Cabinet Territoires Solidaires");
    await ermont.page.getByLabel("SIRET", { exact: true }).fill("80123456700024");
    await ermont.page.getByLabel("Palier 1 : prix par CCAS (€ HT)").fill("22 000");
    await ermont.page.getByLabel("Palier 2 : prix par CCAS (€ HT)").fill("18 000");
    await ermont.page.getByLabel("Palier 3 : prix par CCAS (€ HT)").fill("16 000");
    await ermont.page.getByRole("button", { name: "Enregistrer l'offre" }).click();
    await fieldErrorOf(ermont.page, "SIRET").filter({ hasText: "Ce SIRET n'est pas valide" }).waitFor();
    await ermont.page.getByLabel("SIRET", { exact: true }).fill("801 234 567 00023");
    await ermont.page.getByRole("button", { name: "Enregistrer l'offre" }).click();
    await settle(ermont.page);
    const offer = ermont.page.locator("section.offer", { has: ermont.page.getByRole("heading", { name: "Cabinet Territoires Solidaires" }) });
    await offer.getByText("Prix pour 7 CCAS participants, comparé à un achat seul").waitFor();
    // 16 000 € from 5 CCAS against 22 000 € alone: 6 000 € saved by each of the 7.
    expect((await offer.locator("tfoot").innerText()).replace(/\s+/g, " ")).toMatch(/Total 112 000,00 € 154 000,00 € 42 000,00 €/);
    await expectAccessible(ermont.page, "comparaison des offres");
    // The offer's quotation, attached by the coordinating CCAS: a renamed executable is refused next to the field.
    const offerFile = ermont.page.getByLabel("Joindre un fichier à l'offre Cabinet Territoires Solidaires");
    await offerFile.setInputFiles({ name: "devis.pdf", mimeType: "application/pdf", buffer: renamedExecutable() });
    await offer.getByRole("button", { name: "Joindre", exact: true }).click();
    await settle(ermont.page);
    await offer.locator(".field", { has: offerFile }).locator(".field-error").filter({ hasText: "n'est pas d'un type accepté" }).waitFor({ timeout: 15_000 });
    expect(await offerFile.getAttribute("aria-invalid")).toBe("true");
    await offerFile.setInputFiles({ name: "devis Territoires Solidaires.pdf", mimeType: "application/pdf", buffer: pdf });
    await offer.getByRole("button", { name: "Joindre", exact: true }).click();
    await settle(ermont.page);
    await offer.getByRole("link", { name: "devis Territoires Solidaires.pdf" }).waitFor({ timeout: 15_000 });
    await offer.getByText("Pièce jointe « devis Territoires Solidaires.pdf » ajoutée.").waitFor();
    await expectAccessible(ermont.page, "pièce jointe d'une offre");
    await ermont.page.getByLabel("Offre retenue").selectOption({ label: "Cabinet Territoires Solidaires" });
    await ermont.page.getByLabel("Motif du choix").fill("Moins cher à 7 CCAS, méthode participative.");
    await ermont.page.getByRole("button", { name: "Attribuer" }).click();
    await settle(ermont.page);
    await ermont.page.getByText("Motif : Moins cher à 7 CCAS, méthode participative.").waitFor();
    await ermont.page.getByText(/Consultation → Attribution \(Denis Durand\)/).waitFor();

    // Each CCAS confirms its own order.
    await confirmOrder(ermont.page, "CCAS d'Ermont");
    await franconville.page.reload();
    // Every member downloads the offer's files; only the managers may add some.
    const quotation = franconville.page.getByRole("link", { name: "devis Territoires Solidaires.pdf" });
    const downloaded = await franconville.page.request.get((await quotation.getAttribute("href"))!);
    expect(downloaded.status()).toBe(200);
    expect((await downloaded.body()).subarray(0, 8).toString()).toBe("%PDF-1.4");
    expect(await franconville.page.getByLabel("Joindre un fichier à l'offre Cabinet Territoires Solidaires").count()).toBe(0);
    await confirmOrder(franconville.page, "CCAS de Franconville");
    await expectAccessible(franconville.page, "confirmation de commande, sur téléphone");
    await taverny.page.reload();
    await confirmOrder(taverny.page, "CCAS de Taverny");

    // The shares, exported: every CCAS pays 16 000 € HT, 7 of them.
    const link = ermont.page.getByRole("link", { name: "télécharger en CSV" });
    const response = await ermont.page.request.get((await link.getAttribute("href"))!);
    expect(response.headers()["content-type"]).toContain("text/csv");
    const rows: string[][] = parse(await response.text(), { delimiter: ";", bom: true });
    expect(rows).toHaveLength(9);
    expect(rows.find((row) => row[0] === "CCAS de Taverny")?.slice(2)).toEqual(["confirmée", "16000,00"]);
    expect(rows.at(-1)).toEqual(["Total", "", "", "112000,00"]);
    const xlsx = await ermont.page.request.get((await ermont.page.getByRole("link", { name: "télécharger en XLSX" }).getAttribute("href"))!);
    expect(xlsx.status()).toBe(200);

    // The ABS tracker links Franconville's ABS to the purchase; its page and the list are accessible too.
    await visit(franconville.page, `/reseaux/${VAL_PARISIS_SLUG}/abs`);
    await waitForHeading(franconville.page, "Analyses des besoins sociaux 2027");
    await franconville.page.getByLabel("État", { exact: true }).selectOption("provider_chosen");
    await franconville.page.getByLabel("Achat groupé (facultatif)").selectOption({ label: "Analyse des besoins sociaux 2027" });
    await franconville.page.getByRole("button", { name: "Enregistrer" }).click();
    await settle(franconville.page);
    await franconville.page.getByRole("link", { name: "Analyse des besoins sociaux 2027" }).nth(1).waitFor();
    await expectAccessible(franconville.page, "suivi des ABS, sur téléphone");
    await noHorizontalScroll(franconville.page);
    await visit(ermont.page, `/reseaux/${VAL_PARISIS_SLUG}/achats`);
    await expectAccessible(ermont.page, "liste des achats groupés");
    for (const tab of [franconville, taverny, ermont]) expectCleanConsole(tab.log);
  });

  it("a convention with a residual-cost key: the département pays 60 %, Thil and Hussigny 15 % of the rest each", async () => {
    const coordinator = await suite.newTab({ viewport: { width: 1280, height: 900 } });
    await signIn(coordinator.page, paysHautCoordinator);
    const slug = "reseau-inter-ccas-du-pays-haut-val-d-alzette";
    await visit(coordinator.page, `/reseaux/${slug}/conventions`);
    await waitForHeading(coordinator.page, "Conventions de mutualisation");
    await expectAccessible(coordinator.page, "conventions");
    const page = coordinator.page;
    await page.getByLabel("Intitulé").fill("Minibus de transport à la demande (9 places)");
    await page.getByLabel("Service partagé").selectOption({ label: "Minibus de transport à la demande" });
    await page.getByLabel("Coût annuel (€)").fill("9 000");
    await page.getByLabel("Clé de répartition").selectOption({ label: "Part du reste à charge après cofinancement" });
    await page.getByLabel("Cofinanceur").fill("Département de Meurthe-et-Moselle");
    await page.getByLabel("Part cofinancée (%)").fill("60");
    await page.getByLabel("Début").fill("2027-01-01");
    await page.getByLabel("Renouvellement").fill("2028-01-01");
    for (const name of ["CCAS de Villerupt", "CCAS de Thil", "CCAS d'Hussigny-Godbrange"]) await page.getByRole("checkbox", { name }).check();
    await page.getByLabel("Part (%) — CCAS de Thil").fill("15");
    await page.getByLabel("Part (%) — CCAS d'Hussigny-Godbrange").fill("95");
    await page.getByRole("button", { name: "Enregistrer la convention" }).click();
    await settle(page);
    await page.getByText("Les parts du reste à charge dépassent 100 % (110 %).").waitFor();
    expect(await page.getByLabel("Intitulé").inputValue()).toBe("Minibus de transport à la demande (9 places)");
    await page.getByLabel("Part (%) — CCAS d'Hussigny-Godbrange").fill("15");
    await page.getByRole("button", { name: "Enregistrer la convention" }).click();
    await waitForHeading(page, "Minibus de transport à la demande (9 places)");
    await page.getByRole("row", { name: /Département de Meurthe-et-Moselle cofinancement 5\s400,00\s€/ }).waitFor();
    await page.getByRole("row", { name: /CCAS de Thil .*× 15 % du reste à charge 540,00\s€/ }).waitFor();
    await page.getByRole("row", { name: /CCAS de Villerupt .*\(solde\) 2\s520,00\s€/ }).waitFor();
    await page.getByText(/Cette année, le CCAS de Villerupt doit 2\s520,00\s€/).waitFor();
    await expectAccessible(page, "convention");
    const url = new URL(page.url()).pathname;

    // The signed convention, filed with it; deleting a document asks first.
    await page.getByLabel("Ajouter un document").setInputFiles({ name: "convention signée.pdf", mimeType: "application/pdf", buffer: pdf });
    await page.getByRole("button", { name: "Joindre", exact: true }).click();
    await settle(page);
    await page.getByRole("link", { name: "convention signée.pdf" }).waitFor({ timeout: 15_000 });
    await page.getByLabel("Ajouter un document").setInputFiles({ name: "brouillon.pdf", mimeType: "application/pdf", buffer: pdf });
    await page.getByRole("button", { name: "Joindre", exact: true }).click();
    await settle(page);
    await page.getByRole("link", { name: "brouillon.pdf" }).waitFor({ timeout: 15_000 });
    await page.getByRole("button", { name: "Supprimer… brouillon.pdf" }).click();
    await settle(page);
    await page.getByRole("alertdialog", { name: "Supprimer « brouillon.pdf » ?" }).waitFor({ timeout: 15_000 });
    await expectAccessible(page, "confirmation de suppression d'un document");
    await page.getByRole("button", { name: "Supprimer définitivement" }).click();
    await settle(page);
    await page.getByText("Pièce jointe « brouillon.pdf » supprimée.").waitFor({ timeout: 15_000 });
    expect(await page.getByRole("link", { name: "brouillon.pdf" }).count()).toBe(0);
    await expectAccessible(page, "documents de la convention");

    // Edited after the fact: the partners now pay 3,60 € per inhabitant a year; a missing rate is refused next to its field.
    await page.getByText("Modifier les parties, le service, le coût, la clé ou les dates").click();
    const edit = page.locator("#modifier-convention");
    await edit.getByLabel("Intitulé").fill("Minibus de transport à la demande (contribution par habitant)");
    await edit.getByLabel("Clé de répartition").selectOption({ label: "Montant fixe par habitant" });
    await edit.getByRole("button", { name: "Enregistrer les modifications" }).click();
    await settle(page);
    await fieldErrorOf(page, "Montant par habitant et par an (€)").filter({ hasText: "Indiquez le montant dû par habitant, par exemple 3,60." }).waitFor({ timeout: 15_000 });
    expect(await edit.getByLabel("Intitulé").inputValue()).toBe("Minibus de transport à la demande (contribution par habitant)");
    await expectAccessible(page, "modification d'une convention refusée");
    await edit.getByLabel("Montant par habitant et par an (€)").fill("3,60");
    await edit.getByRole("button", { name: "Enregistrer les modifications" }).click();
    await waitForHeading(page, "Minibus de transport à la demande (contribution par habitant)");
    await page.getByRole("row", { name: /CCAS de Thil 3,60\s€ × 2\s016 habitants 7\s257,60\s€/ }).waitFor({ timeout: 15_000 });
    await page.getByText(/Chaque CCAS verse 3,60\s€ par habitant et par an/).waitFor();
    await page.getByText("Modifications enregistrées.").waitFor();
    await expectAccessible(page, "convention modifiée");

    const thil = await suite.newTab({ viewport: { width: 360, height: 780 }, isMobile: true, hasTouch: true });
    await signIn(thil.page, thilDirector);
    await visit(thil.page, url);
    await thil.page.getByText(/Cette année, le CCAS de Thil doit 7\s257,60\s€/).waitFor();
    await thil.page.getByRole("link", { name: "convention signée.pdf" }).waitFor();
    await noHorizontalScroll(thil.page);
    await expectAccessible(thil.page, "convention, sur téléphone");
    // A party's director may record conventions too: the form fits a phone.
    await visit(thil.page, `/reseaux/${slug}/conventions`);
    await thil.page.getByRole("button", { name: "Enregistrer la convention" }).waitFor();
    await noHorizontalScroll(thil.page);
    await expectAccessible(thil.page, "conventions, sur téléphone");
    expectCleanConsole(coordinator.log);
    expectCleanConsole(thil.log);
  });
});
