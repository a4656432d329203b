//! A deterministic, seeded synthetic EDS in OMOP CDM 5.4, realistic enough to
//! exercise the respiratory indicators end to end.
//!
//! # What is generated
//!
//! * **Persons** (`person`, `observation_period`): a French-shaped age/sex pyramid
//!   (age drawn at the end of the period, so babies are born during it and the
//!   number of infants stays steady), `gender_concept_id` 8507/8532 with the male
//!   share falling with age. Birth is recorded in full (`year/month/day_of_birth`
//!   and `birth_datetime` at midnight) for 78 %, year/month/day without
//!   `birth_datetime` for 10 %, year and month for 5 %, year only for 7 %.
//!   `race_concept_id`/`ethnicity_concept_id` are 0 (not collected in France).
//!   Each person has one observation period from the start of the period (or
//!   birth) to its end.
//! * **Visits** (`visit_occurrence`): for each person, a non-homogeneous Poisson
//!   process over days whose rate is the sum of age-specific causes —
//!   influenza, COVID-19, bronchiolitis (infants, peaking Nov–Jan), RSV
//!   infections, pneumonia (rising with age), other upper/lower respiratory
//!   infections, injuries (a little more in summer), other medical reasons, and
//!   scheduled stays. Epidemic causes follow a calendar of waves shaped after the
//!   French 2021–2026 seasons (shifted a few days per hospital); other causes
//!   follow a yearly cosine. An ER visit (9203) may lead to admission (age and
//!   cause dependent), recorded either as one ER-and-inpatient visit (262) or as
//!   the ER visit followed by an inpatient stay (9201) whose
//!   `preceding_visit_occurrence_id` is the ER visit (the split is a hospital
//!   trait). Scheduled stays are 9201 visits without ER and without
//!   `preceding_visit_occurrence_id`. A person is not sent to the ER while in
//!   hospital.
//! * **Conditions** (`condition_occurrence`): the ER diagnosis (present for
//!   85–95 % of ER visits, the hospital's coding completeness), a cause-specific
//!   secondary code (pneumonia with influenza or COVID-19, `B97.4` with
//!   bronchiolitis…), and on inpatient stays the stay diagnosis plus comorbidities.
//!   `condition_source_value` holds ICD-10 codes: ER software spells them with a
//!   dot (`J10.1`, share per hospital), PMSI coding of stays mostly without
//!   (`J101`); French COVID-19 extensions `U07.10`–`U07.15` appear besides
//!   `U07.1`; with [`SynthConfig::messy_codes`] ~0.5 % are lower-case and ~0.3 %
//!   carry a trailing space. `condition_concept_id` is a plausible SNOMED concept
//!   when the hospital maps codes and the code is in the vocabulary subset, 0
//!   otherwise. Status is primary (32902, `DP`) or secondary (32908, `DAS`).
//! * **Hospital** (`care_site`, `location`, `cdm_source`, and the `concept` rows
//!   used). Hospital traits ([`HospitalProfile`]) derive from the seed, so
//!   several hospitals differ by seed and size.
//!
//! # Late coding and snapshots
//!
//! A share of diagnoses is recorded weeks after the visit: ER diagnoses are
//! recorded within a day, or 1–8 weeks late for the hospital's late-coding share;
//! stay diagnoses are recorded 2–46 days after discharge. OMOP 5.4 has no
//! "recorded on" column and Hublot does not add one: every condition keeps
//! `condition_start_date` = the visit date. Instead, [`SynthConfig::as_of`]
//! produces the warehouse *as it was* on a date — visits started after it,
//! conditions recorded after it and persons born after it are left out, stays
//! still open end on it — while every row keeps the identifier it has in the
//! full data. Two snapshots of the same seed therefore differ exactly by the late
//! records, which is what revisions of past weeks must pick up.
//!
//! # Determinism
//!
//! Each person draws from its own ChaCha8 stream (`seed`, person id), and the
//! same rows are produced whatever the backend: [`generate_sqlite`] and
//! [`generate_postgres`] give equal [`crate::checksum`]s for the same
//! configuration. The model's rate tables are computed once with floating point
//! and then quantised to integers; every per-row decision is integer arithmetic
//! on the random stream.
//!
//! # Speed
//!
//! SQLite: one transaction, prepared statements, `journal_mode=OFF` and
//! `synchronous=OFF` during the load, indexes built afterwards, then back to WAL.
//! PostgreSQL: tables created, each filled by one `COPY … FROM STDIN` (text format)
//! in a single transaction, then indexes and `ANALYZE`; the generator runs once per
//! large table, which costs far less than the database work. Measured in release
//! mode on two shared cores: 100,000 persons (≈160,000 visits, ≈170,000
//! conditions) in 1.6 s into SQLite and 2.5 s into PostgreSQL; 1,000,000 persons
//! in 22 s and 20 s (SQLite file ≈ 470 MB), with 12 MB of client memory.

