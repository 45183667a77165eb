/** Folds case, accents, hyphens and apostrophes, so "thorigne" matches "Thorigné-Fouillard". */
export function foldForSearch(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[''`’\-_.,;/()]+/g, " ")
    .replace(/\bst\b/g, "saint")
    .replace(/\bste\b/g, "sainte")
    .replace(/\s+/g, " ")
    .trim();
}

/** "de" before a commune's name, contracted the French way: d'Ermont, du Plessis-Bouchard, des Lilas, de Taverny. */
export function ofCommune(communeName: string): string {
  if (/^Les? /.test(communeName)) return `${communeName.startsWith("Les ") ? "des" : "du"} ${communeName.replace(/^Les? /, "")}`;
  return /^[AEIOUYÉÈÊÎÔÂH]/i.test(communeName) ? `d'${communeName}` : `de ${communeName}`;
}
