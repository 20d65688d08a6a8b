//! A tolerant framing layer in front of tower-lsp-server, whose own codec ends the session on the
//! first undecodable message. [`Framer`] cuts the input into `Content-Length` frames and passes on
//! only bodies the decoder takes ([`jsonrpc::accepts`]); for any other body it produces the
//! JSON-RPC error answer itself (-32700 parse error, -32600 invalid request, with the request's
//! id when it has one), or, for a document-sync notification, an item for the server's side band
//! ([`jsonrpc::reject`]). [`FramedInput`] runs it over the client's byte stream. [`FrameWriter`]
//! collects the server's output into whole frames so that these answers never interleave with it.
//!
//! Liveness: every byte is looked at once. A header section is at most [`MAX_HEADER`] bytes and
//! its lines may end in CRLF, LF or CR; a body longer than the message limit is skipped as it
//! arrives, never kept (only the fields that say what it was are read from it, to answer it); a
//! declared length that runs into the next frame's header is cut there, since a JSON body cannot
//! hold a header line (a raw line break inside a string is not JSON, and outside strings there are
//! no letters but literals).

use std::collections::VecDeque;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use serde_json::Value;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};
use tower_lsp_server::jsonrpc::Response;

use super::jsonrpc::{self, Accepted, Channels, Side, Sniffer};

/// Messages declaring a longer body are answered and skipped unread (the default of
/// [`super::sync::Limits::max_message`]).
pub const DEFAULT_MAX_MESSAGE: usize = 64 << 20;
/// A header section longer than this is answered and skipped.
pub const MAX_HEADER: usize = 8 << 10;
const HEADER: &[u8] = b"Content-Length";

#[derive(Debug, PartialEq)]
pub enum Frame {
    /// A body the decoder takes, framed again for the server.
    Message(Vec<u8>),
    /// A JSON-RPC error response to send to the client.
    Reply(Vec<u8>),
    /// A document-sync message for the server's side band.
    Side(Side),
    /// The client's answer to one of the server's own requests.
    Answer(Response),
}

#[derive(Debug)]
enum State {
    /// Looking for the start of a header ("Content-"), skipping anything else.
    Seek,
    /// In a header section that starts at `pos`: `line` is where the current line starts,
    /// `scanned` how far it has been read (both from `pos`).
    Header {
        line: usize,
        scanned: usize,
        length: Length,
    },
    /// A body of `len` bytes starting at `pos`, `scanned` of them looked at.
    Body { len: usize, scanned: usize },
    /// Skipping a body too long to keep: `left` bytes still to come.
    Skip {
        declared: usize,
        left: usize,
        sniffer: Box<Sniffer>,
        /// The last bytes skipped, where a header line may have begun.
        tail: Vec<u8>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Length {
    None,
    Some(usize),
    Invalid,
}

#[derive(Debug)]
pub struct Framer {
    buf: Vec<u8>,
    pos: usize,
    state: State,
    max_message: usize,
    out: VecDeque<Frame>,
}

impl Default for Framer {
    fn default() -> Self {
        Framer::new(DEFAULT_MAX_MESSAGE)
    }
}

pub fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

/// A JSON-RPC notification, framed, serialised straight from its parameters.
pub fn notification<P: serde::Serialize>(method: &str, params: &P) -> Vec<u8> {
    #[derive(serde::Serialize)]
    struct Notification<'a, P> {
        jsonrpc: &'static str,
        method: &'a str,
        params: &'a P,
    }
    let body = serde_json::to_vec(&Notification {
        jsonrpc: "2.0",
        method,
        params,
    })
    .unwrap_or_default();
    frame(&body)
}

/// A JSON-RPC request from the server, framed.
pub fn request<P: serde::Serialize>(id: &str, method: &str, params: &P) -> Vec<u8> {
    #[derive(serde::Serialize)]
    struct Request<'a, P> {
        jsonrpc: &'static str,
        id: &'a str,
        method: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        params: Option<&'a P>,
    }
    let body = serde_json::to_vec(&Request {
        jsonrpc: "2.0",
        id,
        method,
        params: Some(params),
    })
    .unwrap_or_default();
    frame(&body)
}

