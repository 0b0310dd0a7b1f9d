#![no_std]
pub const A: u32 = 1;
pub const B: c_int = 0x10 | A;
/// doc
pub(crate) const C: ::libc::c_long = -1;
const D:
    a::Foo = Bar::X;
s! {
    pub struct S { a: u8 }
}
foo::bar!(x, "}", '{', r#"}"#, b'(');
cfg_if::cfg_if![ if #[cfg(a)] { mod m; } ];
macro_rules! m { () => { const Z: u8 = 1; } }
impl<'a> T<'a> { const I: u32 = 4; fn f(&self) -> char { '}' } }
pub const J: Type = Y;
/* block /* nested } */ comment */
pub const L: i64 = -1 << 3;
