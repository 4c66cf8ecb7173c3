//! The diesel schema of the dated county–region mapping (migration `070003_county_regions`),
//! kept apart from `schema.rs` like the other areas' tables.

use super::schema::{counties, regions, users};

diesel::table! {
    county_regions (id) {
        id -> BigInt,
        county_id -> BigInt,
        region_id -> BigInt,
        valid_from -> Date,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(county_regions -> counties (county_id));
diesel::joinable!(county_regions -> regions (region_id));

diesel::allow_tables_to_appear_in_same_query!(county_regions, counties);
diesel::allow_tables_to_appear_in_same_query!(county_regions, regions);
diesel::allow_tables_to_appear_in_same_query!(county_regions, users);
