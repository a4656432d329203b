//! PostgreSQL warehouse: synchronous `postgres` client, read-only session and
//! transactions, portable value mapping.

use std::error::Error as StdError;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use postgres::config::SslMode;
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::{FromSql, IsNull, ToSql, Type, to_sql_checked};
use postgres::{Client, Config, NoTls, Row};
use time::{Date, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

use crate::schema::{self, qualify, quote_ident};
use crate::value::{format_timestamp, iso_date, parse_iso_date};
use crate::{Backend, DEFAULT_STATEMENT_TIMEOUT, OmopError, SqlValue, Warehouse};

type BoxError = Box<dyn StdError + Sync + Send>;

/// An OMOP warehouse in a PostgreSQL schema.
///
/// The connection is opened with `SET SESSION CHARACTERISTICS AS TRANSACTION
/// READ ONLY` and a `statement_timeout` ([`DEFAULT_STATEMENT_TIMEOUT`] unless
/// changed with [`PostgresWarehouse::with_statement_timeout`]); every query runs in
/// its own `READ ONLY` transaction. A dropped connection is reopened on the next
/// query. See the crate docs for TLS and for the recommended database role.
pub struct PostgresWarehouse {
    config: Config,
    schema: String,
    timeout: Duration,
    client: Mutex<Option<Client>>,
}

/// How a session is set up.
#[derive(Clone, Copy)]
pub(crate) enum Session {
    /// Node queries: read-only transactions, statement time limit.
    ReadOnly(Duration),
    /// Schema creation and bulk loads.
    ReadWrite,
}

/// Parses a connection URL (`postgres://user@host:port/db?…`) or key-value string,
/// filling Hublot's defaults (application name, connect timeout).
pub(crate) fn parse_config(url: &str) -> Result<Config, OmopError> {
    let mut config: Config = url
        .parse()
        .map_err(|e| OmopError::Config(format!("PostgreSQL connection string: {e}")))?;
    if config.get_ssl_mode() == SslMode::Require {
        return Err(OmopError::Config(
            "sslmode=require asks for TLS, which this build does not speak; connect over the \
             loopback interface or a Unix socket beside the warehouse"
                .into(),
        ));
    }
    if config.get_application_name().is_none() {
        config.application_name("hublot-node");
    }
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(Duration::from_secs(10));
    }
    Ok(config)
}

/// Opens a client and prepares its session.
pub(crate) fn open_client(config: &Config, session: Session) -> Result<Client, OmopError> {
    let mut client = config.connect(NoTls)?;
    match session {
        Session::ReadOnly(timeout) => client.batch_execute(&format!(
            "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY; SET statement_timeout = {}",
            timeout.as_millis().max(1)
        ))?,
        Session::ReadWrite => client.batch_execute("SET statement_timeout = 0")?,
    }
    Ok(client)
}

fn schema_option(schema: &str) -> Option<&str> {
    (!schema.is_empty()).then_some(schema)
}

impl PostgresWarehouse {
    /// Connects to the warehouse at `url` whose OMOP tables are in `schema`
    /// (`""` for unqualified names resolved by the role's `search_path`).
    pub fn connect(url: &str, schema: &str) -> Result<Self, OmopError> {
        let config = parse_config(url)?;
        let timeout = DEFAULT_STATEMENT_TIMEOUT;
        let client = open_client(&config, Session::ReadOnly(timeout))?;
        Ok(PostgresWarehouse {
            config,
            schema: schema.to_owned(),
            timeout,
            client: Mutex::new(Some(client)),
        })
    }

    /// Creates `schema` (if missing) with the OMOP tables and indexes of
    /// [`crate::schema`] (if missing), then connects to it read-only. Needs a role
    /// allowed to create; meant for tests and synthetic warehouses.
    pub fn create_schema(url: &str, schema: &str) -> Result<Self, OmopError> {
        let config = parse_config(url)?;
        let mut client = open_client(&config, Session::ReadWrite)?;
        let mut tx = client.transaction()?;
        if let Some(s) = schema_option(schema) {
            tx.batch_execute(&format!("CREATE SCHEMA IF NOT EXISTS {}", quote_ident(s)))?;
        }
        for sql in schema::ddl(Backend::Postgres, schema_option(schema)) {
            tx.batch_execute(&sql)?;
        }
        tx.commit()?;
        Self::connect(url, schema)
    }

