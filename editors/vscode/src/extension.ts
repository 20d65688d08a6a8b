// VS Code client for the nianbao language server (`nianbao lsp`).
//
// Everything the checker knows lives in the server; this file finds the server
// binary, starts it, forwards the `nianbao.*` settings, adds the commands (new
// report, fix all, restart), shows what the server found in the status bar
// (from its `nianbao/status` notification), keeps the Problems panel to one row
// per problem, leaves Markdown's outline alone unless asked, and offers to
// reopen a mis-decoded GB18030 text file. Code actions carry their own
// WorkspaceEdit, so no client-side command is needed for quick fixes.

import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  CodeActionRequest,
  type ClientCapabilities,
  type FeatureState,
  LanguageClient,
  type LanguageClientOptions,
  type Range as LspRange,
  type ServerOptions,
  State,
  type StaticFeature,
} from 'vscode-languageclient/node';

const FIX_ALL_KIND = 'source.fixAll.nianbao';
const STATUS_METHOD = 'nianbao/status';
const LANGUAGES = ['markdown', 'plaintext'];

let client: LanguageClient | undefined;
let output: vscode.LogOutputChannel;
let statusBar: vscode.StatusBarItem;

/** The server's `nianbao/status` notification: what the last check of a document found. */
interface Status {
  uri: string;
  version: number;
  isReport: boolean;
  reports: number;
  errors: number;
  warnings: number;
  information: number;
  hints: number;
  tables: { name: string; range: LspRange }[];
}
const statuses = new Map<string, Status>();

/** Asks the server for `nianbao/status` notifications (an experimental client capability). */
class StatusFeature implements StaticFeature {
  fillClientCapabilities(capabilities: ClientCapabilities): void {
    capabilities.experimental = { ...(capabilities.experimental as object | undefined), nianbaoStatus: true };
  }
  initialize(): void {}
  getState(): FeatureState {
    return { kind: 'static' };
  }
  clear(): void {}
}

type ServerLookup =
  | { ok: true; path: string; from: 'setting' | 'bundled' | 'PATH' }
  | { ok: false; reason: 'setting-missing'; configured: string }
  | { ok: false; reason: 'not-found' };

