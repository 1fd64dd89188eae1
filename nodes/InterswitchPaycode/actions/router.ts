import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { Operations } from '../../shared/router';
import { route } from '../../shared/router';
import * as bulkTokenBatch from './bulkTokenBatch';

/** Every operation of the node, by resource. */
const operations: Operations = {
	bulkTokenBatch: { getStatus: bulkTokenBatch.getStatus, cancel: bulkTokenBatch.cancel },
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await route(this, operations);
}
