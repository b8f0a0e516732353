//! Builds use the committed query data in `.sqlx/` unless a developer asks for a live check
//! with `SQLX_OFFLINE=false` (and a migrated database in DATABASE_URL). Without this, a
//! DATABASE_URL meant for the tests would make the build depend on that database.

fn main() {
    println!("cargo:rerun-if-env-changed=SQLX_OFFLINE");
    println!("cargo:rerun-if-changed=migrations");
    if std::env::var("SQLX_OFFLINE").is_err() {
        println!("cargo:rustc-env=SQLX_OFFLINE=true");
    }
}
