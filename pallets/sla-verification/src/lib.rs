//! placeholder until the pallet lands
