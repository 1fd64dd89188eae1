/** Small helpers for reading vendor JSON and describing what was found instead. */

export function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** "a JSON array", "null", "a JSON string", … for messages about an unexpected shape. */
export function describeJsonType(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'a JSON array';
	return `a JSON ${typeof value}`;
}

/**
 * A short quotation of a value for a message. Objects and lists are described, not serialised: a
 * hostile answer can nest them deeper than any serialiser's stack.
 */
export function preview(value: unknown): string {
	if (typeof value === 'number' && !Number.isFinite(value)) return 'a number too large to hold';
	if (Array.isArray(value)) return `a list of ${value.length} value(s)`;
	if (typeof value === 'object' && value !== null) return 'an object';
	const text = JSON.stringify(value) ?? String(value);
	return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** A non-empty string field of a body, or undefined. */
export function stringField(
	body: Record<string, unknown> | undefined,
	key: string,
): string | undefined {
	const value = body?.[key];
	return typeof value === 'string' && value !== '' ? value : undefined;
}
