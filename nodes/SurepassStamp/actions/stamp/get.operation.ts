/** Stamp → Get: one stamp's details and status, with its temporary download link. */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { runBatch } from '../../../shared/runner/batch';
import { toRouted } from '../../../shared/runner/items';
import { isToolExecution } from '../../../shared/n8n';
import { toolContext } from '../../../shared/tool';
import { fetchStamp, STAMP_SPEC, stampIdProperty, stampOptions } from './fetch';

export const description: INodeProperties[] = [stampIdProperty('get'), stampOptions('get')];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	// As an AI tool, an error is an answer for the agent, not a stop (nodes/shared/tool.ts).
	const ctx = isToolExecution(this) ? toolContext(this) : this;
	return await runBatch(ctx, STAMP_SPEC, async (scope) => {
		const stamp = await fetchStamp(scope);
		return toRouted([[{ ...stamp }]], scope.itemIndex);
	});
}
