//! The generator proper: rate tables built once, then one independent random
//! stream per person, rows handed to a [`Sink`] as backend-neutral [`Cell`]s.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::f64::consts::PI;

use rand::{Rng, RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use time::{Date, Month, Weekday};

use super::model::{
    self, AgeClass, CAUSES, COMORBIDITIES, Cause, Code, CodeList, N_CAUSES, N_GROUPS, PYRAMID,
    Season,
};
use super::{HospitalProfile, SynthConfig};
use crate::OmopError;

/// One value of a generated row.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Cell<'a> {
    Null,
    Int(i64),
    Float(f64),
    Text(&'a str),
    Date(Date),
    /// A `TIMESTAMP` at midnight of that date.
    Midnight(Date),
}

/// The tables the generator fills.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum TableId {
    Location,
    CareSite,
    Concept,
    CdmSource,
    Person,
    ObservationPeriod,
    VisitOccurrence,
    ConditionOccurrence,
}

impl TableId {
    pub(crate) const ALL: [TableId; 8] = [
        TableId::Location,
        TableId::CareSite,
        TableId::Concept,
        TableId::CdmSource,
        TableId::Person,
        TableId::ObservationPeriod,
        TableId::VisitOccurrence,
        TableId::ConditionOccurrence,
    ];

    /// Reference tables: a handful of rows, independent of persons.
    pub(crate) const REFERENCE: [TableId; 4] = [
        TableId::Location,
        TableId::CareSite,
        TableId::Concept,
        TableId::CdmSource,
    ];

    /// Tables filled person by person.
    pub(crate) const CLINICAL: [TableId; 4] = [
        TableId::Person,
        TableId::ObservationPeriod,
        TableId::VisitOccurrence,
        TableId::ConditionOccurrence,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            TableId::Location => "location",
            TableId::CareSite => "care_site",
            TableId::Concept => "concept",
            TableId::CdmSource => "cdm_source",
            TableId::Person => "person",
            TableId::ObservationPeriod => "observation_period",
            TableId::VisitOccurrence => "visit_occurrence",
            TableId::ConditionOccurrence => "condition_occurrence",
        }
    }
}

