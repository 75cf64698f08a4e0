//! The list of workloads, shared by the `compare` example and the criterion benches.

use crate::harness::Suite;
use crate::{black_scholes, dag_k, logistic, mlp, rosenbrock, sum_n};

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
}