mod generator;
mod load;
pub(crate) mod model;

use std::collections::BTreeMap;
use std::time::Duration;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use time::Date;
use time::macros::date;

use crate::OmopError;

pub use load::{generate_postgres, generate_sqlite};

/// What to generate.
#[derive(Clone, Debug, PartialEq)]
pub struct SynthConfig {
    /// Number of persons (visits, stays and conditions follow from the model:
    /// roughly 1.6 visits and 1.7 conditions per person over four years).
    pub persons: u64,
    /// Seed of every random choice, including the hospital's traits.
    pub seed: u64,
    /// First day of the period (inclusive).
    pub start: Date,
    /// Last day of the period (inclusive).
    pub end: Date,
    /// Snapshot date: leave out what was not yet recorded on that day (see the
    /// module docs). `None` gives the complete data.
    pub as_of: Option<Date>,
    /// `care_site_id` of the hospital (also put on persons and visits).
    pub care_site_id: i64,
    /// Hospital name (`care_site.care_site_name`, `cdm_source`).
    pub care_site_name: String,
    /// Hospital identifier in the source (`care_site_source_value`, e.g. a FINESS number).
    pub care_site_source_value: String,
    /// `cdm_source.cdm_source_abbreviation` (at most 25 characters).
    pub cdm_source_abbreviation: String,
    /// City of the hospital (`location.city`).
    pub city: String,
    /// Latitude of the hospital (`location.latitude`).
    pub latitude: f64,
    /// Longitude of the hospital (`location.longitude`).
    pub longitude: f64,
    /// Sprinkle lower-case codes and trailing spaces, as real feeds have.
    pub messy_codes: bool,
    /// Hospital traits; `None` derives them from the seed
    /// ([`HospitalProfile::from_seed`]).
    pub profile: Option<HospitalProfile>,
}

impl Default for SynthConfig {
    fn default() -> Self {
        SynthConfig {
            persons: 10_000,
            seed: 1,
            start: date!(2022 - 01 - 03),
            end: date!(2025 - 12 - 28),
            as_of: None,
            care_site_id: 1,
            care_site_name: "Centre hospitalier synthétique".into(),
            care_site_source_value: "000000001".into(),
            cdm_source_abbreviation: "CH-SYNTH".into(),
            city: "Paris".into(),
            latitude: 48.8566,
            longitude: 2.3522,
            messy_codes: true,
            profile: None,
        }
    }
}

impl SynthConfig {
    /// The default hospital with `persons` persons and `seed`.
    pub fn new(persons: u64, seed: u64) -> Self {
        SynthConfig {
            persons,
            seed,
            ..SynthConfig::default()
        }
    }

    /// A named hospital.
    pub fn hospital(name: &str, abbreviation: &str, persons: u64, seed: u64) -> Self {
        SynthConfig {
            care_site_name: name.into(),
            cdm_source_abbreviation: abbreviation.into(),
            ..SynthConfig::new(persons, seed)
        }
    }

