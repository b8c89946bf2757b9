//! Customer identities and their normal forms.
//!
//! An inbound contact is matched to a customer only by an exact normalised identity, so
//! normalisation decides what counts as "the same person". It is deliberately
//! conservative: two strings that might belong to different people never normalise to the
//! same value, and identities on different networks never match each other.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum IdentityKind {
    Phone,
    Email,
    XHandle,
    FacebookId,
    InstagramHandle,
    BranchCustomerNo,
    WebAccountId,
}

impl IdentityKind {
    pub const ALL: [IdentityKind; 7] = [
        IdentityKind::Phone,
        IdentityKind::Email,
        IdentityKind::XHandle,
        IdentityKind::FacebookId,
        IdentityKind::InstagramHandle,
        IdentityKind::BranchCustomerNo,
        IdentityKind::WebAccountId,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            IdentityKind::Phone => "phone",
            IdentityKind::Email => "email",
            IdentityKind::XHandle => "x",
            IdentityKind::FacebookId => "facebook",
            IdentityKind::InstagramHandle => "instagram",
            IdentityKind::BranchCustomerNo => "branch",
            IdentityKind::WebAccountId => "web",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            IdentityKind::Phone => "phone number",
            IdentityKind::Email => "email address",
            IdentityKind::XHandle => "X handle",
            IdentityKind::FacebookId => "Facebook id",
            IdentityKind::InstagramHandle => "Instagram handle",
            IdentityKind::BranchCustomerNo => "branch customer number",
            IdentityKind::WebAccountId => "web account id",
        }
    }

    /// The handle-like kinds a bare `@name` may mean.
    pub const HANDLES: [IdentityKind; 3] =
        [IdentityKind::XHandle, IdentityKind::InstagramHandle, IdentityKind::FacebookId];
}

impl FromStr for IdentityKind {
    type Err = IdentityError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let k = match s.trim().to_ascii_lowercase().as_str() {
            "phone" | "tel" => IdentityKind::Phone,
            "email" | "mail" => IdentityKind::Email,
            "x" | "twitter" => IdentityKind::XHandle,
            "facebook" | "fb" => IdentityKind::FacebookId,
            "instagram" | "ig" => IdentityKind::InstagramHandle,
            "branch" => IdentityKind::BranchCustomerNo,
            "web" => IdentityKind::WebAccountId,
            _ => return Err(IdentityError::UnknownKind(s.to_string())),
        };
        Ok(k)
    }
}

impl fmt::Display for IdentityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A normalised identity. Construct it with [`Identity::parse`]; the fields are only
/// ever in normal form.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Identity {
    kind: IdentityKind,
    value: String,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum IdentityError {
    #[error("`{0}` is not a phone number")]
    NotAPhoneNumber(String),
    #[error("`{input}` is not a valid phone number in {region} (add the country code, e.g. +44)")]
    InvalidPhoneNumber { input: String, region: String },
    #[error("`{0}` is not a known region code (expected a two-letter code such as GB or US)")]
    UnknownRegion(String),
    #[error("`{0}` is not an email address (expected name@domain)")]
    InvalidEmail(String),
    #[error("`{input}` is not a valid {kind_label}: {why}")]
    InvalidHandle { input: String, kind_label: &'static str, why: &'static str },
    #[error("unknown identity kind `{0}` (expected phone, email, x, facebook, instagram, branch or web)")]
    UnknownKind(String),
    #[error("an identity cannot be empty")]
    Empty,
}

/// How to read identities typed in local formats.
#[derive(Debug, Clone)]
pub struct IdentityContext {
    /// Region used for phone numbers written without a country code.
    default_region: phonenumber::country::Id,
}

impl IdentityContext {
    /// `region` is an ISO 3166 two-letter code, such as `GB` or `US`.
    pub fn new(region: &str) -> Result<Self, IdentityError> {
        let default_region =
            region.trim().to_ascii_uppercase().parse().map_err(|_| IdentityError::UnknownRegion(region.to_string()))?;
        Ok(Self { default_region })
    }

    pub fn region(&self) -> String {
        format!("{:?}", self.default_region)
    }
}

impl Default for IdentityContext {
    fn default() -> Self {
        Self { default_region: phonenumber::country::Id::GB }
    }
}

/// Mail providers known to treat the local part case-insensitively. For any other
/// domain the local part is kept as typed: RFC 5321 lets servers tell `Ann` from `ann`.
const CASE_INSENSITIVE_MAIL_DOMAINS: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "hotmail.com",
    "hotmail.co.uk",
    "live.com",
    "msn.com",
    "yahoo.com",
    "yahoo.co.uk",
    "icloud.com",
    "me.com",
    "mac.com",
    "aol.com",
    "proton.me",
    "protonmail.com",
    "gmx.com",
    "btinternet.com",
];