/// Where generated rows go.
pub(crate) trait Sink {
    fn wants(&self, table: TableId) -> bool;
    fn row(&mut self, table: TableId, cells: &[Cell<'_>]) -> Result<(), OmopError>;
}

/// Counts of what was emitted.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Counts {
    pub rows: BTreeMap<&'static str, u64>,
    pub visits_by_concept: BTreeMap<i64, u64>,
    pub er_visits_uncoded: u64,
}

impl Counts {
    fn add(&mut self, table: TableId) {
        *self.rows.entry(table.name()).or_default() += 1;
    }
}

/// Rates are per day, quantised as integers with this scale.
const SCALE: f64 = (1u64 << 40) as f64;
/// Candidate visit days are drawn in blocks of this many days.
const BLOCK: i64 = 28;

const ER: i64 = 9203;
const ER_INPATIENT: i64 = 262;
const INPATIENT: i64 = 9201;
const EHR: i64 = 32817;
const PRIMARY: i64 = 32902;
const SECONDARY: i64 = 32908;
const PLACE_ER: i64 = 8870;
const PLACE_INPATIENT: i64 = 8717;

/// Per-day, per-age-group rate tables and the Poisson tables of the thinning.
struct Model {
    days: i64,
    /// Cumulative rate of causes, index `t * N_GROUPS + g`.
    cum: Vec<[u64; N_CAUSES]>,
    /// Highest total rate of each group over the period.
    group_max: [u64; N_GROUPS],
    /// Poisson CDF thresholds (× 2³²) of the candidate count in a full block,
    /// and in the last (shorter) block, for each group's highest rate.
    poisson_full: Vec<Vec<u64>>,
    poisson_tail: Vec<Vec<u64>>,
    /// Calendar of each day: year and `month * 32 + day`.
    day_year: Vec<i32>,
    day_md: Vec<u16>,
}

impl Model {
    fn new(cfg: &SynthConfig, profile: &HospitalProfile) -> Result<Self, OmopError> {
        let days = (cfg.end - cfg.start).whole_days() + 1;
        let start_jd = cfg.start.to_julian_day();
        let waves: Vec<Vec<(f64, f64, f64)>> = CAUSES
            .iter()
            .map(|&cause| wave_list(cause, cfg, profile))
            .collect::<Result<_, _>>()?;
        let seasons: Vec<Season> = CAUSES.iter().map(|&c| model::season(c)).collect();

        let mut cum = Vec::with_capacity(days as usize * N_GROUPS);
        let mut group_max = [0u64; N_GROUPS];
        let mut day_year = Vec::with_capacity(days as usize);
        let mut day_md = Vec::with_capacity(days as usize);
        for t in 0..days {
            let date = julian(start_jd as i64 + t)?;
            day_year.push(date.year());
            day_md.push(u16::from(u8::from(date.month())) * 32 + u16::from(date.day()));
            let doy = f64::from(date.ordinal());
            let mut rates = [[0f64; N_GROUPS]; N_CAUSES];
            for (ci, season) in seasons.iter().enumerate() {
                for (g, rate) in rates[ci].iter_mut().enumerate() {
                    *rate = match season {
                        Season::Waves { attack, sporadic } => {
                            let tf = t as f64;
                            let epidemic: f64 = waves[ci]
                                .iter()
                                .map(|&(peak, sd, amp)| {
                                    let z = (tf - peak) / sd;
                                    amp * (-0.5 * z * z).exp() / (sd * (2.0 * PI).sqrt())
                                })
                                .sum();
                            attack[g] * epidemic + sporadic[g] / 365.25
                        }
                        Season::Cosine {
                            annual,
                            amplitude,
                            peak_day,
                        } => {
                            let phase = 2.0 * PI * (doy - peak_day) / 365.25;
                            annual[g] / 365.25 * (1.0 + amplitude * phase.cos())
                        }
                        Season::Scheduled { annual } => annual[g] / 365.25 * scheduled_factor(date),
                    };
                }
            }
            for g in 0..N_GROUPS {
                let mut acc = 0u64;
                let mut row = [0u64; N_CAUSES];
                for ci in 0..N_CAUSES {
                    acc += (rates[ci][g].max(0.0) * SCALE).round() as u64;
                    row[ci] = acc;
                }
                group_max[g] = group_max[g].max(acc);
                cum.push(row);
            }
        }
        let tail = match days % BLOCK {
            0 => BLOCK,
            r => r,
        };
        let poisson = |len: i64| -> Vec<Vec<u64>> {
            group_max
                .iter()
                .map(|&m| poisson_thresholds(m as f64 / SCALE * len as f64))
                .collect()
        };
        Ok(Model {
            days,
            cum,
            group_max,
            poisson_full: poisson(BLOCK),
            poisson_tail: poisson(tail),
            day_year,
            day_md,
        })
    }
}

/// Fewer scheduled stays at weekends, in August and over Christmas.
fn scheduled_factor(date: Date) -> f64 {
    let weekday = match date.weekday() {
        Weekday::Saturday | Weekday::Sunday => 0.0,
        _ => 7.0 / 5.0,
    };
    let holiday = match (date.month(), date.day()) {
        (Month::August, 1..=25) => 0.5,
        (Month::December, 24..=31) | (Month::January, 1) => 0.3,
        _ => 1.0,
    };
    weekday * holiday
}

/// Waves of `cause` as (peak day index, sd, amplitude), relative to the period start.
fn wave_list(
    cause: Cause,
    cfg: &SynthConfig,
    profile: &HospitalProfile,
) -> Result<Vec<(f64, f64, f64)>, OmopError> {
    let mut out = Vec::new();
    let calendar = model::waves(cause);
    let season_of = |(y, m, _): (i32, u8, u8)| if m >= 7 { y } else { y - 1 };
    let mut add = |(ymd, sd, amp): model::Wave| -> Result<(), OmopError> {
        let (y, m, d) = ymd;
        let month = Month::try_from(m).map_err(|e| OmopError::Config(e.to_string()))?;
        let peak =
            Date::from_calendar_date(y, month, d).map_err(|e| OmopError::Config(e.to_string()))?;
        let index = (peak - cfg.start).whole_days() + i64::from(profile.epidemic_shift_days);
        out.push((index as f64, sd, amp));
        Ok(())
    };
    for &wave in calendar {
        add(wave)?;
    }
    for season in cfg.start.year() - 1..=cfg.end.year() {
        if !calendar.iter().any(|w| season_of(w.0) == season)
            && let Some(wave) = model::default_wave(cause, season)
        {
            add(wave)?;
        }
    }
    Ok(out)
}

/// Cumulative Poisson(`mean`) probabilities × 2³², the last one saturated.
fn poisson_thresholds(mean: f64) -> Vec<u64> {
    let mut out = Vec::new();
    let mut p = (-mean).exp();
    let mut acc = 0.0;
    for k in 0..64u32 {
        acc += p;
        if acc >= 1.0 - 1e-12 || k == 63 {
            out.push(u64::MAX);
            break;
        }
        out.push((acc * 4_294_967_296.0) as u64);
        p *= mean / f64::from(k + 1);
    }
    out
}

fn julian(jd: i64) -> Result<Date, OmopError> {
    i32::try_from(jd)
        .ok()
        .and_then(|jd| Date::from_julian_day(jd).ok())
        .ok_or_else(|| OmopError::Config(format!("date out of range (julian day {jd})")))
}

/// Identifier counters: every drawn visit and condition gets the next id whether
/// or not a snapshot emits it, so ids are stable across snapshots.
#[derive(Default)]
struct Ids {
    visit: i64,
    condition: i64,
}

impl Ids {
    fn visit(&mut self) -> i64 {
        self.visit += 1;
        self.visit
    }
    fn condition(&mut self) -> i64 {
        self.condition += 1;
        self.condition
    }
}

/// The person being simulated.
struct PersonCtx {
    id: i64,
    birth_year: i32,
    birth_md: u16,
    /// Last day of a visit or stay, to keep people out of the ER while in hospital.
    busy_until: i64,
    /// Latest emitted visit end (day index), for the observation period.
    last_end: i64,
}

/// A visit about to be emitted (day indexes relative to the period start).
struct Visit {
    id: i64,
    concept: i64,
    start: i64,
    end: i64,
    source: &'static str,
    admitted_from: Option<i64>,
    discharged_to: Option<i64>,
    preceding: Option<i64>,
}

/// Coding source: spelling habits differ between ER software and stay coding.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Coder {
    Er,
    Stay,
}

