//! Migrations: they apply in order on an empty database, and a released one is never edited.
//! `migrations.sha256` holds the checksum of every released file; a new migration is added to it
//! in the commit that adds the file (`sha256sum migrations/*.sql`, as the list shows).

use sha2::{Digest, Sha256};

use crate::support::empty_database;

const RELEASED: &str = include_str!("migrations.sha256");

fn migration_files() -> Vec<(String, Vec<u8>)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .expect("migrations folder")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "sql"))
        .map(|p| {
            let name = p
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_owned();
            let bytes = std::fs::read(&p).expect("migration");
            (name, bytes)
        })
        .collect();
    files.sort();
    files
}

#[test]
fn no_released_migration_is_edited_and_every_migration_is_listed() {
    let files = migration_files();
    let released: Vec<(&str, &str)> = RELEASED
        .lines()
        .filter(|l| !l.trim().is_empty())
        .filter_map(|l| l.split_once(' '))
        .collect();
    for (sum, name) in &released {
        let Some((_, bytes)) = files.iter().find(|(n, _)| n == name) else {
            panic!("the released migration {name} was removed");
        };
        let actual: String = Sha256::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            &actual, sum,
            "{name} was edited after its release: add a new migration instead"
        );
    }
    for (name, _) in &files {
        assert!(
            released.iter().any(|(_, n)| n == name),
            "{name} is not in tests/it/migrations.sha256: add its checksum there"
        );
    }
}

#[tokio::test]
async fn the_migrations_apply_in_order_on_an_empty_database() {
    let (db, _) = empty_database().await;
    infohus::MIGRATOR
        .run(&db)
        .await
        .expect("every migration applies");
    let applied: Vec<i64> =
        sqlx::query_scalar("select version from _sqlx_migrations where success order by version")
            .fetch_all(&db)
            .await
            .expect("applied");
    let expected: Vec<i64> = infohus::MIGRATOR.iter().map(|m| m.version).collect();
    assert_eq!(applied, expected);
    assert!(
        applied.windows(2).all(|w| w[0] < w[1]),
        "versions in increasing order"
    );
    // Running them again changes nothing.
    infohus::MIGRATOR.run(&db).await.expect("idempotent");
}
