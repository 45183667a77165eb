import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Window } from "happy-dom";
import { sql } from "kysely";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { EVENTS, type JoinReply, type UpdateReply } from "../../realtime/protocol.ts";
import { launchBrowser } from "../support/browser.ts";
import { openSocket } from "../support/collab.ts";
import type { HttpClient } from "../support/http-client.ts";
import { startTestApp, type TestApp } from "../support/server.ts";
import { discoverRoutes } from "./discovery.ts";
import { routePolicies } from "./policy.ts";
import { prepareSecurityFixture, urlFor, type SecurityFixture } from "./support.ts";
import { XSS_VECTOR_COUNT, xssVectors, type XssVector } from "./xss-vectors.ts";

/**
 * Issue 7, point 2: hostile content in every field a form offers (found by
 * reading the pages' forms, so new forms are covered without listing them),
 * in rich text sent through the co-editing protocol, in search queries (GET
 * forms) and file names (file inputs); then every page is rendered in
 * Chromium, which must run none of it.
 */

const routes = await discoverRoutes();
/** Forms whose submission would end the session or lock people out: their fields are covered elsewhere. */
const SKIPPED_INTENTS = /^(status|deactivate|change-role|revoke|delete|remove|unregister|restore)$/;

let app: TestApp;
let browser: Browser;
let fixture: SecurityFixture;
let listener: Server;
let listenerUrl: string;
const hits: string[] = [];
let vectors: XssVector[];

beforeAll(async () => {
  listener = createServer((request, response) => {
    hits.push(request.url ?? "");
    response.setHeader("access-control-allow-origin", "*");
    response.end("");
  });
  await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
  listenerUrl = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
  vectors = xssVectors(listenerUrl);
  [app, browser] = await Promise.all([startTestApp({ realtime: { compactAfterQuietMs: 100 } }), launchBrowser()]);
  fixture = await prepareSecurityFixture(app.database.db, app.url, ["coordinator"], app.uploadDir);
  // The coming round table: its agenda and attendance forms are open (the matrix's past one shows none).
  const coming = await app.database.db
    .selectFrom("meetings")
    .select("id")
    .where("networkId", "=", fixture.valParisis.id)
    .where("status", "=", "agenda_open")
    .executeTakeFirstOrThrow();
  fixture.ids.meetingId = coming.id;
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await new Promise((resolve) => listener?.close(resolve));
});

/** Round-robin over the corpus, so that every vector lands somewhere and each field gets many. */
let cursor = 0;
function nextVectors(maxLength: number): string {
  let value = "";
  do {
    const vector = vectors[cursor++ % vectors.length]!.text;
    if (value && value.length + vector.length + 1 > maxLength) {
      cursor--;
      break;
    }
    value += (value ? "\n" : "") + vector;
  } while (value.length < maxLength);
  return value.slice(0, maxLength);
}

interface FormSubmission {
  method: "get" | "post";
  action: string;
  fields: Array<[string, string | Blob, string?]>;
}

const PLAIN_VALUES: Record<string, string> = {
  email: "xss@example.org",
  tel: "01 23 45 67 89",
  number: "30",
  date: "2027-03-15",
  time: "14:00",
  "datetime-local": "2027-03-15T14:00",
  month: "2027-03",
};