function isExecutableFile(p: string): boolean {
  try {
    if (!fs.statSync(p).isFile()) return false;
    if (process.platform !== 'win32') fs.accessSync(p, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function expandSettingPath(raw: string): string {
  let p = raw.trim();
  if (p === '~' || p.startsWith('~/')) p = path.join(os.homedir(), p.slice(1));
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (folder) p = p.replace(/\$\{workspaceFolder\}/g, folder);
  if (!path.isAbsolute(p) && folder) p = path.join(folder, p);
  return p;
}

function searchPath(name: string): string | undefined {
  const exts = process.platform === 'win32' ? (process.env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext);
      if (isExecutableFile(candidate)) return candidate;
    }
  }
  return undefined;
}

/** Setting `nianbao.server.path`, else the binary shipped in `server/`, else `nianbao` on PATH. */
function findServer(context: vscode.ExtensionContext): ServerLookup {
  const configured = vscode.workspace.getConfiguration('nianbao').get<string>('server.path', '').trim();
  if (configured) {
    const p = expandSettingPath(configured);
    return isExecutableFile(p) ? { ok: true, path: p, from: 'setting' } : { ok: false, reason: 'setting-missing', configured: p };
  }
  const exe = process.platform === 'win32' ? 'nianbao.exe' : 'nianbao';
  const bundled = path.join(context.extensionPath, 'server', exe);
  if (isExecutableFile(bundled)) return { ok: true, path: bundled, from: 'bundled' };
  const onPath = searchPath('nianbao');
  if (onPath) return { ok: true, path: onPath, from: 'PATH' };
  return { ok: false, reason: 'not-found' };
}

function isChineseUi(): boolean {
  return vscode.env.language.toLowerCase().startsWith('zh');
}

/** The "server not found" message is always given in Chinese; other UI languages get English after it. */
async function reportMissingServer(lookup: Exclude<ServerLookup, { ok: true }>): Promise<void> {
  let zh: string;
  let en: string;
  if (lookup.reason === 'setting-missing') {
    zh = `nianbao：设置 nianbao.server.path 指向的文件不存在或不可执行：${lookup.configured}。请改正该设置，或将其清空以使用扩展自带的程序或 PATH 中的 nianbao。`;
    en = `The file named by the setting nianbao.server.path does not exist or is not executable: ${lookup.configured}. Correct the setting, or clear it to use the bundled binary or nianbao on PATH.`;
  } else {
    zh = 'nianbao：找不到检查服务程序 nianbao。请安装 nianbao（在源码目录运行 cargo install --path .），或在设置 nianbao.server.path 中填写 nianbao 可执行文件的完整路径，然后运行命令“nianbao: 重启服务”。';
    en = 'The nianbao server was not found. Install nianbao (cargo install --path . in its source tree) or set nianbao.server.path to the full path of the nianbao executable, then run “nianbao: Restart server”.';
  }
  const message = isChineseUi() ? zh : `${zh}\n${en}`;
  output.appendLine(message);
  const openSettings = isChineseUi() ? '打开设置' : '打开设置 / Open Settings';
  const choice = await vscode.window.showErrorMessage(message, openSettings);
  if (choice === openSettings) {
    await vscode.commands.executeCommand('workbench.action.openSettings', 'nianbao.server.path');
  }
}

function serverSettings(): Record<string, unknown> {
  const c = vscode.workspace.getConfiguration('nianbao');
  return {
    disabledCodes: c.get<string[]>('disabledCodes', []),
    severity: c.get<Record<string, string>>('severity', {}),
    diagnosticsDelayMs: c.get<number>('diagnosticsDelayMs', 175),
    inlayHints: c.get<boolean>('inlayHints', true),
  };
}

async function startClient(context: vscode.ExtensionContext): Promise<void> {
  const lookup = findServer(context);
  if (!lookup.ok) {
    await reportMissingServer(lookup);
    return;
  }
  output.appendLine(`nianbao server: ${lookup.path} (${lookup.from})`);
  const serverOptions: ServerOptions = { command: lookup.path, args: ['lsp'] };
  const documentSelector = LANGUAGES.flatMap((language) => [
    { scheme: 'file', language },
    { scheme: 'untitled', language },
  ]);
  const clientOptions: LanguageClientOptions = {
    documentSelector,
    initializationOptions: serverSettings(),
    synchronize: { configurationSection: 'nianbao' },
    outputChannel: output,
    middleware: {
      // One row per problem in the Problems panel: related locations whose text the message
      // already spells out (the addends of a total, the four terms of a balance) are left out.
      handleDiagnostics: (uri, diagnostics, next) => next(uri, diagnostics.map(withoutRedundantRelated)),
      // Markdown has an outline of its own (the headings); a second tree of the same sections
      // is noise, so nianbao's outline is given for plain-text reports only, unless asked for.
      provideDocumentSymbols: (document, token, next) =>
        document.languageId === 'markdown' && !vscode.workspace.getConfiguration('nianbao').get<boolean>('outline.markdown', false)
          ? undefined
          : next(document, token),
    },
  };
  const started = new LanguageClient('nianbao', 'nianbao', serverOptions, clientOptions);
  started.registerFeature(new StatusFeature());
  started.onNotification(STATUS_METHOD, (s: Status) => {
    statuses.set(s.uri, s);
    updateStatusBar();
  });
  started.onDidChangeState(() => updateStatusBar());
  client = started;
  try {
    await started.start();
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    output.appendLine(`start failed: ${detail}`);
    void vscode.window.showErrorMessage(vscode.l10n.t('nianbao server could not start: {0}', detail));
  }
}

async function stopClient(): Promise<void> {
  const running = client;
  client = undefined;
  statuses.clear();
  if (running) await running.stop().catch(() => undefined);
  updateStatusBar();
}

/** Drops the related locations whose message is already part of the diagnostic's own. */
function withoutRedundantRelated(d: vscode.Diagnostic): vscode.Diagnostic {
  if (d.source !== 'nianbao' || !d.relatedInformation?.length) return d;
  const kept = d.relatedInformation.filter((r) => !d.message.includes(r.message));
  d.relatedInformation = kept.length ? kept : undefined;
  return d;
}

function isReportEditor(editor: vscode.TextEditor | undefined): editor is vscode.TextEditor {
  return !!editor && LANGUAGES.includes(editor.document.languageId) && ['file', 'untitled'].includes(editor.document.uri.scheme);
}

function counts(errors: number, warnings: number, information: number): string {
  const parts: string[] = [];
  if (errors) parts.push(vscode.l10n.t('{0} errors', errors));
  if (warnings) parts.push(vscode.l10n.t('{0} warnings', warnings));
  if (information) parts.push(vscode.l10n.t('{0} notes', information));
  return parts.join(vscode.l10n.t(', '));
}

/**
 * The status bar item: whether the active document is recognised as a report and what the last
 * check found (for the table under the cursor, and the whole report), or that the server stopped.
 */
function updateStatusBar(): void {
  const editor = vscode.window.activeTextEditor;
  if (!statusBar) return;
  if (!isReportEditor(editor)) {
    statusBar.hide();
    return;
  }
  if (!client || client.state === State.Stopped) {
    statusBar.text = `$(debug-disconnect) ${vscode.l10n.t('nianbao stopped')}`;
    statusBar.tooltip = vscode.l10n.t('The nianbao server is not running: reports are not checked. Click to restart it.');
    statusBar.command = 'nianbao.restart';
    statusBar.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    statusBar.show();
    return;
  }
  statusBar.backgroundColor = undefined;
  const st = statuses.get(editor.document.uri.toString());
  if (!st) {
    statusBar.text = `$(sync~spin) nianbao`;
    statusBar.tooltip = vscode.l10n.t('nianbao is checking the document');
    statusBar.command = undefined;
    statusBar.show();
    return;
  }
  if (!st.isReport) {
    statusBar.text = `$(circle-slash) ${vscode.l10n.t('Not a report')}`;
    statusBar.tooltip = vscode.l10n.t(
      'nianbao does not check this file: it has no title naming 政府信息公开 and 年度报告, and fewer than three standard section titles. If it is a report that shows as garbled text, reopen it with the GB18030 encoding.',
    );
    statusBar.command = undefined;
    statusBar.show();
    return;
  }
  const total = counts(st.errors, st.warnings, st.information);
  const name = st.reports > 1 ? vscode.l10n.t('Reports ×{0}', st.reports) : vscode.l10n.t('Report');
  let text = vscode.l10n.t('{0}: {1}', name, total || vscode.l10n.t('no problems'));
  const line = editor.selection.active.line;
  const table = st.tables.find((t) => t.range.start.line <= line && line <= t.range.end.line);
  let icon = st.errors ? '$(error)' : st.warnings ? '$(warning)' : st.information ? '$(info)' : '$(pass)';
  if (table) {
    const here = [0, 0, 0];
    for (const d of vscode.languages.getDiagnostics(editor.document.uri)) {
      if (d.source !== 'nianbao' || d.range.start.line < table.range.start.line || d.range.start.line > table.range.end.line) continue;
      if (d.severity <= vscode.DiagnosticSeverity.Information) here[d.severity]++;
    }
    const inTable = counts(here[0], here[1], here[2]);
    icon = here[0] ? '$(error)' : here[1] ? '$(warning)' : here[2] ? '$(info)' : '$(pass)';
    text = vscode.l10n.t('{0}: {1}', table.name, inTable || vscode.l10n.t('no problems'));
    if (total && total !== inTable) text += vscode.l10n.t(' (whole report: {0})', total);
  }
  statusBar.text = `${icon} ${text}`;
  statusBar.tooltip = vscode.l10n.t(
    'nianbao: recognised as an annual report on government information disclosure ({0}). Click to open the Problems panel.',
    st.reports,
  );
  statusBar.command = 'workbench.actions.view.problems';
  statusBar.show();
}

function serverPathOrComplain(context: vscode.ExtensionContext): string | undefined {
  const lookup = findServer(context);
  if (lookup.ok) return lookup.path;
  void reportMissingServer(lookup);
  return undefined;
}

async function newReport(context: vscode.ExtensionContext): Promise<void> {
  const server = serverPathOrComplain(context);
  if (!server) return;
  const org = await vscode.window.showInputBox({
    title: vscode.l10n.t('New annual report'),
    prompt: vscode.l10n.t('Name of the organisation (机关名称)'),
    placeHolder: vscode.l10n.t('e.g. 某某市人民政府办公室'),
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Enter the name of the organisation.')),
  });
  if (org === undefined) return;
  const lastYear = String(new Date().getFullYear() - 1);
  const year = await vscode.window.showInputBox({
    title: vscode.l10n.t('New annual report'),
    prompt: vscode.l10n.t('Year of the report (年度)'),
    value: lastYear,
    ignoreFocusOut: true,
    validateInput: (v) => (/^\d{4}$/.test(v.trim()) ? undefined : vscode.l10n.t('Enter a four-digit year, e.g. {0}.', lastYear)),
  });
  if (year === undefined) return;
  const text = await new Promise<string | undefined>((resolve) => {
    execFile(server, ['new', '--org', org.trim(), '--year', year.trim()], { maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        output.appendLine(`${server} new: ${err.message}\n${stderr}`);
        void vscode.window.showErrorMessage(vscode.l10n.t('nianbao new failed: {0}', (stderr || err.message).trim()));
        resolve(undefined);
      } else {
        resolve(stdout);
      }
    });
  });
  if (text === undefined) return;
  const target = await reportFileName(org.trim(), year.trim());
  if (!target) return;
  try {
    await writeNewFile(target, text);
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    void vscode.window.showErrorMessage(vscode.l10n.t('Could not create {0}: {1}', target.fsPath, detail));
    return;
  }
  const doc = await vscode.workspace.openTextDocument(target);
  await vscode.window.showTextDocument(doc, { preview: false });
  void vscode.window.showInformationMessage(
    vscode.l10n.t('Created {0}. Fill in the parts marked （填写……）, then run “nianbao: Fix everything that can be computed”.', path.basename(target.fsPath)),
  );
}