    /// The same configuration as a snapshot on `date`.
    pub fn as_of(mut self, date: Date) -> Self {
        self.as_of = Some(date);
        self
    }

    /// The hospital traits this configuration generates with.
    pub fn effective_profile(&self) -> HospitalProfile {
        self.profile
            .clone()
            .unwrap_or_else(|| HospitalProfile::from_seed(self.seed))
    }

    /// Checks the configuration before anything is written.
    pub fn validate(&self) -> Result<(), OmopError> {
        let bad = |m: String| Err(OmopError::Config(m));
        if self.end < self.start {
            return bad(format!(
                "period ends ({}) before it starts ({})",
                self.end, self.start
            ));
        }
        if (self.end - self.start).whole_days() > 366 * 30 {
            return bad("period longer than 30 years".into());
        }
        if let Some(as_of) = self.as_of
            && as_of < self.start
        {
            return bad(format!(
                "as_of {as_of} is before the period start {}",
                self.start
            ));
        }
        if self.start.year() < 1900 || self.end.year() > 2200 {
            return bad("period must lie between 1900 and 2200".into());
        }
        if self.persons > i32::MAX as u64 / 4 {
            return bad(format!(
                "{} persons is more than OMOP integer ids allow",
                self.persons
            ));
        }
        for (field, value, max) in [
            ("care_site_name", &self.care_site_name, 255),
            ("care_site_source_value", &self.care_site_source_value, 50),
            ("cdm_source_abbreviation", &self.cdm_source_abbreviation, 25),
            ("city", &self.city, 50),
        ] {
            if value.chars().count() > max {
                return bad(format!("{field} is longer than {max} characters"));
            }
        }
        if !(self.latitude.is_finite() && self.longitude.is_finite()) {
            return bad("latitude and longitude must be finite".into());
        }
        if !(i32::MIN as i64..=i32::MAX as i64).contains(&self.care_site_id) {
            return bad("care_site_id does not fit an OMOP integer".into());
        }
        self.effective_profile().validate()
    }
}

/// Three hospitals of different sizes and traits, for demonstrations of a
/// multi-node network (scale `persons` to taste: sizes are 100 %, 45 % and 20 %).
pub fn demo_hospitals(persons: u64) -> Vec<SynthConfig> {
    let mk =
        |id: i64, name: &str, abbr: &str, finess: &str, city: &str, lat, lon, share: u64, seed| {
            SynthConfig {
                care_site_id: id,
                care_site_source_value: finess.into(),
                city: city.into(),
                latitude: lat,
                longitude: lon,
                ..SynthConfig::hospital(name, abbr, (persons * share / 100).max(1), seed)
            }
        };
    vec![
        mk(
            1,
            "CHU Synthétique Nord",
            "CHU-NORD",
            "000000011",
            "Lille",
            50.6292,
            3.0573,
            100,
            101,
        ),
        mk(
            2,
            "CH Synthétique Centre",
            "CH-CENTRE",
            "000000022",
            "Tours",
            47.3941,
            0.6848,
            45,
            202,
        ),
        mk(
            3,
            "CH Synthétique Sud",
            "CH-SUD",
            "000000033",
            "Montpellier",
            43.6108,
            3.8767,
            20,
            303,
        ),
    ]
}

/// Traits that make one synthetic hospital differ from another.
#[derive(Clone, Debug, PartialEq)]
pub struct HospitalProfile {
    /// Share of ER visits with at least one coded diagnosis, eventually (0.85–0.95).
    pub coding_completeness: f64,
    /// Share of ER diagnoses recorded 1–8 weeks late (0.08–0.20).
    pub late_coding_share: f64,
    /// Share of ER diagnosis codes written with a dot, `J10.1` (0.3–0.9).
    pub er_dotted_share: f64,
    /// Share of stay (PMSI) diagnosis codes written with a dot (0–0.1).
    pub stay_dotted_share: f64,
    /// Share of admissions from the ER recorded as one ER-and-inpatient visit
    /// (262) rather than ER visit + inpatient stay (0.2–0.8).
    pub combined_visit_share: f64,
    /// Multiplier on admission probabilities (0.85–1.15).
    pub admission_factor: f64,
    /// Whether the ETL maps ICD-10 codes to standard concepts (else concept 0).
    pub maps_condition_concepts: bool,
    /// Regional shift of epidemic waves, in days (−7…7).
    pub epidemic_shift_days: i32,
}

