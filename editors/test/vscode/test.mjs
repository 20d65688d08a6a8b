// Drives VS Code (code-server, started by run.sh with the nianbao .vsix installed and
// the UI language zh-cn) in Debian's Chromium through playwright-core.
// Env: NB_URL, NB_WS (workspace folder on disk), NB_FIXTURES (fixtures.json, base.md),
// NB_RESULTS (PASS/FAIL lines are appended), NB_SHOTS (screenshot folder),
// NB_PROFILE (a fresh browser profile folder), NB_DRIVER_MODULES (node_modules with playwright-core),
// NB_BIN (the nianbao binary).
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const env = (k) => {
  const v = process.env[k];
  if (!v) throw new Error(`${k} is not set`);
  return v;
};
const require = createRequire(join(env('NB_DRIVER_MODULES'), 'x.js'));
const { chromium } = require('playwright-core');

const SUITE = 'vscode (code-server 4.139.1)';
const ws = env('NB_WS');
const shots = env('NB_SHOTS');
const meta = JSON.parse(readFileSync(join(env('NB_FIXTURES'), 'fixtures.json'), 'utf8'));
const base = readFileSync(join(env('NB_FIXTURES'), 'base.md'), 'utf8');
const baseLines = base.split('\n');
mkdirSync(shots, { recursive: true });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const failed = new Set();
let page;

