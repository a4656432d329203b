//! Synthetic HealthDCAT-AP catalogue built from the official HealthDCAT-AP example dataset.
//!
//! Every record is the example with its dataset IRI, its `dct:identifier` and the IRIs of
//! all its sub-resources (distributions, agents, contact points, periods, variables…)
//! rewritten per record, so records share nothing but vocabulary terms (EU authority
//! tables, IANA media types, DPV terms, legislation). Titles, descriptions, keywords,
//! themes, access rights, countries, dates, counts and codes vary per record in a
//! deterministic way (the same `--seed` and `--datasets` give the same file).
//!
//! Records are written as N-Triples for the node's import, and as N-Quads for the
//! oxigraph server, each record in the named graph the node gives it
//! (`{base}records/{identifier}`), so that the union default graphs of both servers hold
//! exactly the same triples.

use anyhow::{Context, bail};
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{Literal, NamedNode, NamedOrBlankNode, Term, Triple};
use std::collections::{HashSet, VecDeque};
use std::io::Write;
use time::{Date, Duration, Month};

/// The official HealthDCAT-AP Release 8 example (NON_PUBLIC), used as the record template.
pub const TEMPLATE: &str = include_str!("../../../shapes/examples/example-healthdcat-dataset.ttl");

const EX: &str = "https://healthdcat-ap.example.org/release-7/example/";
const TEMPLATE_DATASET: &str =
    "https://healthdcat-ap.example.org/release-7/example/dataset-oncology-ehrs-2024";
const TEMPLATE_SLUG: &str = "oncology-ehrs-2024";
const TEMPLATE_IDENTIFIER: &str = "EU-HDCA-R7-ONCOLOGY-EHRS-2024";
const TEMPLATE_OTHER_IDENTIFIER: &str = "ONC-EHR-2024-BE-01";

pub const DCAT: &str = "http://www.w3.org/ns/dcat#";
pub const DCT: &str = "http://purl.org/dc/terms/";
const HEALTH: &str = "http://healthdataportal.eu/ns/health#";
const XSD: &str = "http://www.w3.org/2001/XMLSchema#";
pub const ACCESS_RIGHT: &str = "http://publications.europa.eu/resource/authority/access-right/";
pub const DATA_THEME: &str = "http://publications.europa.eu/resource/authority/data-theme/";
const COUNTRY: &str = "http://publications.europa.eu/resource/authority/country/";
const LANGUAGE: &str = "http://publications.europa.eu/resource/authority/language/";
const HEALTH_CATEGORY: &str =
    "https://hdeu-dcat.data.health.europa.eu/resource/authority/healthcategories/";
const HEALTH_THEME: &str =
    "https://hdeu-dcat.data.health.europa.eu/resource/authority/health-theme/";

/// Hosts of the example's own (non-vocabulary) resources: rewritten per record.
const EXAMPLE_HOSTS: [&str; 5] = [
    "https://healthdcat-ap.example.org/",
    "https://secure-access.example.org/",
    "https://quality.example.org/",
    "https://health.example.org/",
    "https://doi.org/10.1000/example",
];

