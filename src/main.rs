use clap::Parser;

/// The standard streams (bit 0 input, 1 output, 2 error) that were closed when the program
/// started. Rust's runtime puts `/dev/null` in their place before `main`, so they are looked at
/// earlier, by a function the loader runs before the runtime starts.
static CLOSED_AT_START: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);

#[cfg(target_os = "linux")]
#[used]
#[unsafe(link_section = ".init_array")]
static LOOK_AT_STANDARD_STREAMS: extern "C" fn() = look_at_standard_streams;

#[cfg(target_os = "linux")]
extern "C" fn look_at_standard_streams() {
    for fd in 0..3 {
        // SAFETY: F_GETFD only reads the descriptor's flags.
        if unsafe { libc::fcntl(fd, libc::F_GETFD) } == -1 {
            CLOSED_AT_START.fetch_or(1 << fd, std::sync::atomic::Ordering::Relaxed);
        }
    }
}

fn main() -> std::process::ExitCode {
    nianbao::cli::streams_closed_at_start(
        CLOSED_AT_START.load(std::sync::atomic::Ordering::Relaxed),
    );
    nianbao::cli::run(nianbao::cli::Cli::parse())
}
