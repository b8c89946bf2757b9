//! Customers: names, personas and identities that are valid, normalised and unique.
//!
//! Uniqueness comes from construction, not from a lookup table: every identity embeds the
//! customer's index in a form no other customer (and no unlinked identity) can produce.
//! - Phone numbers: the first 15,000 customers get Ofcom drama-range landlines (one city
//!   per branch); later ones get mobiles in 07701..07709, second phones are in 0771x and
//!   unlinked callers are in 0780x. (Ofcom's drama mobiles, 07700 900xxx, are refused as
//!   invalid by libphonenumber's metadata, so they cannot be used.)
//! - Customers' emails are `first.last<n>@…`, unlinked ones `firstlast.<n>@…`.
//! - Customers' X handles contain `_`, unlinked ones do not; customers' Instagram handles
//!   contain `.`, unlinked ones do not; Facebook ids start `1000` or `6155`.

use crate::rng::Rng;
use crate::words::{
    BRANCHES, BUSINESS_PLACES, BUSINESS_SUFFIXES, BUSINESS_TRADES, DEVICES, EMAIL_DOMAINS, FIRST_NAMES, SURNAMES,
};
use tideline_core::{Channel, Identity, IdentityContext, IdentityKind};

/// How many customers get a drama-range landline as their main number.
pub(crate) const DRAMA_POOL: u64 = (BRANCHES.len() * 1000) as u64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Persona {
    Digital,
    Traditional,
    Mixed,
    Business,
}

