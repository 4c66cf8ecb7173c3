//! `kirjaamo user add`: an account (e.g. the first admin) with its role; the password comes
//! from the environment or standard input, never the command line.

use anyhow::{bail, Context};
use kirjaamo::accounts::{self, password, NewAccount, Role};
use kirjaamo::i18n::Lang;
use kirjaamo::{network, AppState};
use std::process::ExitCode;

pub fn add(
    state: &AppState,
    email: &str,
    name: &str,
    role: &str,
    language: &str,
) -> anyhow::Result<ExitCode> {
    let mut conn = state.pool.get()?;
    let role = parse_role(&mut conn, role)?;
    let lang = Lang::parse(language).context("language must be fi, sv or en")?;
    let pw = new_password()?;
    if let Err(key) = password::validate(&pw) {
        bail!("the password is not acceptable ({key}): use 12 to 128 characters");
    }
    let now = state.clock.now();
    let user = accounts::create_user(
        &mut conn,
        NewAccount {
            email,
            name,
            language: lang,
            organisation_id: None,
            password_hash: Some(password::hash(&pw)?),
        },
        now,
    )
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    if let Some(role) = role {
        accounts::roles::grant_role(&mut conn, user.id, &role, None, now)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    println!("created user {} <{}>", user.id, user.email);
    Ok(ExitCode::SUCCESS)
}

/// The new user's password: KIRJAAMO_NEW_PASSWORD, else a line of standard input.
fn new_password() -> anyhow::Result<String> {
    Ok(match std::env::var("KIRJAAMO_NEW_PASSWORD") {
        Ok(p) => p,
        Err(_) => {
            eprintln!("Password (12–128 characters), then Enter:");
            let mut line = String::new();
            std::io::stdin().read_line(&mut line)?;
            line.trim_end_matches(['\n', '\r']).to_string()
        }
    })
}

fn parse_role(conn: &mut kirjaamo::db::AnyConnection, spec: &str) -> anyhow::Result<Option<Role>> {
    let (kind, place) = spec.split_once(':').unwrap_or((spec, ""));
    Ok(match kind {
        "trainee" => None,
        "trainer" => Some(Role::Trainer),
        "admin" => Some(Role::Admin),
        "regional-coordinator" => Some(Role::RegionalCoordinator {
            region_id: network::region_by_code(conn, place).map_err(|_| anyhow::anyhow!("no region with code {place:?}"))?.id,
        }),
        "county-coordinator" => Some(Role::CountyCoordinator {
            county_id: network::county_by_code(conn, place).map_err(|_| anyhow::anyhow!("no county with code {place:?}"))?.id,
        }),
        other => bail!("unknown role {other:?}: use trainee, trainer, admin, regional-coordinator:<code> or county-coordinator:<code>"),
    })
}
