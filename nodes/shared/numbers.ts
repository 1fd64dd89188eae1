/**
 * Vendors send counts and amounts as JSON numbers or as numeric strings ("10", "4300000").
 * These helpers turn both into exact integers and say so when they cannot.
 */

/** A non-negative integer from a number or a string of digits; `undefined` for anything else. */
export function toNonNegativeInteger(value: unknown): number | undefined {
	if (typeof value === 'number') {
		return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
	}
	if (typeof value === 'string') {
		const text = value.trim();
		if (!/^\d+$/.test(text)) return undefined;
		// Parsing digits with Number() is exact up to 2^53; beyond that a value would be rounded.
		const parsed = Number(text);
		return Number.isSafeInteger(parsed) ? parsed : undefined;
	}
	return undefined;
}
