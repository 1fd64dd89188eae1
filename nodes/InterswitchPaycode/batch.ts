/**
 * Pure parsing and routing of an Interswitch Paycode bulk token batch status
 * (`GET {context}/pwm/bulk/tokens/comprehensive/status`), kept apart from n8n so it can be tested
 * with the vendor's exact sample.
 *
 * Amounts are strings in minor units (kobo): "400000" is ₦4,000.00. They become exact integers;
 * naira amounts are derived from them, never the other way round.
 */
import type { ChangeFilter } from '../shared/changes';
import { ROUTE_EVERYTHING, stateKey, tokenKeys } from '../shared/changes';
import { toNonNegativeInteger } from '../shared/numbers';
import { describeJsonType, isObject, preview } from '../shared/json';
import { quoted } from '../shared/text';

/** The branches in output order. `outputs`, `outputNames` and `execute` all follow this list. */
export const TOKEN_BRANCHES = [
	{ key: 'pending', outputName: 'Pending' },
	{ key: 'successful', outputName: 'Successful' },
	{ key: 'failed', outputName: 'Failed' },
] as const;

export type TokenBranch = (typeof TOKEN_BRANCHES)[number]['key'];
export const PENDING_OUTPUT = 0;
export const SUCCESSFUL_OUTPUT = 1;
export const FAILED_OUTPUT = 2;

export const CURRENCY = 'NGN';

export interface PaycodeToken {
	beneficiaryNumber: string;
	amountKobo: number;
	surchargeKobo: number;
	oneTimePin: string;
}

export interface BatchSummary {
	numberOfSuccessful: number;
	numberOfFailed: number;
	amountOfSuccessfulKobo: number;
	amountOfFailedKobo: number;
}

export interface BatchStatus {
	batchReference: string;
	successful: PaycodeToken[];
	failed: PaycodeToken[];
	/** From the lists (the lists win over the vendor's summary). */
	summary: BatchSummary;
	warnings: string[];
}

export type BatchParse = { ok: true; batch: BatchStatus } | { ok: false; problem: string };

/**
 * Reads a successful status body. Says what is wrong when it cannot be read; notes softer drift
 * (summary counts that disagree with the lists) in `warnings`.
 */
