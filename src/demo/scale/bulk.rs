//! Writing the scaled rows fast: multi-row `INSERT`s in large transactions with ids given,
//! the SQL literals they are written with, and the next free id of a table.

use crate::db::{AnyConnection, Backend};
use crate::AppResult;
use chrono::NaiveDateTime;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::BigInt;

pub(super) fn q(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

pub(super) fn ts(t: NaiveDateTime) -> String {
    format!("'{}'", t.format("%Y-%m-%d %H:%M:%S"))
}

pub(super) fn opt(v: Option<i64>) -> String {
    v.map(|v| v.to_string()).unwrap_or_else(|| "NULL".into())
}

/// Multi-row inserts, 500 rows a statement, 50,000 rows a transaction. With explicit ids,
/// PostgreSQL needs `OVERRIDING SYSTEM VALUE` and its identity sequence moved afterwards.
pub(super) struct Bulk<'a> {
    conn: &'a mut AnyConnection,
    insert: String,
    explicit_id: bool,
    table: &'static str,
    stmt: Vec<String>,
    tx: String,
    rows: usize,
}

impl<'a> Bulk<'a> {
    pub(super) fn new(
        conn: &'a mut AnyConnection,
        table: &'static str,
        columns: &str,
        explicit_id: bool,
    ) -> Bulk<'a> {
        let overriding = if conn.backend() == Backend::Postgres && explicit_id {
            " OVERRIDING SYSTEM VALUE"
        } else {
            ""
        };
        Bulk {
            insert: format!("INSERT INTO {table} ({columns}){overriding} VALUES "),
            conn,
            explicit_id,
            table,
            stmt: Vec::with_capacity(500),
            tx: String::new(),
            rows: 0,
        }
    }

    fn end_statement(&mut self) {
        if !self.stmt.is_empty() {
            self.tx.push_str(&self.insert);
            self.tx.push_str(&self.stmt.join(","));
            self.tx.push_str(";\n");
            self.stmt.clear();
        }
    }

    fn commit(&mut self) -> AppResult<()> {
        self.end_statement();
        if !self.tx.is_empty() {
            self.conn
                .batch_execute(&format!("BEGIN;\n{}COMMIT;", self.tx))?;
            self.tx.clear();
        }
        Ok(())
    }

    pub(super) fn push(&mut self, row: String) -> AppResult<()> {
        self.stmt.push(format!("({row})"));
        self.rows += 1;
        if self.stmt.len() == 500 {
            self.end_statement();
        }
        if self.rows.is_multiple_of(50_000) {
            self.commit()?;
        }
        Ok(())
    }

    pub(super) fn finish(mut self) -> AppResult<usize> {
        self.commit()?;
        if self.conn.backend() == Backend::Postgres && self.explicit_id && self.rows > 0 {
            self.conn.batch_execute(&format!(
                "SELECT setval(pg_get_serial_sequence('{0}', 'id'), (SELECT max(id) FROM {0}));",
                self.table
            ))?;
        }
        Ok(self.rows)
    }
}

#[derive(QueryableByName)]
struct Max {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// The next free id of a table.
pub(super) fn next_id(conn: &mut AnyConnection, table: &str) -> AppResult<i64> {
    let m: Max = diesel::sql_query(format!("SELECT COALESCE(MAX(id), 0) AS n FROM {table}"))
        .get_result(conn)?;
    Ok(m.n + 1)
}

pub(super) fn bulk(
    conn: &mut AnyConnection,
    table: &'static str,
    columns: &str,
    rows: impl Iterator<Item = String>,
    explicit_id: bool,
) -> AppResult<usize> {
    let mut b = Bulk::new(conn, table, columns, explicit_id);
    for row in rows {
        b.push(row)?;
    }
    b.finish()
}
