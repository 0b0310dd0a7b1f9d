mod circle;
mod square;

pub use circle::Circle;
pub use square::Square;

pub(crate) fn squared(x: f64) -> f64 {
    x * x
}
