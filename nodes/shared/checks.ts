/**
 * Checking a number setting against its range. The editor enforces ranges, but an expression can
 * set anything: a value outside the range is an error that names the setting, its range and the
 * value, never silently clamped.
 */

export type Checked<T> = { ok: true; value: T } | { ok: false; problem: string };

/** A number setting: its name in the editor, range, and whether it must be whole. */
export interface NumberRule {
	label: string;
	min: number;
	max: number;
	whole: boolean;
	unit?: string;
}

/**
 * A number setting's value, or why it is wrong. Empty means the default; numeric text (from an
 * expression) is read as a number.
 */
export function checkNumber(value: unknown, fallback: number, rule: NumberRule): Checked<number> {
	if (value === undefined || value === null || value === '') return { ok: true, value: fallback };
	const number =
		typeof value === 'number'
			? value
			: typeof value === 'string' && value.trim() !== ''
				? Number(value)
				: Number.NaN;
	const range = `${rule.min.toLocaleString('en-US')}–${rule.max.toLocaleString('en-US')}${rule.unit ? ` ${rule.unit}` : ''}`;
	const shown =
		typeof value === 'string'
			? `"${value.length > 40 ? `${value.slice(0, 37)}...` : value}"`
			: typeof value === 'number'
				? String(value)
				: typeof value;
	if (!Number.isFinite(number)) {
		return { ok: false, problem: `${rule.label} must be a number in ${range}; got ${shown}` };
	}
	if (rule.whole && !Number.isInteger(number)) {
		return { ok: false, problem: `${rule.label} must be a whole number in ${range}; got ${shown}` };
	}
	if (number < rule.min || number > rule.max) {
		return { ok: false, problem: `${rule.label} must be in ${range}; got ${shown}` };
	}
	return { ok: true, value: number };
}
