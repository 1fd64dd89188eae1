/**
 * Pure parsing and routing of a Surepass bulk stamp order summary
 * (`POST /api/v1/stamper-v2/bulk-stamp-order-summary`), kept apart from n8n so it can be
 * tested with the vendor's exact sample payloads.
 *
 * The contract is the seed document; the tolerance is for drift seen across Surepass endpoints:
 * counts sent as strings, a branch missing from `summary`, a count that disagrees with its list.
 */
import { toNonNegativeInteger } from '../shared/numbers';
import type { ChangeFilter } from '../shared/changes';
import { ROUTE_EVERYTHING, stampKey, stateKey } from '../shared/changes';
import { describeJsonType, isObject, preview } from '../shared/json';
import { quoted } from '../shared/text';

/** The branches in output order. `outputs`, `outputNames` and `execute` all follow this list. */
export const STAMP_BRANCHES = [
	{ key: 'pending', outputName: 'Pending' },
	{ key: 'available', outputName: 'Available' },
	{ key: 'failed', outputName: 'Failed' },
] as const;

export type StampStatus = (typeof STAMP_BRANCHES)[number]['key'];

export const FAILED_OUTPUT = STAMP_BRANCHES.findIndex((branch) => branch.key === 'failed');

export interface StampBranch {
	/** The branch as Surepass names it: pending, available, failed, or one this node does not know. */
	status: string;
	/** The output its stamps go to: their own, or Pending for a branch this node does not know. */
	output: number;
	stampIds: string[];
	/** What Surepass said in `count`, when it said something usable. */
	reportedCount: number | undefined;
}

export interface StampOrderSummary {
	/** The order asked for. */
	bulkOrderId: string;
	/** `data.client_id` as Surepass sent it. */
	vendorClientId: string | undefined;
	quantity: number;
	/**
	 * Pending, available and failed, in output order; then any branch this node does not know
	 * (routed to Pending, with its name as the stamps' status).
	 */
	branches: StampBranch[];
	/** Stamps counted in `quantity` but listed in no branch. */
	unlistedCount: number;
	/** Drift noticed in the response, in words a person reads. Empty when the response was clean. */
	warnings: string[];
}

/** The summary, or why the response cannot be read as one. */
export type SummaryParse =
	{ ok: true; summary: StampOrderSummary } | { ok: false; problem: string };

/**
 * Reads `data` of a successful envelope. Says what is wrong when the response cannot be read as
 * a summary at all; notes softer drift in `warnings`.
 */
export function parseStampOrderSummary(data: unknown, bulkOrderId: string): SummaryParse {
	if (!isObject(data)) {
		return {
			ok: false,
			problem: `"data" is ${describeJsonType(data)}, expected the order summary object`,
		};
	}
	const warnings: string[] = [];
	const vendorClientId = typeof data.client_id === 'string' ? data.client_id : undefined;
	if (vendorClientId !== undefined && vendorClientId !== bulkOrderId) {
		warnings.push(
			`Surepass answered with client_id "${quoted(vendorClientId, 100)}" for the order "${bulkOrderId}"`,
		);
	}
	const summary = data.summary;
	if (!isObject(summary)) {
		return {
			ok: false,
			problem:
				summary === undefined
					? 'the response has no "summary", so the stamps cannot be routed'
					: `"summary" is ${describeJsonType(summary)}, expected an object with pending, available and failed`,
		};
	}

	const branches = readBranches(summary, warnings);
	if (typeof branches === 'string') return { ok: false, problem: branches };

	const listed = branches.reduce((total, branch) => total + branch.stampIds.length, 0);
	let quantity = toNonNegativeInteger(data.quantity);
	if (quantity === undefined) {
		if (data.quantity !== undefined)
			warnings.push(`"quantity" is not a whole number (${preview(data.quantity)})`);
		else warnings.push('"quantity" is missing: it is taken as the number of stamps listed');
		quantity = listed;
	}
	findDuplicates(branches, warnings);
	return {
		ok: true,
		summary: {
			bulkOrderId,
			vendorClientId,
			quantity,
			branches,
			unlistedCount: Math.max(0, quantity - listed),
			warnings,
		},
	};
}