pub(crate) struct Generator<'c> {
    cfg: &'c SynthConfig,
    profile: HospitalProfile,
    model: Model,
    key: [u8; 32],
    start_jd: i64,
    /// Last day index a snapshot includes.
    cutoff: i64,
    pyramid_total: u32,
    pyramid_days: Vec<(i64, i64)>,
    ppm_completeness: u32,
    ppm_late: u32,
    ppm_er_dotted: u32,
    ppm_stay_dotted: u32,
    ppm_combined: u32,
    ppm_admission: [[u32; N_GROUPS]; N_CAUSES],
}

fn ppm(p: f64) -> u32 {
    (p.clamp(0.0, 1.0) * 1e6).round() as u32
}

fn chance(rng: &mut ChaCha8Rng, ppm: u32) -> bool {
    rng.random_range(0..1_000_000u32) < ppm
}

fn pick(list: CodeList, rng: &mut ChaCha8Rng) -> Code {
    let total: u32 = list.iter().map(|(w, _)| w).sum();
    let mut r = rng.random_range(0..total);
    for (w, code) in list {
        if r < *w {
            return *code;
        }
        r -= w;
    }
    list[list.len() - 1].1
}

fn class_index(class: AgeClass) -> usize {
    match class {
        AgeClass::Infant | AgeClass::Child => 0,
        AgeClass::Adult => 1,
        AgeClass::Senior => 2,
    }
}

