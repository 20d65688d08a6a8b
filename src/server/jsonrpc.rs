//! What a message body is, decided before tower-lsp-server's decoder sees it. The decoder parses
//! every body with serde_json into its `Message` (a request or a response, whose parameters are a
//! `serde_json::Value`), and its input stream ends at the first body it cannot parse. So the
//! framing layer passes on only bodies that [`accepts`] says the decoder takes — the same serde_json
//! walk over every value (escapes, `\u` surrogates, nesting depth, number range) and the same
//! request and response shapes — and answers the others itself. Document-sync notifications the
//! decoder would reject are not lost: [`read_sync`] reads them with their texts as bytes
//! (a change may end inside a character) for the server's side band ([`Side`]), and when even
//! that fails, [`Sniffer`] finds out which document the lost change was for.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Deserialize;
use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use tokio::sync::oneshot;
use tower_lsp_server::jsonrpc::{Id, Response};
use tower_lsp_server::ls_types as lsp;

/// The method of the notification that stands in the server's input for the next item of the
/// side band. A client's message with this method is refused.
pub const SIDEBAND_METHOD: &str = "nianbao/sideBand";

pub const DID_OPEN: &str = "textDocument/didOpen";
pub const DID_CHANGE: &str = "textDocument/didChange";
pub const DID_CLOSE: &str = "textDocument/didClose";

fn is_sync(method: &str) -> bool {
    matches!(method, DID_OPEN | DID_CHANGE | DID_CLOSE)
}

// ------------------------------------------------------------------------------------------------
// What the decoder accepts

/// Every value of a JSON text walked the way `serde_json::Value` is built (`deserialize_any`
/// all the way down: the same recursion limit, string escapes and number conversions), without
/// building anything.
struct Valid;

impl<'de> Deserialize<'de> for Valid {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Valid, D::Error> {
        d.deserialize_any(ValidVisitor)
    }
}

struct ValidVisitor;

