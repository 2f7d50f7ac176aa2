//! Decisions read from bytes, and the proptest strategy that draws and shrinks those bytes.
//!
//! The generator takes every decision from [`Choices`]: one byte a decision, and the byte 0
//! (which is also what an exhausted input reads) its simplest outcome: the first option, `no`,
//! the fewest items. So one generator serves both drivers:
//!
//! - the fuzz target hands it the fuzzer's input, and a mutated byte changes one decision;
//! - the property tests draw the bytes at random ([`from_choices`]) and, when a case fails,
//!   shrink each byte the generator read towards 0, which simplifies the manifest one decision
//!   at a time.
//!
//! The other way round (proptest combinators fed the fuzzer's bytes through
//! `TestRng::from_seed(RngAlgorithm::PassThrough, ..)`) does not work for a generator made of
//! `prop_oneof!`: that RNG hands half of the bytes left to every alternative a union builds
//! lazily before the one it picks (and to every `prop_flat_map`), so an input decides only the
//! first few choices; and once the bytes are used up it returns zeros for ever, on which rand's
//! rejection sampling never ends for a range that is not a power of two (a `select` from three
//! values hangs).

use std::fmt;
use std::ops::RangeInclusive;

use proptest::num::u8::BinarySearch;
use proptest::prelude::*;
use proptest::strategy::{NewTree, ValueTree};
use proptest::test_runner::TestRunner;

/// The decisions of one generated value, read from bytes in order.
pub struct Choices<'b> {
    bytes: &'b [u8],
    read: usize,
}

impl<'b> Choices<'b> {
    pub fn new(bytes: &'b [u8]) -> Choices<'b> {
        Choices { bytes, read: 0 }
    }

    /// How many bytes the decisions so far have read (beyond the input: zeros).
    pub fn read(&self) -> usize {
        self.read
    }

    fn byte(&mut self) -> u8 {
        let byte = self.bytes.get(self.read).copied().unwrap_or(0);
        self.read += 1;
        byte
    }

    /// `true` about `percent` times in a hundred; `false` for the byte 0.
    pub fn chance(&mut self, percent: u32) -> bool {
        u32::from(self.byte()) >= 256 - percent * 256 / 100
    }

    /// One of `options`, each as likely; the first for the byte 0.
    pub fn pick<T: Copy>(&mut self, options: &[T]) -> T {
        options[self.below(options.len())]
    }

    /// One of `options`, each as likely as its weight; the first for the byte 0.
    pub fn weighted<T: Copy>(&mut self, options: &[(u32, T)]) -> T {
        let total: u32 = options.iter().map(|(weight, _)| weight).sum();
        let mut roll = u32::from(self.byte()) * total / 256;
        for &(weight, option) in options {
            if roll < weight {
                return option;
            }
            roll -= weight;
        }
        unreachable!("the roll is below the total weight")
    }

    /// A count in `range`; its start for the byte 0.
    pub fn count(&mut self, range: RangeInclusive<usize>) -> usize {
        range.start() + self.below(range.end() - range.start() + 1)
    }

    /// A number of eight bytes (a seed); 0 for zero bytes.
    pub fn seed(&mut self) -> u64 {
        u64::from_le_bytes([(); 8].map(|()| self.byte()))
    }

    /// A number in `0..n`, growing with the byte read.
    fn below(&mut self, n: usize) -> usize {
        usize::from(self.byte()) * n / 256
    }
}

/// Random bytes drawn per case: more than any generated value reads, so a case never runs out.
pub(super) const BYTES_PER_CASE: usize = 8192;

/// A proptest strategy for the values `generate` makes from random [`Choices`]. Shrinking
/// lowers the bytes `generate` read, one at a time, each by binary search towards 0.
pub fn from_choices<T: fmt::Debug>(generate: fn(&mut Choices) -> T) -> impl Strategy<Value = T> {
    FromChoices { generate }
}

struct FromChoices<T> {
    generate: fn(&mut Choices) -> T,
}

impl<T> fmt::Debug for FromChoices<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FromChoices")
    }
}

impl<T: fmt::Debug> Strategy for FromChoices<T> {
    type Tree = ChoiceTree<T>;
    type Value = T;

    fn new_tree(&self, runner: &mut TestRunner) -> NewTree<Self> {
        let mut bytes =
            prop::collection::vec(any::<u8>(), BYTES_PER_CASE).new_tree(runner)?.current();
        let mut choices = Choices::new(&bytes);
        (self.generate)(&mut choices);
        // The bytes past those read do not change the value: only the read ones can shrink it.
        bytes.truncate(choices.read());
        Ok(ChoiceTree {
            generate: self.generate,
            bytes: bytes.into_iter().map(BinarySearch::new).collect(),
            shrinking: 0,
        })
    }
}

/// The bytes of one case, each shrinking on its own, in order.
pub struct ChoiceTree<T> {
    generate: fn(&mut Choices) -> T,
    bytes: Vec<BinarySearch>,
    /// The byte being shrunk; those before it are as small as the failure allows.
    shrinking: usize,
}

impl<T: fmt::Debug> ValueTree for ChoiceTree<T> {
    type Value = T;

    fn current(&self) -> T {
        let bytes: Vec<u8> = self.bytes.iter().map(ValueTree::current).collect();
        (self.generate)(&mut Choices::new(&bytes))
    }

    fn simplify(&mut self) -> bool {
        while let Some(byte) = self.bytes.get_mut(self.shrinking) {
            if byte.simplify() {
                return true;
            }
            self.shrinking += 1;
        }
        false
    }

    fn complicate(&mut self) -> bool {
        self.bytes.get_mut(self.shrinking).is_some_and(ValueTree::complicate)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_byte_zero_is_the_simplest_outcome_of_every_decision() {
        let mut choices = Choices::new(&[]);
        assert!(!choices.chance(99));
        assert_eq!(choices.pick(&["first", "second"]), "first");
        assert_eq!(choices.weighted(&[(1, "first"), (9, "second")]), "first");
        assert_eq!(choices.count(2..=5), 2);
        assert_eq!(choices.read(), 4, "each decision reads one byte, zeros past the end");
    }

    #[test]
    fn the_byte_255_is_the_last_outcome_of_every_decision() {
        let mut choices = Choices::new(&[255; 4]);
        assert!(choices.chance(1));
        assert_eq!(choices.pick(&["first", "second"]), "second");
        assert_eq!(choices.weighted(&[(9, "first"), (1, "second")]), "second");
        assert_eq!(choices.count(2..=5), 5);
    }

    #[test]
    fn weights_share_the_bytes_in_proportion() {
        let picks: Vec<char> =
            (0..=255u8).map(|byte| Choices::new(&[byte]).weighted(&[(1, 'a'), (3, 'b')])).collect();
        assert_eq!(picks.iter().filter(|&&pick| pick == 'a').count(), 64);
    }

    #[test]
    fn chance_is_true_for_about_that_share_of_the_bytes() {
        let trues = (0..=255u8).filter(|&byte| Choices::new(&[byte]).chance(25)).count();
        assert_eq!(trues, 64);
    }
}