impl Identity {
    pub fn kind(&self) -> IdentityKind {
        self.kind
    }

    pub fn value(&self) -> &str {
        &self.value
    }

    /// Rebuilds an identity that was normalised before (for example read back from the
    /// cache). It is normalised again, so a stored value can never smuggle in a
    /// non-normal form.
    pub fn parse(kind: IdentityKind, raw: &str, cx: &IdentityContext) -> Result<Self, IdentityError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(IdentityError::Empty);
        }
        let value = match kind {
            IdentityKind::Phone => normalise_phone(raw, cx)?,
            IdentityKind::Email => normalise_email(raw)?,
            IdentityKind::XHandle => normalise_x(raw)?,
            IdentityKind::InstagramHandle => normalise_instagram(raw)?,
            IdentityKind::FacebookId => normalise_facebook(raw)?,
            IdentityKind::BranchCustomerNo => normalise_branch(raw)?,
            IdentityKind::WebAccountId => normalise_web(raw)?,
        };
        Ok(Identity { kind, value })
    }

    /// Reads what a person typed into a search box or a command line, where the kind
    /// is implied by its form:
    /// - `kind:value` names the kind (`x:@ann`, `ig:ann`, `branch:LDN-1234`);
    /// - `name@domain` is an email; `+44…`, `020 …` or any run of digits, spaces and
    ///   phone punctuation is a phone number.
    ///
    /// A bare `@handle` is ambiguous across networks; see [`Identity::candidates`].
    pub fn guess(raw: &str, cx: &IdentityContext) -> Result<Self, IdentityError> {
        let mut all = Self::candidates(raw, cx)?;
        Ok(all.remove(0))
    }

    /// Every identity `raw` may mean, most likely first. A bare `@handle` yields one
    /// candidate per network where it is a valid handle: matching stays exact per
    /// network, and no identity is ever guessed to be the same person across networks.
    pub fn candidates(raw: &str, cx: &IdentityContext) -> Result<Vec<Self>, IdentityError> {
        let t = raw.trim();
        if t.is_empty() {
            return Err(IdentityError::Empty);
        }
        if let Some((prefix, rest)) = t.split_once(':')
            && let Ok(kind) = prefix.parse::<IdentityKind>()
        {
            return Ok(vec![Self::parse(kind, rest, cx)?]);
        }
        if let Some(handle) = t.strip_prefix('@') {
            let found: Vec<Self> =
                IdentityKind::HANDLES.iter().filter_map(|&k| Self::parse(k, handle, cx).ok()).collect();
            return if found.is_empty() { Err(normalise_x(handle).unwrap_err()) } else { Ok(found) };
        }
        if t.contains('@') {
            return Ok(vec![Self::parse(IdentityKind::Email, t, cx)?]);
        }
        if looks_like_phone(t) {
            return Ok(vec![Self::parse(IdentityKind::Phone, t, cx)?]);
        }
        Err(IdentityError::UnknownKind(format!("{t}` (prefix it with its kind, e.g. web:{t} or branch:{t}")))
    }
}

impl fmt::Display for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            IdentityKind::XHandle | IdentityKind::InstagramHandle => write!(f, "@{}", self.value),
            _ => f.write_str(&self.value),
        }
    }
}

fn looks_like_phone(t: &str) -> bool {
    let digits = t.chars().filter(char::is_ascii_digit).count();
    digits >= 5 && t.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c))
}

fn normalise_phone(raw: &str, cx: &IdentityContext) -> Result<String, IdentityError> {
    use phonenumber::Mode;
    if !raw.chars().any(|c| c.is_ascii_digit()) {
        return Err(IdentityError::NotAPhoneNumber(raw.to_string()));
    }
    let number = phonenumber::parse(Some(cx.default_region), raw)
        .map_err(|_| IdentityError::NotAPhoneNumber(raw.to_string()))?;
    if !phonenumber::is_valid(&number) {
        return Err(IdentityError::InvalidPhoneNumber { input: raw.to_string(), region: cx.region() });
    }
    Ok(number.format().mode(Mode::E164).to_string())
}