/** `<机关><年度>年政府信息公开工作年度报告.md` (characters that cannot be in a file name replaced). */
function defaultReportName(org: string, year: string): string {
  return `${org.replace(/[\\/:*?"<>|]/g, '-')}${year}年政府信息公开工作年度报告.md`;
}

/**
 * Where the new report goes: asked for, with <机关><年度>年政府信息公开工作年度报告.md in the
 * workspace folder proposed; a name that exists is refused (never overwritten).
 */
async function reportFileName(org: string, year: string): Promise<vscode.Uri | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  let proposed = defaultReportName(org, year);
  // A name that is free: …报告.md, else …报告（2）.md, …
  for (let n = 2; folder && fs.existsSync(path.join(folder.fsPath, proposed)) && n < 100; n++) {
    proposed = defaultReportName(org, year).replace(/\.md$/, `（${n}）.md`);
  }
  if (!folder) {
    return vscode.window.showSaveDialog({
      title: vscode.l10n.t('New annual report'),
      defaultUri: vscode.Uri.file(path.join(os.homedir(), proposed)),
      filters: { Markdown: ['md'] },
    });
  }
  const name = await vscode.window.showInputBox({
    title: vscode.l10n.t('New annual report'),
    prompt: vscode.l10n.t('File name (in the folder {0})', folder.fsPath),
    value: proposed,
    valueSelection: [0, proposed.length - 3],
    ignoreFocusOut: true,
    validateInput: (v) => {
      const n = v.trim();
      if (!n) return vscode.l10n.t('Enter a file name.');
      if (!/\.(md|markdown|txt)$/i.test(n)) return vscode.l10n.t('The file name should end in .md (or .txt).');
      if (fs.existsSync(path.resolve(folder.fsPath, n))) return vscode.l10n.t('{0} exists already: choose another name (nianbao never overwrites a file).', n);
      return undefined;
    },
  });
  return name === undefined ? undefined : vscode.Uri.file(path.resolve(folder.fsPath, name.trim()));
}