/// A clinical area: name in running text, title form, identifier code, keywords, an
/// ICD-10 code for `healthdcatap:hasCodeValues`, and the HealthData@EU health theme.
struct Area {
    text: &'static str,
    title: &'static str,
    title_fr: &'static str,
    code: &'static str,
    keywords: [&'static str; 3],
    icd10: &'static str,
    health_theme: &'static str,
    paediatric: bool,
}

const AREAS: [Area; 16] = [
    Area {
        text: "oncology",
        title: "Oncology",
        title_fr: "Oncologie",
        code: "ONCO",
        keywords: ["oncology", "cancer", "tumour staging"],
        icd10: "C50.9",
        health_theme: "NONCOMMUNICABLE_DISEASES",
        paediatric: false,
    },
    Area {
        text: "heart failure",
        title: "Heart failure",
        title_fr: "Insuffisance cardiaque",
        code: "CARD",
        keywords: ["cardiology", "heart failure", "echocardiography"],
        icd10: "I50.9",
        health_theme: "NONCOMMUNICABLE_DISEASES",
        paediatric: false,
    },
    Area {
        text: "type 2 diabetes",
        title: "Type 2 diabetes",
        title_fr: "Diabète de type 2",
        code: "DIAB",
        keywords: ["diabetes", "HbA1c", "endocrinology"],
        icd10: "E11.9",
        health_theme: "NONCOMMUNICABLE_DISEASES",
        paediatric: false,
    },
    Area {
        text: "stroke",
        title: "Stroke",
        title_fr: "Accident vasculaire cérébral",
        code: "STRK",
        keywords: ["stroke", "cerebrovascular disease", "thrombolysis"],
        icd10: "I63.9",
        health_theme: "NONCOMMUNICABLE_DISEASES",
        paediatric: false,
    },
    Area {
        text: "COVID-19",
        title: "COVID-19",
        title_fr: "COVID-19",
        code: "COVD",
        keywords: ["COVID-19", "SARS-CoV-2", "infectious disease"],
        icd10: "U07.1",
        health_theme: "HEALTH_SYSTEMS",
        paediatric: false,
    },
    Area {
        text: "maternity",
        title: "Maternity",
        title_fr: "Maternité",
        code: "MATN",
        keywords: ["maternity", "pregnancy", "perinatal care"],
        icd10: "O80",
        health_theme: "HEALTH_SYSTEMS",
        paediatric: false,
    },
    Area {
        text: "paediatric asthma",
        title: "Paediatric asthma",
        title_fr: "Asthme de l'enfant",
        code: "ASTH",
        keywords: ["asthma", "paediatrics", "respiratory disease"],
        icd10: "J45.9",
        health_theme: "NONCOMMUNICABLE_DISEASES",
        paediatric: true,
    },
    Area {
        text: "chronic kidney disease",
        title: "Chronic kidney disease",
        title_fr: "Maladie rénale chronique",
        code: "RENL",
        keywords: ["nephrology", "chronic kidney disease", "dialysis"],
        icd10: "N18.5",
        health_theme: "NONCOMMUNICABLE_DISEASES",
        paediatric: false,
    },
    Area {
        text: "dementia",
        title: "Dementia",
        title_fr: "Démence",
        code: "DMNT",
        keywords: ["dementia", "Alzheimer's disease", "neurology"],
        icd10: "G30.9",
        health_theme: "NONCOMMUNICABLE_DISEASES",
        paediatric: false,
    },
    Area {
        text: "sepsis",
        title: "Sepsis",
        title_fr: "Sepsis",
        code: "SEPS",
        keywords: ["sepsis", "intensive care", "antimicrobial resistance"],
        icd10: "A41.9",
        health_theme: "HEALTH_SYSTEMS",
        paediatric: false,
    },
    Area {
        text: "depression",
        title: "Depression",
        title_fr: "Dépression",
        code: "PSYC",
        keywords: ["mental health", "depression", "psychiatry"],
        icd10: "F32.9",
        health_theme: "NONCOMMUNICABLE_DISEASES",
        paediatric: false,
    },
    Area {
        text: "rare metabolic disease",
        title: "Rare metabolic diseases",
        title_fr: "Maladies métaboliques rares",
        code: "RARE",
        keywords: ["rare diseases", "genetics", "newborn screening"],
        icd10: "E75.2",
        health_theme: "NONCOMMUNICABLE_DISEASES",
        paediatric: true,
    },
    Area {
        text: "hip fracture",
        title: "Hip fracture",
        title_fr: "Fracture de la hanche",
        code: "ORTH",
        keywords: ["orthopaedics", "hip fracture", "surgery"],
        icd10: "S72.0",
        health_theme: "HEALTH_SYSTEMS",
        paediatric: false,
    },
    Area {
        text: "HIV",
        title: "HIV",
        title_fr: "VIH",
        code: "HIVI",
        keywords: ["HIV", "infectious disease", "antiretroviral therapy"],
        icd10: "B20",
        health_theme: "HEALTH_SYSTEMS",
        paediatric: false,
    },
    Area {
        text: "obesity",
        title: "Obesity",
        title_fr: "Obésité",
        code: "OBES",
        keywords: ["obesity", "nutrition", "bariatric surgery"],
        icd10: "E66.9",
        health_theme: "NONCOMMUNICABLE_DISEASES",
        paediatric: false,
    },
    Area {
        text: "multiple sclerosis",
        title: "Multiple sclerosis",
        title_fr: "Sclérose en plaques",
        code: "MSCL",
        keywords: ["multiple sclerosis", "neurology", "MRI"],
        icd10: "G35",
        health_theme: "NONCOMMUNICABLE_DISEASES",
        paediatric: false,
    },
];

/// Kind of source data, with the HealthData@EU health category it falls under.
struct Source {
    title: &'static str,
    title_fr: &'static str,
    keyword: &'static str,
    health_category: &'static str,
}

const SOURCES: [Source; 6] = [
    Source {
        title: "EHR cohort",
        title_fr: "cohorte DPI",
        keyword: "electronic health records",
        health_category: "EHRS",
    },
    Source {
        title: "disease registry",
        title_fr: "registre",
        keyword: "registry",
        health_category: "MRMR",
    },
    Source {
        title: "imaging archive",
        title_fr: "archive d'imagerie",
        keyword: "medical imaging",
        health_category: "EHRS",
    },
    Source {
        title: "laboratory results",
        title_fr: "résultats de laboratoire",
        keyword: "laboratory",
        health_category: "EHRS",
    },
    Source {
        title: "reimbursement claims",
        title_fr: "données de remboursement",
        keyword: "claims data",
        health_category: "RQSH",
    },
    Source {
        title: "clinical trial data",
        title_fr: "données d'essai clinique",
        keyword: "clinical trial",
        health_category: "HRAD",
    },
];

/// A hospital, with its country (EU authority code), country name and adjective.
struct Site {
    name: &'static str,
    code: &'static str,
    country: &'static str,
    country_name: &'static str,
    country_adjective: &'static str,
    language: &'static str,
}

const SITES: [Site; 10] = [
    Site {
        name: "CHU de Lyon",
        code: "LYO",
        country: "FRA",
        country_name: "France",
        country_adjective: "French",
        language: "FRA",
    },
    Site {
        name: "AP-HP Paris",
        code: "PAR",
        country: "FRA",
        country_name: "France",
        country_adjective: "French",
        language: "FRA",
    },
    Site {
        name: "CHU de Bordeaux",
        code: "BDX",
        country: "FRA",
        country_name: "France",
        country_adjective: "French",
        language: "FRA",
    },
    Site {
        name: "UZ Leuven",
        code: "LEU",
        country: "BEL",
        country_name: "Belgium",
        country_adjective: "Belgian",
        language: "ENG",
    },
    Site {
        name: "CHU Liège",
        code: "LIE",
        country: "BEL",
        country_name: "Belgium",
        country_adjective: "Belgian",
        language: "FRA",
    },
    Site {
        name: "Charité Berlin",
        code: "BER",
        country: "DEU",
        country_name: "Germany",
        country_adjective: "German",
        language: "ENG",
    },
    Site {
        name: "Hospital Clínic de Barcelona",
        code: "BCN",
        country: "ESP",
        country_name: "Spain",
        country_adjective: "Spanish",
        language: "ENG",
    },
    Site {
        name: "Karolinska University Hospital",
        code: "KAR",
        country: "SWE",
        country_name: "Sweden",
        country_adjective: "Swedish",
        language: "ENG",
    },
    Site {
        name: "Amsterdam UMC",
        code: "AMS",
        country: "NLD",
        country_name: "the Netherlands",
        country_adjective: "Dutch",
        language: "ENG",
    },
    Site {
        name: "Policlinico di Milano",
        code: "MIL",
        country: "ITA",
        country_name: "Italy",
        country_adjective: "Italian",
        language: "ENG",
    },
];

/// Secondary EU data themes (every record also has HEAL, which HealthDCAT-AP requires).
pub const SECONDARY_THEMES: [&str; 6] = ["SOCI", "TECH", "ENVI", "GOVE", "ECON", "EDUC"];

/// Access-rights tiers, each validated against its own HealthDCAT-AP shape set.
pub const TIERS: [&str; 3] = ["NON_PUBLIC", "RESTRICTED", "PUBLIC"];

/// What varies from one record to the next.
#[derive(Debug, Clone)]
pub struct Profile {
    pub index: usize,
    pub identifier: String,
    pub slug: String,
    pub dataset_iri: String,
    area: usize,
    source: usize,
    site: usize,
    pub tier: &'static str,
    pub themes: Vec<&'static str>,
    first_year: i32,
    last_year: i32,
    pub issued: Date,
    pub modified: Date,
    french_title: bool,
    records: u64,
    individuals: u64,
}

/// splitmix64: a small deterministic mixer, enough to spread choices over the records.
fn mix(seed: u64, index: usize, salt: u64) -> u64 {
    let mut z = seed
        .wrapping_add((index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15))
        .wrapping_add(salt.wrapping_mul(0xD1B5_4A32_D192_ED03));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Profile {
    pub fn new(seed: u64, index: usize) -> Self {
        let r = |salt: u64, n: usize| (mix(seed, index, salt) % n as u64) as usize;
        let area = r(1, AREAS.len());
        let source = r(2, SOURCES.len());
        let site = r(3, SITES.len());
        // 60 % NON_PUBLIC (the warehouse's pseudonymised data), 25 % RESTRICTED, 15 % PUBLIC.
        let tier = match r(4, 100) {
            0..60 => TIERS[0],
            60..85 => TIERS[1],
            _ => TIERS[2],
        };
        let mut themes = vec!["HEAL"];
        let extra = r(5, 10);
        if extra < 6 {
            themes.push(SECONDARY_THEMES[r(6, SECONDARY_THEMES.len())]);
        }
        if extra < 2 {
            let t = SECONDARY_THEMES[r(7, SECONDARY_THEMES.len())];
            if !themes.contains(&t) {
                themes.push(t);
            }
        }
        let first_year = 2008 + r(8, 12) as i32;
        let last_year = (first_year + 2 + r(9, 8) as i32).min(2025);
        let base = Date::from_calendar_date(2019, Month::January, 1).expect("valid date");
        // Modified between 2019-01-01 and 2026-03-30; issued up to four years earlier.
        let modified = base + Duration::days(r(10, 2645) as i64);
        let issued = modified - Duration::days(r(11, 1460) as i64);
        let records = 10_000 + mix(seed, index, 12) % 5_000_000;
        let individuals = 1_000 + (records / 2).min(mix(seed, index, 13) % records);
        let slug = format!(
            "{}-{}-{index:06}",
            AREAS[area].code.to_ascii_lowercase(),
            SITES[site].code.to_ascii_lowercase()
        );
        Profile {
            index,
            identifier: format!("EDS-{}-{}-{index:06}", SITES[site].code, AREAS[area].code),
            dataset_iri: format!("{EX}dataset-{slug}"),
            slug,
            area,
            source,
            site,
            tier,
            themes,
            first_year,
            last_year,
            issued,
            modified,
            french_title: SITES[site].language == "FRA" || r(14, 10) < 2,
            records,
            individuals,
        }
    }

    fn area(&self) -> &'static Area {
        &AREAS[self.area]
    }

    fn source(&self) -> &'static Source {
        &SOURCES[self.source]
    }