fn normalise_email(raw: &str) -> Result<String, IdentityError> {
    let bad = || IdentityError::InvalidEmail(raw.to_string());
    let t = raw.trim().trim_start_matches("mailto:");
    let t = t.strip_prefix('<').and_then(|s| s.strip_suffix('>')).unwrap_or(t);
    let (local, domain) = t.rsplit_once('@').ok_or_else(bad)?;
    let domain = domain.trim_end_matches('.').to_ascii_lowercase();
    let domain_ok = domain.contains('.')
        && domain.split('.').all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        });
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.chars().any(|c| c.is_whitespace() || c.is_control() || c == '@' || c == '<' || c == '>');
    if !domain_ok || !local_ok || t.len() > 254 {
        return Err(bad());
    }
    // The domain is case-insensitive by DNS. The local part is folded only where the
    // provider is known to ignore case, so two distinct mailboxes never merge.
    let local =
        if CASE_INSENSITIVE_MAIL_DOMAINS.contains(&domain.as_str()) { local.to_lowercase() } else { local.to_string() };
    Ok(format!("{local}@{domain}"))
}

fn handle_err(input: &str, kind_label: &'static str, why: &'static str) -> IdentityError {
    IdentityError::InvalidHandle { input: input.to_string(), kind_label, why }
}

/// X handles: 1 to 15 of `A-Z a-z 0-9 _`; X ignores case.
fn normalise_x(raw: &str) -> Result<String, IdentityError> {
    let h = raw.trim().trim_start_matches('@');
    let label = IdentityKind::XHandle.label();
    if h.is_empty() || h.len() > 15 {
        return Err(handle_err(raw, label, "it must be 1 to 15 characters"));
    }
    if !h.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(handle_err(raw, label, "only letters, digits and _ are allowed"));
    }
    Ok(h.to_ascii_lowercase())
}

/// Instagram handles: 1 to 30 of `a-z 0-9 . _`, not starting or ending with a dot.
fn normalise_instagram(raw: &str) -> Result<String, IdentityError> {
    let h = raw.trim().trim_start_matches('@');
    let label = IdentityKind::InstagramHandle.label();
    if h.is_empty() || h.len() > 30 {
        return Err(handle_err(raw, label, "it must be 1 to 30 characters"));
    }
    if !h.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.') {
        return Err(handle_err(raw, label, "only letters, digits, . and _ are allowed"));
    }
    if h.starts_with('.') || h.ends_with('.') || h.contains("..") {
        return Err(handle_err(raw, label, "dots cannot start, end or repeat"));
    }
    Ok(h.to_ascii_lowercase())
}

/// Facebook: a numeric (page-scoped) id, as webhooks deliver, or a vanity user name of
/// 5 to 50 letters, digits and dots.
fn normalise_facebook(raw: &str) -> Result<String, IdentityError> {
    let h = raw.trim().trim_start_matches('@');
    let label = IdentityKind::FacebookId.label();
    if !h.is_empty() && h.len() <= 20 && h.chars().all(|c| c.is_ascii_digit()) {
        return Ok(h.to_string());
    }
    if h.len() < 5 || h.len() > 50 {
        return Err(handle_err(raw, label, "a user name must be 5 to 50 characters"));
    }
    if !h.chars().all(|c| c.is_ascii_alphanumeric() || c == '.') {
        return Err(handle_err(raw, label, "only letters, digits and . are allowed"));
    }
    Ok(h.to_ascii_lowercase())
}

/// Branch customer numbers are printed on cards as `LDN-0012 3456`: keep letters and
/// digits, upper-cased.
fn normalise_branch(raw: &str) -> Result<String, IdentityError> {
    let label = IdentityKind::BranchCustomerNo.label();
    if !raw.chars().all(|c| c.is_ascii_alphanumeric() || " -/.".contains(c)) {
        return Err(handle_err(raw, label, "only letters, digits, spaces and - are allowed"));
    }
    let v: String = raw.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_ascii_uppercase();
    if v.len() < 4 || v.len() > 20 {
        return Err(handle_err(raw, label, "it must have 4 to 20 letters and digits"));
    }
    Ok(v)
}