impl<'c> Generator<'c> {
    pub(crate) fn new(cfg: &'c SynthConfig) -> Result<Self, OmopError> {
        cfg.validate()?;
        let profile = cfg.effective_profile();
        let model = Model::new(cfg, &profile)?;
        let mut seeder = ChaCha8Rng::seed_from_u64(cfg.seed);
        let mut key = [0u8; 32];
        seeder.fill_bytes(&mut key);
        let start_jd = i64::from(cfg.start.to_julian_day());
        let cutoff = cfg.as_of.map_or(i64::MAX, |d| (d - cfg.start).whole_days());
        let pyramid_total = PYRAMID.iter().map(|b| b.2).sum();
        let pyramid_days = PYRAMID
            .iter()
            .map(|&(lo, hi, _, _)| {
                let days = |years: i32| (f64::from(years) * 365.25).round() as i64;
                (days(lo), days(hi))
            })
            .collect();
        let mut ppm_admission = [[0u32; N_GROUPS]; N_CAUSES];
        for (ci, &cause) in CAUSES.iter().enumerate() {
            let probabilities = model::admission_probability(cause);
            for g in 0..N_GROUPS {
                ppm_admission[ci][g] = ppm(probabilities[g] * profile.admission_factor);
            }
        }
        Ok(Generator {
            cfg,
            ppm_completeness: ppm(profile.coding_completeness),
            ppm_late: ppm(profile.late_coding_share),
            ppm_er_dotted: ppm(profile.er_dotted_share),
            ppm_stay_dotted: ppm(profile.stay_dotted_share),
            ppm_combined: ppm(profile.combined_visit_share),
            ppm_admission,
            profile,
            model,
            key,
            start_jd,
            cutoff,
            pyramid_total,
            pyramid_days,
        })
    }

    pub(crate) fn profile(&self) -> &HospitalProfile {
        &self.profile
    }

    fn date(&self, index: i64) -> Result<Date, OmopError> {
        julian(self.start_jd + index)
    }

    /// Reference tables: location, care site, vocabulary subset, CDM source.
    pub(crate) fn reference(&self, sink: &mut dyn Sink) -> Result<Counts, OmopError> {
        let cfg = self.cfg;
        let mut counts = Counts::default();
        let mut emit = |sink: &mut dyn Sink, table: TableId, cells: &[Cell<'_>]| {
            counts.add(table);
            if sink.wants(table) {
                sink.row(table, cells)
            } else {
                Ok(())
            }
        };
        use Cell::{Float, Int, Null, Text};
        emit(
            sink,
            TableId::Location,
            &[
                Int(1),
                Null,
                Null,
                Text(&cfg.city),
                Null,
                Null,
                Null,
                Null,
                Null,
                Text("FR"),
                Float(cfg.latitude),
                Float(cfg.longitude),
            ],
        )?;
        emit(
            sink,
            TableId::CareSite,
            &[
                Int(cfg.care_site_id),
                Text(&cfg.care_site_name),
                Int(PLACE_INPATIENT),
                Int(1),
                Text(&cfg.care_site_source_value),
                Null,
            ],
        )?;
        let valid_from = Cell::Date(time::macros::date!(1970 - 01 - 01));
        let valid_to = Cell::Date(time::macros::date!(2099 - 12 - 31));
        for &(id, name, domain, vocabulary, class, standard, code) in model::VOCABULARY {
            emit(
                sink,
                TableId::Concept,
                &[
                    Int(id),
                    Text(name),
                    Text(domain),
                    Text(vocabulary),
                    Text(class),
                    standard.map_or(Null, Text),
                    Text(code),
                    valid_from,
                    valid_to,
                    Null,
                ],
            )?;
        }
        let release = Cell::Date(cfg.as_of.unwrap_or(cfg.end));
        let description = format!(
            "Synthetic OMOP CDM 5.4 data generated by Hublot (seed {}, {} persons, {} to {}); no real patient.",
            cfg.seed, cfg.persons, cfg.start, cfg.end
        );
        emit(
            sink,
            TableId::CdmSource,
            &[
                Text(&cfg.care_site_name),
                Text(&cfg.cdm_source_abbreviation),
                Text(&cfg.care_site_name),
                Text(&description),
                Null,
                Text("hublot-omop synth"),
                release,
                release,
                Text("v5.4"),
                Int(756265),
                Text("synthetic subset"),
            ],
        )?;
        Ok(counts)
    }

    /// Persons, observation periods, visits and conditions. When the sink wants
    /// only `person`, the visit simulation is skipped (persons do not depend on it).
    pub(crate) fn clinical(&self, sink: &mut dyn Sink) -> Result<Counts, OmopError> {
        let simulate = [
            TableId::ObservationPeriod,
            TableId::VisitOccurrence,
            TableId::ConditionOccurrence,
        ]
        .iter()
        .any(|&t| sink.wants(t));
        let mut counts = Counts::default();
        let mut ids = Ids::default();
        for pid in 1..=self.cfg.persons {
            self.person(pid, simulate, &mut ids, sink, &mut counts)?;
        }
        Ok(counts)
    }