    /// Drops `schema` and everything in it (`DROP SCHEMA … CASCADE`), if it exists.
    pub fn drop_schema(url: &str, schema: &str) -> Result<(), OmopError> {
        if schema.is_empty() {
            return Err(OmopError::Config(
                "refusing to drop an unnamed schema".into(),
            ));
        }
        let config = parse_config(url)?;
        let mut client = open_client(&config, Session::ReadWrite)?;
        client.batch_execute(&format!(
            "DROP SCHEMA IF EXISTS {} CASCADE",
            quote_ident(schema)
        ))?;
        Ok(())
    }

    /// Changes the per-statement time limit (applied to the current and future sessions).
    pub fn with_statement_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        let slot = self
            .client
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(client) = slot.as_mut() {
            let sql = format!("SET statement_timeout = {}", timeout.as_millis().max(1));
            if client.batch_execute(&sql).is_err() {
                // Reconnect (with the new limit) on the next query.
                *slot = None;
            }
        }
        self
    }

    /// The schema holding the OMOP tables (`""` when unqualified).
    pub fn schema(&self) -> &str {
        &self.schema
    }

    /// Runs `f` on the connection, opening it first if needed. When the server
    /// closed the connection before any row reached the caller (warehouse restart,
    /// idle timeout), `f` runs once more on a fresh connection: queries are
    /// read-only, so this is safe.
    fn with_client(
        &self,
        mut f: impl FnMut(&mut Client, &mut bool) -> Result<(), OmopError>,
    ) -> Result<(), OmopError> {
        let mut slot = self.client.lock().unwrap_or_else(PoisonError::into_inner);
        let mut attempt = 0;
        loop {
            attempt += 1;
            if slot.as_ref().is_none_or(Client::is_closed) {
                *slot = None;
                *slot = Some(open_client(&self.config, Session::ReadOnly(self.timeout))?);
            }
            let Some(client) = slot.as_mut() else {
                return Err(OmopError::Config("no PostgreSQL connection".into()));
            };
            let mut delivered = false;
            let result = f(client, &mut delivered);
            if !client.is_closed() {
                return result;
            }
            *slot = None;
            if result.is_ok() || delivered || attempt > 1 {
                return result;
            }
        }
    }
}

impl Warehouse for PostgresWarehouse {
    fn backend(&self) -> Backend {
        Backend::Postgres
    }

    fn query_each(
        &self,
        sql: &str,
        params: &[SqlValue],
        f: &mut dyn FnMut(&[SqlValue]) -> Result<(), OmopError>,
    ) -> Result<(), OmopError> {
        crate::check_read_statement(sql)?;
        let timeout = self.timeout;
        let pg = |e: postgres::Error| OmopError::from_pg(e, timeout);
        self.with_client(|client, delivered| {
            let mut tx = client
                .build_transaction()
                .read_only(true)
                .start()
                .map_err(pg)?;
            let statement = tx.prepare(sql).map_err(pg)?;
            if statement.params().len() != params.len() {
                return Err(OmopError::Parameter(format!(
                    "the statement takes {} parameters, {} given",
                    statement.params().len(),
                    params.len()
                )));
            }
            let kinds = statement
                .columns()
                .iter()
                .map(|c| ColumnKind::of(c.type_(), c.name()))
                .collect::<Result<Vec<_>, _>>()?;
            let bound: Vec<PgParam<'_>> = params.iter().map(PgParam).collect();
            {
                let mut rows = tx
                    .query_raw(&statement, bound.iter().map(|p| p as &dyn ToSql))
                    .map_err(pg)?;
                let mut values = Vec::with_capacity(kinds.len());
                while let Some(row) = rows.next().map_err(pg)? {
                    values.clear();
                    for (i, kind) in kinds.iter().enumerate() {
                        values.push(kind.read(&row, i).map_err(pg)?);
                    }
                    *delivered = true;
                    f(&values)?;
                }
            }
            tx.commit().map_err(pg)?;
            Ok(())
        })
    }

