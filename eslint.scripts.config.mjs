// ESLint for what does not ship: the tests' JavaScript (harness, emulator), the scripts and the
// benchmarks. The package's own TypeScript, tests included, is linted by eslint.config.mjs, the
// n8n-node tool's default config (strict mode). Here: ESLint's and typescript-eslint's recommended
// rules, with Node.js's and Jest's globals; not the n8n Cloud rules, which forbid what a test, a
// script or a benchmark must do (files, processes, servers, timers).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
	{ ignores: ['**/*.ts', 'bench/results/**', 'test/results/**'] },
	{
		files: ['**/*.js'],
		extends: [js.configs.recommended, tseslint.configs.recommended],
		languageOptions: {
			sourceType: 'commonjs',
			globals: { ...globals.node, ...globals.jest },
		},
		rules: {
			// CommonJS: require() is how these files load what they need.
			'@typescript-eslint/no-require-imports': 'off',
		},
	},
	{
		files: ['**/*.mjs'],
		extends: [js.configs.recommended, tseslint.configs.recommended],
		languageOptions: { sourceType: 'module', globals: globals.node },
	},
);
