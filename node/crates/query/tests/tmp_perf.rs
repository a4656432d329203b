mod common;
use hublot_omop::synth::SynthConfig;
use hublot_omop::{SqlValue, Warehouse};
use hublot_query::{compile, dialect_for, indicators};
#[test]
fn perf() {
    let n: u64 = std::env::var("N").ok().and_then(|v| v.parse().ok()).unwrap_or(200_000);
    let config = SynthConfig::new(n, 7);
    let url = hublot_omop::test_support::test_database_url();
    if std::env::var("REGEN").is_ok() {
    let _ = hublot_omop::PostgresWarehouse::drop_schema(&url, "query_perf_keep");
    hublot_omop::synth::generate_postgres(&url, "query_perf_keep", &config).unwrap();
    let _ = std::fs::remove_file("/tmp/query_perf.sqlite");
    hublot_omop::synth::generate_sqlite("/tmp/query_perf.sqlite", &config).unwrap();
    }
    let w = hublot_omop::PostgresWarehouse::connect(&url, "query_perf_keep").unwrap();
    let spec = indicators::ari_weekly();
    let from = "2024-W40".parse::<hublot_query::IsoWeek>().unwrap().monday();
    let to = "2025-W10".parse::<hublot_query::IsoWeek>().unwrap().sunday();
    let d = dialect_for(w.backend());
    let mut out = String::new();
    for q in compile(&spec, d, &|t| w.table(t), from, to) {
        let mut sql = q.sql.clone();
        for (i, p) in q.params.iter().enumerate().rev() {
            let lit = match p { SqlValue::Int(v) => v.to_string(), SqlValue::Text(s) => format!("'{s}'"), SqlValue::Date(d) => format!("'{d}'"), _ => "NULL".into() };
            sql = sql.replace(&format!("${}::", i + 1), &format!("{lit}::"));
        }
        out.push_str(&sql); out.push_str(";\n");
    }
    std::fs::write("/tmp/query_perf_pg.sql", out).unwrap();
    let d = dialect_for(hublot_omop::Backend::Sqlite);
    let mut out = String::new();
    for q in compile(&spec, d, &|t| t.to_owned(), from, to) {
        let mut sql = q.sql.clone();
        for (i, p) in q.params.iter().enumerate().rev() {
            let lit = match p { SqlValue::Int(v) => v.to_string(), SqlValue::Text(s) => format!("'{s}'"), SqlValue::Date(d) => format!("'{d}'"), _ => "NULL".into() };
            sql = sql.replace(&format!("?{}", i + 1), &lit);
        }
        out.push_str(&sql); out.push_str(";\n");
    }
    std::fs::write("/tmp/query_perf_sqlite.sql", out).unwrap();
}
