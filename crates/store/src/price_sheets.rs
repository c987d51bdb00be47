//! Imported price files as stored: one row per file with what it priced, and its entries as
//! JSON. The store does not read the JSON (the rating crate owns the format); it only keeps
//! an import whole (one transaction) and refuses the same entries twice for one account.

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{params, OptionalExtension};

use crate::error::{Error, Result};
use crate::rated::fingerprint::Fingerprint;
use crate::Database;

/// One imported file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriceSheet {
    /// Its id.
    pub id: i64,
    /// The partner account it prices for.
    pub account_id: String,
    /// `partnerSheet`, `priceList` or `retailPrices`.
    pub origin: String,
    /// The file's name as imported.
    pub file_name: String,
    /// Hash of its entries.
    pub fingerprint: String,
    /// Entries held.
    pub entries: u32,
    /// When imported (RFC 3339).
    pub imported_at: String,
}

/// Stores a file's entries (each a JSON text) in one transaction. The same entries already
/// imported for the account are refused as a duplicate naming the earlier file.
pub fn import(
    db: &mut Database,
    account_id: &str,
    origin: &str,
    file_name: &str,
    entries: &[String],
    now: DateTime<Utc>,
) -> Result<PriceSheet> {
    let mut print = Fingerprint::default();
    print.field(Some(origin));
    print.end_row();
    for e in entries {
        print.field(Some(e));
        print.end_row();
    }
    let fingerprint = print.hex();
    let tx = db.conn_mut().transaction()?;
    let earlier: Option<String> = tx
        .query_row(
            "SELECT file_name FROM price_sheets WHERE account_id = ?1 AND fingerprint = ?2",
            params![account_id, fingerprint],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(earlier) = earlier {
        return Err(Error::Duplicate {
            field: "file",
            message: format!(
                "these prices are already imported (from {earlier}); remove that sheet first to import it again"
            ),
        });
    }
    let imported_at = now.to_rfc3339_opts(SecondsFormat::Secs, true);
    tx.execute(
        "INSERT INTO price_sheets (account_id, origin, file_name, fingerprint, entries, imported_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![account_id, origin, file_name, fingerprint, entries.len() as i64, imported_at],
    )?;
    let id = tx.last_insert_rowid();
    {
        let mut insert =
            tx.prepare_cached("INSERT INTO price_sheet_entries (sheet_id, entry) VALUES (?1, ?2)")?;
        for e in entries {
            insert.execute(params![id, e])?;
        }
    }
    tx.commit()?;
    Ok(PriceSheet {
        id,
        account_id: account_id.to_string(),
        origin: origin.to_string(),
        file_name: file_name.to_string(),
        fingerprint,
        entries: u32::try_from(entries.len()).unwrap_or(u32::MAX),
        imported_at,
    })
}

/// The account's sheets, oldest first.
pub fn list(db: &Database, account_id: &str) -> Result<Vec<PriceSheet>> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT id, account_id, origin, file_name, fingerprint, entries, imported_at
         FROM price_sheets WHERE account_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map(params![account_id], |r| {
        Ok(PriceSheet {
            id: r.get(0)?,
            account_id: r.get(1)?,
            origin: r.get(2)?,
            file_name: r.get(3)?,
            fingerprint: r.get(4)?,
            entries: r.get(5)?,
            imported_at: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The entries (JSON) of every sheet of the account, sheet by sheet in import order.
pub fn entries(db: &Database, account_id: &str) -> Result<Vec<String>> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT e.entry FROM price_sheet_entries e JOIN price_sheets s ON s.id = e.sheet_id
         WHERE s.account_id = ?1 ORDER BY s.id, e.rowid",
    )?;
    let rows = stmt.query_map(params![account_id], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Removes a sheet and its entries.
pub fn remove(db: &mut Database, account_id: &str, id: i64) -> Result<()> {
    let n = db.conn().execute(
        "DELETE FROM price_sheets WHERE account_id = ?1 AND id = ?2",
        params![account_id, id],
    )?;
    if n == 0 {
        return Err(Error::NotFound {
            what: format!("price sheet {id}"),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts;

    fn db_with_account() -> (tempfile::TempDir, Database, String) {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open(&dir.path().join("db.sqlite3")).unwrap();
        let acc =
            accounts::add(&db, "A", "0a1b2c3d-0000-4000-8000-000000000001", Utc::now()).unwrap();
        (dir, db, acc.id)
    }

    #[test]
    fn import_list_entries_and_remove_round_trip() {
        let (_dir, mut db, acc) = db_with_account();
        let now = Utc::now();
        let a = import(
            &mut db,
            &acc,
            "partnerSheet",
            "a.csv",
            &["{\"x\":1}".into(), "{\"x\":2}".into()],
            now,
        )
        .unwrap();
        let b = import(
            &mut db,
            &acc,
            "priceList",
            "b.csv",
            &["{\"y\":1}".into()],
            now,
        )
        .unwrap();
        assert_eq!(list(&db, &acc).unwrap(), vec![a.clone(), b.clone()]);
        assert_eq!(
            entries(&db, &acc).unwrap(),
            vec!["{\"x\":1}", "{\"x\":2}", "{\"y\":1}"]
        );
        remove(&mut db, &acc, a.id).unwrap();
        assert_eq!(entries(&db, &acc).unwrap(), vec!["{\"y\":1}"]);
        assert!(matches!(
            remove(&mut db, &acc, a.id),
            Err(Error::NotFound { .. })
        ));
    }

    #[test]
    fn the_same_entries_twice_are_refused_naming_the_first_file() {
        let (_dir, mut db, acc) = db_with_account();
        let now = Utc::now();
        import(
            &mut db,
            &acc,
            "partnerSheet",
            "first.csv",
            &["{}".into()],
            now,
        )
        .unwrap();
        let err = import(
            &mut db,
            &acc,
            "partnerSheet",
            "again.csv",
            &["{}".into()],
            now,
        )
        .unwrap_err();
        assert!(err.to_string().contains("first.csv"), "{err}");
        assert_eq!(list(&db, &acc).unwrap().len(), 1);
        // The same entries from another origin are other prices.
        import(&mut db, &acc, "priceList", "list.csv", &["{}".into()], now).unwrap();
    }
}