    fn person(
        &self,
        pid: u64,
        simulate: bool,
        ids: &mut Ids,
        sink: &mut dyn Sink,
        counts: &mut Counts,
    ) -> Result<(), OmopError> {
        let mut rng = ChaCha8Rng::from_seed(self.key);
        rng.set_stream(pid);

        // Birth and sex.
        let mut r = rng.random_range(0..self.pyramid_total);
        let mut band = 0;
        while r >= PYRAMID[band].2 {
            r -= PYRAMID[band].2;
            band += 1;
        }
        let (lo_days, hi_days) = self.pyramid_days[band];
        let age_days = rng.random_range(lo_days..hi_days);
        let male = rng.random_range(0..1000u32) < PYRAMID[band].3;
        let detail = rng.random_range(0..100u32);
        let end_index = self.model.days - 1;
        let birth_index = end_index - age_days;
        let birth = self.date(birth_index)?;
        // A person born after the snapshot date is left out, but still simulated
        // (without emitting anything) so later ids stay those of the full data.
        let born = birth_index <= self.cutoff;
        let id = pid as i64;
        let mut person = PersonCtx {
            id,
            birth_year: birth.year(),
            birth_md: u16::from(u8::from(birth.month())) * 32 + u16::from(birth.day()),
            busy_until: -1,
            last_end: -1,
        };
        if born {
            counts.add(TableId::Person);
        }
        if born && sink.wants(TableId::Person) {
            use Cell::{Int, Midnight, Null, Text};
            let month = Int(i64::from(u8::from(birth.month())));
            let day = Int(i64::from(birth.day()));
            let (month, day, datetime) = match detail {
                0..78 => (month, day, Midnight(birth)),
                78..88 => (month, day, Null),
                88..93 => (month, Null, Null),
                _ => (Null, Null, Null),
            };
            sink.row(
                TableId::Person,
                &[
                    Int(id),
                    Int(if male { 8507 } else { 8532 }),
                    Int(i64::from(birth.year())),
                    month,
                    day,
                    datetime,
                    Int(0),
                    Int(0),
                    Null,
                    Null,
                    Int(self.cfg.care_site_id),
                    Null,
                    Text(if male { "M" } else { "F" }),
                    Null,
                    Null,
                    Null,
                    Null,
                    Null,
                ],
            )?;
        }
        if !simulate {
            return Ok(());
        }

        self.visits(&mut person, birth_index, &mut rng, ids, sink, counts)?;

        if !born {
            return Ok(());
        }
        counts.add(TableId::ObservationPeriod);
        if sink.wants(TableId::ObservationPeriod) {
            let start = birth_index.max(0);
            let end = end_index.min(self.cutoff).max(person.last_end).max(start);
            sink.row(
                TableId::ObservationPeriod,
                &[
                    Cell::Int(id),
                    Cell::Int(id),
                    Cell::Date(self.date(start)?),
                    Cell::Date(self.date(end)?),
                    Cell::Int(EHR),
                ],
            )?;
        }
        Ok(())
    }

    fn age_group_at(&self, person: &PersonCtx, t: i64) -> usize {
        let t = t as usize;
        let before_birthday = self.model.day_md[t] < person.birth_md;
        let age = self.model.day_year[t] - person.birth_year - i32::from(before_birthday);
        model::age_group(age)
    }

