/**
 * Identifiers of the base registries. The national identification number of the Republic of
 * Example is `EX`, eight digits, and a check digit computed with the Luhn algorithm
 * (ISO/IEC 7812-1, Annex B), which catches every single-digit error and most transpositions.
 */

export const EXAMPLE_NATIONAL_ID_PATTERN = /^EX\d{9}$/;

/** The Luhn check digit of a string of decimal digits. */
export function luhnCheckDigit(digits: string): number {
  let sum = 0;
  // Walking from the right, every second digit (starting with the rightmost) is doubled,
  // because the check digit will take the rightmost place.
  for (let i = digits.length - 1, double = true; i >= 0; i--, double = !double) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) throw new RangeError(`"${digits}" is not a string of decimal digits`);
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

/** The national ID whose eight-digit body is `body` (0 ≤ body < 10⁸). */
export function formatNationalId(body: number): string {
  if (!Number.isInteger(body) || body < 0 || body >= 100_000_000) {
    throw new RangeError(`A national ID body has eight digits, got ${body}`);
  }
  const digits = String(body).padStart(8, '0');
  return `EX${digits}${luhnCheckDigit(digits)}`;
}

/** True for a well-formed national ID whose check digit matches. */
export function isValidNationalId(id: string): boolean {
  if (!EXAMPLE_NATIONAL_ID_PATTERN.test(id)) return false;
  return luhnCheckDigit(id.slice(2, 10)) === Number(id[10]);
}
