//! Builders of the generated structs: `GetAuthUrlRequest::builder().s_pappid(..)…build()`.
//!
//! Every generated struct has one. `build()` compiles only once every required field is set,
//! and the compiler names the field that is not; optional fields have setters that may be
//! skipped, so a field WeChat adds later never breaks a caller; every value is named by its
//! setter. Setters take anything that converts into the field's type (`&str` for a `String`).
//!
//! ```
//! use wechat_invoice::{GetAuthDataRequest, GetAuthUrlRequest, InvoiceAuthSource, InvoiceAuthType};
//!
//! let request = GetAuthDataRequest::builder()
//!     .s_pappid("wxabcd1234")
//!     .order_id("order-1")
//!     .build();
//! assert_eq!(request.order_id, "order-1");
//!
//! let request = GetAuthUrlRequest::builder()
//!     .s_pappid("wxabcd1234")
//!     .order_id("order-1")
//!     .money(1000)
//!     .timestamp(1_474_875_876)
//!     .source(InvoiceAuthSource::Web)
//!     .ticket("card-ticket")
//!     .auth_type(InvoiceAuthType::FillInTitle)
//!     .redirect_url("https://example.com/done") // optional: may be left out
//!     .build();
//! assert_eq!(request.redirect_url.as_deref(), Some("https://example.com/done"));
//! ```
//!
//! A missing required field does not compile, and the error names it
//! (``error[E0277]: the required field `order_id` is not set``):
//!
//! ```compile_fail,E0277
//! let request = wechat_invoice::GetAuthDataRequest::builder()
//!     .s_pappid("wxabcd1234")
//!     .build(); // `order_id` is not set
//! ```

/// The state of a required field that is not set yet; its setter turns it into the field's
/// value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Unset;

/// What `build()` asks of each required field's state: the field `F` holds its value `T` (the
/// state is `T` itself once the setter ran, [`Unset`] before), so a missing field fails this
/// bound and the compiler says which.
#[diagnostic::on_unimplemented(
    message = "the required field `{F}` is not set",
    label = "call `.{F}(…)` before `build()`"
)]
pub trait IsSet<F, T> {
    /// The field's value.
    fn value(self) -> T;
}

impl<F, T> IsSet<F, T> for T {
    fn value(self) -> T {
        self
    }
}

/// One type per required field of the generated structs, named after the field: the compiler
/// writes its name in the error for a `build()` that misses it.
#[allow(
    non_camel_case_types,
    reason = "each type is named after a field so that errors name the field"
)]
pub mod field {
    include!(concat!(env!("OUT_DIR"), "/generated/fields.rs"));
}

/// Declares the types of [`field`] (the list is generated: `generated/fields.rs`).
macro_rules! fields {
    ($($name:ident),* $(,)?) => {
        $(
            #[doc = concat!("The required field `", stringify!($name), "`, as errors name it.")]
            pub enum $name {}
        )*
    };
}

pub(crate) use fields;

/// A fresh random string of 32 letters and digits, for fields such as `nonce_str` that the
/// builder fills in when the caller does not set them.
pub(crate) fn nonce() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut bytes = [0u8; 32];
    if getrandom::fill(&mut bytes).is_err() {
        // No system randomness (never seen on supported targets): a seeded generator still
        // gives a unique string, which is all a nonce against replay needs.
        bytes.iter_mut().for_each(|byte| *byte = fastrand::u8(..));
    }
    bytes
        .iter()
        .map(|byte| char::from(ALPHABET[usize::from(*byte) % ALPHABET.len()]))
        .collect()
}