export function parseBatchStatus(body: unknown, referenceId: string): BatchParse {
	if (!isObject(body))
		return { ok: false, problem: `the body is ${describeJsonType(body)}, expected a JSON object` };
	const warnings: string[] = [];
	const lists: Record<'successful' | 'failed', PaycodeToken[]> = { successful: [], failed: [] };
	/** Beneficiary numbers and PINs sent as JSON numbers rather than text. */
	const numeric: string[] = [];
	for (const key of ['successful', 'failed'] as const) {
		// The seed's table names the failed list "Failed" while its JSON uses lower case keys: both
		// are read, so that a token listed under either is never dropped.
		const fields = [key, key === 'failed' ? 'Failed' : 'Successful'].filter(
			(field) => body[field] !== undefined && body[field] !== null,
		);
		if (
			fields.length === 2 &&
			[body[fields[0]], body[fields[1]]].every((list) => Array.isArray(list) && list.length > 0)
		) {
			warnings.push(
				`the response lists ${key} tokens under both "${fields[0]}" and "${fields[1]}"; both lists were read`,
			);
		}
		for (const field of fields) {
			const raw = body[field];
			if (!Array.isArray(raw))
				return {
					ok: false,
					problem: `"${field}" is ${describeJsonType(raw)}, expected a list of tokens`,
				};
			for (let i = 0; i < raw.length; i++) {
				const token = parseToken(raw[i], field, i, numeric);
				if (typeof token === 'string') return { ok: false, problem: token };
				lists[key].push(token);
			}
		}
	}

	if (numeric.length > 0) {
		const more =
			numeric.length > 1 ? ` and ${(numeric.length - 1).toLocaleString('en-US')} more` : '';
		warnings.push(
			`${numeric[0]}${more} came as ${numeric.length > 1 ? 'JSON numbers' : 'a JSON number'}, not text: a leading zero, if there was one, is lost`,
		);
	}
	const amountOfSuccessfulKobo = sumKobo(lists.successful);
	const amountOfFailedKobo = sumKobo(lists.failed);
	if (amountOfSuccessfulKobo === undefined || amountOfFailedKobo === undefined) {
		const what = amountOfSuccessfulKobo === undefined ? 'successful' : 'failed';
		return {
			ok: false,
			problem: `the amounts of the ${what} tokens add up to more than ${Number.MAX_SAFE_INTEGER.toLocaleString('en-US')} kobo, more than can be added exactly`,
		};
	}
	const summary: BatchSummary = {
		numberOfSuccessful: lists.successful.length,
		numberOfFailed: lists.failed.length,
		amountOfSuccessfulKobo,
		amountOfFailedKobo,
	};
	// The batch asked for names the items; an answer for another reference is said in a warning
	// (its reference cut to a readable length), as Surepass's node does for another client_id.
	const batchReference = referenceId;
	const vendorSummary = body.summary;
	if (isObject(vendorSummary)) {
		const answered = vendorSummary.batchReference;
		if (
			(typeof answered === 'string' || typeof answered === 'number') &&
			String(answered) !== referenceId
		) {
			warnings.push(
				`Interswitch answered for batch "${quoted(String(answered), 100)}" while "${referenceId}" was asked for`,
			);
		}
		compare(
			vendorSummary,
			'numberOfSuccessful',
			summary.numberOfSuccessful,
			'successful tokens',
			warnings,
		);
		compare(vendorSummary, 'numberOfFailed', summary.numberOfFailed, 'failed tokens', warnings);
		compare(
			vendorSummary,
			'amountOfSuccessful',
			summary.amountOfSuccessfulKobo,
			'kobo in successful tokens',
			warnings,
		);
		compare(
			vendorSummary,
			'amountOfFailed',
			summary.amountOfFailedKobo,
			'kobo in failed tokens',
			warnings,
		);
	} else if (vendorSummary !== undefined) {
		warnings.push(
			`"summary" is ${describeJsonType(vendorSummary)}; the counts were taken from the lists`,
		);
	} else {
		warnings.push('the response has no "summary"; the counts were taken from the lists');
	}
	return {
		ok: true,
		batch: {
			batchReference,
			successful: lists.successful,
			failed: lists.failed,
			summary,
			warnings,
		},
	};
}

function compare(
	summary: Record<string, unknown>,
	key: string,
	fromLists: number,
	what: string,
	warnings: string[],
): void {
	const raw = summary[key];
	if (raw === undefined || raw === null) return;
	const stated = toNonNegativeInteger(raw);
	if (stated === undefined) {
		warnings.push(
			`"summary.${key}" is not a whole number (${preview(raw)}); the lists were counted instead`,
		);
	} else if (stated !== fromLists) {
		warnings.push(
			`Interswitch's summary says ${stated} ${what} but the lists hold ${fromLists}; the lists are used`,
		);
	}
}

/** One token, or what is wrong with it. `list[index]` names it in a message (built only then). */
function parseToken(
	raw: unknown,
	list: string,
	index: number,
	numeric: string[],
): PaycodeToken | string {
	const field = () => `${list}[${index}]`;
	if (!isObject(raw)) return `"${field()}" is ${describeJsonType(raw)}, expected a token object`;
	const amountKobo = toNonNegativeInteger(raw.amount);
	if (amountKobo === undefined) {
		return `"${field()}.amount" is not a whole number of kobo (${preview(raw.amount)})`;
	}
	let surchargeKobo = 0;
	if (raw.surcharge !== undefined && raw.surcharge !== null && raw.surcharge !== '') {
		const surcharge = toNonNegativeInteger(raw.surcharge);
		if (surcharge === undefined)
			return `"${field()}.surcharge" is not a whole number of kobo (${preview(raw.surcharge)})`;
		surchargeKobo = surcharge;
	}
	const beneficiary = raw.beneficiaryNumber;
	if (typeof beneficiary !== 'string' && typeof beneficiary !== 'number') {
		return `"${field()}.beneficiaryNumber" is ${describeJsonType(beneficiary)}, expected a phone number`;
	}
	const pin = raw.oneTimePin;
	// The PIN's value never goes into a message: only its type.
	if (typeof pin !== 'string' && typeof pin !== 'number') {
		return `"${field()}.oneTimePin" is ${describeJsonType(pin)}, expected a PIN`;
	}
	// A number past 2^53 was rounded when the answer was parsed: passing it on would text a
	// beneficiary the wrong PIN. The PIN's value stays out of the message.
	for (const [name, value] of [
		['beneficiaryNumber', beneficiary],
		['oneTimePin', pin],
	] as const) {
		if (typeof value !== 'number') continue;
		if (!Number.isSafeInteger(value) || value < 0) {
			return `"${field()}.${name}" is a JSON number that cannot be held exactly (it was rounded on the way): Interswitch must send it as text`;
		}
		numeric.push(`"${field()}.${name}"`);
	}
	return {
		beneficiaryNumber: String(beneficiary),
		amountKobo,
		surchargeKobo,
		oneTimePin: String(pin),
	};
}

