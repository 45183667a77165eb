import net from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { demoEmail, ERMONT, visibleText } from "../support/fixtures.ts";
import { signedInClients } from "../support/http-client.ts";
import { startTestApp, type TestApp } from "../support/server.ts";

/** What the fuzzer found once, pinned so it stays fixed whatever the seed. */

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});
const as = signedInClients(() => app.url);

it("a NUL byte in a network address or in a form field is refused in French, not a 500", async () => {
  const coordinator = await as(demoEmail("val-parisis", "coordinator", ERMONT));
  const inSlug = await coordinator.post("/reseaux/%00/membres", { intent: "x" });
  expect(inSlug.status).toBe(404);
  const slug = (await app.database.db.selectFrom("networks").select("slug").orderBy("name", "desc").executeTakeFirstOrThrow()).slug;
  const inField = await coordinator.post(`/reseaux/${slug}/notes?index`, { title: "Note\u0000" });
  expect(inField.status).toBe(400);
  expect(visibleText(inField.text)).toMatch(/Formulaire illisible|Requête invalide/);
});

it("an address too long for Node gets a French answer", async () => {
  const response = await fetch(`${app.url}/api/communes?q=${"é".repeat(5000)}`);
  expect(response.status).toBe(431);
  expect(await response.text()).toMatch(/^Requête invalide/);
});

it("a refusal sent before a large body is read does not stall the connection's next request", async () => {
  const { port } = new URL(app.url);
  const body = `intent=x&title=${"A".repeat(200_000)}`;
  const answer = await new Promise<string>((resolve, reject) => {
    const socket = net.connect(Number(port), "127.0.0.1", () => {
      // Anonymous: refused (redirect to sign-in) before the form is read.
      socket.write(
        `POST /profil HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: ${app.url}\r\nContent-Type: application/x-www-form-urlencoded\r\n` +
          `Content-Length: ${body.length}\r\n\r\n${body}`,
      );
    });
    let received = "";
    socket.on("data", (chunk) => {
      received += chunk.toString("latin1");
    });
    socket.on("close", () => resolve(received));
    socket.on("error", reject);
  });
  expect(answer).toMatch(/^HTTP\/1\.1 302/);
  // Closed at once rather than kept open, paused, until the keep-alive timeout (5 s) with the next request stuck.
  expect(answer).toMatch(/connection: close/i);
});
