// QOS amounts: the token's unit and its text form, for the terminal, the
// demo and the tests alike.
import { UserError } from './chain.mjs';

/** One QOS in plancks: the runtime's `UNIT` (12 decimals). */
export const UNIT = 10n ** 12n;

/** "12.5" QOS -> plancks (12 decimals); refuses anything that is not a positive amount. */
export function parseAmount(text, what = 'amount') {
  if (!/^\d+(\.\d{1,12})?$/.test(String(text))) throw new UserError(`${what} must be a QOS amount like 10 or 0.5, got '${text}'`);
  const [whole, frac = ''] = String(text).split('.');
  const value = BigInt(whole) * UNIT + BigInt(frac.padEnd(12, '0'));
  if (value === 0n) throw new UserError(`${what} must be more than 0`);
  return value;
}

/** Plancks -> "12.5 QOS". */
export function formatAmount(plancks) {
  const signed = BigInt(plancks);
  if (signed < 0n) return `-${formatAmount(-signed)}`;
  const v = signed;
  const whole = v / UNIT;
  const frac = (v % UNIT).toString().padStart(12, '0').replace(/0+$/, '');
  return `${whole}${frac ? `.${frac}` : ''} QOS`;
}
