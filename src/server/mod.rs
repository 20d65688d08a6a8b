//! `nianbao lsp`: the language server. Documents are kept as a rope (positions) plus an
//! incrementally reparsed and rechecked text ([`crate::incremental`]); every state change happens
//! synchronously in the notification handler, before any `.await`; analysis runs in a task per
//! document (at most one waiting, after a configurable quiet window), which checks the newest
//! text and publishes its diagnostics with the document version without a pause in between.
//! Protocol conversions live in [`proto`], settings in [`config`], the tolerant framing in
//! [`framing`], standard input and output in `stdio`.

pub mod config;
pub mod framing;
pub mod proto;
mod stdio;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use ropey::Rope;
use serde_json::Value;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tower_lsp_server::jsonrpc::Result as RpcResult;
use tower_lsp_server::ls_types as lsp;
use tower_lsp_server::{Client, LanguageServer, LspService, Server};

use crate::diag::{self, Code};
use crate::incremental;
use crate::model::Document;
use crate::settings::{self, Settings};
use crate::text::Encoding;
use crate::{fix, ide};
use config::Config;
use framing::{FrameSink, FrameWriter, FramedInput};

/// Title of the action that fills in every total of the table under the cursor.
pub const FILL_TABLE_TITLE: &str = "填入本表全部总计";
/// Title of the `source.fixAll.nianbao` action.
pub const FIX_ALL_TITLE: &str = "nianbao：修复全部可计算的总计和标签";
/// Title of the action that adds a suppression comment for one diagnostic.
pub const IGNORE_TITLE: &str = "忽略此问题（添加 nianbao-disable-next-line 注释）";
pub const FIX_ALL_KIND: &str = "source.fixAll.nianbao";
/// The notification that tells an opting-in client what the last check found (status bar and
/// status line): sent after each `publishDiagnostics` to clients whose capabilities hold
/// `experimental.nianbaoStatus: true`.
pub const STATUS_METHOD: &str = "nianbao/status";
/// Shown where a client lists several outlines of one document (VS Code's Outline view).
pub const OUTLINE_LABEL: &str = "年度报告结构";

/// One open document.
struct Doc {
    version: i32,
    rope: Rope,
    buffer: incremental::Buffer,
    /// The reports of the current text, read on demand for requests.
    document: Option<Arc<Document>>,
    /// The diagnostics of the current text, once analysed, and the settings they were made with.
    checked: Option<(Settings, Arc<Vec<diag::Diagnostic>>)>,
    last_change: Instant,
    analysing: bool,
    /// The project file (`nianbao.toml`) that applies to the document, if any.
    project: Option<settings::ProjectFile>,
}

/// An immutable view of a document for requests.
#[derive(Clone)]
struct Snapshot {
    version: i32,
    rope: Rope,
    text: Arc<String>,
    doc: Arc<Document>,
    checked: Arc<Vec<diag::Diagnostic>>,
}

impl Doc {
    fn new(uri: &lsp::Uri, version: i32, text: String) -> Doc {
        Doc {
            version,
            rope: Rope::from_str(&text),
            buffer: incremental::Buffer::new(text),
            document: None,
            checked: None,
            last_change: Instant::now(),
            analysing: false,
            project: project_file(uri),
        }
    }

    /// The settings the document is checked with: the editor's over the project file's.
    fn settings(&self, editor: &Settings) -> Settings {
        match &self.project {
            Some(p) => p.settings.overlay(editor),
            None => *editor,
        }
    }

    /// The reports of the current text (read again only after a change).
    fn document(&mut self) -> Arc<Document> {
        let buffer = &mut self.buffer;
        Arc::clone(
            self.document
                .get_or_insert_with(|| Arc::new(buffer.document())),
        )
    }

    /// The diagnostics of the current text as shown with the editor's settings (checked again
    /// only where it changed).
    fn diagnostics(&mut self, editor: &Settings) -> Arc<Vec<diag::Diagnostic>> {
        let settings = self.settings(editor);
        match &self.checked {
            Some((s, d)) if *s == settings => Arc::clone(d),
            _ => {
                let d = Arc::new(self.buffer.diagnostics(&settings));
                self.checked = Some((settings, Arc::clone(&d)));
                d
            }
        }
    }

