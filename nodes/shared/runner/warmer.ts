import type { IExecuteFunctions } from 'n8n-workflow';

import { sleep, withOverrides } from '../n8n';

/**
 * Evaluates the items' mapped parameters ahead of their turn. In n8n 2.41.1 one expression such as
 * `{{ $json.bulkOrderId }}` takes a few milliseconds (it runs in an isolated VM); evaluated when an
 * item's turn comes, that time adds to every request's round trip: 1,000 orders at 200 ms latency
 * and concurrency 5 took 1.2 × N × latency ÷ concurrency. Evaluated one item at a time between the
 * event loop's turns, it fills the time the requests in flight leave idle. A value or the error of
 * its evaluation is handed to the item once, when it reads the same parameter with the same
 * fallback; anything else is read as usual.
 */
export class ParameterWarmer {
	private readonly ready = new Map<string, { value: unknown } | { error: unknown }>();
	private next = 0;
	private stopped = false;

	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly itemCount: number,
		private readonly parameters: Array<[name: string, fallback: unknown]>,
	) {
		if (parameters.length > 0 && itemCount > 1) void this.run();
	}

	stop(): void {
		this.stopped = true;
		this.ready.clear();
	}

	/** The item's context, reading what was evaluated ahead. */
	context(itemIndex: number, itemCtx: IExecuteFunctions): IExecuteFunctions {
		if (this.parameters.length === 0) return itemCtx;
		// Items start in order: from here on, the warmer works on later items only.
		this.next = Math.max(this.next, itemIndex + 1);
		const take = (name: string, index: number, fallback: unknown, options: unknown): unknown => {
			const known = this.parameters.some(
				([parameter, expected]) => parameter === name && expected === fallback,
			);
			const key = `${index}\u0000${name}`;
			const found = known && options === undefined ? this.ready.get(key) : undefined;
			if (found === undefined)
				return itemCtx.getNodeParameter(name, index, fallback, options as never);
			this.ready.delete(key);
			if ('error' in found) throw found.error;
			return found.value;
		};
		return withOverrides(itemCtx, {
			getNodeParameter: take as IExecuteFunctions['getNodeParameter'],
		});
	}

	private async run(): Promise<void> {
		while (!this.stopped && this.next < this.itemCount) {
			// One item per turn of the event loop: answers that arrive meanwhile are handled first.
			await sleep(0);
			const itemIndex = this.next++;
			for (const [name, fallback] of this.parameters) {
				const key = `${itemIndex}\u0000${name}`;
				if (this.stopped || this.ready.has(key)) continue;
				try {
					this.ready.set(key, { value: this.ctx.getNodeParameter(name, itemIndex, fallback) });
				} catch (error) {
					this.ready.set(key, { error });
				}
			}
		}
	}
}