/** The exact total, or undefined past 2^53 - 1, where adding would round. */
function sumKobo(tokens: PaycodeToken[]): number | undefined {
	let total = 0;
	for (const token of tokens) {
		total += token.amountKobo;
		if (!Number.isSafeInteger(total)) return undefined;
	}
	return total;
}

/** Kobo to naira as a number: 400000 -> 4000. Exact for any safe integer amount of kobo. */
export function koboToNaira(kobo: number): number {
	return Math.trunc(kobo / 100) + (kobo % 100) / 100;
}

/** ₦43,000.00 */
export function formatNaira(kobo: number): string {
	const naira = Math.trunc(kobo / 100).toLocaleString('en-US');
	return `₦${naira}.${String(kobo % 100).padStart(2, '0')}`;
}

export type OutputMode = 'perToken' | 'perBatch';
export type PinMode = 'include' | 'mask' | 'omit';

export const MASKED_PIN = '****';

export interface RouteOptions {
	mode: OutputMode;
	pins: PinMode;
	frontEndPartnerId: string;
	/** The batch size submitted at generation, when known. */
	expectedCount?: number;
	/**
	 * Whether each token's item (One Item per Token) also carries the batch's `summary`, as versions
	 * 1 and 1.1 of the node always did. From 1.2 it does not by default: the summary describes the
	 * batch, not the token, and anything that serialises the items as plain JSON repeats it for every
	 * token. One Item per Batch and the Pending item always carry it. Unset means true.
	 */
	batchSummary?: boolean;
}

type Json = Record<string, unknown>;

function summaryJson(batch: BatchStatus, options: RouteOptions): Json {
	const { summary } = batch;
	const out: Json = {
		numberOfSuccessful: summary.numberOfSuccessful,
		numberOfFailed: summary.numberOfFailed,
		amountOfSuccessfulKobo: summary.amountOfSuccessfulKobo,
		amountOfFailedKobo: summary.amountOfFailedKobo,
		amountOfSuccessfulNaira: koboToNaira(summary.amountOfSuccessfulKobo),
		amountOfFailedNaira: koboToNaira(summary.amountOfFailedKobo),
		currency: CURRENCY,
	};
	if (options.expectedCount !== undefined) {
		out.expectedCount = options.expectedCount;
		out.outstandingCount = Math.max(
			0,
			options.expectedCount - summary.numberOfSuccessful - summary.numberOfFailed,
		);
	}
	return out;
}

/**
 * One token as JSON. Object literals of a fixed shape, one per PIN option: this runs once per token
 * (100,000 in a large batch), and spreads into a fresh object cost several times more.
 */
function tokenJson(token: PaycodeToken, pins: PinMode): Json {
	const { beneficiaryNumber, amountKobo, surchargeKobo } = token;
	const amountNaira = koboToNaira(amountKobo);
	if (pins === 'include') {
		return {
			beneficiaryNumber,
			amountKobo,
			surchargeKobo,
			amountNaira,
			currency: CURRENCY,
			oneTimePin: token.oneTimePin,
		};
	}
	if (pins === 'mask')
		return {
			beneficiaryNumber,
			amountKobo,
			surchargeKobo,
			amountNaira,
			currency: CURRENCY,
			oneTimePin: MASKED_PIN,
		};
	return { beneficiaryNumber, amountKobo, surchargeKobo, amountNaira, currency: CURRENCY };
}

