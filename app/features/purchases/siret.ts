/**
 * A SIRET is 14 digits whose Luhn sum is a multiple of 10. La Poste is the
 * exception: its establishments (SIREN 356 000 000) have SIRETs whose digits
 * add up to a multiple of 5 instead (INSEE), so the Luhn check would refuse real ones.
 */
const LA_POSTE_SIREN = "356000000";

export function normaliseSiret(input: string): string {
  return input.replace(/[\s\u00a0.-]/g, "");
}

function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let index = 0; index < digits.length; index += 1) {
    let digit = Number(digits[digits.length - 1 - index]);
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

export function isValidSiret(input: string): boolean {
  const siret = normaliseSiret(input);
  if (!/^\d{14}$/.test(siret)) return false;
  if (siret.startsWith(LA_POSTE_SIREN) && siret !== `${LA_POSTE_SIREN}00048`) {
    const digitSum = [...siret].reduce((acc, digit) => acc + Number(digit), 0);
    return digitSum % 5 === 0;
  }
  return luhnValid(siret);
}