    fn site(&self) -> &'static Site {
        &SITES[self.site]
    }

    pub fn keywords(&self) -> Vec<&'static str> {
        let a = self.area();
        vec![
            a.keywords[0],
            a.keywords[1],
            a.keywords[2],
            self.source().keyword,
            "secondary use",
        ]
    }

    /// Rewrites one IRI of the template for this record.
    fn iri(&self, iri: &str) -> String {
        if iri == TEMPLATE_DATASET {
            return self.dataset_iri.clone();
        }
        if let Some(local) = iri.strip_prefix(EX) {
            return format!("{EX}{local}-{:06}", self.index);
        }
        if iri == format!("{ACCESS_RIGHT}NON_PUBLIC") {
            return format!("{ACCESS_RIGHT}{}", self.tier);
        }
        if iri == format!("{COUNTRY}BEL") {
            return format!("{COUNTRY}{}", self.site().country);
        }
        if iri == format!("{LANGUAGE}ENG") {
            return format!("{LANGUAGE}{}", self.site().language);
        }
        if iri == format!("{HEALTH_CATEGORY}EHRS") {
            return format!("{HEALTH_CATEGORY}{}", self.source().health_category);
        }
        if iri == format!("{HEALTH_THEME}HEALTH_SYSTEMS") {
            return format!("{HEALTH_THEME}{}", self.area().health_theme);
        }
        if iri.contains(TEMPLATE_SLUG) {
            return iri.replace(TEMPLATE_SLUG, &self.slug);
        }
        if let Some(rest) = iri.strip_prefix("mailto:") {
            let domain = rest.split_once('@').map_or("example.org", |(_, d)| d);
            return format!("mailto:{}-support@{domain}", self.slug);
        }
        if EXAMPLE_HOSTS.iter().any(|h| iri.starts_with(h)) {
            return format!("{iri}-{:06}", self.index);
        }
        iri.to_owned()
    }

    fn text(&self, text: &str) -> String {
        let a = self.area();
        let s = self.site();
        let date = |y: i32, md: &str| format!("{y}-{md}");
        let mut out = text
            .replace(TEMPLATE_IDENTIFIER, &self.identifier)
            .replace(
                TEMPLATE_OTHER_IDENTIFIER,
                &format!("{}-{:06}", s.code, self.index),
            )
            .replace("Oncology", a.title)
            .replace("oncology", a.text)
            .replace("Belgium", s.country_name)
            .replace("Belgian", s.country_adjective)
            .replace("U07.1", a.icd10);
        // Coverage and retention periods.
        for (from, to) in [
            ("2020-01-01", date(self.first_year, "01-01")),
            ("2024-12-31", date(self.last_year, "12-31")),
            ("2035-12-31", date(self.last_year + 11, "12-31")),
        ] {
            if out == from {
                out = to;
            }
        }
        out
    }

    fn term(&self, term: &Term) -> Term {
        match term {
            Term::NamedNode(n) => NamedNode::new_unchecked(self.iri(n.as_str())).into(),
            Term::Literal(l) => {
                let value = self.text(l.value());
                if let Some(lang) = l.language() {
                    Literal::new_language_tagged_literal_unchecked(value, lang).into()
                } else {
                    Literal::new_typed_literal(value, l.datatype().into_owned()).into()
                }
            }
            other => other.clone(),
        }
    }

    /// The record-specific triples about the dataset itself.
    fn dataset_triples(&self, out: &mut Vec<Triple>) {
        let ds = NamedNode::new_unchecked(&self.dataset_iri);
        let a = self.area();
        let src = self.source();
        let site = self.site();
        let p = |ns: &str, local: &str| NamedNode::new_unchecked(format!("{ns}{local}"));
        let en = |s: String| Literal::new_language_tagged_literal_unchecked(s, "en");
        let typed = |v: String, t: &str| Literal::new_typed_literal(v, p(XSD, t));
        let mut add = |pred: NamedNode, o: Term| out.push(Triple::new(ds.clone(), pred, o));
        let years = format!("{}–{}", self.first_year, self.last_year);
        add(
            p(DCT, "title"),
            en(format!("{} {}, {}, {years}", a.title, src.title, site.name)).into(),
        );
        if self.french_title {
            add(
                p(DCT, "title"),
                Literal::new_language_tagged_literal_unchecked(
                    format!("{} : {}, {}, {years}", a.title_fr, src.title_fr, site.name),
                    "fr",
                )
                .into(),
            );
        }
        add(
            p(DCT, "description"),
            en(format!(
                "Pseudonymised {} {} of {} patients treated at {} ({}), {years}, made available for secondary use under the European Health Data Space.",
                a.text, src.title, self.individuals, site.name, site.country_name
            ))
            .into(),
        );
        add(
            p(DCT, "alternative"),
            en(format!("{} {} {}", site.code, a.code, self.last_year)).into(),
        );
        add(
            p(DCT, "identifier"),
            Literal::new_simple_literal(&self.identifier).into(),
        );
        add(
            p(DCT, "issued"),
            typed(self.issued.to_string(), "date").into(),
        );
        add(
            p(DCT, "modified"),
            typed(self.modified.to_string(), "date").into(),
        );
        for k in self.keywords() {
            add(p(DCAT, "keyword"), en(k.to_owned()).into());
        }
        for t in &self.themes {
            add(p(DCAT, "theme"), p(DATA_THEME, t).into());
        }
        add(
            p(HEALTH, "numberOfRecords"),
            typed(self.records.to_string(), "nonNegativeInteger").into(),
        );
        add(
            p(HEALTH, "numberOfUniqueIndividuals"),
            typed(self.individuals.to_string(), "nonNegativeInteger").into(),
        );
        let (min_age, max_age) = if a.paediatric { (0, 17) } else { (18, 99) };
        add(
            p(HEALTH, "minTypicalAge"),
            typed(min_age.to_string(), "nonNegativeInteger").into(),
        );
        add(
            p(HEALTH, "maxTypicalAge"),
            typed(max_age.to_string(), "nonNegativeInteger").into(),
        );
    }
}

