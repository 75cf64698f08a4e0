//! The list of workloads, shared by the `compare` example and the criterion benches.

use crate::harness::{Harness, Suite, Workload};
use crate::runtime::{self, Model};
use crate::{
    black_scholes, dag_k, gmm, llsq, logistic, lse, mlp, mlp_wide, ode, rosenbrock, sum_n,
};

/// Runs every workload, in table order.
pub fn all(s: &mut impl Suite) {
    s.workload::<rosenbrock::Rosenbrock>();
    s.workload::<black_scholes::BlackScholes>();
    s.workload::<logistic::Logistic>();
    s.workload::<mlp::Mlp>();
    s.workload::<sum_n::Sum<4>>();
    s.workload::<sum_n::Sum<16>>();
    s.workload::<sum_n::Sum<64>>();
    s.workload::<sum_n::Sum<256>>();
    s.workload::<dag_k::Dag<4>>();
    s.workload::<dag_k::Dag<8>>();
    s.workload::<dag_k::Dag<16>>();
    // Run-time size.
    s.workload::<RunTime<llsq::Llsq<16>>>();
    s.workload::<RunTime<llsq::Llsq<256>>>();
    s.workload::<RunTime<llsq::Llsq<4096>>>();
    s.workload::<RunTime<lse::Lse<1000, 1000>>>();
    // Forward mode would carry 100,000 tangents through 100,000 terms: no `num_dual` row.
    s.workload::<RunTime<lse::Lse<100_000, 1>>>();
    s.workload::<RunTime<gmm::Gmm>>();
    s.workload::<RunTime<ode::Ode<40, 40>>>();
    s.workload::<RunTime<ode::Ode<100, 100>>>();
    // 1000 tangents of 8 KB each through 160,000 operations: no `num_dual` row.
    s.workload::<RunTime<ode::Ode<1000, 1>>>();
    s.workload::<RunTime<mlp_wide::MlpWide>>();
}

/// A workload of run-time size as a [`Workload`].
pub struct RunTime<M>(core::marker::PhantomData<M>);

impl<M: Model> Workload for RunTime<M> {
    fn name() -> String {
        M::name()
    }

    fn run<H: Harness>(h: &mut H) {
        runtime::run_all::<M, H>(h);
    }
}
