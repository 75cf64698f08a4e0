// A let placeholder can only be received from `let_in`, never made.
use tapeless::Ph;

fn main() {
    let _p = Ph { slot: 0 };
}
