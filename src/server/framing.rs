//! A tolerant framing layer in front of tower-lsp-server, whose own codec ends the session on the
//! first undecodable message. [`Framer`] cuts the input into `Content-Length` frames and passes on
//! only well-formed JSON-RPC messages; for a bad frame it produces the JSON-RPC error answer itself
//! (-32700 parse error, -32600 invalid request) and resynchronises on the next header;
//! [`FramedInput`] runs it over the client's byte stream. [`FrameWriter`] collects the server's output into whole frames so that these answers never
//! interleave with it.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use serde_json::Value;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};
use tower_lsp_server::jsonrpc::{Id, Response};

/// Larger declared bodies are refused (and the input resynchronised).
const MAX_BODY: usize = 512 * 1024 * 1024;
const HEADER: &[u8] = b"Content-Length";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// A well-formed message, framed again for the server.
    Message(Vec<u8>),
    /// A JSON-RPC error response to send to the client.
    Reply(Vec<u8>),
}

#[derive(Debug, Default)]
pub struct Framer {
    buf: Vec<u8>,
    pos: usize,
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

pub fn error_reply(code: i64, message: &str, id: Value) -> Vec<u8> {
    let v = serde_json::json!({ "jsonrpc": "2.0", "id": id, "error": { "code": code, "message": message } });
    frame(v.to_string().as_bytes())
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

/// Would tower-lsp-server's decoder take this body? It reads a [`Request`] or a [`Response`].
/// A request is checked with [`RequestShape`], which accepts exactly what `Request` does without
/// building its parameters (the decoder parses them again anyway).
fn is_message(body: &[u8]) -> bool {
    serde_json::from_slice::<RequestShape>(body).is_ok_and(|r| r.jsonrpc == "2.0")
        || serde_json::from_slice::<Response>(body).is_ok()
}

/// The fields of tower-lsp-server's `Request`, with the same rules: `jsonrpc` a string (it must
/// be "2.0"), `method` a string if present, `params` any value if present, `id` an `Id` if
/// present; other fields ignored.
#[derive(serde::Deserialize)]
struct RequestShape<'a> {
    #[serde(borrow)]
    jsonrpc: std::borrow::Cow<'a, str>,
    #[serde(default, borrow)]
    #[allow(dead_code)]
    method: std::borrow::Cow<'a, str>,
    #[serde(default, deserialize_with = "some")]
    #[allow(dead_code)]
    params: Option<serde::de::IgnoredAny>,
    #[serde(default, deserialize_with = "some")]
    #[allow(dead_code)]
    id: Option<Id>,
}

fn some<'de, T: serde::Deserialize<'de>, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

impl Framer {
    pub fn push(&mut self, data: &[u8]) {
        if self.pos > 0 && self.pos >= self.buf.len() / 2 {
            self.buf.drain(..self.pos);
            self.pos = 0;
            // A large document has passed: give its room back.
            if self.buf.capacity() > 1 << 20 && self.buf.len() < 1 << 16 {
                self.buf.shrink_to(1 << 16);
            }
        }
        self.buf.extend_from_slice(data);
    }

