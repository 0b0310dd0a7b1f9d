pub fn print(what: &str, total: f64) {
    println!("{what}; total {total:.2}");
}