/** Writes a new file atomically, never over an existing one (a temporary file, then a hard link). */
async function writeNewFile(target: vscode.Uri, text: string): Promise<void> {
  const dir = path.dirname(target.fsPath);
  await fs.promises.mkdir(dir, { recursive: true });
  const tmp = path.join(dir, `.nianbao-new-${process.pid}-${Date.now()}.tmp`);
  await fs.promises.writeFile(tmp, text, { flag: 'wx' });
  try {
    await fs.promises.link(tmp, target.fsPath);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new Error(vscode.l10n.t('the file exists already (nianbao never overwrites a file)'));
    }
    throw e;
  } finally {
    await fs.promises.unlink(tmp).catch(() => undefined);
  }
}

/** Runs the server program; resolves with its standard output, or undefined after showing its error. */
function runServer(server: string, args: string[], failed: (detail: string) => string): Promise<{ stdout: string; stderr: string } | undefined> {
  return new Promise((resolve) => {
    execFile(server, args, { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        output.appendLine(`${server} ${args.join(' ')}: ${err.message}\n${stderr}`);
        const detail = (stderr || err.message).trim().replace(/^错误：/, '');
        void vscode.window.showErrorMessage(failed(detail));
        resolve(undefined);
      } else {
        resolve({ stdout, stderr });
      }
    });
  });
}

