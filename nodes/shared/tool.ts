/**
 * What an AI agent (or an MCP client) receives when a node runs as a tool.
 *
 * n8n hands an agent only the first output of a node it calls as a tool (n8n-core 2.41.1,
 * get-input-connection-data.js, `mapResult`: `result[0].flatMap(item => item.json)`). A node with
 * Pending / Available / Failed outputs would show the agent its pending items only, and a finished
 * order would look empty. So in tool mode both nodes return one item that describes every branch of
 * every order or batch: the counts, the IDs or tokens (lists cut to a few entries, saying how many
 * were left out), amounts, warnings, and any error as readable text instead of a thrown error.
 * Shaped here once, from the items the node routed, for both nodes.
 */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { withOverrides } from './n8n';

/**
 * The context a node runs its items with in tool mode: every failure becomes readable text for the
 * agent (one error per order or batch), so the node continues on failure whatever its setting.
 */
export function toolContext(ctx: IExecuteFunctions): IExecuteFunctions {
	return withOverrides(ctx, { continueOnFail: () => true });
}

/** A parameter's value as text for the result, or undefined when it cannot be read. */
export function requestedText(
	ctx: IExecuteFunctions,
	parameter: string,
	itemIndex: number,
): string | undefined {
	try {
		const value = ctx.getNodeParameter(parameter, itemIndex, '');
		return typeof value === 'string'
			? value.trim()
			: typeof value === 'number'
				? String(value)
				: undefined;
	} catch {
		return undefined;
	}
}

/** Entries listed per branch in a tool result; the rest are counted. */
export const TOOL_LIST_LIMIT = 20;

export interface ToolView {
	/** What one input item is, for the sentence a model reads ("order", "batch"). */
	subject: string;
	/** The field that names it in the routed items (bulkOrderId, batchReference). */
	idField: string;
	/** Branch names in output order (pending, available, failed). */
	branches: readonly string[];
	/** The field of a branch item that lists its entries (stampIds, tokens). */
	listField: string;
	/** Fields of a branch item worth passing on (amounts, currency). */
	branchFields: readonly string[];
	/** Fields of any routed item that describe the whole order or batch (quantity, expectedCount). */
	subjectFields: readonly string[];
	/** How many entries a branch item stands for, when it has no `count` (Paycode's Pending). */
	count?: (json: Record<string, unknown>) => number | undefined;
	/** Applied to each listed entry before it goes to the model (PINs removed, for example). */
	entry?: (entry: unknown) => unknown;
	/** The ID of each input item as it was asked for, for items that failed before being routed. */
	requested: (itemIndex: number) => string | undefined;
}

interface BranchResult {
	count: number;
	entries: unknown[];
	omitted: number;
	fields: Record<string, unknown>;
}

type SubjectResult = Record<string, unknown> & { counts: Record<string, number> };

/**
 * One item for the agent: `summary` (a sentence per order or batch), `results` (the details), and
 * `note` when lists were cut. `routed` is what the node would have output (one array per branch,
 * error items included, every item with its pairedItem).
 */
export function toolResult(
	routed: INodeExecutionData[][],
	itemCount: number,
	view: ToolView,
): INodeExecutionData[][] {
	const results: SubjectResult[] = Array.from({ length: itemCount }, (_, itemIndex) => {
		const counts: Record<string, number> = {};
		for (const branch of view.branches) counts[branch] = 0;
		return { [view.subject]: view.requested(itemIndex) ?? null, counts };
	});
	const branchesOf: Array<Record<string, BranchResult>> = Array.from(
		{ length: itemCount },
		() => ({}),
	);
	let omitted = 0;

	routed.forEach((items, output) => {
		const branch = view.branches[output];
		for (const item of items) {
			const itemIndex = (item.pairedItem as { item: number } | undefined)?.item ?? 0;
			const result = results[itemIndex];
			if (!result) continue;
			if (item.error) {
				const { message, description } = item.error as {
					message: string;
					description?: string | null;
				};
				// The result names its order or batch itself: the message's " [item N]" is for people
				// reading one message alone.
				const text = message.replace(/ \[item \d+\]$/, '');
				result.error = description ? `${text}. ${description}` : text;
				continue;
			}
			const json = item.json as Record<string, unknown>;
			if (typeof json[view.idField] === 'string') result[view.subject] = json[view.idField];
			for (const field of view.subjectFields)
				if (json[field] !== undefined && json[field] !== null) result[field] = json[field];
			if (Array.isArray(json.warnings))
				result.warnings = [
					...new Set([...((result.warnings as string[]) ?? []), ...(json.warnings as string[])]),
				];
			if (typeof json.note === 'string')
				result.notes = [...((result.notes as string[]) ?? []), json.note];
			if (branch === undefined) continue;
			const list = Array.isArray(json[view.listField]) ? (json[view.listField] as unknown[]) : [];
			const count =
				typeof json.count === 'number' ? json.count : (view.count?.(json) ?? list.length);
			if (count === 0 && list.length === 0) continue;
			const target = (branchesOf[itemIndex][branch] ??= {
				count: 0,
				entries: [],
				omitted: 0,
				fields: {},
			});
			target.count += count;
			result.counts[branch] += count;
			for (const field of view.branchFields)
				if (json[field] !== undefined) target.fields[field] = json[field];
			const taken = list.slice(0, Math.max(0, TOOL_LIST_LIMIT - target.entries.length));
			for (const entry of taken) target.entries.push(view.entry ? view.entry(entry) : entry);
			target.omitted += list.length - taken.length;
			omitted += list.length - taken.length;
		}
	});

	const summary = results.map((result, itemIndex) => {
		const id = String(result[view.subject] ?? `input item ${itemIndex}`);
		if (result.error)
			return `${capitalise(view.subject)} ${id}: the check failed: ${String(result.error)}`;
		const counts = view.branches.map((branch) => `${result.counts[branch]} ${branch}`).join(', ');
		return `${capitalise(view.subject)} ${id}: ${counts}.`;
	});
	for (const [itemIndex, result] of results.entries()) {
		for (const branch of view.branches) {
			const found = branchesOf[itemIndex][branch];
			if (!found) continue;
			const shown: Record<string, unknown> = {
				count: found.count,
				...found.fields,
				[view.listField]: found.entries,
			};
			if (found.omitted > 0) shown.omitted = found.omitted;
			result[branch] = shown;
		}
	}
	const json: Record<string, unknown> = { summary: summary.join(' '), results };
	if (omitted > 0) {
		json.note = `Lists are cut to ${TOOL_LIST_LIMIT} entries per branch; ${omitted.toLocaleString('en-US')} entries were left out of this answer (the counts are complete). Run the node outside an agent for the full lists.`;
	}
	return [[{ json: json as INodeExecutionData['json'], pairedItem: { item: 0 } }]];
}

function capitalise(text: string): string {
	return text.charAt(0).toUpperCase() + text.slice(1);
}