impl HospitalProfile {
    /// Traits drawn from a seed (its own random stream, independent of persons).
    pub fn from_seed(seed: u64) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(u64::MAX);
        let mut between = |lo: u32, hi: u32| f64::from(rng.random_range(lo..=hi)) / 1000.0;
        let coding_completeness = between(850, 950);
        let late_coding_share = between(80, 200);
        let er_dotted_share = between(300, 900);
        let stay_dotted_share = between(0, 100);
        let combined_visit_share = between(200, 800);
        let admission_factor = between(850, 1150);
        let maps_condition_concepts = rng.random_range(0..4u32) != 0;
        let epidemic_shift_days = rng.random_range(-7..=7);
        HospitalProfile {
            coding_completeness,
            late_coding_share,
            er_dotted_share,
            stay_dotted_share,
            combined_visit_share,
            admission_factor,
            maps_condition_concepts,
            epidemic_shift_days,
        }
    }

    fn validate(&self) -> Result<(), OmopError> {
        for (name, v) in [
            ("coding_completeness", self.coding_completeness),
            ("late_coding_share", self.late_coding_share),
            ("er_dotted_share", self.er_dotted_share),
            ("stay_dotted_share", self.stay_dotted_share),
            ("combined_visit_share", self.combined_visit_share),
        ] {
            if !(0.0..=1.0).contains(&v) {
                return Err(OmopError::Config(format!("{name} must be within 0..=1")));
            }
        }
        if !(0.0..=5.0).contains(&self.admission_factor) {
            return Err(OmopError::Config(
                "admission_factor must be within 0..=5".into(),
            ));
        }
        if self.epidemic_shift_days.abs() > 60 {
            return Err(OmopError::Config(
                "epidemic_shift_days must be within ±60".into(),
            ));
        }
        Ok(())
    }
}

/// What a generation produced.
#[derive(Clone, Debug, PartialEq)]
pub struct SynthSummary {
    /// Rows written per table.
    pub rows: BTreeMap<&'static str, u64>,
    /// Visits per `visit_concept_id`.
    pub visits_by_concept: BTreeMap<i64, u64>,
    /// ER visits (9203 and 262) without any coded condition.
    pub er_visits_uncoded: u64,
    /// First day of the period.
    pub start: Date,
    /// Last day of the period.
    pub end: Date,
    /// Snapshot date, if any.
    pub as_of: Option<Date>,
    /// The hospital traits used.
    pub profile: HospitalProfile,
    /// Wall-clock time of the whole generation and load.
    pub elapsed: Duration,
}

impl SynthSummary {
    /// Rows of `table` (0 when none).
    pub fn count(&self, table: &str) -> u64 {
        self.rows.get(table).copied().unwrap_or(0)
    }
}

/// Receives generated rows: table name, then the values in CDM column order
/// (timestamps as `YYYY-MM-DD HH:MM:SS` text, as the warehouses return them).
pub type RowCallback<'a> =
    dyn FnMut(&'static str, &[crate::SqlValue]) -> Result<(), OmopError> + 'a;

/// Generates into a plain row callback instead of a database (the rows the
/// loaders write, table by table), for tools that export elsewhere.
pub fn generate_rows(
    config: &SynthConfig,
    f: &mut RowCallback<'_>,
) -> Result<SynthSummary, OmopError> {
    load::generate_to_callback(config, f)
}
