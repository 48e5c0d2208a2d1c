import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { popCoreClient, type ApiClient } from '../helpers/clients.ts';
import { runCli, startServerProcess, tempDataDir, TEST_KEY, type ServerProcess } from '../helpers/server-process.ts';
import { accessibilityViolations, buildConsole, collectErrors, launchChromium, SCREENSHOTS } from './browser.ts';

/** Tuesday 2026-12-01 09:00 in Asia/Shanghai, the server's default zone. */
const START = Date.parse('2026-12-01T01:00:00Z');
const FIRST_LOAD_LIMIT_BYTES = 300 * 1024;
const example = readFileSync(new URL('../../examples/payment-reminder.json', import.meta.url), 'utf8');

describe('the web console in chromium', () => {
  let server: ServerProcess;
  let cleanup: () => void;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let api: ApiClient;
  let gzippedScriptBytes: number;
  let instanceId: string;
  let jobGroupId: string;

  before(async () => {
    ({ gzippedScriptBytes } = buildConsole());
    const data = tempDataDir();
    cleanup = data.cleanup;
    server = await startServerProcess({ dataDir: data.dir, env: { OUTBOUNDBOT_CLOCK: 'virtual', OUTBOUNDBOT_CLOCK_START: String(START) } });
    api = popCoreClient(server.url, TEST_KEY);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    page = await context.newPage();
    errors = collectErrors(page);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    cleanup?.();
  });

  it('loads at most 300 KB of gzipped script', (t) => {
    t.diagnostic(`first load: ${(gzippedScriptBytes / 1024).toFixed(1)} KB of gzipped script`);
    assert.ok(gzippedScriptBytes > 10_000, 'the bundle holds the UI framework and the charts');
    assert.ok(gzippedScriptBytes <= FIRST_LOAD_LIMIT_BYTES, `${gzippedScriptBytes} bytes`);
  });

  it('refuses a wrong secret and sets no cookie', async () => {
    const other = await browser.newContext();
    const tab = await other.newPage();
    await tab.goto(`${server.url}/console`);
    await tab.getByLabel('AccessKey ID').fill(TEST_KEY.accessKeyId);
    await tab.getByLabel('AccessKey secret').fill('not-the-secret');
    await tab.getByRole('button', { name: 'Sign in' }).click();
    await tab.getByRole('alert').filter({ hasText: 'Console.SignInFailed' }).waitFor();
    assert.deepEqual(await other.cookies(), []);
    await other.close();
  });

  it('signs in with an AccessKey into an HttpOnly, SameSite=Strict session that keeps no secret in the browser', async () => {
    await page.goto(`${server.url}/console`);
    assert.deepEqual(await accessibilityViolations(page), [], 'sign-in page');
    await page.screenshot({ path: join(SCREENSHOTS, 'sign-in.png') });
    await page.getByLabel('AccessKey ID').fill(TEST_KEY.accessKeyId);
    await page.getByLabel('AccessKey secret').fill(TEST_KEY.accessKeySecret);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Instances' }).waitFor();
    const cookies = await context.cookies();
    assert.equal(cookies.length, 1);
    assert.equal(cookies[0]!.httpOnly, true);
    assert.equal(cookies[0]!.sameSite, 'Strict');
    assert.equal(cookies[0]!.path, '/console');
    assert.ok(!cookies[0]!.value.includes(TEST_KEY.accessKeySecret));
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie);
    assert.ok(!stored.includes(TEST_KEY.accessKeySecret), 'no secret in localStorage, sessionStorage or a script-readable cookie');
    assert.ok(!(await page.content()).includes(TEST_KEY.accessKeySecret), 'the form was cleared');
  });

  it('creates an instance from the console', async () => {
    await page.getByLabel('Name').fill('Collections');
    await page.getByLabel('Max concurrent calls').fill('3');
    await page.getByLabel('Calling numbers').fill('95187');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('link', { name: 'Collections' }).waitFor();
    const listed = await api.call('ListInstances', { PageNumber: 1, PageSize: 10 });
    assert.equal(listed.Instances.length, 1);
    instanceId = listed.Instances[0].InstanceId;
    assert.equal(listed.Instances[0].MaxConcurrentConversation, 3);
    await page.locator('[data-testid=concurrency]', { hasText: '0 / 3' }).waitFor();
    assert.deepEqual(await accessibilityViolations(page), [], 'instances page');
    await page.screenshot({ path: join(SCREENSHOTS, 'instances.png') });
  });

  it('creates a job group with a strategy and a script made through the API', async () => {
    const scriptId = (await api.call('ImportScript', { InstanceId: instanceId, SignatureUrl: example })).ScriptId;
    await api.call('PublishScript', { InstanceId: instanceId, ScriptId: scriptId, Description: 'first' });
    await page.getByRole('link', { name: 'Collections' }).click();
    await page.getByRole('heading', { name: /Job groups/ }).waitFor();
    await page.getByLabel('Name').fill('December reminders');
    await page.getByLabel('Script').selectOption({ label: 'Payment reminder' });
    await page.getByLabel('Calls from').fill('08:00');
    await page.getByLabel('until').fill('21:00');
    await page.getByLabel('Attempts per day').fill('2');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('link', { name: 'December reminders' }).waitFor();
    const groups = await api.call('ListJobGroups', { InstanceId: instanceId, PageNumber: 1, PageSize: 10 });
    jobGroupId = groups.JobGroups.List[0].JobGroupId;
    const group = (await api.call('GetJobGroup', { InstanceId: instanceId, JobGroupId: jobGroupId })).JobGroup;
    assert.equal(group.ScriptId, scriptId);
    assert.deepEqual(group.Strategy.WorkingTime, [{ BeginTime: '08:00:00', EndTime: '21:00:00' }]);
    assert.equal(group.Strategy.MaxAttemptsPerDay, 2);
  });

  it('shows jobs assigned through the API, and counters that move live as the console advances the clock', async () => {
    const numbers = ['19900000000', '19900000001', '19900000002', '19900000003', '19900000000', '19900000200'];
    await api.call('AssignJobs', {
      InstanceId: instanceId,
      JobGroupId: jobGroupId,
      JobsJson: numbers.map((phoneNumber, i) => JSON.stringify({ referenceId: `r${i}`, contacts: [{ phoneNumber, name: `Customer ${i}` }], extras: [{ key: 'amount', value: '120' }] })),
    });
    await page.getByRole('link', { name: 'December reminders' }).click();
    await page.locator('[data-testid=live]', { hasText: 'Live' }).waitFor();
    assert.equal(await page.locator('[data-counter=TotalJobs]').textContent(), '6');
    assert.equal(await page.locator('[data-counter=TotalCompleted]').textContent(), '0');
    // A mark on the window: a reload would lose it.
    await page.evaluate(() => ((globalThis as Record<string, unknown>).notReloaded = true));
    await page.getByRole('button', { name: '+1 hour' }).click();
    await page.waitForFunction(() => document.querySelector('[data-counter=TotalCompleted]')?.textContent === '5');
    assert.equal(await page.evaluate(() => (globalThis as Record<string, unknown>).notReloaded), true, 'the counters moved without a reload');
    const reported = (await api.call('GetJobGroup', { InstanceId: instanceId, JobGroupId: jobGroupId })).JobGroup.Progress;
    assert.equal(reported.TotalCompleted, 5);
    // Categories counted under the chart, and the Briefs recorded.
    await page.getByRole('row', { name: 'WillPay 2' }).waitFor();
    await page.getByRole('row', { name: 'Escalated 1' }).waitFor();
    const payment = await page.getByRole('row', { name: /^Payment/ }).textContent();
    for (const value of ['Today', 'AlreadyPaid', 'Later', 'Refused']) assert.ok(payment!.includes(value), payment!);
    assert.deepEqual(await accessibilityViolations(page), [], 'job group page');
    await page.screenshot({ path: join(SCREENSHOTS, 'job-group.png'), fullPage: true });
  });

  it('pauses, resumes and cancels (CancelJobs) a group from the list', async () => {
    const second = (await api.call('CreateJobGroup', { InstanceId: instanceId, JobGroupName: 'January' })).JobGroup.JobGroupId;
    await api.call('AssignJobs', { InstanceId: instanceId, JobGroupId: second, JobsJson: [JSON.stringify({ contacts: [{ phoneNumber: '19900000100' }] })] });
    await page.getByRole('link', { name: /Job groups/ }).click();
    const row = page.locator('tr[data-group=January]');
    await row.getByRole('button', { name: 'Pause' }).click();
    await row.locator('[data-testid=group-status]', { hasText: 'Paused' }).waitFor();
    await row.getByRole('button', { name: 'Resume' }).click();
    await row.locator('[data-testid=group-status]', { hasText: 'Scheduling' }).waitFor();
    await row.getByRole('button', { name: 'Cancel' }).click();
    await row.getByText('1/1').waitFor();
    assert.equal((await api.call('GetJobGroup', { InstanceId: instanceId, JobGroupId: second })).JobGroup.Progress.Cancelled, 1);
    assert.deepEqual(await accessibilityViolations(page), [], 'job groups page');
    await page.screenshot({ path: join(SCREENSHOTS, 'job-groups.png'), fullPage: true });
  });

  it('speaks Chinese when asked', async () => {
    await page.getByLabel('Language').selectOption('zh');
    await page.getByRole('heading', { name: '创建任务组' }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
    assert.deepEqual(await accessibilityViolations(page), [], 'job groups page in Chinese');
    await page.screenshot({ path: join(SCREENSHOTS, 'job-groups-zh.png'), fullPage: true });
    await page.getByLabel('语言').selectOption('en');
  });

  it('refuses a sub-user whose policy forbids ModifyJobGroup and DeleteJobGroup, as the API does', async () => {
    const policy = {
      Statement: [
        { Effect: 'Allow', Action: 'outboundbot:*', Resource: '*' },
        { Effect: 'Deny', Action: ['outboundbot:ModifyJobGroup', 'outboundbot:DeleteJobGroup'], Resource: '*' },
      ],
    };
    const created = await runCli(['keys', 'create', '--json', '--name', 'viewer', '--policy', JSON.stringify(policy)], server.dataDir);
    assert.equal(created.code, 0, created.stderr);
    const key = JSON.parse(created.stdout) as { AccessKeyId: string; AccessKeySecret: string };
    const february = (await api.call('CreateJobGroup', { InstanceId: instanceId, JobGroupName: 'February' })).JobGroup.JobGroupId;
    const other = await browser.newContext();
    const tab = await other.newPage();
    await tab.goto(`${server.url}/console#/instances/${instanceId}`);
    await tab.getByLabel('AccessKey ID').fill(key.AccessKeyId);
    await tab.getByLabel('AccessKey secret').fill(key.AccessKeySecret);
    await tab.getByRole('button', { name: 'Sign in' }).click();
    const row = tab.locator('tr[data-group=February]');
    await row.getByRole('button', { name: 'Pause' }).click();
    await tab.getByRole('alert').filter({ hasText: 'Forbidden.RAM' }).waitFor();
    await row.getByRole('button', { name: 'Delete' }).click();
    await tab.getByRole('alert').filter({ hasText: 'outboundbot:DeleteJobGroup' }).waitFor();
    const group = (await api.call('GetJobGroup', { InstanceId: instanceId, JobGroupId: february })).JobGroup;
    assert.equal(group.Status, 'Draft', 'neither paused nor deleted');
    await other.close();
  });

  it('logged no error in the browser console on the signed-in pages', () => {
    assert.deepEqual(errors, []);
  });
});