/**
 * One item per token, with the batch's reference and partner, and the batch's summary (shared, not
 * copied) unless it is left out. Fixed-shape literals, one per case, as in tokenJson.
 */
function tokenItem(
	head: { batchReference: string; frontEndPartnerId: string },
	status: string,
	token: PaycodeToken,
	pins: PinMode,
	summary: Json | undefined,
): Json {
	const { batchReference, frontEndPartnerId } = head;
	const { beneficiaryNumber, amountKobo, surchargeKobo } = token;
	const amountNaira = koboToNaira(amountKobo);
	if (summary === undefined) {
		if (pins === 'include') {
			return {
				batchReference,
				frontEndPartnerId,
				status,
				beneficiaryNumber,
				amountKobo,
				surchargeKobo,
				amountNaira,
				currency: CURRENCY,
				oneTimePin: token.oneTimePin,
			};
		}
		if (pins === 'mask') {
			return {
				batchReference,
				frontEndPartnerId,
				status,
				beneficiaryNumber,
				amountKobo,
				surchargeKobo,
				amountNaira,
				currency: CURRENCY,
				oneTimePin: MASKED_PIN,
			};
		}
		return {
			batchReference,
			frontEndPartnerId,
			status,
			beneficiaryNumber,
			amountKobo,
			surchargeKobo,
			amountNaira,
			currency: CURRENCY,
		};
	}
	if (pins === 'include') {
		return {
			batchReference,
			frontEndPartnerId,
			status,
			beneficiaryNumber,
			amountKobo,
			surchargeKobo,
			amountNaira,
			currency: CURRENCY,
			oneTimePin: token.oneTimePin,
			summary,
		};
	}
	if (pins === 'mask') {
		return {
			batchReference,
			frontEndPartnerId,
			status,
			beneficiaryNumber,
			amountKobo,
			surchargeKobo,
			amountNaira,
			currency: CURRENCY,
			oneTimePin: MASKED_PIN,
			summary,
		};
	}
	return {
		batchReference,
		frontEndPartnerId,
		status,
		beneficiaryNumber,
		amountKobo,
		surchargeKobo,
		amountNaira,
		currency: CURRENCY,
		summary,
	};
}

/** The keys of every entry `routeBatch` can route, for "Only Changes Since Last Run". */
export function batchChangeKeys(batch: BatchStatus, options: RouteOptions): string[] {
	const keys = [
		...tokenKeys(options.frontEndPartnerId, batch.batchReference, 'successful', batch.successful),
		...tokenKeys(options.frontEndPartnerId, batch.batchReference, 'failed', batch.failed),
	];
	const pending = pendingKey(batch, options);
	if (pending !== undefined) keys.push(pending);
	return keys;
}

/** The key of the Pending item (tokens not generated yet), if the batch has one. */
function pendingKey(batch: BatchStatus, options: RouteOptions): string | undefined {
	const generated = batch.successful.length + batch.failed.length;
	const outstanding =
		options.expectedCount === undefined ? undefined : options.expectedCount - generated;
	if (!((outstanding !== undefined && outstanding > 0) || generated === 0)) return undefined;
	return stateKey(
		'token',
		options.frontEndPartnerId,
		batch.batchReference,
		'pending',
		generated,
		options.expectedCount ?? null,
	);
}

/**
 * Turns a batch into the JSON of the items for each output (Pending, Successful, Failed).
 * Pending gets one item when an expected count is known and not reached, or when the batch lists
 * no token at all, so a batch is never silently dropped. With a change filter, only the tokens
 * (and the Pending item) it keeps are routed; `count` and the totals of a One Item per Batch item
 * are then those of the tokens it holds, while `summary` stays the whole batch.
 */