/** Exports the active editor's file to a Word document beside it (`nianbao export`), saved first. */
async function exportDocx(context: vscode.ExtensionContext): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Open a report first.'));
    return;
  }
  const doc = editor.document;
  if (doc.isUntitled || doc.uri.scheme !== 'file') {
    void vscode.window.showWarningMessage(vscode.l10n.t('Save the report as a file first, then export it.'));
    return;
  }
  if (doc.isDirty && !(await doc.save())) {
    void vscode.window.showWarningMessage(vscode.l10n.t('The report could not be saved, so it was not exported.'));
    return;
  }
  const server = serverPathOrComplain(context);
  if (!server) return;
  const file = doc.uri.fsPath;
  const target = path.join(path.dirname(file), `${path.parse(file).name}.docx`);
  const done = await runServer(server, ['export', file], (detail) => vscode.l10n.t('Export failed: {0}', detail));
  if (!done) return;
  const reveal = vscode.l10n.t('Show in folder');
  const choice = await vscode.window.showInformationMessage(vscode.l10n.t('Exported: {0}', target), reveal);
  if (choice === reveal) await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(target));
}

/** The file name of a draft: its title line without `# `, + `.md`. */
function titleFileName(draft: string): string | undefined {
  const title = (draft.split('\n', 1)[0] ?? '').replace(/^#+\s*/, '').trim();
  return title ? `${title.replace(/[\\/:*?"<>|]/g, '-')}.md` : undefined;
}

/** A draft for the next year from last year's report (`nianbao new --from`), written to a new file and opened. */
async function newFromLastYear(context: vscode.ExtensionContext): Promise<void> {
  const server = serverPathOrComplain(context);
  if (!server) return;
  const picked = await vscode.window.showOpenDialog({
    title: vscode.l10n.t("Last year's report"),
    openLabel: vscode.l10n.t('Use as the base'),
    canSelectMany: false,
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    filters: { [vscode.l10n.t('Reports')]: ['md', 'txt', 'docx', 'html', 'pdf'] },
  });
  const source = picked?.[0];
  if (!source) return;
  const done = await runServer(server, ['new', '--from', source.fsPath], (detail) => vscode.l10n.t('nianbao new failed: {0}', detail));
  if (!done) return;
  const name = titleFileName(done.stdout);
  if (!name) {
    void vscode.window.showErrorMessage(vscode.l10n.t('The draft has no title line; no file was created.'));
    return;
  }
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? path.dirname(source.fsPath);
  let target = vscode.Uri.file(path.join(folder, name));
  // A name that is free: …报告.md, else …报告（2）.md, … (never overwritten).
  for (let n = 2; fs.existsSync(target.fsPath) && n < 100; n++) {
    target = vscode.Uri.file(path.join(folder, name.replace(/\.md$/, `（${n}）.md`)));
  }
  try {
    await writeNewFile(target, done.stdout);
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    void vscode.window.showErrorMessage(vscode.l10n.t('Could not create {0}: {1}', target.fsPath, detail));
    return;
  }
  const opened = await vscode.workspace.openTextDocument(target);
  await vscode.window.showTextDocument(opened, { preview: false });
  void vscode.window.showInformationMessage(
    vscode.l10n.t("Created {0} from last year's report: the figures are carried over and the text kept, with the parts to revise marked. Revise them and fill in this year's figures.", path.basename(target.fsPath)),
  );
}

async function fixAll(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || !LANGUAGES.includes(editor.document.languageId)) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Open a report (Markdown or plain text) first.'));
    return;
  }
  if (!client || !client.isRunning()) {
    void vscode.window.showWarningMessage(vscode.l10n.t('The nianbao server is not running.'));
    return;
  }
  const document = editor.document;
  const c2p = client.code2ProtocolConverter;
  const whole = new vscode.Range(new vscode.Position(0, 0), document.lineAt(document.lineCount - 1).range.end);
  const ours = vscode.languages.getDiagnostics(document.uri).filter((d) => d.source === 'nianbao');
  const result = await client.sendRequest(CodeActionRequest.type, {
    textDocument: c2p.asTextDocumentIdentifier(document),
    range: c2p.asRange(whole),
    context: { diagnostics: await c2p.asDiagnostics(ours), only: [FIX_ALL_KIND] },
  });
  const action = (result ?? []).find((a) => 'edit' in a && a.edit !== undefined);
  if (!action || !('edit' in action) || !action.edit) {
    const st = statuses.get(document.uri.toString());
    if (st && !st.isReport) {
      void vscode.window.showInformationMessage(vscode.l10n.t('This file is not an annual report: nianbao does not check it.'));
    } else if (st && st.errors + st.warnings > 0) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t('Nothing can be fixed automatically; {0} are left to correct by hand (see the Problems panel).', counts(st.errors, st.warnings, 0)),
      );
    } else {
      void vscode.window.showInformationMessage(vscode.l10n.t('Nothing to fix: totals, labels and titles are right.'));
    }
    return;
  }
  const edit = await client.protocol2CodeConverter.asWorkspaceEdit(action.edit);
  if (!(await vscode.workspace.applyEdit(edit))) {
    void vscode.window.showWarningMessage(vscode.l10n.t('The edit could not be applied (the document changed meanwhile?). Try again.'));
    return;
  }
  const fixed = new Map<string, number>();
  for (const d of action.diagnostics ?? []) {
    const what = fixedName(String(d.code ?? ''));
    fixed.set(what, (fixed.get(what) ?? 0) + 1);
  }
  const parts = [...fixed].map(([what, n]) => vscode.l10n.t('{0} ×{1}', what, n));
  void vscode.window.showInformationMessage(
    vscode.l10n.t('Fixed {0} problems: {1}. The document is not saved yet.', action.diagnostics?.length ?? 0, parts.join(vscode.l10n.t(', '))),
  );
}

