//! Surveys on the web: the list (to answer, and the ones the caller manages), creating a
//! survey, the answer form, the results (chart, tables, CSV), the counties' current-state
//! assessment with its comparison, and the coordinators' overview.

pub(super) mod answering;
mod assessment;
mod creation;
mod overview;
mod results;

use self::answering::{answer, answer_form};
use self::assessment::{assessment_compare, assessment_form, assessment_save};
use self::creation::{create, new_form};
use self::overview::overview_page;
use self::results::{results_csv, results_page};
use super::ctx::Auth;
use crate::surveys;
use crate::AppResult;
use actix_web::HttpResponse;

pub fn register(t: &mut super::route_table::RouteTable) {
    t.get("/kyselyt", list);
    t.post("/kyselyt", create);
    t.get("/kyselyt/uusi", new_form);
    t.get("/kyselyt/{survey}", answer_form);
    t.post("/kyselyt/{survey}", answer);
    t.get("/kyselyt/{survey}/tulokset", results_page);
    t.get("/kyselyt/{survey}/tulokset.csv", results_csv);
    t.get("/kartoitus", assessment_compare);
    t.get("/kartoitus/{county}", assessment_form);
    t.post("/kartoitus/{county}", assessment_save);
    t.get("/hallinta/yleiskuva", overview_page);
}

pub async fn list(auth: Auth) -> AppResult<HttpResponse> {
    let who = auth.principal().clone();
    let secret = auth.0.state.config.secret.clone();
    let now = auth.0.now();
    let (mine, managed) = auth
        .0
        .state
        .db(move |conn| {
            let mine = surveys::lists::for_user(conn, &secret, who.user_id, now)?;
            let managed = if who.manages_anything() {
                surveys::lists::managed(conn, &who, None, now.date(), 100)?
            } else {
                Vec::new()
            };
            Ok((mine, managed))
        })
        .await?;
    let mut c = tera::Context::new();
    c.insert("mine", &mine);
    c.insert("managed", &managed);
    c.insert("manager", &auth.principal().manages_anything());
    auth.0.render("surveys/list.html", c)
}
