import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useParams } from "@remix-run/react";
import { AppHeader } from "../components/app-header.tsx";
import { SiteFooter } from "../components/site-footer.tsx";
import { FormErrors, SubmitButton, TextField } from "../components/forms.tsx";
import { acceptInvitation, viewInvitation } from "../features/auth/invitations.server.ts";
import { roleLabels } from "../features/auth/roles.ts";
import { acceptInvitationSchema, PASSWORD_MIN } from "../features/auth/schemas.ts";
import { sessionCookie } from "../features/auth/sessions.server.ts";
import { findUserById } from "../features/auth/users.server.ts";
import { isHttps, readForm } from "../http/forms.server.ts";
import { formatDate } from "../i18n/format.ts";

export const meta: MetaFunction = () => [{ title: "Invitation — Tablée" }];

export async function loader({ params, context }: LoaderFunctionArgs) {
  const invitation = await viewInvitation(context.db, params.token ?? "");
  const signedInEmail = context.session ? ((await findUserById(context.db, context.session.userId))?.email ?? null) : null;
  return { invitation, signedInEmail };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const formData = await readForm(request);
  const token = params.token ?? "";
  const common = { token, signedInUserId: context.session?.userId ?? null, ip: context.clientIp, userAgent: request.headers.get("user-agent") };
  if (formData.get("intent") === "join") {
    const outcome = await acceptInvitation(context.db, common);
    if (!outcome.ok) return { joinError: outcome.message };
    throw redirect(`/reseaux/${outcome.networkSlug}`);
  }
  const submission = parseWithZod(formData, { schema: acceptInvitationSchema });
  if (submission.status !== "success") return submission.reply({ hideFields: ["password", "confirmPassword"] });
  const { name, jobTitle, password } = submission.value;
  const outcome = await acceptInvitation(context.db, { ...common, newAccount: { name, jobTitle, password } });
  if (!outcome.ok) return submission.reply({ formErrors: [outcome.message], hideFields: ["password", "confirmPassword"] });
  const headers = new Headers();
  if (outcome.sessionToken) {
    headers.append("Set-Cookie", await sessionCookie(context.sessionSecret).serialize(outcome.sessionToken, { secure: isHttps(request) }));
  }
  throw redirect(`/reseaux/${outcome.networkSlug}`, { headers });
}

export default function InvitationPage() {
  const { invitation, signedInEmail } = useLoaderData<typeof loader>();
  const { token } = useParams();
  const actionData = useActionData<typeof action>();
  const joinErrors = actionData && "joinError" in actionData ? [actionData.joinError] : undefined;
  const lastResult = actionData && !("joinError" in actionData) ? actionData : undefined;
  const [form, fields] = useForm({
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: acceptInvitationSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  return (
    <>
      <AppHeader />
      <main id="contenu" className="page page--narrow" tabIndex={-1}>
        <h1>Invitation à rejoindre Tablée</h1>
        {invitation.state === "invalid" ? (
          <p className="form-error" role="alert">
            Ce lien d'invitation n'est pas valable. Vérifiez qu'il a été copié en entier, ou demandez une nouvelle
            invitation.
          </p>
        ) : invitation.state === "expired" ? (
          <p className="form-error" role="alert">
            Cette invitation à rejoindre « {invitation.networkName} » a expiré (elle valait 7 jours). Demandez à la
            personne qui vous a invité·e de vous en envoyer une nouvelle.
          </p>
        ) : invitation.state === "used" ? (
          <p className="warning" role="status">
            Cette invitation a déjà été utilisée. <Link to="/connexion">Connectez-vous</Link> pour accéder à « {invitation.networkName} ».
          </p>
        ) : (
          <>
            <p>
              Vous êtes invité·e à rejoindre <strong>{invitation.networkName}</strong> pour le{" "}
              <strong>{invitation.organisationName}</strong>, en tant que{" "}
              <strong>{roleLabels[invitation.role].toLowerCase()}</strong>.
            </p>
            <p className="muted">Invitation adressée à {invitation.email}, valable jusqu'au {formatDate(invitation.expiresAt)}.</p>
            {invitation.hasAccount ? (
              signedInEmail === invitation.email ? (
                <Form method="post">
                  <FormErrors id="join-errors" errors={joinErrors} />
                  <input type="hidden" name="intent" value="join" />
                  <SubmitButton>Rejoindre le réseau</SubmitButton>
                </Form>
              ) : (
                <p className="warning">
                  Un compte existe déjà pour {invitation.email}.{" "}
                  <Link to={`/connexion?redirectTo=${encodeURIComponent(`/invitation/${token}`)}`}>
                    Connectez-vous avec cette adresse
                  </Link>{" "}
                  pour accepter l'invitation.
                </p>
              )
            ) : (
              <Form method="post" {...getFormProps(form)}>
                <h2>Créez votre compte</h2>
                <FormErrors id={form.errorId} errors={form.errors} />
                <TextField field={fields.name} label="Prénom et nom" autoComplete="name" />
                <TextField field={fields.jobTitle} label="Fonction (facultatif)" hint="Par exemple : Adjointe aux affaires sociales" autoComplete="organization-title" />
                <TextField
                  field={fields.password}
                  label="Mot de passe"
                  hint={`Au moins ${PASSWORD_MIN} caractères.`}
                  type="password"
                  autoComplete="new-password"
                />
                <TextField field={fields.confirmPassword} label="Confirmez le mot de passe" type="password" autoComplete="new-password" />
                <div className="actions">
                  <SubmitButton>Créer mon compte et rejoindre le réseau</SubmitButton>
                </div>
              </Form>
            )}
          </>
        )}
      </main>
      <SiteFooter />
    </>
  );
}