/**
 * The branches of `summary`: pending, available and failed, whatever the case of their names
 * ("Pending" is read as pending, with a warning, and both lists are read when both spellings come),
 * then every other branch that lists stamps (an "on_hold" Surepass may add): routed to Pending
 * with a warning, never dropped. Keys that are not branches (a number, a text) are left alone.
 */
function readBranches(
	summary: Record<string, unknown>,
	warnings: string[],
): StampBranch[] | string {
	const known = new Map<string, string[]>(STAMP_BRANCHES.map(({ key }) => [key, []]));
	const others: string[] = [];
	for (const name of Object.keys(summary)) {
		const lower = name.toLowerCase();
		const spellings = known.get(lower);
		if (spellings !== undefined) spellings.push(name);
		else if (
			isObject(summary[name]) &&
			Array.isArray((summary[name] as Record<string, unknown>).stamps)
		)
			others.push(name);
	}
	const branches: StampBranch[] = [];
	const respelled: string[] = [];
	for (const [index, { key }] of STAMP_BRANCHES.entries()) {
		const spellings = known.get(key) ?? [];
		const parts: StampBranch[] = [];
		for (const name of spellings.length > 0 ? spellings : [key]) {
			if (name !== key) respelled.push(`"${quoted(name, 40)}"`);
			const part = parseBranch(summary[name], name, key, index, warnings);
			if (typeof part === 'string') return part;
			parts.push(part);
		}
		branches.push(parts.length === 1 ? parts[0] : mergeParts(parts));
	}
	if (respelled.length > 0) {
		warnings.push(
			`Surepass named ${respelled.length === 1 ? 'a branch' : 'branches'} ${respelled.join(', ')} with other capitals than pending, available and failed; ${respelled.length === 1 ? 'it was' : 'they were'} read as such`,
		);
	}
	for (const name of others) {
		const branch = parseBranch(summary[name], name, name, 0, warnings);
		if (typeof branch === 'string') return branch;
		if (branch.stampIds.length === 0) continue;
		warnings.push(
			`Surepass lists ${branch.stampIds.length.toLocaleString('en-US')} stamp(s) under "${quoted(name, 40)}", a branch this node does not know: they are routed to Pending with status "${quoted(name, 40)}"`,
		);
		branches.push({ ...branch, status: quoted(name, 40) });
	}
	return branches;
}

/** One branch from the lists of its spellings ("failed" and "Failed"), in the order they came. */
function mergeParts(parts: StampBranch[]): StampBranch {
	const counts = parts.map((part) => part.reportedCount);
	return {
		status: parts[0].status,
		output: parts[0].output,
		stampIds: parts.flatMap((part) => part.stampIds),
		reportedCount: counts.every((count) => count !== undefined)
			? counts.reduce((sum, count) => (sum ?? 0) + (count ?? 0), 0)
			: undefined,
	};
}

/** A branch, or why it cannot be read. `name` is the key Surepass used, `status` what it stands for. */
function parseBranch(
	raw: unknown,
	name: string,
	status: string,
	output: number,
	warnings: string[],
): StampBranch | string {
	if (raw === undefined || raw === null) {
		return { status, output, stampIds: [], reportedCount: undefined };
	}
	if (!isObject(raw))
		return `"summary.${quoted(name, 40)}" is ${describeJsonType(raw)}, expected an object`;
	const stampIds = raw.stamps === undefined || raw.stamps === null ? [] : raw.stamps;
	if (!Array.isArray(stampIds)) {
		return `"summary.${quoted(name, 40)}.stamps" is ${describeJsonType(stampIds)}, expected a list of stamp IDs`;
	}
	for (let i = 0; i < stampIds.length; i++) {
		if (typeof stampIds[i] !== 'string') {
			return `"summary.${quoted(name, 40)}.stamps[${i}]" is ${describeJsonType(stampIds[i])}, expected a stamp ID`;
		}
	}
	let reportedCount: number | undefined;
	if (raw.count !== undefined && raw.count !== null) {
		reportedCount = toNonNegativeInteger(raw.count);
		if (reportedCount === undefined) {
			warnings.push(
				`"summary.${quoted(name, 40)}.count" is not a whole number (${preview(raw.count)}); the list was counted instead`,
			);
		}
	}
	if (reportedCount !== undefined && reportedCount !== stampIds.length) {
		warnings.push(
			`Surepass counts ${reportedCount} ${status} stamp(s) but lists ${stampIds.length}; the list is used`,
		);
	}
	return { status, output, stampIds: stampIds as string[], reportedCount };
}

