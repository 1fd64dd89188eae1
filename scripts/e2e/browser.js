// @ts-check
/**
 * The n8n editor in headless Chromium (Debian's chromium, driven by playwright-core): opens each
 * example workflow, finds both nodes in the node panel, opens their parameters and the credential
 * forms, checks icons, output labels and fields, and saves screenshots to docs/.
 */
const fs = require('node:fs');
const path = require('node:path');

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * @param {string} url @param {{ email: string, password: string }} owner
 * @param {string} DOCS where the screenshots go
 * @returns {Promise<number>} failures
 */
async function browse(url, owner, DOCS) {
	if (!fs.existsSync(CHROMIUM)) {
		console.log(`\nbrowser checks: ${CHROMIUM} is missing (apt-get install chromium), skipped`);
		return 1;
	}
	const { chromium, selectors } = require('playwright-core');
	selectors.setTestIdAttribute('data-test-id');
	fs.mkdirSync(DOCS, { recursive: true });
	DOCS_FOR_RUN.value = DOCS;
	const browser = await chromium.launch({
		executablePath: CHROMIUM,
		headless: true,
		args: [
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-background-networking',
			'--disable-component-update',
			'--no-first-run',
			'--disable-sync',
		],
	});
	let failures = 0;
	const check = (/** @type {boolean} */ ok, /** @type {string} */ what) => {
		console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${what}`);
		if (!ok) failures++;
	};
	try {
		const context = await browser.newContext({
			viewport: { width: 1440, height: 900 },
			baseURL: url,
		});
		const login = await context.request.post('/rest/login', {
			data: { emailOrLdapLoginId: owner.email, password: owner.password },
		});
		if (!login.ok()) throw new Error(`browser sign-in failed: HTTP ${login.status()}`);
		const page = await context.newPage();
		/** @type {string[]} */
		const brokenIcons = [];
		page.on('response', (response) => {
			if (
				/\/icons\/.*n8n-nodes-surepass-interswitch/.test(response.url()) &&
				response.status() >= 400
			)
				brokenIcons.push(response.url());
		});
		console.log('\nbrowser: n8n editor in headless Chromium');

		const workflows = /** @type {{ data: Array<{ id: string, name: string }> }} */ (
			await (await context.request.get('/rest/workflows')).json()
		).data;
		const shots = [
			['surepass-order-alerts', 'Surepass Stamp', ['Pending', 'Available', 'Failed']],
			['paycode-notify', 'Interswitch Paycode', ['Pending', 'Successful', 'Failed']],
		];
		for (const [file, nodeName, outputs] of /** @type {Array<[string, string, string[]]>} */ (
			shots
		)) {
			const workflow = JSON.parse(
				fs.readFileSync(path.join(__dirname, '..', '..', 'examples', `${file}.json`), 'utf8'),
			);
			const stored = workflows.find((entry) => entry.name === workflow.name);
			if (!stored) {
				check(false, `${file} is in n8n`);
				continue;
			}
			await page.goto(`/workflow/${stored.id}`);
			const node = page.locator(`[data-test-id="canvas-node"][data-node-name="${nodeName}"]`);
			await node.waitFor({ timeout: 60_000 });
			await page.waitForTimeout(1500);
			const icon = node.locator('img').first();
			const iconLoaded = await icon
				.evaluate((/** @type {any} */ img) => img.complete && img.naturalWidth > 0)
				.catch(() => false);
			check(iconLoaded, `${nodeName}: icon loads on the canvas`);
			const canvasText = await page
				.locator('[data-test-id="canvas-wrapper"], .vue-flow')
				.first()
				.innerText()
				.catch(async () => page.locator('body').innerText());
			check(
				outputs.every((label) => canvasText.includes(label)),
				`${nodeName}: outputs labelled ${outputs.join(' / ')} on the canvas`,
			);
			await page.screenshot({ path: path.join(DOCS, `workflow-${file}.png`) });

			await node.dblclick();
			const ndv = page.getByTestId('ndv');
			await ndv.waitFor({ timeout: 30_000 });
			await page.waitForTimeout(800);
			const ndvText = await ndv.innerText();
			const fields =
				nodeName === 'Surepass Stamp'
					? ['Bulk Order ID', 'Output', 'Wait for Completion']
					: ['Reference ID', 'Front-End Partner ID', 'Expected Token Count', 'One-Time PINs'];
			check(
				fields.every((field) => ndvText.includes(field)),
				`${nodeName}: parameters ${fields.join(', ')}`,
			);
			if (nodeName === 'Interswitch Paycode') {
				// paycode-notify.json includes the PINs (it texts them): the editor says where they end up.
				check(
					ndvText.includes('The PINs will be stored in clear text'),
					'Interswitch Paycode: with One-Time PINs "Include", the notice on where PINs are stored is shown',
				);
			}
			await page.screenshot({
				path: path.join(
					DOCS,
					`parameters-${file.startsWith('surepass') ? 'surepass-stamp' : 'interswitch-paycode'}.png`,
				),
			});
			await page.keyboard.press('Escape');
			await page.waitForTimeout(500);
		}

		await checkOutputsFollowOperation(page, workflows, check);

		// The AI Agent example: both nodes as tools under the agent.
		const agentExample = JSON.parse(
			fs.readFileSync(
				path.join(__dirname, '..', '..', 'examples', 'ai-agent-batch-checks.json'),
				'utf8',
			),
		);
		const agentStored = workflows.find((entry) => entry.name === agentExample.name);
		if (agentStored) {
			await page.goto(`/workflow/${agentStored.id}`);
			await page
				.locator('[data-test-id="canvas-node"][data-node-name="AI Agent"]')
				.waitFor({ timeout: 60_000 });
			await page.waitForTimeout(1500);
			let toolsShown = true;
			for (const toolName of ['Surepass Stamp', 'Interswitch Paycode']) {
				const tool = page.locator(`[data-test-id="canvas-node"][data-node-name="${toolName}"]`);
				const loaded = await tool
					.locator('img')
					.first()
					.evaluate((/** @type {any} */ img) => img.complete && img.naturalWidth > 0)
					.catch(() => false);
				toolsShown = toolsShown && (await tool.count()) === 1 && loaded;
			}
			check(
				toolsShown,
				'AI Agent example: both nodes shown as tools of the agent, with their icons',
			);
			await page.screenshot({ path: path.join(DOCS, 'workflow-ai-agent-batch-checks.png') });
		} else {
			check(false, 'AI Agent example is in n8n');
		}

		// The node panel: search for both nodes by the words a user would type.
		await page.goto('/workflow/new');
		await page.waitForTimeout(2000);
		for (const [search, name] of [
			['surepass', 'Surepass Stamp'],
			['paycode', 'Interswitch Paycode'],
		]) {
			await page
				.getByTestId('canvas-add-button')
				.or(page.getByTestId('node-creator-plus-button'))
				.first()
				.click();
			const bar = page.getByTestId('node-creator-search-bar');
			await bar.waitFor({ timeout: 15_000 });
			await bar.fill(search);
			await page.waitForTimeout(800);
			const found = await page
				.getByTestId('node-creator-item-name')
				.getByText(name, { exact: true })
				.count();
			check(found > 0, `node panel: "${search}" finds ${name}`);
			await page.screenshot({ path: path.join(DOCS, `node-panel-${search}.png`) });
			await page.keyboard.press('Escape');
			await page.waitForTimeout(500);
		}

		// The credential forms.
		for (const [id, fields, shot] of [
			['surepass-emulator', ['Token', 'Environment', 'Base URL'], 'credential-surepass-api'],
			[
				'interswitch-emulator',
				[
					'Environment',
					'Context URL',
					'Front-End Partner ID',
					'Client ID',
					'Client Secret',
					'Passport Token URL',
					'Add InterswitchAuth Signature Headers',
				],
				'credential-interswitch-paycode-api',
			],
		]) {
			await page.goto(`/home/credentials/${id}`);
			const modal = page.locator('[data-test-id="editCredential-modal"], .el-dialog').first();
			await modal.waitFor({ timeout: 30_000 });
			await page.waitForTimeout(1000);
			const text = await modal.innerText();
			check(
				/** @type {string[]} */ (fields).every((field) => text.includes(field)),
				`credential form ${id}: ${/** @type {string[]} */ (fields).join(', ')}`,
			);
			await page.screenshot({ path: path.join(DOCS, `${shot}.png`) });
			if (id === 'interswitch-emulator') await checkEnvironmentChoice(page, modal, check);
		}
		check(
			brokenIcons.length === 0,
			`no icon request failed${brokenIcons.length ? `: ${brokenIcons.join(', ')}` : ''}`,
		);
		console.log(`  screenshots in ${DOCS}`);
	} finally {
		await browser.close();
	}
	return failures;
}

/**
 * Outputs computed from the operation: in the download example, "Check the order" (Get Summary)
 * shows Pending / Available / Failed and "Download the stamp" Success / Error (one output and the
 * error output); switching "Check the order" to Stamp → Get in its panel redraws it with one
 * output. The change is not saved.
 * @param {import('playwright-core').Page} page
 * @param {Array<{ id: string, name: string }>} workflows
 * @param {(ok: boolean, what: string) => void} check
 * @returns {Promise<void>}
 */
async function checkOutputsFollowOperation(page, workflows, check) {
	const example = JSON.parse(
		fs.readFileSync(
			path.join(__dirname, '..', '..', 'examples', 'surepass-download-email.json'),
			'utf8',
		),
	);
	const stored = workflows.find((entry) => entry.name === example.name);
	if (!stored) {
		check(false, 'surepass-download-email is in n8n');
		return;
	}
	page.on('dialog', (dialog) => dialog.accept().catch(() => undefined));
	// n8n 2.x saves edits by itself: the workflow as imported is put back after the check.
	const route = `/rest/workflows/${stored.id}`;
	const original = (await (await page.request.get(route)).json()).data;
	await page.goto(`/workflow/${stored.id}`);
	const summary = page.locator('[data-test-id="canvas-node"][data-node-name="Check the order"]');
	await summary.waitFor({ timeout: 60_000 });
	await page.waitForTimeout(1500);
	const canvas = async () =>
		await page
			.locator('[data-test-id="canvas-wrapper"], .vue-flow')
			.first()
			.innerText()
			.catch(async () => await page.locator('body').innerText());
	const before = await canvas();
	check(
		['Pending', 'Available', 'Failed', 'Success', 'Error'].every((label) => before.includes(label)),
		'download example: Get Summary shows Pending / Available / Failed, Download shows Success / Error',
	);
	await page.screenshot({
		path: path.join(DOCS_FOR_RUN.value, 'workflow-surepass-download-email.png'),
	});
	await summary.dblclick();
	const ndv = page.getByTestId('ndv');
	await ndv.waitFor({ timeout: 30_000 });
	await page.waitForTimeout(800);
	await ndv.getByTestId('parameter-input-resource').click();
	await page.getByRole('option', { name: 'Stamp', exact: true }).click();
	await page.waitForTimeout(800);
	const panel = await ndv.innerText();
	check(
		panel.includes('Stamp ID') && !panel.includes('Bulk Order ID'),
		'Surepass Stamp panel: Resource "Stamp" shows Stamp ID instead of Bulk Order ID',
	);
	await page.keyboard.press('Escape');
	await page.waitForTimeout(1000);
	const after = await canvas();
	check(
		!['Pending', 'Available', 'Failed'].some((label) => after.includes(label)),
		'switching Get Summary to Stamp → Get redraws the node with one output (Pending / Available / Failed gone)',
	);
	await page.goto('/home/workflows');
	await page.waitForTimeout(1500);
	const current = (await (await page.request.get(route)).json()).data;
	const restored = await page.request.patch(route, {
		data: {
			nodes: original.nodes,
			connections: original.connections,
			versionId: current.versionId,
		},
	});
	const back = (await (await page.request.get(route)).json()).data;
	check(
		restored.ok() &&
			back.nodes.find((/** @type {any} */ node) => node.name === 'Check the order')?.parameters
				?.resource === 'bulkStampOrder',
		'the download example is put back as imported (n8n saves edits by itself)',
	);
}

/** Where this run's screenshots go (set by browse). */
const DOCS_FOR_RUN = { value: '' };

/**
 * The Interswitch credential form, saved with Environment: Custom: choosing Sandbox hides the
 * Passport Token URL (the Environment decides it), and the form is left without saving.
 * @param {any} page @param {any} modal @param {(ok: boolean, what: string) => void} check
 */
async function checkEnvironmentChoice(page, modal, check) {
	const what =
		'credential form interswitch-emulator: choosing Environment: Sandbox hides the Passport Token URL';
	try {
		await modal.getByTestId('parameter-input-environment').locator('input').first().click();
		// An option's accessible name carries its description too ("Sandbox Access tokens from …").
		await page
			.getByRole('option', { name: /^Sandbox/ })
			.first()
			.click();
		await page.waitForTimeout(800);
		const text = await modal.innerText();
		check(
			text.includes('Context URL') && !text.includes('Passport Token URL'),
			`${what}${text.includes('Passport Token URL') ? ' (still shown)' : ''}`,
		);
		await page.screenshot({
			path: path.join(DOCS_FOR_RUN.value, 'credential-interswitch-sandbox.png'),
		});
		await page.keyboard.press('Escape');
		await page.waitForTimeout(800);
		const saved = await page.request.get('/rest/credentials/interswitch-emulator?includeData=true');
		const environment = (await saved.json()).data?.data?.environment;
		check(
			environment === 'custom',
			`credential form interswitch-emulator: left without saving, the credential still says Environment: ${environment} (expected custom)`,
		);
	} catch (error) {
		check(
			false,
			`${what}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
		);
	}
}

module.exports = { browse };