    fn table(&self, name: &str) -> String {
        qualify(schema_option(&self.schema), name)
    }
}

/// How a result column is read into a [`SqlValue`].
#[derive(Clone, Copy, Debug)]
enum ColumnKind {
    Int2,
    Int4,
    Int8,
    Oid,
    Bool,
    Float4,
    Float8,
    Numeric,
    Text,
    Date,
    Timestamp,
    TimestampTz,
}

impl ColumnKind {
    fn of(ty: &Type, column: &str) -> Result<Self, OmopError> {
        Ok(match *ty {
            Type::INT2 => ColumnKind::Int2,
            Type::INT4 => ColumnKind::Int4,
            Type::INT8 => ColumnKind::Int8,
            Type::OID => ColumnKind::Oid,
            Type::BOOL => ColumnKind::Bool,
            Type::FLOAT4 => ColumnKind::Float4,
            Type::FLOAT8 => ColumnKind::Float8,
            Type::NUMERIC => ColumnKind::Numeric,
            Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN => {
                ColumnKind::Text
            }
            Type::DATE => ColumnKind::Date,
            Type::TIMESTAMP => ColumnKind::Timestamp,
            Type::TIMESTAMPTZ => ColumnKind::TimestampTz,
            _ => {
                return Err(OmopError::UnsupportedType {
                    column: column.to_owned(),
                    type_name: ty.name().to_owned(),
                });
            }
        })
    }

    fn read(self, row: &Row, i: usize) -> Result<SqlValue, postgres::Error> {
        fn opt<T>(v: Option<T>, f: impl FnOnce(T) -> SqlValue) -> SqlValue {
            v.map_or(SqlValue::Null, f)
        }
        Ok(match self {
            ColumnKind::Int2 => opt(row.try_get::<_, Option<i16>>(i)?, |v| {
                SqlValue::Int(v.into())
            }),
            ColumnKind::Int4 => opt(row.try_get::<_, Option<i32>>(i)?, |v| {
                SqlValue::Int(v.into())
            }),
            ColumnKind::Int8 => opt(row.try_get::<_, Option<i64>>(i)?, SqlValue::Int),
            ColumnKind::Oid => opt(row.try_get::<_, Option<u32>>(i)?, |v| {
                SqlValue::Int(v.into())
            }),
            ColumnKind::Bool => opt(row.try_get::<_, Option<bool>>(i)?, |v| {
                SqlValue::Int(v.into())
            }),
            ColumnKind::Float4 => opt(row.try_get::<_, Option<f32>>(i)?, |v| {
                SqlValue::Float(v.into())
            }),
            ColumnKind::Float8 => opt(row.try_get::<_, Option<f64>>(i)?, SqlValue::Float),
            ColumnKind::Numeric => opt(row.try_get::<_, Option<PgNumeric>>(i)?, |v| {
                SqlValue::Float(v.0)
            }),
            ColumnKind::Text => opt(row.try_get::<_, Option<&str>>(i)?, |v| {
                SqlValue::Text(v.to_owned())
            }),
            ColumnKind::Date => opt(row.try_get::<_, Option<Date>>(i)?, SqlValue::Date),
            ColumnKind::Timestamp => opt(row.try_get::<_, Option<PrimitiveDateTime>>(i)?, |v| {
                SqlValue::Text(format_timestamp(v))
            }),
            ColumnKind::TimestampTz => opt(row.try_get::<_, Option<OffsetDateTime>>(i)?, |v| {
                let utc = v.to_offset(UtcOffset::UTC);
                let local = PrimitiveDateTime::new(utc.date(), utc.time());
                SqlValue::Text(format!("{}+00:00", format_timestamp(local)))
            }),
        })
    }
}

/// A `NUMERIC` read as the nearest `f64`.
struct PgNumeric(f64);

impl<'a> FromSql<'a> for PgNumeric {
    fn from_sql(_: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        decode_numeric(raw).map(PgNumeric)
    }