function fixedName(code: string): string {
  switch (code) {
    case 'total-mismatch':
      return vscode.l10n.t('totals');
    case 'row-label':
      return vscode.l10n.t('labels');
    case 'section-title':
      return vscode.l10n.t('section titles');
    default:
      return code;
  }
}

// ---------------------------------------------------------------- GB18030 text read as UTF-8

/**
 * Whether a text looks like GB18030 (GBK) read with another encoding: replacement characters
 * where UTF-8 decoding failed, or Latin-1 letters in the pairs GB18030's two-byte characters
 * become (`Õþ¸®` for 政府) — and hardly any Chinese.
 */
export function looksLikeMisdecodedGb18030(text: string): boolean {
  const sample = text.slice(0, 64 * 1024);
  let replacement = 0;
  let latin = 0;
  let cjk = 0;
  for (const ch of sample) {
    const c = ch.codePointAt(0) ?? 0;
    if (c === 0xfffd) replacement++;
    else if (c >= 0xa1 && c <= 0xff) latin++;
    else if (c >= 0x4e00 && c <= 0x9fff) cjk++;
  }
  if (replacement >= 8 && replacement > cjk) return true;
  return latin >= 40 && latin > 4 * cjk && /[\u00b0-\u00f7][\u00a1-\u00fe]/.test(sample);
}