/// Web account ids come from our own sign-in system: opaque and case-sensitive.
fn normalise_web(raw: &str) -> Result<String, IdentityError> {
    let label = IdentityKind::WebAccountId.label();
    if raw.len() > 128 {
        return Err(handle_err(raw, label, "it must be at most 128 characters"));
    }
    if raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(handle_err(raw, label, "it cannot contain spaces"));
    }
    Ok(raw.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gb() -> IdentityContext {
        IdentityContext::new("GB").unwrap()
    }

    fn norm(kind: IdentityKind, raw: &str) -> Result<String, IdentityError> {
        Identity::parse(kind, raw, &gb()).map(|i| i.value().to_string())
    }

    #[test]
    fn phone_numbers_go_to_e164_from_local_and_international_forms() {
        for raw in ["+44 20 7946 0018", "020 7946 0018", "(020) 7946-0018", "0044 20 7946 0018"] {
            assert_eq!(norm(IdentityKind::Phone, raw).as_deref(), Ok("+442079460018"), "{raw}");
        }
        assert_eq!(norm(IdentityKind::Phone, "07911 123456").as_deref(), Ok("+447911123456"));
        let us = IdentityContext::new("us").unwrap();
        let n = Identity::parse(IdentityKind::Phone, "(201) 555-0123", &us).unwrap();
        assert_eq!(n.value(), "+12015550123");
    }

    #[test]
    fn bad_phone_numbers_are_refused_with_a_reason() {
        assert_eq!(norm(IdentityKind::Phone, "call me"), Err(IdentityError::NotAPhoneNumber("call me".into())));
        let e = norm(IdentityKind::Phone, "020 12").unwrap_err();
        assert_eq!(e.to_string(), "`020 12` is not a valid phone number in GB (add the country code, e.g. +44)");
        assert!(IdentityContext::new("ZZ").is_err());
    }

    #[test]
    fn email_domain_is_folded_and_local_part_only_where_safe() {
        assert_eq!(norm(IdentityKind::Email, " Ann.Lee@Example.COM ").as_deref(), Ok("Ann.Lee@example.com"));
        assert_eq!(norm(IdentityKind::Email, "Ann.Lee@GMail.com").as_deref(), Ok("ann.lee@gmail.com"));
        assert_eq!(norm(IdentityKind::Email, "<bob@example.org>").as_deref(), Ok("bob@example.org"));
        for bad in ["ann", "ann@", "@example.com", "ann@example", "a b@example.com", "ann@exa_mple.com"] {
            assert_eq!(norm(IdentityKind::Email, bad), Err(IdentityError::InvalidEmail(bad.into())), "{bad}");
        }
    }

    #[test]
    fn handles_are_validated_per_network() {
        assert_eq!(norm(IdentityKind::XHandle, "@Ann_Lee").as_deref(), Ok("ann_lee"));
        assert!(norm(IdentityKind::XHandle, "@ann.lee").is_err());
        assert!(norm(IdentityKind::XHandle, "@a_very_long_handle_here").is_err());
        assert_eq!(norm(IdentityKind::InstagramHandle, "@Ann.Lee").as_deref(), Ok("ann.lee"));
        assert!(norm(IdentityKind::InstagramHandle, "ann..lee").is_err());
        assert_eq!(norm(IdentityKind::FacebookId, "100083412345678").as_deref(), Ok("100083412345678"));
        assert_eq!(norm(IdentityKind::FacebookId, "Ann.Lee.77").as_deref(), Ok("ann.lee.77"));
        assert_eq!(norm(IdentityKind::BranchCustomerNo, "ldn-0012 3456").as_deref(), Ok("LDN00123456"));
        assert!(norm(IdentityKind::BranchCustomerNo, "ab").is_err());
        assert_eq!(norm(IdentityKind::WebAccountId, "u_AbC123").as_deref(), Ok("u_AbC123"));
        assert!(norm(IdentityKind::WebAccountId, "a b").is_err());
        assert_eq!(norm(IdentityKind::Email, "  "), Err(IdentityError::Empty));
    }

    #[test]
    fn guessing_reads_what_people_type() {
        let cx = gb();
        let g = |s| Identity::guess(s, &cx).map(|i| (i.kind(), i.value().to_string()));
        assert_eq!(g("020 7946 0018"), Ok((IdentityKind::Phone, "+442079460018".into())));
        assert_eq!(g("ann@example.com"), Ok((IdentityKind::Email, "ann@example.com".into())));
        assert_eq!(g("ig:@ann.lee"), Ok((IdentityKind::InstagramHandle, "ann.lee".into())));
        assert_eq!(g("branch:LDN 1234"), Ok((IdentityKind::BranchCustomerNo, "LDN1234".into())));
        // A bare @handle may be on any network: every valid reading is offered, none merged.
        let c = Identity::candidates("@ann_lee", &cx).unwrap();
        let kinds: Vec<_> = c.iter().map(Identity::kind).collect();
        assert_eq!(kinds, vec![IdentityKind::XHandle, IdentityKind::InstagramHandle]);
        assert!(g("hello").is_err());
    }

    #[test]
    fn normalising_is_idempotent() {
        let cx = gb();
        for (k, raw) in [
            (IdentityKind::Phone, "020 7946 0018"),
            (IdentityKind::Email, "Ann@Example.com"),
            (IdentityKind::XHandle, "@Ann"),
            (IdentityKind::BranchCustomerNo, "ldn-1234"),
        ] {
            let once = Identity::parse(k, raw, &cx).unwrap();
            let twice = Identity::parse(k, once.value(), &cx).unwrap();
            assert_eq!(once, twice);
        }
    }
}
