//! A fresh PostgreSQL database per test when `KIRJAAMO_TEST_DATABASE_URL` names a server
//! (any database on it; the tests create and drop their own).

use diesel::prelude::*;
use diesel::PgConnection;

pub struct TestDatabase {
    pub url: String,
    admin_url: String,
    name: String,
}

pub fn admin_url() -> Option<String> {
    std::env::var("KIRJAAMO_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
}

impl TestDatabase {
    pub fn create() -> Option<TestDatabase> {
        let admin_url = admin_url()?;
        let name = format!("kirjaamo_t_{}", hex::encode(rand::random::<[u8; 6]>()));
        let mut admin =
            PgConnection::establish(&admin_url).expect("connecting to KIRJAAMO_TEST_DATABASE_URL");
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .unwrap();
        let mut url = url::Url::parse(&admin_url).unwrap();
        url.set_path(&name);
        Some(TestDatabase {
            url: url.to_string(),
            admin_url,
            name,
        })
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Ok(mut admin) = PgConnection::establish(&self.admin_url) {
            let _ = diesel::sql_query(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .execute(&mut admin);
        }
    }
}
