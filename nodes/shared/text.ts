/**
 * Vendor text quoted in a message, a description or a warning is cut to a readable length, and
 * says so. A vendor can answer with megabytes in `message` or `client_id`; quoted whole, that text
 * went into the error or the warnings of every item (a 3 MB message on 60 items added over 400 MB
 * to n8n's memory). A leaf module: credentials use it too.
 */

/** The most characters of one vendor text a message, description or warning quotes. */
export const MAX_QUOTED = 300;

/** The most characters of a vendor's code (message_code, error.code) that are kept. */
export const MAX_CODE = 64;

/** `text`, or its first `max` characters and how long it was. */
export function quoted(text: string, max = MAX_QUOTED): string {
	if (text.length <= max) return text;
	let cut = text.slice(0, max);
	// Never end on half of a character outside the basic plane.
	if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
	return `${cut}… [cut: ${text.length.toLocaleString('en-US')} characters in all]`;
}
