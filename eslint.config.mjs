// ESLint flat config: the rules n8n's community-package verification runs, applied to the files
// they are written for.
import js from '@eslint/js';
import tsParser from '@typescript-eslint/parser';
import n8nCommunityNodes from '@n8n/eslint-plugin-community-nodes';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import tseslint from 'typescript-eslint';

const nodesBaseRules = (config) => n8nNodesBase.configs[config].rules;

export default [
	{
		ignores: [
			'dist/**',
			'node_modules/**',
			'coverage/**',
			'.cache/**',
			'tools/**',
			'eslint.config.mjs',
		],
	},
	// The base rule sets n8n's node CLI lints community packages with: ESLint's and typescript-eslint's
	// recommended rules, on the package's TypeScript (sources and tests).
	...[js.configs.recommended, ...tseslint.configs.recommended].map((config) => ({
		...config,
		files: ['**/*.ts'],
	})),
	{
		// eslint-plugin-n8n-nodes-base's community rules check package.json.
		files: ['package.json'],
		languageOptions: {
			parser: tsParser,
			parserOptions: { extraFileExtensions: ['.json'] },
		},
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: nodesBaseRules('community'),
	},
	{
		files: ['credentials/**/*.ts', 'nodes/**/*.ts'],
		languageOptions: { parser: tsParser, parserOptions: { sourceType: 'module' } },
	},
	{
		files: ['credentials/**/*.ts'],
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: {
			...nodesBaseRules('credentials'),
			// Off: by its own description this rule is "only applicable to nodes in the main
			// repository", whose credentials link docs by slug. A community package links a full URL,
			// which @n8n/community-nodes/credential-documentation-url checks instead.
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts'],
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: {
			...nodesBaseRules('nodes'),
			// Off: these predate the NodeConnectionTypes constants and demand the literal 'main',
			// which @n8n/community-nodes/node-connection-type-literal forbids. The newer rule wins.
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
		},
	},
	{
		// The recommended rules of @n8n/eslint-plugin-community-nodes, on the package's sources.
		...n8nCommunityNodes.configs.recommended,
		files: ['credentials/**/*.ts', 'nodes/**/*.ts'],
	},
];
