//! Customer organizations: customer tenants, possibly under several partner accounts, that
//! are one customer and are billed together. A tenant belongs to at most one organization;
//! the rules (names, membership) are checked here once, for the app and the CLI alike, and
//! every change of several rows is one transaction.

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{params, Connection, ErrorCode, OptionalExtension};

use crate::error::{Error, Result};
use crate::Database;

/// Longest organization name accepted, as for account names.
pub const MAX_NAME_CHARS: usize = 100;

/// A customer tenant, named by the partner account it was discovered under and its
/// Partner Center customer id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CustomerKey {
    /// The partner account.
    pub account_id: String,
    /// The customer id.
    pub customer_id: String,
}

/// A customer tenant as a member (or candidate member) of an organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// The partner account.
    pub account_id: String,
    /// That account's name.
    pub account_name: String,
    /// The customer id.
    pub customer_id: String,
    /// Company name.
    pub company_name: String,
    /// Primary domain.
    pub domain: String,
}

impl Member {
    /// The tenant as a user recognises it: `"Contoso Ltd" (contoso.com) under account "CSP"`.
    pub fn describe(&self) -> String {
        format!(
            "{:?} ({}) under account {:?}",
            self.company_name, self.domain, self.account_name
        )
    }

    /// The key of this tenant.
    pub fn key(&self) -> CustomerKey {
        CustomerKey {
            account_id: self.account_id.clone(),
            customer_id: self.customer_id.clone(),
        }
    }
}

/// An organization with its member tenants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organization {
    /// Random id.
    pub id: String,
    /// Name, unique ignoring case.
    pub name: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// Its tenants, by company name.
    pub members: Vec<Member>,
}

/// How a typed text matched a customer, from the most to the least precise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MatchedBy {
    /// The customer id or the tenant id.
    Id,
    /// The primary domain.
    Domain,
    /// The company name.
    CompanyName,
}

/// A customer found by [`find_customers`], with the organization it belongs to, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerMatch {
    /// The customer.
    pub member: Member,
    /// How it matched.
    pub matched_by: MatchedBy,
    /// The name of the organization it already belongs to.
    pub organization: Option<String>,
}

/// Validates an organization name, returning it trimmed.
pub fn validate_name(name: &str) -> Result<String> {
    let trimmed = name.trim();
    if trimmed.is_empty() {
        return Err(Error::Invalid {
            field: "name",
            message:
                "Organization name is empty: type the name of the customer these tenants belong to"
                    .into(),
        });
    }
    if trimmed.chars().count() > MAX_NAME_CHARS {
        return Err(Error::Invalid {
            field: "name",
            message: format!(
                "Organization name is longer than {MAX_NAME_CHARS} characters: shorten it"
            ),
        });
    }
    if trimmed.chars().any(char::is_control) {
        return Err(Error::Invalid {
            field: "name",
            message: "Organization name contains a control character (tab, newline...): remove it"
                .into(),
        });
    }
    Ok(trimmed.to_string())
}

/// Creates an organization named `name` holding `members`; `now` is its creation time.
/// Nothing is written unless the name and every member are accepted.
pub fn create(
    db: &Database,
    name: &str,
    members: &[CustomerKey],
    now: DateTime<Utc>,
) -> Result<Organization> {
    let name = validate_name(name)?;
    let id = uuid::Uuid::new_v4().to_string();
    let tx = db.conn().unchecked_transaction()?;
    let inserted = tx.execute(
        "INSERT INTO organizations (id, name, created_at) VALUES (?1, ?2, ?3)",
        params![id, name, now.to_rfc3339_opts(SecondsFormat::Millis, true)],
    );
    match inserted {
        Ok(_) => {}
        Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == ErrorCode::ConstraintViolation => {
            let holder: String = tx.query_row(
                "SELECT name FROM organizations WHERE name = ?1",
                [&name],
                |r| r.get(0),
            )?;
            return Err(Error::Duplicate {
                field: "name",
                message: format!(
                    "An organization named {holder:?} already exists: choose another name, or add the tenants to it"
                ),
            });
        }
        Err(e) => return Err(e.into()),
    }
    insert_members(&tx, &id, &name, members)?;
    let org = read_one(&tx, &id)?;
    tx.commit()?;
    Ok(org)
}

/// All organizations by name (ignoring case), each with its members by company name.
pub fn list(db: &Database) -> Result<Vec<Organization>> {
    read(db.conn(), None)
}

/// Finds an organization by its id or its name (ignoring case and surrounding spaces).
pub fn find(db: &Database, name_or_id: &str) -> Result<Organization> {
    let id = find_id(db.conn(), name_or_id)?;
    read_one(db.conn(), &id)
}