/** Every form of a page, its text fields filled with vectors (as many as fit), one submission per submit button value. */
function hostileSubmissions(html: string, pageUrl: string, singleVector: boolean): FormSubmission[] {
  const window = new Window({ url: new URL(pageUrl, app.url).href });
  window.document.body.innerHTML = html.replace(/^[\s\S]*?<body[^>]*>/i, "").replace(/<\/body>[\s\S]*$/i, "");
  const submissions: FormSubmission[] = [];
  for (const form of window.document.querySelectorAll("form")) {
    const method = (form.getAttribute("method") ?? "get").toLowerCase() === "post" ? "post" : "get";
    const action = form.getAttribute("action") || pageUrl;
    if (routes.some((route) => routePolicies[route.id]?.endsSession && action.startsWith(route.pattern))) continue;
    const base: Array<[string, string | Blob, string?]> = [];
    const seenRadios = new Set<string>();
    for (const element of form.querySelectorAll("input, textarea, select")) {
      const name = element.getAttribute("name");
      if (!name || element.hasAttribute("disabled")) continue;
      const tag = element.tagName.toLowerCase();
      const type = (element.getAttribute("type") ?? "text").toLowerCase();
      const limit = Number(element.getAttribute("maxlength") ?? (tag === "textarea" ? 1500 : 300));
      if (tag === "select") {
        const options = [...element.querySelectorAll("option")].filter((option) => option.getAttribute("value"));
        const chosen = options.find((option) => option.hasAttribute("selected")) ?? options[0];
        if (chosen) base.push([name, chosen.getAttribute("value")!]);
      } else if (tag === "textarea" || ["text", "search", "url"].includes(type)) {
        base.push([name, singleVector ? vectors[cursor++ % vectors.length]!.text.slice(0, limit) : nextVectors(limit)]);
      } else if (type === "hidden") {
        base.push([name, element.getAttribute("value") ?? ""]);
      } else if (type === "file") {
        base.push([name, new Blob(["contenu"]), vectors[cursor++ % vectors.length]!.text.replace(/[\\/]/g, "_")]);
      } else if (type === "checkbox") {
        if (element.hasAttribute("checked")) base.push([name, element.getAttribute("value") ?? "on"]);
      } else if (type === "radio") {
        if (!seenRadios.has(name)) base.push([name, element.getAttribute("value") ?? "on"]);
        seenRadios.add(name);
      } else if (PLAIN_VALUES[type]) {
        base.push([name, element.getAttribute("value") || PLAIN_VALUES[type]!]);
      }
    }
    const buttons = [...form.querySelectorAll("button[name], input[type=submit][name]")].map((button) => [
      button.getAttribute("name")!,
      button.getAttribute("value") ?? "",
    ]);
    const variants = buttons.length ? buttons.map((button) => [...base, button as [string, string]]) : [base];
    for (const fields of variants) {
      const intent = fields.find(([name]) => name === "intent")?.[1];
      if (typeof intent === "string" && SKIPPED_INTENTS.test(intent)) continue;
      submissions.push({ method, action, fields });
    }
  }
  return submissions;
}

async function submit(client: HttpClient, submission: FormSubmission) {
  const hasFile = submission.fields.some(([, value]) => value instanceof Blob);
  if (submission.method === "get") {
    const query = new URLSearchParams(submission.fields.map(([name, value]) => [name, String(value)]));
    const separator = submission.action.includes("?") ? "&" : "?";
    return { url: `${submission.action}${separator}${query}`, response: await client.get(`${submission.action}${separator}${query}`) };
  }
  let body: FormData | URLSearchParams;
  if (hasFile) {
    body = new FormData();
    for (const [name, value, fileName] of submission.fields) {
      if (value instanceof Blob) body.append(name, value, fileName);
      else body.append(name, value);
    }
  } else {
    body = new URLSearchParams(submission.fields.map(([name, value]) => [name, String(value)]));
  }
  return { url: submission.action, response: await client.request(submission.action, { method: "POST", body }) };
}

