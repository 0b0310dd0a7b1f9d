//! Shapes and the areas they cover.
pub mod shapes;

pub use shapes::{Circle, Square};

/// Anything with an area.
pub trait Area {
    fn area(&self) -> f64;

    fn describe(&self) -> String {
        format!("area {:.2}", self.area())
    }
}

/// The sum of the areas of `items`.
pub fn total_area(items: &[&dyn Area]) -> f64 {
    items.iter().map(|s| s.area()).sum()
}

pub const UNIT: f64 = 1.0;
