// VS Code client for the nianbao language server (`nianbao lsp`).
//
// Everything the checker knows lives in the server; this file only finds the
// server binary, starts it, forwards the `nianbao.*` settings and adds three
// commands. Code actions carry their own WorkspaceEdit, so no client-side
// command is needed for quick fixes.

import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  CodeActionRequest,
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';

const FIX_ALL_KIND = 'source.fixAll.nianbao';
const LANGUAGES = ['markdown', 'plaintext'];

let client: LanguageClient | undefined;
let output: vscode.LogOutputChannel;

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
    diagnosticsDelayMs: c.get<number>('diagnosticsDelayMs', 150),
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
  };
  client = new LanguageClient('nianbao', 'nianbao', serverOptions, clientOptions);
  try {
    await client.start();
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    output.appendLine(`start failed: ${detail}`);
    void vscode.window.showErrorMessage(vscode.l10n.t('nianbao server could not start: {0}', detail));
  }
}

async function stopClient(): Promise<void> {
  const running = client;
  client = undefined;
  if (running) await running.stop().catch(() => undefined);
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
  const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: text });
  await vscode.window.showTextDocument(doc);
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
    void vscode.window.showInformationMessage(vscode.l10n.t('Nothing to fill in: every total that can be computed is already right.'));
    return;
  }
  const edit = await client.protocol2CodeConverter.asWorkspaceEdit(action.edit);
  if (!(await vscode.workspace.applyEdit(edit))) {
    void vscode.window.showWarningMessage(vscode.l10n.t('The edit could not be applied (the document changed meanwhile?). Try again.'));
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('nianbao', { log: true });
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand('nianbao.newReport', () => newReport(context)),
    vscode.commands.registerCommand('nianbao.fixAll', fixAll),
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
}

export function deactivate(): Thenable<void> | undefined {
  return client ? stopClient() : undefined;
}
