//! Standard input and output for the server, on the server's own thread. When stdin is a pipe, a
//! socket or a terminal, it is registered with the runtime's event loop, so a message from the
//! client wakes the server directly; the descriptor stays blocking (its flags are shared with
//! whoever else holds it) and is read only when a read cannot wait: after a readiness event, or,
//! when the last read filled the buffer, when `poll` says so. Any other stdin (a file,
//! `/dev/null`) is read by a thread that hands the bytes over. Frames go to stdout in one `write`
//! each, not through std's line-buffered stdout (which would split them at the header's line
//! break).

use std::io;
use std::os::fd::{AsRawFd, RawFd};
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::unix::AsyncFd;
use tokio::io::{AsyncRead, Interest, ReadBuf};
use tokio::sync::mpsc::unbounded_channel;

use super::framing::ChannelReader;

const STDIN: RawFd = 0;
const STDOUT: RawFd = 1;

/// File descriptor 0, not owned: dropping it closes nothing.
pub struct Fd0;

impl AsRawFd for Fd0 {
    fn as_raw_fd(&self) -> RawFd {
        STDIN
    }
}

pub enum Stdin {
    Polled {
        fd: AsyncFd<Fd0>,
        /// The last read filled the buffer: more may be waiting, or nothing.
        full: bool,
    },
    Thread(ChannelReader),
}

impl Stdin {
    /// Must be called inside the runtime (registration needs its reactor).
    pub fn new() -> Stdin {
        if pollable() && !same_object(STDIN, STDOUT) {
            // SAFETY: fd 0 is open for the whole life of the process (nothing here closes it),
            // and `Fd0` always names it.
            if let Ok(fd) = unsafe { AsyncFd::register_with_interest(Fd0, Interest::READABLE) } {
                return Stdin::Polled { fd, full: false };
            }
        }
        Stdin::Thread(thread_reader())
    }
}

fn thread_reader() -> ChannelReader {
    use std::io::Read;
    let (tx, rx) = unbounded_channel::<Vec<u8>>();
    std::thread::spawn(move || {
        let mut stdin = io::stdin().lock();
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            match stdin.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    if tx.send(buf[..n].to_vec()).is_err() {
                        break;
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(_) => break,
            }
        }
    });
    ChannelReader::new(rx)
}

fn fstat(fd: RawFd) -> Option<libc::stat> {
    let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
    // SAFETY: fstat writes a `stat` into the buffer it is given and reports failure by -1.
    let rc = unsafe { libc::fstat(fd, st.as_mut_ptr()) };
    // SAFETY: on success the buffer was written.
    (rc == 0).then(|| unsafe { st.assume_init() })
}

/// A pipe, a socket or a terminal: what epoll can watch.
fn pollable() -> bool {
    fstat(STDIN).is_some_and(|st| {
        matches!(
            st.st_mode & libc::S_IFMT,
            libc::S_IFIFO | libc::S_IFSOCK | libc::S_IFCHR
        )
    })
}

/// Stdin and stdout are one socket (inetd style): readiness of one would be the other's too.
fn same_object(a: RawFd, b: RawFd) -> bool {
    match (fstat(a), fstat(b)) {
        (Some(x), Some(y)) => x.st_dev == y.st_dev && x.st_ino == y.st_ino,
        _ => false,
    }
}

/// Will a read of fd 0 return at once (data, end of input or an error)?
fn readable_now() -> bool {
    let mut p = libc::pollfd {
        fd: STDIN,
        events: libc::POLLIN,
        revents: 0,
    };
    loop {
        // SAFETY: one valid pollfd, timeout 0.
        let rc = unsafe { libc::poll(&mut p, 1, 0) };
        if rc >= 0 {
            return rc > 0 && p.revents != 0;
        }
        if io::Error::last_os_error().kind() != io::ErrorKind::Interrupted {
            return true; // let the read report the error
        }
    }
}

fn read0(buf: &mut [u8]) -> io::Result<usize> {
    loop {
        // SAFETY: reads at most `buf.len()` bytes into `buf`.
        let n = unsafe { libc::read(STDIN, buf.as_mut_ptr().cast(), buf.len()) };
        if n >= 0 {
            return Ok(n as usize);
        }
        let e = io::Error::last_os_error();
        if e.kind() != io::ErrorKind::Interrupted {
            return Err(e);
        }
    }
}

impl AsyncRead for Stdin {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stdin::Thread(r) => Pin::new(r).poll_read(cx, buf),
            Stdin::Polled { fd, full } => loop {
                let mut ready = match fd.poll_read_ready(cx) {
                    Poll::Ready(Ok(g)) => g,
                    Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                    Poll::Pending => return Poll::Pending,
                };
                if *full && !readable_now() {
                    // The last read took everything there was: wait for the next event.
                    *full = false;
                    ready.clear_ready();
                    continue;
                }
                let room = buf.remaining();
                let n = read0(buf.initialize_unfilled())?;
                buf.advance(n);
                // A short read emptied the pipe; data written after it raises a new event (the
                // registration is edge-triggered and nothing runs on this thread in between).
                *full = n == room && n > 0;
                if !*full {
                    ready.clear_ready();
                }
                return Poll::Ready(Ok(()));
            },
        }
    }
}

/// Writes one whole frame to stdout: one `write` when the pipe has room, never interleaved (only
/// the server's thread writes). Errors (the client has gone) are left to the input's end.
pub fn write_stdout(frame: &[u8]) {
    let mut rest = frame;
    while !rest.is_empty() {
        // SAFETY: writes at most `rest.len()` bytes from `rest`.
        let n = unsafe { libc::write(STDOUT, rest.as_ptr().cast(), rest.len()) };
        if n > 0 {
            rest = &rest[n as usize..];
            continue;
        }
        let e = io::Error::last_os_error();
        match e.kind() {
            io::ErrorKind::Interrupted => {}
            // Someone made stdout non-blocking: wait until it takes more.
            io::ErrorKind::WouldBlock => {
                let mut p = libc::pollfd {
                    fd: STDOUT,
                    events: libc::POLLOUT,
                    revents: 0,
                };
                // SAFETY: one valid pollfd.
                unsafe { libc::poll(&mut p, 1, -1) };
            }
            _ => return,
        }
    }
}
