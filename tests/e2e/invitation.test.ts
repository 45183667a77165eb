import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
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
  waitForHydration,
} from "../support/browser.ts";

const suite = useAppAndBrowser();


const coordinator = "coordination@valparisis.demo.tablee.fr";
const networkHome = `/reseaux/${VAL_PARISIS_SLUG}`;
const invitee = { email: "nadege.nouvelle@mairie-sannois.fr", name: "Nadège Nouvelle", password: "les tables rondes du jeudi" };

/** The error shown in the same field block as the input labelled `label`. */
function errorNextTo(page: Page, label: string | RegExp) {
  const input = page.getByLabel(label, { exact: true });
  return { input, error: page.locator(".field", { has: input }).locator(".field-error") };
}

describe("invitation of a new person", { timeout: E2E_TIMEOUT }, () => {
  it("lets the coordinator invite someone who creates an account from the e-mailed link and joins the network", async () => {
    // The coordinator sends the invitation from the members page.
    const coordinatorTab = await suite.newTab();
    const page = coordinatorTab.page;
    await signIn(page, coordinator);
    await page.getByRole("navigation", { name: "Navigation principale" }).getByRole("link", { name: "Membres" }).click();
    await page.waitForURL(`**${networkHome}/membres`);
    await waitForHeading(page, "Membres du réseau");
    await expectAccessible(page, "/membres");

    await page.getByLabel("Adresse e-mail de la personne").fill(invitee.email);
    await page.getByLabel("CCAS", { exact: true }).selectOption({ label: "CCAS de Sannois" });
    await page.getByLabel("Rôle", { exact: true }).selectOption({ label: "Directeur·rice de CCAS" });
    await page.getByRole("button", { name: "Envoyer l'invitation" }).click();
    const sent = page.getByRole("status");
    await sent.waitFor();
    await settle(page);
    await expect(sent.textContent()).resolves.toContain(`Invitation envoyée à ${invitee.email}`);
    // Listed among the pending invitations, and the form is emptied for the next one.
    await page.getByRole("listitem").filter({ hasText: `${invitee.email} — CCAS de Sannois, directeur·rice de ccas` }).waitFor();
    await expect.poll(() => page.getByLabel("Adresse e-mail de la personne").inputValue()).toBe("");
    await expectAccessible(page, "/membres (invitation envoyée)");

    const mail = suite.app.mailbox.messages.find((message) => message.to === invitee.email);
    expect(mail?.subject).toBe(`Tablée — invitation à rejoindre ${VAL_PARISIS_NAME}`);
    const link = suite.app.mailbox.lastLink(invitee.email, "/invitation/");

    // The invited person opens the link in their own browser.
    const inviteeTab = await suite.newTab();
    const guest = inviteeTab.page;
    await visit(guest, link);
    await waitForHeading(guest, "Invitation à rejoindre Tablée");
    const intro = await guest.locator("main").textContent();
    expect(intro).toContain(`Vous êtes invité·e à rejoindre ${VAL_PARISIS_NAME} pour le CCAS de Sannois, en tant que directeur·rice de ccas.`);
    expect(intro).toContain(`Invitation adressée à ${invitee.email}`);
    await expectAccessible(guest, "/invitation/…");

    // A bad submission: French errors next to the fields, the name kept.
    await guest.getByLabel("Prénom et nom").fill(invitee.name);
    await guest.getByLabel(/^Mot de passe/).fill("trop court");
    await guest.getByLabel("Confirmez le mot de passe").fill("autre chose");
    await guest.getByRole("button", { name: "Créer mon compte et rejoindre le réseau" }).click();
    await settle(guest);
    const password = errorNextTo(guest, /^Mot de passe/);
    const confirmation = errorNextTo(guest, "Confirmez le mot de passe");
    await expect(visibleText(password.error, "au moins 12")).resolves.toBe("Le mot de passe doit faire au moins 12 caractères.");
    await expect(password.input.getAttribute("aria-invalid")).resolves.toBe("true");
    await expect(password.input.getAttribute("aria-describedby")).resolves.toContain((await password.error.getAttribute("id"))!);
    await expect(visibleText(confirmation.error, "identiques")).resolves.toBe("Les deux mots de passe ne sont pas identiques.");
    await expect(confirmation.input.getAttribute("aria-invalid")).resolves.toBe("true");
    await expect(guest.getByLabel("Prénom et nom").inputValue()).resolves.toBe(invitee.name);
    expect(new URL(guest.url()).pathname).toMatch(/^\/invitation\//);
    await expectAccessible(guest, "/invitation/… (erreurs)");

    // Corrected, the account is created and the person lands in the network.
    await guest.getByLabel(/^Mot de passe/).fill(invitee.password);
    await guest.getByLabel("Confirmez le mot de passe").fill(invitee.password);
    await guest.getByRole("button", { name: "Créer mon compte et rejoindre le réseau" }).click();
    await guest.waitForURL(`**${networkHome}`);
    await waitForHydration(guest);
    await waitForHeading(guest, VAL_PARISIS_NAME);
    await expect(guest.getByRole("link", { name: `Mon profil (${invitee.name})` }).isVisible()).resolves.toBe(true);
    await expect(guest.getByRole("region", { name: "Mon CCAS" }).textContent()).resolves.toContain(
      "CCAS de Sannois — Directeur·rice de CCAS",
    );
    await expectAccessible(guest, "accueil du réseau (nouveau compte)");

    // The new director is in the directory, as a contact of their CCAS.
    await guest.getByRole("navigation", { name: "Navigation principale" }).getByRole("link", { name: "Annuaire" }).click();
    await guest.waitForURL(`**${networkHome}/annuaire`);
    await waitForHeading(guest, "Annuaire des CCAS");
    const row = guest.getByRole("row").filter({ has: guest.getByRole("rowheader", { name: /CCAS de Sannois/ }) });
    await expect(row.textContent()).resolves.toContain(invitee.name);
    await expect(row.getByRole("link", { name: invitee.email }).count()).resolves.toBe(1);
    await expectAccessible(guest, "/annuaire (nouveau compte)");

    // ...and among the coordinator's members, no longer pending.
    await visit(page, `${networkHome}/membres`);
    const memberRow = page.getByRole("row").filter({ has: page.getByRole("rowheader", { name: new RegExp(invitee.name) }) });
    await expect(memberRow.textContent()).resolves.toContain("CCAS de Sannois");
    await expect(memberRow.textContent()).resolves.toContain(invitee.email);
    await expect(page.locator("main").textContent()).resolves.toContain("Aucune invitation en attente.");

    // The link cannot serve twice.
    const lateTab = await suite.newTab();
    await visit(lateTab.page, link);
    await expect(lateTab.page.getByRole("status").textContent()).resolves.toContain("Cette invitation a déjà été utilisée.");
    await expect(lateTab.page.getByLabel("Prénom et nom").count()).resolves.toBe(0);
    await expectAccessible(lateTab.page, "/invitation/… (déjà utilisée)");

    for (const tab of [coordinatorTab, inviteeTab, lateTab]) expectCleanConsole(tab.log);
  });

  it("answers a bad submission with French errors next to the fields even without JavaScript", async () => {
    const email = "sans.javascript@mairie-eaubonne.fr";
    const { page } = await suite.newTab();
    await signIn(page, coordinator);
    await visit(page, `${networkHome}/membres`);
    await page.getByLabel("Adresse e-mail de la personne").fill(email);
    await page.getByLabel("CCAS", { exact: true }).selectOption({ label: "CCAS d'Eaubonne" });
    await page.getByRole("button", { name: "Envoyer l'invitation" }).click();
    await page.getByRole("status").waitFor();
    await settle(page);
    const link = suite.app.mailbox.lastLink(email, "/invitation/");

    const { page: guest } = await suite.newTab({ javaScriptEnabled: false });
    await guest.goto(link);
    await guest.getByLabel("Prénom et nom").fill("Paul Sans-Script");
    await guest.getByLabel(/^Mot de passe/).fill("court");
    await guest.getByLabel("Confirmez le mot de passe").fill("différent");
    await Promise.all([
      guest.waitForNavigation(),
      guest.getByRole("button", { name: "Créer mon compte et rejoindre le réseau" }).click(),
    ]);
    // The server answered the page itself: the errors and the name come from it.
    const password = errorNextTo(guest, /^Mot de passe/);
    await expect(visibleText(password.error, "au moins 12")).resolves.toBe("Le mot de passe doit faire au moins 12 caractères.");
    await expect(password.input.getAttribute("aria-invalid")).resolves.toBe("true");
    await expect(visibleText(errorNextTo(guest, "Confirmez le mot de passe").error, "identiques")).resolves.toBe(
      "Les deux mots de passe ne sont pas identiques.",
    );
    await expect(guest.getByLabel("Prénom et nom").inputValue()).resolves.toBe("Paul Sans-Script");
    await expect(password.input.inputValue()).resolves.toBe("");
  });
});
