import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { Operations } from '../../shared/router';
import { route } from '../../shared/router';
import * as bulkStampOrder from './bulkStampOrder';
import * as stamp from './stamp';

/** Every operation of the node, by resource. */
const operations: Operations = {
	bulkStampOrder: { getSummary: bulkStampOrder.getSummary },
	stamp: { get: stamp.get, download: stamp.download },
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await route(this, operations);
}
