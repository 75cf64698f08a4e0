//! The reverse sweep: one loop from the output down to the first node.

use alloc::vec::Vec;

use super::store::Store;
use super::var::same_tape;
use super::{Tape, Var};
use crate::Scalar;

impl<T: Scalar> Tape<T> {
    /// Writes the gradient of `y` into `grad` (component `k` is `∂y/∂(input k)`, inputs in
    /// the order they were made) and returns the value of `y`. Allocates nothing once the
    /// tape has swept a recording this long before.
    ///
    /// An input `y` does not depend on gets `-0.0`, as with the static engine.
    ///
    /// ```
    /// use tapeless::Tape;
    /// let tape = Tape::new();
    /// let [x, y] = tape.input_array([1.0_f64, 2.0]);
    /// let f = (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2);
    /// let mut g = [0.0; 2];
    /// let v = tape.gradient(f, &mut g);
    /// assert_eq!(v, 100.0);
    /// assert_eq!(g, [-400.0, 200.0]);
    /// ```
    ///
    /// # Panics
    /// If `y` is a handle of another tape, or `grad.len()` is not the number of inputs.
    // Inlined: out of line, the caller read the gradient it had just written with wider
    // loads than the stores (a store-forwarding stall), which took over half of a small
    // gradient.
    #[inline(always)]
    #[track_caller]
    pub fn gradient(&self, y: Var<'_, T>, grad: &mut [T]) -> T {
        same_tape(self, y.tape);
        let mut s = self.store.borrow_mut();
        check_len(grad.len(), s.inputs.len());
        let seeds = y.rec.terms().into_iter();
        let top = s.sweep(seeds.clone(), true);
        // The check for a NaN that came from a node the output does not depend on (see
        // `Store::reverse`) rides on writing the gradient: no second pass over the inputs.
        if s.write_gradient(top, grad) {
            s.resweep(top, seeds, true);
            s.write_gradient(top, grad);
        }
        y.rec.value
    }

    /// The gradient of `y` in a new vector (see [`gradient`](Tape::gradient), which writes
    /// into the caller's buffer instead).
    ///
    /// ```
    /// let tape = tapeless::Tape::new();
    /// let x = tape.inputs(&[1.0, 2.0]);
    /// assert_eq!(tape.gradient_vec(x.get(0) * x.get(1)), [2.0, 1.0]);
    /// ```
    ///
    /// # Panics
    /// If `y` is a handle of another tape.
    #[track_caller]
    pub fn gradient_vec(&self, y: Var<'_, T>) -> Vec<T> {
        let mut g = alloc::vec![T::zero(); self.num_inputs()];
        self.gradient(y, &mut g);
        g
    }

    /// Seeded reverse sweep: adds `seed · ∇y` into `grad` and returns the value of `y`, like
    /// the static [`backprop`](crate::backprop).
    ///
    /// ```
    /// let tape = tapeless::Tape::new();
    /// let [x, y] = tape.input_array([2.0, 3.0]);
    /// let mut g = [1.0, 1.0];
    /// tape.backprop(x * y, 10.0, &mut g);
    /// assert_eq!(g, [1.0 + 30.0, 1.0 + 20.0]);
    /// ```
    ///
    /// # Panics
    /// If `y` is a handle of another tape, or `grad.len()` is not the number of inputs.
    #[track_caller]
    pub fn backprop(&self, y: Var<'_, T>, seed: T, grad: &mut [T]) -> T {
        self.vjp(&[y], &[seed], grad);
        y.rec.value
    }

    /// Vector-Jacobian product of several outputs in one sweep: adds
    /// `Σₖ seeds[k] · ∇ys[k]` into `grad`.
    ///
    /// ```
    /// // f(x, y) = (x·y, x + y): vᵀJ for v = (1, 2).
    /// let tape = tapeless::Tape::new();
    /// let [x, y] = tape.input_array([3.0, 5.0]);
    /// let mut g = [0.0; 2];
    /// tape.vjp(&[x * y, x + y], &[1.0, 2.0], &mut g);
    /// assert_eq!(g, [5.0 + 2.0, 3.0 + 2.0]);
    /// ```
    ///
    /// # Panics
    /// If an output is a handle of another tape, `ys` and `seeds` differ in length, or
    /// `grad.len()` is not the number of inputs.
    #[track_caller]
    pub fn vjp(&self, ys: &[Var<'_, T>], seeds: &[T], grad: &mut [T]) {
        assert!(
            ys.len() == seeds.len(),
            "tapeless: {} outputs but {} seeds",
            ys.len(),
            seeds.len()
        );
        for y in ys {
            same_tape(self, y.tape);
        }
        let mut s = self.store.borrow_mut();
        check_len(grad.len(), s.inputs.len());
        let top = s.reverse(
            ys.iter()
                .zip(seeds)
                .flat_map(|(y, &w)| y.rec.terms().map(|(node, scale)| (node, w * scale))),
            false,
        );
        let Store {
            inputs, adjoints, ..
        } = &*s;
        for (g, &i) in grad.iter_mut().zip(inputs) {
            if i <= top {
                *g += adjoints[i as usize];
            }
        }
    }
}

#[track_caller]
fn check_len(buffer: usize, inputs: usize) {
    assert!(
        buffer == inputs,
        "tapeless: the gradient buffer has {buffer} components but the tape has {inputs} inputs"
    );
}

impl<T: Scalar> Store<T> {
    /// Writes the adjoints of the inputs, after a sweep from node `top`, into `grad`;
    /// `true` if one is NaN.
    #[inline(always)]
    fn write_gradient(&self, top: u32, grad: &mut [T]) -> bool {
        let Store {
            inputs, adjoints, ..
        } = self;
        let mut nan = false;
        let mut read = |i: u32| {
            let a = if i <= top {
                adjoints[i as usize]
            } else {
                -T::zero()
            };
            nan |= a.is_nan();
            a
        };
        // In pairs, each written as one store: a caller that copies the gradient right
        // away (returns it, say) reads it with 16-byte loads, which wait long on a pair of
        // 8-byte stores but not on one 16-byte store.
        let mut pairs = grad.chunks_exact_mut(2);
        let mut from = inputs.chunks_exact(2);
        for (g, i) in (&mut pairs).zip(&mut from) {
            g.copy_from_slice(&[read(i[0]), read(i[1])]);
        }
        for (g, &i) in pairs.into_remainder().iter_mut().zip(from.remainder()) {
            *g = read(i);
        }
        nan
    }