pub fn error_reply(code: i64, message: &str, id: Value) -> Vec<u8> {
    frame(&jsonrpc::error_body(code, message, id))
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

/// A header line of a JSON body cannot be: does a header line (`Content-Length: N`) end just
/// before the line break at `hay[at]`? Returns where that line starts.
fn header_line_before(hay: &[u8], at: usize) -> Option<usize> {
    let mut i = at;
    while i > 0 && matches!(hay[i - 1], b' ' | b'\t') {
        i -= 1;
    }
    let digits_end = i;
    while i > 0 && hay[i - 1].is_ascii_digit() {
        i -= 1;
    }
    if i == digits_end {
        return None;
    }
    while i > 0 && matches!(hay[i - 1], b' ' | b'\t') {
        i -= 1;
    }
    if i == 0 || hay[i - 1] != b':' {
        return None;
    }
    let start = (i - 1).checked_sub(HEADER.len())?;
    hay[start..i - 1]
        .eq_ignore_ascii_case(HEADER)
        .then_some(start)
}

/// The first header line inside `hay[from..]` (looked for at line breaks, which compact JSON
/// bodies have none of).
fn header_inside(hay: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while let Some(j) = memchr::memchr2(b'\r', b'\n', &hay[i..]) {
        if let Some(s) = header_line_before(hay, i + j) {
            return Some(s);
        }
        i += j + 1;
    }
    None
}

fn is_token(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_')
}

/// Is the start of a header line (up to 64 bytes of name, then `:`) still possible?
fn header_name_ok(line: &[u8], complete: bool) -> bool {
    match line.iter().position(|&b| !is_token(b)) {
        Some(i) => i > 0 && i <= 64 && line[i] == b':',
        None => !complete && line.len() <= 64,
    }
}

/// The length in a header section the server's codec wrote.
fn content_length(head: &[u8]) -> Option<usize> {
    let head = std::str::from_utf8(head).ok()?;
    head.split("\r\n").find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.trim()
            .eq_ignore_ascii_case("content-length")
            .then(|| value.trim().parse().ok())?
    })
}

fn parse_length(value: &[u8]) -> Option<usize> {
    let v = std::str::from_utf8(value).ok()?.trim_matches([' ', '\t']);
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    v.parse().ok()
}

impl Framer {
    pub fn new(max_message: usize) -> Framer {
        Framer {
            buf: Vec::new(),
            pos: 0,
            state: State::Seek,
            max_message,
            out: VecDeque::new(),
        }
    }

    pub fn push(&mut self, data: &[u8]) {
        if self.pos > 0 && self.pos >= self.buf.len() / 2 {
            self.buf.drain(..self.pos);
            self.pos = 0;
            // A large document has passed: give its room back.
            if self.buf.capacity() > 1 << 20 && self.buf.len() < 1 << 16 {
                self.buf.shrink_to(1 << 16);
            }
        }
        if let State::Skip { .. } = self.state {
            // Skipped bytes are read as they come and never kept.
            self.skip(data);
            return;
        }
        self.buf.extend_from_slice(data);
    }

    /// The next frame, or `None` when more input is needed.
    pub fn next_frame(&mut self) -> Option<Frame> {
        loop {
            if let Some(f) = self.out.pop_front() {
                return Some(f);
            }
            if !self.advance() {
                return self.out.pop_front();
            }
        }
    }

    fn reply(&mut self, code: i64, message: &str, id: Value) {
        self.out
            .push_back(Frame::Reply(error_reply(code, message, id)));
    }

