// The history of a co-edited document is the same whatever its kind.
export { action, default, loader, meta } from "./reseaux.$slug.notes.$documentId.historique.tsx";