    fn visits(
        &self,
        person: &mut PersonCtx,
        birth_index: i64,
        rng: &mut ChaCha8Rng,
        ids: &mut Ids,
        sink: &mut dyn Sink,
        counts: &mut Counts,
    ) -> Result<(), OmopError> {
        let days = self.model.days;
        let first = self.age_group_at(person, birth_index.max(0));
        let last = self.age_group_at(person, days - 1);
        let top = (first..=last)
            .max_by_key(|&g| (self.model.group_max[g], usize::MAX - g))
            .unwrap_or(first);
        let max_rate = self.model.group_max[top];
        if max_rate == 0 {
            return Ok(());
        }
        let mut candidates: Vec<i64> = Vec::new();
        let mut block_start = 0;
        while block_start < days {
            let len = BLOCK.min(days - block_start);
            let thresholds = if len == BLOCK {
                &self.model.poisson_full[top]
            } else {
                &self.model.poisson_tail[top]
            };
            let u = u64::from(rng.next_u32());
            let k = thresholds.iter().position(|&t| u < t).unwrap_or(0);
            candidates.clear();
            for _ in 0..k {
                candidates.push(block_start + rng.random_range(0..len));
            }
            candidates.sort_unstable();
            for &t in &candidates {
                if t < birth_index || t <= person.busy_until {
                    continue;
                }
                let g = self.age_group_at(person, t);
                let r = rng.random_range(0..max_rate);
                let row = &self.model.cum[t as usize * N_GROUPS + g];
                let Some(ci) = row.iter().position(|&c| r < c) else {
                    continue;
                };
                self.episode(person, t, g, CAUSES[ci], ci, rng, ids, sink, counts)?;
            }
            block_start += BLOCK;
        }
        Ok(())
    }