    /// One step of the state machine; false when it needs more input.
    fn advance(&mut self) -> bool {
        let avail = self.buf.len() - self.pos;
        match &mut self.state {
            State::Seek => {
                let rest = &self.buf[self.pos..];
                let mut i = 0;
                loop {
                    let Some(j) = memchr::memchr2(b'C', b'c', &rest[i..]) else {
                        self.pos += rest.len();
                        return false;
                    };
                    let at = i + j;
                    let cand = &rest[at..];
                    if cand.len() < 8 {
                        // Perhaps the start of a header: wait for more.
                        self.pos += at;
                        return false;
                    }
                    if cand[..8].eq_ignore_ascii_case(b"Content-") {
                        self.pos += at;
                        self.state = State::Header {
                            line: 0,
                            scanned: 0,
                            length: Length::None,
                        };
                        return true;
                    }
                    i = at + 1;
                }
            }
            State::Header {
                line,
                scanned,
                length,
            } => {
                let head = &self.buf[self.pos..];
                loop {
                    let Some(j) = memchr::memchr2(b'\r', b'\n', &head[*scanned..]) else {
                        // The current line so far: give up early on what cannot be a header.
                        if !header_name_ok(&head[*line..], false) {
                            break;
                        }
                        *scanned = head.len();
                        if head.len() > MAX_HEADER {
                            self.reply(-32700, "Parse error: header section too long", Value::Null);
                            self.pos += MAX_HEADER;
                            self.state = State::Seek;
                            return true;
                        }
                        return false;
                    };
                    let k = *scanned + j;
                    if head[k] == b'\r' && k + 1 == head.len() {
                        // A CR at the end: CRLF or a lone CR? Wait for the next byte.
                        *scanned = k;
                        return false;
                    }
                    if k > MAX_HEADER {
                        self.reply(-32700, "Parse error: header section too long", Value::Null);
                        self.pos += MAX_HEADER;
                        self.state = State::Seek;
                        return true;
                    }
                    let next = if head[k] == b'\r' && head[k + 1] == b'\n' {
                        k + 2
                    } else {
                        k + 1
                    };
                    let text = &head[*line..k];
                    if text.is_empty() {
                        // The blank line: the body follows.
                        let length = *length;
                        self.pos += next;
                        match length {
                            Length::Some(n) if n <= self.max_message => {
                                self.state = State::Body { len: n, scanned: 0 };
                            }
                            Length::Some(n) => {
                                self.state = State::Skip {
                                    declared: n,
                                    left: n,
                                    sniffer: Box::default(),
                                    tail: Vec::new(),
                                };
                                // What is already here is skipped like what comes later.
                                let here = self.buf.split_off(self.pos);
                                self.skip(&here);
                            }
                            _ => {
                                self.reply(
                                    -32700,
                                    "Parse error: missing or invalid Content-Length",
                                    Value::Null,
                                );
                                self.state = State::Seek;
                            }
                        }
                        return true;
                    }
                    if !header_name_ok(text, true) {
                        break;
                    }
                    let colon = text.iter().position(|&b| b == b':').unwrap_or(0);
                    if text[..colon].eq_ignore_ascii_case(HEADER) {
                        *length = match (parse_length(&text[colon + 1..]), *length) {
                            (Some(n), Length::None) => Length::Some(n),
                            (Some(n), Length::Some(m)) if n == m => Length::Some(n),
                            _ => Length::Invalid,
                        };
                    }
                    *line = next;
                    *scanned = next;
                }
                // A line that is no header line: the section is abandoned, and the input read
                // again from that line (from the next byte when it is the first).
                let resume = if *line == 0 { 1 } else { *line };
                self.reply(-32700, "Parse error: invalid header", Value::Null);
                self.pos += resume;
                self.state = State::Seek;
                true
            }
            State::Body { len, scanned } => {
                let len = *len;
                let end = avail.min(len);
                let body = &self.buf[self.pos..self.pos + end];
                // A header line inside the declared body: the length was a lie, the body ends there.
                let from = scanned.saturating_sub(1);
                if let Some(cut) = header_inside(body, from) {
                    let body = self.buf[self.pos..self.pos + cut].to_vec();
                    self.pos += cut;
                    self.body(&body, false);
                    self.state = State::Header {
                        line: 0,
                        scanned: 0,
                        length: Length::None,
                    };
                    return true;
                }
                *scanned = end;
                if avail < len {
                    return false;
                }
                let body = self.buf[self.pos..self.pos + len].to_vec();
                let used = self.body(&body, true);
                self.pos += used;
                self.state = State::Seek;
                true
            }
            State::Skip { .. } => {
                // Bytes pushed while skipping are consumed by `push`; what is buffered here
                // was handed over when skipping began.
                false
            }
        }
    }

