use geom::{total_area, Area, Circle, Square};

mod report;

fn main() {
    let c = Circle::new(2.0);
    let s = Square::unit();
    let total = total_area(&[&c, &s]);
    report::print(&c.describe(), total);
}
