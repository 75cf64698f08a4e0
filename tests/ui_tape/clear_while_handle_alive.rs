use tapeless::Tape;

fn main() {
    let mut tape = Tape::<f64>::new();
    let x = tape.input(1.0);
    tape.clear();
    println!("{}", (x * x).value());
}