    /// Skips bytes of a body too long to keep, reading them for what the message was. Bytes
    /// after the body (or after a header line found inside it) are input again.
    fn skip(&mut self, data: &[u8]) {
        let State::Skip {
            declared,
            left,
            sniffer,
            tail,
        } = &mut self.state
        else {
            return;
        };
        let n = data.len().min(*left);
        let keep = tail.len();
        let mut window = std::mem::take(tail);
        window.extend_from_slice(&data[..n]);
        // A header line ending in these bytes means the declared length was a lie: the next
        // frame starts there (perhaps in bytes skipped before).
        let again: Option<Vec<u8>> = match header_inside(&window, keep) {
            Some(s) if s >= keep => {
                sniffer.feed(&data[..s - keep]);
                Some(data[s - keep..].to_vec())
            }
            Some(s) => Some([&window[s..keep], data].concat()),
            None => {
                sniffer.feed(&data[..n]);
                *left -= n;
                let from = window.len().saturating_sub(64);
                *tail = window.split_off(from);
                (*left == 0).then(|| data[n..].to_vec())
            }
        };
        let Some(again) = again else { return };
        let declared = *declared;
        let found = std::mem::take(sniffer).finish();
        self.state = State::Seek;
        let msg = format!(
            "Invalid Request: message of {declared} bytes exceeds the limit of {} bytes",
            self.max_message
        );
        if found.is_sync() {
            self.out
                .push_back(Frame::Side(found.lost(jsonrpc::Lost::TooLarge(declared))));
            if found.uri.is_none() {
                self.reply(-32600, &msg, Value::Null);
            }
        } else {
            self.reply(-32600, &msg, found.id.clone().unwrap_or(Value::Null));
        }
        self.buf.truncate(self.pos);
        self.buf.extend_from_slice(&again);
    }

    /// Handles a body; returns how many of its bytes it used (a declared length that is too long
    /// swallows the start of the next frame's header, which is given back).
    fn body(&mut self, body: &[u8], whole: bool) -> usize {
        if body.is_empty() {
            // Nothing to answer (the decoder skips empty bodies too).
            return 0;
        }
        if let Some(a) = jsonrpc::accepts(body) {
            self.accepted(a, body);
            return body.len();
        }
        if whole {
            // A complete message followed by the start of the next header?
            let mut stream =
                serde_json::Deserializer::from_slice(body).into_iter::<serde::de::IgnoredAny>();
            if let Some(Ok(_)) = stream.next() {
                let end = stream.byte_offset();
                let tail = &body[end..];
                let t = &tail[tail.iter().take_while(|b| b.is_ascii_whitespace()).count()..];
                let header_like = !t.is_empty()
                    && (HEADER.len() >= t.len() && HEADER[..t.len()].eq_ignore_ascii_case(t)
                        || t.len() >= HEADER.len()
                            && t[..HEADER.len()].eq_ignore_ascii_case(HEADER));
                if header_like && let Some(a) = jsonrpc::accepts(&body[..end]) {
                    self.accepted(a, &body[..end]);
                    return end;
                }
            }
        }
        let r = jsonrpc::reject(body);
        if let Some(reply) = r.reply {
            self.out.push_back(Frame::Reply(frame(&reply)));
        }
        if let Some(side) = r.side {
            self.out.push_back(Frame::Side(side));
        }
        body.len()
    }

    fn accepted(&mut self, a: Accepted, body: &[u8]) {
        match a {
            Accepted::Request { method, id } if method == jsonrpc::SIDEBAND_METHOD => {
                // Reserved for the framing layer's own stand-ins.
                if let Some(id) = id {
                    let id = serde_json::to_value(id).unwrap_or(Value::Null);
                    self.reply(-32601, "Method not found", id);
                }
            }
            Accepted::Response(r) if jsonrpc::is_own(&r) => self.out.push_back(Frame::Answer(r)),
            _ => self.out.push_back(Frame::Message(frame(body))),
        }
    }
}

/// Bytes being handed to a reader, and how many of them were.
#[derive(Default)]
struct Handover {
    bytes: Vec<u8>,
    at: usize,
}

