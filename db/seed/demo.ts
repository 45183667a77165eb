import { inTransaction, type Executor } from "../client.ts";
import type { Role } from "../schema.ts";
import { addMember } from "../../app/features/auth/accounts.server.ts";
import { findCommune, findEpci } from "../../app/features/network/communes.server.ts";
import { createNetwork } from "../../app/features/network/networks.server.ts";
import { createOrganisationFromCommune } from "../../app/features/network/organisations.server.ts";
import { seedDemoKnowledge } from "./knowledge.ts";
import { seedDemoPurchases } from "./purchases.ts";
import { seedDemoRoundTables } from "./roundtables.ts";

export const DEMO_PASSWORD = "tablee-demo-2026";

export const VAL_PARISIS = { name: "Tables rondes inter-CCAS du Val Parisis", epciCode: "200058485" };
export const PAYS_HAUT = { name: "Réseau inter-CCAS du Pays-Haut Val d'Alzette", epciCode: "245701404" };
/** Villerupt, Thil and Hussigny-Godbrange: the CCAS that share an RSA referent (DOMAIN.md). */
const PAYS_HAUT_COMMUNES = ["54580", "54521", "54270"];

export interface DemoAccount {
  email: string;
  name: string;
  role: Role;
  jobTitle: string;
  network: "val-parisis" | "pays-haut";
  inseeCode: string;
}

export const demoAccounts: DemoAccount[] = [
  { email: "coordination@valparisis.demo.tablee.fr", name: "Claire Coordinatrice", role: "coordinator", jobTitle: "Coordinatrice du réseau", network: "val-parisis", inseeCode: "95219" },
  { email: "direction@ccas-ermont.demo.tablee.fr", name: "Denis Durand", role: "director", jobTitle: "Directeur du CCAS", network: "val-parisis", inseeCode: "95219" },
  { email: "elue@ccas-ermont.demo.tablee.fr", name: "Élise Martin", role: "elected", jobTitle: "Adjointe aux affaires sociales", network: "val-parisis", inseeCode: "95219" },
  { email: "agent@ccas-ermont.demo.tablee.fr", name: "Amine Benali", role: "staff", jobTitle: "Travailleur social", network: "val-parisis", inseeCode: "95219" },
  { email: "direction@ccas-franconville.demo.tablee.fr", name: "Fatima Haddad", role: "director", jobTitle: "Directrice du CCAS", network: "val-parisis", inseeCode: "95252" },
  { email: "elu@ccas-franconville.demo.tablee.fr", name: "François Leroy", role: "elected", jobTitle: "Vice-président du CCAS", network: "val-parisis", inseeCode: "95252" },
  { email: "agent@ccas-franconville.demo.tablee.fr", name: "Sophie Petit", role: "staff", jobTitle: "Conseillère en économie sociale et familiale", network: "val-parisis", inseeCode: "95252" },
  { email: "direction@ccas-taverny.demo.tablee.fr", name: "Thomas Moreau", role: "director", jobTitle: "Directeur du CCAS", network: "val-parisis", inseeCode: "95607" },
  { email: "elue@ccas-taverny.demo.tablee.fr", name: "Nadia Lefèvre", role: "elected", jobTitle: "Adjointe à la solidarité", network: "val-parisis", inseeCode: "95607" },
  { email: "agent@ccas-taverny.demo.tablee.fr", name: "Julien Roux", role: "staff", jobTitle: "Agent d'accueil social", network: "val-parisis", inseeCode: "95607" },
  { email: "coordination@payshaut.demo.tablee.fr", name: "Valérie Schmitt", role: "coordinator", jobTitle: "Directrice du CCAS de Villerupt", network: "pays-haut", inseeCode: "54580" },
  { email: "direction@ccas-thil.demo.tablee.fr", name: "Marc Weber", role: "director", jobTitle: "Secrétaire du CCAS", network: "pays-haut", inseeCode: "54521" },
];

export interface SeedOutcome {
  created: boolean;
  networks: Array<{ slug: string; name: string; organisations: number }>;
}

/** Creates the demo networks and accounts on an empty database; does nothing otherwise. */
export async function seedDemo(db: Executor): Promise<SeedOutcome> {
  const existing = await db.selectFrom("networks").select("id").limit(1).executeTakeFirst();
  if (existing) return { created: false, networks: [] };
  return inTransaction(db, async (tx) => {
    const networks: SeedOutcome["networks"] = [];
    const organisationIds = new Map<string, string>();
    const networkKeys: Record<DemoAccount["network"], { name: string; epciCode: string; communes: string[] }> = {
      "val-parisis": { ...VAL_PARISIS, communes: epciMembers(VAL_PARISIS.epciCode) },
      "pays-haut": { ...PAYS_HAUT, communes: PAYS_HAUT_COMMUNES },
    };
    for (const [key, spec] of Object.entries(networkKeys)) {
      const network = await createNetwork(tx, { name: spec.name, epciCode: spec.epciCode });
      for (const code of spec.communes) {
        const commune = findCommune(code);
        if (!commune) throw new Error(`Commune ${code} absente des données administratives`);
        const organisation = await createOrganisationFromCommune(tx, { networkId: network.id, commune });
        organisationIds.set(`${key}:${code}`, organisation.id);
      }
      networks.push({ slug: network.slug, name: network.name, organisations: spec.communes.length });
    }
    const userIds = new Map<string, string>();
    for (const account of demoAccounts) {
      const { userId } = await addMember(tx, {
        ...account,
        password: DEMO_PASSWORD,
        organisationId: organisationIds.get(`${account.network}:${account.inseeCode}`)!,
      });
      userIds.set(account.email, userId);
    }
    const valParisis = await tx.selectFrom("networks").select("id").where("name", "=", VAL_PARISIS.name).executeTakeFirstOrThrow();
    await seedDemoRoundTables(tx, {
      networkId: valParisis.id,
      organisation: (inseeCode) => organisationIds.get(`val-parisis:${inseeCode}`)!,
      user: (email) => userIds.get(email)!,
    });
    await seedDemoKnowledge(tx, {
      networkId: valParisis.id,
      organisation: (inseeCode) => organisationIds.get(`val-parisis:${inseeCode}`)!,
      user: (email) => userIds.get(email)!,
    });
    const paysHaut = await tx.selectFrom("networks").select("id").where("name", "=", PAYS_HAUT.name).executeTakeFirstOrThrow();
    await seedDemoPurchases(tx, {
      valParisisId: valParisis.id,
      paysHautId: paysHaut.id,
      organisation: (key) => organisationIds.get(key)!,
      user: (email) => userIds.get(email)!,
    });
    return { created: true, networks };
  });
}

function epciMembers(code: string): string[] {
  const epci = findEpci(code);
  if (!epci) throw new Error(`EPCI ${code} absent des données administratives`);
  return epci.memberCodes;
}

export function describeDemoAccounts(): string {
  const lines = demoAccounts.map((account) => `  ${account.email.padEnd(44)} ${account.jobTitle}`);
  return [`Comptes de démonstration (mot de passe : ${DEMO_PASSWORD}) :`, ...lines].join("\n");
}
