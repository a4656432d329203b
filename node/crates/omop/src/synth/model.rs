//! The epidemiological model behind the synthetic EDS: age pyramid, causes of
//! visits with their age-specific rates and seasons, ICD-10 code lists, and the
//! small OMOP vocabulary subset the data refers to.
//!
//! Numbers are plausible orders of magnitude for a French general hospital, tuned
//! so that a few thousand persons already show the seasonal shapes; they are not
//! estimates of anything.

/// Age groups used by the rates: `<1`, `1`, `2-4`, `5-14`, `15-44`, `45-64`,
/// `65-74`, `75-84`, `85+`.
pub(crate) const N_GROUPS: usize = 9;

pub(crate) fn age_group(age: i32) -> usize {
    match age {
        ..=0 => 0,
        1 => 1,
        2..=4 => 2,
        5..=14 => 3,
        15..=44 => 4,
        45..=64 => 5,
        65..=74 => 6,
        75..=84 => 7,
        _ => 8,
    }
}

/// Coarser age classes for code lists: 0-1, 2-14, 15-64, 65+.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AgeClass {
    Infant,
    Child,
    Adult,
    Senior,
}

pub(crate) fn age_class(group: usize) -> AgeClass {
    match group {
        0 | 1 => AgeClass::Infant,
        2 | 3 => AgeClass::Child,
        4 | 5 => AgeClass::Adult,
        _ => AgeClass::Senior,
    }
}

/// Age pyramid at the end of the period: (lower age, upper age exclusive, weight,
/// male share ‰). Shape of France's population (5-year bands).
pub(crate) const PYRAMID: &[(i32, i32, u32, u32)] = &[
    (0, 5, 53, 512),
    (5, 10, 58, 512),
    (10, 15, 62, 512),
    (15, 20, 62, 505),
    (20, 25, 58, 500),
    (25, 30, 55, 497),
    (30, 35, 60, 495),
    (35, 40, 63, 495),
    (40, 45, 63, 495),
    (45, 50, 63, 493),
    (50, 55, 67, 490),
    (55, 60, 66, 485),
    (60, 65, 63, 480),
    (65, 70, 59, 470),
    (70, 75, 55, 460),
    (75, 80, 42, 440),
    (80, 85, 30, 410),
    (85, 90, 20, 350),
    (90, 95, 10, 290),
    (95, 105, 3, 230),
];

/// Why a person comes to the hospital.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cause {
    Influenza,
    Covid,
    Bronchiolitis,
    Rsv,
    Pneumonia,
    UpperAri,
    Bronchitis,
    Injury,
    Medical,
    /// A scheduled inpatient stay, not through the ER.
    Elective,
}

pub(crate) const CAUSES: [Cause; 10] = [
    Cause::Influenza,
    Cause::Covid,
    Cause::Bronchiolitis,
    Cause::Rsv,
    Cause::Pneumonia,
    Cause::UpperAri,
    Cause::Bronchitis,
    Cause::Injury,
    Cause::Medical,
    Cause::Elective,
];
pub(crate) const N_CAUSES: usize = CAUSES.len();

/// How a cause's rate varies over the year.
pub(crate) enum Season {
    /// Epidemic waves (see [`waves`]); `attack` is the per-wave probability of an ER
    /// visit for a wave of amplitude 1; `sporadic` a small all-year annual rate.
    Waves {
        attack: [f64; N_GROUPS],
        sporadic: [f64; N_GROUPS],
    },
    /// Annual rate times `1 + amplitude × cos(2π (day_of_year − peak_day) / 365.25)`.
    Cosine {
        annual: [f64; N_GROUPS],
        amplitude: f64,
        peak_day: f64,
    },
    /// Annual rate of scheduled stays: weekdays only, fewer in August and at Christmas.
    Scheduled { annual: [f64; N_GROUPS] },
}

