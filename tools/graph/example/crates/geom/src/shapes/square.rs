use super::squared;
use crate::{Area, UNIT};

#[derive(Debug, Clone, Copy)]
pub struct Square {
    pub side: f64,
}

impl Square {
    pub fn unit() -> Self {
        Square { side: UNIT }
    }
}

impl Area for Square {
    fn area(&self) -> f64 {
        squared(self.side)
    }
}
