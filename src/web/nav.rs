//! The navigation flags the base template reads, by role: shared by the request context and
//! the error page, so neither needs the other.

use crate::accounts::Principal;
use serde::Serialize;

/// The navigation a role sees.
#[derive(Serialize, Default)]
pub struct Nav {
    pub signed_in: bool,
    pub trainer: bool,
    pub coordinator: bool,
    pub admin: bool,
    /// The cohort list: those who open cohorts (admins, regional coordinators), county
    /// coordinators (who follow their region's cohorts) and trainers (the cohorts they teach,
    /// with the trainee lists).
    pub cohorts: bool,
}

impl Nav {
    /// The flags in order: what a kept page frame depends on (templates::frame).
    pub fn flags(&self) -> [bool; 5] {
        [
            self.signed_in,
            self.trainer,
            self.coordinator,
            self.admin,
            self.cohorts,
        ]
    }

    pub fn for_principal(p: Option<&Principal>) -> Nav {
        match p {
            None => Nav::default(),
            Some(p) => Nav {
                signed_in: true,
                trainer: p.is_trainer(),
                coordinator: p.is_coordinator(),
                admin: p.is_admin(),
                cohorts: p.manages_anything() || p.is_trainer(),
            },
        }
    }
}
