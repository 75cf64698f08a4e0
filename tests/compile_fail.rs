//! The mistakes the crate promises to reject when it is built, with their messages, and
//! the code it promises to accept as written.
//!
//! The out-of-range variable is a post-monomorphization error (`cargo build` reports it,
//! `cargo check` does not); trybuild builds instead of checking only when a `pass` case
//! is present. The `.stderr` files are pinned for the rustc version CI uses (1.95);
//! regenerate them with `TRYBUILD=overwrite` and read the diff.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass_basic.rs");
    t.pass("tests/ui/pass_literals.rs");
    t.compile_fail("tests/ui/var_out_of_range.rs");
    t.compile_fail("tests/ui/placeholder_private.rs");
    t.compile_fail("tests/ui/integer_literal.rs");
    t.compile_fail("tests/ui/not_an_expression.rs");
    t.compile_fail("tests/ui/wrong_point.rs");
    t.compile_fail("tests/ui/f64_rule_second_order.rs");
    t.compile_fail("tests/ui/residual_count.rs");
}
