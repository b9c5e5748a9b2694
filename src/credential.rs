//! What the credentials beyond the app's access token share: turning a failed call into a
//! [`TokenError::Credential`] that names the credential, and the lifetimes WeChat announces,
//! bounded.

use std::time::Duration;

use crate::error::{ApiError, Error};
use crate::token::TokenError;

/// The longest lifetime believed from an answer's `expires_in` (WeChat says 7200 s).
const MAX_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// A failed call that was to fetch `credential` of `account`, as a token error that names it.
/// A token error beneath it (the access token the call needed) is handed on as it is: that
/// credential is the one that failed.
pub(crate) fn credential_error<E: ApiError>(
    credential: &'static str,
    account: &str,
    err: Error<E>,
) -> TokenError {
    let (code, message) = match err {
        Error::Token { source, .. } => return source,
        Error::Api(api) => (
            Some(api.code()),
            format!("WeChat refused: errcode {} ({})", api.code(), api.message()),
        ),
        other => (None, other.to_string()),
    };
    TokenError::Credential {
        credential,
        account: account.to_string(),
        code,
        message: crate::redact::scrub(&message),
    }
}

/// A [`TokenError::Credential`] with a message of ours.
pub(crate) fn credential_missing(
    credential: &'static str,
    account: &str,
    message: &str,
) -> TokenError {
    TokenError::Credential {
        credential,
        account: account.to_string(),
        code: None,
        message: message.to_string(),
    }
}

/// WeChat's `expires_in` as a lifetime: refused when not positive, capped at a day.
pub(crate) fn lifetime(
    credential: &'static str,
    account: &str,
    expires_in: i64,
) -> Result<Duration, TokenError> {
    match u64::try_from(expires_in) {
        Ok(seconds) if seconds > 0 => Ok(Duration::from_secs(seconds).min(MAX_LIFETIME)),
        _ => Err(credential_missing(
            credential,
            account,
            &format!("WeChat answered expires_in {expires_in}, not a lifetime"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifetimes_are_refused_when_not_positive_and_capped() {
        assert_eq!(
            lifetime("t", "wx", 7200).unwrap(),
            Duration::from_secs(7200)
        );
        assert_eq!(lifetime("t", "wx", i64::MAX).unwrap(), MAX_LIFETIME);
        for bad in [0, -1, i64::MIN] {
            let err = lifetime("t", "wx", bad).unwrap_err();
            assert!(
                matches!(err, TokenError::Credential { code: None, .. }),
                "{err:?}"
            );
        }
    }
}
