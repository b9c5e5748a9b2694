//! Faults at random and delivery counts per request identity, for load and fault runs.
//!
//! - A [`FaultMix`] answers a share of an endpoint's calls with faults (an error code, a reset,
//!   a delay…) drawn from a seeded generator: the same seed and the same order of arrival give
//!   the same faults.
//! - Identity counting keeps, per value of a JSON body field (an order id, a serial number),
//!   how many accepted requests carried it: counts only, never bodies, so a caller can check that a
//!   call that is not idempotent reached the server at most once.

use std::collections::HashMap;

use serde_json::Value;

use crate::routes::Behavior;

/// A share of an endpoint's calls answered with faults instead of the normal answer, for
/// [`MockServer::inject_faults`](crate::MockServer::inject_faults).
///
/// Each call draws from a generator seeded with `seed`: with probability `share` it gets one
/// of `faults`, picked in proportion to the weights; otherwise it gets what it would have got
/// without the mix. One-shot behaviours queued with
/// [`MockServer::respond_once`](crate::MockServer::respond_once) come first and draw nothing.
///
/// ```
/// use std::time::Duration;
/// use wechat_invoice_mock::{Behavior, FaultMix, Reply};
///
/// // 10% of calls: half get -1 (system busy), a quarter a reset, a quarter a 50 ms delay.
/// let mix = FaultMix::new(0.10, 42)
///     .fault(2, Reply::Error(-1))
///     .fault(1, Reply::Reset)
///     .fault(1, Behavior::reply(Reply::Example).after(Duration::from_millis(50)));
/// assert_eq!(mix.faults.len(), 3);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct FaultMix {
    /// Share of calls that get a fault, 0 to 1.
    pub share: f64,
    /// Seed of the generator.
    pub seed: u64,
    /// The faults with their weights; a weight of 0 never happens.
    pub faults: Vec<(u32, Behavior)>,
}

impl FaultMix {
    /// A mix that faults `share` of the calls (clamped to 0..=1), with no faults listed yet.
    pub fn new(share: f64, seed: u64) -> Self {
        let share = if share.is_finite() {
            share.clamp(0.0, 1.0)
        } else {
            0.0
        };
        Self {
            share,
            seed,
            faults: Vec::new(),
        }
    }

    /// Adds a fault with its weight among the faults.
    pub fn fault(mut self, weight: u32, behavior: impl Into<Behavior>) -> Self {
        self.faults.push((weight, behavior.into()));
        self
    }
}

/// What a fault mix did so far, from [`MockServer::fault_counts`](crate::MockServer::fault_counts).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FaultCounts {
    /// Calls that drew (every call of the endpoint while the mix was on, one-shots aside).
    pub calls: usize,
    /// Each fault of the mix, in the mix's order, with how many calls got it.
    pub injected: Vec<(Behavior, usize)>,
}

impl FaultCounts {
    /// Calls that got a fault, all kinds together.
    pub fn total_injected(&self) -> usize {
        self.injected.iter().map(|(_, count)| count).sum()
    }

    /// Share of the calls that got a fault (0 when there were no calls).
    pub fn share(&self) -> f64 {
        if self.calls == 0 {
            0.0
        } else {
            self.total_injected() as f64 / self.calls as f64
        }
    }
}

/// A mix in use: the generator's state and the counts.
pub(crate) struct ActiveMix {
    mix: FaultMix,
    state: u64,
    total_weight: u64,
    counts: FaultCounts,
}

impl ActiveMix {
    pub(crate) fn new(mix: FaultMix) -> Self {
        let total_weight = mix
            .faults
            .iter()
            .map(|(weight, _)| u64::from(*weight))
            .sum();
        let counts = FaultCounts {
            calls: 0,
            injected: mix.faults.iter().map(|(_, b)| (b.clone(), 0)).collect(),
        };
        Self {
            state: mix.seed,
            mix,
            total_weight,
            counts,
        }
    }

    /// Draws for one call: the fault it gets, or `None` for the normal answer.
    pub(crate) fn draw(&mut self) -> Option<Behavior> {
        self.counts.calls += 1;
        let faulty = unit(splitmix64(&mut self.state)) < self.mix.share;
        if !faulty || self.total_weight == 0 {
            return None;
        }
        let mut pick = splitmix64(&mut self.state) % self.total_weight;
        for (index, (weight, behavior)) in self.mix.faults.iter().enumerate() {
            let weight = u64::from(*weight);
            if pick < weight {
                self.counts.injected[index].1 += 1;
                return Some(behavior.clone());
            }
            pick -= weight;
        }
        None
    }

