//! Registers the API's checked-in schema with cynic, so every GraphQL document in this
//! crate is checked against it at compile time: a schema change that breaks the UI
//! breaks the build. It also writes the time zone names the API accepts (chrono-tz's,
//! the API's own list) for the zone picker.

use std::fmt::Write as _;

fn main() {
    println!("cargo::rerun-if-changed=../api/schema.graphql");
    if let Err(error) = cynic_codegen::register_schema("todo")
        .from_sdl_file("../api/schema.graphql")
        .and_then(|schema| schema.as_default())
    {
        panic!("cannot register api/schema.graphql: {error}");
    }
    let mut zones = String::from("&[\n");
    for zone in chrono_tz::TZ_VARIANTS {
        let _ = writeln!(zones, "    {:?},", zone.name());
    }
    zones.push_str("]\n");
    let out = std::env::var("OUT_DIR").unwrap_or_else(|_| panic!("cargo sets OUT_DIR"));
    if let Err(error) = std::fs::write(std::path::Path::new(&out).join("zones.rs"), zones) {
        panic!("cannot write the zone list: {error}");
    }
}
