import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData } from "@remix-run/react";
import { AppHeader } from "../components/app-header.tsx";
import { SiteFooter } from "../components/site-footer.tsx";
import { FormErrors, SubmitButton, TextField } from "../components/forms.tsx";
import { requestPasswordReset } from "../features/auth/password-reset.server.ts";
import { forgotPasswordSchema } from "../features/auth/schemas.ts";
import { readForm } from "../http/forms.server.ts";

export const meta: MetaFunction = () => [{ title: "Mot de passe oublié — Tablée" }];

export async function action({ request, context }: ActionFunctionArgs) {
  const submission = parseWithZod(await readForm(request), { schema: forgotPasswordSchema });
  if (submission.status !== "success") return { result: submission.reply(), sentTo: null };
  const outcome = await requestPasswordReset(context.db, context.mailer, {
    email: submission.value.email,
    ip: context.clientIp,
    baseUrl: context.baseUrl,
  });
  if (!outcome.ok) return { result: submission.reply({ formErrors: [outcome.message] }), sentTo: null };
  return { result: submission.reply({ resetForm: true }), sentTo: submission.value.email };
}

export default function ForgotPassword() {
  const data = useActionData<typeof action>();
  const [form, fields] = useForm({
    lastResult: data?.result,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: forgotPasswordSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  return (
    <>
      <AppHeader />
      <main id="contenu" className="page page--narrow" tabIndex={-1}>
        <h1>Mot de passe oublié</h1>
        {data?.sentTo ? (
          <div className="notice" role="status">
            <p>
              Si un compte existe pour <strong>{data.sentTo}</strong>, un e-mail vient de lui être envoyé avec un lien
              valable une heure.
            </p>
          </div>
        ) : (
          <p>Indiquez l'adresse de votre compte : nous vous enverrons un lien pour choisir un nouveau mot de passe.</p>
        )}
        <Form method="post" {...getFormProps(form)}>
          <FormErrors id={form.errorId} errors={form.errors} />
          <TextField field={fields.email} label="Adresse e-mail" type="email" autoComplete="email" />
          <div className="actions">
            <SubmitButton>Recevoir le lien</SubmitButton>
            <Link to="/connexion">Retour à la connexion</Link>
          </div>
        </Form>
      </main>
      <SiteFooter />
    </>
  );
}