pub(crate) fn season(cause: Cause) -> Season {
    match cause {
        Cause::Influenza => Season::Waves {
            attack: [
                0.020, 0.018, 0.014, 0.008, 0.004, 0.004, 0.006, 0.010, 0.015,
            ],
            sporadic: [
                0.002, 0.002, 0.001, 0.0005, 0.0003, 0.0003, 0.0005, 0.0008, 0.001,
            ],
        },
        Cause::Covid => Season::Waves {
            attack: [
                0.006, 0.003, 0.002, 0.0015, 0.003, 0.004, 0.007, 0.012, 0.020,
            ],
            sporadic: [
                0.002, 0.001, 0.0005, 0.0004, 0.0008, 0.001, 0.002, 0.004, 0.006,
            ],
        },
        Cause::Bronchiolitis => Season::Waves {
            attack: [0.10, 0.035, 0.001, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
            sporadic: [0.01, 0.004, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
        },
        Cause::Rsv => Season::Waves {
            attack: [
                0.003, 0.003, 0.002, 0.0005, 0.0003, 0.0005, 0.0015, 0.003, 0.005,
            ],
            sporadic: [0.0; N_GROUPS],
        },
        Cause::Pneumonia => Season::Cosine {
            annual: [0.02, 0.02, 0.012, 0.006, 0.004, 0.006, 0.012, 0.025, 0.045],
            amplitude: 0.5,
            peak_day: 15.0,
        },
        Cause::UpperAri => Season::Cosine {
            annual: [0.45, 0.40, 0.25, 0.08, 0.035, 0.02, 0.015, 0.015, 0.015],
            amplitude: 0.6,
            peak_day: 10.0,
        },
        Cause::Bronchitis => Season::Cosine {
            annual: [0.06, 0.05, 0.03, 0.012, 0.008, 0.01, 0.02, 0.03, 0.04],
            amplitude: 0.5,
            peak_day: 20.0,
        },
        Cause::Injury => Season::Cosine {
            annual: [0.08, 0.15, 0.12, 0.12, 0.10, 0.06, 0.06, 0.09, 0.14],
            amplitude: 0.15,
            peak_day: 196.0,
        },
        Cause::Medical => Season::Cosine {
            annual: [0.55, 0.30, 0.18, 0.08, 0.12, 0.14, 0.20, 0.33, 0.50],
            amplitude: 0.1,
            peak_day: 20.0,
        },
        Cause::Elective => Season::Scheduled {
            annual: [0.03, 0.01, 0.01, 0.01, 0.03, 0.06, 0.12, 0.14, 0.10],
        },
    }
}

/// One epidemic wave: peak date (year, month, day), standard deviation in days,
/// relative amplitude.
pub(crate) type Wave = ((i32, u8, u8), f64, f64);

/// Epidemic calendar, shaped after recent French seasons. Seasons missing from the
/// calendar (periods outside 2021–2026) get a default wave each winter.
pub(crate) fn waves(cause: Cause) -> &'static [Wave] {
    match cause {
        Cause::Influenza => &[
            ((2021, 1, 25), 20.0, 0.05),
            ((2022, 4, 4), 21.0, 0.6),
            ((2022, 12, 26), 18.0, 1.0),
            ((2024, 2, 5), 20.0, 0.8),
            ((2025, 2, 3), 18.0, 1.3),
            ((2025, 12, 29), 18.0, 1.1),
        ],
        // RSV drives bronchiolitis: same calendar for both.
        Cause::Bronchiolitis | Cause::Rsv => &[
            ((2020, 12, 7), 25.0, 0.1),
            ((2021, 12, 6), 25.0, 0.9),
            ((2022, 11, 28), 22.0, 1.3),
            ((2023, 12, 4), 24.0, 1.0),
            ((2024, 12, 9), 25.0, 0.8),
            ((2025, 12, 8), 24.0, 0.9),
        ],
        Cause::Covid => &[
            ((2021, 11, 29), 16.0, 0.9),
            ((2022, 1, 17), 18.0, 1.6),
            ((2022, 4, 4), 16.0, 0.8),
            ((2022, 7, 11), 14.0, 0.9),
            ((2022, 10, 10), 14.0, 0.6),
            ((2022, 12, 19), 14.0, 0.5),
            ((2023, 9, 25), 20.0, 0.35),
            ((2023, 12, 18), 18.0, 0.5),
            ((2024, 7, 8), 18.0, 0.4),
            ((2025, 9, 22), 20.0, 0.25),
        ],
        _ => &[],
    }
}

/// Default wave for a winter starting in `year` when the calendar has none.
pub(crate) fn default_wave(cause: Cause, year: i32) -> Option<Wave> {
    match cause {
        Cause::Influenza => Some(((year + 1, 2, 1), 20.0, 1.0)),
        Cause::Bronchiolitis | Cause::Rsv => Some(((year, 12, 1), 24.0, 1.0)),
        _ => None,
    }
}

/// Probability that an ER visit for `cause` in age group `g` leads to admission.
pub(crate) fn admission_probability(cause: Cause) -> [f64; N_GROUPS] {
    match cause {
        Cause::Influenza => [0.25, 0.12, 0.06, 0.04, 0.05, 0.10, 0.25, 0.35, 0.45],
        Cause::Covid => [0.25, 0.10, 0.08, 0.05, 0.10, 0.20, 0.35, 0.45, 0.50],
        Cause::Bronchiolitis => [0.30, 0.12, 0.08, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05],
        Cause::Rsv => [0.30, 0.15, 0.10, 0.05, 0.10, 0.20, 0.40, 0.50, 0.55],
        Cause::Pneumonia => [0.40, 0.30, 0.25, 0.20, 0.30, 0.40, 0.55, 0.65, 0.70],
        Cause::UpperAri => [0.03, 0.02, 0.01, 0.01, 0.01, 0.02, 0.05, 0.08, 0.10],
        Cause::Bronchitis => [0.12, 0.08, 0.05, 0.03, 0.03, 0.06, 0.12, 0.20, 0.25],
        Cause::Injury => [0.06, 0.04, 0.04, 0.05, 0.06, 0.08, 0.15, 0.30, 0.40],
        Cause::Medical => [0.15, 0.08, 0.06, 0.07, 0.12, 0.20, 0.30, 0.40, 0.50],
        Cause::Elective => [1.0; N_GROUPS],
    }
}

/// Mean length of an inpatient stay, in days, per age group.
pub(crate) const MEAN_STAY_DAYS: [i64; N_GROUPS] = [3, 3, 3, 3, 4, 5, 7, 8, 9];

/// An ICD-10 code, spelled both ways, with the standard concept an ETL would map
/// it to (0 when the subset below has none).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Code {
    pub dotted: &'static str,
    pub plain: &'static str,
    pub concept: i64,
}

