//! `nianbao lsp`: the language server. Documents are kept as a rope (positions) plus an
//! incrementally reparsed and rechecked text ([`crate::incremental`]); every state change happens
//! synchronously in the notification handler, before any `.await`; analysis runs in a task per
//! document (at most one waiting, after a configurable quiet window), which checks the newest
//! text and publishes its diagnostics with the document version without a pause in between.
//! Protocol conversions live in [`proto`], settings in [`config`], the tolerant framing in
//! [`framing`] (what a message body is in [`jsonrpc`]), a document's content and how changes
//! apply to it in [`sync`], standard input and output in `stdio`.
//!
//! A change is never lost quietly. Document-sync notifications the decoder would reject reach the
//! server through the framing layer's side band (read at the byte level: a change may end inside a
//! character), notifications whose parameters do not fit are answered with a log message, and a
//! document whose changes cannot be followed any more is marked as lost: the user is told once,
//! nothing is analysed, and the next full text (a didOpen, or a change without a range) makes it
//! whole again.

pub mod config;
pub mod framing;
pub mod jsonrpc;
pub mod proto;
mod stdio;
pub mod sync;
pub mod workspace;

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use ropey::Rope;
use serde_json::Value;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::sync::Notify;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tower_lsp_server::jsonrpc::{Request, Response, Result as RpcResult};
use tower_lsp_server::ls_types as lsp;
use tower_lsp_server::{Client, ExitedError, LanguageServer, LspService, Server};

use crate::diag;
use crate::model::Document;
use crate::settings::{self, Settings};
use crate::text::Encoding;
use crate::{fix, ide, parse};
use config::Config;
use framing::{FrameSink, FrameWriter, FramedInput};
use jsonrpc::{Change, Channels, Lost, NewText, Side};
use sync::{Content, Limits, State};
use workspace::{Identity, Priors, Source};

/// Title of the action that fills in every total of the table under the cursor.
pub const FILL_TABLE_TITLE: &str = "填入本表全部总计";
/// Title of the `source.fixAll.nianbao` action.
pub const FIX_ALL_TITLE: &str = "nianbao：修复全部可计算的总计和标签";
/// Title of the action that adds a suppression comment for one diagnostic.
pub const IGNORE_TITLE: &str = "忽略此问题（添加 nianbao-disable-next-line 注释）";
/// The same inside a Markdown table: the comment ends the row, so the table stays a table.
pub const IGNORE_ROW_TITLE: &str = "忽略此问题（在行末添加 nianbao-disable-line 注释）";
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
    content: Content,
    /// The reports of the current text, read on demand for requests.
    document: Option<Arc<Document>>,
    /// The diagnostics of the current text, once analysed.
    checked: Option<Checked>,
    /// The bodies and years the last check looked for outside the text (last year's reports):
    /// when one of them changes, the document is checked again.
    wanted: Vec<Identity>,
    last_change: Instant,
    analysing: bool,
    /// Why the text no longer follows the client's (a change could not be applied). Nothing is
    /// analysed until the client sends the whole text again.
    lost: Option<Lost>,
    /// The project file (`nianbao.toml`) that applies to the document, if any.
    project: Option<settings::ProjectFile>,
}

/// The diagnostics of a text, the settings they were made with, and the texts of last year's
/// reports their related places point into (by [`diag::FileId`]).
#[derive(Clone)]
struct Checked {
    settings: Settings,
    diags: Arc<Vec<diag::Diagnostic>>,
    sources: Arc<Vec<Arc<Source>>>,
}

/// An immutable view of a document for requests.
#[derive(Clone)]
struct Snapshot {
    version: i32,
    rope: Rope,
    text: Arc<String>,
    doc: Arc<Document>,
    checked: Arc<Vec<diag::Diagnostic>>,
    sources: Arc<Vec<Arc<Source>>>,
}

impl Doc {
    fn new(uri: &lsp::Uri, version: i32, text: NewText, limits: &Limits) -> Doc {
        Doc {
            version,
            content: {
                let mut c = Content::new(text, limits.max_document);
                // Halves of a character sent apart may already be joined.
                c.settle(limits.max_document);
                c
            },
            document: None,
            checked: None,
            wanted: Vec::new(),
            last_change: Instant::now(),
            analysing: false,
            lost: None,
            project: project_file(uri),
        }
    }

    /// A text the engine reads (not lost, not bytes).
    fn is_text(&self, limits: &Limits) -> bool {
        self.lost.is_none() && self.content.state(limits.max_document) == State::Text
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
        let buffer = &mut self.content.buffer;
        Arc::clone(
            self.document
                .get_or_insert_with(|| Arc::new(buffer.document())),
        )
    }

    /// The diagnostics of the current text as shown with the editor's settings, each report also
    /// against last year's report of its body (checked again only where the text changed, or
    /// when last year's report did).
    fn diagnostics(&mut self, editor: &Settings, uri: &lsp::Uri, priors: &mut Priors) -> Checked {
        let settings = self.settings(editor);
        if let Some(c) = &self.checked
            && c.settings == settings
        {
            return c.clone();
        }
        let lookup = workspace::Lookup::new(priors, uri);
        let diags = self
            .content
            .buffer
            .diagnostics_with(&settings, &|key, year| lookup.find(key, year));
        let found = lookup.finish();
        self.wanted = found.wanted;
        let c = Checked {
            settings,
            diags: Arc::new(diags),
            sources: Arc::new(found.sources),
        };
        self.checked = Some(c.clone());
        c
    }