    fn snapshot(&mut self, editor: &Settings) -> Snapshot {
        let doc = self.document();
        Snapshot {
            version: self.version,
            rope: self.rope.clone(),
            text: self.buffer.shared_text(),
            doc,
            checked: self.diagnostics(editor),
        }
    }

    /// Applies one content change; returns a note when its range had to be clamped.
    fn apply(
        &mut self,
        change: lsp::TextDocumentContentChangeEvent,
        enc: Encoding,
    ) -> Option<String> {
        // Drop what the old text gave first, so that no table is copied only to be moved.
        self.document = None;
        self.checked = None;
        self.last_change = Instant::now();
        let Some(r) = change.range else {
            self.rope = Rope::from_str(&change.text);
            self.buffer.replace_all(change.text);
            return None;
        };
        let (bytes, clamped) = proto::byte_range(&self.rope, r, enc);
        let (cs, ce) = (
            self.rope.byte_to_char(bytes.start),
            self.rope.byte_to_char(bytes.end),
        );
        self.rope.remove(cs..ce);
        self.rope.insert(cs, &change.text);
        self.buffer.edit(bytes, &change.text);
        clamped.then(|| {
            format!(
                "nianbao: 修改范围 {}:{}–{}:{} 超出文档，已截到文档之内",
                r.start.line, r.start.character, r.end.line, r.end.character
            )
        })
    }
}

/// What the publisher task sends through tower-lsp-server's client, in the order it was queued.
enum Outgoing {
    Log(lsp::MessageType, String),
    Show(lsp::MessageType, String),
    InlayRefresh,
}

#[derive(Debug, Clone, Default)]
struct ClientCaps {
    encoding: Encoding,
    document_changes: bool,
    configuration: bool,
    inlay_refresh: bool,
    /// The client asked for `nianbao/status` notifications.
    status: bool,
}

/// The project file for a document's path (`file:` URIs only).
fn project_file(uri: &lsp::Uri) -> Option<settings::ProjectFile> {
    let path = uri.to_file_path()?;
    settings::load_for(&path)
}

#[derive(Debug, Default)]
struct SettingsState {
    init: Value,
    workspace: Value,
    config: Config,
    /// Messages about invalid settings, shown once the client is initialized.
    pending: Vec<String>,
    /// Messages already shown, so that one problem is shown once however often it is read.
    shown: std::collections::HashSet<String>,
}

struct Inner {
    client: Client,
    /// Where publishDiagnostics frames are written, straight from the protocol types.
    sink: FrameSink,
    docs: Mutex<HashMap<lsp::Uri, Doc>>,
    settings: Mutex<SettingsState>,
    caps: Mutex<ClientCaps>,
    out: UnboundedSender<Outgoing>,
    shutdown: Arc<AtomicBool>,
    /// Woken whenever an analysis task ends (its diagnostics published, or its document gone):
    /// requests that answer from the analysed text wait for it.
    analysed: tokio::sync::Notify,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The language server.
#[derive(Clone)]
pub struct Backend {
    inner: Arc<Inner>,
}

impl Backend {
    fn new(client: Client, sink: FrameSink, shutdown: Arc<AtomicBool>) -> Backend {
        let (out, rx) = unbounded_channel();
        tokio::spawn(publisher(client.clone(), rx));
        Backend {
            inner: Arc::new(Inner {
                client,
                sink,
                docs: Mutex::new(HashMap::new()),
                settings: Mutex::new(SettingsState::default()),
                caps: Mutex::new(ClientCaps::default()),
                out,
                shutdown,
                analysed: tokio::sync::Notify::new(),
            }),
        }
    }

    fn caps(&self) -> ClientCaps {
        lock(&self.inner.caps).clone()
    }

    fn config(&self) -> Config {
        lock(&self.inner.settings).config.clone()
    }

