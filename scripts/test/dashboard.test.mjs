// The dashboard in a real browser (Debian's Chromium, headless, driven by
// playwright-core) against the scenario's local chain: three validators,
// three real monitors, the owner's agent, and no client's agent — the client
// confirms every period from the page with the key file. Period 1 is
// breached (a workload down for 12 s). Screenshots go to the test's output
// folder (printed at the start).
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';

import { chromium } from 'playwright-core';

import { formatAmount, UNIT } from '../lib/amounts.mjs';
import { toHex } from '../lib/bytes.mjs';
import { connect, signer } from '../lib/chain.mjs';
import { serveDashboard } from '../lib/dashboard-server.mjs';
import { parseChainSpec } from '../lib/light-client.mjs';
import { freePort, tempDir, waitFor } from '../lib/node.mjs';
import * as ops from '../lib/operations.mjs';
import { reportHash } from '../lib/otp.mjs';
import { Scenario } from '../lib/scenario.mjs';

const PERIODS = 3;
const BREACHED = 1;
const CHROMIUM = process.env.QOS_CHROMIUM ?? '/usr/bin/chromium';
const dir = tempDir('dashboard');
const cleanup = [];
after(async () => {
  for (const f of cleanup.reverse()) await f().catch(() => {});
});

const shot = (page, name) => page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
const rowOf = (page, period) => page.locator(`#periods tbody tr[data-period="${period}"]`);
const keyFileOf = (name, text) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text, { mode: 0o600 });
  return file;
};

/**
 * An extension in the page that speaks the injected-accounts protocol
 * (window.injectedWeb3) and signs in this process with `pair`: the path a
 * polkadot.js extension's account takes.
 */
async function injectWallet(page, api, pair) {
  await page.exposeFunction('testWalletSign', (payload) => {
    const { signature } = api.registry.createType('ExtrinsicPayload', payload, { version: payload.version }).sign(pair);
    return { id: 1, signature };
  });
  await page.addInitScript((address) => {
    const accounts = [{ address, name: 'Unfunded', type: 'sr25519' }];
    window.injectedWeb3 = {
      'test-wallet': {
        version: '1.0.0',
        enable: async () => ({
          accounts: {
            get: async () => accounts,
            subscribe: (cb) => {
              cb(accounts);
              return () => {};
            },
          },
          signer: { signPayload: (payload) => window.testWalletSign(payload) },
        }),
      },
    };
  }, pair.address);
}

