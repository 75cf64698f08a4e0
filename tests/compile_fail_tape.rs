//! What the borrow checker rejects about tape handles, with its messages: a handle cannot
//! outlive its tape, a tape cannot be cleared while a handle of it is alive, and a handle
//! cannot be sent to another thread (the tape is not `Sync`). Handles of two tapes in one
//! operation are a run-time panic instead (tests/tape.rs).
//!
//! `pass_tape.rs` makes trybuild build rather than only check. The `.stderr` files are
//! pinned for the rustc version CI uses (1.95).

#[test]
fn ui_tape() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui_tape/pass_tape.rs");
    t.compile_fail("tests/ui_tape/handle_outlives_tape.rs");
    t.compile_fail("tests/ui_tape/clear_while_handle_alive.rs");
    t.compile_fail("tests/ui_tape/handle_to_another_thread.rs");
}
