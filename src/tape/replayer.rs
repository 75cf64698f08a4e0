//! A function that records itself once and replays, recording again only when a branch
//! changes: [`Replayer`].

use super::{Inputs, Replay, ReplayError, Tape, Var};
use crate::Scalar;

/// A function of a run-time number of inputs, given as the closure that records it, kept
/// as a [`Replay`]: the first evaluation records it, later ones replay it, and a point
/// where a recorded comparison comes out otherwise ([`ReplayError::BranchChanged`]) is
/// recorded again (and the new recording is kept). The result is always that of a
/// recording at the point: never the gradient of a branch not taken.
///
/// What a solver wants when it evaluates one function at hundreds of points: the
/// [argmin adapter](crate::solve::argmin::TapeProblem) is built on it.
///
/// ```
/// use tapeless::tape::{Inputs, Replayer, Var};
///
/// fn f<'t>(x: Inputs<'t, f64>) -> Var<'t, f64> {
///     let (a, b) = (x.get(0), x.get(1));
///     if a.gt(b) { a * a } else { b.sin() }
/// }
/// let mut r = Replayer::new(f);
/// let mut g = [0.0; 2];
/// assert_eq!(r.gradient(&[2.0, 1.0], &mut g), 4.0); // recorded
/// assert_eq!(r.gradient(&[3.0, 1.0], &mut g), 9.0); // replayed
/// assert_eq!(r.gradient(&[0.0, 1.0], &mut g), 1.0_f64.sin()); // other branch: recorded
/// assert_eq!(g, [-0.0, 1.0_f64.cos()]);
/// assert_eq!((r.recordings(), r.replays()), (2, 1));
/// ```
pub struct Replayer<T, F> {
    f: F,
    tape: Tape<T>,
    replay: Option<Replay<T>>,
    recordings: usize,
    replays: usize,
}

impl<T: Scalar, F> Replayer<T, F>
where
    F: for<'t> Fn(Inputs<'t, T>) -> Var<'t, T>,
{
    /// The function `f` records, not yet recorded.
    pub fn new(f: F) -> Self {
        Replayer {
            f,
            tape: Tape::for_replay(),
            replay: None,
            recordings: 0,
            replays: 0,
        }
    }

    /// Writes the gradient at `x` into `grad` and returns the value: replayed when the last
    /// recording applies at `x`, recorded again otherwise (another number of inputs, a
    /// changed branch, a rule defined outside the crate).
    ///
    /// # Panics
    /// If `grad.len()` differs from `x.len()`.
    #[track_caller]
    pub fn gradient(&mut self, x: &[T], grad: &mut [T]) -> T {
        assert_eq!(
            x.len(),
            grad.len(),
            "tapeless: the point and the gradient buffer differ in length"
        );
        if let Some(r) = &mut self.replay {
            if r.num_inputs() == x.len() {
                if let Ok(v) = r.gradient(x, grad) {
                    self.replays += 1;
                    return v;
                }
            }
        }
        self.record(x, |r, tape, y| match r.gradient(x, grad) {
            Ok(v) => v,
            Err(_) => tape.gradient(y, grad),
        })
    }

    /// The value at `x`, replayed or recorded as [`gradient`](Replayer::gradient) decides.
    pub fn value(&mut self, x: &[T]) -> T {
        if let Some(r) = &mut self.replay {
            if r.num_inputs() == x.len() {
                if let Ok(v) = r.value(x) {
                    self.replays += 1;
                    return v;
                }
            }
        }
        self.record(x, |_, _, y| y.value())
    }

    /// `H(x)·v` into `hv`, the gradient into `grad`, and the value, by forward over
    /// reverse on the replay (see [`Replay::hvp`]); recorded again as
    /// [`gradient`](Replayer::gradient) decides.
    ///
    /// ```
    /// use tapeless::tape::{Inputs, Replayer, Var};
    /// fn f<'t>(x: Inputs<'t, f64>) -> Var<'t, f64> {
    ///     x.get(0).square() * x.get(1)
    /// }
    /// let mut r = Replayer::new(f);
    /// let (mut g, mut hv) = ([0.0; 2], [0.0; 2]);
    /// assert_eq!(r.hvp(&[3.0, 2.0], &[0.0, 1.0], &mut g, &mut hv), Ok(18.0));
    /// assert_eq!(hv, [6.0, 0.0]);
    /// ```
    ///
    /// # Errors
    /// [`ReplayError::ForeignRule`] if the function uses a rule defined outside the crate:
    /// there is then no replay to run on dual numbers.
    ///
    /// # Panics
    /// If the slices differ in length.
    #[track_caller]
    pub fn hvp(
        &mut self,
        x: &[T],
        v: &[T],
        grad: &mut [T],
        hv: &mut [T],
    ) -> Result<T, ReplayError> {
        if let Some(r) = &mut self.replay {
            if r.num_inputs() == x.len() {
                if let Ok(value) = r.hvp(x, v, grad, hv) {
                    self.replays += 1;
                    return Ok(value);
                }
            }
        }
        self.record(x, |r, _, _| r.hvp(x, v, grad, hv))
    }

    /// The closure that records the function.
    pub fn function(&self) -> &F {
        &self.f
    }

    /// How many times the function was recorded.
    pub fn recordings(&self) -> usize {
        self.recordings
    }

    /// How many evaluations were replays.
    pub fn replays(&self) -> usize {
        self.replays
    }

    /// Records the function at `x`, keeps its replay, and hands both to `then`.
    fn record<R>(
        &mut self,
        x: &[T],
        then: impl FnOnce(&mut Replay<T>, &Tape<T>, Var<'_, T>) -> R,
    ) -> R {
        self.recordings += 1;
        self.tape.clear();
        let y = (self.f)(self.tape.inputs(x));
        let replay = self.replay.get_or_insert_with(Replay::empty);
        self.tape.replay_into(y, replay);
        then(replay, &self.tape, y)
    }
}

impl<T, F> core::fmt::Debug for Replayer<T, F> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Replayer")
            .field("recordings", &self.recordings)
            .field("replays", &self.replays)
            .finish_non_exhaustive()
    }
}
