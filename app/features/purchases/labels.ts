import type { ParticipantDecision, PurchaseStage } from "../../../db/schema.ts";

/** French names of a group purchase's stages and of a CCAS's answers. */

export const purchaseStages: PurchaseStage[] = ["needs", "consultation", "negotiation", "award", "execution", "closed"];
export const stageLabels: Record<PurchaseStage, string> = {
  needs: "Recensement des besoins",
  consultation: "Consultation",
  negotiation: "Négociation",
  award: "Attribution",
  execution: "Exécution",
  closed: "Clos",
};
export const decisionLabels: Record<ParticipantDecision, string> = {
  interested: "Intéressé",
  joined: "Adhère",
  declined: "Ne participe pas",
};

