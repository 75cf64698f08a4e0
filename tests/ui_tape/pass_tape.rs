use tapeless::prelude::*;

fn main() {
    let mut tape = Tape::<f64>::new();
    for p in [1.0, 2.0] {
        tape.clear();
        let x = tape.input(p);
        let y = (x * x).sin();
        assert_eq!(tape.gradient_vec(y), [2.0 * p * (p * p).cos()]);
    }
    // A tape without live handles may move to another thread.
    std::thread::spawn(move || tape.clear()).join().unwrap();
}
