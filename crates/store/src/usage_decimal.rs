//! Daily usage's decimals as stored (issue 19, migration 0025): quantities, prices and
//! totals are most of a usage row's bytes as decimal text, so a value whose text is
//! canonical (`Decimal::from_str(t).to_string() == t`: "1.50" keeps its scale) and whose
//! mantissa is small is stored as one INTEGER, `mantissa * 32 + scale`, that reads back to
//! exactly the same text. Anything else (other spellings, a huge mantissa, a negative zero)
//! stays TEXT byte for byte, so every value still reads back as Microsoft sent it.
//!
//! Writers store [`stored`]; readers of `daily_usage_facts` read [`UsageDecimal`] (the
//! value) or [`UsageDecimalText`] (its text, e.g. for fingerprints); SQL that needs the text
//! (the `daily_usage` view) decodes with [`text_sql`]; the migration converts stored text
//! with the SQL function [`register`] adds.

use std::str::FromStr;

use rusqlite::functions::FunctionFlags;
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, Value, ValueRef};
use rusqlite::Connection;
use rust_decimal::Decimal;

/// How many scales one stored integer tells apart (0..=28 used): its low five bits.
const SCALES: i64 = 32;
const SCALE_BITS: u32 = 5;
/// Mantissas below this in magnitude are scaled: `mantissa * 32 + 31` then stays far inside
/// i64, and every stored integer decodes in SQL without overflow.
const MANTISSA_LIMIT: i128 = 100_000_000_000_000_000;

/// A usage decimal as it is written: a scaled integer, or its text unchanged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stored {
    /// `mantissa * 32 + scale`.
    Scaled(i64),
    /// Text that is not canonical, or too large to scale.
    Text(String),
}

impl ToSql for Stored {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Stored::Scaled(n) => ToSqlOutput::from(*n),
            Stored::Text(t) => ToSqlOutput::from(t.as_str()),
        })
    }
}

/// How `d` is stored: its text is `d.to_string()`, as written before 0025.
pub fn stored(d: &Decimal) -> Stored {
    scaled(d).map_or_else(|| Stored::Text(d.to_string()), Stored::Scaled)
}

/// [`stored`] of an optional value.
pub fn stored_opt(d: &Option<Decimal>) -> Option<Stored> {
    d.as_ref().map(stored)
}

/// How a stored decimal text is stored now: scaled only when it reads back as the same text.
pub fn stored_text(text: &str) -> Stored {
    match Decimal::from_str(text) {
        Ok(d) if d.to_string() == text => stored(&d),
        _ => Stored::Text(text.to_string()),
    }
}

fn scaled(d: &Decimal) -> Option<i64> {
    let mantissa = d.mantissa();
    // A negative zero prints its sign ("-0.00") but has no sign to scale: it stays text.
    if mantissa.abs() >= MANTISSA_LIMIT || (mantissa == 0 && d.is_sign_negative()) {
        return None;
    }
    // Display depends on mantissa, scale and sign only, so the integer reads back as the
    // same text (the tests check it).
    Some(i64::try_from(mantissa).ok()? * SCALES + i64::from(d.scale()))
}

fn decoded(n: i64) -> Result<Decimal, rust_decimal::Error> {
    Decimal::try_from_i128_with_scale(i128::from(n >> SCALE_BITS), n.rem_euclid(SCALES) as u32)
}

fn text_of(bytes: &[u8]) -> FromSqlResult<&str> {
    std::str::from_utf8(bytes).map_err(|e| FromSqlError::Other(Box::new(e)))
}

/// A usage decimal read back exactly: a scaled integer decoded, or its text parsed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UsageDecimal(pub Decimal);

impl FromSql for UsageDecimal {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        match value {
            ValueRef::Integer(n) => decoded(n)
                .map(UsageDecimal)
                .map_err(|e| FromSqlError::Other(Box::new(e))),
            ValueRef::Text(bytes) => Decimal::from_str(text_of(bytes)?.trim())
                .map(UsageDecimal)
                .map_err(|e| FromSqlError::Other(Box::new(e))),
            _ => Err(FromSqlError::InvalidType),
        }
    }
}

/// A usage decimal's text exactly as it was stored before 0025.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UsageDecimalText(pub String);

impl FromSql for UsageDecimalText {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        match value {
            ValueRef::Integer(n) => decoded(n)
                .map(|d| UsageDecimalText(d.to_string()))
                .map_err(|e| FromSqlError::Other(Box::new(e))),
            ValueRef::Text(bytes) => Ok(UsageDecimalText(text_of(bytes)?.to_string())),
            _ => Err(FromSqlError::InvalidType),
        }
    }
}

/// SQL giving `column`'s text as stored before 0025 (what the `daily_usage` view shows):
/// plain SQL, so any SQLite reading the file (the sqlite3 shell too) reads the same text.
pub fn text_sql(column: &str) -> String {
    let c = column;
    let digits = format!("printf('%0*d', ({c} & 31) + 1, abs({c} >> 5))");
    format!(
        "CASE WHEN typeof({c}) <> 'integer' THEN {c} \
         WHEN {c} & 31 = 0 THEN CAST({c} >> 5 AS TEXT) \
         ELSE iif({c} < 0, '-', '') \
         || substr({digits}, 1, max(1, length(abs({c} >> 5)) - ({c} & 31))) \
         || '.' || substr({digits}, -({c} & 31)) END"
    )
}

/// Adds `usage_decimal_stored(x)` to `conn`: [`stored_text`] of a TEXT value (any other
/// value unchanged), for the migration that converts what is stored (and the storage bench,
/// which times it on a copy).
pub fn register(conn: &Connection) -> rusqlite::Result<()> {
    conn.create_scalar_function(
        "usage_decimal_stored",
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            Ok(match ctx.get_raw(0) {
                ValueRef::Text(bytes) => match stored_text(text_of(bytes)?) {
                    Stored::Scaled(n) => Value::Integer(n),
                    Stored::Text(t) => Value::Text(t),
                },
                ValueRef::Null => Value::Null,
                ValueRef::Integer(n) => Value::Integer(n),
                ValueRef::Real(x) => Value::Real(x),
                ValueRef::Blob(b) => Value::Blob(b.to_vec()),
            })
        },
    )
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod upgrade_tests;