impl Handover {
    /// Puts as much as fits into `out`; false when nothing was left to put.
    fn put(&mut self, out: &mut ReadBuf<'_>) -> bool {
        if self.at >= self.bytes.len() {
            return false;
        }
        let n = out.remaining().min(self.bytes.len() - self.at);
        out.put_slice(&self.bytes[self.at..self.at + n]);
        self.at += n;
        if self.at == self.bytes.len() && self.bytes.capacity() > 1 << 20 {
            // A large message has been handed over: its room is not kept for the next.
            *self = Handover::default();
        }
        true
    }

    fn set(&mut self, bytes: Vec<u8>) {
        *self = Handover { bytes, at: 0 };
    }
}

/// The server's input: the client's bytes cut into frames by a [`Framer`], only bodies the decoder
/// takes passed on to the server; the answers to bad frames go straight to `replies`, side-band
/// items into the side band (with a stand-in notification in the stream at their place), the
/// answers to the server's own requests to their waiters. It reads its source on the caller's
/// task, so no thread or task stands between the client and the server.
pub struct FramedInput<R> {
    inner: R,
    framer: Framer,
    replies: FrameSink,
    channels: Channels,
    /// The frame being handed to the server.
    cur: Handover,
    buf: Box<[u8]>,
    eof: bool,
}

impl<R> FramedInput<R> {
    pub fn new(inner: R, replies: FrameSink, channels: Channels, max_message: usize) -> Self {
        FramedInput {
            inner,
            framer: Framer::new(max_message),
            replies,
            channels,
            cur: Handover::default(),
            buf: vec![0u8; 64 * 1024].into_boxed_slice(),
            eof: false,
        }
    }
}

/// The stand-in for a side-band item in the server's input.
fn side_band_marker() -> Vec<u8> {
    frame(
        format!(
            r#"{{"jsonrpc":"2.0","method":"{}"}}"#,
            jsonrpc::SIDEBAND_METHOD
        )
        .as_bytes(),
    )
}

impl<R: AsyncRead + Unpin> AsyncRead for FramedInput<R> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        out: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        loop {
            if this.cur.put(out) {
                return Poll::Ready(Ok(()));
            }
            match this.framer.next_frame() {
                Some(Frame::Message(m)) => {
                    this.cur.set(m);
                    continue;
                }
                Some(Frame::Reply(r)) => {
                    this.replies.send(r);
                    continue;
                }
                Some(Frame::Side(s)) => {
                    this.channels.side.push(s);
                    this.cur.set(side_band_marker());
                    continue;
                }
                Some(Frame::Answer(r)) => {
                    this.channels.outbound.answer(&r);
                    continue;
                }
                None => {}
            }
            if this.eof {
                return Poll::Ready(Ok(())); // nothing put: the end of the input
            }
            let mut rb = ReadBuf::new(&mut this.buf);
            match Pin::new(&mut this.inner).poll_read(cx, &mut rb) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Ok(())) if !rb.filled().is_empty() => this.framer.push(rb.filled()),
                // A read error ends the input like its end does.
                Poll::Ready(_) => this.eof = true,
            }
        }
    }
}

/// Bytes handed over by a thread through a channel (stdin when it cannot be polled).
pub struct ChannelReader {
    rx: UnboundedReceiver<Vec<u8>>,
    cur: Handover,
}

impl ChannelReader {
    pub fn new(rx: UnboundedReceiver<Vec<u8>>) -> Self {
        ChannelReader {
            rx,
            cur: Handover::default(),
        }
    }
}