const fn c(dotted: &'static str, plain: &'static str, concept: i64) -> Code {
    Code {
        dotted,
        plain,
        concept,
    }
}

// Standard (SNOMED) concepts of the vocabulary subset.
const FLU: i64 = 4266367;
const COVID: i64 = 37311061;
const PNEUMONIA: i64 = 255848;
const ACUTE_BRONCHITIS: i64 = 260139;
const URI: i64 = 257011;
const PHARYNGITIS: i64 = 25297;
const OTITIS: i64 = 372328;
const FEVER: i64 = 437663;
const ABDOMINAL_PAIN: i64 = 200219;
const CHEST_PAIN: i64 = 77670;
const MI: i64 = 4329847;
const HEART_FAILURE: i64 = 316139;
const AF: i64 = 313217;
const UTI: i64 = 81902;
const HYPERTENSION: i64 = 320128;
const T2DM: i64 = 201826;

pub(crate) type CodeList = &'static [(u32, Code)];

const INFLUENZA_CODES: CodeList = &[
    (45, c("J11.1", "J111", FLU)),
    (28, c("J10.1", "J101", FLU)),
    (5, c("J10.0", "J100", FLU)),
    (3, c("J11.0", "J110", FLU)),
    (7, c("J10.8", "J108", FLU)),
    (10, c("J11.8", "J118", FLU)),
    (2, c("J09", "J09", FLU)),
];

