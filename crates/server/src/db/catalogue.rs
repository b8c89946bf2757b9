//! The tenant's closure-code catalogue, kept in `config` under `closure_codes`; until an
//! admin sets one, the core's default catalogue applies.

use crate::error::ServerError;
use tideline_core::ClosureCatalogue;
use tideline_sync::protocol::ClosureCodeDef;
use tokio_postgres::GenericClient;

const KEY: &str = "closure_codes";

pub async fn load<C: GenericClient>(client: &C, tenant: &str) -> Result<Vec<ClosureCodeDef>, ServerError> {
    let row = client.query_opt("SELECT value FROM config WHERE tenant_id = $1 AND key = $2", &[&tenant, &KEY]).await?;
    match row {
        Some(r) => Ok(serde_json::from_value(r.get(0))?),
        None => Ok(ClosureCatalogue::default()
            .codes()
            .map(|(c, l)| ClosureCodeDef { code: c.to_string(), label: l.to_string() })
            .collect()),
    }
}

pub fn catalogue(defs: &[ClosureCodeDef]) -> ClosureCatalogue {
    ClosureCatalogue::new(defs.iter().map(|d| (d.code.clone(), d.label.clone())))
}

/// Checks a catalogue an admin sent: at least one code, codes unique, nothing blank.
pub fn validate(defs: &[ClosureCodeDef]) -> Result<(), String> {
    if defs.is_empty() {
        return Err("A catalogue needs at least one closure code.".into());
    }
    for (i, d) in defs.iter().enumerate() {
        if d.code.trim().is_empty() || d.label.trim().is_empty() {
            return Err(format!("Closure code number {} has an empty code or label.", i + 1));
        }
        if defs[..i].iter().any(|e| e.code == d.code) {
            return Err(format!("The closure code `{}` appears twice.", d.code));
        }
    }
    Ok(())
}

pub async fn save<C: GenericClient>(client: &C, tenant: &str, defs: &[ClosureCodeDef]) -> Result<(), ServerError> {
    let value = serde_json::to_value(defs)?;
    client
        .execute(
            "INSERT INTO config (tenant_id, key, value) VALUES ($1, $2, $3)
             ON CONFLICT (tenant_id, key) DO UPDATE SET value = excluded.value",
            &[&tenant, &KEY, &value],
        )
        .await?;
    Ok(())
}