    pub(crate) fn counts(&self) -> FaultCounts {
        self.counts.clone()
    }
}

/// SplitMix64: a small, well-mixed generator; enough for choosing faults.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A uniform float in `[0, 1)` from the top 53 bits.
fn unit(bits: u64) -> f64 {
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

/// Deliveries of one endpoint per identity, from
/// [`MockServer::identity_summary`](crate::MockServer::identity_summary).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IdentitySummary {
    /// Counted requests that carried the identity field.
    pub deliveries: usize,
    /// Distinct identities seen.
    pub identities: usize,
    /// The most deliveries of any one identity (0 when none was seen).
    pub max_per_identity: usize,
    /// Identities delivered more than once with their counts, most first (at most 20).
    pub repeated: Vec<(String, usize)>,
    /// Counted requests without the field.
    pub without_identity: usize,
}

/// Counts per identity of one endpoint.
pub(crate) struct IdentityCounter {
    pointer: String,
    counts: HashMap<String, usize>,
    without_identity: usize,
}

impl IdentityCounter {
    pub(crate) fn new(pointer: &str) -> Self {
        Self {
            pointer: pointer.to_string(),
            counts: HashMap::new(),
            without_identity: 0,
        }
    }

    /// Counts one request by the field at the pointer in its JSON body.
    pub(crate) fn count(&mut self, body: &[u8]) {
        let identity = serde_json::from_slice::<Value>(body)
            .ok()
            .and_then(|value| match value.pointer(&self.pointer)? {
                Value::String(text) => Some(text.clone()),
                Value::Null => None,
                other => Some(other.to_string()),
            });
        match identity {
            Some(identity) => *self.counts.entry(identity).or_default() += 1,
            None => self.without_identity += 1,
        }
    }

    pub(crate) fn get(&self, identity: &str) -> usize {
        self.counts.get(identity).copied().unwrap_or(0)
    }

    pub(crate) fn summary(&self) -> IdentitySummary {
        let mut repeated: Vec<(String, usize)> = self
            .counts
            .iter()
            .filter(|(_, count)| **count > 1)
            .map(|(identity, count)| (identity.clone(), *count))
            .collect();
        repeated.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        repeated.truncate(20);
        IdentitySummary {
            deliveries: self.counts.values().sum(),
            identities: self.counts.len(),
            max_per_identity: self.counts.values().copied().max().unwrap_or(0),
            repeated,
            without_identity: self.without_identity,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routes::Reply;

    #[test]
    fn the_same_seed_draws_the_same_faults() {
        let mix = FaultMix::new(0.3, 9)
            .fault(1, Reply::Reset)
            .fault(1, Reply::Error(-1));
        let draws = |mix: &FaultMix| {
            let mut active = ActiveMix::new(mix.clone());
            (0..500).map(|_| active.draw()).collect::<Vec<_>>()
        };
        assert_eq!(draws(&mix), draws(&mix));
        assert_ne!(
            draws(&mix),
            draws(&FaultMix {
                seed: 10,
                ..mix.clone()
            })
        );
    }

    #[test]
    fn share_zero_and_weight_zero_never_fault() {
        let mut none = ActiveMix::new(FaultMix::new(0.0, 1).fault(1, Reply::Reset));
        let mut unweighted = ActiveMix::new(FaultMix::new(1.0, 1).fault(0, Reply::Reset));
        for _ in 0..1000 {
            assert_eq!(none.draw(), None);
            assert_eq!(unweighted.draw(), None);
        }
        assert_eq!(none.counts().calls, 1000);
        assert_eq!(FaultMix::new(f64::NAN, 1).share, 0.0);
        assert_eq!(FaultMix::new(7.0, 1).share, 1.0);
    }

    #[test]
    fn identities_count_strings_numbers_and_missing_fields() {
        let mut counter = IdentityCounter::new("/a/b");
        for body in [
            r#"{"a":{"b":"x"}}"#,
            r#"{"a":{"b":"x"}}"#,
            r#"{"a":{"b":7}}"#,
            r#"{"a":{}}"#,
            "not json",
        ] {
            counter.count(body.as_bytes());
        }
        assert_eq!(counter.get("x"), 2);
        assert_eq!(counter.get("7"), 1);
        assert_eq!(
            counter.summary(),
            IdentitySummary {
                deliveries: 3,
                identities: 2,
                max_per_identity: 2,
                repeated: vec![("x".to_string(), 2)],
                without_identity: 2,
            }
        );
    }
}