    fn accepts(ty: &Type) -> bool {
        *ty == Type::NUMERIC
    }
}

/// Decodes PostgreSQL's binary `NUMERIC` (base-10000 digits) through its decimal
/// text, so the result is the correctly rounded `f64`.
fn decode_numeric(raw: &[u8]) -> Result<f64, BoxError> {
    let word = |i: usize| -> Result<u16, BoxError> {
        raw.get(i..i + 2)
            .map(|b| u16::from_be_bytes([b[0], b[1]]))
            .ok_or_else(|| "truncated NUMERIC".into())
    };
    let ndigits = usize::from(word(0)?);
    let weight = word(2)? as i16;
    let sign = word(4)?;
    match sign {
        0x0000 | 0x4000 => {}
        0xC000 => return Ok(f64::NAN),
        0xD000 => return Ok(f64::INFINITY),
        0xF000 => return Ok(f64::NEG_INFINITY),
        _ => return Err(format!("bad NUMERIC sign {sign:#x}").into()),
    }
    if ndigits == 0 {
        return Ok(0.0);
    }
    let mut text = String::with_capacity(ndigits * 4 + 8);
    if sign == 0x4000 {
        text.push('-');
    }
    for i in 0..ndigits {
        let digit = word(8 + 2 * i)?;
        if digit > 9999 {
            return Err("bad NUMERIC digit".into());
        }
        text.push_str(&format!("{digit:04}"));
    }
    // value = digits × 10000^(weight − ndigits + 1)
    let exponent = 4 * (i64::from(weight) - ndigits as i64 + 1);
    text.push_str(&format!("e{exponent}"));
    Ok(text.parse::<f64>()?)
}

/// Encodes a plain decimal string (`-12.5`, `3`, `0.001`) as binary `NUMERIC`.
fn encode_numeric(
    decimal: &str,
    out: &mut postgres::types::private::BytesMut,
) -> Result<(), BoxError> {
    let (negative, body) = match decimal.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, decimal),
    };
    let (int_part, frac_part) = body.split_once('.').unwrap_or((body, ""));
    if int_part.is_empty() && frac_part.is_empty()
        || !int_part
            .bytes()
            .chain(frac_part.bytes())
            .all(|b| b.is_ascii_digit())
    {
        return Err(format!("{decimal:?} is not a plain decimal number").into());
    }
    let int_part = int_part.trim_start_matches('0');
    let dscale = frac_part.len();
    // Left-pad the integer part and right-pad the fraction to whole base-10000 digits.
    let int_pad = (4 - int_part.len() % 4) % 4;
    let frac_pad = (4 - frac_part.len() % 4) % 4;
    let digits_text = format!(
        "{}{int_part}{frac_part}{}",
        "0".repeat(int_pad),
        "0".repeat(frac_pad)
    );
    let int_groups = (int_part.len() + int_pad) / 4;
    let mut digits: Vec<u16> = digits_text
        .as_bytes()
        .chunks(4)
        .map(|chunk| {
            chunk
                .iter()
                .fold(0u16, |acc, b| acc * 10 + u16::from(b - b'0'))
        })
        .collect();
    let mut weight = int_groups as i64 - 1;
    while digits.first() == Some(&0) {
        digits.remove(0);
        weight -= 1;
    }
    while digits.last() == Some(&0) {
        digits.pop();
    }
    if digits.is_empty() {
        weight = 0;
    }
    let header = [
        u16::try_from(digits.len())?,
        i16::try_from(weight)? as u16,
        if negative && !digits.is_empty() {
            0x4000
        } else {
            0
        },
        u16::try_from(dscale)?,
    ];
    for word in header.into_iter().chain(digits) {
        out.extend_from_slice(&word.to_be_bytes());
    }
    Ok(())
}

/// A [`SqlValue`] bound as a PostgreSQL parameter, converted to whatever type the
/// server inferred for the placeholder (an `Int` can feed `int4`, `int8`,
/// `numeric`…), with range checks.
#[derive(Debug)]
struct PgParam<'a>(&'a SqlValue);