    /// Seeds the adjoints of the outputs and sweeps back from the highest; returns it.
    ///
    /// The fast sweep visits every node below the output. A node the output does not
    /// depend on has a zero adjoint, so it adds `0 · partial` to its operands: nothing,
    /// unless its partial is infinite or NaN, which turns an input's derivative into NaN.
    /// So when an input's adjoint comes out NaN, the sweep is done again, visiting only the
    /// nodes the outputs depend on: then a NaN that is left is the function's own.
    ///
    /// `distinct`: no node but the slot is seeded twice (the terms of one handle), so the
    /// seeds are stored rather than added.
    fn reverse<I>(&mut self, seeds: I, distinct: bool) -> u32
    where
        I: Iterator<Item = (u32, T)> + Clone,
    {
        let top = self.sweep(seeds.clone(), distinct);
        let poisoned = self
            .inputs
            .iter()
            .any(|&i| i <= top && self.adjoints[i as usize].is_nan());
        if poisoned {
            self.resweep(top, seeds, distinct);
        }
        top
    }

    /// The fast sweep alone (see [`reverse`](Self::reverse)); returns the highest node
    /// seeded.
    #[inline(always)]
    fn sweep<I: Iterator<Item = (u32, T)> + Clone>(&mut self, seeds: I, distinct: bool) -> u32 {
        let top = seeds.clone().map(|(i, _)| i).max().unwrap_or(0);
        self.seed(top, seeds, distinct);
        self.sweep_all(top);
        top
    }

    /// The exact sweep, after a fast one from `top` left a NaN (see
    /// [`reverse`](Self::reverse)).
    #[cold]
    fn resweep<I>(&mut self, top: u32, seeds: I, distinct: bool)
    where
        I: Iterator<Item = (u32, T)> + Clone,
    {
        self.seed(top, seeds.clone(), distinct);
        self.sweep_live(top, seeds);
    }

    /// Adjoints `−0` (the identity of addition) up to node `top`, then the seeds added
    /// (stored, when they are `distinct`: `−0 + w` is `w`, and reading an adjoint just
    /// written by `resize` can stall on the store; adjacent seeds became one wide load that
    /// spanned two stores and took half of a small gradient).
    fn seed<I: Iterator<Item = (u32, T)>>(&mut self, top: u32, seeds: I, distinct: bool) {
        self.adjoints.clear();
        self.adjoints.resize(top as usize + 1, -T::zero());
        for (i, w) in seeds {
            if distinct {
                self.adjoints[i as usize] = w;
            } else {
                self.adjoints[i as usize] += w;
            }
        }
    }

    /// `āᵢ += ȳ·∂y/∂aᵢ` for every node `y` from `top` down to the first that is not one of
    /// the leading inputs (which have no operands). A node's contribution to the node just
    /// below it stays in a register (see `Node::backward`); each node's adjoint, once
    /// complete, is stored, since an input made after other operations is among the nodes
    /// swept and its adjoint is read afterwards.
    #[inline]
    fn sweep_all(&mut self, top: u32) {
        let n = top as usize;
        let lead = self.lead as usize;
        let nodes = &self.nodes[..n.saturating_sub(lead)];
        let adj = &mut self.adjoints[..=n];
        let mut k = n;
        // What node `k` still receives from node `k + 1`.
        let mut carry = -T::zero();
        for node in nodes.iter().rev() {
            let a = adj[k] + carry;
            adj[k] = a;
            carry = node.backward(a, (k - 1) as u32, adj);
            k -= 1;
        }
        adj[k] += carry;
    }

    /// The same, visiting only the nodes the seeded outputs depend on.
    #[cold]
    fn sweep_live<I: Iterator<Item = (u32, T)>>(&mut self, top: u32, seeds: I) {
        let n = top as usize;
        self.live.clear();
        self.live.resize(n + 1, false);
        for (i, _) in seeds {
            self.live[i as usize] = true;
        }
        let lead = self.lead as usize;
        let nodes = &self.nodes[..n.saturating_sub(lead)];
        let adj = &mut self.adjoints[..=n];
        let live = &mut self.live[..=n];
        // As in `sweep_all`. A node skipped here is not an operand of the node above it,
        // so nothing is carried past it; what is left at the end is the last leading
        // input's (or the slot's).
        let mut carry = -T::zero();
        for (pos, node) in nodes.iter().enumerate().rev() {
            let k = pos + 1 + lead;
            if !live[k] {
                continue;
            }
            let a = adj[k] + carry;
            adj[k] = a;
            carry = node.backward(a, (k - 1) as u32, adj);
            for i in node.args {
                live[i as usize] = true;
            }
        }
        adj[n.min(lead)] += carry;
    }
}
