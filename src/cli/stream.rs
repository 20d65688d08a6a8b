//! Many files worked on in parallel and their results taken in order, as each is ready, so that
//! memory holds a bounded window of results however many files there are; and the progress bar
//! shown meanwhile on a terminal.

use std::collections::BTreeMap;
use std::sync::mpsc;

/// Runs `work` on every item on rayon's threads, at most `window` items ahead of the first
/// result not yet taken, and hands each result to `take` on the calling thread, in the order of
/// the items. A panic in `work` is raised again on the calling thread, at its item's turn.
pub(super) fn for_each_ordered<T: Sync, R: Send>(
    items: &[T],
    window: usize,
    work: impl Fn(&T) -> R + Sync,
    mut take: impl FnMut(usize, R),
) {
    let window = window.max(1);
    let work = &work;
    // The calling thread only waits and takes; the work runs on the pool's threads.
    rayon::in_place_scope(|scope| {
        let (tx, rx) = mpsc::channel();
        let mut started = 0;
        let mut ready: BTreeMap<usize, std::thread::Result<R>> = BTreeMap::new();
        for next in 0..items.len() {
            while started < items.len() && started < next + window {
                let (tx, item, i) = (tx.clone(), &items[started], started);
                scope.spawn(move |_| {
                    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(item)));
                    // The receiver lives until every item is taken.
                    let _ = tx.send((i, r));
                });
                started += 1;
            }
            let r = loop {
                if let Some(r) = ready.remove(&next) {
                    break r;
                }
                // `tx` is held here, so the channel stays open; every job sends once.
                let Ok((i, r)) = rx.recv() else {
                    unreachable!("a sender is held")
                };
                ready.insert(i, r);
            };
            match r {
                Ok(r) => take(next, r),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
    });
}

/// The progress bar on standard error: files done of all, and the file waited for.
pub(super) struct Progress {
    bar: indicatif::ProgressBar,
}

impl Progress {
    /// A bar for `total` files, drawn only when `show`.
    pub(super) fn new(total: usize, show: bool) -> Progress {
        if !show {
            return Progress {
                bar: indicatif::ProgressBar::hidden(),
            };
        }
        let bar = indicatif::ProgressBar::with_draw_target(
            Some(total as u64),
            indicatif::ProgressDrawTarget::stderr(),
        );
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} {wide_msg}")
        {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_prefix("检查");
        Progress { bar }
    }

    /// Whether the bar is drawn.
    pub(super) fn shown(&self) -> bool {
        !self.bar.is_hidden()
    }

    /// `done` files finished; `next` is the one whose result comes next.
    pub(super) fn advance(&self, done: usize, next: Option<&str>) {
        self.bar.set_position(done as u64);
        if let Some(next) = next {
            self.bar.set_message(next.to_string());
        }
    }

    /// Runs `f` with the bar taken off the terminal, and draws it again after.
    pub(super) fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        self.bar.suspend(f)
    }

    /// Takes the bar off the terminal for good.
    pub(super) fn clear(&self) {
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_in_order_with_a_bounded_window() {
        use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
        let items: Vec<u64> = (0..500).collect();
        // Items started and not yet taken, and the most there were.
        let pending = AtomicUsize::new(0);
        let most = AtomicUsize::new(0);
        let mut taken = Vec::new();
        for_each_ordered(
            &items,
            8,
            |&n| {
                most.fetch_max(pending.fetch_add(1, SeqCst) + 1, SeqCst);
                // Later items finish first now and then.
                if n % 7 == 0 {
                    std::thread::sleep(std::time::Duration::from_micros(300));
                }
                n * 2
            },
            |i, r| {
                assert_eq!(r, items[i] * 2);
                pending.fetch_sub(1, SeqCst);
                taken.push(i);
            },
        );
        assert_eq!(taken, (0..500).collect::<Vec<_>>());
        assert!(most.into_inner() <= 8);
    }

    #[test]
    fn a_panic_comes_back_to_the_caller() {
        let items = [1, 2, 3];
        let r = std::panic::catch_unwind(|| {
            for_each_ordered(
                &items,
                2,
                |&n| {
                    if n == 2 {
                        panic!("item 2");
                    }
                    n
                },
                |_, _| {},
            )
        });
        assert!(r.is_err());
    }
}
