import {
	DEFAULT_CONCURRENCY,
	DEFAULT_RATE_LIMIT_WAIT_SECONDS,
	requestSettingsOptions,
	RULES,
} from '../../../nodes/shared/settings';
import { DEFAULT_RETRY_POLICY } from '../../../nodes/shared/transport';

describe('request settings', () => {
	test('the options collection shows the same defaults the code uses', () => {
		const defaults = Object.fromEntries(
			requestSettingsOptions('X').map((option) => [option.name, option.default]),
		);
		expect(defaults).toEqual({
			maxConcurrency: DEFAULT_CONCURRENCY,
			timeoutMs: DEFAULT_RETRY_POLICY.timeoutMs,
			maxRetries: DEFAULT_RETRY_POLICY.maxRetries,
			retryDelayMs: DEFAULT_RETRY_POLICY.initialDelayMs,
			maxResponseMb: DEFAULT_RETRY_POLICY.maxResponseBytes / (1024 * 1024),
			rateLimitWaitSeconds: DEFAULT_RATE_LIMIT_WAIT_SECONDS,
		});
		expect(DEFAULT_CONCURRENCY).toBeLessThanOrEqual(5);
	});

	test("the editor's ranges are the ranges the code checks (an expression cannot step outside them)", () => {
		for (const option of requestSettingsOptions('X')) {
			const rule = RULES[option.name as keyof typeof RULES];
			expect([option.name, option.typeOptions?.minValue, option.typeOptions?.maxValue]).toEqual([
				option.name,
				rule.min,
				rule.max,
			]);
		}
	});
});
