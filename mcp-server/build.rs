//! Registers the API's checked-in schema with cynic, so every GraphQL operation the
//! tools send is checked against it at compile time: a schema change that breaks a tool
//! breaks this crate's build instead of an agent's call at run time.

fn main() {
    println!("cargo::rerun-if-changed=../api/schema.graphql");
    if let Err(error) = cynic_codegen::register_schema("todo")
        .from_sdl_file("../api/schema.graphql")
        .and_then(|schema| schema.as_default())
    {
        panic!("cannot register api/schema.graphql: {error}");
    }
}