/** How many repeated stamp IDs a warning names; the rest are counted. */
export const DUPLICATES_NAMED = 5;

/**
 * Flags stamps listed more than once, in one warning of bounded length: how many, and the first
 * few IDs with where they are listed. Linear in the number of stamps: one Set insertion per stamp,
 * then one pass that records the branches of the repeated IDs only.
 */
function findDuplicates(branches: StampBranch[], warnings: string[]): void {
	const seen = new Set<string>();
	const repeated = new Set<string>();
	for (const branch of branches) {
		const ids = branch.stampIds;
		for (let i = 0; i < ids.length; i++) {
			const size = seen.size;
			seen.add(ids[i]);
			if (seen.size === size) repeated.add(ids[i]);
		}
	}
	if (repeated.size === 0) return;
	const where = new Map<string, string[]>();
	for (const branch of branches) {
		for (const id of branch.stampIds) {
			if (!repeated.has(id)) continue;
			const statuses = where.get(id);
			if (statuses === undefined) where.set(id, [branch.status]);
			else statuses.push(branch.status);
		}
	}
	let inTwoBranches = 0;
	const named: string[] = [];
	for (const [id, statuses] of where) {
		const distinct = [...new Set(statuses)];
		if (distinct.length > 1) inTwoBranches++;
		if (named.length < DUPLICATES_NAMED) {
			named.push(
				distinct.length > 1
					? `${quoted(id, 100)} (${distinct.join(' and ')})`
					: `${quoted(id, 100)} (${statuses.length} times as ${distinct[0]})`,
			);
		}
	}
	const count = repeated.size;
	if (count === 1) {
		const [[id, statuses]] = where;
		const distinct = [...new Set(statuses)];
		warnings.push(
			distinct.length > 1
				? `Stamp ${quoted(id, 100)} is listed as both ${distinct.join(' and ')}`
				: `Stamp ${quoted(id, 100)} is listed ${statuses.length === 2 ? 'twice' : `${statuses.length} times`} as ${distinct[0]}`,
		);
		return;
	}
	const kinds = [
		inTwoBranches > 0 ? `${inTwoBranches.toLocaleString('en-US')} in more than one branch` : '',
		count - inTwoBranches > 0
			? `${(count - inTwoBranches).toLocaleString('en-US')} more than once in the same branch`
			: '',
	]
		.filter(Boolean)
		.join(', ');
	const more =
		count > named.length ? `, and ${(count - named.length).toLocaleString('en-US')} more` : '';
	warnings.push(
		`${count.toLocaleString('en-US')} stamps are listed more than once (${kinds}); each is routed to every branch it is listed in: ${named.join(', ')}${more}`,
	);
}

/**
 * Nothing pending: every stamp of the order is listed as available or failed (a stamp in a branch
 * this node does not know is routed to Pending, so it counts as pending here too).
 */
export function isOrderComplete(summary: StampOrderSummary): boolean {
	const listed = summary.branches.reduce((total, branch) => total + branch.stampIds.length, 0);
	const pending = summary.branches
		.filter((branch) => branch.output === 0)
		.reduce((total, branch) => total + branch.stampIds.length, 0);
	return listed > 0 && summary.unlistedCount === 0 && pending === 0;
}

export type OutputMode = 'perStamp' | 'perOrder';

/**
 * How an order becomes items. `orderTotals`: whether each stamp's item (One Item per Stamp) also
 * carries the order's `quantity` and counts per branch, as version 1 of the node always did. From
 * version 1.1 it does not by default: those numbers describe the order, not the stamp, and repeated
 * on 100,000 items they doubled what n8n saves of a run. One Item per Order always carries them.
 */
export type StampRoute = { mode: OutputMode; orderTotals: boolean };

export interface StampItem {
	bulkOrderId: string;
	stampId: string;
	status: StampStatus;
	quantity: number;
	pendingCount: number;
	availableCount: number;
	failedCount: number;
	warnings?: string[];
}

/** The keys of every entry `routeSummary` can route, for "Only Changes Since Last Run". */
export function stampChangeKeys(summary: StampOrderSummary): string[] {
	const keys: string[] = [];
	for (const branch of summary.branches)
		for (const id of branch.stampIds) keys.push(stampKey(summary.bulkOrderId, branch.status, id));
	const extra = unlistedKey(summary);
	if (extra !== undefined) keys.push(extra);
	return keys;
}

