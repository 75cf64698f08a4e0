use tapeless::Tape;

fn main() {
    let y = {
        let tape = Tape::<f64>::new();
        let x = tape.input(1.0);
        x * x
    };
    println!("{}", y.value());
}
