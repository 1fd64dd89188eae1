// @ts-check
/**
 * n8n's own community-package scanner (`@n8n/scan-community-package`, pinned in devDependencies),
 * run offline the way n8n runs it before verifying a package: its `analyzePackage` lints
 * 1. the source tree (`package.json`, `{nodes,credentials}/**\/*.{js,ts,json}`), and
 * 2. the tarball `npm pack` makes (`**\/*.js`, `package.json`),
 * with the scanner's own ESLint configuration and plugin versions (inline disable comments do not
 * count). The provenance and source-download steps need the npm registry's attestation and GitHub,
 * so they are left to the publish workflow; everything the scanner lints is linted here.
 *
 * The tarball is unpacked under .cache/ inside the clone, so that the rules can resolve
 * n8n-workflow from the project's node_modules as they would from n8n's.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import {
	analyzePackage,
	SOURCE_FILE_PATTERNS,
} from '@n8n/scan-community-package/scanner/scanner.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const scanner = JSON.parse(
	fs.readFileSync(
		path.join(root, 'node_modules', '@n8n', 'scan-community-package', 'package.json'),
		'utf8',
	),
);

/** @param {string} label @param {{ passed: boolean, message?: string, details?: string }} result */
function report(label, result) {
	process.stdout.write(
		`${result.passed ? 'ok  ' : 'FAIL'} ${label}${result.message ? `: ${result.message}` : ''}\n`,
	);
	if (result.details) process.stdout.write(`${result.details}\n`);
	return result.passed;
}

process.stdout.write(`@n8n/scan-community-package ${scanner.version}, analyzePackage\n`);
const sourceOk = report(
	`source tree (${SOURCE_FILE_PATTERNS.join(', ')})`,
	await analyzePackage(root, SOURCE_FILE_PATTERNS),
);

const work = path.join(root, '.cache', 'scan');
fs.rmSync(work, { recursive: true, force: true });
fs.mkdirSync(path.join(work, 'package'), { recursive: true });
const pack = spawnSync(
	'npm',
	['pack', '--ignore-scripts', '--silent', '--pack-destination', work],
	{ cwd: root, encoding: 'utf8' },
);
if (pack.status !== 0) {
	process.stdout.write(pack.stderr);
	process.exit(1);
}
const tarball = path.join(work, pack.stdout.trim().split('\n').pop() ?? '');
const untar = spawnSync(
	'tar',
	['-xzf', tarball, '-C', path.join(work, 'package'), '--strip-components=1'],
	{ encoding: 'utf8' },
);
if (untar.status !== 0) {
	process.stdout.write(untar.stderr);
	process.exit(1);
}
const files = spawnSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
	.stdout.split('\n')
	.filter(Boolean).length;
const tarballOk = report(
	`npm pack tarball ${path.basename(tarball)} (${files} files; **/*.js, package.json)`,
	await analyzePackage(path.join(work, 'package'), ['**/*.js', 'package.json']),
);
fs.rmSync(work, { recursive: true, force: true });

process.stdout.write(
	sourceOk && tarballOk ? 'scan: passed\n' : 'scan: the package would be rejected\n',
);
process.exit(sourceOk && tarballOk ? 0 : 1);