    /// Sends publishDiagnostics at once. Serialised straight from the protocol types into a frame
    /// (tower-lsp-server's client would first build a `serde_json::Value` of every diagnostic);
    /// callers hold the documents' lock, so the publishes of a document go out in order.
    fn publish(&self, uri: lsp::Uri, diagnostics: Vec<lsp::Diagnostic>, version: Option<i32>) {
        use tower_lsp_server::ls_types::notification::{Notification, PublishDiagnostics};
        let params = lsp::PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        self.inner
            .sink
            .send(framing::notification(PublishDiagnostics::METHOD, &params));
    }

    fn log(&self, typ: lsp::MessageType, msg: String) {
        let _ = self.inner.out.send(Outgoing::Log(typ, msg));
    }

    /// Starts the analysis task of a document unless one is running (it will see the change).
    fn schedule(&self, uri: &lsp::Uri, doc: &mut Doc) {
        if !doc.analysing {
            doc.analysing = true;
            tokio::spawn(analyse(self.clone(), uri.clone()));
        }
    }

    fn snapshot(&self, uri: &lsp::Uri) -> Option<Snapshot> {
        let editor = self.config().settings;
        lock(&self.inner.docs)
            .get_mut(uri)
            .map(|d| d.snapshot(&editor))
    }

    /// Shows each problem with the settings once (a problem read again from the next layer or
    /// the next configuration request is not shown again).
    fn report_settings_errors(&self, origin: &str, errors: Vec<String>) {
        let fresh: Vec<String> = {
            let mut s = lock(&self.inner.settings);
            errors
                .into_iter()
                .filter(|e| s.shown.insert(format!("{origin}\u{0}{e}")))
                .collect()
        };
        if fresh.is_empty() {
            return;
        }
        let msg = format!(
            "nianbao {origin}有 {} 处问题（其余设置照常生效）：\n{}",
            fresh.len(),
            fresh.join("\n")
        );
        let _ = self
            .inner
            .out
            .send(Outgoing::Show(lsp::MessageType::ERROR, msg));
    }

    /// The snapshot of a document that is an annual report (hover and completion have nothing to
    /// offer in other Markdown or text files).
    fn report_snapshot(&self, uri: &lsp::Uri) -> Option<Snapshot> {
        self.snapshot(uri).filter(|s| s.doc.is_report())
    }

    /// The snapshot of a document once its pending analysis has been published: what the user
    /// sees as diagnostics and what such a request answers change together, after the same pause.
    async fn analysed_snapshot(&self, uri: &lsp::Uri) -> Option<Snapshot> {
        loop {
            let notified = self.inner.analysed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            {
                let editor = self.config().settings;
                let mut docs = lock(&self.inner.docs);
                let d = docs.get_mut(uri)?;
                if !d.analysing {
                    return Some(d.snapshot(&editor));
                }
            }
            notified.await;
        }
    }

    /// The edits that align the pipe tables of a document (those overlapping `range`).
    fn aligned(
        &self,
        uri: &lsp::Uri,
        range: Option<std::ops::Range<usize>>,
    ) -> Option<Vec<lsp::TextEdit>> {
        let enc = self.caps().encoding;
        let s = self.snapshot(uri)?;
        let edits = crate::format::align_tables(&s.text, range);
        Some(
            edits
                .iter()
                .map(|e| proto::text_edit(&s.rope, e, enc))
                .collect(),
        )
    }

    /// Applies a settings layer from the workspace; what is wrong in it is reported and skipped.
    fn apply_workspace_settings(&self, ws: Value) {
        let mut s = lock(&self.inner.settings);
        let (c, errors) = Config::from_layers(&[&s.init, &ws]);
        let hints_changed = c.inlay_hints != s.config.inlay_hints;
        s.workspace = ws;
        s.config = c;
        drop(s);
        self.report_settings_errors("设置", errors);
        self.reanalyse_all();
        if hints_changed && self.caps().inlay_refresh {
            let _ = self.inner.out.send(Outgoing::InlayRefresh);
        }
    }