const COVID_CODES: CodeList = &[
    (72, c("U07.1", "U071", COVID)),
    (5, c("U07.10", "U0710", COVID)),
    (5, c("U07.11", "U0711", COVID)),
    (10, c("U07.14", "U0714", COVID)),
    (5, c("U07.15", "U0715", COVID)),
    // Coronavirus infection of unspecified site: not in the COVID-19 definition.
    (3, c("B34.2", "B342", 0)),
];

const BRONCHIOLITIS_CODES: CodeList = &[
    (55, c("J21.9", "J219", 0)),
    (35, c("J21.0", "J210", 0)),
    (10, c("J21.8", "J218", 0)),
];

const RSV_CODES: CodeList = &[
    (45, c("J12.1", "J121", PNEUMONIA)),
    (55, c("J20.5", "J205", ACUTE_BRONCHITIS)),
];

const PNEUMONIA_CODES: CodeList = &[
    (55, c("J18.9", "J189", PNEUMONIA)),
    (10, c("J18.0", "J180", PNEUMONIA)),
    (5, c("J18.1", "J181", PNEUMONIA)),
    (12, c("J15.9", "J159", PNEUMONIA)),
    (8, c("J13", "J13", PNEUMONIA)),
    (3, c("J15.7", "J157", PNEUMONIA)),
    (2, c("J14", "J14", PNEUMONIA)),
    (5, c("J12.8", "J128", PNEUMONIA)),
];

const UPPER_ARI_CODES: CodeList = &[
    (40, c("J06.9", "J069", URI)),
    (15, c("J02.9", "J029", PHARYNGITIS)),
    (10, c("J03.9", "J039", 0)),
    (15, c("J00", "J00", 0)),
    (5, c("J01.9", "J019", 0)),
    (3, c("J04.0", "J040", 0)),
    (4, c("J05.0", "J050", 0)),
    (8, c("J06.8", "J068", URI)),
];

const BRONCHITIS_CODES: CodeList = &[
    (75, c("J20.9", "J209", ACUTE_BRONCHITIS)),
    (25, c("J22", "J22", 0)),
];

const INJURY_CHILD: CodeList = &[
    (25, c("S52.5", "S525", 0)),
    (20, c("S06.0", "S060", 0)),
    (20, c("S93.4", "S934", 0)),
    (20, c("S01.8", "S018", 0)),
    (15, c("S42.0", "S420", 0)),
];

const INJURY_ADULT: CodeList = &[
    (25, c("S93.4", "S934", 0)),
    (20, c("S61.9", "S619", 0)),
    (15, c("S52.5", "S525", 0)),
    (10, c("S82.6", "S826", 0)),
    (15, c("S06.0", "S060", 0)),
    (15, c("S63.5", "S635", 0)),
];

const INJURY_SENIOR: CodeList = &[
    (30, c("S72.0", "S720", 0)),
    (25, c("S06.0", "S060", 0)),
    (20, c("S52.5", "S525", 0)),
    (15, c("S32.0", "S320", 0)),
    (10, c("S22.3", "S223", 0)),
];

const MEDICAL_INFANT: CodeList = &[
    (30, c("R50.9", "R509", FEVER)),
    (25, c("A09.9", "A099", 0)),
    (20, c("H66.9", "H669", OTITIS)),
    (10, c("R11", "R11", 0)),
    (8, c("P59.9", "P599", 0)),
    // Cough: respiratory-looking but outside every syndrome.
    (7, c("R05", "R05", 0)),
];

const MEDICAL_CHILD: CodeList = &[
    (25, c("A09.9", "A099", 0)),
    (20, c("R10.4", "R104", ABDOMINAL_PAIN)),
    (15, c("H66.9", "H669", OTITIS)),
    (15, c("R50.9", "R509", FEVER)),
    (10, c("T78.4", "T784", 0)),
    (10, c("K35.8", "K358", 0)),
    (5, c("J45.9", "J459", 0)),
];