/// The template, parsed, without the triples its dataset does not reach (two
/// `foaf:Document` declarations nothing refers to), so that each generated record is
/// exactly the closure of its dataset.
pub struct Template {
    triples: Vec<Triple>,
}

/// Dataset properties whose template values are replaced by [`Profile::dataset_triples`].
const REPLACED: [&str; 12] = [
    "http://purl.org/dc/terms/title",
    "http://purl.org/dc/terms/description",
    "http://purl.org/dc/terms/alternative",
    "http://purl.org/dc/terms/identifier",
    "http://purl.org/dc/terms/issued",
    "http://purl.org/dc/terms/modified",
    "http://www.w3.org/ns/dcat#keyword",
    "http://www.w3.org/ns/dcat#theme",
    "http://healthdataportal.eu/ns/health#numberOfRecords",
    "http://healthdataportal.eu/ns/health#numberOfUniqueIndividuals",
    "http://healthdataportal.eu/ns/health#minTypicalAge",
    "http://healthdataportal.eu/ns/health#maxTypicalAge",
];

impl Template {
    pub fn parse() -> anyhow::Result<Self> {
        let mut all = Vec::new();
        for q in RdfParser::from_format(RdfFormat::Turtle).for_slice(TEMPLATE.as_bytes()) {
            let q = q.context("parsing the template")?;
            all.push(Triple::new(q.subject, q.predicate, q.object));
        }
        // Keep what the dataset reaches, as the node's record splitting does.
        let root = NamedOrBlankNode::NamedNode(NamedNode::new_unchecked(TEMPLATE_DATASET));
        let mut seen: HashSet<NamedOrBlankNode> = HashSet::from([root.clone()]);
        let mut queue = VecDeque::from([root]);
        let mut kept = Vec::new();
        let mut taken = vec![false; all.len()];
        while let Some(s) = queue.pop_front() {
            for (i, t) in all.iter().enumerate() {
                if t.subject != s || taken[i] {
                    continue;
                }
                taken[i] = true;
                kept.push(t.clone());
                let next = match &t.object {
                    Term::NamedNode(n) => NamedOrBlankNode::NamedNode(n.clone()),
                    Term::BlankNode(b) => NamedOrBlankNode::BlankNode(b.clone()),
                    _ => continue,
                };
                if seen.insert(next.clone()) {
                    queue.push_back(next);
                }
            }
        }
        if kept
            .iter()
            .any(|t| matches!(t.subject, NamedOrBlankNode::BlankNode(_)))
        {
            bail!("the template has blank nodes; records would not compare across servers");
        }
        Ok(Template { triples: kept })
    }