    /// One hospital episode: an ER visit (possibly followed by admission) or a
    /// scheduled stay, with its diagnoses.
    #[allow(clippy::too_many_arguments)]
    fn episode(
        &self,
        person: &mut PersonCtx,
        t: i64,
        g: usize,
        cause: Cause,
        ci: usize,
        rng: &mut ChaCha8Rng,
        ids: &mut Ids,
        sink: &mut dyn Sink,
        counts: &mut Counts,
    ) -> Result<(), OmopError> {
        let class = model::age_class(g);
        let stay_days = |rng: &mut ChaCha8Rng| {
            let mean = model::MEAN_STAY_DAYS[g];
            1 + rng.random_range(0..2 * mean - 1)
        };
        // Comorbidities coded on stays.
        let comorbidities = |rng: &mut ChaCha8Rng| -> Vec<Code> {
            COMORBIDITIES
                .iter()
                .filter(|(_, adult, senior)| {
                    let p = match class {
                        AgeClass::Infant | AgeClass::Child => 0.0,
                        AgeClass::Adult => *adult,
                        AgeClass::Senior => *senior,
                    };
                    chance(rng, ppm(p))
                })
                .map(|(code, _, _)| *code)
                .collect()
        };

        if cause == Cause::Elective {
            let stay = stay_days(rng);
            let coded = chance(rng, ppm(0.98));
            let principal = pick(model::codes(cause, class), rng);
            let extra = comorbidities(rng);
            let recorded = t + stay + rng.random_range(2..=46);
            let visit = Visit {
                id: ids.visit(),
                concept: INPATIENT,
                start: t,
                end: t + stay,
                source: "HOSP",
                admitted_from: None,
                discharged_to: None,
                preceding: None,
            };
            person.busy_until = person.busy_until.max(visit.end);
            let emitted = self.emit_visit(person, &visit, sink, counts)?;
            if coded {
                let mut diagnoses = vec![(principal, PRIMARY, recorded)];
                diagnoses.extend(extra.into_iter().map(|c| (c, SECONDARY, recorded)));
                self.emit_conditions(
                    person,
                    &visit,
                    emitted,
                    &diagnoses,
                    Coder::Stay,
                    rng,
                    ids,
                    sink,
                    counts,
                )?;
            }
            return Ok(());
        }

        let admitted = chance(rng, self.ppm_admission[ci][g]);
        let er_coded = chance(rng, self.ppm_completeness);
        let er_delay = if chance(rng, self.ppm_late) {
            rng.random_range(7..=56)
        } else {
            rng.random_range(0..=1)
        };
        let principal = pick(model::codes(cause, class), rng);
        let secondary = model::cause_secondary(cause)
            .filter(|(_, p)| chance(rng, ppm(p[class_index(class)])))
            .map(|(code, _)| code);
        let mut er_diagnoses = vec![(principal, PRIMARY, t + er_delay)];
        if let Some(code) = secondary {
            er_diagnoses.push((code, SECONDARY, t + er_delay));
        }

        if !admitted {
            let end = t + i64::from(chance(rng, ppm(0.2)));
            let visit = Visit {
                id: ids.visit(),
                concept: ER,
                start: t,
                end,
                source: "URG",
                admitted_from: None,
                discharged_to: None,
                preceding: None,
            };
            person.busy_until = person.busy_until.max(end);
            let emitted = self.emit_visit(person, &visit, sink, counts)?;
            let coded = if er_coded {
                self.emit_conditions(
                    person,
                    &visit,
                    emitted,
                    &er_diagnoses,
                    Coder::Er,
                    rng,
                    ids,
                    sink,
                    counts,
                )?
            } else {
                0
            };
            if emitted && coded == 0 {
                counts.er_visits_uncoded += 1;
            }
            return Ok(());
        }

        let stay = stay_days(rng);
        let combined = chance(rng, self.ppm_combined);
        let stay_coded = chance(rng, ppm(0.98));
        let stay_principal = pick(model::codes(cause, class), rng);
        let stay_delay = rng.random_range(2..=46);
        let extra = comorbidities(rng);

        if combined {
            let end = t + stay;
            let recorded = end + stay_delay;
            let visit = Visit {
                id: ids.visit(),
                concept: ER_INPATIENT,
                start: t,
                end,
                source: "URG-HOSP",
                admitted_from: None,
                discharged_to: None,
                preceding: None,
            };
            person.busy_until = person.busy_until.max(end);
            let emitted = self.emit_visit(person, &visit, sink, counts)?;
            let mut coded = 0;
            if er_coded {
                coded += self.emit_conditions(
                    person,
                    &visit,
                    emitted,
                    &er_diagnoses,
                    Coder::Er,
                    rng,
                    ids,
                    sink,
                    counts,
                )?;
            }
            if stay_coded {
                let mut diagnoses = vec![(stay_principal, PRIMARY, recorded)];
                diagnoses.extend(extra.into_iter().map(|c| (c, SECONDARY, recorded)));
                coded += self.emit_conditions(
                    person,
                    &visit,
                    emitted,
                    &diagnoses,
                    Coder::Stay,
                    rng,
                    ids,
                    sink,
                    counts,
                )?;
            }
            if emitted && coded == 0 {
                counts.er_visits_uncoded += 1;
            }
            return Ok(());
        }

        let er_end = t + i64::from(chance(rng, ppm(0.3)));
        let er_visit = Visit {
            id: ids.visit(),
            concept: ER,
            start: t,
            end: er_end,
            source: "URG",
            admitted_from: None,
            discharged_to: Some(PLACE_INPATIENT),
            preceding: None,
        };
        let stay_visit = Visit {
            id: ids.visit(),
            concept: INPATIENT,
            start: er_end,
            end: er_end + stay,
            source: "HOSP",
            admitted_from: Some(PLACE_ER),
            discharged_to: None,
            preceding: Some(er_visit.id),
        };
        person.busy_until = person.busy_until.max(stay_visit.end);
        let er_emitted = self.emit_visit(person, &er_visit, sink, counts)?;
        let coded = if er_coded {
            self.emit_conditions(
                person,
                &er_visit,
                er_emitted,
                &er_diagnoses,
                Coder::Er,
                rng,
                ids,
                sink,
                counts,
            )?
        } else {
            0
        };
        if er_emitted && coded == 0 {
            counts.er_visits_uncoded += 1;
        }
        let stay_emitted = self.emit_visit(person, &stay_visit, sink, counts)?;
        if stay_coded {
            let recorded = stay_visit.end + stay_delay;
            let mut diagnoses = vec![(stay_principal, PRIMARY, recorded)];
            if let Some(code) = secondary {
                diagnoses.push((code, SECONDARY, recorded));
            }
            diagnoses.extend(extra.into_iter().map(|c| (c, SECONDARY, recorded)));
            self.emit_conditions(
                person,
                &stay_visit,
                stay_emitted,
                &diagnoses,
                Coder::Stay,
                rng,
                ids,
                sink,
                counts,
            )?;
        }
        Ok(())
    }