    /// A view for requests, while the text is one the engine reads.
    fn snapshot(
        &mut self,
        editor: &Settings,
        limits: &Limits,
        uri: &lsp::Uri,
        priors: &mut Priors,
    ) -> Option<Snapshot> {
        if !self.is_text(limits) {
            return None;
        }
        let doc = self.document();
        let checked = self.diagnostics(editor, uri, priors);
        Some(Snapshot {
            version: self.version,
            rope: self.content.rope.clone(),
            text: self.content.buffer.shared_text(),
            doc,
            checked: checked.diags,
            sources: checked.sources,
        })
    }

    /// Applies the changes of one notification, in order; returns notes about clamped or
    /// inverted ranges.
    fn apply(&mut self, changes: Vec<Change>, enc: Encoding, limits: &Limits) -> Vec<String> {
        // Drop what the old text gave first, so that no table is copied only to be moved.
        self.document = None;
        self.checked = None;
        self.last_change = Instant::now();
        let mut notes = Vec::new();
        for change in changes {
            notes.extend(
                self.content
                    .apply(change, enc, limits.max_document)
                    .map(|n| n.message()),
            );
        }
        self.content.settle(limits.max_document);
        notes
    }

    /// Marks the document lost: its content is let go.
    fn lose(&mut self, why: Lost) {
        self.lost = Some(why);
        self.document = None;
        self.checked = None;
        self.content = Content::new(NewText::Str(String::new()), 0);
    }
}

/// What the publisher task sends through tower-lsp-server's client, in the order it was queued.
enum Outgoing {
    Log(lsp::MessageType, String),
    Show(lsp::MessageType, String),
}

#[derive(Debug, Clone, Default)]
struct ClientCaps {
    encoding: Encoding,
    document_changes: bool,
    configuration: bool,
    inlay_refresh: bool,
    /// The client asked for `nianbao/status` notifications.
    status: bool,
    /// The client registers file watchers the server asks for.
    watch_files: bool,
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
    /// Where publishDiagnostics frames and the server's requests are written, straight from the
    /// protocol types.
    sink: FrameSink,
    docs: Mutex<HashMap<lsp::Uri, Doc>>,
    /// Documents never opened whose changes the user has been told about (at most
    /// [`MAX_TOLD_UNKNOWN`]).
    told_unknown: Mutex<HashSet<lsp::Uri>>,
    settings: Mutex<SettingsState>,
    /// Wakes waiting analyses when the settings change (a shorter delay applies at once) or a
    /// document that was not valid UTF-8 is whole again (its quiet window is shorter).
    wake: Notify,
    caps: Mutex<ClientCaps>,
    out: UnboundedSender<Outgoing>,
    shutdown: Arc<AtomicBool>,
    /// Woken whenever an analysis task ends (its diagnostics published, or its document gone):
    /// requests that answer from the analysed text wait for it.
    analysed: Notify,
    channels: Channels,
    limits: Limits,
    /// Last year's reports: open documents' figures, the workspace index, parsed files. Taken
    /// after `docs` when both are held.
    priors: Mutex<Priors>,
    /// The workspace folders (or the root) as paths.
    roots: Mutex<Vec<PathBuf>>,
    /// The background reading of the workspace: stops when the session ends, gives way to
    /// analyses.
    background: Arc<workspace::Background>,
}

const MAX_TOLD_UNKNOWN: usize = 1024;

/// How long a document that is not valid UTF-8 may stay so before the user is told: a paste
/// delivered in chunks is whole again within milliseconds.
const SETTLE: Duration = Duration::from_secs(1);

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The language server.
#[derive(Clone)]
pub struct Backend {
    inner: Arc<Inner>,
}

