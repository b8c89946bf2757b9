//! Typed ids. Each prints with a short prefix (`C-42`, `CS-7`, `T-9`) so that people can
//! read ids aloud and so that a customer id never parses as a phone number.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("`{input}` is not a {what} id (expected {prefix}<number>, e.g. {prefix}42)")]
pub struct IdParseError {
    input: String,
    what: &'static str,
    prefix: &'static str,
}

macro_rules! prefixed_id {
    ($(#[$doc:meta])* $name:ident, $prefix:literal, $what:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "ts", derive(ts_rs::TS))]
        // A newtype struct serialises as its number: no `#[serde(transparent)]` needed.
        pub struct $name(pub i64);

        impl $name {
            pub const PREFIX: &'static str = $prefix;
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}{}", $prefix, self.0)
            }
        }

        impl FromStr for $name {
            type Err = IdParseError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let err = || IdParseError { input: s.to_string(), what: $what, prefix: $prefix };
                let t = s.trim();
                let digits = t
                    .get(..$prefix.len())
                    .filter(|p| p.eq_ignore_ascii_case($prefix))
                    .map(|_| &t[$prefix.len()..])
                    .ok_or_else(err)?;
                let n: i64 = digits.parse().map_err(|_| err())?;
                if n <= 0 {
                    return Err(err());
                }
                Ok($name(n))
            }
        }
    };
}

prefixed_id!(
    /// A customer: one person or organisation, whatever channels they use.
    CustomerId, "C-", "customer"
);
prefixed_id!(
    /// A case: one piece of work for one customer.
    CaseId, "CS-", "case"
);
prefixed_id!(
    /// One contact on one channel.
    TouchpointId, "T-", "touchpoint"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_reject_other_prefixes() {
        assert_eq!("C-42".parse::<CustomerId>(), Ok(CustomerId(42)));
        assert_eq!("c-42".parse::<CustomerId>(), Ok(CustomerId(42)));
        assert_eq!(CaseId(7).to_string(), "CS-7");
        assert_eq!("CS-7".parse::<CaseId>(), Ok(CaseId(7)));
        assert!("CS-7".parse::<CustomerId>().is_err());
        assert!("C-0".parse::<CustomerId>().is_err());
        assert!("+44 20 7946 0018".parse::<CustomerId>().is_err());
        let e = "x".parse::<TouchpointId>().unwrap_err();
        assert_eq!(e.to_string(), "`x` is not a touchpoint id (expected T-<number>, e.g. T-42)");
    }
}