    /// The triples of record `profile`, without duplicates.
    pub fn record(&self, profile: &Profile) -> Vec<Triple> {
        let mut out = Vec::with_capacity(self.triples.len() + 8);
        profile.dataset_triples(&mut out);
        for t in &self.triples {
            let is_dataset = matches!(&t.subject, NamedOrBlankNode::NamedNode(n) if n.as_str() == TEMPLATE_DATASET);
            if is_dataset && REPLACED.contains(&t.predicate.as_str()) {
                continue;
            }
            let subject = match &t.subject {
                NamedOrBlankNode::NamedNode(n) => {
                    NamedOrBlankNode::NamedNode(NamedNode::new_unchecked(profile.iri(n.as_str())))
                }
                other => other.clone(),
            };
            out.push(Triple::new(
                subject,
                t.predicate.clone(),
                profile.term(&t.object),
            ));
        }
        let mut seen = HashSet::with_capacity(out.len());
        out.retain(|t| seen.insert(t.clone()));
        out
    }
}

/// What generation produced.
#[derive(Debug, Default)]
pub struct Generated {
    pub datasets: usize,
    pub triples: u64,
    pub bytes: u64,
    pub tiers: [usize; 3],
}

/// Writes records `0..n` as N-Triples to `nt` and, when `nq` is given, as N-Quads with
/// each record in the named graph `{graph_base}{identifier}`.
pub fn write_catalogue(
    template: &Template,
    seed: u64,
    indices: impl Iterator<Item = usize>,
    nt: &mut impl Write,
    mut nq: Option<(&mut dyn Write, &str)>,
) -> anyhow::Result<Generated> {
    let mut g = Generated::default();
    let mut line = String::with_capacity(512);
    use std::fmt::Write as _;
    for i in indices {
        let profile = Profile::new(seed, i);
        let tier = TIERS.iter().position(|t| *t == profile.tier).unwrap_or(0);
        g.tiers[tier] += 1;
        g.datasets += 1;
        for t in template.record(&profile) {
            line.clear();
            writeln!(line, "{t} .")?;
            nt.write_all(line.as_bytes())?;
            g.bytes += line.len() as u64;
            g.triples += 1;
            if let Some((w, base)) = nq.as_mut() {
                line.clear();
                writeln!(line, "{t} <{base}{}> .", profile.identifier)?;
                w.write_all(line.as_bytes())?;
            }
        }
    }
    Ok(g)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_share_only_vocabulary() {
        let t = Template::parse().unwrap();
        let a = t.record(&Profile::new(1, 1));
        let b = t.record(&Profile::new(1, 2));
        let subjects =
            |r: &[Triple]| -> HashSet<String> { r.iter().map(|t| t.subject.to_string()).collect() };
        let shared: Vec<String> = subjects(&a).intersection(&subjects(&b)).cloned().collect();
        for s in &shared {
            assert!(
                !s.contains("example.org") && !s.contains("doi.org"),
                "shared non-vocabulary subject {s}"
            );
        }
        assert!(a.len() > 250, "{}", a.len());
    }

    #[test]
    fn profiles_are_deterministic_and_varied() {
        let p = Profile::new(7, 42);
        assert_eq!(p.identifier, Profile::new(7, 42).identifier);
        let tiers: HashSet<&str> = (0..200).map(|i| Profile::new(7, i).tier).collect();
        assert_eq!(tiers.len(), 3);
        assert!(p.themes.contains(&"HEAL"));
    }
}
