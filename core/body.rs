//! [`Body`], the bound under which a `#[generator]` function names its generator's type.

/// The body of a generator made by `#[generator]`, which its [`Gen`](crate::Gen) runs: a
/// `#[generator]` function returns `Gen<impl Body<Return = R>, Y, S, E>`, where `R` is its
/// declared return type. Every body is its own type, as every closure is; a function's
/// generator type is named only through this bound (or boxed, as a
/// [`BoxGenerator`](crate::BoxGenerator)).
///
/// It is implemented for every [`Future`](core::future::Future), the form the attribute lowers a
/// body to; only bodies the attribute wrote can yield.
///
/// A trait can declare a generator method through it, and each impl makes the method a
/// `#[generator]`:
///
/// ```
/// use corogen::prelude::*;
/// use corogen::Body;
///
/// trait Shape {
///     fn corners(&self) -> Gen<impl Body<Return = ()>, (i32, i32)>;
/// }
///
/// struct Square(i32);
///
/// impl Shape for Square {
///     #[generator(yield = (i32, i32))]
///     fn corners(&self) {
///         let n = self.0;
///         for corner in [(0, 0), (n, 0), (n, n), (0, n)] {
///             yield_!(corner);
///         }
///     }
/// }
///
/// let corners: Vec<_> = Square(2).corners().into_iter().collect();
/// assert_eq!(corners, [(0, 0), (2, 0), (2, 2), (0, 2)]);
/// ```
pub trait Body: core::future::Future<Output = <Self as Body>::Return> {
    /// The generator's return value.
    type Return;
}

impl<F: core::future::Future> Body for F {
    type Return = F::Output;
}
