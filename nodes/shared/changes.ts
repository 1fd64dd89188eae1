/**
 * "Only Changes Since Last Run": a stamp or token goes to a branch only the first time it is seen
 * there, for its order or batch. What was routed is kept in n8n's deduplication store — the one the
 * Remove Duplicates node uses, `helpers.checkProcessedAndRecord`, in n8n's database — scoped to the
 * node, so it holds across executions, restarts and queue-mode workers.
 *
 * Each entry is a key (see `stampKey`, `tokenKey`); n8n keeps an MD5 hash of each, never the value.
 * One store call per execution, after every item is done, so the items of one run never overwrite
 * each other's record; an item whose check failed records nothing (it is seen as new next time).
 * Where the store is not available (an unsaved workflow, an n8n without it), everything is routed,
 * nothing is recorded, and every routed item says so in `warnings`.
 */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Checked, NumberRule } from './checks';
import { checkNumber } from './checks';

/** What a node keeps of one routed entry, and what it tells the items. */
export interface ChangeFilter {
	/** Whether an entry with this key is routed (it was not routed before). */
	keep: (key: string) => boolean;
	/** A sentence added to every routed item's `warnings`, when the store could not be used. */
	notice?: string;
}

export const ROUTE_EVERYTHING: ChangeFilter = { keep: () => true };

export interface ChangeSettings {
	enabled: boolean;
	/** How many entries n8n keeps; the oldest are forgotten first. */
	historySize: number;
	/** Forget everything recorded for this node before this run. */
	startOver: boolean;
}

export const DEFAULT_HISTORY_SIZE = 100_000;

export const CHANGE_RULES = {
	changesHistorySize: {
		label: 'Remembered Entries (Only Changes)',
		min: 100,
		max: 10_000_000,
		whole: true,
	},
} satisfies Record<string, NumberRule>;

/** The switch, shown with the node's main parameters. */
export function onlyChangesProperty(show: Record<string, string[]>, what: string): INodeProperties {
	return {
		displayName: 'Only Changes Since Last Run',
		name: 'onlyChanges',
		type: 'boolean',
		default: false,
		displayOptions: { show, hide: { '@tool': [true] } },
		description: `Whether to route each ${what} only the first time it is seen in a branch, for its order or batch: what stays where it was is not routed again, what moves to another branch is routed once there. n8n remembers what was routed, per node, in its database.`,
		hint: 'Manual executions (testing in the editor) do not add to what is remembered; scheduled and triggered runs do',
	};
}

/** The two settings that go with the switch, for the node's Options collection. */
export function changesOptions(): INodeProperties[] {
	return [
		{
			displayName: 'Remembered Entries (Only Changes)',
			name: 'changesHistorySize',
			type: 'number',
			typeOptions: { minValue: 100, maxValue: 10_000_000, numberPrecision: 0 },
			default: 100000,
			description:
				'With Only Changes Since Last Run: how many routed entries (stamp or token in a branch) n8n remembers for this node; past that, the oldest are forgotten and would be routed again',
		},
		{
			displayName: 'Start Over (Only Changes)',
			name: 'changesStartOver',
			type: 'boolean',
			default: false,
			description:
				'Whether to forget everything this node routed before, then route and remember as on a first run. Turn it on for one run, then off again. A manual execution forgets nothing.',
		},
	];
}

export function readChangeSettings(
	ctx: IExecuteFunctions,
	options: Record<string, unknown>,
): Checked<ChangeSettings> {
	const enabled = ctx.getNodeParameter('onlyChanges', 0, false) === true;
	const historySize = checkNumber(
		options.changesHistorySize,
		DEFAULT_HISTORY_SIZE,
		CHANGE_RULES.changesHistorySize,
	);
	if (!historySize.ok) return historySize;
	return {
		ok: true,
		value: {
			enabled,
			historySize: historySize.value,
			startOver: options.changesStartOver === true,
		},
	};
}

/**
 * Asks n8n's store which of `keys` are new, recording them, and returns the filter to route with.
 * `keys` are every entry of every item that was checked successfully in this run.
 *
 * A manual execution (a test run in the editor) reads the record but leaves it as it was, as n8n's
 * own polling triggers do: testing a workflow twice must not leave the next scheduled run with
 * nothing to send. n8n's helpers have no read-only check, so the entries a manual run finds new
 * are recorded and taken out again at once.
 */
export async function filterChanges(
	ctx: IExecuteFunctions,
	settings: ChangeSettings,
	keys: string[],
): Promise<ChangeFilter> {
	const helpers = ctx.helpers as Partial<IExecuteFunctions['helpers']>;
	if (
		typeof helpers.checkProcessedAndRecord !== 'function' ||
		typeof helpers.clearAllProcessedItems !== 'function' ||
		typeof helpers.removeProcessed !== 'function'
	) {
		return unavailable('this n8n has no deduplication store');
	}
	const options = { mode: 'entries' as const, maxEntries: settings.historySize };
	const manual = ctx.getMode() === 'manual';
	try {
		if (settings.startOver && !manual) await helpers.clearAllProcessedItems('node', options);
		if (keys.length === 0) return ROUTE_EVERYTHING;
		const { new: fresh } = await helpers.checkProcessedAndRecord(keys, 'node', options);
		if (manual && fresh.length > 0) await helpers.removeProcessed(fresh, 'node', options);
		const isNew = new Set(fresh.map(String));
		return manual
			? { keep: (key) => isNew.has(key), notice: MANUAL_NOTICE }
			: { keep: (key) => isNew.has(key) };
	} catch (error) {
		const reason = error instanceof Error ? error.message : String(error);
		return unavailable(
			/needs to initiali[sz]ed|workflow\.id|contextData\.workflow/i.test(reason)
				? 'save the workflow first: the record is kept with the saved workflow'
				: reason,
		);
	}
}

/** Said on what a manual execution routes with Only Changes Since Last Run. */
export const MANUAL_NOTICE =
	'A manual execution routes what is new since the last recorded run and records nothing: the next scheduled or triggered run still routes it';

function unavailable(reason: string): ChangeFilter {
	return {
		keep: () => true,
		notice: `Only Changes Since Last Run could not use n8n's record of what was routed before (${reason}): everything was routed, and nothing was recorded`,
	};
}

/** The key of a stamp in a branch of an order. */
export function stampKey(bulkOrderId: string, status: string, stampId: string): string {
	return JSON.stringify(['stamp', bulkOrderId, status, stampId]);
}

/**
 * Keys for the tokens of one branch of a batch. Paycode tokens have no ID of their own, and one
 * beneficiary may receive two tokens of the same amount in one batch: a token is its beneficiary,
 * its amount and which of the equal ones it is, in the order Interswitch lists them. The PIN is not
 * used: a 4-digit PIN is too easy to recover from its hash.
 */
export function tokenKeys(
	frontEndPartnerId: string,
	batchReference: string,
	status: string,
	tokens: ReadonlyArray<{ beneficiaryNumber: string; amountKobo: number }>,
): string[] {
	const seen = new Map<string, number>();
	return tokens.map((token) => {
		const same = `${token.beneficiaryNumber}|${token.amountKobo}`;
		const occurrence = (seen.get(same) ?? 0) + 1;
		seen.set(same, occurrence);
		return JSON.stringify([
			'token',
			frontEndPartnerId,
			batchReference,
			status,
			token.beneficiaryNumber,
			token.amountKobo,
			occurrence,
		]);
	});
}

/** The key of a state that is not an entry (nothing listed yet, tokens still outstanding). */
export function stateKey(...parts: Array<string | number | null>): string {
	return JSON.stringify(['state', ...parts]);
}
