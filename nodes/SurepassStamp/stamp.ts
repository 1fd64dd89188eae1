/**
 * One stamp, as Surepass's stamper-v2 "Order Status" answer describes it
 * (`GET /api/v1/stamper-v2/order-status?client_id=stamp_v2_…`), turned into the item the node
 * returns, and the checks a download needs. Pure: no I/O, no n8n.
 */
import { describeJsonType, isObject } from '../shared/json';
import { quoted } from '../shared/text';
import { isInternalHost, isLoopbackHost } from '../shared/url';

/** The statuses Surepass documents for a stamp. */
export const STAMP_STATUSES = ['pending', 'available', 'on_hold', 'used'] as const;

export interface StampDetails {
	/** The stamp's ID at Surepass (its client_id, "stamp_v2_…"): the same as the summary's stampId. */
	stampId: string;
	/** The e-stamp's own number (Surepass's `stamp_id`), when it has one. */
	stampNumber: string | null;
	/** `pending`, `available`, `on_hold` or `used`; another value is kept as it came, in lower case. */
	status: string;
	onHold: boolean | null;
	amount: number | null;
	considerationAmount: number | null;
	firstParty: string | null;
	secondParty: string | null;
	state: string | null;
	articleId: string | null;
	description: string | null;
	createdAt: string | null;
	certificateDetails: Array<Record<string, unknown>>;
	/** The temporary address of the stamp's PDF; Surepass says it is valid for a limited time. */
	link: string | null;
	/** When this node fetched the link (ISO 8601): the link expires some minutes after. */
	linkFetchedAt: string | null;
	/** Anything odd in the answer, said once. */
	warnings?: string[];
}

export type StampParse = { ok: true; stamp: StampDetails } | { ok: false; problem: string };

/** Text of a field, or null: numbers are kept as text (an article ID may come as 22128). */
function text(value: unknown): string | null {
	if (typeof value === 'string') return value;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return null;
}

/** An amount: a number, or a numeric string as sent; anything else is null. */
function amount(value: unknown): number | null {
	if (typeof value === 'number' && Number.isFinite(value)) return value;
	if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
	return null;
}

const CERTIFICATE_KEYS: Readonly<Record<string, string>> = {
	certificate_number: 'certificateNumber',
	issue_date: 'issueDate',
	denomination: 'denomination',
};

/** The certificate details, with the documented keys in the node's spelling; others kept as sent. */
function certificates(value: unknown): Array<Record<string, unknown>> {
	if (!Array.isArray(value)) return [];
	return value.filter(isObject).map((entry) => {
		const out: Record<string, unknown> = {};
		for (const [key, field] of Object.entries(entry)) out[CERTIFICATE_KEYS[key] ?? key] = field;
		return out;
	});
}

/**
 * Reads the `data` of an order-status answer for `stampId`. `fetchedAt` is when the answer came
 * (the link's age is measured from it).
 */
export function parseStampDetails(
	data: unknown,
	stampId: string,
	fetchedAt = new Date(),
): StampParse {
	if (!isObject(data))
		return { ok: false, problem: `"data" is ${describeJsonType(data)}, expected the stamp` };
	const warnings: string[] = [];
	const clientId = text(data.client_id);
	if (clientId !== null && clientId !== stampId) {
		return {
			ok: false,
			problem: `Surepass answered with client_id "${quoted(clientId, 100)}" for the stamp "${stampId}"`,
		};
	}
	const rawStatus = text(data.status);
	if (rawStatus === null || rawStatus.trim() === '')
		return {
			ok: false,
			problem: `"data.status" is ${describeJsonType(data.status)}, expected the stamp's status`,
		};
	const status = rawStatus.trim().toLowerCase();
	if (!(STAMP_STATUSES as readonly string[]).includes(status))
		warnings.push(
			`Surepass gave the status "${quoted(rawStatus, 40)}", which it does not document`,
		);
	const link = typeof data.link === 'string' && data.link.trim() !== '' ? data.link.trim() : null;
	const stamp: StampDetails = {
		stampId,
		stampNumber: text(data.stamp_id),
		status,
		onHold: typeof data.on_hold === 'boolean' ? data.on_hold : null,
		amount: amount(data.amount),
		considerationAmount: amount(data.consideration_amount),
		firstParty: text(data.first_party),
		secondParty: text(data.second_party),
		state: text(data.state),
		articleId: text(data.article_id),
		description: text(data.description),
		createdAt: text(data.created_at),
		certificateDetails: certificates(data.certificate_details),
		link,
		linkFetchedAt: link === null ? null : fetchedAt.toISOString(),
	};
	if (warnings.length > 0) stamp.warnings = warnings;
	return { ok: true, stamp };
}