impl Backend {
    fn new(
        client: Client,
        sink: FrameSink,
        shutdown: Arc<AtomicBool>,
        channels: Channels,
        limits: Limits,
    ) -> Backend {
        let (out, rx) = unbounded_channel();
        tokio::spawn(publisher(client, rx));
        Backend {
            inner: Arc::new(Inner {
                sink,
                docs: Mutex::new(HashMap::new()),
                told_unknown: Mutex::new(HashSet::new()),
                settings: Mutex::new(SettingsState::default()),
                wake: Notify::new(),
                caps: Mutex::new(ClientCaps::default()),
                out,
                shutdown,
                analysed: Notify::new(),
                channels,
                limits,
                priors: Mutex::new(Priors::new(limits.max_document as u64)),
                roots: Mutex::new(Vec::new()),
                background: Arc::default(),
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

    fn show(&self, typ: lsp::MessageType, msg: String) {
        let _ = self.inner.out.send(Outgoing::Show(typ, msg));
    }

    /// Sends a request to the client and waits for its answer, at most [`jsonrpc::REQUEST_TIMEOUT`]
    /// (the request is then given up, and so is its entry: nothing grows while a client does not
    /// answer).
    async fn request<R: lsp::request::Request>(
        &self,
        params: R::Params,
    ) -> Result<R::Result, String> {
        let outbound = &self.inner.channels.outbound;
        let (id, n, rx) = outbound.register();
        let params = serde_json::to_value(params).unwrap_or(Value::Null);
        let frame = if params.is_null() {
            framing::request(&id, R::METHOD, &None::<()>)
        } else {
            framing::request(&id, R::METHOD, &Some(params))
        };
        self.inner.sink.send(frame);
        match tokio::time::timeout(jsonrpc::REQUEST_TIMEOUT, rx).await {
            Ok(Ok(Ok(v))) => serde_json::from_value(v).map_err(|e| e.to_string()),
            Ok(Ok(Err(e))) => Err(e),
            Ok(Err(_)) => Err("请求被更新的请求取代".to_string()),
            Err(_) => {
                outbound.forget(n);
                Err(format!(
                    "客户端在 {} 秒内没有回答",
                    jsonrpc::REQUEST_TIMEOUT.as_secs()
                ))
            }
        }
    }

    /// Asks the client to show inlay hints again (spawned: nothing waits for its answer).
    fn refresh_inlay_hints(&self) {
        let this = self.clone();
        tokio::spawn(async move {
            let _ = this
                .request::<lsp::request::InlayHintRefreshRequest>(())
                .await;
        });
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
        let limits = self.inner.limits;
        let mut docs = lock(&self.inner.docs);
        let d = docs.get_mut(uri)?;
        d.snapshot(&editor, &limits, uri, &mut lock(&self.inner.priors))
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
                    let mut priors = lock(&self.inner.priors);
                    return d.snapshot(&editor, &self.inner.limits, uri, &mut priors);
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
        self.inner.wake.notify_waiters();
        self.reanalyse_all();
        if hints_changed && self.caps().inlay_refresh {
            self.refresh_inlay_hints();
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
            let params = lsp::ConfigurationParams { items: vec![item] };
            match this
                .request::<lsp::request::WorkspaceConfiguration>(params)
                .await
            {
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

/// Last year's reports: the workspace index, watched files, the hover's look-up.
impl Backend {
    /// Reads the workspace's files for last year's reports, on a thread of their own: documents
    /// are checked meanwhile (with the open documents as the only other reports), and when it is
    /// done, the open documents whose last year's report it found are checked again.
    fn index_workspace(&self) {
        let roots = lock(&self.inner.roots).clone();
        if roots.is_empty() {
            lock(&self.inner.priors).index.ready = true;
            return;
        }
        let this = self.clone();
        tokio::spawn(async move {
            let started = Instant::now();
            let gate = Arc::clone(&this.inner.background);
            let max = this.inner.limits.max_document as u64;
            let walked = tokio::task::spawn_blocking(move || workspace::walk(&roots, max, &gate))
                .await
                .unwrap_or_default();
            if this.inner.background.stopped() {
                return;
            }
            let (files, reports, truncated) =
                (walked.files, walked.entries.len(), walked.truncated);
            let affected = lock(&this.inner.priors).set_index(walked.entries);
            this.recheck_all_dependents(&affected);
            let more = if truncated {
                format!("；文件超过 {} 个，其余未读", workspace::MAX_FILES)
            } else {
                String::new()
            };
            this.log(
                lsp::MessageType::INFO,
                format!(
                    "nianbao：工作区已建立索引（{files} 个 .md/.markdown/.txt 文件，其中 {reports} 份年度报告，\
                     用时 {:.1} 秒{more}），用于查找各报告的上一年度报告",
                    started.elapsed().as_secs_f64()
                ),
            );
            this.read_changed_files();
        });
    }

    /// Asks the client to tell the server about changes to the workspace's text files.
    fn watch_files(&self) {
        let this = self.clone();
        tokio::spawn(async move {
            let options = lsp::DidChangeWatchedFilesRegistrationOptions {
                watchers: vec![lsp::FileSystemWatcher {
                    glob_pattern: lsp::GlobPattern::String(workspace::WATCH_GLOB.to_string()),
                    kind: None,
                }],
            };
            let params = lsp::RegistrationParams {
                registrations: vec![lsp::Registration {
                    id: "nianbao-watched-files".to_string(),
                    method: "workspace/didChangeWatchedFiles".to_string(),
                    register_options: serde_json::to_value(options).ok(),
                }],
            };
            if let Err(e) = this
                .request::<lsp::request::RegisterCapability>(params)
                .await
            {
                this.log(
                    lsp::MessageType::WARNING,
                    format!(
                        "nianbao：注册文件监视失败（{e}）：新建、改名或删除的报告文件要到重新启动语言服务器后才能找到"
                    ),
                );
            }
        });
    }

    /// Reads the paths of watched file events again (one task at a time, once the first walk has
    /// ended) and checks again the open documents whose last year's report changed.
    fn read_changed_files(&self) {
        {
            let mut priors = lock(&self.inner.priors);
            let index = &mut priors.index;
            if !index.ready || index.refreshing || index.pending.is_empty() {
                return;
            }
            index.refreshing = true;
        }
        let this = self.clone();
        tokio::spawn(async move {
            loop {
                let paths: Vec<PathBuf> = {
                    let mut priors = lock(&this.inner.priors);
                    let paths = std::mem::take(&mut priors.index.pending);
                    if paths.is_empty() {
                        priors.index.refreshing = false;
                        return;
                    }
                    paths.into_iter().collect()
                };
                let roots = lock(&this.inner.roots).clone();
                let gate = Arc::clone(&this.inner.background);
                let max = this.inner.limits.max_document as u64;
                let updates = tokio::task::spawn_blocking(move || {
                    workspace::read_again(&roots, paths, max, &gate)
                })
                .await
                .unwrap_or_default();
                let affected = lock(&this.inner.priors).apply(updates);
                this.recheck_all_dependents(&affected);
            }
        });
    }

    fn recheck_all_dependents(&self, affected: &[Identity]) {
        let mut docs = lock(&self.inner.docs);
        self.recheck_dependents(&mut docs, None, affected);
    }

    /// Last year's report of the report under `at`, for the hover of 上年结转: its figures and
    /// where it is (a file name; 本文件 for a compilation's own).
    fn prior_for_hover(
        &self,
        uri: &lsp::Uri,
        s: &Snapshot,
        at: usize,
    ) -> Option<(crate::prior::Figures, String)> {
        let report = s.doc.report_at(at);
        let i = s.doc.reports.iter().position(|r| std::ptr::eq(r, report))?;
        let figures: Vec<crate::prior::Figures> = s
            .doc
            .reports
            .iter()
            .map(crate::prior::Figures::of)
            .collect();
        let mut priors = lock(&self.inner.priors);
        let lookup = workspace::Lookup::new(&mut priors, uri);
        let prior = crate::check::prior_of(&figures, i, &|k, y| lookup.find(k, y))?;
        let found = lookup.finish();
        let file = match prior.file {
            Some(id) => found.sources.get(id.0 as usize)?.name.clone(),
            None => "本文件".to_string(),
        };
        Some((prior.figures, file))
    }
}

/// Sends messages and requests to the client through tower-lsp-server, in queue order.
async fn publisher(client: Client, mut rx: UnboundedReceiver<Outgoing>) {
    while let Some(o) = rx.recv().await {
        match o {
            Outgoing::Log(t, m) => client.log_message(t, m).await,
            Outgoing::Show(t, m) => client.show_message(t, m).await,
        }
    }
}

/// The analysis task of one document: waits out the quiet window, then checks the newest text
/// and queues its diagnostics for publishing, all without a pause in between, so what is
/// published always belongs to the version it is published with. Changes that arrive while it
/// waits are covered by the same run (at most one run per document at a time); a change of
/// settings wakes it to take the new delay. A document that is not a text the engine reads gets
/// one diagnostic saying why (bytes that are not UTF-8 only once they have stayed so for
/// [`SETTLE`]: a paste delivered in chunks is whole again long before).
async fn analyse(b: Backend, uri: lsp::Uri) {
    analyse_and_publish(&b, uri).await;
    b.inner.analysed.notify_waiters();
}

async fn analyse_and_publish(b: &Backend, uri: lsp::Uri) {
    let limits = b.inner.limits;
    loop {
        // Listening before the delay is read, so that a change of settings in between is seen.
        let changed = b.inner.wake.notified();
        tokio::pin!(changed);
        changed.as_mut().enable();
        let delay = Duration::from_millis(b.config().delay_ms);
        let wait = {
            let docs = lock(&b.inner.docs);
            let Some(d) = docs.get(&uri) else { return };
            let delay = match (&d.lost, d.content.state(limits.max_document)) {
                (None, State::NotUtf8(_)) => delay.max(SETTLE),
                _ => delay,
            };
            (d.last_change + delay).saturating_duration_since(Instant::now())
        };
        if wait.is_zero() {
            break;
        }
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = &mut changed => {}
        }
    }
    let _busy = b.inner.background.busy();
    let cfg = b.config();
    let caps = b.caps();
    let enc = caps.encoding;
    let mut docs = lock(&b.inner.docs);
    let Some(d) = docs.get_mut(&uri) else { return };
    d.analysing = false;
    let at_start = lsp::Range::default();
    let note = match (&d.lost, d.content.state(limits.max_document)) {
        (Some(Lost::TooLarge(n)), _) => Some(notice(
            at_start,
            format!(
                "文档超过 nianbao 可检查的上限 {}（送来它的消息有 {}，未读入），不做检查。\
                 请把它拆成较小的文件（例如每份报告一个文件）后重新打开。",
                size(limits.max_document),
                size(*n)
            ),
        )),
        (Some(Lost::Unreadable(_)), _) => Some(notice(
            at_start,
            "nianbao 与编辑器中的文本不同步，已暂停检查此文档，以免按过时的文本报告问题。\
             请保存后重新打开此文件（Neovim 中执行 :e），检查将自动恢复。"
                .to_string(),
        )),
        (None, State::TooLarge(n)) => Some(notice(at_start, too_large(n, &limits))),
        (None, State::NotUtf8(at)) => {
            let start = d.content.byte_position(at, enc);
            let end = d.content.byte_position(at + 1, enc);
            Some(notice(
                lsp::Range { start, end },
                "从这里起的内容不是有效的 UTF-8 文本，nianbao 暂不检查此文档。\
                 若文件是 GB18030/GBK 编码，请以该编码重新打开（nianbao check 命令可以直接读取这类文件）。"
                    .to_string(),
            ))
        }
        (None, State::Text) => None,
    };
    if let Some(note) = note {
        b.publish(uri.clone(), vec![note], Some(d.version));
        d.wanted.clear();
        // Its figures are not known any more: others look for last year's report elsewhere.
        let affected = lock(&b.inner.priors).remove_open(&uri);
        b.recheck_dependents(&mut docs, Some(&uri), &affected);
        return;
    }
    let mut priors = lock(&b.inner.priors);
    let checked = d.diagnostics(&cfg.settings, &uri, &mut priors);
    let diags = proto::diagnostics(
        &d.content.rope,
        d.content.buffer.text(),
        &uri,
        &checked.diags,
        enc,
        &other_files(&checked.sources, enc),
    );
    if caps.status {
        let doc = d.document();
        let status = proto::status(&d.content.rope, &uri, d.version, &doc, &checked.diags, enc);
        b.publish(uri.clone(), diags, Some(d.version));
        b.inner
            .sink
            .send(framing::notification(STATUS_METHOD, &status));
    } else {
        b.publish(uri.clone(), diags, Some(d.version));
    }
    // What others read of it as last year's report (unsaved edits count).
    let affected = priors.set_open(&uri, d.content.buffer.figures(), &d.content.rope);
    drop(priors);
    b.recheck_dependents(&mut docs, Some(&uri), &affected);
}

/// Where a related place in last year's report is, for the client: the file's URI and the place
/// in the text the figures were read from, in the negotiated encoding.
fn other_files(
    sources: &[Arc<Source>],
    enc: Encoding,
) -> impl Fn(diag::FileId, &std::ops::Range<usize>) -> Option<lsp::Location> + '_ {
    move |id, range| {
        let s = sources.get(id.0 as usize)?;
        Some(proto::location(&s.rope, &s.uri, range, enc))
    }
}

/// A diagnostic about the document as a whole (not one of the engine's codes).
fn notice(range: lsp::Range, message: String) -> lsp::Diagnostic {
    lsp::Diagnostic {
        range,
        severity: Some(lsp::DiagnosticSeverity::WARNING),
        source: Some("nianbao".to_string()),
        message,
        ..Default::default()
    }
}

/// A size in MiB (or bytes, below one).
fn size(n: usize) -> String {
    const MIB: usize = 1 << 20;
    if n >= MIB && n.is_multiple_of(MIB) {
        format!("{} MiB", n / MIB)
    } else if n >= MIB {
        format!("{:.1} MiB", n as f64 / MIB as f64)
    } else {
        format!("{n} 字节")
    }
}

fn too_large(n: usize, limits: &Limits) -> String {
    format!(
        "文档大小为 {}，超过 nianbao 可检查的上限 {}，不做检查。请把它拆成较小的文件（例如每份报告一个文件）。",
        size(n),
        size(limits.max_document)
    )
}

/// The file name of a document for messages (the last part of its path, decoded).
fn file_name(uri: &lsp::Uri) -> String {
    let s = uri.as_str();
    let last = s.trim_end_matches('/').rsplit('/').next().unwrap_or(s);
    let mut out = Vec::with_capacity(last.len());
    let b = last.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    let name = String::from_utf8_lossy(&out).into_owned();
    if name.is_empty() { s.to_string() } else { name }
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

fn changes(events: Vec<lsp::TextDocumentContentChangeEvent>) -> Vec<Change> {
    events
        .into_iter()
        .map(|c| Change {
            range: c.range,
            text: NewText::Str(c.text),
        })
        .collect()
}

/// Document sync: every state change happens here, synchronously, before any `.await`.
impl Backend {
    /// A document opened (or its whole text sent again): checked from now on.
    fn open(&self, uri: lsp::Uri, version: i32, text: NewText) {
        let limits = self.inner.limits;
        lock(&self.inner.told_unknown).remove(&uri);
        let mut docs = lock(&self.inner.docs);
        let fresh = Doc::new(&uri, version, text, &limits);
        let project_errors = fresh
            .project
            .as_ref()
            .filter(|p| !p.errors.is_empty())
            .map(|p| (p.path.display().to_string(), p.errors.clone()));
        let doc = match docs.entry(uri.clone()) {
            std::collections::hash_map::Entry::Occupied(mut e) => {
                // A task already waiting for this document covers the new text.
                let analysing = e.get().analysing;
                *e.get_mut() = fresh;
                e.get_mut().analysing = analysing;
                e.into_mut()
            }
            std::collections::hash_map::Entry::Vacant(e) => e.insert(fresh),
        };
        self.schedule(&uri, doc);
        drop(docs);
        if let Some((path, errors)) = project_errors {
            self.report_settings_errors(&format!("项目设置文件 {path} "), errors);
        }
    }

    fn change(&self, uri: lsp::Uri, version: i32, mut changes: Vec<Change>) {
        let enc = self.caps().encoding;
        let limits = self.inner.limits;
        let mut notes = Vec::new();
        let mut resynced = false;
        {
            let mut docs = lock(&self.inner.docs);
            // From the last change that sends the whole text, everything is known again.
            let whole = changes.iter().rposition(|c| c.range.is_none());
            match docs.get_mut(&uri) {
                Some(doc) if doc.lost.is_none() => {
                    let was_bytes = doc.content.bytes().is_some();
                    notes = doc.apply(changes, enc, &limits);
                    doc.version = version;
                    if was_bytes && doc.content.bytes().is_none() {
                        // Whole again: its analysis need not wait out the longer window.
                        self.inner.wake.notify_waiters();
                    }
                    self.schedule(&uri, doc);
                }
                Some(doc) => {
                    doc.version = version;
                    if let Some(i) = whole {
                        let analysing = doc.analysing;
                        *doc = Doc::new(&uri, version, NewText::Str(String::new()), &limits);
                        doc.analysing = analysing;
                        notes = doc.apply(changes.split_off(i), enc, &limits);
                        self.schedule(&uri, doc);
                        resynced = true;
                    }
                }
                None => match whole {
                    Some(i) => {
                        let mut doc = Doc::new(&uri, version, NewText::Str(String::new()), &limits);
                        notes = doc.apply(changes.split_off(i), enc, &limits);
                        let doc = docs.entry(uri.clone()).or_insert(doc);
                        self.schedule(&uri, doc);
                        lock(&self.inner.told_unknown).remove(&uri);
                        resynced = true;
                    }
                    None => {
                        drop(docs);
                        self.tell_unknown(&uri);
                    }
                },
            }
        }
        if resynced {
            self.log(
                lsp::MessageType::INFO,
                format!(
                    "nianbao: 收到「{}」的全文，已重新同步并恢复检查",
                    file_name(&uri)
                ),
            );
        }
        for n in notes {
            self.log(lsp::MessageType::WARNING, n);
        }
    }

    fn close(&self, uri: lsp::Uri) {
        lock(&self.inner.told_unknown).remove(&uri);
        let mut docs = lock(&self.inner.docs);
        if docs.remove(&uri).is_some() {
            self.publish(uri.clone(), Vec::new(), None);
            // Its saved file, if indexed, is last year's report again.
            let affected = lock(&self.inner.priors).remove_open(&uri);
            self.recheck_dependents(&mut docs, None, &affected);
        }
    }

    /// Checks again the open documents whose last check looked for one of `affected` (their
    /// last year's report changed, appeared or went away), but `except`.
    fn recheck_dependents(
        &self,
        docs: &mut HashMap<lsp::Uri, Doc>,
        except: Option<&lsp::Uri>,
        affected: &[Identity],
    ) {
        if affected.is_empty() {
            return;
        }
        for (uri, d) in docs.iter_mut() {
            if Some(uri) != except && d.wanted.iter().any(|w| affected.binary_search(w).is_ok()) {
                d.checked = None;
                self.schedule(uri, d);
            }
        }
    }

    /// A change for a document never opened: the user is told once what to do.
    fn tell_unknown(&self, uri: &lsp::Uri) {
        {
            let mut told = lock(&self.inner.told_unknown);
            if told.contains(uri) {
                return;
            }
            if told.len() >= MAX_TOLD_UNKNOWN {
                told.clear();
            }
            told.insert(uri.clone());
        }
        self.show(
            lsp::MessageType::WARNING,
            format!(
                "nianbao 没有收到「{}」的打开通知，无法检查对它的修改。请关闭后重新打开此文件\
                 （Neovim 中保存后执行 :e），nianbao 将从头开始检查。",
                file_name(uri)
            ),
        );
    }

    /// A document-sync message that could not be used: the document no longer follows the
    /// client's text. The user is told once; nothing is analysed until the whole text comes again.
    fn lose(&self, method: &str, uri: Option<lsp::Uri>, version: Option<i32>, why: Lost) {
        let Some(uri) = uri else {
            let reason = match &why {
                Lost::TooLarge(n) => format!("消息大小 {} 超过上限", size(*n)),
                Lost::Unreadable(r) => r.clone(),
            };
            self.log(
                lsp::MessageType::WARNING,
                format!("nianbao: 收到一条无法读取的 {method}（{reason}），无法确定它属于哪个文档，已忽略"),
            );
            return;
        };
        if method == jsonrpc::DID_CLOSE {
            self.close(uri);
            return;
        }
        let limits = self.inner.limits;
        let mut docs = lock(&self.inner.docs);
        let known = docs.contains_key(&uri);
        if !known && method == jsonrpc::DID_CHANGE {
            drop(docs);
            self.tell_unknown(&uri);
            return;
        }
        let doc = docs.entry(uri.clone()).or_insert_with(|| {
            Doc::new(
                &uri,
                version.unwrap_or(0),
                NewText::Str(String::new()),
                &limits,
            )
        });
        let told_before = doc.lost.is_some();
        if let Some(v) = version {
            doc.version = v;
        }
        let tell = match &why {
            Lost::TooLarge(_) => None,
            Lost::Unreadable(reason) => (!told_before).then(|| reason.clone()),
        };
        doc.lose(why);
        doc.last_change = Instant::now();
        self.schedule(&uri, doc);
        drop(docs);
        if let Some(reason) = tell {
            self.show(
                lsp::MessageType::WARNING,
                format!(
                    "nianbao 未能应用对「{}」的修改（{reason}），为免按过时的文本报告问题，已暂停检查此文件。\
                     请保存后重新打开此文件（Neovim 中执行 :e，VS Code 中关闭后重新打开），检查将自动恢复。",
                    file_name(&uri)
                ),
            );
        }
    }

    fn side(&self, item: Side) {
        match item {
            Side::Open { uri, version, text } => self.open(uri, version, text),
            Side::Change {
                uri,
                version,
                changes,
            } => self.change(uri, version, changes),
            Side::Close { uri } => self.close(uri),
            Side::Lost {
                method,
                uri,
                version,
                why,
            } => self.lose(&method, uri, version, why),
        }
    }

    /// A didOpen, didChange or didClose as the decoder gave it: parameters that do not fit are
    /// answered with a log message saying which field is wrong, and the change counts as lost.
    fn sync_notification(&self, method: &str, params: Option<Value>) {
        let params = params.unwrap_or(Value::Null);
        if let Some(problem) = params_problem(method, &params) {
            return self.bad_params(method, &params, problem);
        }
        let result = match method {
            jsonrpc::DID_OPEN => serde_json::from_value::<lsp::DidOpenTextDocumentParams>(params)
                .map(|p| {
                    let td = p.text_document;
                    self.open(td.uri, td.version, NewText::Str(td.text))
                }),
            jsonrpc::DID_CHANGE => {
                serde_json::from_value::<lsp::DidChangeTextDocumentParams>(params).map(|p| {
                    self.change(
                        p.text_document.uri,
                        p.text_document.version,
                        changes(p.content_changes),
                    )
                })
            }
            _ => serde_json::from_value::<lsp::DidCloseTextDocumentParams>(params)
                .map(|p| self.close(p.text_document.uri)),
        };
        if let Err(e) = result {
            self.bad_params(method, &Value::Null, e.to_string());
        }
    }

    fn bad_params(&self, method: &str, params: &Value, problem: String) {
        self.log(
            lsp::MessageType::WARNING,
            format!("nianbao: {method} 的参数无效（{problem}），未能应用"),
        );
        let td = &params["textDocument"];
        let uri = td["uri"].as_str().and_then(|u| u.parse::<lsp::Uri>().ok());
        if uri.is_none() {
            // Logged above; there is no document to mark.
            return;
        }
        let version = td["version"].as_i64().and_then(|v| i32::try_from(v).ok());
        self.lose(
            method,
            uri,
            version,
            Lost::Unreadable(format!("参数无效：{problem}")),
        );
    }
}

/// The first thing wrong with the parameters of a document-sync notification, in Chinese (the
/// field and what it should be), or `None`. Field names are spelled out only for a fault.
fn params_problem(method: &str, p: &Value) -> Option<String> {
    type Name<'a> = &'a dyn Fn() -> String;
    fn short(v: &Value) -> String {
        let s = v.to_string();
        match s.char_indices().nth(40) {
            Some((i, _)) => format!("{}…", &s[..i]),
            None => s,
        }
    }
    fn int(v: Option<&Value>, name: Name, min: i64, max: i64) -> Result<(), String> {
        let Some(v) = v else {
            return Err(format!("缺少 {}", name()));
        };
        match v.as_i64() {
            Some(x) if (min..=max).contains(&x) => Ok(()),
            _ if v.is_i64() || v.is_u64() => Err(format!(
                "{} 应为 {min} 到 {max} 之间的整数，收到 {v}",
                name()
            )),
            _ => Err(format!("{} 应为整数，收到 {}", name(), short(v))),
        }
    }
    fn string(v: Option<&Value>, name: Name) -> Result<(), String> {
        match v {
            None => Err(format!("缺少 {}", name())),
            Some(Value::String(_)) => Ok(()),
            Some(v) => Err(format!("{} 应为字符串，收到 {}", name(), short(v))),
        }
    }
    fn object<'a>(
        v: Option<&'a Value>,
        name: Name,
    ) -> Result<&'a serde_json::Map<String, Value>, String> {
        match v {
            None => Err(format!("缺少 {}", name())),
            Some(Value::Object(o)) => Ok(o),
            Some(v) => Err(format!("{} 应为对象，收到 {}", name(), short(v))),
        }
    }
    const U32: i64 = u32::MAX as i64;
    let (i32_min, i32_max) = (i64::from(i32::MIN), i64::from(i32::MAX));
    let check = || -> Result<(), String> {
        let p = object(Some(p), &|| "params".into())?;
        let td = object(p.get("textDocument"), &|| "textDocument".into())?;
        string(td.get("uri"), &|| "textDocument.uri".into())?;
        if method == jsonrpc::DID_CLOSE {
            return Ok(());
        }
        let version = &|| "textDocument.version".to_string();
        int(td.get("version"), version, i32_min, i32_max)?;
        if method == jsonrpc::DID_OPEN {
            string(td.get("languageId"), &|| "textDocument.languageId".into())?;
            return string(td.get("text"), &|| "textDocument.text".into());
        }
        let list = match p.get("contentChanges") {
            None => return Err("缺少 contentChanges".to_string()),
            Some(Value::Array(a)) => a,
            Some(v) => return Err(format!("contentChanges 应为数组，收到 {}", short(v))),
        };
        for (i, c) in list.iter().enumerate() {
            let name = || format!("contentChanges[{i}]");
            let c = object(Some(c), &name)?;
            string(c.get("text"), &|| format!("{}.text", name()))?;
            if let Some(l) = c.get("rangeLength").filter(|v| !v.is_null()) {
                int(Some(l), &|| format!("{}.rangeLength", name()), 0, U32)?;
            }
            let Some(r) = c.get("range").filter(|v| !v.is_null()) else {
                continue;
            };
            let r = object(Some(r), &|| format!("{}.range", name()))?;
            for end in ["start", "end"] {
                let at = || format!("{}.range.{end}", name());
                let p = object(r.get(end), &at)?;
                for f in ["line", "character"] {
                    int(p.get(f), &|| format!("{}.{f}", at()), 0, U32)?;
                }
            }
        }
        Ok(())
    };
    check().err()
}

/// In front of tower-lsp-server's router: document sync goes straight to the backend (with a
/// Chinese answer for parameters that do not fit, which the router would drop without a word),
/// side-band items are handed over in their place in the stream, and `$/` requests are answered
/// "method not found" (the router would leave them pending).
struct Gate {
    inner: LspService<Backend>,
    backend: Backend,
}

type GateFuture = Pin<Box<dyn Future<Output = Result<Option<Response>, ExitedError>> + Send>>;

impl tower_service::Service<Request> for Gate {
    type Response = Option<Response>;
    type Error = ExitedError;
    type Future = GateFuture;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), ExitedError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> GateFuture {
        let method = req.method();
        if method.starts_with("$/")
            && let Some(id) = req.id()
        {
            let mut e = tower_lsp_server::jsonrpc::Error::method_not_found();
            e.data = Some(Value::from(method));
            let r = Response::from_error(id.clone(), e);
            return Box::pin(std::future::ready(Ok(Some(r))));
        }
        let backend = self.backend.clone();
        match method {
            jsonrpc::SIDEBAND_METHOD => {
                // Taken now, in stream order; applied when the handlers before it have run.
                let item = backend.inner.channels.side.pop();
                Box::pin(async move {
                    if let Some(item) = item {
                        backend.side(item);
                    }
                    Ok(None)
                })
            }
            jsonrpc::DID_OPEN | jsonrpc::DID_CHANGE | jsonrpc::DID_CLOSE if req.id().is_none() => {
                let (method, _, params) = req.into_parts();
                Box::pin(async move {
                    backend.sync_notification(&method, params);
                    Ok(None)
                })
            }
            _ => self.inner.call(req),
        }
    }
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
            watch_files: c
                .workspace
                .as_ref()
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|d| d.dynamic_registration)
                .unwrap_or(false),
        };
        #[allow(deprecated)] // `root_uri` is what clients without workspace folders send
        let roots = workspace::roots(
            params.workspace_folders.as_deref(),
            params.root_uri.as_ref(),
        );
        *lock(&self.inner.roots) = roots;
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
        self.index_workspace();
        if self.caps().watch_files {
            self.watch_files();
        }
    }

    async fn did_change_watched_files(&self, params: lsp::DidChangeWatchedFilesParams) {
        let roots = lock(&self.inner.roots).clone();
        let paths: Vec<PathBuf> = params
            .changes
            .iter()
            .filter_map(|e| workspace::file_path(&e.uri))
            .filter(|p| roots.iter().any(|r| p.starts_with(r)))
            .collect();
        if paths.is_empty() {
            return;
        }
        {
            let mut priors = lock(&self.inner.priors);
            let pending = &mut priors.index.pending;
            if pending.len() + paths.len() > workspace::MAX_FILES {
                // So many changes at once: the folders are read again.
                pending.extend(roots);
            } else {
                pending.extend(paths);
            }
        }
        self.read_changed_files();
    }

    async fn shutdown(&self) -> RpcResult<()> {
        self.inner.shutdown.store(true, Ordering::SeqCst);
        Ok(())
    }

    // Document sync arrives through [`Gate`], which calls the same functions.
    async fn did_open(&self, params: lsp::DidOpenTextDocumentParams) {
        let td = params.text_document;
        self.open(td.uri, td.version, NewText::Str(td.text));
    }

    async fn did_change(&self, params: lsp::DidChangeTextDocumentParams) {
        self.change(
            params.text_document.uri,
            params.text_document.version,
            changes(params.content_changes),
        );
    }

    async fn did_close(&self, params: lsp::DidCloseTextDocumentParams) {
        self.close(params.text_document.uri);
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
        let prior = self.prior_for_hover(&p.text_document.uri, &s, at);
        let prior = prior.as_ref().map(|(figures, file)| ide::PriorHover {
            figures,
            file: file.as_str(),
        });
        Ok(ide::hover_with(&s.doc, &s.text, at, prior.as_ref())
            .map(|h| proto::hover(&s.rope, &h, enc)))
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
        let others = other_files(&s.sources, enc);
        let only = params.context.only.as_deref();
        let edit = |edits: &[diag::Edit]| {
            proto::workspace_edit(&s.rope, &uri, s.version, edits, enc, caps.document_changes)
        };
        let mut out: Vec<lsp::CodeActionOrCommand> = Vec::new();
        let quickfix = lsp::CodeActionKind::QUICKFIX;

        if kind_wanted(only, &quickfix) {
            for d in shown.iter().filter(|d| overlaps(&d.range, &range)) {
                let ld = proto::diagnostic(&at, &uri, d, &others);
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
                let ignore = parse::suppression_edit(&s.text, d.range.start, d.code.as_str());
                let title = if ignore.new_text.contains("-next-line") {
                    IGNORE_TITLE
                } else {
                    IGNORE_ROW_TITLE
                };
                out.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                    title: title.to_string(),
                    kind: Some(quickfix.clone()),
                    diagnostics: Some(vec![ld]),
                    edit: Some(edit(&[ignore])),
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
                    .map(|d| proto::diagnostic(&at, &uri, d, &others))
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

/// Runs the server until `exit` or the end of the input: the client's bytes go through the
/// tolerant framing layer (its error answers to `replies`), the server's output is cut into whole
/// frames for `output`. Returns whether the session ended cleanly (`shutdown` before `exit`).
async fn run_service<R>(input: R, replies: FrameSink, output: FrameSink, limits: Limits) -> bool
where
    R: AsyncRead + Unpin,
{
    let shutdown = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&shutdown);
    let sink = output.clone();
    let channels = Channels::default();
    let ch = channels.clone();
    let (service, socket) =
        LspService::new(move |client| Backend::new(client, sink, flag, ch, limits));
    let backend = service.inner().clone();
    let background = Arc::clone(&backend.inner.background);
    Server::new(
        FramedInput::new(input, replies, channels, limits.max_message),
        FrameWriter::to(output),
        socket,
    )
    .serve(Gate {
        inner: service,
        backend,
    })
    .await;
    background.stop.store(true, Ordering::SeqCst);
    shutdown.load(Ordering::SeqCst)
}

/// Serves one client over any byte streams (the in-process tests use `tokio::io::duplex`).
pub async fn serve<I, O>(input: I, output: O) -> bool
where
    I: AsyncRead + Unpin + Send + 'static,
    O: AsyncWrite + Unpin + Send + 'static,
{
    serve_with(input, output, Limits::default()).await
}

/// [`serve`] with other size limits.
pub async fn serve_with<I, O>(input: I, mut output: O, limits: Limits) -> bool
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
        limits,
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
    run_stdio_with(Limits::default())
}

/// [`run_stdio`] with other size limits.
pub fn run_stdio_with(limits: Limits) -> i32 {
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
        run_service(stdio::Stdin::new(), direct(), direct(), limits).await
    });
    // Every frame was written (and flushed) when it was produced; a stdin thread, if there is
    // one, may still be blocked in a read and is left to the process exit.
    rt.shutdown_timeout(Duration::from_millis(200));
    if clean { 0 } else { 1 }
}
