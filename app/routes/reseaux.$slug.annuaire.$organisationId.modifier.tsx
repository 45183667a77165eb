import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { FormErrors, SelectField, SubmitButton, TextField } from "../components/forms.tsx";
import { authorize, notFound } from "../features/auth/guards.server.ts";
import { requireNetworkMember } from "../features/network/access.server.ts";
import { editOrganisation, findOrganisationInNetwork } from "../features/network/directory.server.ts";
import { organisationDetailsSchema } from "../features/network/schemas.ts";
import { readForm } from "../http/forms.server.ts";
import { uuidParam } from "../http/params.server.ts";

export const meta: MetaFunction = () => [{ title: "Modifier un CCAS — Tablée" }];

async function loadEditable(args: LoaderFunctionArgs) {
  const { network, actor } = await requireNetworkMember(args.context, args.request, args.params.slug);
  const organisation = await findOrganisationInNetwork(args.context.db, network.id, uuidParam(args.params.organisationId));
  if (!organisation) throw notFound();
  authorize(actor, { action: "organisation.edit", networkId: network.id, organisationId: organisation.id });
  return { network, actor, organisation };
}

export async function loader(args: LoaderFunctionArgs) {
  const { network, organisation } = await loadEditable(args);
  return {
    slug: network.slug,
    organisation: {
      id: organisation.id,
      name: organisation.name,
      kind: organisation.kind,
      address: organisation.address ?? "",
      phone: organisation.phone ?? "",
      email: organisation.email ?? "",
    },
  };
}

export async function action(args: ActionFunctionArgs) {
  const { network, actor, organisation } = await loadEditable(args);
  const submission = parseWithZod(await readForm(args.request), { schema: organisationDetailsSchema });
  if (submission.status !== "success") return submission.reply();
  await editOrganisation(args.context.db, {
    actor,
    networkId: network.id,
    organisationId: organisation.id,
    details: submission.value,
    ip: args.context.clientIp,
  });
  throw redirect(`/reseaux/${network.slug}/annuaire/${organisation.id}`);
}

export default function EditOrganisation() {
  const { slug, organisation } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useForm({
    lastResult,
    defaultValue: organisation,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: organisationDetailsSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  return (
    <>
      <h1>Modifier « {organisation.name} »</h1>
      <Form method="post" {...getFormProps(form)}>
        <FormErrors id={form.errorId} errors={form.errors} />
        <TextField field={fields.name} label="Nom" />
        <SelectField
          field={fields.kind}
          label="Type d'établissement"
          options={[
            { value: "ccas", label: "CCAS — centre communal d'action sociale" },
            { value: "cias", label: "CIAS — centre intercommunal d'action sociale" },
          ]}
        />
        <TextField field={fields.address} label="Adresse" hint="Numéro et rue, code postal, commune" autoComplete="street-address" />
        <TextField field={fields.phone} label="Téléphone de l'accueil" type="tel" />
        <TextField field={fields.email} label="E-mail de l'accueil" type="email" />
        <div className="actions">
          <SubmitButton>Enregistrer</SubmitButton>
          <Link to={`/reseaux/${slug}/annuaire/${organisation.id}`}>Annuler</Link>
        </div>
      </Form>
    </>
  );
}