const MEDICAL_ADULT: CodeList = &[
    (20, c("R10.4", "R104", ABDOMINAL_PAIN)),
    (15, c("R07.4", "R074", CHEST_PAIN)),
    (10, c("N39.0", "N390", UTI)),
    (8, c("R51", "R51", 0)),
    (7, c("K35.8", "K358", 0)),
    (7, c("F10.0", "F100", 0)),
    (8, c("M54.5", "M545", 0)),
    (7, c("N23", "N23", 0)),
    (6, c("R55", "R55", 0)),
    (5, c("T78.4", "T784", 0)),
    (4, c("I21.9", "I219", MI)),
    (3, c("J45.9", "J459", 0)),
];

const MEDICAL_SENIOR: CodeList = &[
    (15, c("I50.9", "I509", HEART_FAILURE)),
    (10, c("I21.9", "I219", MI)),
    (12, c("R55", "R55", 0)),
    (12, c("N39.0", "N390", UTI)),
    (8, c("I48.9", "I489", AF)),
    (8, c("R41.0", "R410", 0)),
    (7, c("E86", "E86", 0)),
    (8, c("I63.9", "I639", 0)),
    (5, c("K56.6", "K566", 0)),
    (8, c("R07.4", "R074", CHEST_PAIN)),
    (7, c("R10.4", "R104", ABDOMINAL_PAIN)),
    (5, c("J44.1", "J441", 0)),
];

const ELECTIVE_CHILD: CodeList = &[
    (40, c("J35.0", "J350", 0)),
    (30, c("K40.9", "K409", 0)),
    (30, c("Z51.1", "Z511", 0)),
];

const ELECTIVE_ADULT: CodeList = &[
    (20, c("K80.2", "K802", 0)),
    (15, c("Z51.1", "Z511", 0)),
    (15, c("C50.9", "C509", 0)),
    (15, c("M17.1", "M171", 0)),
    (10, c("K40.9", "K409", 0)),
    (10, c("C34.9", "C349", 0)),
    (15, c("I25.1", "I251", 0)),
];

const ELECTIVE_SENIOR: CodeList = &[
    (20, c("Z51.1", "Z511", 0)),
    (15, c("M16.1", "M161", 0)),
    (15, c("M17.1", "M171", 0)),
    (10, c("H25.9", "H259", 0)),
    (10, c("N40", "N40", 0)),
    (10, c("C34.9", "C349", 0)),
    (20, c("I25.1", "I251", 0)),
];

/// Principal-diagnosis codes for a cause and age class.
pub(crate) fn codes(cause: Cause, class: AgeClass) -> CodeList {
    use AgeClass::{Adult, Child, Infant, Senior};
    match (cause, class) {
        (Cause::Influenza, _) => INFLUENZA_CODES,
        (Cause::Covid, _) => COVID_CODES,
        (Cause::Bronchiolitis, _) => BRONCHIOLITIS_CODES,
        (Cause::Rsv, _) => RSV_CODES,
        (Cause::Pneumonia, _) => PNEUMONIA_CODES,
        (Cause::UpperAri, _) => UPPER_ARI_CODES,
        (Cause::Bronchitis, _) => BRONCHITIS_CODES,
        (Cause::Injury, Infant | Child) => INJURY_CHILD,
        (Cause::Injury, Adult) => INJURY_ADULT,
        (Cause::Injury, Senior) => INJURY_SENIOR,
        (Cause::Medical, Infant) => MEDICAL_INFANT,
        (Cause::Medical, Child) => MEDICAL_CHILD,
        (Cause::Medical, Adult) => MEDICAL_ADULT,
        (Cause::Medical, Senior) => MEDICAL_SENIOR,
        (Cause::Elective, Infant | Child) => ELECTIVE_CHILD,
        (Cause::Elective, Adult) => ELECTIVE_ADULT,
        (Cause::Elective, Senior) => ELECTIVE_SENIOR,
    }
}

