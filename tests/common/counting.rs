//! A global allocator that wraps the system one and counts, per thread, the allocations
//! and the live and peak heap bytes. Included (with `#[path]`) by the allocation tests
//! only, since it replaces the test binary's allocator.
//!
//! The counters are const-initialised thread-locals, which never allocate, so the test
//! harness allocating on other threads cannot disturb them. `unsafe` appears only because
//! `GlobalAlloc` is an unsafe trait.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::hint::black_box;

/// The system allocator, counting each thread's allocations and its live and peak bytes.
struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
    static LIVE: Cell<usize> = const { Cell::new(0) };
    static PEAK: Cell<usize> = const { Cell::new(0) };
}

/// Records one allocation (if `new_allocation`) of `grown` more bytes and `shrunk` fewer.
fn note(new_allocation: bool, grown: usize, shrunk: usize) {
    // `try_with`: the thread-locals may be gone while the thread shuts down.
    if new_allocation {
        let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
    }
    let _ = LIVE.try_with(|live| {
        // Saturating: memory allocated by another thread may be freed on this one.
        let now = (live.get() + grown).saturating_sub(shrunk);
        live.set(now);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
    });
}

// SAFETY: every method forwards its arguments unchanged to `System`, which upholds the
// `GlobalAlloc` contract; counting touches only thread-local `Cell`s.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(true, layout.size(), 0);
        // SAFETY: the caller's contract is passed on unchanged.
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note(true, layout.size(), 0);
        // SAFETY: as above.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note(true, new_size, layout.size());
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        note(false, 0, layout.size());
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The number of allocations this thread makes while running `f`, and its result.
pub fn allocations<R>(f: impl FnOnce() -> R) -> (u64, R) {
    let before = ALLOCATIONS.with(Cell::get);
    let r = black_box(f());
    (ALLOCATIONS.with(Cell::get) - before, r)
}

/// The most heap bytes this thread held at once while running `f`, above what it held
/// before, and `f`'s result.
#[allow(dead_code)] // used by some of the including tests only
pub fn peak_bytes<R>(f: impl FnOnce() -> R) -> (usize, R) {
    let before = LIVE.with(Cell::get);
    PEAK.with(|p| p.set(before));
    let r = black_box(f());
    (PEAK.with(Cell::get) - before, r)
}
