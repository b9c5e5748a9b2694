//! When a failed call is sent again: the [`RetryPolicy`] and the pure decision function.
//!
//! - WeChat's error codes decide through the spec's flags: `retryable` codes (-1 system busy,
//!   72036 invoice is busy, 45011 minute quota) are retried with back-off, `may_have_succeeded`
//!   codes (73100, 73105, 73107) never, token rejections (40001, 40014, 42001) once with a
//!   fresh token.
//! - The endpoint's `idempotent` flag decides about everything else: a call that is not
//!   idempotent (insert, create, upload) is repeated only when it cannot have left this
//!   machine (the connection was refused), never after a timeout, a reset, a 5xx or -1.
//! - Back-off is exponential with jitter, bounded by an attempt count and a total deadline.

use std::time::Duration;

/// How calls are retried. The default: at most 3 attempts, 200 ms doubling to at most 5 s with
/// half of each delay random, and no retry that would end past 60 s after the call started.
///
/// ```
/// use std::time::Duration;
/// use wechat_invoice::RetryPolicy;
///
/// let policy = RetryPolicy::default()
///     .max_attempts(5)
///     .base_delay(Duration::from_millis(100))
///     .total_deadline(Duration::from_secs(10));
/// assert_eq!(policy.get_max_attempts(), 5);
/// let never = RetryPolicy::none();
/// assert_eq!(never.get_max_attempts(), 1);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    max_attempts: u32,
    base_delay: Duration,
    max_delay: Duration,
    jitter: f64,
    total_deadline: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
            jitter: 0.5,
            total_deadline: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// No retries (a rejected token is still refreshed and the call sent once more).
    pub fn none() -> Self {
        Self::default().max_attempts(1)
    }

    /// Attempts per call including the first (at least 1).
    #[must_use]
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Delay before the first retry; each further retry doubles it.
    #[must_use]
    pub fn base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// Longest delay between two attempts.
    #[must_use]
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// Share of each delay that is random, 0 to 1 (0.5: a delay `d` becomes 0.5·d to d).
    #[must_use]
    pub fn jitter(mut self, share: f64) -> Self {
        self.jitter = if share.is_finite() {
            share.clamp(0.0, 1.0)
        } else {
            0.0
        };
        self
    }

    /// No attempt starts, and none runs, past this long after the call started.
    #[must_use]
    pub fn total_deadline(mut self, deadline: Duration) -> Self {
        self.total_deadline = deadline;
        self
    }

    /// Attempts per call including the first.
    pub fn get_max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The total deadline of a call.
    pub fn get_total_deadline(&self) -> Duration {
        self.total_deadline
    }

    /// The delay before retry number `retry` (1 for the first), with `sample` in `[0, 1)`
    /// choosing the random part.
    pub fn backoff(&self, retry: u32, sample: f64) -> Duration {
        let doublings = retry.saturating_sub(1).min(30);
        let full = self
            .base_delay
            .saturating_mul(1 << doublings)
            .min(self.max_delay);
        let sample = if sample.is_finite() {
            sample.clamp(0.0, 1.0)
        } else {
            0.0
        };
        // Through floats, which cannot overflow; a product past `Duration::MAX` stays `full`.
        let share = 1.0 - self.jitter * sample;
        Duration::try_from_secs_f64(full.as_secs_f64() * share).map_or(full, |d| d.min(full))
    }

    /// What to do after a failed attempt.
    pub(crate) fn decide(&self, fault: Fault, call: &CallState, sample: f64) -> Decision {
        match fault {
            Fault::Api {
                token_invalid: true,
                ..
            } if !call.token_refreshed && call.elapsed < self.total_deadline => {
                Decision::RefreshToken
            }
            Fault::Api {
                may_have_succeeded: true,
                ..
            } => Decision::Stop,
            Fault::Api {
                retryable: true,
                token_invalid: false,
                ..
            } if call.idempotent => self.back_off(call, sample),
            Fault::NotSent => self.back_off(call, sample),
            Fault::Transient if call.idempotent => self.back_off(call, sample),
            Fault::Api { .. } | Fault::Transient | Fault::Permanent => Decision::Stop,
        }
    }

    fn back_off(&self, call: &CallState, sample: f64) -> Decision {
        let counted = call.attempts - u32::from(call.token_refreshed);
        if counted >= self.max_attempts {
            return Decision::Stop;
        }
        let delay = self.backoff(counted, sample);
        if call.elapsed.saturating_add(delay) >= self.total_deadline {
            return Decision::Stop;
        }
        Decision::Retry { after: delay }
    }
}