test('the dashboard shows an agreement live, confirms periods with the key file, refuses a wrong key, and lets owners register', {
  timeout: 600_000,
}, async () => {
  assert.ok(fs.existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}: apt-get install chromium (scripts/test.sh does)`);
  console.log(`# screenshots and logs in ${dir}`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  cleanup.push(() => browser.close());

  // The page's way to an unreachable chain, before the chain exists.
  {
    const server = await serveDashboard({ port: 0, config: { rpc: `ws://127.0.0.1:${await freePort()}` } });
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.locator('#error').filter({ hasText: 'The chain is unreachable' }).waitFor({ timeout: 30_000 });
    await page.close();
    await server.close();
  }

  const scenario = new Scenario({
    dir,
    periods: PERIODS,
    downtime: [{ instance: 1, period: BREACHED, fromMs: 5_000, toMs: 17_000 }],
    runClientAgent: false,
    log: (l) => console.log(`# ${l}`),
    onReady: (ready) => {
      driving = drive(ready);
      // The scenario waits for the page to close every period; a failure in
      // the page must end the run rather than leave it waiting, and be the
      // failure reported.
      driving.catch((e) => {
        pageFailure = e;
        scenario.stop();
      });
    },
  });
  cleanup.push(() => scenario.stop());
  let driving = null;
  let pageFailure = null;
  let page = null;
  let api = null;
  let server = null;
  const finalisedAt = new Map();
  const shownAt = new Map();

  let lightClient = null;
  async function drive({ url, agreement, keyFile, specFile, webSocketBootnode }) {
    lightClient = { spec: parseChainSpec(fs.readFileSync(specFile, 'utf8'), specFile, [webSocketBootnode]) };
    api = await connect(url);
    cleanup.push(() => api.disconnect());
    const eve = signer('//Eve');
    server = await serveDashboard({ port: 0, config: { rpc: url } });
    cleanup.push(() => server.close());
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${server.url}?account=Eve#/agreement/${agreement}`);
    await page
      .locator('#periods tbody tr')
      .nth(PERIODS - 1)
      .waitFor({ timeout: 60_000 });

    // When each period's record is first in a finalised block (seen here),
    // and when its row first shows it recorded in the page.
    const unsubscribe = await api.rpc.chain.subscribeFinalizedHeads(async (header) => {
      const at = await api.at(header.hash);
      for (let p = 0; p < PERIODS; p += 1) {
        if (!finalisedAt.has(p) && (await at.query.slaVerification.periods(agreement, p)).isSome) finalisedAt.set(p, Date.now());
      }
    });
    cleanup.push(async () => unsubscribe());
    for (let p = 0; p < PERIODS; p += 1) {
      page
        .locator(`#periods tbody tr[data-period="${p}"][data-recorded]`)
        .waitFor({ timeout: 300_000 })
        .then(() => shownAt.set(p, Date.now()))
        .catch(() => {});
    }

    // A file that is no key at all, and a well-formed key of someone else
    // loaded before any period can check it.
    await page.setInputFiles('#key-file', keyFileOf('notes.txt', 'these are not the keys you are looking for\n'));
    await page.locator('#error').filter({ hasText: 'notes.txt is not a key file: it must hold 64 hex digits' }).waitFor();
    assert.equal(await page.locator('#key-status').textContent(), 'no key loaded');
    const otherKey = keyFileOf('other.key', `${crypto.randomBytes(32).toString('hex')}\n`);
    await page.setInputFiles('#key-file', otherKey);
    await page.locator('#key-status').filter({ hasText: 'no period recorded yet' }).waitFor();

    // Period 0 recorded: confirming with the other key is refused in the
    // page, and nothing reaches the chain.
    await rowOf(page, 0).locator('[data-confirm]').waitFor({ timeout: 120_000 });
    const nonceBefore = (await api.rpc.system.accountNextIndex(eve.address)).toNumber();
    await rowOf(page, 0).locator('[data-confirm]').click();
    await page
      .locator('#periods-h ~ .error')
      .filter({ hasText: 'Not confirming period 0: the OTP derived with your key does not open the commitment' })
      .waitFor();
    await shot(page, 'refused-wrong-key');
    // Loading the other key now that a period is recorded: the page says it
    // opens none of the recorded periods, and confirming stays refused.
    await page.setInputFiles('#key-file', otherKey);
    await page.locator('#error').filter({ hasText: "other.key opens the commitment of none of this agreement's recorded periods" }).waitFor();
    assert.equal(await page.locator('#key-status').textContent(), 'other.key: opens none of the recorded periods');
    await rowOf(page, 0).locator('[data-confirm]').click();
    await page.locator('#periods-h ~ .error').filter({ hasText: 'Not confirming period 0' }).waitFor();
    // Without a key file, the page asks for one.
    const keyless = await browser.newPage();
    await keyless.goto(`${server.url}?account=Eve#/agreement/${agreement}`);
    await rowOf(keyless, 0).locator('[data-confirm]').click();
    await keyless.locator('#periods-h ~ .error').filter({ hasText: 'Load your key file' }).waitFor();
    await keyless.close();
    const untouched = await ops.periodRecord(api, agreement, 0);
    assert.ok(untouched.state.isRecorded, 'period 0 still waits for the client');
    assert.equal(untouched.failedOtpAttempts.toNumber(), 0, 'no OTP attempt was spent');
    assert.equal((await api.rpc.system.accountNextIndex(eve.address)).toNumber(), nonceBefore, 'the client sent no transaction');

    // The client's own key opens the recorded period; each period is
    // confirmed from the page (the last one with the keyboard).
    await page.setInputFiles('#key-file', keyFile);
    await page.locator('#key-status').filter({ hasText: "opens this agreement's recorded periods" }).waitFor();
    for (let p = 0; p < PERIODS; p += 1) {
      const button = rowOf(page, p).locator('[data-confirm]');
      await button.waitFor({ timeout: 120_000 });
      if (p === PERIODS - 1) {
        await button.focus();
        await page.keyboard.press('Enter');
      } else {
        await button.click();
      }
      await page
        .locator('#periods-h ~ .notice')
        .filter({ hasText: new RegExp(`Period ${p} (settled|confirmed)`) })
        .waitFor({ timeout: 60_000 });
    }
    assert.deepEqual(pageErrors, [], 'no uncaught error in the page');
  }

  const result = await scenario.run().catch((e) => {
    throw pageFailure ?? e;
  });
  await driving;
  assert.equal(result.results.length, PERIODS);

  // Every period closed on chain by the page's confirmations; the page shows
  // each with the chain's verdict and money, once the last settlement is final.
  for (const row of result.results) {
    assert.equal(row.closure, 'Confirmed', `period ${row.period} closed by the client's confirmation`);
    const tr = rowOf(page, row.period);
    await waitFor(`period ${row.period}'s row closed`, async () => (await tr.getAttribute('data-state')) === 'Closed(Confirmed)', 60_000, 250);
    const record = await ops.periodRecord(api, result.agreement, row.period);
    assert.equal(await tr.getAttribute('data-verdict'), ops.verdictOf(record).text);
    assert.equal(await tr.locator('[data-field="to-owner"]').textContent(), formatAmount(row.toOwner));
    assert.equal(await tr.locator('[data-field="to-client"]').textContent(), formatAmount(row.toClient));
  }
  assert.ok(result.results[BREACHED].credit > 0, 'period 1 breached');
  assert.ok(result.results[BREACHED].toClient > 0n, 'the breach refunded a credit');

  // The charts: one point per recorded period, the breach marked.
  for (const chart of ['#chart-availability', '#chart-latency']) {
    assert.equal(await page.locator(chart).getAttribute('data-points'), String(PERIODS), `${chart}: one point per recorded period`);
    assert.equal(await page.locator(chart).getAttribute('data-breaches'), String(BREACHED));
  }
  await shot(page, 'agreement');
  await page.setViewportSize({ width: 390, height: 844 });
  await shot(page, 'agreement-phone');
  await page.setViewportSize({ width: 1280, height: 900 });

  // Evidence of the breached period: each report's hash as the chain has it,
  // its inclusion proof checked in the page.
  await page.goto(`${server.url}?account=Eve#/agreement/${result.agreement}/period/${BREACHED}`);
  await page.locator('.report').first().waitFor({ timeout: 30_000 });
  const block = await ops.metricsBlock(api, result.agreement, BREACHED);
  const reports = await ops.metricsBlockReports(api, block);
  assert.equal(await page.locator('.report').count(), block.reportHashes.length);
  assert.equal(await page.locator('.report[data-proof="checked"]').count(), block.reportHashes.length, 'every proof checks in the page');
  for (const report of reports) {
    const section = page.locator(`.report[data-instance="${report.instance.toNumber()}"]`);
    assert.ok((await section.textContent()).includes(toHex(reportHash(report.toU8a()))), `instance ${report.instance}'s hash shown`);
  }
  await shot(page, 'evidence');

  // Services: the owner's record, and an owner registering from the page.
  await page.goto(`${server.url}?account=Dave#/services`);
  const service = page.locator(`.service[data-service="${result.service}"]`);
  await service.waitFor({ timeout: 30_000 });
  const met = result.results.filter((r) => r.credit === 0).length;
  assert.ok(
    (await service.locator('.reputation').textContent()).includes(`${((100 * met) / PERIODS).toFixed(1)} % of ${PERIODS} recorded periods`),
    'reputation counts the met periods',
  );
  assert.equal(await service.locator('caption:text("Instances") + thead + tbody tr').count(), 3);
  const nextService = (await api.query.slaVerification.nextServiceId()).toBigInt();
  await page.fill('#f-price', '2.5');
  await page.fill('#f-period', '60');
  await page.click('#register-service button');
  await page
    .locator('p.notice')
    .filter({ hasText: `Service ${nextService} registered` })
    .waitFor({ timeout: 60_000 });
  const registered = await ops.serviceOf(api, nextService);
  assert.equal(registered.owner, signer('//Dave').address);
  assert.equal(registered.pricePerPeriod, (5n * UNIT) / 2n);
  await page.fill('#f-service', String(nextService));
  await page.fill('#f-url', 'http://10.0.0.5:9616/?tag=1');
  await page.click('#add-instance button');
  await page.locator('p.error').filter({ hasText: 'the monitor URL' }).waitFor();
  assert.equal((await ops.instancesOf(api, nextService)).length, 0, 'a refused URL sends nothing');
  await page.fill('#f-url', 'http://10.0.0.5:9616');
  await page.click('#add-instance button');
  await page
    .locator('p.notice')
    .filter({ hasText: `Instance 0 added to service ${nextService}` })
    .waitFor({ timeout: 60_000 });
  assert.equal((await ops.instancesOf(api, nextService))[0].url, 'http://10.0.0.5:9616');
  // An owner's markup for a URL (valid: printable ASCII, no query) is shown
  // as text in the client's page, never run.
  const markup = 'http://10.0.0.6/<img/src=x/onerror=window.pwned=1>';
  await ops.addInstance(api, signer('//Dave'), nextService, markup);
  const injected = page.locator(`.service[data-service="${nextService}"]`);
  await injected.getByText(markup, { exact: true }).waitFor({ timeout: 30_000 });
  assert.equal(await injected.locator('img').count(), 0, 'no element made of the URL');
  assert.equal(await page.evaluate(() => window.pwned), undefined, 'no script ran');
  await shot(page, 'services');

  // An extension's account without funds: signed in the extension, refused
  // by the chain for the fee, and said so in words.
  const wallet = await browser.newPage();
  const unfunded = new (await import('@polkadot/keyring')).Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri(`//Unfunded${Date.now()}`);
  await injectWallet(wallet, api, unfunded);
  await wallet.goto(`${server.url}#/services`);
  await wallet.locator('#account option', { hasText: 'Unfunded (test-wallet)' }).waitFor({ state: 'attached', timeout: 30_000 });
  await wallet.selectOption('#account', `ext:test-wallet:${unfunded.address}`);
  await wallet.click('#register-service button');
  await wallet.locator('p.error').filter({ hasText: 'Not enough balance' }).waitFor({ timeout: 30_000 });
  await wallet.close();

  // The same agreement through smoldot in the page: no RPC node at all, the
  // chain spec and Alice's WebSocket address only.
  const lightServer = await serveDashboard({ port: 0, config: { chainSpec: lightClient.spec } });
  cleanup.push(() => lightServer.close());
  const light = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const lightStart = Date.now();
  await light.goto(`${lightServer.url}#/agreement/${result.agreement}`);
  await light.locator('#chain-status').filter({ hasText: 'light client on' }).waitFor({ timeout: 180_000 });
  for (const row of result.results) {
    await light.locator(`#periods tbody tr[data-period="${row.period}"][data-state="Closed(Confirmed)"]`).waitFor({ timeout: 120_000 });
    assert.equal(await rowOf(light, row.period).locator('[data-field="to-owner"]').textContent(), formatAmount(row.toOwner));
  }
  console.log(`# the light-client page showed every period ${((Date.now() - lightStart) / 1000).toFixed(1)} s after it opened`);
  await shot(light, 'agreement-light-client');
  await light.close();

  const latencies = [...shownAt].filter(([p]) => finalisedAt.has(p)).map(([p, t]) => [p, t - finalisedAt.get(p)]);
  console.log(`# finalisation → row in the page, per period (ms): ${latencies.map(([p, ms]) => `${p}: ${ms}`).join(', ')}`);
  assert.equal(latencies.length, PERIODS, 'every period was seen finalised and shown');
});