impl<'de> Visitor<'de> for ValidVisitor {
    type Value = Valid;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<Valid, E> {
        Ok(Valid)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Valid, E> {
        Ok(Valid)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Valid, E> {
        Ok(Valid)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Valid, E> {
        Ok(Valid)
    }
    fn visit_str<E>(self, _: &str) -> Result<Valid, E> {
        Ok(Valid)
    }
    fn visit_unit<E>(self) -> Result<Valid, E> {
        Ok(Valid)
    }
    fn visit_none<E>(self) -> Result<Valid, E> {
        Ok(Valid)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Valid, D::Error> {
        Valid::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Valid, A::Error> {
        while seq.next_element::<Valid>()?.is_some() {}
        Ok(Valid)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Valid, A::Error> {
        while map.next_key::<Valid>()?.is_some() {
            map.next_value::<Valid>()?;
        }
        Ok(Valid)
    }
}

/// The fields of tower-lsp-server's `Request`, with the same rules: `jsonrpc` a string (it must
/// be "2.0"), `method` a string if present, `params` any value if present, `id` an `Id` if
/// present; other fields ignored (their values are checked by [`Valid`]).
#[derive(Deserialize)]
struct RequestShape<'a> {
    #[serde(borrow)]
    jsonrpc: Cow<'a, str>,
    #[serde(default, borrow)]
    method: Cow<'a, str>,
    #[serde(default, deserialize_with = "some")]
    #[allow(dead_code)]
    params: Option<IgnoredAny>,
    #[serde(default, deserialize_with = "some")]
    id: Option<Id>,
}

fn some<'de, T: Deserialize<'de>, D: Deserializer<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// A body the decoder takes.
#[derive(Debug)]
pub enum Accepted<'a> {
    Request {
        method: Cow<'a, str>,
        id: Option<Id>,
    },
    Response(Response),
}

/// Values that skipping accepts and building a `Value` could still reject cannot be in this
/// body: it has no `\u` escape (a lone surrogate), fewer than 127 brackets (serde_json's limit is
/// 128 levels), no exponent and fewer than 300 digits (a number out of the range of f64). Every
/// other check (syntax, escapes, control characters, UTF-8) is the same in both. Keeps the full
/// walk off the path of a keystroke.
fn plainly_valid(body: &[u8]) -> bool {
    let Some(&last) = body.last() else {
        return true;
    };
    let digit = |c: u8| c.wrapping_sub(b'0') < 10;
    let (mut brackets, mut digits, mut risky) = (0usize, 0usize, false);
    // One pass over each byte and the next, in blocks whose counts fit a byte (vectorised).
    let n = body.len() - 1;
    for (a, b) in body[..n].chunks(255).zip(body[1..].chunks(255)) {
        let (mut bb, mut dd, mut rr) = (0u8, 0u8, 0u8);
        for (&x, &y) in a.iter().zip(b) {
            bb += u8::from(x == b'[' || x == b'{');
            dd += u8::from(digit(x));
            rr |= u8::from((x == b'\\' && y == b'u') || (digit(x) && y | 0x20 == b'e'));
        }
        brackets += usize::from(bb);
        digits += usize::from(dd);
        risky |= rr != 0;
    }
    brackets += usize::from(last == b'[' || last == b'{');
    digits += usize::from(digit(last));
    !risky && brackets < 127 && digits < 300
}

/// Every value of the body as the decoder's `serde_json::Value` would take it.
fn values_valid(text: &str) -> bool {
    plainly_valid(text.as_bytes()) || serde_json::from_str::<Valid>(text).is_ok()
}

/// Would tower-lsp-server's decoder (`serde_json::from_str` into its untagged `Message`: a
/// `Response`, else a `Request`) take this body, and as what?
pub fn accepts(body: &[u8]) -> Option<Accepted<'_>> {
    let text = std::str::from_utf8(body).ok()?;
    // The common case first: a request or notification. A body that is both a request and a
    // response is taken by the decoder as a response (the enum's first variant).
    if let Ok(r) = serde_json::from_str::<RequestShape>(text)
        && r.jsonrpc == "2.0"
        && values_valid(text)
    {
        if !r.method.is_empty() || r.id.is_none() {
            return Some(Accepted::Request {
                method: r.method,
                id: r.id,
            });
        }
        // `{"jsonrpc":"2.0","id":…}` with a result or error is a response.
        if let Ok(resp) = serde_json::from_str::<Response>(text) {
            return Some(Accepted::Response(resp));
        }
        return Some(Accepted::Request {
            method: r.method,
            id: r.id,
        });
    }
    let resp = serde_json::from_str::<Response>(text).ok()?;
    values_valid(text).then_some(Accepted::Response(resp))
}

// ------------------------------------------------------------------------------------------------
// The side band

/// A text as the client sent it: UTF-8, or bytes that are not (yet) UTF-8 on their own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NewText {
    Str(String),
    Bytes(Vec<u8>),
}

impl NewText {
    pub fn from_bytes(bytes: Vec<u8>) -> NewText {
        match String::from_utf8(bytes) {
            Ok(s) => NewText::Str(s),
            Err(e) => NewText::Bytes(e.into_bytes()),
        }
    }

    pub fn as_bytes(&self) -> &[u8] {
        match self {
            NewText::Str(s) => s.as_bytes(),
            NewText::Bytes(b) => b,
        }
    }

    pub fn len(&self) -> usize {
        self.as_bytes().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One content change of a `didChange`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub range: Option<lsp::Range>,
    pub text: NewText,
}

/// Why a document-sync message could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lost {
    /// The message was larger than the framing layer's limit (its declared length).
    TooLarge(usize),
    /// Not readable; the reason, in Chinese.
    Unreadable(String),
}

/// What the framing layer hands to the server beside the decoder's stream, in stream order.
#[derive(Debug, Clone, PartialEq)]
pub enum Side {
    Open {
        uri: lsp::Uri,
        version: i32,
        text: NewText,
    },
    Change {
        uri: lsp::Uri,
        version: i32,
        changes: Vec<Change>,
    },
    Close {
        uri: lsp::Uri,
    },
    /// A document-sync message that was not applied.
    Lost {
        method: String,
        uri: Option<lsp::Uri>,
        version: Option<i32>,
        why: Lost,
    },
}

/// The items waiting for their stand-in notification to reach the server.
#[derive(Default)]
pub struct SideBand(Mutex<VecDeque<Side>>);

impl SideBand {
    pub fn push(&self, s: Side) {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push_back(s);
    }
    pub fn pop(&self) -> Option<Side> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).pop_front()
    }
}

/// A string read as bytes: escapes decoded, no UTF-8 check (a lone `\u` surrogate becomes its
/// three-byte form, as serde_json gives it).
struct RawBytes(Vec<u8>);

impl<'de> Deserialize<'de> for RawBytes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<RawBytes, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawBytes;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_bytes<E>(self, v: &[u8]) -> Result<RawBytes, E> {
                Ok(RawBytes(v.to_vec()))
            }
            fn visit_byte_buf<E>(self, v: Vec<u8>) -> Result<RawBytes, E> {
                Ok(RawBytes(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<RawBytes, E> {
                Ok(RawBytes(v.as_bytes().to_vec()))
            }
        }
        d.deserialize_bytes(V)
    }
}

