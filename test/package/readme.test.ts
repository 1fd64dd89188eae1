/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- tests may read files, start servers and processes, wait on timers and use made-up secrets: n8n Cloud's rules are for what ships (nodes/, credentials/). */
/**
 * The README as users read it on the npm package page: short enough to be kept whole (the registry
 * keeps the first 65,536 characters; this package keeps to 30,000), in the order of n8n's
 * community-node template, and with every link and picture resolving from there (a path relative
 * to the repository does not: links go to the repository by full address). The guides in docs/
 * link among themselves by relative paths, which must resolve too.
 */
import fs from 'fs';
import path from 'path';

const root = path.join(__dirname, '..', '..');
const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');
const readme = read('README.md');
const repository = (
	JSON.parse(read('package.json')) as { repository: { url: string } }
).repository.url
	.replace(/^git\+/, '')
	.replace(/\.git$/, '');
const [, owner, name] = /github\.com\/([^/]+)\/([^/]+)$/.exec(repository) ?? [];
const BLOB = `https://github.com/${owner}/${name}/blob/main/`;
const RAW = `https://raw.githubusercontent.com/${owner}/${name}/main/`;

/** GitHub's anchor for a heading. */
function slug(heading: string): string {
	return heading
		.trim()
		.toLowerCase()
		.replace(/[^\p{L}\p{N}\s-]/gu, '')
		.replace(/\s/g, '-');
}

function anchors(markdown: string): Set<string> {
	const found = new Set<string>();
	const seen = new Map<string, number>();
	for (const match of markdown.matchAll(/^#{1,6} (.+)$/gm)) {
		const base = slug(match[1]);
		const count = seen.get(base) ?? 0;
		seen.set(base, count + 1);
		found.add(count === 0 ? base : `${base}-${count}`);
	}
	return found;
}

/** Every link and image target, outside code. */
function links(markdown: string): string[] {
	const text = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
	return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1]);
}

describe('README.md', () => {
	test('fits: at most 30,000 characters and about 350 lines', () => {
		expect(readme.length).toBeLessThanOrEqual(30_000);
		expect(readme.split('\n').length).toBeLessThanOrEqual(360);
	});

	test("follows n8n's community-node template order", () => {
		const sections = [...readme.matchAll(/^## (.+)$/gm)].map((match) => match[1]);
		expect(sections).toEqual([
			'Installation',
			'Operations',
			'Credentials',
			'Compatibility',
			'Usage',
			'Resources',
			'Version history',
			'License',
		]);
	});

	test('every link and picture resolves from the npm package page', () => {
		const own = anchors(readme);
		const problems: string[] = [];
		for (const target of links(readme)) {
			if (target.startsWith('#')) {
				if (!own.has(target.slice(1))) problems.push(`${target}: no such heading`);
				continue;
			}
			if (!/^https:\/\//.test(target)) {
				problems.push(`${target}: not a full https address`);
				continue;
			}
			const inRepo = target.startsWith(BLOB)
				? target.slice(BLOB.length)
				: target.startsWith(RAW)
					? target.slice(RAW.length)
					: undefined;
			if (inRepo === undefined) continue;
			const [file, anchor] = inRepo.split('#');
			if (!fs.existsSync(path.join(root, file))) {
				problems.push(`${target}: ${file} is not in the repository`);
				continue;
			}
			if (anchor && !anchors(read(file)).has(anchor))
				problems.push(`${target}: ${file} has no heading #${anchor}`);
		}
		expect(problems).toEqual([]);
	});
});

describe('docs/', () => {
	const guides = fs
		.readdirSync(path.join(root, 'docs'))
		.filter((file) => file.endsWith('.md'))
		.map((file) => `docs/${file}`);

	test.each(guides)('%s: every relative link resolves', (guide) => {
		const markdown = read(guide);
		const problems: string[] = [];
		for (const target of links(markdown)) {
			if (/^https?:\/\//.test(target) || target.startsWith('mailto:')) continue;
			const [file, anchor] = target.split('#');
			const resolved = file === '' ? guide : path.posix.join(path.posix.dirname(guide), file);
			if (!fs.existsSync(path.join(root, resolved))) {
				problems.push(`${target}: ${resolved} does not exist`);
				continue;
			}
			if (anchor && resolved.endsWith('.md') && !anchors(read(resolved)).has(anchor))
				problems.push(`${target}: ${resolved} has no heading #${anchor}`);
		}
		expect(problems).toEqual([]);
	});
});