impl AsyncRead for ChannelReader {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        loop {
            if this.cur.put(buf) {
                return Poll::Ready(Ok(()));
            }
            match this.rx.poll_recv(cx) {
                Poll::Ready(Some(v)) => this.cur.set(v),
                Poll::Ready(None) => return Poll::Ready(Ok(())),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

/// The server's output: bytes cut into whole frames, each sent on as one piece.
pub struct FrameWriter {
    sink: FrameSink,
    buf: Vec<u8>,
}

/// Where whole frames go: a channel (to a writer task, in tests) or straight to a writer shared
/// with the input thread (stdout), each frame written whole under its lock.
#[derive(Clone)]
pub enum FrameSink {
    Channel(UnboundedSender<Vec<u8>>),
    Direct(fn(&[u8])),
}

impl FrameSink {
    pub fn send(&self, frame: Vec<u8>) {
        match self {
            FrameSink::Channel(tx) => {
                let _ = tx.send(frame);
            }
            FrameSink::Direct(write) => write(&frame),
        }
    }
}

impl FrameWriter {
    pub fn new(tx: UnboundedSender<Vec<u8>>) -> Self {
        FrameWriter::to(FrameSink::Channel(tx))
    }

    pub fn to(sink: FrameSink) -> Self {
        FrameWriter {
            sink,
            buf: Vec::new(),
        }
    }

    fn drain(&mut self) {
        loop {
            let Some(end) = find(&self.buf, b"\r\n\r\n") else {
                return;
            };
            let Some(len) = content_length(&self.buf[..end]) else {
                // Not produced by the server's codec; pass it on as it is.
                let all = std::mem::take(&mut self.buf);
                self.sink.send(all);
                return;
            };
            let total = end + 4 + len;
            if self.buf.len() < total {
                return;
            }
            let rest = self.buf.split_off(total);
            let whole = std::mem::replace(&mut self.buf, rest);
            self.sink.send(whole);
        }
    }
}

impl AsyncWrite for FrameWriter {
    fn poll_write(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.buf.extend_from_slice(data);
        self.drain();
        Poll::Ready(Ok(data.len()))
    }
    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::expect;

    fn show(fr: Frame) -> String {
        match fr {
            Frame::Message(m) => {
                format!("msg {}", String::from_utf8_lossy(&m).replace("\r\n", "␍␊"))
            }
            Frame::Reply(m) => {
                let body = &m[m.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4..];
                format!("err {}", String::from_utf8_lossy(body))
            }
            Frame::Side(s) => format!("side {s:?}"),
            Frame::Answer(r) => format!("answer {r:?}"),
        }
    }

    fn run_with(f: &mut Framer, input: &[u8], chunk: usize) -> Vec<String> {
        let mut out = Vec::new();
        for c in input.chunks(chunk.max(1)) {
            f.push(c);
            while let Some(fr) = f.next_frame() {
                out.push(show(fr));
            }
        }
        out
    }

    fn run(input: &[u8], chunk: usize) -> Vec<String> {
        run_with(&mut Framer::default(), input, chunk)
    }

    /// The same frames whatever the size of the reads.
    fn run_all(input: &[u8]) -> String {
        let got = run(input, 1 << 16).join("\n");
        for chunk in [1, 2, 3, 7, 61] {
            assert_eq!(run(input, chunk).join("\n"), got, "chunk {chunk}");
        }
        got
    }

    const PING: &str = r#"{"jsonrpc":"2.0","id":7,"method":"x/ping","params":{}}"#;

    fn raw(len: usize, body: &[u8]) -> Vec<u8> {
        let mut v = format!("Content-Length: {len}\r\n\r\n").into_bytes();
        v.extend_from_slice(body);
        v
    }

    #[test]
    fn hostile_frames_are_answered_and_skipped() {
        let mut input = Vec::new();
        let bad = br#"{"jsonrpc":"2.0","id":1,"method":"textDocument/hover","params":{"#;
        input.extend(raw(bad.len(), bad));
        // Declared 10 bytes fewer than sent.
        input.extend(raw(PING.len() - 10, PING.as_bytes()));
        // Invalid UTF-8 inside a string.
        let utf = b"{\"jsonrpc\":\"2.0\",\"method\":\"x\",\"params\":\"\xff\xfe\"}";
        input.extend(raw(utf.len(), utf));
        // Valid JSON, not a message.
        input.extend(raw(9, br#"{"id":42}"#));
        // Declared 10 bytes more than sent: the next header is given back.
        input.extend(raw(PING.len() + 10, PING.as_bytes()));
        input.extend(frame(PING.as_bytes()));
        // Declared 1000 bytes more than sent: cut at the next header line.
        input.extend(raw(PING.len() + 1000, PING.as_bytes()));
        input.extend(frame(PING.as_bytes()));
        // What the decoder rejects: a lone surrogate, deep nesting, a number out of range.
        for b in [
            r#"{"jsonrpc":"2.0","id":2,"method":"textDocument/hover","params":{"text":"\ud83d"}}"#
                .to_string(),
            format!(
                r#"{{"jsonrpc":"2.0","id":3,"method":"m","params":{}{}}}"#,
                "[".repeat(127),
                "]".repeat(127)
            ),
            r#"{"jsonrpc":"2.0","method":"m","params":[1e999]}"#.to_string(),
        ] {
            input.extend(frame(b.as_bytes()));
        }
        // A request in the server's own reserved method.
        input.extend(frame(
            br#"{"jsonrpc":"2.0","id":5,"method":"nianbao/sideBand"}"#,
        ));
        input.extend(frame(PING.as_bytes()));
        expect![[r#"
            err {"error":{"code":-32700,"message":"Parse error: invalid JSON"},"id":1,"jsonrpc":"2.0"}
            err {"error":{"code":-32700,"message":"Parse error: invalid JSON"},"id":7,"jsonrpc":"2.0"}
            err {"error":{"code":-32700,"message":"Parse error: invalid UTF-8"},"id":null,"jsonrpc":"2.0"}
            err {"error":{"code":-32600,"message":"Invalid Request"},"id":42,"jsonrpc":"2.0"}
            msg Content-Length: 54␍␊␍␊{"jsonrpc":"2.0","id":7,"method":"x/ping","params":{}}
            msg Content-Length: 54␍␊␍␊{"jsonrpc":"2.0","id":7,"method":"x/ping","params":{}}
            msg Content-Length: 54␍␊␍␊{"jsonrpc":"2.0","id":7,"method":"x/ping","params":{}}
            msg Content-Length: 54␍␊␍␊{"jsonrpc":"2.0","id":7,"method":"x/ping","params":{}}
            err {"error":{"code":-32600,"message":"Invalid Request"},"id":2,"jsonrpc":"2.0"}
            err {"error":{"code":-32600,"message":"Invalid Request"},"id":3,"jsonrpc":"2.0"}
            err {"error":{"code":-32600,"message":"Invalid Request"},"id":null,"jsonrpc":"2.0"}
            err {"error":{"code":-32601,"message":"Method not found"},"id":5,"jsonrpc":"2.0"}
            msg Content-Length: 54␍␊␍␊{"jsonrpc":"2.0","id":7,"method":"x/ping","params":{}}"#]]
        .assert_eq(&run_all(&input));
    }

    #[test]
    fn garbage_and_missing_length() {
        let mut input = b"garbage\r\nX-Foo: 1\r\n\r\n".to_vec();
        input.extend(frame(PING.as_bytes()));
        input.extend(b"Content-Type: application/vscode-jsonrpc\r\n\r\n");
        input.extend(frame(PING.as_bytes()));
        input.extend(b"Content-Length: 12x\r\n\r\n");
        input.extend(frame(PING.as_bytes()));
        let got = run_all(&input);
        let kinds: Vec<&str> = got.lines().map(|l| &l[..3]).collect();
        assert_eq!(kinds, ["msg", "err", "msg", "err", "msg"], "{got}");
    }

    /// Header lines ending in LF or CR alone are accepted; a header without its blank line is
    /// answered and the next frame is kept.
    #[test]
    fn line_breaks_of_headers() {
        let mut input = Vec::new();
        input.extend(format!("Content-Length: {}\n\n{PING}", PING.len()).as_bytes());
        input.extend(format!("Content-Length: {}\r\r{PING}", PING.len()).as_bytes());
        input.extend(
            format!(
                "Content-Type: x\nContent-Length: {}\r\n\n{PING}",
                PING.len()
            )
            .as_bytes(),
        );
        input.extend(format!("Content-Length: {}\r\n{PING}", PING.len()).as_bytes());
        input.extend(frame(PING.as_bytes()));
        let got = run_all(&input);
        let kinds: Vec<&str> = got.lines().map(|l| &l[..3]).collect();
        assert_eq!(kinds, ["msg", "msg", "msg", "err", "msg"], "{got}");
    }

    /// A header section that does not end is answered once it passes 8 KiB, read once, and the
    /// next frame is kept.
    #[test]
    fn endless_header_is_bounded() {
        let mut input = b"Content-Type: ".to_vec();
        input.extend(std::iter::repeat_n(b'x', 4 << 20));
        input.extend(b"\r\n\r\n");
        input.extend(frame(PING.as_bytes()));
        let mut f = Framer::default();
        let got = run_with(&mut f, &input, 4096);
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got[0].contains("header section too long"), "{got:?}");
        assert!(got[1].starts_with("msg"));
        assert!(f.buf.capacity() < 1 << 20, "{}", f.buf.capacity());
    }

    /// A body above the limit is skipped as it comes, never kept; what it was is read from it
    /// to answer it.
    #[test]
    fn oversized_bodies_are_skipped_unread() {
        let big = "中".repeat(300_000);
        let hover = format!(
            r#"{{"jsonrpc":"2.0","method":"textDocument/hover","params":{{"x":"{big}"}},"id":31}}"#
        );
        let change = format!(
            r#"{{"jsonrpc":"2.0","method":"textDocument/didChange","params":{{"contentChanges":[{{"text":"{big}"}}],"textDocument":{{"uri":"file:///r.md","version":4}}}}}}"#
        );
        let mut input = frame(hover.as_bytes());
        input.extend(frame(change.as_bytes()));
        // A length far larger than what follows: the next frame's header ends the skipping.
        input.extend(raw(1 << 30, br#"{"jsonrpc":"2.0","method":"x"}"#));
        input.extend(frame(PING.as_bytes()));
        let mut f = Framer::new(64 << 10);
        let got = run_with(&mut f, &input, 4096);
        assert!(f.buf.capacity() < 256 << 10, "{}", f.buf.capacity());
        expect![[r#"
            err {"error":{"code":-32600,"message":"Invalid Request: message of 900073 bytes exceeds the limit of 65536 bytes"},"id":31,"jsonrpc":"2.0"}
            side Lost { method: "textDocument/didChange", uri: Some(Uri(Uri { scheme: "file", authority: Some(Authority { userinfo: None, host: "", host_parsed: RegName(""), port: None }), path: "/r.md", query: None, fragment: None })), version: Some(4), why: TooLarge(900143) }
            err {"error":{"code":-32600,"message":"Invalid Request: message of 1073741824 bytes exceeds the limit of 65536 bytes"},"id":null,"jsonrpc":"2.0"}
            msg Content-Length: 54␍␊␍␊{"jsonrpc":"2.0","id":7,"method":"x/ping","params":{}}"#]]
        .assert_eq(&got.join("\n"));
        for chunk in [1, 7, 100_000] {
            assert_eq!(
                run_with(&mut Framer::new(64 << 10), &input, chunk),
                got,
                "{chunk}"
            );
        }
    }

    #[test]
    fn sync_messages_the_decoder_rejects_go_to_the_side_band() {
        let change = b"{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didChange\",\"params\":{\"textDocument\":{\"uri\":\"file:///a.md\",\"version\":2},\"contentChanges\":[{\"range\":{\"start\":{\"line\":0,\"character\":1},\"end\":{\"line\":0,\"character\":1}},\"text\":\"\xe4\xb8\"}]}}";
        let mut input = frame(change);
        input.extend(frame(
            br#"{"jsonrpc":"2.0","result":[{"a":1}],"id":"nianbao-3"}"#,
        ));
        input.extend(frame(br#"{"jsonrpc":"2.0","result":null,"id":3}"#));
        let got = run_all(&input);
        assert!(
            got.lines().next().unwrap().starts_with("side Change"),
            "{got}"
        );
        assert!(got.contains(r#"text: Bytes([228, 184])"#), "{got}");
        assert!(got.lines().nth(1).unwrap().starts_with("answer"), "{got}");
        assert!(got.lines().nth(2).unwrap().starts_with("msg"), "{got}");
    }

    #[test]
    fn writer_emits_whole_frames() {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let mut w = FrameWriter::new(tx);
        let two = [frame(b"{}"), frame(b"[1]")].concat();
        for b in two.chunks(5) {
            w.buf.extend_from_slice(b);
            w.drain();
        }
        assert_eq!(rx.try_recv().ok(), Some(frame(b"{}")));
        assert_eq!(rx.try_recv().ok(), Some(frame(b"[1]")));
        assert!(rx.try_recv().is_err());
    }
}