/// The decoder's message as `read_sync` needs it (the method is known already).
#[derive(Deserialize)]
struct RawMessage<P> {
    params: P,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawOpenParams {
    text_document: RawOpenDoc,
}

#[derive(Deserialize)]
struct RawOpenDoc {
    uri: lsp::Uri,
    version: i32,
    text: RawBytes,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawChangeParams {
    text_document: lsp::VersionedTextDocumentIdentifier,
    content_changes: Vec<RawChange>,
}

#[derive(Deserialize)]
struct RawChange {
    #[serde(default)]
    range: Option<lsp::Range>,
    text: RawBytes,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawCloseParams {
    text_document: lsp::TextDocumentIdentifier,
}

/// A document-sync notification that the decoder rejects (a text that is not UTF-8 on its own,
/// a lone surrogate, values it cannot hold in fields nobody reads), read with its texts as bytes.
pub fn read_sync(method: &str, body: &[u8]) -> Option<Side> {
    match method {
        DID_OPEN => {
            let m: RawMessage<RawOpenParams> = serde_json::from_slice(body).ok()?;
            let d = m.params.text_document;
            Some(Side::Open {
                uri: d.uri,
                version: d.version,
                text: NewText::from_bytes(d.text.0),
            })
        }
        DID_CHANGE => {
            let m: RawMessage<RawChangeParams> = serde_json::from_slice(body).ok()?;
            Some(Side::Change {
                uri: m.params.text_document.uri,
                version: m.params.text_document.version,
                changes: m
                    .params
                    .content_changes
                    .into_iter()
                    .map(|c| Change {
                        range: c.range,
                        text: NewText::from_bytes(c.text.0),
                    })
                    .collect(),
            })
        }
        DID_CLOSE => {
            let m: RawMessage<RawCloseParams> = serde_json::from_slice(body).ok()?;
            Some(Side::Close {
                uri: m.params.text_document.uri,
            })
        }
        _ => None,
    }
}

// ------------------------------------------------------------------------------------------------
// Rejected bodies

/// What to do with a body the decoder would reject.
#[derive(Debug, PartialEq, Default)]
pub struct Rejected {
    /// An error response for the client (unframed).
    pub reply: Option<Vec<u8>>,
    /// An item for the server.
    pub side: Option<Side>,
}

/// The answer to a body the decoder would reject. A document-sync notification is read at the
/// byte level, or else reported lost to the server (which tells the user; when not even its
/// document can be told, it is answered like any other body too). Anything else gets an error
/// reply, with the request's id when it has one: -32700 when the body is not complete JSON or
/// not UTF-8, -32600 when it is.
pub fn reject(body: &[u8]) -> Rejected {
    let mut s = Sniffer::default();
    s.feed(body);
    let found = s.finish();
    let utf8 = std::str::from_utf8(body).is_ok();
    let mut out = Rejected::default();
    if let Some(method) = found.method.as_deref().filter(|m| is_sync(m)) {
        if let Some(side) = read_sync(method, body) {
            out.side = Some(side);
            return out;
        }
        let why = if !found.complete {
            "消息不是完整的 JSON"
        } else if !utf8 {
            "消息含有无效的 UTF-8 字节"
        } else {
            "消息的参数无法读取"
        };
        let lost = found.lost(Lost::Unreadable(why.to_string()));
        let known = matches!(&lost, Side::Lost { uri: Some(_), .. });
        out.side = Some(lost);
        if known {
            return out;
        }
    }
    if found.response && found.complete {
        // A response of the client's that cannot be read: nothing to answer.
        return out;
    }
    let id = found.id.clone().unwrap_or(Value::Null);
    out.reply = Some(if !found.complete {
        error_body(-32700, "Parse error: invalid JSON", id)
    } else if !utf8 {
        error_body(-32700, "Parse error: invalid UTF-8", id)
    } else {
        error_body(-32600, "Invalid Request", id)
    });
    out
}

/// A JSON-RPC error response (unframed).
pub fn error_body(code: i64, message: &str, id: Value) -> Vec<u8> {
    serde_json::to_vec(
        &serde_json::json!({ "jsonrpc": "2.0", "id": id, "error": { "code": code, "message": message } }),
    )
    .unwrap_or_default()
}

// ------------------------------------------------------------------------------------------------
// Sniffing

/// Where an object sits in a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Top,
    Params,
    TextDocument,
}

/// A value being read for later.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Id,
    Method,
    Uri,
    Version,
}

impl Target {
    fn cap(self) -> usize {
        match self {
            Target::Uri => 8192,
            _ => 256,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum St {
    /// Before the top-level value.
    Start,
    /// Expecting a key or the end of the object.
    Key,
    /// After a key, expecting `:`.
    Colon,
    /// Expecting a value.
    Value,
    /// After a value, expecting `,` or the end of the object.
    After,
    /// In a string (`key`: an object key).
    Str { key: bool, esc: bool },
    /// In a number or literal.
    Scalar,
    /// Inside a value nobody reads (an array, or an object that is not one of the three places).
    Skip { depth: u64, in_str: bool, esc: bool },
    /// After the top-level value.
    Done,
    /// Not JSON.
    Broken,
}

/// Reads the parts of a JSON-RPC message that say what it is — `id`, `method`,
/// `params.textDocument.uri` and `.version` — from bytes as they stream past (a message too
/// large to keep, or one that is not valid JSON), without keeping the rest and without
/// checking it. A tolerant, one-pass, constant-memory walk.
#[derive(Debug)]
pub struct Sniffer {
    st: St,
    /// The objects entered (at most the three places).
    stack: Vec<Place>,
    key: Vec<u8>,
    target: Option<Target>,
    val: Vec<u8>,
    /// The value being read is a string.
    val_str: bool,
    /// Hex digits of a `\u` escape still to come, and their value so far.
    hex_left: u8,
    hex: u32,
    /// A high surrogate waiting for its low half.
    pending_high: Option<u32>,
    overflow: bool,
    found: Sniffed,
}

impl Default for Sniffer {
    fn default() -> Self {
        Sniffer {
            st: St::Start,
            stack: Vec::new(),
            key: Vec::new(),
            target: None,
            val: Vec::new(),
            val_str: false,
            hex_left: 0,
            hex: 0,
            pending_high: None,
            overflow: false,
            found: Sniffed::default(),
        }
    }
}

/// What a [`Sniffer`] found.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Sniffed {
    pub id: Option<Value>,
    pub method: Option<String>,
    pub uri: Option<String>,
    pub version: Option<i64>,
    /// The top-level object was read to its end.
    pub complete: bool,
    /// It has a `result` or an `error`: a response, which is never answered.
    pub response: bool,
}

impl Sniffed {
    /// The side-band item for a lost document-sync message.
    pub fn lost(&self, why: Lost) -> Side {
        Side::Lost {
            method: self.method.clone().unwrap_or_default(),
            uri: self.uri.as_deref().and_then(|u| u.parse().ok()),
            version: self.version.and_then(|v| i32::try_from(v).ok()),
            why,
        }
    }

    pub fn is_sync(&self) -> bool {
        self.method.as_deref().is_some_and(is_sync)
    }
}

impl Sniffer {
    pub fn feed(&mut self, mut data: &[u8]) {
        while !data.is_empty() {
            let used = self.step(data);
            data = &data[used..];
        }
    }

    pub fn finish(mut self) -> Sniffed {
        if self.st == St::Scalar {
            // A number at the very end of the input (only possible for a top-level scalar).
            self.end_value();
        }
        self.found.complete = self.st == St::Done;
        self.found
    }

    /// Handles the start of `data`; returns how many bytes it used (at least one).
    fn step(&mut self, data: &[u8]) -> usize {
        let b = data[0];
        match self.st {
            St::Done | St::Broken => data.len(),
            St::Str { key, esc } => self.string(data, key, esc),
            St::Skip { depth, in_str, esc } => self.skip(data, depth, in_str, esc),
            St::Scalar => {
                let n = data
                    .iter()
                    .position(|&c| matches!(c, b',' | b'}' | b']') || c.is_ascii_whitespace())
                    .unwrap_or(data.len());
                self.capture(&data[..n]);
                if n < data.len() {
                    self.end_value();
                }
                n
            }
            _ if b.is_ascii_whitespace() => 1,
            St::Start => {
                if b == b'{' {
                    self.stack.push(Place::Top);
                    self.st = St::Key;
                } else {
                    self.st = St::Broken;
                }
                1
            }
            St::Key => {
                match b {
                    b'"' => {
                        self.key.clear();
                        self.overflow = false;
                        self.st = St::Str {
                            key: true,
                            esc: false,
                        };
                    }
                    b'}' => self.close(),
                    _ => self.st = St::Broken,
                }
                1
            }
            St::Colon => {
                self.st = if b == b':' { St::Value } else { St::Broken };
                1
            }
            St::After => {
                match b {
                    b',' => self.st = St::Key,
                    b'}' => self.close(),
                    _ => self.st = St::Broken,
                }
                1
            }
            St::Value => {
                let place = *self.stack.last().unwrap_or(&Place::Top);
                let key = self.key.as_slice();
                let target = match (place, key) {
                    (Place::Top, b"id") => Some(Target::Id),
                    (Place::Top, b"method") => Some(Target::Method),
                    (Place::TextDocument, b"uri") => Some(Target::Uri),
                    (Place::TextDocument, b"version") => Some(Target::Version),
                    _ => None,
                };
                if place == Place::Top && matches!(key, b"result" | b"error") {
                    self.found.response = true;
                }
                let child = match (place, key) {
                    (Place::Top, b"params") => Some(Place::Params),
                    (Place::Params, b"textDocument") => Some(Place::TextDocument),
                    _ => None,
                };
                self.val.clear();
                self.overflow = false;
                match b {
                    b'{' if child.is_some() => {
                        self.stack.extend(child);
                        self.st = St::Key;
                    }
                    b'{' | b'[' => {
                        self.st = St::Skip {
                            depth: 1,
                            in_str: false,
                            esc: false,
                        }
                    }
                    b'"' => {
                        self.target = target;
                        self.val_str = true;
                        self.st = St::Str {
                            key: false,
                            esc: false,
                        };
                    }
                    _ => {
                        self.target = target;
                        self.st = St::Scalar;
                        self.val_str = false;
                        return self.step(data);
                    }
                }
                1
            }
        }
    }

    fn close(&mut self) {
        self.stack.pop();
        self.st = if self.stack.is_empty() {
            St::Done
        } else {
            St::After
        };
    }

    fn capture(&mut self, bytes: &[u8]) {
        if let Some(t) = self.target {
            if self.val.len() + bytes.len() > t.cap() {
                self.overflow = true;
            } else {
                self.val.extend_from_slice(bytes);
            }
        }
    }

    /// A string or scalar value has ended.
    fn end_value(&mut self) {
        self.st = St::After;
        let Some(t) = self.target.take() else { return };
        if self.overflow {
            return;
        }
        let text = String::from_utf8_lossy(&self.val).into_owned();
        match t {
            Target::Method => self.found.method = Some(text),
            Target::Uri => self.found.uri = Some(text),
            Target::Id => {
                self.found.id = if self.val_str {
                    Some(Value::String(text))
                } else {
                    text.parse::<i64>().ok().map(Value::from)
                }
            }
            Target::Version => self.found.version = text.parse().ok(),
        }
    }

    fn string(&mut self, data: &[u8], key: bool, mut esc: bool) -> usize {
        let mut i = 0;
        while i < data.len() {
            if self.hex_left > 0 {
                // The digits of a `\u` escape.
                let Some(d) = (data[i] as char).to_digit(16) else {
                    self.hex_left = 0;
                    self.pending_high = None;
                    continue;
                };
                self.hex = self.hex << 4 | d;
                self.hex_left -= 1;
                i += 1;
                if self.hex_left == 0 {
                    let c = match (self.pending_high.take(), self.hex) {
                        (None, h @ 0xD800..=0xDBFF) => {
                            self.pending_high = Some(h);
                            continue;
                        }
                        (Some(h), l @ 0xDC00..=0xDFFF) => {
                            char::from_u32(0x10000 + ((h - 0xD800) << 10) + (l - 0xDC00))
                        }
                        (_, u) => char::from_u32(u),
                    };
                    let c = c.unwrap_or(char::REPLACEMENT_CHARACTER);
                    self.string_bytes(key, c.encode_utf8(&mut [0; 4]).as_bytes());
                }
                continue;
            }
            if esc {
                esc = false;
                let c = data[i];
                i += 1;
                if c == b'u' {
                    self.hex = 0;
                    self.hex_left = 4;
                    continue;
                }
                self.pending_high = None;
                let decoded: &[u8] = match c {
                    b'n' => b"\n",
                    b't' => b"\t",
                    b'r' => b"\r",
                    b'b' => b"\x08",
                    b'f' => b"\x0c",
                    // `/`, `"` and `\` stand for themselves.
                    _ => std::slice::from_ref(&data[i - 1]),
                };
                self.string_bytes(key, decoded);
                continue;
            }
            match memchr::memchr2(b'"', b'\\', &data[i..]) {
                None => {
                    self.string_bytes(key, &data[i..]);
                    self.st = St::Str { key, esc: false };
                    return data.len();
                }
                Some(j) => {
                    self.string_bytes(key, &data[i..i + j]);
                    if data[i + j] == b'\\' {
                        esc = true;
                        i += j + 1;
                    } else {
                        self.pending_high = None;
                        if key {
                            self.st = St::Colon;
                        } else {
                            self.end_value();
                        }
                        return i + j + 1;
                    }
                }
            }
        }
        self.st = St::Str { key, esc };
        data.len()
    }

    fn string_bytes(&mut self, key: bool, bytes: &[u8]) {
        if key {
            if self.key.len() + bytes.len() <= 32 {
                self.key.extend_from_slice(bytes);
            } else {
                // No key we look for is this long.
                self.key.clear();
                self.key.push(0);
            }
        } else {
            self.capture(bytes);
        }
    }

    fn skip(&mut self, data: &[u8], mut depth: u64, mut in_str: bool, mut esc: bool) -> usize {
        let mut i = 0;
        while i < data.len() {
            if in_str {
                if esc {
                    esc = false;
                    i += 1;
                    continue;
                }
                match memchr::memchr2(b'"', b'\\', &data[i..]) {
                    None => break,
                    Some(j) => {
                        if data[i + j] == b'\\' {
                            esc = true;
                        } else {
                            in_str = false;
                        }
                        i += j + 1;
                    }
                }
                continue;
            }
            match data[i] {
                b'"' => in_str = true,
                b'{' | b'[' => depth += 1,
                b'}' | b']' => {
                    depth -= 1;
                    if depth == 0 {
                        self.st = St::After;
                        return i + 1;
                    }
                }
                _ => {}
            }
            i += 1;
        }
        self.st = St::Skip { depth, in_str, esc };
        data.len()
    }
}

// ------------------------------------------------------------------------------------------------
// The server's own requests to the client

/// How long the server waits for the client to answer one of its requests.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// How many of the server's requests may wait for an answer at once; the oldest is given up
/// when another is sent.
pub const MAX_PENDING: usize = 32;
const ID_PREFIX: &str = "nianbao-";

type Waiter = oneshot::Sender<Result<Value, String>>;

/// The server's requests to the client (`workspace/configuration`, `workspace/inlayHint/refresh`)
/// waiting for their answers, which the framing layer takes out of the input by their ids
/// (strings that tower-lsp-server's own numeric ids cannot equal). Bounded: a request not
/// answered within [`REQUEST_TIMEOUT`] is dropped, and at most [`MAX_PENDING`] wait at once.
#[derive(Default)]
pub struct Outbound {
    next: AtomicU64,
    pending: Mutex<VecDeque<(u64, Waiter)>>,
}

impl Outbound {
    /// Registers a request: its id and the receiver of its answer.
    pub fn register(&self) -> (String, u64, oneshot::Receiver<Result<Value, String>>) {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = oneshot::channel();
        let mut p = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        if p.len() >= MAX_PENDING {
            // Dropping the oldest waiter ends its request with an error.
            p.pop_front();
        }
        p.push_back((n, tx));
        (format!("{ID_PREFIX}{n}"), n, rx)
    }

    /// Forgets a request (its waiter has given up).
    pub fn forget(&self, n: u64) {
        self.pending
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|(m, _)| *m != n);
    }

    pub fn len(&self) -> usize {
        self.pending.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Takes the answer to one of the server's requests; false when the response is not for
    /// one of them (it goes on to tower-lsp-server).
    pub fn answer(&self, response: &Response) -> bool {
        let Id::String(id) = response.id() else {
            return false;
        };
        let Some(n) = id
            .strip_prefix(ID_PREFIX)
            .and_then(|n| n.parse::<u64>().ok())
        else {
            return false;
        };
        let waiter = {
            let mut p = self.pending.lock().unwrap_or_else(|e| e.into_inner());
            p.iter()
                .position(|(m, _)| *m == n)
                .and_then(|i| p.remove(i))
        };
        if let Some((_, tx)) = waiter {
            let result = match (response.result(), response.error()) {
                (Some(v), _) => Ok(v.clone()),
                (_, Some(e)) => Err(e.message.to_string()),
                _ => Ok(Value::Null),
            };
            let _ = tx.send(result);
        }
        // Answers to requests that were given up are dropped too.
        true
    }
}

/// Is this the client's answer to one of the server's own requests?
pub fn is_own(r: &Response) -> bool {
    matches!(r.id(), Id::String(id) if id.starts_with(ID_PREFIX))
}

/// Shared between the framing layer and the server.
#[derive(Default, Clone)]
pub struct Channels {
    pub side: Arc<SideBand>,
    pub outbound: Arc<Outbound>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::expect;
    use proptest::prelude::*;
    use tower_lsp_server::jsonrpc::Request;

    /// tower-lsp-server's decoder, as it reads a body.
    #[derive(Deserialize)]
    #[serde(untagged)]
    #[allow(dead_code)]
    enum Message {
        Response(Response),
        Request(Request),
    }

    fn decoder(body: &[u8]) -> bool {
        std::str::from_utf8(body).is_ok_and(|t| serde_json::from_str::<Message>(t).is_ok())
    }

    fn nested(n: usize) -> String {
        format!(
            r#"{{"jsonrpc":"2.0","method":"m","params":{}{}}}"#,
            "[".repeat(n),
            "]".repeat(n)
        )
    }

    #[test]
    fn accepts_exactly_what_the_decoder_does() {
        let mut bodies: Vec<String> = [
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
            r#"{"jsonrpc":"2.0","result":null,"id":1,"method":"m"}"#,
            r#"{"jsonrpc":"2.0","error":{"code":-1,"message":"x"},"id":1}"#,
            r#"["2.0","m",null,1]"#,
            r#"[]"#,
            r#"7"#,
            r#""s""#,
            r#"null"#,
            // What used to end the session: a lone surrogate, deep nesting, a number out of range.
            r#"{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"text":"\ud83d"}}"#,
            r#"{"jsonrpc":"2.0","method":"m","params":{"a":"\ud83d\ude00"}}"#,
            r#"{"jsonrpc":"2.0","method":"m","extra":"\udc00"}"#,
            r#"{"jsonrpc":"2.0","method":"m","id":1,"params":[1e999]}"#,
            r#"{"jsonrpc":"2.0","method":"m","params":[-1e999]}"#,
            r#"{"jsonrpc":"2.0","method":"m","params":[1e-999, 123456789012345678901234567890]}"#,
            r#"{"jsonrpc":"2.0","result":1e999,"id":1}"#,
            r#"{"jsonrpc":"2.0","method":"m","extra":[1e400]}"#,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for n in [120, 125, 126, 127, 128, 200] {
            bodies.push(nested(n));
        }
        for b in &bodies {
            let b = b.as_bytes();
            assert_eq!(
                accepts(b).is_some(),
                decoder(b),
                "{}",
                String::from_utf8_lossy(b)
            );
        }
    }

    /// Pieces of hostile JSON: nesting, surrogates, numbers at and past the f64 range, invalid
    /// UTF-8, duplicate and missing fields, wrong types.
    fn hostile_value(depth: u32) -> BoxedStrategy<String> {
        let leaf = prop_oneof![
            Just("null".to_string()),
            Just("true".to_string()),
            Just("1e999".to_string()),
            Just("-1e309".to_string()),
            Just("1.7976931348623157e308".to_string()),
            Just("1e-400".to_string()),
            Just("18446744073709551616".to_string()),
            Just("-9223372036854775809".to_string()),
            Just("0.5".to_string()),
            Just(r#""\ud83d""#.to_string()),
            Just(r#""\ude00\ud83d""#.to_string()),
            Just(r#""\ud83d\ude00""#.to_string()),
            Just(r#""\u0000\n\"""#.to_string()),
            Just("\"\u{4e2d}\u{1F600}\"".to_string()),
            Just(r#""\x""#.to_string()),
            Just("\"\\uZZZZ\"".to_string()),
            Just("[".repeat(130) + &"]".repeat(130)),
            Just("[".repeat(126) + &"]".repeat(126)),
            Just("{\"a\":".repeat(127) + "1" + &"}".repeat(127)),
            "[a-z0-9]{0,6}".prop_map(|s| format!("\"{s}\"")),
            (-5i64..5).prop_map(|n| n.to_string()),
        ];
        leaf.prop_recursive(depth, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4)
                    .prop_map(|v| format!("[{}]", v.join(","))),
                prop::collection::vec(("[a-z]{1,3}", inner), 0..4).prop_map(|v| {
                    let fields: Vec<String> =
                        v.into_iter().map(|(k, x)| format!("\"{k}\":{x}")).collect();
                    format!("{{{}}}", fields.join(","))
                }),
            ]
        })
        .boxed()
    }

    /// A message whose fields are hostile values: mostly shaped like a request (so that the
    /// values decide), sometimes with fields missing, repeated or of the wrong type.
    pub fn hostile_body() -> impl Strategy<Value = Vec<u8>> {
        let jsonrpc = prop_oneof![
            8 => Just(Some(r#""jsonrpc":"2.0""#.to_string())),
            1 => Just(Some(r#""jsonrpc":"1.0""#.to_string())),
            1 => Just(None),
        ];
        let method = prop_oneof![
            3 => Just(Some(r#""method":"textDocument/hover""#.to_string())),
            3 => Just(Some(r#""method":"textDocument/didChange""#.to_string())),
            1 => Just(Some(r#""method":"$/foo""#.to_string())),
            1 => Just(Some(r#""method":5"#.to_string())),
            2 => Just(None),
        ];
        let id = prop_oneof![
            2 => Just(Some(r#""id":5"#.to_string())),
            1 => Just(Some(r#""id":"x""#.to_string())),
            1 => Just(Some(r#""id":1.5"#.to_string())),
            1 => hostile_value(1).prop_map(|v| Some(format!("\"id\":{v}"))),
            3 => Just(None),
        ];
        let field = prop_oneof![
            Just(r#""result":null"#.to_string()),
            Just(r#""error":{"code":1,"message":"m"}"#.to_string()),
            Just(r#""params":{"textDocument":{"uri":"file:///a.md","version":1},"contentChanges":[{"text":"\ud83d"}]}"#.to_string()),
            hostile_value(3).prop_map(|v| format!("\"params\":{v}")),
            hostile_value(3).prop_map(|v| format!("\"params\":{{\"textDocument\":{{\"uri\":\"file:///a.md\",\"version\":1}},\"contentChanges\":[{{\"text\":\"x\",\"range\":{v}}}]}}")),
            hostile_value(3).prop_map(|v| format!("\"extra\":{v}")),
        ];
        (
            jsonrpc,
            method,
            id,
            prop::collection::vec(field, 0..4),
            any::<prop::sample::Index>(),
            prop::option::of(0usize..300),
            any::<u8>(),
        )
            .prop_map(|(j, m, i, rest, order, cut, byte)| {
                let mut fields: Vec<String> = [j, m, i].into_iter().flatten().collect();
                fields.extend(rest);
                if !fields.is_empty() {
                    let k = order.index(fields.len());
                    fields.rotate_left(k);
                }
                let mut body = format!("{{{}}}", fields.join(",")).into_bytes();
                // Sometimes cut short, or with a byte changed (invalid UTF-8 among others).
                match cut {
                    Some(c) if c < body.len() && byte % 4 == 0 => body.truncate(c),
                    Some(c) if c < body.len() && byte % 4 == 1 => body[c] = byte | 0x80,
                    _ => {}
                }
                body
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]
        /// On hostile bodies, the framing layer passes on exactly what the decoder takes, and a
        /// body it does not pass on is answered or handed to the server.
        #[test]
        fn hostile_json_agrees_with_the_decoder(body in hostile_body()) {
            if let Ok(text) = std::str::from_utf8(&body) && plainly_valid(&body) {
                // The shortcut never lets through what the full walk would reject.
                prop_assert!(
                    serde_json::from_str::<IgnoredAny>(text).is_err()
                        || serde_json::from_str::<Valid>(text).is_ok(),
                    "{}", text
                );
            }
            let ours = accepts(&body).is_some();
            prop_assert_eq!(ours, decoder(&body), "{}", String::from_utf8_lossy(&body));
            if !ours {
                let r = reject(&body);
                if let Some(reply) = r.reply {
                    prop_assert!(serde_json::from_slice::<Response>(&reply).is_ok());
                } else {
                    prop_assert!(r.side.is_some() || body.windows(8).any(|w| w == b"\"result\"" || w == b"\"error\":"));
                }
            }
        }
    }

    #[test]
    fn sync_messages_are_read_as_bytes() {
        let body = b"{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didChange\",\"params\":{\"contentChanges\":[{\"range\":{\"start\":{\"line\":0,\"character\":3},\"end\":{\"line\":0,\"character\":3}},\"rangeLength\":0,\"text\":\"ab\xe4\"},{\"text\":\"\\ud83d\"}],\"textDocument\":{\"version\":7,\"uri\":\"file:///a.md\"},\"x\":[1e999]}}";
        assert!(accepts(body).is_none());
        let Some(Side::Change {
            uri,
            version,
            changes,
        }) = reject(body).side
        else {
            panic!("not read");
        };
        assert_eq!((uri.as_str(), version), ("file:///a.md", 7));
        assert_eq!(changes[0].text, NewText::Bytes(b"ab\xe4".to_vec()));
        assert_eq!(changes[1].text, NewText::Bytes(b"\xed\xa0\xbd".to_vec()));
        assert!(changes[1].range.is_none());
    }

    #[test]
    fn lost_sync_messages_name_their_document() {
        // A position that is not a number: not readable even as bytes.
        let body = br#"{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"file:///b.md","version":3},"contentChanges":[{"range":{"start":{"line":1e999,"character":0},"end":{"line":0,"character":0}},"text":"x"}]}}"#;
        expect![[r#"
            Some(
                Lost {
                    method: "textDocument/didChange",
                    uri: Some(
                        Uri(
                            Uri {
                                scheme: "file",
                                authority: Some(
                                    Authority {
                                        userinfo: None,
                                        host: "",
                                        host_parsed: RegName(
                                            "",
                                        ),
                                        port: None,
                                    },
                                ),
                                path: "/b.md",
                                query: None,
                                fragment: None,
                            },
                        ),
                    ),
                    version: Some(
                        3,
                    ),
                    why: Unreadable(
                        "消息的参数无法读取",
                    ),
                },
            )"#]]
        .assert_eq(&format!("{:#?}", reject(body).side));
    }

    #[test]
    fn rejected_bodies_are_answered_with_their_id() {
        let reply = |b: &[u8]| String::from_utf8(reject(b).reply.expect("a reply")).unwrap();
        expect![[
            r#"{"error":{"code":-32600,"message":"Invalid Request"},"id":9,"jsonrpc":"2.0"}"#
        ]]
        .assert_eq(&reply(
            br#"{"jsonrpc":"2.0","id":9,"method":"textDocument/hover","params":{"a":"\ud800"}}"#,
        ));
        expect![[
            r#"{"error":{"code":-32600,"message":"Invalid Request"},"id":"q","jsonrpc":"2.0"}"#
        ]]
        .assert_eq(&reply(
            nested(200)
                .replace("\"method\"", "\"id\":\"q\",\"method\"")
                .as_bytes(),
        ));
        expect![[r#"{"error":{"code":-32700,"message":"Parse error: invalid JSON"},"id":4,"jsonrpc":"2.0"}"#]]
            .assert_eq(&reply(br#"{"jsonrpc":"2.0","id":4,"method":"x","params":{"#));
        expect![[r#"{"error":{"code":-32700,"message":"Parse error: invalid UTF-8"},"id":null,"jsonrpc":"2.0"}"#]]
            .assert_eq(&reply(b"{\"jsonrpc\":\"2.0\",\"method\":\"x\",\"params\":\"\xff\"}"));
        expect![[r#"{"error":{"code":-32700,"message":"Parse error: invalid JSON"},"id":null,"jsonrpc":"2.0"}"#]]
            .assert_eq(&reply(b"[1,2"));
        // A response that cannot be read is not answered.
        let r = reject(br#"{"jsonrpc":"2.0","id":"nianbao-1","result":["\udc00"]}"#);
        assert_eq!(r, Rejected::default());
    }

    #[test]
    fn sniffer_reads_what_a_message_is_in_pieces() {
        let text = "x".repeat(100_000);
        let body = format!(
            r#"{{"params":{{"contentChanges":[{{"text":"{text}\"}}{{"}}],"textDocument":{{"version":12,"uri":"file:///tmp/\u5927.md"}}}},"method":"textDocument/didChange","id":"r1","jsonrpc":"2.0"}}"#
        );
        for piece in [1, 7, 4096] {
            let mut s = Sniffer::default();
            for c in body.as_bytes().chunks(piece) {
                s.feed(c);
            }
            let f = s.finish();
            assert_eq!(f.method.as_deref(), Some(DID_CHANGE));
            assert_eq!(f.uri.as_deref(), Some("file:///tmp/大.md"));
            assert_eq!(f.version, Some(12));
            assert_eq!(f.id, Some(Value::from("r1")));
            assert!(f.complete);
        }
        let mut s = Sniffer::default();
        s.feed(br#"{"id":3,"method":"m","params":["#);
        let f = s.finish();
        assert_eq!((f.id, f.complete), (Some(Value::from(3)), false));
    }

    #[test]
    fn outbound_requests_are_bounded() {
        let o = Outbound::default();
        let mut rxs = Vec::new();
        for _ in 0..MAX_PENDING + 5 {
            rxs.push(o.register());
        }
        assert_eq!(o.len(), MAX_PENDING);
        // The oldest were given up.
        assert!(rxs[0].2.try_recv().is_err());
        let (id, n, mut rx) = rxs.pop().unwrap();
        let resp = Response::from_ok(Id::String(id), Value::from(5));
        assert!(o.answer(&resp));
        assert_eq!(rx.try_recv().ok(), Some(Ok(Value::from(5))));
        o.forget(n);
        assert_eq!(o.len(), MAX_PENDING - 1);
        // Not ours.
        assert!(!o.answer(&Response::from_ok(Id::Number(3), Value::Null)));
    }
}
