//! The thread-local recordings behind [`Rev`](super::Rev): one per base type and thread.

use alloc::vec::Vec;
use core::cell::RefCell;

use crate::Scalar;

/// The node index of a constant: no node, no derivative.
pub(super) const NONE: u32 = u32::MAX;

/// One recorded operation: its two operands (or [`NONE`]) and its partials with respect to
/// them.
#[derive(Clone, Copy)]
struct Node<T> {
    operands: [u32; 2],
    partials: [T; 2],
}

/// What a scope records: its nodes, operands always before the node, so one backward loop
/// is a reverse sweep.
pub struct Store<T> {
    nodes: Vec<Node<T>>,
    adjoints: Vec<T>,
    /// The scope the nodes belong to; a scope that ends makes its handles stale.
    epoch: u32,
    active: bool,
}

impl<T: Scalar> Store<T> {
    pub(super) const fn new() -> Self {
        Store {
            nodes: Vec::new(),
            adjoints: Vec::new(),
            epoch: 0,
            active: false,
        }
    }

    /// Starts a scope: returns its epoch.
    #[track_caller]
    pub(super) fn begin(&mut self) -> u32 {
        assert!(
            !self.active,
            "tapeless: a `nest::scope` was started inside another of the same number type on \
             this thread; reverse over reverse is `Rev` run through a reverse engine (the static \
             engine or a `Tape<Rev<_>>`), not scopes inside scopes"
        );
        self.active = true;
        self.epoch = self.epoch.wrapping_add(1);
        self.epoch
    }

    /// Ends the scope: forgets its nodes (keeping the memory) and makes its handles stale.
    pub(super) fn end(&mut self) {
        self.nodes.clear();
        self.active = false;
    }

    /// Panics unless a handle of scope `epoch` may be used now.
    #[inline(always)]
    #[track_caller]
    pub(super) fn check(&self, epoch: u32) {
        if !self.active || epoch != self.epoch {
            stale();
        }
    }

    /// Appends a node; returns its index.
    #[inline(always)]
    pub(super) fn push(&mut self, operands: [u32; 2], partials: [T; 2]) -> u32 {
        let i = self.nodes.len();
        if i == self.nodes.capacity() {
            self.grow();
        }
        self.nodes.push(Node { operands, partials });
        i as u32
    }

    /// Room for more nodes, out of the recording's way.
    #[cold]
    #[inline(never)]
    fn grow(&mut self) {
        assert!(
            self.nodes.len() < NONE as usize - 1,
            "tapeless: a nested recording holds more than 2³² − 2 nodes"
        );
        self.nodes.reserve(self.nodes.len().max(256));
    }

    /// The number of nodes recorded in the current scope.
    pub(super) fn len(&self) -> usize {
        self.nodes.len()
    }

    /// One reverse sweep from node `y`, seeded with `seed`; `read(adjoints)` reads the
    /// result before the next sweep reuses the buffer.
    pub(super) fn sweep<R>(&mut self, y: u32, seed: T, read: impl FnOnce(&[T]) -> R) -> R {
        let n = y as usize + 1;
        self.adjoints.clear();
        self.adjoints.resize(n, T::zero());
        self.adjoints[y as usize] = seed;
        for i in (0..n).rev() {
            let a = self.adjoints[i];
            // A node the output does not reach (adjoint zero) passes nothing on, even
            // where its own partial is infinite or NaN.
            if a == T::zero() {
                continue;
            }
            let Node {
                operands: [p, q],
                partials: [dp, dq],
            } = self.nodes[i];
            if p != NONE {
                self.adjoints[p as usize] += dp * a;
            }
            if q != NONE {
                self.adjoints[q as usize] += dq * a;
            }
        }
        read(&self.adjoints)
    }
}

#[cold]
#[inline(never)]
#[track_caller]
fn stale() -> ! {
    panic!(
        "tapeless: a `nest::Rev` was used outside the `nest::scope` that made it (after it \
         ended, or in another scope)"
    )
}

/// Number types a [`Rev`](super::Rev) is built on: `f64` and `f32`, each with its own
/// thread-local recording.
pub trait Base: Scalar + sealed::Sealed {}

pub(super) mod sealed {
    use super::Store;

    /// Access to the thread-local recording of a base type.
    pub trait Sealed: Sized {
        /// Runs `f` on this thread's recording for `Self`.
        fn with_store<R>(f: impl FnOnce(&mut Store<Self>) -> R) -> R;
    }
}

macro_rules! base {
    ($($t:ty => $key:ident),*) => {
        $(
            std::thread_local! {
                static $key: RefCell<Store<$t>> = const { RefCell::new(Store::new()) };
            }
            impl sealed::Sealed for $t {
                #[inline(always)]
                fn with_store<R>(f: impl FnOnce(&mut Store<Self>) -> R) -> R {
                    $key.with(|s| f(&mut s.borrow_mut()))
                }
            }
            impl Base for $t {}
        )*
    };
}

base!(f64 => STORE_F64, f32 => STORE_F32);
