/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.dev.json', diagnostics: { warnOnly: false } }],
	},
	// A safety net far above any test's normal time, never a speed requirement: a test that hangs
	// fails here, and its leftovers are cancelled by the afterEach hooks in test/helpers.ts.
	testTimeout: 600_000,
	// Engine runs are heavy; two workers match the machine's two cores.
	maxWorkers: 2,
};