/// What went wrong in one attempt, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fault {
    /// Failed before the request left this machine (connection refused, connect timeout):
    /// safe to repeat for every endpoint.
    NotSent,
    /// The request may have reached WeChat, and repeating may help: a timeout, a reset, a
    /// 5xx or 429, a gateway's HTML, a truncated or empty body.
    Transient,
    /// WeChat answered an error code, classified by the spec.
    Api {
        /// The spec's `retryable`.
        retryable: bool,
        /// The spec's `may_have_succeeded`.
        may_have_succeeded: bool,
        /// The spec's `invalidates_token`.
        token_invalid: bool,
    },
    /// Repeating cannot help: JSON of the wrong shape, a body over the cap, a 4xx, a request
    /// that does not encode, no token.
    Permanent,
}

/// The call so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CallState {
    /// Attempts made, including the one that just failed.
    pub attempts: u32,
    /// Time since the call started.
    pub elapsed: Duration,
    /// The endpoint's `idempotent` flag.
    pub idempotent: bool,
    /// Whether the one retry with a fresh token was used already.
    pub token_refreshed: bool,
}

/// The decision after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Send again after this delay.
    Retry {
        /// The back-off delay.
        after: Duration,
    },
    /// Invalidate the token that was rejected and send again at once with a fresh one.
    RefreshToken,
    /// Return the error.
    Stop,
}

#[cfg(test)]
mod tests {
    use super::*;

    const BUSY: Fault = Fault::Api {
        retryable: true,
        may_have_succeeded: false,
        token_invalid: false,
    };
    const REJECTED_TOKEN: Fault = Fault::Api {
        retryable: false,
        may_have_succeeded: false,
        token_invalid: true,
    };
    const MAYBE_DONE: Fault = Fault::Api {
        retryable: true,
        may_have_succeeded: true,
        token_invalid: false,
    };
    const NOT_RETRYABLE: Fault = Fault::Api {
        retryable: false,
        may_have_succeeded: false,
        token_invalid: false,
    };

    fn call(attempts: u32, idempotent: bool) -> CallState {
        CallState {
            attempts,
            elapsed: Duration::from_millis(10),
            idempotent,
            token_refreshed: false,
        }
    }

    fn policy() -> RetryPolicy {
        RetryPolicy::default()
            .base_delay(Duration::from_millis(100))
            .max_delay(Duration::from_secs(1))
            .jitter(0.0)
    }

    #[test]
    fn retryable_codes_back_off_exponentially_for_idempotent_calls() {
        let policy = policy().max_attempts(4);
        let delays: Vec<Decision> = (1..=4)
            .map(|n| policy.decide(BUSY, &call(n, true), 0.0))
            .collect();
        let ms = |n| Decision::Retry {
            after: Duration::from_millis(n),
        };
        assert_eq!(delays, [ms(100), ms(200), ms(400), Decision::Stop]);
    }

    #[test]
    fn delays_are_capped_and_jittered() {
        let policy = policy().jitter(0.5);
        assert_eq!(policy.backoff(10, 0.0), Duration::from_secs(1));
        assert_eq!(policy.backoff(10, 1.0), Duration::from_millis(500));
        assert_eq!(policy.backoff(1, 0.5), Duration::from_millis(75));
        assert_eq!(policy.backoff(u32::MAX, 0.0), Duration::from_secs(1));
    }

    #[test]
    fn a_non_idempotent_call_is_repeated_only_when_it_was_never_sent() {
        let policy = policy();
        for fault in [BUSY, Fault::Transient, Fault::Permanent, NOT_RETRYABLE] {
            assert_eq!(
                policy.decide(fault, &call(1, false), 0.0),
                Decision::Stop,
                "{fault:?}"
            );
        }
        assert!(matches!(
            policy.decide(Fault::NotSent, &call(1, false), 0.0),
            Decision::Retry { .. }
        ));
    }