/// Adds tenants to an organization found by name or id. A tenant already in it is left as
/// it is; a tenant in another organization is refused, naming that organization, and then
/// nothing is added.
pub fn add_members(
    db: &Database,
    organization: &str,
    members: &[CustomerKey],
) -> Result<Organization> {
    let tx = db.conn().unchecked_transaction()?;
    let id = find_id(&tx, organization)?;
    let name: String =
        tx.query_row("SELECT name FROM organizations WHERE id = ?1", [&id], |r| {
            r.get(0)
        })?;
    insert_members(&tx, &id, &name, members)?;
    let org = read_one(&tx, &id)?;
    tx.commit()?;
    Ok(org)
}

/// Removes tenants from an organization found by name or id. A tenant that is not in it is
/// refused and then nothing is removed.
pub fn remove_members(
    db: &Database,
    organization: &str,
    members: &[CustomerKey],
) -> Result<Organization> {
    let tx = db.conn().unchecked_transaction()?;
    let id = find_id(&tx, organization)?;
    let org = read_one(&tx, &id)?;
    for (i, key) in members.iter().enumerate() {
        let removed = tx.execute(
            "DELETE FROM organization_members WHERE organization_id = ?1 AND account_id = ?2 AND customer_id = ?3",
            params![id, key.account_id, key.customer_id],
        )?;
        // A tenant listed twice was removed the first time.
        if removed == 0 && !members[..i].contains(key) {
            let who = customer(&tx, key)?
                .map(|m| m.describe())
                .unwrap_or_else(|| format!("Customer {:?}", key.customer_id));
            return Err(Error::Invalid {
                field: "members",
                message: format!(
                    "{who} is not in organization {:?}: nothing was removed; check the tenant",
                    org.name
                ),
            });
        }
    }
    let org = read_one(&tx, &id)?;
    tx.commit()?;
    Ok(org)
}

/// Deletes an organization found by name or id, releasing its tenants (the customers stay);
/// returns it as it was.
pub fn delete(db: &Database, organization: &str) -> Result<Organization> {
    let tx = db.conn().unchecked_transaction()?;
    let id = find_id(&tx, organization)?;
    let org = read_one(&tx, &id)?;
    tx.execute("DELETE FROM organizations WHERE id = ?1", [&id])?;
    tx.commit()?;
    Ok(org)
}

