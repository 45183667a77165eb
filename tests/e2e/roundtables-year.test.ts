import ICAL from "ical.js";
import type { Locator, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  E2E_TIMEOUT,
  expectAccessible,
  expectCleanConsole,
  settle,
  signIn,
  useAppAndBrowser,
  VAL_PARISIS_SLUG,
  visit,
  waitForHeading,
} from "../support/browser.ts";

/**
 * A coordinator runs a year of round tables in the browser: four meetings
 * created from the rotation plan, each with a different host; the first one
 * goes through the whole cycle, and its open action comes back on the next.
 */

const suite = useAppAndBrowser();
const coordinator = "coordination@valparisis.demo.tablee.fr";
const ermontStaff = "agent@ccas-ermont.demo.tablee.fr";
const roundTables = `/reseaux/${VAL_PARISIS_SLUG}/tables-rondes`;

function item(page: Page, title: string): Locator {
  return page.locator("li.agenda-item", { has: page.getByRole("heading", { name: title }) });
}

function agendaTitles(page: Page): Promise<string[]> {
  return page.locator("ol.agenda > li h3").allTextContents();
}

async function propose(page: Page, title: string, minutes: string) {
  // The form is emptied after the previous proposal: type only once it has been.
  await expect.poll(() => page.getByLabel("Titre du point").inputValue(), { timeout: 15_000 }).toBe("");
  await page.getByLabel("Titre du point").fill(title);
  await page.getByLabel("Durée estimée (en minutes)").fill(minutes);
  await page.getByRole("button", { name: "Proposer ce point" }).click();
  const done = page.getByRole("status").filter({ hasText: `Point proposé : « ${title} ».` });
  await done.waitFor({ timeout: 20_000 }).catch(async (error: Error) => {
    const form = await page.locator("#proposer-un-point").innerText().catch(() => "(formulaire introuvable)");
    throw new Error(`${error.message}\nFormulaire : ${form}`);
  });
  await settle(page);
}

async function changeStatus(page: Page, button: string, expected: RegExp) {
  await page.getByRole("button", { name: button }).click();
  await page.getByRole("status").filter({ hasText: expected }).waitFor();
  await settle(page);
}

/** Creates the next round table from the plan, as proposed, and returns its path and host. */
async function createNextMeeting(page: Page): Promise<{ path: string; host: string }> {
  await visit(page, roundTables);
  await waitForHeading(page, "Tables rondes");
  const host = (await page.getByLabel("Commune d'accueil").locator("option:checked").textContent())!;
  await page.getByRole("button", { name: "Créer cette table ronde" }).click();
  await page.getByRole("heading", { level: 1, name: /^Table ronde du / }).waitFor();
  await settle(page);
  return { path: new URL(page.url()).pathname, host };
}