    #[test]
    fn transient_faults_are_retried_for_idempotent_calls_only() {
        let policy = policy();
        assert!(matches!(
            policy.decide(Fault::Transient, &call(1, true), 0.0),
            Decision::Retry { .. }
        ));
        assert_eq!(
            policy.decide(Fault::Permanent, &call(1, true), 0.0),
            Decision::Stop
        );
        assert_eq!(
            policy.decide(NOT_RETRYABLE, &call(1, true), 0.0),
            Decision::Stop
        );
    }

    #[test]
    fn may_have_succeeded_is_never_retried() {
        assert_eq!(
            policy().decide(MAYBE_DONE, &call(1, true), 0.0),
            Decision::Stop
        );
    }

    #[test]
    fn a_rejected_token_is_refreshed_once_for_every_call() {
        let policy = RetryPolicy::none();
        for idempotent in [true, false] {
            assert_eq!(
                policy.decide(REJECTED_TOKEN, &call(1, idempotent), 0.0),
                Decision::RefreshToken
            );
            let refreshed = CallState {
                token_refreshed: true,
                ..call(2, idempotent)
            };
            assert_eq!(
                policy.decide(REJECTED_TOKEN, &refreshed, 0.0),
                Decision::Stop
            );
        }
    }

    #[test]
    fn the_token_retry_does_not_use_up_the_attempts() {
        let policy = policy().max_attempts(2);
        let after_refresh = CallState {
            token_refreshed: true,
            ..call(2, true)
        };
        assert!(matches!(
            policy.decide(BUSY, &after_refresh, 0.0),
            Decision::Retry { .. }
        ));
        let exhausted = CallState {
            token_refreshed: true,
            ..call(3, true)
        };
        assert_eq!(policy.decide(BUSY, &exhausted, 0.0), Decision::Stop);
    }

    #[test]
    fn every_call_makes_at_least_one_attempt() {
        assert_eq!(RetryPolicy::default().get_max_attempts(), 3);
        assert_eq!(RetryPolicy::none().get_max_attempts(), 1);
        assert_eq!(RetryPolicy::default().max_attempts(0).get_max_attempts(), 1);
        assert_eq!(RetryPolicy::default().max_attempts(7).get_max_attempts(), 7);
        assert_eq!(
            RetryPolicy::default().get_total_deadline(),
            Duration::from_secs(60)
        );
    }

    #[test]
    fn backoff_stays_between_the_jittered_share_and_max_delay() {
        for share in [0.0, 0.25, 0.5, 1.0] {
            let policy = RetryPolicy::default()
                .base_delay(Duration::from_millis(100))
                .max_delay(Duration::from_secs(3))
                .jitter(share);
            for retry in 1..=40 {
                let full = Duration::from_millis(100)
                    .saturating_mul(1 << (retry - 1).min(30))
                    .min(Duration::from_secs(3));
                for sample in [0.0, 0.3, 0.999, 1.0, -1.0, 7.0, f64::NAN] {
                    let delay = policy.backoff(retry, sample);
                    assert!(delay <= full, "{share} {retry} {sample}: {delay:?}");
                    assert!(
                        delay >= full.mul_f64(1.0 - share),
                        "{share} {retry} {sample}: {delay:?}"
                    );
                }
            }
        }
        // Out-of-range settings are clamped, never a panic or a negative delay.
        let wild = RetryPolicy::default().jitter(f64::INFINITY);
        assert_eq!(wild.backoff(1, 0.9), Duration::from_millis(200));
        let full = RetryPolicy::default().jitter(9.0);
        assert_eq!(full.backoff(1, 1.0), Duration::ZERO);
    }

    #[test]
    fn nothing_is_retried_past_the_deadline() {
        let policy = policy().total_deadline(Duration::from_millis(150));
        let late = CallState {
            elapsed: Duration::from_millis(100),
            ..call(1, true)
        };
        assert_eq!(policy.decide(BUSY, &late, 0.0), Decision::Stop);
        let past = CallState {
            elapsed: Duration::from_millis(150),
            ..call(1, true)
        };
        assert_eq!(policy.decide(REJECTED_TOKEN, &past, 0.0), Decision::Stop);
    }
}