export function routeBatch(
	batch: BatchStatus,
	options: RouteOptions,
	filter: ChangeFilter = ROUTE_EVERYTHING,
): Json[][] {
	const summary = summaryJson(batch, options);
	const all = filter === ROUTE_EVERYTHING;
	const combined = filter.notice ? [...batch.warnings, filter.notice] : batch.warnings;
	const warnings = combined.length > 0 ? combined : undefined;
	const head = {
		batchReference: batch.batchReference,
		frontEndPartnerId: options.frontEndPartnerId,
	};
	const outputs: Json[][] = [[], [], []];
	const branches: Array<[number, 'successful' | 'failed', PaycodeToken[]]> = [
		[SUCCESSFUL_OUTPUT, 'successful', batch.successful],
		[FAILED_OUTPUT, 'failed', batch.failed],
	];
	for (const [output, status, listed] of branches) {
		let tokens = listed;
		if (!all) {
			const keys = tokenKeys(options.frontEndPartnerId, batch.batchReference, status, listed);
			tokens = listed.filter((_, i) => filter.keep(keys[i]));
		}
		if (options.mode === 'perBatch') {
			if (tokens.length === 0) continue;
			const branchTotal =
				status === 'successful'
					? batch.summary.amountOfSuccessfulKobo
					: batch.summary.amountOfFailedKobo;
			// A part of an exact total is exact too.
			const totalKobo = tokens === listed ? branchTotal : (sumKobo(tokens) ?? branchTotal);
			const item: Json = {
				...head,
				status,
				count: tokens.length,
				totalAmountKobo: totalKobo,
				totalAmountNaira: koboToNaira(totalKobo),
				currency: CURRENCY,
				tokens: tokens.map((token) => tokenJson(token, options.pins)),
				summary,
			};
			if (warnings) item.warnings = warnings;
			outputs[output].push(item);
			continue;
		}
		const perItemSummary = options.batchSummary === false ? undefined : summary;
		const items: Json[] = new Array(tokens.length);
		for (let i = 0; i < tokens.length; i++) {
			const item = tokenItem(head, status, tokens[i], options.pins, perItemSummary);
			if (warnings) item.warnings = warnings;
			items[i] = item;
		}
		outputs[output] = items;
	}
	const generated = batch.successful.length + batch.failed.length;
	const outstanding =
		options.expectedCount === undefined ? undefined : options.expectedCount - generated;
	const pending = pendingKey(batch, options);
	if (pending !== undefined) {
		if (all || filter.keep(pending))
			outputs[PENDING_OUTPUT].push(
				pendingItem(batch.batchReference, options, generated, summary, warnings),
			);
	} else if (outstanding !== undefined && outstanding < 0) {
		const note = `Interswitch lists ${generated} tokens, more than the ${options.expectedCount} expected`;
		for (const output of [SUCCESSFUL_OUTPUT, FAILED_OUTPUT]) {
			for (const item of outputs[output])
				item.warnings = [...((item.warnings as string[]) ?? []), note];
		}
	}
	return outputs;
}

export function pendingItem(
	batchReference: string,
	options: RouteOptions,
	generated: number,
	summary: Json | undefined,
	warnings?: string[],
	note?: string,
): Json {
	const item: Json = {
		batchReference,
		frontEndPartnerId: options.frontEndPartnerId,
		status: 'pending',
		expectedCount: options.expectedCount ?? null,
		generatedCount: generated,
		outstandingCount:
			options.expectedCount === undefined ? null : Math.max(0, options.expectedCount - generated),
		note:
			note ??
			(generated === 0
				? 'Interswitch lists no tokens for this batch yet'
				: `${(options.expectedCount ?? generated) - generated} of ${options.expectedCount} tokens are not generated yet`),
	};
	if (summary) item.summary = summary;
	if (warnings) item.warnings = warnings;
	return item;
}

/** The names items had before version 1.3, and the parameters' names they have from it. */
const PARAMETER_NAMES: Readonly<Record<string, string>> = {
	batchReference: 'referenceId',
	expectedCount: 'expectedTokenCount',
};

function renamed(json: Json): Json {
	const out: Json = {};
	for (const key of Object.keys(json)) {
		const value = json[key];
		out[PARAMETER_NAMES[key] ?? key] =
			key === 'summary' && value !== null && typeof value === 'object' && !Array.isArray(value)
				? renamed(value as Json)
				: value;
	}
	return out;
}

/**
 * Items as version 1.3 of the node gives them: the batch is `referenceId` and the count it was
 * checked against `expectedTokenCount`, the names of the parameters that take them, so an item can
 * go back into the node (a Wait loop) or on to Cancel as it is. Field order is kept.
 */
export function withParameterNames(outputs: Json[][]): Json[][] {
	return outputs.map((items) => items.map(renamed));
}
