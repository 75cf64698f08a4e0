use tapeless::Tape;

fn main() {
    let tape = Tape::<f64>::new();
    let x = tape.input(1.0);
    std::thread::scope(|s| {
        s.spawn(move || x.value());
    });
}