    fn reanalyse_all(&self) {
        let mut docs = lock(&self.inner.docs);
        let uris: Vec<lsp::Uri> = docs.keys().cloned().collect();
        for uri in uris {
            if let Some(d) = docs.get_mut(&uri) {
                self.schedule(&uri, d);
            }
        }
    }

    /// Spawned: asks the client for section `nianbao` and applies it.
    fn pull_configuration(&self) {
        let this = self.clone();
        tokio::spawn(async move {
            let item = lsp::ConfigurationItem {
                scope_uri: None,
                section: Some("nianbao".to_string()),
            };
            match this.inner.client.configuration(vec![item]).await {
                Ok(mut values) => {
                    let v = if values.is_empty() {
                        Value::Null
                    } else {
                        values.swap_remove(0)
                    };
                    this.apply_workspace_settings(v);
                }
                Err(e) => this.log(
                    lsp::MessageType::WARNING,
                    format!("nianbao: 读取 workspace/configuration 失败：{e}"),
                ),
            }
        });
    }
}

/// Sends messages and requests to the client through tower-lsp-server, in queue order.
async fn publisher(client: Client, mut rx: UnboundedReceiver<Outgoing>) {
    while let Some(o) = rx.recv().await {
        match o {
            Outgoing::Log(t, m) => client.log_message(t, m).await,
            Outgoing::Show(t, m) => client.show_message(t, m).await,
            Outgoing::InlayRefresh => {
                let c = client.clone();
                // A request: its answer must not hold up the queue.
                tokio::spawn(async move {
                    let _ = c.inlay_hint_refresh().await;
                });
            }
        }
    }
}

/// The analysis task of one document: waits out the quiet window, then checks the newest text
/// and queues its diagnostics for publishing, all without a pause in between, so what is
/// published always belongs to the version it is published with. Changes that arrive while it
/// waits are covered by the same run (at most one run per document at a time).
async fn analyse(b: Backend, uri: lsp::Uri) {
    analyse_and_publish(&b, uri).await;
    b.inner.analysed.notify_waiters();
}

async fn analyse_and_publish(b: &Backend, uri: lsp::Uri) {
    let delay = Duration::from_millis(b.config().delay_ms);
    if !delay.is_zero() {
        loop {
            let wait = {
                let docs = lock(&b.inner.docs);
                let Some(d) = docs.get(&uri) else { return };
                (d.last_change + delay).saturating_duration_since(Instant::now())
            };
            if wait.is_zero() {
                break;
            }
            tokio::time::sleep(wait).await;
        }
    }
    let cfg = b.config();
    let caps = b.caps();
    let enc = caps.encoding;
    let mut docs = lock(&b.inner.docs);
    let Some(d) = docs.get_mut(&uri) else { return };
    d.analysing = false;
    let all = d.diagnostics(&cfg.settings);
    let diags = proto::diagnostics(
        &d.rope,
        d.buffer.text(),
        &uri,
        &all,
        enc,
        &proto::no_other_files,
    );
    if caps.status {
        let doc = d.document();
        let status = proto::status(&d.rope, &uri, d.version, &doc, &all, enc);
        b.publish(uri, diags, Some(d.version));
        b.inner
            .sink
            .send(framing::notification(STATUS_METHOD, &status));
    } else {
        b.publish(uri, diags, Some(d.version));
    }
}

fn kind_wanted(only: Option<&[lsp::CodeActionKind]>, kind: &lsp::CodeActionKind) -> bool {
    match only {
        None => true,
        Some(list) => list.iter().any(|o| {
            let (o, k) = (o.as_str(), kind.as_str());
            k == o || k.starts_with(&format!("{o}."))
        }),
    }
}

fn overlaps(a: &std::ops::Range<usize>, b: &std::ops::Range<usize>) -> bool {
    a.start <= b.end && b.start <= a.end
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: lsp::InitializeParams) -> RpcResult<lsp::InitializeResult> {
        let c = &params.capabilities;
        let caps = ClientCaps {
            encoding: proto::negotiate_encoding(
                c.general
                    .as_ref()
                    .and_then(|g| g.position_encodings.as_deref()),
            ),
            document_changes: c
                .workspace
                .as_ref()
                .and_then(|w| w.workspace_edit.as_ref())
                .and_then(|e| e.document_changes)
                .unwrap_or(false),
            configuration: c
                .workspace
                .as_ref()
                .and_then(|w| w.configuration)
                .unwrap_or(false),
            inlay_refresh: c
                .workspace
                .as_ref()
                .and_then(|w| w.inlay_hint.as_ref())
                .and_then(|i| i.refresh_support)
                .unwrap_or(false),
            status: c
                .experimental
                .as_ref()
                .and_then(|e| e.get("nianbaoStatus"))
                .and_then(Value::as_bool)
                .unwrap_or(false),
        };
        let enc = caps.encoding;
        *lock(&self.inner.caps) = caps;
        {
            let init = params.initialization_options.clone().unwrap_or(Value::Null);
            let mut s = lock(&self.inner.settings);
            let (cfg, errors) = Config::from_layers(&[&init]);
            s.init = init;
            s.config = cfg;
            s.pending = errors;
        }
        let code_action_kinds = vec![
            lsp::CodeActionKind::QUICKFIX,
            lsp::CodeActionKind::new(FIX_ALL_KIND),
        ];
        Ok(lsp::InitializeResult {
            capabilities: lsp::ServerCapabilities {
                position_encoding: Some(proto::encoding_kind(enc)),
                text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(
                    lsp::TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(lsp::TextDocumentSyncKind::INCREMENTAL),
                        ..Default::default()
                    },
                )),
                hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
                document_symbol_provider: Some(lsp::OneOf::Right(lsp::DocumentSymbolOptions {
                    label: Some(OUTLINE_LABEL.to_string()),
                    work_done_progress_options: Default::default(),
                })),
                folding_range_provider: Some(lsp::FoldingRangeProviderCapability::Simple(true)),
                completion_provider: Some(lsp::CompletionOptions {
                    // After `## ` and `五、` on a heading line, `（` and `|` in a table row.
                    trigger_characters: Some(
                        [" ", "#", "、", "（", "|"].map(String::from).to_vec(),
                    ),
                    ..Default::default()
                }),
                code_action_provider: Some(lsp::CodeActionProviderCapability::Options(
                    lsp::CodeActionOptions {
                        code_action_kinds: Some(code_action_kinds),
                        ..Default::default()
                    },
                )),
                inlay_hint_provider: Some(lsp::OneOf::Left(true)),
                document_formatting_provider: Some(lsp::OneOf::Left(true)),
                document_range_formatting_provider: Some(lsp::OneOf::Left(true)),
                ..Default::default()
            },
            server_info: Some(lsp::ServerInfo {
                name: "nianbao".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: lsp::InitializedParams) {
        let pending = std::mem::take(&mut lock(&self.inner.settings).pending);
        self.report_settings_errors("设置", pending);
        if self.caps().configuration {
            self.pull_configuration();
        }
    }

    async fn shutdown(&self) -> RpcResult<()> {
        self.inner.shutdown.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: lsp::DidOpenTextDocumentParams) {
        let td = params.text_document;
        let mut docs = lock(&self.inner.docs);
        let fresh = Doc::new(&td.uri, td.version, td.text);
        let project_errors = fresh
            .project
            .as_ref()
            .filter(|p| !p.errors.is_empty())
            .map(|p| (p.path.display().to_string(), p.errors.clone()));
        let doc = docs.entry(td.uri.clone()).insert_entry(fresh).into_mut();
        self.schedule(&td.uri, doc);
        drop(docs);
        if let Some((path, errors)) = project_errors {
            self.report_settings_errors(&format!("项目设置文件 {path} "), errors);
        }
    }

    async fn did_change(&self, params: lsp::DidChangeTextDocumentParams) {
        let enc = self.caps().encoding;
        let uri = params.text_document.uri;
        let mut notes = Vec::new();
        {
            let mut docs = lock(&self.inner.docs);
            let Some(doc) = docs.get_mut(&uri) else {
                drop(docs);
                self.log(
                    lsp::MessageType::WARNING,
                    format!("nianbao: 忽略未打开文档的修改：{}", uri.as_str()),
                );
                return;
            };
            for change in params.content_changes {
                notes.extend(doc.apply(change, enc));
            }
            doc.version = params.text_document.version;
            self.schedule(&uri, doc);
        }
        for n in notes {
            self.log(lsp::MessageType::WARNING, n);
        }
    }

    async fn did_close(&self, params: lsp::DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        let mut docs = lock(&self.inner.docs);
        if docs.remove(&uri).is_some() {
            self.publish(uri, Vec::new(), None);
        }
    }

    async fn did_change_configuration(&self, params: lsp::DidChangeConfigurationParams) {
        if self.caps().configuration {
            self.pull_configuration();
        } else {
            self.apply_workspace_settings(params.settings);
        }
    }

    async fn hover(&self, params: lsp::HoverParams) -> RpcResult<Option<lsp::Hover>> {
        let p = params.text_document_position_params;
        let Some(s) = self.report_snapshot(&p.text_document.uri) else {
            return Ok(None);
        };
        let enc = self.caps().encoding;
        let (at, _) = proto::offset(&s.rope, p.position, enc);
        Ok(ide::hover(&s.doc, &s.text, at).map(|h| proto::hover(&s.rope, &h, enc)))
    }

    async fn document_symbol(
        &self,
        params: lsp::DocumentSymbolParams,
    ) -> RpcResult<Option<lsp::DocumentSymbolResponse>> {
        let Some(s) = self.snapshot(&params.text_document.uri) else {
            return Ok(None);
        };
        let enc = self.caps().encoding;
        let syms = ide::symbols(&s.doc)
            .iter()
            .map(|x| proto::symbol(&s.rope, x, enc))
            .collect();
        Ok(Some(lsp::DocumentSymbolResponse::Nested(syms)))
    }

    async fn folding_range(
        &self,
        params: lsp::FoldingRangeParams,
    ) -> RpcResult<Option<Vec<lsp::FoldingRange>>> {
        let Some(s) = self.snapshot(&params.text_document.uri) else {
            return Ok(None);
        };
        Ok(Some(
            ide::folding(&s.doc)
                .iter()
                .filter_map(|r| proto::folding(&s.rope, r))
                .collect(),
        ))
    }

    async fn completion(
        &self,
        params: lsp::CompletionParams,
    ) -> RpcResult<Option<lsp::CompletionResponse>> {
        let p = params.text_document_position;
        let Some(s) = self.report_snapshot(&p.text_document.uri) else {
            return Ok(None);
        };
        let enc = self.caps().encoding;
        let (at, _) = proto::offset(&s.rope, p.position, enc);
        let items = ide::completion(&s.doc, &s.text, at)
            .iter()
            .map(|c| proto::completion(&s.rope, c, enc))
            .collect();
        Ok(Some(lsp::CompletionResponse::Array(items)))
    }

    /// Aligns the pipe tables of the document (cell texts kept, only the spaces around them and
    /// the separator rows' dashes change).
    async fn formatting(
        &self,
        params: lsp::DocumentFormattingParams,
    ) -> RpcResult<Option<Vec<lsp::TextEdit>>> {
        Ok(self.aligned(&params.text_document.uri, None))
    }

    async fn range_formatting(
        &self,
        params: lsp::DocumentRangeFormattingParams,
    ) -> RpcResult<Option<Vec<lsp::TextEdit>>> {
        let uri = params.text_document.uri;
        let enc = self.caps().encoding;
        let Some(s) = self.snapshot(&uri) else {
            return Ok(None);
        };
        let (range, _) = proto::byte_range(&s.rope, params.range, enc);
        Ok(self.aligned(&uri, Some(range)))
    }

    async fn inlay_hint(
        &self,
        params: lsp::InlayHintParams,
    ) -> RpcResult<Option<Vec<lsp::InlayHint>>> {
        if !self.config().inlay_hints {
            return Ok(Some(Vec::new()));
        }
        let Some(s) = self.analysed_snapshot(&params.text_document.uri).await else {
            return Ok(None);
        };
        let enc = self.caps().encoding;
        let (range, _) = proto::byte_range(&s.rope, params.range, enc);
        Ok(Some(
            ide::inlay_hints(&s.doc, range)
                .iter()
                .map(|h| proto::inlay_hint(&s.rope, h, enc))
                .collect(),
        ))
    }

    async fn code_action(
        &self,
        params: lsp::CodeActionParams,
    ) -> RpcResult<Option<lsp::CodeActionResponse>> {
        let uri = params.text_document.uri;
        let Some(s) = self.snapshot(&uri) else {
            return Ok(None);
        };
        let caps = self.caps();
        let enc = caps.encoding;
        let shown: &[diag::Diagnostic] = &s.checked;
        let (range, _) = proto::byte_range(&s.rope, params.range, enc);
        let range = cell_around(&s, range);
        let at = proto::Positions::new(&s.rope, &s.text, enc, 0);
        let only = params.context.only.as_deref();
        let edit = |edits: &[diag::Edit]| {
            proto::workspace_edit(&s.rope, &uri, s.version, edits, enc, caps.document_changes)
        };
        let mut out: Vec<lsp::CodeActionOrCommand> = Vec::new();
        let quickfix = lsp::CodeActionKind::QUICKFIX;

        if kind_wanted(only, &quickfix) {
            for d in shown.iter().filter(|d| overlaps(&d.range, &range)) {
                let ld = proto::diagnostic(&at, &uri, d, &proto::no_other_files);
                for f in d.fixes.iter().filter(|f| !f.edits.is_empty()) {
                    out.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                        title: f.title.clone(),
                        kind: Some(quickfix.clone()),
                        diagnostics: Some(vec![ld.clone()]),
                        edit: Some(edit(&f.edits)),
                        is_preferred: Some(f.preferred),
                        ..Default::default()
                    }));
                }
                out.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                    title: IGNORE_TITLE.to_string(),
                    kind: Some(quickfix.clone()),
                    diagnostics: Some(vec![ld]),
                    edit: Some(edit(&[suppression_edit(&s, d.code, d.range.start)])),
                    ..Default::default()
                }));
            }
            if let Some((report, t)) = ide::table_at(&s.doc, range.start) {
                let edits = fix::fill_table_totals(report, t.id);
                if !edits.is_empty() {
                    out.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                        title: FILL_TABLE_TITLE.to_string(),
                        kind: Some(quickfix.clone()),
                        edit: Some(edit(&edits)),
                        ..Default::default()
                    }));
                }
            }
        }
        let fix_all_kind = lsp::CodeActionKind::new(FIX_ALL_KIND);
        if kind_wanted(only, &fix_all_kind) {
            let edits = fix::fix_all(shown);
            if !edits.is_empty() {
                // The diagnostics it resolves, so that a client can say what was fixed.
                let fixed = shown
                    .iter()
                    .filter(|d| d.fixes.iter().any(|f| f.is_safe() && !f.edits.is_empty()))
                    .map(|d| proto::diagnostic(&at, &uri, d, &proto::no_other_files))
                    .collect();
                out.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                    title: FIX_ALL_TITLE.to_string(),
                    kind: Some(fix_all_kind),
                    diagnostics: Some(fixed),
                    edit: Some(edit(&edits)),
                    ..Default::default()
                }));
            }
        }
        Ok(Some(out))
    }
}

