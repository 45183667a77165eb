import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { AppHeader } from "../components/app-header.tsx";
import { FormErrors, SubmitButton, TextField } from "../components/forms.tsx";
import { SiteFooter } from "../components/site-footer.tsx";
import { notFound, requireSession } from "../features/auth/guards.server.ts";
import { roleLabels } from "../features/auth/roles.ts";
import { profileSchema } from "../features/auth/schemas.ts";
import { findUserById, updateProfile } from "../features/auth/users.server.ts";
import { setEmailNotifications } from "../features/knowledge/notifications.server.ts";
import { listMembershipsOfUser } from "../features/network/members.server.ts";
import { readForm } from "../http/forms.server.ts";

export const meta: MetaFunction = () => [{ title: "Mon profil — Tablée" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const session = requireSession(context, request);
  const user = await findUserById(context.db, session.userId);
  if (!user) throw notFound();
  const memberships = await listMembershipsOfUser(context.db, user.id);
  return { profile: { name: user.name, email: user.email, jobTitle: user.jobTitle, phone: user.phone, notifyByEmail: user.notifyByEmail }, memberships };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const session = requireSession(context, request);
  const formData = await readForm(request);
  if (formData.get("intent") === "notifications") {
    await setEmailNotifications(context.db, session.userId, formData.get("notifyByEmail") === "on");
    return { result: undefined, saved: false, notificationsSaved: true };
  }
  const submission = parseWithZod(formData, { schema: profileSchema });
  if (submission.status !== "success") return { result: submission.reply(), saved: false };
  await updateProfile(context.db, session.userId, submission.value);
  return { result: submission.reply(), saved: true };
}

export default function Profile() {
  const { profile, memberships } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const [form, fields] = useForm({
    lastResult: data?.result,
    defaultValue: { name: profile.name, jobTitle: profile.jobTitle ?? "", phone: profile.phone ?? "" },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: profileSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  return (
    <>
      <AppHeader userName={profile.name} />
      <main id="contenu" className="page page--narrow" tabIndex={-1}>
        <h1>Mon profil</h1>
        {data?.saved ? (
          <p className="notice" role="status">
            Votre profil est enregistré.
          </p>
        ) : null}
        <Form method="post" {...getFormProps(form)}>
          <FormErrors id={form.errorId} errors={form.errors} />
          <p>
            Adresse e-mail : <strong>{profile.email}</strong>
          </p>
          <TextField field={fields.name} label="Prénom et nom" autoComplete="name" />
          <TextField field={fields.jobTitle} label="Fonction" hint="Par exemple : Adjointe aux affaires sociales" autoComplete="organization-title" />
          <TextField field={fields.phone} label="Téléphone" type="tel" autoComplete="tel" />
          <div className="actions">
            <SubmitButton>Enregistrer</SubmitButton>
          </div>
        </Form>
        <h2>Notifications</h2>
        {data && "notificationsSaved" in data ? (
          <p className="notice" role="status">
            Vos préférences de notification sont enregistrées.
          </p>
        ) : null}
        <Form method="post">
          <input type="hidden" name="intent" value="notifications" />
          <div className="field">
            <label className="checkbox">
              <input type="checkbox" name="notifyByEmail" defaultChecked={profile.notifyByEmail} /> Recevoir aussi par e-mail les mentions et
              les réponses à mes commentaires
            </label>
          </div>
          <button type="submit" className="button button--secondary">
            Enregistrer mes préférences
          </button>
        </Form>
        <h2>Mes CCAS</h2>
        {memberships.length === 0 ? (
          <p>Vous n'êtes membre d'aucun CCAS pour l'instant.</p>
        ) : (
          <ul>
            {memberships.map((membership) => (
              <li key={membership.organisationId}>
                {membership.organisationName} — {roleLabels[membership.role]} (
                <Link to={`/reseaux/${membership.networkSlug}`}>{membership.networkName}</Link>)
              </li>
            ))}
          </ul>
        )}
        <h2>Agenda</h2>
        <p>
          <Link to="/profil/calendrier">Abonner mon agenda aux tables rondes de mes réseaux</Link>
        </p>
        <p>
          <Link to="/mot-de-passe-oublie">Changer de mot de passe</Link>
        </p>
      </main>
      <SiteFooter />
    </>
  );
}