pub(crate) const PNEUMONIA_UNSPECIFIED: Code = c("J18.9", "J189", PNEUMONIA);
pub(crate) const VIRAL_PNEUMONIA: Code = c("J12.8", "J128", PNEUMONIA);
pub(crate) const RSV_AS_CAUSE: Code = c("B97.4", "B974", 0);
pub(crate) const FEVER_CODE: Code = c("R50.9", "R509", FEVER);

/// Cause-specific secondary diagnosis: (code, probability for infants/children,
/// adults, seniors).
pub(crate) fn cause_secondary(cause: Cause) -> Option<(Code, [f64; 3])> {
    match cause {
        Cause::Influenza => Some((PNEUMONIA_UNSPECIFIED, [0.05, 0.08, 0.18])),
        Cause::Covid => Some((VIRAL_PNEUMONIA, [0.05, 0.12, 0.25])),
        Cause::Bronchiolitis => Some((RSV_AS_CAUSE, [0.25, 0.25, 0.25])),
        Cause::Rsv => Some((RSV_AS_CAUSE, [0.5, 0.5, 0.5])),
        Cause::UpperAri => Some((FEVER_CODE, [0.10, 0.02, 0.02])),
        _ => None,
    }
}

/// Comorbidities coded on inpatient stays: (code, probability for adults, seniors).
pub(crate) const COMORBIDITIES: &[(Code, f64, f64)] = &[
    (c("I10", "I10", HYPERTENSION), 0.08, 0.30),
    (c("E11.9", "E119", T2DM), 0.04, 0.12),
    (c("I48.9", "I489", AF), 0.01, 0.08),
    (c("N18.3", "N183", 0), 0.01, 0.05),
];

/// OMOP concepts referred to by the synthetic data (a tiny vocabulary subset):
/// id, name, domain, vocabulary, class, standard flag, code.
pub(crate) type VocabularyRow = (
    i64,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static str,
);