/// The requested range widened to the table cell it lies in, delimiters excluded, so that the
/// fixes of a cell are offered wherever in the cell the cursor stands, its padding included (a
/// click usually lands beside the number, not on it). Ranges over several lines, outside tables
/// or in tables without delimiters (columns aligned by spaces) are kept as they are.
fn cell_around(s: &Snapshot, range: std::ops::Range<usize>) -> std::ops::Range<usize> {
    let text = s.text.as_str();
    let (start, end) = (range.start.min(text.len()), range.end.min(text.len()));
    let line_start = text[..start].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let line_end = text[end..]
        .find(['\n', '\r'])
        .map_or(text.len(), |i| end + i);
    let line = &text[line_start..line_end];
    if text[start..end].contains(['\n', '\r'])
        || !line.contains(['|', '\t'])
        || ide::table_at(&s.doc, start).is_none()
    {
        return range;
    }
    let left = text[line_start..start]
        .rfind(['|', '\t'])
        .map_or(line_start, |i| line_start + i + 1);
    let right = text[end..line_end]
        .find(['|', '\t'])
        .map_or(line_end, |i| end + i);
    left.min(start)..right.max(end)
}

/// `<!-- nianbao-disable-next-line CODE -->` on its own line before the line holding `at`.
fn suppression_edit(s: &Snapshot, code: Code, at: usize) -> diag::Edit {
    let at = at.min(s.rope.len_bytes());
    let line_start = s.rope.line_to_byte(s.rope.byte_to_line(at));
    diag::Edit {
        range: line_start..line_start,
        new_text: format!(
            "<!-- nianbao-disable-next-line {} -->{}",
            code.as_str(),
            s.doc.report_at(at).eol
        ),
    }
}