/// Declares `$builder` for the generated struct `$target` and `$target::builder()`.
///
/// `required` fields each get a type parameter (`as State`), `Unset` until their setter is
/// called; `filled` fields are optional in the builder and take the given expression when
/// left unset; `optional` fields are `Option`s in the struct. Each list may be left out when
/// empty, in this order.
macro_rules! builder {
    ($target:ident => $builder:ident { $($lists:tt)* }) => {
        $crate::builder::builder!(@lists $target $builder [] [] [] $($lists)*);
    };
    // The lists, each optional, gathered before the builder is declared.
    (@lists $target:ident $builder:ident [] $filled:tt $optional:tt required: [$($items:tt)*], $($rest:tt)*) => {
        $crate::builder::builder!(@lists $target $builder [$($items)*] $filled $optional $($rest)*);
    };
    (@lists $target:ident $builder:ident $required:tt [] $optional:tt filled: [$($items:tt)*], $($rest:tt)*) => {
        $crate::builder::builder!(@lists $target $builder $required [$($items)*] $optional $($rest)*);
    };
    (@lists $target:ident $builder:ident $required:tt $filled:tt [] optional: [$($items:tt)*], $($rest:tt)*) => {
        $crate::builder::builder!(@lists $target $builder $required $filled [$($items)*] $($rest)*);
    };
    (@lists $target:ident $builder:ident [$($required:tt)*] [$($filled:tt)*] [$($optional:tt)*]) => {
        $crate::builder::builder!(@declare $target => $builder {
            required: [$($required)*],
            filled: [$($filled)*],
            optional: [$($optional)*],
        });
    };
    (
        @declare $target:ident => $builder:ident {
            required: [$($req:ident: $req_ty:ty as $state:ident),* $(,)?],
            filled: [$($fill:ident: $fill_ty:ty = $fill_with:expr),* $(,)?],
            optional: [$($opt:ident: $opt_ty:ty),* $(,)?] $(,)?
        }
    ) => {
        #[doc = concat!(
            "Builds a [`", stringify!($target), "`]; start with [`", stringify!($target),
            "::builder`]. `build()` compiles once every required field is set, and the error ",
            "names a missing one; the type parameters, one per required field in field order, ",
            "are [`Unset`](crate::builder::Unset) until set."
        )]
        #[must_use = "call `build()` to get the value"]
        pub struct $builder<$($state = $crate::builder::Unset),*> {
            $($req: $state,)*
            $($fill: Option<$fill_ty>,)*
            $($opt: Option<$opt_ty>,)*
        }

        impl $target {
            #[doc = concat!(
                "Starts a [`", stringify!($builder), "`]: set every required field (one left ",
                "out does not compile) and any optional one, then call `build()`."
            )]
            pub fn builder() -> $builder {
                $builder {
                    $($req: $crate::builder::Unset,)*
                    $($fill: None,)*
                    $($opt: None,)*
                }
            }
        }

        impl<$($state),*> $builder<$($state),*> {
            $(
                #[doc = concat!(
                    "Sets [`", stringify!($target), "::", stringify!($fill),
                    "`]; when not set, `build()` fills it in."
                )]
                pub fn $fill(mut self, value: impl Into<$fill_ty>) -> Self {
                    self.$fill = Some(value.into());
                    self
                }
            )*
            $(
                #[doc = concat!(
                    "Sets the optional [`", stringify!($target), "::", stringify!($opt), "`]."
                )]
                pub fn $opt(mut self, value: impl Into<$opt_ty>) -> Self {
                    self.$opt = Some(value.into());
                    self
                }
            )*
            #[doc = concat!(
                "The finished [`", stringify!($target), "`]; a required field left unset is a ",
                "compile error naming it."
            )]
            pub fn build(self) -> $target
            where
                $($state: $crate::builder::IsSet<$crate::builder::field::$req, $req_ty>,)*
            {
                $target {
                    $($req: <$state as $crate::builder::IsSet<
                        $crate::builder::field::$req,
                        $req_ty,
                    >>::value(self.$req),)*
                    $($fill: self.$fill.unwrap_or_else(|| $fill_with),)*
                    $($opt: self.$opt,)*
                }
            }
        }

        $crate::builder::builder!(
            @required $target $builder [$($fill)* $($opt)*] [] [$($req: $req_ty as $state),*]
        );
    };
    // One setter per required field, generic over the states of all the others.
    (@required $target:ident $builder:ident [$($other:ident)*] [$($done:ident as $done_state:ident),*] []) => {};
    (
        @required $target:ident $builder:ident [$($other:ident)*]
        [$($done:ident as $done_state:ident),*]
        [$req:ident: $req_ty:ty as $state:ident $(, $rest:ident: $rest_ty:ty as $rest_state:ident)*]
    ) => {
        impl<$($done_state,)* $($rest_state),*>
            $builder<$($done_state,)* $crate::builder::Unset $(, $rest_state)*>
        {
            #[doc = concat!(
                "Sets the required [`", stringify!($target), "::", stringify!($req), "`]."
            )]
            pub fn $req(
                self,
                value: impl Into<$req_ty>,
            ) -> $builder<$($done_state,)* $req_ty $(, $rest_state)*> {
                $builder {
                    $($done: self.$done,)*
                    $req: value.into(),
                    $($rest: self.$rest,)*
                    $($other: self.$other,)*
                }
            }
        }

        $crate::builder::builder!(
            @required $target $builder [$($other)*]
            [$($done as $done_state,)* $req as $state] [$($rest: $rest_ty as $rest_state),*]
        );
    };
}

pub(crate) use builder;