/** Names of the fields the answer shows an error next to (conform's `<id>-<name>-error`). */
function fieldsWithErrors(html: string): string[] {
  return [...html.matchAll(/<p class="field-error" id="[^"]*?-([\w.[\]]+)-error">(?!<\/p>)/g)].map((match) => match[1]!);
}

/** A value of the right shape for a field whose name says what it holds. */
function plainValueFor(name: string): string {
  if (/mail/i.test(name)) return "xss@example.org";
  if (/phone|tel/i.test(name)) return "01 23 45 67 89";
  if (/minutes|duration|count|order|number|population/i.test(name)) return "30";
  if (/time|hour|heure/i.test(name)) return "14:00";
  if (/date|day|due|from|to|on$/i.test(name)) return "2027-03-15";
  return "Texte ordinaire";
}

interface PageReport {
  url: string;
  problems: string[];
}

/** Loads a page in Chromium and lists what hostile content achieved on it. */
async function audit(page: Page, url: string): Promise<PageReport> {
  const problems: string[] = [];
  const onDialog = (dialog: { message(): string; dismiss(): Promise<void> }) => {
    problems.push(`boîte de dialogue « ${dialog.message()} »`);
    void dialog.dismiss();
  };
  const onConsole = (message: { type(): string; text(): string }) => {
    // CSP refusals are the defence working; "Failed to load resource" is an HTTP status (a refused search of 10 KB…), not script.
    if (message.type() === "error" && !/Content[- ]Security[- ]Policy|^Failed to load resource: the server responded with a status of 4\d\d/i.test(message.text())) {
      problems.push(`console : ${message.text().slice(0, 200)}`);
    }
  };
  const onError = (error: Error) => problems.push(`erreur JavaScript : ${error.message.slice(0, 200)}`);
  page.on("dialog", onDialog);
  page.on("console", onConsole);
  page.on("pageerror", onError);
  try {
    // A file download (an export, an attachment) is no page to audit: the browser never renders it.
    const opened = await page.goto(url, { waitUntil: "load" }).then(
      () => true,
      (error: Error) => {
        if (/Download is starting/.test(error.message)) return false;
        throw error;
      },
    );
    if (!opened) return { url, problems };
    // Hydration, the live editor's first render, autofocus and animations.
    await page.waitForTimeout(600);
    problems.push(
      ...(await page.evaluate(() => {
        const found: string[] = [];
        const dangerousUrl = /^\s*(javascript|vbscript|data:text\/html)/i;
        for (const element of Array.from(document.querySelectorAll("*"))) {
          const tag = element.tagName.toLowerCase();
          for (const attribute of Array.from(element.attributes)) {
            if (/^on/i.test(attribute.name)) found.push(`<${tag} ${attribute.name}> injecté`);
            if (/^(href|src|action|formaction|xlink:href|data|srcdoc|poster|background)$/i.test(attribute.name) && dangerousUrl.test(attribute.value)) {
              found.push(`<${tag} ${attribute.name}="${attribute.value.slice(0, 60)}">`);
            }
          }
          if (tag === "script" && !(element as HTMLScriptElement).nonce && !(element as HTMLScriptElement).src.startsWith(location.origin)) {
            found.push(`<script> sans nonce : ${element.outerHTML.slice(0, 80)}`);
          }
          if (["iframe", "object", "embed", "base", "frame", "frameset", "applet"].includes(tag)) found.push(`<${tag}> injecté`);
          if (tag === "meta" && element.getAttribute("http-equiv")) found.push(`<meta http-equiv> injecté`);
          if (tag === "style" || (tag === "link" && element.getAttribute("href")?.startsWith("http"))) found.push(`<${tag}> injecté`);
        }
        return found;
      })),
    );
  } finally {
    page.off("dialog", onDialog);
    page.off("console", onConsole);
    page.off("pageerror", onError);
  }
  return { url, problems };
}

/** Pages audited at once: most of an audit is waiting (the page's load, then the 600 ms a vector is given to run). */
const AUDIT_TABS = 3;

async function auditAll(urls: string[]): Promise<string[]> {
  const context = await browser.newContext({ baseURL: app.url, locale: "fr-FR" });
  const [name, value] = fixture.clients.coordinator.cookieHeader.split(/=(.*)/s) as [string, string];
  await context.addCookies([{ name, value, url: app.url }]);
  const hitsBefore = hits.length;
  const failures: string[] = [];
  const queue = [...new Set(urls)];
  try {
    await Promise.all(
      Array.from({ length: Math.min(AUDIT_TABS, queue.length) }, async () => {
        const page = await context.newPage();
        for (let url = queue.shift(); url !== undefined; url = queue.shift()) {
          const report = await audit(page, url);
          failures.push(...report.problems.map((problem) => `${url} : ${problem}`));
        }
      }),
    );
  } finally {
    await context.close();
  }
  failures.push(...hits.slice(hitsBefore).map((hit) => `requête reçue par l'écouteur : ${hit}`));
  return failures;
}

/** The pages a coordinator can read, with the demo ids. */
function readablePages(): string[] {
  return routes
    .filter((route) => route.hasLoader && !route.isApi && !route.pattern.endsWith("/ics") && !route.pattern.includes(":file") && !route.pattern.includes("*"))
    .filter((route) => !routePolicies[route.id]?.endsSession)
    .map((route) => urlFor(route, fixture.ids));
}

it("the audit itself notices a page that runs a vector (dialog, injected handler, request to the listener)", async () => {
  const hostile = `<img src=x onerror=alert(1)><img src="${listenerUrl}/xss?v=controle">`;
  const failures = await auditAll([`data:text/html,${encodeURIComponent(hostile)}`]);
  expect(failures.some((failure) => failure.includes("boîte de dialogue"))).toBe(true);
  expect(failures.some((failure) => failure.includes("onerror> injecté"))).toBe(true);
  expect(failures.some((failure) => failure.includes("xss?v=controle"))).toBe(true);
});

it(`has at least 100 vectors (${XSS_VECTOR_COUNT})`, () => {
  expect(XSS_VECTOR_COUNT).toBeGreaterThanOrEqual(100);
});

describe("Content-Security-Policy", () => {
  it("allows scripts only from our origin or with the page's nonce, and Chromium refuses an injected inline script", async () => {
    const response = await fixture.clients.coordinator.get(`/reseaux/${fixture.ids.slug}`);
    const csp = response.headers.get("content-security-policy") ?? "";
    const scriptSrc = csp.split(";").find((directive) => directive.trim().startsWith("script-src")) ?? "";
    expect(scriptSrc).toMatch(/'nonce-[^']+'/);
    expect(scriptSrc).not.toMatch(/unsafe-inline|unsafe-eval|\*|data:/);
    expect(csp).toMatch(/object-src 'none'/);
    expect(csp).toMatch(/base-uri 'none'/);
    const context = await browser.newContext({ baseURL: app.url });
    try {
      const page = await context.newPage();
      await page.goto("/connexion");
      const outcome = await page.evaluate(async () => {
        const violations: string[] = [];
        document.addEventListener("securitypolicyviolation", (event) => violations.push(event.violatedDirective));
        const script = document.createElement("script");
        script.textContent = "window.__injected = true;";
        document.body.append(script);
        const handler = document.createElement("img");
        handler.setAttribute("onerror", "window.__handler = true");
        handler.src = "/nexiste-pas.png";
        document.body.append(handler);
        await new Promise((resolve) => setTimeout(resolve, 300));
        const flags = window as unknown as { __injected?: boolean; __handler?: boolean };
        return { injected: flags.__injected ?? false, handler: flags.__handler ?? false, violations };
      });
      expect(outcome.injected).toBe(false);
      expect(outcome.handler).toBe(false);
      expect(outcome.violations.some((directive) => directive.startsWith("script-src"))).toBe(true);
    } finally {
      await context.close();
    }
  });
});

describe("hostile content", () => {
  it("in every field of every form, in search queries and file names: no page runs any of it", { timeout: 300_000 }, async () => {
    const client = fixture.clients.coordinator;
    const toRender = readablePages();
    let submitted = 0;
    let stored = 0;
    // Pages created by a submission (a new round table…) have forms of their own: crawled too, once.
    const toCrawl = readablePages();
    const crawled = new Set<string>();
    for (let index = 0; index < toCrawl.length; index++) {
      const url = toCrawl[index]!;
      if (crawled.has(url)) continue;
      crawled.add(url);
      const page = await client.get(url);
      if (page.status !== 200) continue;
      // First as many vectors as fit per field; refused (too long for a title…), then one vector at a time.
      for (const singleVector of [false, true]) {
        for (const submission of hostileSubmissions(page.text, url, singleVector)) {
          let { url: target, response } = await submit(client, submission);
          submitted++;
          // Fields refused for their format (a phone number, a duration…) get a plain value, so that the
          // free-text fields of the form are stored with their vectors.
          for (let attempt = 0; attempt < 2 && submission.method === "post" && response.status < 500; attempt++) {
            const refusedFields = fieldsWithErrors(response.text);
            if (!refusedFields.length) break;
            submission.fields = submission.fields.map(([name, value, fileName]) =>
              refusedFields.includes(name) ? [name, plainValueFor(name)] : [name, value, fileName],
            );
            ({ url: target, response } = await submit(client, submission));
            submitted++;
          }
          if (process.env.SECURITY_XSS_DEBUG) console.log(response.status, submission.action, submission.fields.find(([name]) => name === "intent")?.[1], fieldsWithErrors(response.text));
          expect(response.status, `${submission.method.toUpperCase()} ${target.slice(0, 120)}`).toBeLessThan(500);
          if (submission.method === "get" && response.status === 200) toRender.push(target);
          if (response.status === 302 || response.status === 303) {
            stored++;
            if (response.location?.startsWith("/") && !response.location.startsWith("/connexion")) {
              toRender.push(response.location);
              if (index < readablePages().length) toCrawl.push(response.location);
            }
          } else if (response.status === 200 && submission.method === "post") {
            stored++;
          }
        }
      }
    }
    const storedVectors = await sql<{ place: string; n: number }>`${sql.raw(
      ["organisations", "users", "meetings", "agenda_items", "attendance", "follow_up_actions", "invitations", "rotation_exceptions"]
        .map((table) => `select '${table}' as place, count(*)::int as n from ${table} t where t::text like '%<%' or t::text like '%javascript:%'`)
        .join(" union all "),
    )}`.execute(app.database.db);
    console.log(`Vecteurs enregistrés : ${storedVectors.rows.map((row) => `${row.place} ${row.n}`).join(", ")}`);
    console.log(`XSS : ${submitted} formulaires soumis avec ${XSS_VECTOR_COUNT} vecteurs (${stored} acceptés), ${new Set(toRender).size} pages rendues.`);
    expect(submitted).toBeGreaterThan(10);
    expect(await auditAll(toRender)).toEqual([]);
  });

  it("in rich text sent through the co-editing protocol, as text and as link, heading and mention attributes", { timeout: 120_000 }, async () => {
    const socket = openSocket(app.url, fixture.clients.coordinator.cookieHeader);
    try {
      const joined: JoinReply = await socket.timeout(10_000).emitWithAck(EVENTS.join, {
        documentId: fixture.ids.documentId,
        stateVector: Y.encodeStateVector(new Y.Doc()),
      });
      expect(joined.ok).toBe(true);
      const doc = new Y.Doc();
      const fragment = doc.getXmlFragment("default");
      for (const vector of vectors) {
        const paragraph = new Y.XmlElement("paragraph");
        const text = new Y.XmlText();
        text.insert(0, vector.text);
        text.insert(text.length, ` lien ${vector.index}`, { link: { href: vector.text, target: "_blank", onclick: vector.text } });
        paragraph.insert(0, [text]);
        const heading = new Y.XmlElement("heading");
        heading.setAttribute("level", vector.text);
        const headingText = new Y.XmlText();
        headingText.insert(0, `Titre ${vector.index}`);
        heading.insert(0, [headingText]);
        const mention = new Y.XmlElement("mention");
        mention.setAttribute("id", vector.text);
        mention.setAttribute("label", vector.text);
        mention.setAttribute("mentionSuggestionChar", vector.index % 2 ? "#" : "@");
        const withMention = new Y.XmlElement("paragraph");
        withMention.insert(0, [mention]);
        fragment.push([paragraph, heading, withMention]);
      }
      // Nodes the schema does not know, with handlers: the server must drop them, not fail.
      const unknown = new Y.XmlElement("img");
      unknown.setAttribute("src", "x");
      unknown.setAttribute("onerror", "alert('inconnu')");
      fragment.push([unknown]);
      const answer: UpdateReply = await socket.timeout(10_000).emitWithAck(EVENTS.update, {
        documentId: fixture.ids.documentId,
        update: Y.encodeStateAsUpdate(doc),
      });
      expect(answer).toEqual({ ok: true });
    } finally {
      socket.disconnect();
    }
    const notePage = `/reseaux/${fixture.ids.slug}/notes/${fixture.ids.documentId}`;
    // The read-only HTML is rendered when the server stores the document (shortly after the last change).
    const deadline = Date.now() + 15_000;
    let html = "";
    while (Date.now() < deadline) {
      html = (await fixture.clients.coordinator.get(notePage)).text;
      if (html.includes(" lien 0")) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(html, "le rendu en lecture seule montre le contenu reçu").toContain(" lien 0");
    expect(await auditAll([notePage, `${notePage}/historique`])).toEqual([]);
  });
});