pub(crate) const VOCABULARY: &[VocabularyRow] = &[
    (
        0,
        "No matching concept",
        "Metadata",
        "None",
        "Undefined",
        None,
        "No matching concept",
    ),
    (8507, "MALE", "Gender", "Gender", "Gender", Some("S"), "M"),
    (8532, "FEMALE", "Gender", "Gender", "Gender", Some("S"), "F"),
    (
        9201,
        "Inpatient Visit",
        "Visit",
        "Visit",
        "Visit",
        Some("S"),
        "IP",
    ),
    (
        9203,
        "Emergency Room Visit",
        "Visit",
        "Visit",
        "Visit",
        Some("S"),
        "ER",
    ),
    (
        262,
        "Emergency Room and Inpatient Visit",
        "Visit",
        "Visit",
        "Visit",
        Some("S"),
        "ERIP",
    ),
    (
        8717,
        "Inpatient Hospital",
        "Visit",
        "CMS Place of Service",
        "Visit",
        Some("S"),
        "21",
    ),
    (
        8870,
        "Emergency Room - Hospital",
        "Visit",
        "CMS Place of Service",
        "Visit",
        Some("S"),
        "23",
    ),
    (
        32817,
        "EHR",
        "Type Concept",
        "Type Concept",
        "Type Concept",
        Some("S"),
        "OMOP generated",
    ),
    (
        32902,
        "Primary diagnosis",
        "Condition Status",
        "Condition Status",
        "Condition Status",
        Some("S"),
        "OMOP generated",
    ),
    (
        32908,
        "Secondary diagnosis",
        "Condition Status",
        "Condition Status",
        "Condition Status",
        Some("S"),
        "OMOP generated",
    ),
    (
        756265,
        "OMOP CDM Version 5.4.0",
        "Metadata",
        "CDM",
        "CDM",
        Some("S"),
        "CDM v5.4.0",
    ),
    (
        FLU,
        "Influenza",
        "Condition",
        "SNOMED",
        "Clinical Finding",
        Some("S"),
        "6142004",
    ),
    (
        COVID,
        "COVID-19",
        "Condition",
        "SNOMED",
        "Clinical Finding",
        Some("S"),
        "840539006",
    ),
    (
        PNEUMONIA,
        "Pneumonia",
        "Condition",
        "SNOMED",
        "Clinical Finding",
        Some("S"),
        "233604007",
    ),
    (
        ACUTE_BRONCHITIS,
        "Acute bronchitis",
        "Condition",
        "SNOMED",
        "Clinical Finding",
        Some("S"),
        "10509002",
    ),
    (
        URI,
        "Acute upper respiratory infection",
        "Condition",
        "SNOMED",
        "Clinical Finding",
        Some("S"),
        "54150009",
    ),
    (
        PHARYNGITIS,
        "Acute pharyngitis",
        "Condition",
        "SNOMED",
        "Clinical Finding",
        Some("S"),
        "363746003",
    ),
    (
        OTITIS,
        "Otitis media",
        "Condition",
        "SNOMED",
        "Clinical Finding",
        Some("S"),
        "65363002",
    ),
    (
        FEVER,
        "Fever",
        "Condition",
        "SNOMED",
        "Clinical Finding",
        Some("S"),
        "386661006",
    ),
    (
        ABDOMINAL_PAIN,
        "Abdominal pain",
        "Condition",
        "SNOMED",
        "Clinical Finding",
        Some("S"),
        "21522001",
    ),
    (
        CHEST_PAIN,
        "Chest pain",
        "Condition",
        "SNOMED",
        "Clinical Finding",
        Some("S"),
        "29857009",
    ),
    (
        MI,
        "Myocardial infarction",
        "Condition",
        "SNOMED",
        "Clinical Finding",
        Some("S"),
        "22298006",
    ),
    (
        HEART_FAILURE,
        "Heart failure",
        "Condition",
        "SNOMED",
        "Clinical Finding",
        Some("S"),
        "84114007",
    ),
    (
        AF,
        "Atrial fibrillation",
        "Condition",
        "SNOMED",
        "Clinical Finding",
        Some("S"),
        "49436004",
    ),
    (
        UTI,
        "Urinary tract infectious disease",
        "Condition",
        "SNOMED",
        "Clinical Finding",
        Some("S"),
        "68566005",
    ),
    (
        HYPERTENSION,
        "Essential hypertension",
        "Condition",
        "SNOMED",
        "Clinical Finding",
        Some("S"),
        "59621000",
    ),
    (
        T2DM,
        "Type 2 diabetes mellitus",
        "Condition",
        "SNOMED",
        "Clinical Finding",
        Some("S"),
        "44054006",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn plain_spelling_is_the_dotted_one_without_dot() {
        let mut lists: Vec<CodeList> = Vec::new();
        for cause in CAUSES {
            for class in [
                AgeClass::Infant,
                AgeClass::Child,
                AgeClass::Adult,
                AgeClass::Senior,
            ] {
                lists.push(codes(cause, class));
            }
        }
        let concepts: BTreeSet<i64> = VOCABULARY.iter().map(|v| v.0).collect();
        let extra = [
            PNEUMONIA_UNSPECIFIED,
            VIRAL_PNEUMONIA,
            RSV_AS_CAUSE,
            FEVER_CODE,
        ];
        let all = lists
            .iter()
            .flat_map(|l| l.iter().map(|(_, c)| *c))
            .chain(extra)
            .chain(COMORBIDITIES.iter().map(|(c, _, _)| *c));
        for code in all {
            assert_eq!(code.dotted.replace('.', ""), code.plain);
            assert!(concepts.contains(&code.concept), "{code:?}");
        }
    }

    #[test]
    fn pyramid_covers_all_ages() {
        let mut next = 0;
        for (lo, hi, w, male) in PYRAMID {
            assert_eq!(*lo, next);
            assert!(hi > lo && *w > 0 && *male < 1000);
            next = *hi;
        }
    }
}