    /// Emits a visit if the snapshot includes it; returns whether it did.
    fn emit_visit(
        &self,
        person: &mut PersonCtx,
        visit: &Visit,
        sink: &mut dyn Sink,
        counts: &mut Counts,
    ) -> Result<bool, OmopError> {
        if visit.start > self.cutoff {
            return Ok(false);
        }
        let end = visit.end.min(self.cutoff);
        person.last_end = person.last_end.max(end);
        counts.add(TableId::VisitOccurrence);
        *counts.visits_by_concept.entry(visit.concept).or_default() += 1;
        if sink.wants(TableId::VisitOccurrence) {
            use Cell::{Int, Null, Text};
            let opt = |v: Option<i64>| v.map_or(Null, Int);
            sink.row(
                TableId::VisitOccurrence,
                &[
                    Int(visit.id),
                    Int(person.id),
                    Int(visit.concept),
                    Cell::Date(self.date(visit.start)?),
                    Null,
                    Cell::Date(self.date(end)?),
                    Null,
                    Int(EHR),
                    Null,
                    Int(self.cfg.care_site_id),
                    Text(visit.source),
                    Null,
                    opt(visit.admitted_from),
                    Null,
                    opt(visit.discharged_to),
                    Null,
                    opt(visit.preceding),
                ],
            )?;
        }
        Ok(true)
    }

    /// Emits the diagnoses (code, status, recorded day) of a visit; every one draws
    /// its spelling and gets an id even when the snapshot leaves it out. Returns
    /// how many were emitted.
    #[allow(clippy::too_many_arguments)]
    fn emit_conditions(
        &self,
        person: &PersonCtx,
        visit: &Visit,
        visit_emitted: bool,
        diagnoses: &[(Code, i64, i64)],
        coder: Coder,
        rng: &mut ChaCha8Rng,
        ids: &mut Ids,
        sink: &mut dyn Sink,
        counts: &mut Counts,
    ) -> Result<u64, OmopError> {
        let mut emitted = 0;
        for &(code, status, recorded) in diagnoses {
            let id = ids.condition();
            let spelled = self.spell(code, coder, rng);
            if !visit_emitted || recorded > self.cutoff {
                continue;
            }
            emitted += 1;
            counts.add(TableId::ConditionOccurrence);
            if sink.wants(TableId::ConditionOccurrence) {
                use Cell::{Int, Null, Text};
                let concept = if self.profile.maps_condition_concepts {
                    code.concept
                } else {
                    0
                };
                sink.row(
                    TableId::ConditionOccurrence,
                    &[
                        Int(id),
                        Int(person.id),
                        Int(concept),
                        Cell::Date(self.date(visit.start)?),
                        Null,
                        Null,
                        Null,
                        Int(EHR),
                        Int(status),
                        Null,
                        Null,
                        Int(visit.id),
                        Null,
                        Text(&spelled),
                        Int(0),
                        Text(if status == PRIMARY { "DP" } else { "DAS" }),
                    ],
                )?;
            }
        }
        Ok(emitted)
    }

    /// How this hospital writes the code: with or without the dot, and now and
    /// then in lower case or with a trailing space.
    fn spell(&self, code: Code, coder: Coder, rng: &mut ChaCha8Rng) -> Cow<'static, str> {
        let dotted_ppm = match coder {
            Coder::Er => self.ppm_er_dotted,
            Coder::Stay => self.ppm_stay_dotted,
        };
        let base = if chance(rng, dotted_ppm) {
            code.dotted
        } else {
            code.plain
        };
        let messy = rng.random_range(0..1000u32);
        if !self.cfg.messy_codes {
            return Cow::Borrowed(base);
        }
        match messy {
            0..5 => Cow::Owned(base.to_ascii_lowercase()),
            5..8 => Cow::Owned(format!("{base} ")),
            _ => Cow::Borrowed(base),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poisson_thresholds_are_a_cdf() {
        let t = poisson_thresholds(0.3);
        assert!(t.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(*t.last().unwrap(), u64::MAX);
        // P(0) = e^-0.3 ≈ 0.7408
        let p0 = t[0] as f64 / 4_294_967_296.0;
        assert!((p0 - 0.7408).abs() < 1e-3, "{p0}");
    }

    #[test]
    fn scheduled_stays_avoid_weekends() {
        use time::macros::date;
        assert_eq!(scheduled_factor(date!(2024 - 03 - 09)), 0.0);
        assert!(scheduled_factor(date!(2024 - 03 - 11)) > 1.0);
        assert!(scheduled_factor(date!(2024 - 08 - 12)) < 1.0);
    }
}
