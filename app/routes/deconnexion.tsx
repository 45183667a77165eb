import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { recordAudit } from "../features/auth/audit.server.ts";
import { revokeSession, sessionCookie } from "../features/auth/sessions.server.ts";
import { isHttps } from "../http/forms.server.ts";

export async function loader() {
  throw redirect("/");
}

export async function action({ request, context }: ActionFunctionArgs) {
  if (context.session) {
    await revokeSession(context.db, context.session.idHash);
    await recordAudit(context.db, {
      action: "sign_out",
      actorUserId: context.session.userId,
      subjectUserId: context.session.userId,
      ip: context.clientIp,
    });
  }
  const cookie = await sessionCookie(context.sessionSecret).serialize("", { maxAge: 0, secure: isHttps(request) });
  throw redirect("/connexion", { headers: { "Set-Cookie": cookie } });
}