    /// The next frame, or `None` when more input is needed.
    pub fn next_frame(&mut self) -> Option<Frame> {
        loop {
            let rest = &self.buf[self.pos..];
            // Skip line breaks between frames; skip garbage up to the next header.
            let lead = rest.iter().take_while(|b| b.is_ascii_whitespace()).count();
            let rest = &rest[lead..];
            self.pos += lead;
            if rest.is_empty() {
                return None;
            }
            if !starts_with_header_prefix(rest) {
                match find(rest, HEADER) {
                    Some(i) => {
                        self.pos += i;
                        continue;
                    }
                    None => {
                        // Keep a tail that might be the start of a header.
                        let keep = (HEADER.len() - 1).min(rest.len());
                        self.pos += rest.len() - keep;
                        return None;
                    }
                }
            }
            let end = find(rest, b"\r\n\r\n")?;
            let head = &rest[..end];
            let body_start = end + 4;
            let len = match content_length(head) {
                Some(n) if n <= MAX_BODY => n,
                _ => {
                    // A header block without a usable length: answer once, resynchronise after it.
                    self.pos += body_start;
                    return Some(Frame::Reply(error_reply(
                        -32700,
                        "Parse error: missing or invalid Content-Length",
                        Value::Null,
                    )));
                }
            };
            if rest.len() < body_start + len {
                return None;
            }
            let body = &rest[body_start..body_start + len];
            let (frame, used) = classify(body);
            self.pos += body_start + used;
            return Some(frame);
        }
    }
}

trait StartsWithCi {
    fn starts_with_ci(&self, prefix: &[u8]) -> bool;
}

impl StartsWithCi for [u8] {
    fn starts_with_ci(&self, prefix: &[u8]) -> bool {
        self.len() >= prefix.len() && self[..prefix.len()].eq_ignore_ascii_case(prefix)
    }
}

fn starts_with_header_prefix(rest: &[u8]) -> bool {
    // A frame starts with its headers; `Content-Type` may come first.
    rest.starts_with_ci(b"Content-")
}

fn content_length(head: &[u8]) -> Option<usize> {
    let head = std::str::from_utf8(head).ok()?;
    head.split("\r\n").find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.trim()
            .eq_ignore_ascii_case("content-length")
            .then(|| value.trim().parse().ok())?
    })
}

