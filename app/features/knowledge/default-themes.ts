/** The themes a new network starts with; each network then edits its own list. */
export const DEFAULT_THEMES = [
  "Personnes âgées",
  "Handicap",
  "Insertion et RSA",
  "Logement",
  "Santé mentale",
  "Enfance et famille",
  "Aide alimentaire",
  "Gouvernance",
  "Achats publics",
] as const;