const dismissedEncoding = new Set<string>();

async function offerGb18030(document: vscode.TextDocument): Promise<void> {
  if (document.uri.scheme !== 'file' || !LANGUAGES.includes(document.languageId)) return;
  const key = document.uri.toString();
  const current = (document as { encoding?: string }).encoding;
  if (dismissedEncoding.has(key) || current === 'gb18030' || !looksLikeMisdecodedGb18030(document.getText())) return;
  dismissedEncoding.add(key);
  const reopen = vscode.l10n.t('Reopen with Encoding GB18030');
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t('{0} looks like a report saved in GB18030 (GBK) but read as UTF-8: the text is garbled and nianbao cannot check it.', path.basename(document.uri.fsPath)),
    reopen,
  );
  if (choice !== reopen) return;
  if (document.isDirty) {
    void vscode.window.showWarningMessage(vscode.l10n.t('Save or revert your changes first: reopening with another encoding reads the file again.'));
    return;
  }
  try {
    // VS Code 1.100+: open the document again with the encoding given.
    const open = vscode.workspace.openTextDocument as (uri: vscode.Uri, options: { encoding: string }) => Thenable<vscode.TextDocument>;
    const again = await open(document.uri, { encoding: 'gb18030' });
    if ((again as { encoding?: string }).encoding === 'gb18030') {
      await vscode.window.showTextDocument(again);
      return;
    }
  } catch (e) {
    output.appendLine(`reopen with gb18030: ${e instanceof Error ? e.message : String(e)}`);
  }
  // Older VS Code: its own command, where the user picks 通过编码重新打开 → GB18030.
  await vscode.commands.executeCommand('workbench.action.editor.changeEncoding');
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('nianbao', { log: true });
  statusBar = vscode.window.createStatusBarItem('nianbao.status', vscode.StatusBarAlignment.Left, 10);
  statusBar.name = vscode.l10n.t('nianbao report check');
  context.subscriptions.push(
    output,
    statusBar,
    vscode.window.onDidChangeActiveTextEditor((editor) => {
      updateStatusBar();
      if (editor) void offerGb18030(editor.document);
    }),
    vscode.window.onDidChangeTextEditorSelection(() => updateStatusBar()),
    vscode.languages.onDidChangeDiagnostics(() => updateStatusBar()),
    vscode.workspace.onDidOpenTextDocument((d) => {
      if (vscode.window.visibleTextEditors.some((e) => e.document === d)) void offerGb18030(d);
    }),
    vscode.commands.registerCommand('nianbao.newReport', () => newReport(context)),
    vscode.commands.registerCommand('nianbao.fixAll', fixAll),
    vscode.commands.registerCommand('nianbao.exportDocx', () => exportDocx(context)),
    vscode.commands.registerCommand('nianbao.newFromLastYear', () => newFromLastYear(context)),
    vscode.commands.registerCommand('nianbao.restart', async () => {
      await stopClient();
      await startClient(context);
    }),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (e.affectsConfiguration('nianbao.server.path')) {
        await stopClient();
        await startClient(context);
      }
    }),
  );
  await startClient(context);
  updateStatusBar();
  for (const editor of vscode.window.visibleTextEditors) void offerGb18030(editor.document);
}

export function deactivate(): Thenable<void> | undefined {
  return client ? stopClient() : undefined;
}