/// What a body is, and how many of its bytes it used: a declared length that is too long swallows
/// the start of the next frame's header, which is given back.
fn classify(body: &[u8]) -> (Frame, usize) {
    if std::str::from_utf8(body).is_err() {
        return (
            Frame::Reply(error_reply(
                -32700,
                "Parse error: invalid UTF-8",
                Value::Null,
            )),
            body.len(),
        );
    }
    if is_message(body) {
        return (Frame::Message(frame(body)), body.len());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(v) => {
            let id = match v.get("id") {
                Some(id @ (Value::Number(_) | Value::String(_))) => id.clone(),
                _ => Value::Null,
            };
            (
                Frame::Reply(error_reply(-32600, "Invalid Request", id)),
                body.len(),
            )
        }
        Err(_) => {
            // A complete message followed by the start of the next header?
            let mut stream =
                serde_json::Deserializer::from_slice(body).into_iter::<serde::de::IgnoredAny>();
            if let Some(Ok(_)) = stream.next() {
                let end = stream.byte_offset();
                let tail = &body[end..];
                let t = &tail[tail.iter().take_while(|b| b.is_ascii_whitespace()).count()..];
                let header_like = HEADER.starts_with_ci(t) || t.starts_with_ci(HEADER);
                if header_like && is_message(&body[..end]) {
                    return (Frame::Message(frame(&body[..end])), end);
                }
            }
            (
                Frame::Reply(error_reply(
                    -32700,
                    "Parse error: invalid JSON",
                    Value::Null,
                )),
                body.len(),
            )
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
        true
    }

    fn set(&mut self, bytes: Vec<u8>) {
        *self = Handover { bytes, at: 0 };
    }
}

/// The server's input: the client's bytes cut into frames by a [`Framer`], only well-formed
/// messages passed on to the server; the answers to bad frames go straight to `replies`. It reads
/// its source on the caller's task, so no thread or task stands between the client and the server.
pub struct FramedInput<R> {
    inner: R,
    framer: Framer,
    replies: FrameSink,
    /// The frame being handed to the server.
    cur: Handover,
    buf: Box<[u8]>,
    eof: bool,
}

impl<R> FramedInput<R> {
    pub fn new(inner: R, replies: FrameSink) -> Self {
        FramedInput {
            inner,
            framer: Framer::default(),
            replies,
            cur: Handover::default(),
            buf: vec![0u8; 64 * 1024].into_boxed_slice(),
            eof: false,
        }
    }
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

    fn run(input: &[u8], chunk: usize) -> Vec<String> {
        let mut f = Framer::default();
        let mut out = Vec::new();
        for c in input.chunks(chunk.max(1)) {
            f.push(c);
            while let Some(fr) = f.next_frame() {
                out.push(match fr {
                    Frame::Message(m) => {
                        format!("msg {}", String::from_utf8_lossy(&m).replace("\r\n", "␍␊"))
                    }
                    Frame::Reply(m) => {
                        format!("err {}", String::from_utf8_lossy(&m).replace("\r\n", "␍␊"))
                    }
                });
            }
        }
        out
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
        let got = run(&input, 4096).join("\n");
        for chunk in [1, 7] {
            assert_eq!(run(&input, chunk).join("\n"), got, "chunk {chunk}");
        }
        expect![[r#"
            err Content-Length: 89␍␊␍␊{"error":{"code":-32700,"message":"Parse error: invalid JSON"},"id":null,"jsonrpc":"2.0"}
            err Content-Length: 89␍␊␍␊{"error":{"code":-32700,"message":"Parse error: invalid JSON"},"id":null,"jsonrpc":"2.0"}
            err Content-Length: 90␍␊␍␊{"error":{"code":-32700,"message":"Parse error: invalid UTF-8"},"id":null,"jsonrpc":"2.0"}
            err Content-Length: 77␍␊␍␊{"error":{"code":-32600,"message":"Invalid Request"},"id":42,"jsonrpc":"2.0"}
            msg Content-Length: 54␍␊␍␊{"jsonrpc":"2.0","id":7,"method":"x/ping","params":{}}
            msg Content-Length: 54␍␊␍␊{"jsonrpc":"2.0","id":7,"method":"x/ping","params":{}}"#]].assert_eq(&got);
    }

    /// The quick check accepts exactly what tower-lsp-server's decoder does.
    #[test]
    fn message_check_agrees_with_the_decoder() {
        use tower_lsp_server::jsonrpc::Request;
        let bodies = [
            r#"{"jsonrpc":"2.0","method":"m"}"#,
            r#"{"jsonrpc":"2.0","method":"m","params":null,"id":null}"#,
            r#"{"jsonrpc":"2.0","method":"m","params":[1,{"a":[]}],"id":"x"}"#,
            r#"{"jsonrpc":"2.0","method":"m\u00e9","id":7,"extra":{"z":1}}"#,
            r#"{"jsonrpc":"2.0","id":7}"#,
            r#"{"jsonrpc":"2.0","method":5}"#,
            r#"{"jsonrpc":"2.0","method":null}"#,
            r#"{"jsonrpc":"2.0","method":"m","id":1.5}"#,
            r#"{"jsonrpc":"2.0","method":"m","id":{}}"#,
            r#"{"jsonrpc":"2.0","method":"m","id":-3}"#,
            r#"{"jsonrpc":"1.0","method":"m"}"#,
            r#"{"jsonrpc":2,"method":"m"}"#,
            r#"{"method":"m"}"#,
            r#"{"jsonrpc":"2.0","method":"m","method":"n"}"#,
            r#"{"jsonrpc":"2.0","result":null,"id":1}"#,
            r#"{"jsonrpc":"2.0","error":{"code":-1,"message":"x"},"id":1}"#,
            r#"["2.0","m",null,1]"#,
            r#"[]"#,
            r#"7"#,
            r#""s""#,
            r#"null"#,
        ];
        for b in bodies {
            let b = b.as_bytes();
            let decoder = serde_json::from_slice::<Request>(b).is_ok()
                || serde_json::from_slice::<Response>(b).is_ok();
            assert_eq!(is_message(b), decoder, "{}", String::from_utf8_lossy(b));
        }
    }

    #[test]
    fn garbage_and_missing_length() {
        let mut input = b"garbage\r\nX-Foo: 1\r\n\r\n".to_vec();
        input.extend(frame(PING.as_bytes()));
        input.extend(b"Content-Type: application/vscode-jsonrpc\r\n\r\n");
        input.extend(frame(PING.as_bytes()));
        let got = run(&input, 3);
        assert_eq!(got.len(), 3, "{got:?}");
        assert!(
            got[0].starts_with("msg") && got[1].starts_with("err") && got[2].starts_with("msg")
        );
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