export type LinkCheck =
	{ ok: true; url: string } | { ok: false; problem: string; description: string };

/**
 * Whether a stamp can be downloaded, and from where: it must be `available` with a link, and the
 * link must be https to a public host. The link comes in Surepass's answer, so a tampered or buggy
 * answer must not point n8n at itself or its private network (its REST port, its task runners'
 * broker, a cloud metadata service): hosts on this machine or a private or link-local network
 * (see isInternalHost), and plain http to them, are followed only when the credential's Base URL
 * is on this machine too (the emulator, development). The link is used as Surepass gave it: a
 * presigned address is signed over its exact text.
 */
export function downloadLink(stamp: StampDetails, baseUrl: string): LinkCheck {
	if (stamp.status !== 'available') {
		const hint: Record<string, string> = {
			pending: 'It is still being made: download it once the summary routes it to Available.',
			on_hold: 'Surepass holds it: ask Surepass why before you use it.',
			used: 'It has been used already.',
		};
		return {
			ok: false,
			problem: `The stamp "${stamp.stampId}" is ${stamp.status === 'on_hold' ? 'on hold' : `"${quoted(stamp.status, 40)}"`}, not available, so there is no PDF to download`,
			description:
				hint[stamp.status] ??
				'Only an available stamp can be downloaded. Check its status with the Get operation.',
		};
	}
	if (stamp.link === null) {
		return {
			ok: false,
			problem: `Surepass gave no download link for the available stamp "${stamp.stampId}"`,
			description: 'Try again in a minute; if it stays without a link, ask Surepass.',
		};
	}
	let url: URL;
	try {
		url = new URL(stamp.link);
	} catch {
		return {
			ok: false,
			problem: `Surepass's download link for the stamp "${stamp.stampId}" is not a valid address`,
			description: `The link was "${quoted(stamp.link, 120)}". Try again; if it stays so, ask Surepass.`,
		};
	}
	const development = isLoopbackHost(hostOfUrl(baseUrl));
	const where = `${quoted(url.protocol, 20)}//${quoted(url.host, 80)}`;
	if (isInternalHost(url.hostname) && !development) {
		return {
			ok: false,
			problem: `Surepass's download link for the stamp "${stamp.stampId}" points at this machine or a private network (${where}): it is not followed`,
			description:
				"Stamps are downloaded only from public https addresses, so that an answer cannot make n8n call itself or another internal service. Run the node again for a fresh link; if it points there again, ask Surepass. (Such links are followed only while the credential's Base URL is on this machine, for development.)",
		};
	}
	const local = url.protocol === 'http:' && development && isInternalHost(url.hostname);
	if (url.protocol !== 'https:' && !local) {
		return {
			ok: false,
			problem: `Surepass's download link for the stamp "${stamp.stampId}" is not https (${where}): it is not followed`,
			description:
				'A stamp is only downloaded over https, so that nobody on the way can read or change it. Ask Surepass about the link.',
		};
	}
	if (url.username !== '' || url.password !== '') {
		return {
			ok: false,
			problem: `Surepass's download link for the stamp "${stamp.stampId}" holds a user name or password: it is not followed`,
			description: 'Ask Surepass about the link.',
		};
	}
	return { ok: true, url: stamp.link };
}

/** The host name of an address (empty when it is not one). */
function hostOfUrl(address: string): string {
	try {
		return new URL(address).hostname;
	} catch {
		return '';
	}
}

/** The first bytes of every PDF file. */
const PDF_MAGIC = Buffer.from('%PDF-');

/** Whether bytes are a PDF file (by its signature, whatever the Content-Type says). */
export function isPdf(bytes: Buffer): boolean {
	// The signature may follow a little junk; PDF readers look in the first 1024 bytes.
	return bytes.subarray(0, 1024).indexOf(PDF_MAGIC) !== -1;
}

/** A file name for a stamp's PDF: its ID, with anything a file system dislikes replaced. */
export function pdfFileName(stampId: string): string {
	return `${stampId.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 200)}.pdf`;
}
