/**
 * IDs a user types or maps, checked before they are sent: one ID as text, of a sensible length,
 * without characters that are always a mistake.
 */

/** A checked input: its value, or what is wrong (`problem`) and what to do about it (`description`). */
export type InputCheck<T> =
	{ ok: true; value: T } | { ok: false; problem: string; description: string };

/** The longest ID the nodes send. Vendor IDs are a few dozen characters; more is a mapping mistake. */
export const MAX_ID_LENGTH = 256;

/**
 * An ID parameter as trimmed text, or why it is not an ID. Mapped values can be numbers (a numeric
 * reference), null or undefined (empty); an object or a list is a mapping mistake that would
 * otherwise be sent as "[object Object]" or "a,b".
 */
export function idParameter(
	value: unknown,
	label: string,
): { ok: true; value: string } | { ok: false; problem: string } {
	if (value === undefined || value === null) return { ok: true, value: '' };
	if (typeof value === 'string') return { ok: true, value: value.trim() };
	if (typeof value === 'number' && Number.isSafeInteger(value))
		return { ok: true, value: String(value) };
	if (typeof value === 'number' && Number.isFinite(value)) {
		// Past 2^53 (or with a fraction) a number was already rounded when it was read: sent as it
		// is, it asks for another ID (12345678901234567890 arrives as 12345678901234567000).
		return {
			ok: false,
			problem: `The ${label} ${String(value)} is a number that cannot be held exactly, so it was rounded before it reached this node: keep the ID as text where it comes from (a string in the JSON, a quoted column), and map that`,
		};
	}
	const what = Array.isArray(value)
		? `a list of ${value.length} value(s)`
		: typeof value === 'object'
			? 'an object'
			: `a ${typeof value} (${String(value)})`;
	return {
		ok: false,
		problem: `The ${label} is ${what}, not an ID: map one ID (text) per input item`,
	};
}

const INVISIBLE_NAMES: Readonly<Record<number, string>> = {
	0x85: 'a next-line character (U+0085)',
	0xad: 'a soft hyphen (U+00AD)',
	0x200b: 'a zero-width space (U+200B)',
	0x200c: 'a zero-width non-joiner (U+200C)',
	0x200d: 'a zero-width joiner (U+200D)',
	0x200e: 'a left-to-right mark (U+200E)',
	0x200f: 'a right-to-left mark (U+200F)',
	0x2028: 'a line separator (U+2028)',
	0x2029: 'a paragraph separator (U+2029)',
	0x2060: 'a word joiner (U+2060)',
	0xfeff: 'a byte-order mark (U+FEFF)',
};

/**
 * What is wrong with an ID about to be sent, or undefined. IDs are sent encoded, so any visible
 * text is safe to send. Refused, because they are always a mistake: very long values (a whole text
 * mapped instead of an ID), line breaks and other control characters, and invisible characters
 * (zero-width spaces, direction marks, line separators) that make two IDs look alike.
 */
export function checkIdentifier(value: string, label: string): string | undefined {
	if (value.length > MAX_ID_LENGTH) {
		return `The ${label} is ${value.length} characters long, more than the ${MAX_ID_LENGTH} an ID can have: check what is mapped into it`;
	}
	const found = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.exec(value);
	if (found) {
		const code = found[0].codePointAt(0) ?? 0;
		const hex = code.toString(16).toUpperCase().padStart(4, '0');
		const what =
			INVISIBLE_NAMES[code] ??
			(code < 0x20 || code === 0x7f
				? `a line break or another control character (U+${hex})`
				: `an invisible character (U+${hex})`);
		return `The ${label} contains ${what} at position ${found.index + 1}: check what is mapped into it`;
	}
	return undefined;
}
