//! Bearer tokens with roles. Only the sha256 of a secret is stored; a request without a valid
//! token is 401, a valid token without the right is 403, and every denial is logged.

use axum::http::HeaderMap;
use serde::{Deserialize, Serialize};

use crate::db::{ctx, get, Db, DbError};
use crate::error::HttpError;
use crate::hash::sha256_hex;

/// What a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Province administrator: plans, tokens, everything a viewer and a submitter may do.
    Admin,
    /// Files submissions for the one agency the token is bound to.
    Submitter,
    /// Reads plans, reports and the audit trail.
    Viewer,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Submitter => "submitter",
            Role::Viewer => "viewer",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "admin" => Some(Role::Admin),
            "submitter" => Some(Role::Submitter),
            "viewer" => Some(Role::Viewer),
            _ => None,
        }
    }
}

/// The caller, once its token is known.
#[derive(Debug, Clone)]
pub struct Caller {
    pub name: String,
    pub role: Role,
    /// The agency a submitter files for.
    pub agency: Option<String>,
    pub token_hash: String,
}

impl Caller {
    /// 403 unless the caller has one of `roles`; logs the denial.
    pub fn require(&self, roles: &[Role], what: &str) -> Result<(), HttpError> {
        if roles.contains(&self.role) {
            return Ok(());
        }
        let allowed: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
        tracing::warn!(caller = %self.name, role = self.role.as_str(), action = what, "denied: role");
        Err(HttpError::forbidden(format!(
            "token '{}' has role {}; {what} needs role {}",
            self.name,
            self.role.as_str(),
            allowed.join(" or ")
        )))
    }
}

/// A token as the admin creates it.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    pub name: String,
    pub role: Role,
    #[serde(default)]
    pub agency: Option<String>,
}

/// A created token: the secret is shown once.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CreatedToken {
    pub token: String,
    pub name: String,
    pub role: Role,
    #[serde(default)]
    pub agency: Option<String>,
}

/// A fresh random secret (two v4 UUIDs: 244 random bits).
pub fn new_secret() -> String {
    format!(
        "tt_{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

/// Tokens already looked up, by hash: a token is never changed once stored (there is no update),
/// so a hit stays true; the cache is emptied whenever this service writes to the tokens table,
/// and only found tokens are kept (an unknown one is looked up again, so one created meanwhile
/// works at once).
#[derive(Debug, Default)]
pub struct TokenCache {
    map: std::sync::RwLock<std::collections::HashMap<String, Caller>>,
}

impl TokenCache {
    fn get(&self, hash: &str) -> Option<Caller> {
        let g = self.map.read().unwrap_or_else(|e| e.into_inner());
        g.get(hash).cloned()
    }

    fn put(&self, c: &Caller) {
        let mut g = self.map.write().unwrap_or_else(|e| e.into_inner());
        g.insert(c.token_hash.clone(), c.clone());
    }

    fn clear(&self) {
        self.map.write().unwrap_or_else(|e| e.into_inner()).clear();
    }
}

/// Stores a token's hash; the same secret twice is a conflict.
pub async fn insert_token(db: &Db, secret: &str, t: &NewToken) -> Result<(), DbError> {
    db.tokens.clear();
    sqlx::query(
        "INSERT INTO tokens (hash, name, role, agency, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(sha256_hex(secret.as_bytes()))
    .bind(&t.name)
    .bind(t.role.as_str())
    .bind(t.agency.clone())
    .bind(crate::now())
    .execute(&db.pool)
    .await
    .map_err(ctx("store token"))?;
    Ok(())
}

/// Whether any token exists (a fresh database has none).
pub async fn any_token(db: &Db) -> Result<bool, DbError> {
    let row = sqlx::query("SELECT COUNT(*) FROM tokens")
        .fetch_one(&db.pool)
        .await
        .map_err(ctx("count tokens"))?;
    Ok(get::<i64, _>(&row, 0)? > 0)
}

/// The caller of a request: 401 without a bearer token or with an unknown one.
pub async fn authenticate(db: &Db, headers: &HeaderMap, what: &str) -> Result<Caller, HttpError> {
    let Some(value) = headers.get(axum::http::header::AUTHORIZATION) else {
        tracing::warn!(action = what, "denied: no Authorization header");
        return Err(HttpError::unauthorized(
            "missing Authorization header: send `Authorization: Bearer <token>`",
        ));
    };
    let secret = value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let Some(secret) = secret else {
        tracing::warn!(action = what, "denied: malformed Authorization header");
        return Err(HttpError::unauthorized(
            "malformed Authorization header: expected `Bearer <token>`",
        ));
    };
    let hash = sha256_hex(secret.as_bytes());
    if let Some(c) = db.tokens.get(&hash) {
        return Ok(c);
    }
    let row = sqlx::query("SELECT name, role, agency FROM tokens WHERE hash = $1")
        .bind(&hash)
        .fetch_optional(&db.pool)
        .await
        .map_err(ctx("look up token"))?;
    let Some(row) = row else {
        tracing::warn!(action = what, "denied: unknown token");
        return Err(HttpError::unauthorized("unknown or revoked token"));
    };
    let role: String = get(&row, "role")?;
    let role = Role::parse(&role)
        .ok_or_else(|| HttpError::internal(format!("stored token has unknown role '{role}'")))?;
    let caller = Caller {
        name: get(&row, "name")?,
        role,
        agency: get(&row, "agency")?,
        token_hash: hash,
    };
    db.tokens.put(&caller);
    Ok(caller)
}