function record(name, ok, msg) {
  const line = `${ok ? 'PASS' : 'FAIL'} ${SUITE}: ${name}${!ok && msg ? ` — ${msg}` : ''}`;
  appendFileSync(env('NB_RESULTS'), line + '\n');
  console.log(line);
}
let shotNo = 0;
async function test(name, fn, needs) {
  if (needs && failed.has(needs)) {
    failed.add(name);
    return record(name, false, `skipped: depends on "${needs}", which failed`);
  }
  const t0 = Date.now();
  try {
    await fn();
    record(name, true);
  } catch (e) {
    failed.add(name);
    const file = `fail-${++shotNo}.png`;
    await page?.screenshot({ path: join(shots, file) }).catch(() => undefined);
    record(name, false, `${String(e?.message ?? e).split('\n')[0]} (screenshot ${file})`);
  }
  console.log(`   (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}

async function until(what, cond, ms = 30000) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    try {
      last = await cond();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
}

const disk = (name) => readFileSync(join(ws, name), 'utf8');

async function quickOpen(name) {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(name);
  // Wait for the result row: Enter before it exists opens nothing on a cold server.
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ timeout: 30000 });
  await page.keyboard.press('Enter');
  await page.locator(`.tab[data-resource-name="${name}"], .tab[aria-label*="${name}"]`).first().waitFor({ timeout: 30000 });
  await page.locator('.monaco-editor .view-lines').first().waitFor();
}

/** Runs a command from the palette by its title (the UI language is zh-cn: the Chinese title). */
async function runCommand(...titles) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill('>nianbao');
  const rows = page.locator('.quick-input-list .monaco-list-row');
  await rows.first().waitFor({ timeout: 15000 });
  const labels = await rows.allInnerTexts();
  const title = titles.find((t) => labels.some((l) => l.includes(t)));
  if (!title) throw new Error(`none of ${titles.join(' / ')} in the palette: ${labels.join(' | ')}`);
  uiTitles.push(title);
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 15000 });
  await page.keyboard.press('Enter');
}
const uiTitles = [];

// VS Code's go-to-line column counts full-width characters twice (as rendered);
// this is its strings.isFullWidthCharacter.
const isFullWidth = (c) => (c >= 0x2e80 && c <= 0xd7af) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xff01 && c <= 0xff5e);

/** Puts the cursor on a cell given as 0-based line and UTF-16 column, and checks the status bar. */
async function goToCell(cell) {
  const text = baseLines[cell.line].slice(0, cell.col16);
  let visual = 1;
  for (const ch of text) visual += isFullWidth(ch.codePointAt(0)) ? 2 : 1;
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`:${cell.line + 1}:${visual}`);
  await sleep(150);
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden' });
  const want = `Ln ${cell.line + 1}, Col ${cell.col16 + 1}`;
  await until(`the cursor at ${want}`, async () => (await page.locator('[id="status.editor.selection"]').innerText({ timeout: 2000 })).includes(want), 5000);
}

/** The problem count the Explorer shows beside a file (a CSS ::after badge; 0 when none). */
async function problemCount(name) {
  const rows = page.locator('.explorer-folders-view .monaco-list-row');
  for (const row of await rows.all()) {
    const text = await row.innerText();
    if (text.split('\n')[0].trim() !== name) continue;
    const badge = await row.evaluate((el) => {
      for (const e of [el, ...el.querySelectorAll('*')]) {
        const m = getComputedStyle(e, '::after').content.match(/^"(\d+)"$/);
        if (m) return Number(m[1]);
      }
      return 0;
    });
    return badge;
  }
  throw new Error(`${name} not in the Explorer: ${(await rows.allInnerTexts()).join(' | ')}`);
}

const problemRows = (text) => page.locator('.markers-panel .monaco-list-row', { hasText: text });

async function main() {
  rmSync(env('NB_PROFILE'), { recursive: true, force: true });
  const context = await chromium.launchPersistentContext(env('NB_PROFILE'), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1440, height: 900 },
    locale: 'zh-CN',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  try {
    page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(30000);
    const b = meta.broken;

    await test('workbench loads and opens the report', async () => {
      await page.goto(env('NB_URL'));
      await page.locator('.monaco-workbench').waitFor({ timeout: 90000 });
      await page.locator('.explorer-folders-view, .explorer-viewlet').first().waitFor({ timeout: 60000 });
      await quickOpen('broken.md');
    });

    await test('diagnostic in the Problems panel at the right line and CJK column', async () => {
      await page.keyboard.press('Control+Shift+M');
      const row = problemRows(`总计应为 ${b.expectedTotal}`).first();
      await row.waitFor({ timeout: 90000 }); // first start of the extension host and server
      const text = await row.innerText();
      const pos = text.match(/\[\D*(\d+)\D+(\d+)\]/);
      if (!pos) throw new Error(`no [line, column] in problem row: ${text}`);
      const [line, col] = [Number(pos[1]), Number(pos[2])];
      if (line !== b.line + 1 || col !== b.col16 + 1) {
        throw new Error(`problem at ${line}:${col}, expected ${b.line + 1}:${b.col16 + 1} (${text})`);
      }
      if (!text.includes('nianbao')) throw new Error(`source nianbao not shown: ${text}`);
      // settings.json turns off balance-mismatch (the broken total also breaks its column's
      // balance): one problem, not two, shows that the nianbao.* settings reach the server.
      // (The Explorer's badge follows the Problems panel after a moment.)
      let count;
      await until('one problem on broken.md (nianbao.disabledCodes = ["balance-mismatch"])', async () => {
        count = await problemCount('broken.md');
        return count === 1;
      }, 10000).catch((e) => {
        throw new Error(`${e.message}; the Explorer shows ${count}`);
      });
      await row.click();
    }, 'workbench loads and opens the report');

    await test('quick fix with Ctrl+. fills in the total; saved file is right', async () => {
      await goToCell(b);
      const item = page.locator('.action-widget .monaco-list-row', { hasText: `将总计改为 ${b.expectedTotal}` }).first();
      // Ctrl+. pressed while the editor is still busy sometimes shows nothing: try again.
      for (let attempt = 1; ; attempt++) {
        await page.keyboard.press('Control+.');
        try {
          await item.waitFor({ timeout: 7000 });
          break;
        } catch (e) {
          if (attempt === 3) throw e;
          await page.keyboard.press('Escape');
          await goToCell(b);
        }
      }
      await sleep(300);
      await page.screenshot({ path: join(shots, 'quickfix.png') });
      await item.click();
      await sleep(200);
      await page.keyboard.press('Control+S');
      await until('broken.md on disk to equal the fixed report', () => disk('broken.md') === base, 20000);
    }, 'diagnostic in the Problems panel at the right line and CJK column');

    await test('the diagnostic clears from the Problems panel', async () => {
      await until('the total-mismatch problem to go', async () => (await problemRows('总计应为').count()) === 0, 20000);
    }, 'quick fix with Ctrl+. fills in the total; saved file is right');

    await test('hover on a cell shows its row and column path', async () => {
      const h = meta.hover;
      await goToCell(h);
      await page.keyboard.press('Control+K');
      await page.keyboard.press('Control+I');
      const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: h.expect[0] }).first();
      await hover.waitFor({ timeout: 20000 });
      const text = await hover.innerText();
      for (const want of h.expect) if (!text.includes(want)) throw new Error(`hover lacks ${want}: ${text}`);
      await page.screenshot({ path: join(shots, 'hover.png') });
      await page.keyboard.press('Escape');
    }, 'workbench loads and opens the report');

    await test('command "nianbao: 填入全部总计" fixes every broken total', async () => {
      await quickOpen('several.md');
      // The Problems list is virtualised (rows out of view are not in the DOM): count in the Explorer.
      await until(`${meta.several.length} problems on several.md`, async () => (await problemCount('several.md')) >= meta.several.length, 60000);
      await runCommand('nianbao: 填入全部总计');
      await sleep(500);
      await page.keyboard.press('Control+S');
      await until('several.md on disk to have every total filled in', () => {
        const lines = disk('several.md').split('\n');
        return meta.several.every((c) => lines[c.line] === baseLines[c.line]);
      }, 20000);
      await until('the problems of several.md to go', async () => (await problemCount('several.md')) === 0, 20000);
    }, 'workbench loads and opens the report');

    await test('command "nianbao: 新建年度报告" opens the standard draft', async () => {
      await runCommand('nianbao: 新建年度报告');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible' });
      // The prompt comes from l10n/bundle.l10n.zh-cn.json (English: "Name of the organisation (机关名称)").
      await until('the Chinese prompt 机关名称', async () => {
        const text = await page.locator('.quick-input-widget').innerText();
        return text.includes('机关名称') && !text.includes('Name of the organisation');
      }, 5000);
      await input.fill('编辑器测试局');
      await page.keyboard.press('Enter');
      await sleep(300);
      const year = await input.inputValue();
      if (year !== String(new Date().getFullYear() - 1)) throw new Error(`year prefilled as ${year}`);
      await page.keyboard.press('Enter');
      await page.locator('.monaco-editor .view-lines', { hasText: '编辑器测试局' }).first().waitFor({ timeout: 20000 });
      await page.screenshot({ path: join(shots, 'new-report.png') });
    }, 'workbench loads and opens the report');

    await test('setting nianbao.server.path: clear message when wrong, used when right', async () => {
      // Set through the Settings editor, as a user would. The setting is machine-overridable, so on
      // code-server (a remote window) it lives in the Remote tab: the User tab does not list it.
      async function setServerPath(value) {
        await page.keyboard.press('Control+,');
        const search = page.locator('.settings-editor .settings-header .suggest-input-container');
        await search.waitFor({ timeout: 20000 });
        await page.locator('.settings-editor .settings-tabs-widget .action-label', { hasText: 'Remote' }).first().click();
        await search.click();
        await page.keyboard.press('Control+A');
        await page.keyboard.type('nianbao.server.path');
        const input = page.locator('.settings-editor .setting-item-contents', { hasText: 'nianbao' }).locator('input').first();
        await input.waitFor({ timeout: 20000 });
        await input.fill(value);
        await input.press('Tab');
        // The editor writes the Remote settings after a short delay; closing it earlier drops the value.
        const machineSettings = join(dirname(ws), 'ud', 'Machine', 'settings.json');
        await until('the Remote settings file to hold the value',
          () => existsSync(machineSettings) && readFileSync(machineSettings, 'utf8').includes(JSON.stringify(value)), 10000);
        const editor = page.locator('.settings-editor');
        for (const key of ['Escape', 'Escape', 'Control+W']) {
          if (!(await editor.isVisible())) break;
          await page.keyboard.press(key);
          await sleep(300);
        }
        if (await editor.isVisible()) throw new Error('the Settings editor did not close');
      }
      await setServerPath('/nonexistent/nianbao');
      const toast = page.locator('.notification-toast', { hasText: 'nianbao.server.path' }).first();
      await toast.waitFor({ timeout: 20000 });
      const text = await toast.innerText();
      if (!text.includes('不存在') || !text.includes('/nonexistent/nianbao')) throw new Error(`message: ${text}`);
      await page.screenshot({ path: join(shots, 'server-missing.png') });
      // A wrapper that logs its start shows that the configured path (not the bundled binary) is used.
      const log = join(dirname(ws), 'wrapper.log');
      const wrapper = join(dirname(ws), 'nianbao-wrapper.sh');
      writeFileSync(wrapper, `#!/bin/sh\necho "$*" >> '${log}'\nexec '${env('NB_BIN')}' "$@"\n`, { mode: 0o755 });
      await setServerPath(wrapper);
      await until('the wrapper to be started with lsp', () => existsSync(log) && readFileSync(log, 'utf8').includes('lsp'), 20000);
      await quickOpen('again.md'); // a copy of broken.md that run.sh put in the workspace
      await page.keyboard.press('Control+Shift+M');
      await problemRows(`总计应为 ${b.expectedTotal}`).first().waitFor({ timeout: 30000 });
    }, 'workbench loads and opens the report');
  } finally {
    console.log(`   command titles used: ${uiTitles.join(', ')}`);
    await context.close().catch(() => undefined);
  }
}

main().catch((e) => {
  record('driver', false, String(e?.stack ?? e));
  process.exitCode = 1;
});
