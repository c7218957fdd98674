//! Service-level agreements: what is promised ([`terms`]) and the verdict of
//! one period ([`verdict`]).

pub mod terms;
pub mod verdict;

pub use terms::*;
pub use verdict::*;

#[cfg(test)]
mod tests;