describe("a year of round tables", { timeout: E2E_TIMEOUT * 3 }, () => {
  it("plan → meeting → agenda (drag and drop) → convocation with .ics → attendance → minutes and actions → next agenda; four hosts in a year", async () => {
    const host = await suite.newTab({ viewport: { width: 1280, height: 900 } });
    const member = await suite.newTab({ viewport: { width: 1280, height: 900 } });
    await signIn(host.page, coordinator);
    await signIn(member.page, ermontStaff);

    const first = await createNextMeeting(host.page);
    const welcome = (await agendaTitles(host.page))[0]!;

    // Members propose; the coordinator accepts and reorders by dragging.
    await visit(member.page, first.path);
    await member.page.getByText("Mis à jour en direct").waitFor();
    await propose(member.page, "Plan canicule : registre commun", "30");
    await propose(member.page, "ABS 2027 : point d'étape", "20");
    await host.page.getByRole("heading", { name: "ABS 2027 : point d'étape" }).waitFor();
    for (const title of ["Plan canicule : registre commun", "ABS 2027 : point d'étape"]) {
      await item(host.page, title).getByRole("button", { name: /^Retenir « / }).click();
      await item(host.page, title).getByText("Retenu", { exact: true }).waitFor();
      await settle(host.page);
    }
    expect(await agendaTitles(host.page)).toEqual([welcome, "Plan canicule : registre commun", "ABS 2027 : point d'étape"]);
    await item(host.page, "ABS 2027 : point d'étape").dragTo(item(host.page, "Plan canicule : registre commun"));
    await host.page.getByRole("status").filter({ hasText: "Point déplacé en position 2." }).waitFor();
    const reordered = [welcome, "ABS 2027 : point d'étape", "Plan canicule : registre commun"];
    await expect.poll(() => agendaTitles(host.page), { timeout: 15_000 }).toEqual(reordered);
    // The other member sees the new order without reloading.
    await expect.poll(() => agendaTitles(member.page), { timeout: 15_000 }).toEqual(reordered);
    await expectAccessible(host.page, "ordre du jour arrangé");

    // Closing the agenda sends the convocation, with the meeting as an .ics file a calendar can read.
    await changeStatus(host.page, "Ouvrir l'ordre du jour", /Statut : Ordre du jour ouvert/);
    const sentBefore = suite.app.mailbox.messages.length;
    await changeStatus(host.page, "Arrêter l'ordre du jour", /Convocation en cours d'envoi à \d+ membres/);
    await suite.app.deliverMail();
    const convocations = suite.app.mailbox.messages.slice(sentBefore);
    const toErmont = convocations.find((message) => message.to === ermontStaff)!;
    expect(toErmont.text).toContain("ABS 2027 : point d'étape");
    const ics = toErmont.attachments!.find((attachment) => attachment.contentType.startsWith("text/calendar"))!;
    const event = new ICAL.Event(new ICAL.Component(ICAL.parse(ics.content)).getFirstSubcomponent("vevent")!);
    expect(event.summary).toBe(`Table ronde inter-CCAS — ${first.host}`);
    expect(event.description).toContain("2. ABS 2027 : point d'étape");

    // One member's convocation never got through (every attempt failed): the host sees it, on a phone too, and sends
    // it again from the keyboard.
    await suite.app.database.db
      .updateTable("mailOutbox")
      .set({ sentAt: null, failedAt: new Date(), lastError: "550 5.1.1 Adresse inconnue" })
      .where("referenceId", "=", first.path.split("/").pop()!)
      .where("recipient", "=", ermontStaff)
      .execute();
    await host.page.setViewportSize({ width: 360, height: 800 });
    await visit(host.page, first.path);
    await host.page.getByText("1 convocation non remise : le serveur d'envoi ne l'a pas acceptée.").waitFor();
    await host.page.getByRole("listitem").filter({ hasText: ermontStaff }).waitFor();
    await expectAccessible(host.page, "convocation non remise, sur téléphone");
    expect(await host.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await host.page.getByRole("button", { name: "Renvoyer la convocation non remise" }).focus();
    await host.page.keyboard.press("Enter");
    await host.page.getByRole("status").filter({ hasText: "Nouvel essai d'envoi de la convocation à 1 membre." }).waitFor();
    await settle(host.page);
    await host.page.setViewportSize({ width: 1280, height: 900 });
    await suite.app.deliverMail();
    expect(suite.app.mailbox.messages.slice(sentBefore).filter((message) => message.to === ermontStaff)).toHaveLength(2);

    // Each CCAS says who comes; the host sees the count.
    await visit(member.page, first.path);
    await member.page.getByLabel("Nom de la personne").fill("Amine Benali");
    await member.page.getByLabel("Fonction").selectOption({ label: "Autre (agent, partenaire…)" });
    await member.page.getByLabel("Besoins d'accessibilité (facultatif)").fill("Boucle magnétique");
    await member.page.getByRole("button", { name: "Inscrire", exact: true }).click();
    await member.page.getByRole("status").filter({ hasText: "Amine Benali est inscrit·e." }).waitFor();
    await visit(host.page, first.path);
    // Once the worker has sent it, the host reads that the convocation reached every member.
    await host.page.getByText(new RegExp(`Convocation du .* : remise à ${convocations.length} membres\\.`)).waitFor();
    await host.page.getByText("1 personne inscrite : CCAS d'Ermont (1).").waitFor();
    await host.page.getByText("Boucle magnétique").first().waitFor();

    // The day comes (the test moves the meeting into the past rather than waiting a quarter).
    await suite.app.database.db
      .updateTable("meetings")
      .set({ startsAt: new Date(Date.now() - 3 * 3600_000) })
      .where("id", "=", first.path.split("/").pop()!)
      .execute();
    await visit(host.page, first.path);
    await changeStatus(host.page, "Indiquer que la table ronde s'est tenue", /Statut : Tenue/);
    await host.page.getByRole("button", { name: "Noter présent·e : Amine Benali" }).click();
    await host.page.getByText(/Amine Benali — .* · présent·e/).waitFor();
    await settle(host.page);

    // Minutes and a follow-up action owned by Ermont, due in two months.
    await host.page.getByRole("link", { name: "Lire et rédiger le compte rendu" }).or(host.page.getByRole("link", { name: "Compte rendu" })).first().click();
    await host.page.getByRole("heading", { level: 1, name: /^Compte rendu de la table ronde du / }).waitFor();
    await host.page.getByRole("button", { name: "Commencer le compte rendu" }).click();
    await host.page.locator(".editor [contenteditable=true]").waitFor();
    await host.page.locator(".editor [contenteditable=true]").click();
    await host.page.keyboard.type("Le registre canicule sera commun aux quinze communes.");
    await host.page.getByText("connecté", { exact: false }).first().waitFor();
    await visit(host.page, first.path);
    const due = new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10);
    await host.page.getByLabel("Action", { exact: true }).fill("Partager le modèle de registre canicule");
    await host.page.getByLabel("CCAS qui la porte").selectOption({ label: "CCAS d'Ermont" });
    await host.page.getByLabel("Échéance").fill(due);
    await host.page.getByRole("button", { name: "Ajouter l'action" }).click();
    await host.page.getByRole("status").filter({ hasText: /action/i }).waitFor();
    await settle(host.page);
    await changeStatus(host.page, "Publier le compte rendu", /Statut : Compte rendu publié/);
    await expectAccessible(host.page, "table ronde tenue, compte rendu publié");

    // The next three round tables of the year, from the plan: a different host each time.
    const next = [await createNextMeeting(host.page), await createNextMeeting(host.page), await createNextMeeting(host.page)];
    const hosts = [first.host, ...next.map((meeting) => meeting.host)];
    expect(new Set(hosts).size).toBe(4);
    // The open action is on the next agenda, under "Suivi des actions".
    await visit(member.page, next[0]!.path);
    const followUp = member.page.locator("section", { has: member.page.getByRole("heading", { name: "Suivi des actions" }) });
    await followUp.getByRole("listitem").filter({ hasText: "Partager le modèle de registre canicule" }).waitFor();
    await expectAccessible(member.page, "table ronde suivante avec le suivi des actions");

    // Every member of the calendar subscription sees the four meetings.
    await visit(member.page, "/profil/calendrier");
    await waitForHeading(member.page, "Abonnement calendrier");
    await expectAccessible(member.page, "abonnement calendrier");
    await member.page.getByRole("button", { name: "Créer mon lien d'abonnement" }).click();
    const feedUrl = await member.page.getByLabel("Adresse de l'abonnement").inputValue();
    const feed = await (await fetch(feedUrl)).text();
    const uids = new ICAL.Component(ICAL.parse(feed)).getAllSubcomponents("vevent").map((component) => component.getFirstPropertyValue("uid"));
    for (const meeting of [first, ...next]) expect(uids).toContain(`table-ronde-${meeting.path.split("/").pop()}@tablee`);
    await expectAccessible(member.page, "lien d'abonnement créé");

    expectCleanConsole(host.log);
    expectCleanConsole(member.log);
  });
});