/// Runs the server until `exit` or the end of the input: the client's bytes go through the
/// tolerant framing layer (its error answers to `replies`), the server's output is cut into whole
/// frames for `output`. Returns whether the session ended cleanly (`shutdown` before `exit`).
async fn run_service<R>(input: R, replies: FrameSink, output: FrameSink) -> bool
where
    R: AsyncRead + Unpin,
{
    let shutdown = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&shutdown);
    let sink = output.clone();
    let (service, socket) = LspService::new(move |client| Backend::new(client, sink, flag));
    Server::new(
        FramedInput::new(input, replies),
        FrameWriter::to(output),
        socket,
    )
    .serve(service)
    .await;
    shutdown.load(Ordering::SeqCst)
}

/// Serves one client over any byte streams (the in-process tests use `tokio::io::duplex`).
pub async fn serve<I, O>(input: I, mut output: O) -> bool
where
    I: AsyncRead + Unpin + Send + 'static,
    O: AsyncWrite + Unpin + Send + 'static,
{
    let (to_client, mut outgoing) = unbounded_channel::<Vec<u8>>();
    let writer = tokio::spawn(async move {
        while let Some(first) = outgoing.recv().await {
            if first.is_empty() {
                break; // the server has ended
            }
            if output.write_all(&first).await.is_err() {
                break;
            }
            while let Ok(more) = outgoing.try_recv() {
                if more.is_empty() {
                    // The server has ended: everything before the marker is written.
                    let _ = output.flush().await;
                    let _ = output.shutdown().await;
                    return;
                }
                if output.write_all(&more).await.is_err() {
                    return;
                }
            }
            if output.flush().await.is_err() {
                break;
            }
        }
        let _ = output.shutdown().await;
    });
    let done = to_client.clone();
    let clean = run_service(
        input,
        FrameSink::Channel(to_client.clone()),
        FrameSink::Channel(to_client),
    )
    .await;
    let _ = done.send(Vec::new());
    let _ = writer.await;
    clean
}

/// `nianbao lsp`: serves over stdin/stdout on a single-threaded runtime. Stdin is read on that
/// same thread when it can be polled (see [`stdio`]), so a message wakes the server directly;
/// every frame is written to stdout whole as soon as it is made. One thread, no hand-overs: an
/// edit's latency is the work it causes plus one wake-up (figures in the README).
/// Returns the process exit code (0 after `shutdown` + `exit`, 1 else).
pub fn run_stdio() -> i32 {
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("nianbao lsp: 无法启动运行时：{e}");
            return 1;
        }
    };
    let clean = rt.block_on(async {
        let direct = || FrameSink::Direct(stdio::write_stdout);
        run_service(stdio::Stdin::new(), direct(), direct()).await
    });
    // Every frame was written (and flushed) when it was produced; a stdin thread, if there is
    // one, may still be blocked in a read and is left to the process exit.
    rt.shutdown_timeout(Duration::from_millis(200));
    if clean { 0 } else { 1 }
}
