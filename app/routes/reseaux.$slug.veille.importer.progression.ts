import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { requireSession } from "../features/auth/guards.server.ts";
import { readUpload } from "../http/uploads.server.ts";
import { IMPORT_LIMITS, importUpload, tooLargeMessage, type ImportOutcome } from "../features/knowledge/import.server.ts";
import { requireNetworkMember } from "../features/network/access.server.ts";

/**
 * The import, for the page's script: one JSON line per converted file (real
 * progress), then the outcome. Without script the form posts to the page itself.
 */
/** Opened directly in a browser: the address only receives the import page's uploads. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  await requireNetworkMember(context, request, params.slug);
  return new Response("Cette adresse reçoit les fichiers envoyés depuis la page « Importer » de la veille.", {
    status: 405,
    headers: { "content-type": "text/plain; charset=utf-8", allow: "POST" },
  });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  // Signed-in users only may upload; the upload is read before a refusal is sent, which would otherwise reset the connection.
  requireSession(context, request);
  const upload = await readUpload(request, IMPORT_LIMITS.uploadBytes);
  const { network, actor } = await requireNetworkMember(context, request, params.slug);
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (line: unknown) => controller.enqueue(encoder.encode(`${JSON.stringify(line)}\n`));
      let outcome: ImportOutcome;
      try {
        outcome = upload.ok
          ? await importUpload(context.db, actor, network.id, upload.formData, (step) => send({ progress: step }))
          : { ok: false, message: upload.tooLarge ? tooLargeMessage : "Envoi illisible : réessayez." };
      } catch {
        outcome = { ok: false, message: "L'import a échoué : rien n'a été importé. Réessayez ou contactez la coordination." };
      }
      send({ outcome });
      controller.close();
    },
  });
  return new Response(stream, {
    headers: { "Content-Type": "application/x-ndjson; charset=utf-8", "Cache-Control": "no-store, no-transform", "X-Accel-Buffering": "no" },
  });
}