/// The customers whose customer id or tenant id, domain, or company name equals `typed`
/// (ignoring case and surrounding spaces), optionally only under one partner account; the
/// most precise matches first.
pub fn find_customers(
    db: &Database,
    typed: &str,
    account_id: Option<&str>,
) -> Result<Vec<CustomerMatch>> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT c.account_id, a.name, c.id, c.company_name, c.domain,
                CASE WHEN c.id = ?1 COLLATE NOCASE OR c.tenant_id = ?1 COLLATE NOCASE THEN 0
                     WHEN c.domain = ?1 COLLATE NOCASE THEN 1
                     ELSE 2 END AS rank,
                o.name
         FROM customers c
         JOIN partner_accounts a ON a.id = c.account_id
         LEFT JOIN organization_members m ON m.account_id = c.account_id AND m.customer_id = c.id
         LEFT JOIN organizations o ON o.id = m.organization_id
         WHERE (c.id = ?1 COLLATE NOCASE OR c.tenant_id = ?1 COLLATE NOCASE
                OR c.domain = ?1 COLLATE NOCASE OR c.company_name = ?1 COLLATE NOCASE)
           AND (?2 IS NULL OR c.account_id = ?2)
         ORDER BY rank, a.name COLLATE NOCASE, c.company_name COLLATE NOCASE, c.id",
    )?;
    let rows = stmt.query_map(params![typed.trim(), account_id], |r| {
        Ok(CustomerMatch {
            member: Member {
                account_id: r.get(0)?,
                account_name: r.get(1)?,
                customer_id: r.get(2)?,
                company_name: r.get(3)?,
                domain: r.get(4)?,
            },
            matched_by: match r.get::<_, i64>(5)? {
                0 => MatchedBy::Id,
                1 => MatchedBy::Domain,
                _ => MatchedBy::CompanyName,
            },
            organization: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Inserts `members` into organization `id` (named `name`, for messages).
fn insert_members(conn: &Connection, id: &str, name: &str, members: &[CustomerKey]) -> Result<()> {
    for key in members {
        let Some(member) = customer(conn, key)? else {
            return Err(Error::NotFound {
                what: format!(
                    "Customer {:?} of partner account {:?}",
                    key.customer_id, key.account_id
                ),
            });
        };
        let current: Option<(String, String)> = conn
            .query_row(
                "SELECT o.id, o.name FROM organization_members m JOIN organizations o ON o.id = m.organization_id
                 WHERE m.account_id = ?1 AND m.customer_id = ?2",
                params![key.account_id, key.customer_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        match current {
            Some((other, _)) if other == id => {}
            Some((_, other_name)) => {
                return Err(Error::Invalid {
                    field: "members",
                    message: format!(
                        "{} already belongs to organization {other_name:?}; a tenant can be in only one organization: remove it from {other_name:?} first, then add it to {name:?}",
                        member.describe()
                    ),
                });
            }
            None => {
                conn.execute(
                    "INSERT INTO organization_members (organization_id, account_id, customer_id) VALUES (?1, ?2, ?3)",
                    params![id, key.account_id, key.customer_id],
                )?;
            }
        }
    }
    Ok(())
}

/// One customer with its account name, if it exists.
fn customer(conn: &Connection, key: &CustomerKey) -> Result<Option<Member>> {
    Ok(conn
        .query_row(
            "SELECT c.account_id, a.name, c.id, c.company_name, c.domain
             FROM customers c JOIN partner_accounts a ON a.id = c.account_id
             WHERE c.account_id = ?1 AND c.id = ?2",
            params![key.account_id, key.customer_id],
            read_member,
        )
        .optional()?)
}

/// The id of the organization named `name_or_id` (ignoring case) or with that id; a name
/// wins over an id, as for accounts.
fn find_id(conn: &Connection, name_or_id: &str) -> Result<String> {
    conn.query_row(
        "SELECT id FROM organizations WHERE name = ?1 OR id = ?1 ORDER BY name = ?1 DESC LIMIT 1",
        [name_or_id.trim()],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| Error::NotFound {
        what: format!("Organization {:?}", name_or_id.trim()),
    })
}

fn read_one(conn: &Connection, id: &str) -> Result<Organization> {
    read(conn, Some(id))?.pop().ok_or_else(|| Error::NotFound {
        what: format!("Organization {id:?}"),
    })
}

/// Organizations (all, or the one with `id`) with their members, in two queries.
fn read(conn: &Connection, id: Option<&str>) -> Result<Vec<Organization>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, name, created_at FROM organizations WHERE (?1 IS NULL OR id = ?1)
         ORDER BY name COLLATE NOCASE, id",
    )?;
    let mut orgs = stmt
        .query_map([id], |r| {
            let created: String = r.get(2)?;
            Ok(Organization {
                id: r.get(0)?,
                name: r.get(1)?,
                created_at: DateTime::parse_from_rfc3339(&created)
                    .map_err(|e| {
                        rusqlite::Error::FromSqlConversionFailure(
                            2,
                            rusqlite::types::Type::Text,
                            Box::new(e),
                        )
                    })?
                    .with_timezone(&Utc),
                members: Vec::new(),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut stmt = conn.prepare_cached(
        "SELECT m.organization_id, c.account_id, a.name, c.id, c.company_name, c.domain
         FROM organization_members m
         JOIN customers c ON c.account_id = m.account_id AND c.id = m.customer_id
         JOIN partner_accounts a ON a.id = c.account_id
         WHERE (?1 IS NULL OR m.organization_id = ?1)
         ORDER BY c.company_name COLLATE NOCASE, a.name COLLATE NOCASE, c.id",
    )?;
    let mut by_org: std::collections::HashMap<String, Vec<Member>> =
        std::collections::HashMap::new();
    for row in stmt.query_map([id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            Member {
                account_id: r.get(1)?,
                account_name: r.get(2)?,
                customer_id: r.get(3)?,
                company_name: r.get(4)?,
                domain: r.get(5)?,
            },
        ))
    })? {
        let (org, member) = row?;
        by_org.entry(org).or_default().push(member);
    }
    for org in &mut orgs {
        org.members = by_org.remove(&org.id).unwrap_or_default();
    }
    Ok(orgs)
}

fn read_member(r: &rusqlite::Row<'_>) -> rusqlite::Result<Member> {
    Ok(Member {
        account_id: r.get(0)?,
        account_name: r.get(1)?,
        customer_id: r.get(2)?,
        company_name: r.get(3)?,
        domain: r.get(4)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts;
    use crate::discovered::CustomerRow;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 21, 9, 30, 0).unwrap()
    }

    fn customer_row(id: &str, company: &str, domain: &str) -> CustomerRow {
        CustomerRow {
            id: id.into(),
            company_name: company.into(),
            domain: domain.into(),
            tenant_id: Some(id.into()),
            commerce_id: None,
            relationship: Some("reseller".into()),
        }
    }

    /// Two accounts; "CSP A" has Contoso, Fabrikam and Tailspin, "CSP B" has another Contoso.
    struct Fixture {
        _dir: tempfile::TempDir,
        db: Database,
        a: String,
        b: String,
    }

    fn fixture() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let mut db = Database::open(&dir.path().join("o.sqlite3")).unwrap();
        let a = accounts::add(&db, "CSP A", "0a1b2c3d-0000-4000-8000-000000000001", now())
            .unwrap()
            .id;
        let b = accounts::add(&db, "CSP B", "0a1b2c3d-0000-4000-8000-000000000002", now())
            .unwrap()
            .id;
        let mut ingest = db.ingest(&a).unwrap();
        ingest
            .customers(
                &[
                    customer_row("c-contoso", "Contoso Ltd", "contoso.com"),
                    customer_row("c-fabrikam", "Fabrikam", "fabrikam.com"),
                    customer_row("c-tailspin", "Tailspin", "tailspin.com"),
                ],
                now(),
            )
            .unwrap();
        ingest.commit().unwrap();
        let mut ingest = db.ingest(&b).unwrap();
        ingest
            .customers(
                &[customer_row("c-contoso-eu", "Contoso Ltd", "contoso.eu")],
                now(),
            )
            .unwrap();
        ingest.commit().unwrap();
        Fixture {
            _dir: dir,
            db,
            a,
            b,
        }
    }

    fn key(account: &str, customer: &str) -> CustomerKey {
        CustomerKey {
            account_id: account.into(),
            customer_id: customer.into(),
        }
    }

    fn member_ids(org: &Organization) -> Vec<&str> {
        org.members.iter().map(|m| m.customer_id.as_str()).collect()
    }

    #[test]
    fn create_find_list_and_delete() {
        let f = fixture();
        let org = create(
            &f.db,
            "  Contoso Group ",
            &[key(&f.b, "c-contoso-eu"), key(&f.a, "c-contoso")],
            now(),
        )
        .unwrap();
        assert_eq!(org.name, "Contoso Group", "names are stored trimmed");
        assert_eq!(org.created_at, now());
        assert_eq!(
            org.members
                .iter()
                .map(|m| m.account_name.as_str())
                .collect::<Vec<_>>(),
            ["CSP A", "CSP B"],
            "same company name: members are then ordered by account name"
        );
        assert_eq!(org.members[0].domain, "contoso.com");
        create(&f.db, "adatum", &[], now()).unwrap();
        let names: Vec<_> = list(&f.db).unwrap().into_iter().map(|o| o.name).collect();
        assert_eq!(names, ["adatum", "Contoso Group"], "by name ignoring case");
        assert_eq!(find(&f.db, "contoso group").unwrap(), org);
        assert_eq!(find(&f.db, &org.id).unwrap(), org, "found by id too");

        let deleted = delete(&f.db, "CONTOSO GROUP").unwrap();
        assert_eq!(deleted, org, "delete returns the organization as it was");
        assert!(matches!(
            find(&f.db, "Contoso Group"),
            Err(Error::NotFound { .. })
        ));
        let left: i64 =
            f.db.conn()
                .query_row("SELECT count(*) FROM organization_members", [], |r| {
                    r.get(0)
                })
                .unwrap();
        assert_eq!(left, 0, "deleting an organization releases its tenants");
        let customers: i64 =
            f.db.conn()
                .query_row("SELECT count(*) FROM customers", [], |r| r.get(0))
                .unwrap();
        assert_eq!(customers, 4, "the customers themselves stay");
    }

    #[test]
    fn invalid_and_duplicate_names_are_refused() {
        let f = fixture();
        for bad in ["", "   ", "Tab\tName", &"x".repeat(MAX_NAME_CHARS + 1)] {
            assert!(
                matches!(
                    create(&f.db, bad, &[], now()),
                    Err(Error::Invalid { field: "name", .. })
                ),
                "{bad:?} must be refused"
            );
        }
        create(&f.db, "Contoso", &[], now()).unwrap();
        match create(&f.db, "CONTOSO", &[], now()) {
            Err(Error::Duplicate {
                field: "name",
                message,
            }) => assert!(message.contains("\"Contoso\""), "{message}"),
            other => panic!("expected a duplicate name, got {other:?}"),
        }
        assert_eq!(list(&f.db).unwrap().len(), 1);
    }

    #[test]
    fn a_tenant_cannot_join_two_organizations_and_nothing_is_half_written() {
        let f = fixture();
        create(&f.db, "Contoso Group", &[key(&f.a, "c-contoso")], now()).unwrap();
        let err = create(
            &f.db,
            "Other",
            &[key(&f.a, "c-fabrikam"), key(&f.a, "c-contoso")],
            now(),
        )
        .unwrap_err();
        match err {
            Error::Invalid {
                field: "members",
                message,
            } => {
                assert!(
                    message.contains("\"Contoso Group\""),
                    "names the other organization: {message}"
                );
                assert!(message.contains("\"Contoso Ltd\""), "{message}");
            }
            other => panic!("expected Invalid, got {other:?}"),
        }
        assert!(
            matches!(find(&f.db, "Other"), Err(Error::NotFound { .. })),
            "the refused create rolled back the organization too"
        );

        create(&f.db, "Fabrikam", &[], now()).unwrap();
        let err = add_members(
            &f.db,
            "Fabrikam",
            &[key(&f.a, "c-fabrikam"), key(&f.a, "c-contoso")],
        )
        .unwrap_err();
        assert!(err.to_string().contains("\"Contoso Group\""), "{err}");
        assert!(
            find(&f.db, "Fabrikam").unwrap().members.is_empty(),
            "a refused add adds nothing"
        );
    }

    #[test]
    fn adding_a_member_twice_is_a_no_op_and_unknown_customers_are_not_found() {
        let f = fixture();
        create(&f.db, "Contoso Group", &[key(&f.a, "c-contoso")], now()).unwrap();
        let org = add_members(
            &f.db,
            "contoso group",
            &[
                key(&f.a, "c-contoso"),
                key(&f.b, "c-contoso-eu"),
                key(&f.b, "c-contoso-eu"),
            ],
        )
        .unwrap();
        assert_eq!(member_ids(&org), ["c-contoso", "c-contoso-eu"]);
        assert!(matches!(
            add_members(&f.db, "Contoso Group", &[key(&f.a, "nope")]),
            Err(Error::NotFound { .. })
        ));
        assert!(matches!(
            add_members(&f.db, "Missing", &[key(&f.a, "c-contoso")]),
            Err(Error::NotFound { .. })
        ));
    }

    #[test]
    fn remove_members_refuses_a_tenant_that_is_not_in_it() {
        let f = fixture();
        create(
            &f.db,
            "Group",
            &[key(&f.a, "c-contoso"), key(&f.a, "c-fabrikam")],
            now(),
        )
        .unwrap();
        let err = remove_members(
            &f.db,
            "Group",
            &[key(&f.a, "c-contoso"), key(&f.a, "c-tailspin")],
        )
        .unwrap_err();
        assert!(
            matches!(&err, Error::Invalid { field: "members", message } if message.contains("\"Tailspin\"")),
            "{err:?}"
        );
        assert_eq!(
            member_ids(&find(&f.db, "Group").unwrap()),
            ["c-contoso", "c-fabrikam"],
            "a refused removal removes nothing"
        );
        let org = remove_members(
            &f.db,
            "Group",
            &[key(&f.a, "c-contoso"), key(&f.a, "c-contoso")],
        )
        .unwrap();
        assert_eq!(member_ids(&org), ["c-fabrikam"]);
    }

    #[test]
    fn find_customers_ranks_ids_over_domains_over_names() {
        let f = fixture();
        create(&f.db, "Group", &[key(&f.a, "c-contoso")], now()).unwrap();
        let by_name = find_customers(&f.db, " contoso ltd ", None).unwrap();
        assert_eq!(by_name.len(), 2, "one Contoso Ltd under each account");
        assert!(by_name
            .iter()
            .all(|m| m.matched_by == MatchedBy::CompanyName));
        assert_eq!(by_name[0].organization.as_deref(), Some("Group"));
        assert_eq!(by_name[1].organization, None);
        let in_b = find_customers(&f.db, "Contoso Ltd", Some(&f.b)).unwrap();
        assert_eq!(in_b.len(), 1);
        assert_eq!(in_b[0].member.customer_id, "c-contoso-eu");
        let by_domain = find_customers(&f.db, "CONTOSO.EU", None).unwrap();
        assert_eq!(by_domain[0].matched_by, MatchedBy::Domain);
        let by_id = find_customers(&f.db, "C-FABRIKAM", None).unwrap();
        assert_eq!(by_id[0].matched_by, MatchedBy::Id);
        assert!(find_customers(&f.db, "nobody", None).unwrap().is_empty());
    }
}