fn mismatch(value: &SqlValue, ty: &Type) -> BoxError {
    let kind = match value {
        SqlValue::Null => "NULL",
        SqlValue::Int(_) => "an integer",
        SqlValue::Float(_) => "a float",
        SqlValue::Text(_) => "text",
        SqlValue::Date(_) => "a date",
    };
    format!("cannot bind {kind} to a parameter of type {}", ty.name()).into()
}

fn is_text(ty: &Type) -> bool {
    matches!(
        *ty,
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN
    )
}

impl ToSql for PgParam<'_> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut postgres::types::private::BytesMut,
    ) -> Result<IsNull, BoxError> {
        match self.0 {
            SqlValue::Null => Ok(IsNull::Yes),
            SqlValue::Int(v) => match *ty {
                Type::INT2 => i16::try_from(*v)?.to_sql(ty, out),
                Type::INT4 => i32::try_from(*v)?.to_sql(ty, out),
                Type::INT8 => v.to_sql(ty, out),
                Type::OID => u32::try_from(*v)?.to_sql(ty, out),
                Type::FLOAT4 => (*v as f32).to_sql(ty, out),
                Type::FLOAT8 => (*v as f64).to_sql(ty, out),
                Type::NUMERIC => {
                    encode_numeric(&v.to_string(), out)?;
                    Ok(IsNull::No)
                }
                Type::BOOL => (*v != 0).to_sql(ty, out),
                _ if is_text(ty) => v.to_string().as_str().to_sql(ty, out),
                _ => Err(mismatch(self.0, ty)),
            },
            SqlValue::Float(v) => match *ty {
                Type::FLOAT4 => (*v as f32).to_sql(ty, out),
                Type::FLOAT8 => v.to_sql(ty, out),
                Type::NUMERIC if v.is_finite() => {
                    encode_numeric(&v.to_string(), out)?;
                    Ok(IsNull::No)
                }
                _ if is_text(ty) => v.to_string().as_str().to_sql(ty, out),
                _ => Err(mismatch(self.0, ty)),
            },
            SqlValue::Text(s) => match *ty {
                _ if is_text(ty) => s.as_str().to_sql(ty, out),
                Type::DATE => match parse_iso_date(s) {
                    Some(d) => d.to_sql(ty, out),
                    None => Err(format!("{s:?} is not a YYYY-MM-DD date").into()),
                },
                _ => Err(mismatch(self.0, ty)),
            },
            SqlValue::Date(d) => match *ty {
                Type::DATE => d.to_sql(ty, out),
                Type::TIMESTAMP => PrimitiveDateTime::new(*d, Time::MIDNIGHT).to_sql(ty, out),
                _ if is_text(ty) => {
                    let mut buf = [0u8; 10];
                    iso_date(*d, &mut buf).to_sql(ty, out)
                }
                _ => Err(mismatch(self.0, ty)),
            },
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

#[cfg(test)]
mod tests {
    use super::*;
    use postgres::types::private::BytesMut;

    fn round_trip(text: &str) -> f64 {
        let mut buf = BytesMut::new();
        encode_numeric(text, &mut buf).unwrap();
        decode_numeric(&buf).unwrap()
    }

    #[test]
    fn numeric_round_trips() {
        for (text, value) in [
            ("0", 0.0),
            ("12345678", 12345678.0),
            ("-48.8566", -48.8566),
            ("0.0001", 0.0001),
            ("100000000", 1e8),
            ("2.3522", 2.3522),
            ("0.00000012", 1.2e-7),
        ] {
            assert_eq!(round_trip(text), value, "{text}");
        }
        let mut buf = BytesMut::new();
        assert!(encode_numeric("1e5", &mut buf).is_err());
        assert!(encode_numeric("-", &mut buf).is_err());
    }

    #[test]
    fn tls_urls_are_refused_clearly() {
        let err = parse_config("postgres://u@db.example/eds?sslmode=require").unwrap_err();
        assert!(err.to_string().contains("TLS"), "{err}");
        let config = parse_config("postgres://u@127.0.0.1/eds").unwrap();
        assert_eq!(config.get_application_name(), Some("hublot-node"));
    }
}