/** The key of the Pending item for stamps the order counts but lists nowhere, if there is one. */
function unlistedKey(summary: StampOrderSummary): string | undefined {
	const listed = summary.branches.reduce((total, branch) => total + branch.stampIds.length, 0);
	if (summary.unlistedCount === 0 && listed > 0) return undefined;
	return stateKey(
		'stamp',
		summary.bulkOrderId,
		listed === 0 ? 'nothing listed' : 'unlisted',
		summary.unlistedCount,
	);
}

/**
 * Turns a summary into the JSON of the items for each output, in output order.
 * Every order yields at least one item: stamps that `quantity` counts but no list holds become
 * one Pending item with `unlistedCount`, so an order with nothing listed is never silently dropped.
 * With a change filter, only the stamps (and that Pending item) it keeps are routed: `count` and
 * `stampIds` then hold those, while `pendingCount`, `availableCount` and `failedCount` stay the
 * order's totals.
 */
export function routeSummary(
	summary: StampOrderSummary,
	{ mode, orderTotals }: StampRoute,
	filter: ChangeFilter = ROUTE_EVERYTHING,
): Array<Array<Record<string, unknown>>> {
	// What each output holds, a branch this node does not know counted with Pending.
	const inOutput = [0, 0, 0];
	for (const branch of summary.branches) inOutput[branch.output] += branch.stampIds.length;
	const counts = {
		pendingCount: inOutput[0],
		availableCount: inOutput[1],
		failedCount: inOutput[2],
	};
	const all = filter === ROUTE_EVERYTHING;
	const combined = filter.notice ? [...summary.warnings, filter.notice] : summary.warnings;
	const warnings = combined.length > 0 ? combined : undefined;
	const perBranch: Array<Array<Record<string, unknown>>> = summary.branches.map((branch) => {
		const { status } = branch;
		const stampIds = all
			? branch.stampIds
			: branch.stampIds.filter((id) => filter.keep(stampKey(summary.bulkOrderId, status, id)));
		if (mode === 'perOrder') {
			if (stampIds.length === 0) return [];
			const item: Record<string, unknown> = {
				bulkOrderId: summary.bulkOrderId,
				status,
				count: stampIds.length,
				stampIds,
				quantity: summary.quantity,
				...counts,
			};
			if (warnings) item.warnings = warnings;
			return [item];
		}
		// Fixed-shape literals: this runs once per stamp (100,000 in a large order).
		const { bulkOrderId } = summary;
		const items: Array<Record<string, unknown>> = new Array(stampIds.length);
		for (let i = 0; i < stampIds.length; i++) {
			const item: Record<string, unknown> = orderTotals
				? {
						bulkOrderId,
						stampId: stampIds[i],
						status,
						quantity: summary.quantity,
						pendingCount: counts.pendingCount,
						availableCount: counts.availableCount,
						failedCount: counts.failedCount,
					}
				: { bulkOrderId, stampId: stampIds[i], status };
			if (warnings) item.warnings = warnings;
			items[i] = item;
		}
		return items;
	});
	const outputs: Array<Array<Record<string, unknown>>> = STAMP_BRANCHES.map(() => []);
	summary.branches.forEach((branch, index) => {
		const items = perBranch[index];
		const target = outputs[branch.output];
		if (target.length === 0 && index === branch.output) outputs[branch.output] = items;
		else for (let k = 0; k < items.length; k++) target.push(items[k]);
	});
	const listed = counts.pendingCount + counts.availableCount + counts.failedCount;
	const extra = unlistedKey(summary);
	if (extra !== undefined && (all || filter.keep(extra))) {
		const item: Record<string, unknown> = {
			bulkOrderId: summary.bulkOrderId,
			stampId: null,
			status: 'pending',
			unlistedCount: summary.unlistedCount,
			quantity: summary.quantity,
			...counts,
			note:
				listed === 0
					? 'Surepass lists no stamps for this order yet'
					: `${summary.unlistedCount} stamp(s) of the order are not listed in any branch yet`,
		};
		if (warnings) item.warnings = warnings;
		outputs[0].push(item);
	}
	return outputs;
}