impl Persona {
    /// Channel preference weights in `Channel::ALL` order.
    pub(crate) fn prefs(self) -> [u32; 9] {
        match self {
            Persona::Digital => [1, 3, 4, 4, 6, 3, 5, 3, 4],
            Persona::Traditional => [8, 10, 3, 1, 1, 2, 1, 2, 1],
            Persona::Mixed => [3, 6, 4, 3, 4, 3, 3, 3, 2],
            Persona::Business => [1, 8, 6, 3, 3, 1, 2, 1, 1],
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Profile {
    pub idx: u64,
    pub first: &'static str,
    pub last: &'static str,
    /// Business name for business accounts, else empty.
    pub business: String,
    pub name: String,
    pub persona: Persona,
    pub branch: usize,
    pub phone: Identity,
    pub second_phone: Option<Identity>,
    pub email: Identity,
    pub x: Option<Identity>,
    pub facebook: Option<Identity>,
    pub instagram: Option<Identity>,
    pub branch_no: Option<Identity>,
    pub web: Option<Identity>,
    pub card: u16,
    pub acct: u16,
    pub device: &'static str,
}

fn letters(s: &str) -> String {
    s.chars().filter(char::is_ascii_alphabetic).map(|c| c.to_ascii_lowercase()).collect()
}

fn trunc(s: &str, n: usize) -> &str {
    &s[..s.len().min(n)]
}

pub(crate) fn base36(mut n: u64) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut buf = Vec::with_capacity(8);
    loop {
        buf.push(DIGITS[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    buf.reverse();
    String::from_utf8(buf).expect("ascii")
}

/// A bijection on `0..10^digits` that hides the sequence (48271 is coprime with 10).
fn scramble(n: u64, digits: u32) -> u64 {
    let m = 10u64.pow(digits);
    (n % m * 48_271 + 1_234_567) % m
}

fn parse(kind: IdentityKind, raw: &str, cx: &IdentityContext) -> Identity {
    Identity::parse(kind, raw, cx).unwrap_or_else(|e| panic!("demo identity {raw:?} is invalid: {e}"))
}

/// A UK number written nationally (`020 7946 0123`) as E.164, which libphonenumber
/// parses about a quarter faster: phone parsing is the generator's biggest single cost.
fn uk_phone(national: &str, cx: &IdentityContext) -> Identity {
    let mut raw = String::with_capacity(14);
    raw.push_str("+44");
    raw.extend(national.chars().filter(char::is_ascii_digit).skip(1));
    parse(IdentityKind::Phone, &raw, cx)
}

/// The main phone number of customer `idx`, and the branch of its city if it has one.
pub(crate) fn main_phone(idx: u64, rotation: u64) -> (String, Option<usize>) {
    if idx < DRAMA_POOL {
        let p = (idx + rotation) % DRAMA_POOL;
        let b = (p % BRANCHES.len() as u64) as usize;
        (format!("{}{:03}", BRANCHES[b].phone_prefix, p / BRANCHES.len() as u64), Some(b))
    } else {
        (mobile("0770", 1, idx - DRAMA_POOL), None)
    }
}

/// `prefix` + a digit from `first_digit` + six digits, counting through `k`.
fn mobile(prefix: &str, first_digit: u64, k: u64) -> String {
    let block = first_digit + k / 1_000_000;
    assert!(block <= 9, "the demo supports up to {} million customers", 9 - first_digit);
    format!("{prefix}{block} {:06}", k % 1_000_000)
}

pub(crate) fn make_profile(idx: u64, heavy: bool, rotation: u64, rng: &mut Rng, cx: &IdentityContext) -> Profile {
    let first = *rng.pick(FIRST_NAMES);
    let last = *rng.pick(SURNAMES);
    let n = idx + 1;
    let persona = if heavy {
        Persona::Business
    } else {
        [Persona::Digital, Persona::Traditional, Persona::Mixed][rng.weighted(&[40, 25, 35])]
    };
    let (phone_raw, city) = main_phone(idx, rotation);
    let branch = city.unwrap_or_else(|| rng.index(BRANCHES.len()));
    let phone = uk_phone(&phone_raw, cx);
    let second_phone = rng.percent(20).then(|| uk_phone(&mobile("0771", 0, idx), cx));
    let domain = *rng.pick(EMAIL_DOMAINS);
    let (f, l) = (letters(first), letters(last));
    let business = if heavy {
        format!("{} {} {}", rng.pick(BUSINESS_PLACES), rng.pick(BUSINESS_TRADES), rng.pick(BUSINESS_SUFFIXES))
    } else {
        String::new()
    };
    let (name, email_raw, x_raw, ig_raw) = if heavy {
        let slug = letters(&business);
        let slug = trunc(&slug, 24).to_string();
        (
            business.clone(),
            format!("accounts@{slug}{n}.example"),
            format!("{}_{}", trunc(&slug, 9), base36(idx)),
            format!("{}.{}", trunc(&slug, 20), base36(idx)),
        )
    } else {
        (
            format!("{first} {last}"),
            format!("{f}.{l}{n}@{domain}"),
            format!("{}{}_{}", trunc(&f, 8), &l[..1], base36(idx)),
            format!("{}.{}.{}", trunc(&f, 10), trunc(&l, 10), base36(idx)),
        )
    };
    let email = parse(IdentityKind::Email, &email_raw, cx);
    let [px, pfb, pig, pbranch, pweb] = match persona {
        Persona::Digital => [70, 40, 70, 50, 100],
        Persona::Traditional => [10, 40, 5, 100, 40],
        Persona::Mixed => [40, 50, 40, 80, 85],
        Persona::Business => [80, 60, 50, 100, 100],
    };
    let x = rng.percent(px).then(|| parse(IdentityKind::XHandle, &x_raw, cx));
    let facebook =
        rng.percent(pfb).then(|| parse(IdentityKind::FacebookId, &format!("1000{:011}", scramble(idx, 11)), cx));
    let instagram = rng.percent(pig).then(|| parse(IdentityKind::InstagramHandle, &ig_raw, cx));
    let branch_no = rng.percent(pbranch).then(|| {
        let s = scramble(idx, 8);
        parse(
            IdentityKind::BranchCustomerNo,
            &format!("{}-{:04} {:04}", BRANCHES[branch].code, s / 10_000, s % 10_000),
            cx,
        )
    });
    let web = rng.percent(pweb).then(|| {
        // Odd multiplier modulo 2^40: a bijection, so ids stay unique.
        let s = idx.wrapping_mul(0x9E37_79B9_7F4B) & ((1 << 40) - 1);
        parse(IdentityKind::WebAccountId, &format!("kb_{:0>8}", base36(s)), cx)
    });
    Profile {
        idx,
        first,
        last,
        business,
        name,
        persona,
        branch,
        phone,
        second_phone,
        email,
        x,
        facebook,
        instagram,
        branch_no,
        web,
        card: rng.below(10_000) as u16,
        acct: rng.below(10_000) as u16,
        device: rng.word(DEVICES),
    }
}

impl Profile {
    /// Every identity, in a stable order.
    pub(crate) fn identities(&self) -> Vec<Identity> {
        let mut v = Vec::with_capacity(8);
        v.push(self.phone.clone());
        v.extend(self.second_phone.clone());
        v.push(self.email.clone());
        v.extend(self.x.clone());
        v.extend(self.facebook.clone());
        v.extend(self.instagram.clone());
        v.extend(self.branch_no.clone());
        v.extend(self.web.clone());
        v
    }

    /// The identity a contact on `channel` arrives from (or is sent to), if any.
    pub(crate) fn identity_for(&self, channel: Channel) -> Option<&Identity> {
        match channel {
            Channel::Phone | Channel::Sms => Some(&self.phone),
            Channel::Email => Some(&self.email),
            Channel::WebForm | Channel::Chat => self.web.as_ref().or(Some(&self.email)),
            Channel::Branch => self.branch_no.as_ref(),
            Channel::X => self.x.as_ref(),
            Channel::Facebook => self.facebook.as_ref(),
            Channel::Instagram => self.instagram.as_ref(),
        }
    }

    /// Whether the customer can use `channel` at all (social needs an account there).
    pub(crate) fn can_use(&self, channel: Channel) -> bool {
        !channel.is_social() || self.identity_for(channel).is_some()
    }

    /// An identity of `kind` that belongs to nobody: a new number, a work address, a
    /// second account. `k` must differ for every call across all customers.
    pub(crate) fn stranger(&self, kind: IdentityKind, k: u64, rng: &mut Rng, cx: &IdentityContext) -> Identity {
        let (f, l) = (letters(self.first), letters(self.last));
        let raw = match kind {
            IdentityKind::Phone => return uk_phone(&mobile("0780", 1, k), cx),
            IdentityKind::Email => format!("{}{}.{k}@{}", trunc(&f, 12), trunc(&l, 12), rng.pick(EMAIL_DOMAINS)),
            IdentityKind::XHandle => format!("{}{}", trunc(&f, 9), base36(k)),
            IdentityKind::InstagramHandle => format!("{}_{}{}", trunc(&f, 10), trunc(&l, 10), base36(k)),
            IdentityKind::FacebookId => format!("6155{:011}", scramble(k, 11)),
            IdentityKind::BranchCustomerNo | IdentityKind::WebAccountId => format!("kbx_{}", base36(k)),
        };
        parse(kind, &raw, cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_ranges_stay_valid_far_out() {
        let cx = IdentityContext::default();
        for idx in (0..3_000_000u64).step_by(7_919) {
            let (raw, _) = main_phone(idx, 12_345);
            let national = parse(IdentityKind::Phone, &raw, &cx);
            assert_eq!(uk_phone(&raw, &cx), national);
            parse(IdentityKind::Phone, &mobile("0771", 0, idx), &cx);
            parse(IdentityKind::Phone, &mobile("0780", 1, idx), &cx);
        }
    }

    #[test]
    fn the_drama_pool_is_a_permutation() {
        let mut seen = std::collections::HashSet::new();
        for idx in 0..DRAMA_POOL {
            assert!(seen.insert(main_phone(idx, 777).0));
        }
    }
}
