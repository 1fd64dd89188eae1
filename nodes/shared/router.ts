import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { operationError } from './errors';

/** One operation of a node: its `execute`, run with the node's execution context. */
export interface Operation {
	execute: (this: IExecuteFunctions) => Promise<INodeExecutionData[][]>;
}

/** A node's operations by resource, then by operation: the values of its Resource and Operation parameters. */
export type Operations = Record<string, Record<string, Operation>>;

/** Hands the run to the operation the node's Resource and Operation parameters name. */
export async function route(
	ctx: IExecuteFunctions,
	operations: Operations,
): Promise<INodeExecutionData[][]> {
	const resource = ctx.getNodeParameter('resource', 0) as string;
	const operation = ctx.getNodeParameter('operation', 0) as string;
	const run = operations[resource]?.[operation];
	if (run === undefined)
		throw operationError(
			ctx.getNode(),
			`The operation "${operation}" of the resource "${resource}" is not supported`,
		);
	return await run.execute.call(ctx);
}
