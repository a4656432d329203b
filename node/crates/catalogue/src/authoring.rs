//! Hublot's YAML authoring format for HealthDCAT-AP dataset records.
//!
//! A hospital data warehouse (EDS) team describes each dataset it offers for secondary use in
//! a small YAML document: titles and descriptions in French and English, the EHDS categories,
//! who publishes and holds the data, the health data access body (HDAB), how to get access,
//! and the variable dictionary down to tables and columns. [`parse_yaml`] reads and checks
//! such a document, and [`DatasetSpec::to_graph`] turns each dataset into a HealthDCAT-AP
//! Release 8 record (DCAT-AP 3.0.1 base), modelled on the official example record.
//!
//! A document holds either one dataset (its keys at the top level) or a list under
//! `datasets:`, optionally with a `defaults:` block whose fields are used by every dataset
//! that does not set them (typically the publisher, data holder, HDAB and contact points
//! shared by all datasets of a hospital).
//!
//! The graph is self-describing: every controlled-vocabulary concept it uses (EU authority
//! tables, HealthData@EU tables, ADMS) is typed `skos:Concept` with its scheme and an English
//! label, and every supporting resource gets the class the shapes expect. The record's own
//! resources (agents, contact points, distributions, the variable dictionary…) are hash IRIs
//! under the dataset IRI `{base}datasets/{identifier}`, so they are stable across exports.
//!
//! The format, key by key, is documented in `docs/authoring.md`.

use oxrdf::{Graph, Literal, NamedNode, NamedNodeRef, Term, Triple};
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::marker::PhantomData;

// ---------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------

/// Why a YAML document was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthoringError {
    /// The YAML could not be read into the format: a syntax error, an unknown key, a value
    /// of the wrong type, or a code or IRI that is not acceptable. `line` and `column` start
    /// at 1 (0 when the parser could not tell where).
    #[error("line {line}, column {column}: {message}")]
    Yaml {
        line: usize,
        column: usize,
        message: String,
    },
    /// The document was read but a dataset is incomplete or inconsistent. `path` locates the
    /// field, e.g. `datasets[2].distributions[0].access_url`.
    #[error("{}", display_invalid(.path, .message))]
    Invalid { path: String, message: String },
}

fn display_invalid(path: &str, message: &str) -> String {
    if path.is_empty() {
        message.to_owned()
    } else {
        format!("{path}: {message}")
    }
}

fn invalid(path: impl Into<String>, message: impl Into<String>) -> AuthoringError {
    AuthoringError::Invalid {
        path: path.into(),
        message: message.into(),
    }
}

fn yaml_error(e: serde_yaml_ng::Error) -> AuthoringError {
    let mut message = e.to_string();
    let (line, column) = match e.location() {
        Some(l) => (l.line(), l.column()),
        None => (0, 0),
    };
    let suffix = format!(" at line {line} column {column}");
    if let Some(stripped) = message.strip_suffix(&suffix) {
        message = stripped.to_owned();
    }
    AuthoringError::Yaml {
        line,
        column,
        message,
    }
}

fn join(prefix: &str, field: &str) -> String {
    if prefix.is_empty() {
        field.to_owned()
    } else if field.starts_with('[') {
        format!("{prefix}{field}")
    } else {
        format!("{prefix}.{field}")
    }
}

// ---------------------------------------------------------------------------------------
// Entry points
// ---------------------------------------------------------------------------------------

/// The IRI of the EHDS Regulation (EU) 2025/327, the usual applicable legislation.
pub const EHDS: &str = "http://data.europa.eu/eli/reg/2025/327/oj";
/// The IRI of the GDPR, Regulation (EU) 2016/679.
pub const GDPR: &str = "http://data.europa.eu/eli/reg/2016/679/oj";
/// The IRI of the Data Governance Act, Regulation (EU) 2022/868.
pub const DGA: &str = "http://data.europa.eu/eli/reg/2022/868/oj";

/// Reads a YAML document holding one dataset, or a `datasets:` list with an optional
/// `defaults:` block, and checks every dataset. Returns the datasets in document order, with
/// the defaults already applied.
pub fn parse_yaml(text: &str) -> Result<Vec<DatasetSpec>, AuthoringError> {
    if text.trim().is_empty() {
        return Err(invalid("", "the document is empty"));
    }
    let value: serde_yaml_ng::Value = serde_yaml_ng::from_str(text).map_err(yaml_error)?;
    let mapping = match &value {
        serde_yaml_ng::Value::Mapping(m) => m,
        _ => {
            return Err(invalid(
                "",
                "the document must be a mapping: the keys of one dataset, or `datasets:` (a list) with an optional `defaults:`",
            ));
        }
    };
    if mapping.contains_key("datasets") {
        let file: CatalogueFile = serde_yaml_ng::from_str(text).map_err(yaml_error)?;
        if file.datasets.is_empty() {
            return Err(invalid("datasets", "the list is empty"));
        }
        let defaults = file.defaults.unwrap_or_default();
        if defaults.identifier.is_some() {
            return Err(invalid(
                "defaults.identifier",
                "every dataset needs its own identifier; it cannot be a default",
            ));
        }
        let mut out = Vec::with_capacity(file.datasets.len());
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for (i, dataset) in file.datasets.into_iter().enumerate() {
            let prefix = format!("datasets[{i}]");
            let merged = dataset.with_defaults(&defaults);
            merged.check(&prefix)?;
            let id = merged.identifier().to_owned();
            if let Some(first) = seen.insert(id.clone(), i) {
                return Err(invalid(
                    join(&prefix, "identifier"),
                    format!("identifier `{id}` is already used by datasets[{first}]"),
                ));
            }
            out.push(merged);
        }
        Ok(out)
    } else {
        if mapping.contains_key("defaults") {
            return Err(invalid(
                "defaults",
                "a `defaults:` block only goes with a `datasets:` list",
            ));
        }
        let spec: DatasetSpec = serde_yaml_ng::from_str(text).map_err(yaml_error)?;
        spec.check("")?;
        Ok(vec![spec])
    }
}

/// Reads a YAML document and converts all its datasets into one graph.
pub fn yaml_to_graph(text: &str, base: &str) -> Result<Graph, AuthoringError> {
    let mut graph = Graph::new();
    for spec in parse_yaml(text)? {
        graph.extend(spec.to_graph(base)?.iter());
    }
    Ok(graph)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogueFile {
    #[serde(default)]
    defaults: Option<DatasetSpec>,
    datasets: Vec<DatasetSpec>,
}

// ---------------------------------------------------------------------------------------
// Controlled vocabularies
// ---------------------------------------------------------------------------------------

/// How the codes of a vocabulary are spelled; codes are normalised to this case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeForm {
    /// Upper-case letters, digits, `_` and `-` (e.g. `HEAL`, `SNOMED-CT`, `30MIN`).
    Upper,
    /// Three upper-case letters (ISO 639-3 / ISO 3166 alpha-3 / ISO 4217 codes).
    Alpha3,
    /// Lower-case letters, digits and `-` (e.g. `healthcare-providers`).
    Lower,
    /// Letters, digits and `-`, case kept (ADMS licence types, e.g. `ViralEffect-ShareAlike`).
    Camel,
}

/// A controlled vocabulary: where its concepts live and which codes it accepts.
#[derive(Debug)]
pub struct Vocabulary {
    /// What a code designates, for messages ("health category").
    pub what: &'static str,
    /// The prefix of its concept IRIs (code appended).
    pub namespace: &'static str,
    /// The concept scheme IRI.
    pub scheme: &'static str,
    /// The English title of the scheme.
    pub title: &'static str,
    /// Whether only the listed codes are accepted (the full list is known to Hublot). For
    /// open vocabularies any well-formed code is accepted and the listed ones get labels.
    pub closed: bool,
    pub form: CodeForm,
    /// `(code, English label, French label or "")`.
    pub codes: &'static [(&'static str, &'static str, &'static str)],
}

impl Vocabulary {
    /// Normalises and checks a code (or the full concept IRI) and returns the code.
    pub fn parse(&self, input: &str) -> Result<String, String> {
        let trimmed = input.trim();
        let raw = trimmed.strip_prefix(self.namespace).unwrap_or(trimmed);
        let code = match self.form {
            CodeForm::Upper | CodeForm::Alpha3 => raw.to_ascii_uppercase(),
            CodeForm::Lower => raw.to_ascii_lowercase(),
            CodeForm::Camel => self
                .codes
                .iter()
                .find(|(c, _, _)| c.eq_ignore_ascii_case(raw))
                .map(|(c, _, _)| (*c).to_owned())
                .unwrap_or_else(|| raw.to_owned()),
        };
        let well_formed = !code.is_empty()
            && code.len() <= 64
            && match self.form {
                CodeForm::Upper => code
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_' || c == '-'),
                CodeForm::Alpha3 => code.len() == 3 && code.chars().all(|c| c.is_ascii_uppercase()),
                CodeForm::Lower => code
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                CodeForm::Camel => code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'),
            };
        let known = self.codes.iter().any(|(c, _, _)| *c == code);
        if self.closed && !known {
            let list: Vec<&str> = self.codes.iter().map(|(c, _, _)| *c).collect();
            return Err(format!(
                "`{trimmed}` is not a {} code; accepted codes: {}",
                self.what,
                list.join(", ")
            ));
        }
        if !well_formed {
            let example = self.codes.first().map(|(c, _, _)| *c).unwrap_or("");
            return Err(format!(
                "`{trimmed}` is not a well-formed {} code (e.g. `{example}`, or the concept IRI under {})",
                self.what, self.namespace
            ));
        }
        Ok(code)
    }

    /// The concept IRI of a (checked) code.
    pub fn iri(&self, code: &str) -> String {
        format!("{}{}", self.namespace, code)
    }

    /// The English and French labels of a code (the code itself when unknown).
    pub fn labels(&self, code: &str) -> (String, Option<String>) {
        match self.codes.iter().find(|(c, _, _)| *c == code) {
            Some((_, en, fr)) => (
                (*en).to_owned(),
                if fr.is_empty() {
                    None
                } else {
                    Some((*fr).to_owned())
                },
            ),
            None => (code.to_owned(), None),
        }
    }
}

macro_rules! eu_vocab {
    ($table:literal) => {
        concat!("http://publications.europa.eu/resource/authority/", $table)
    };
}
macro_rules! hdeu_vocab {
    ($table:literal) => {
        concat!(
            "https://hdeu-dcat.data.health.europa.eu/resource/authority/",
            $table
        )
    };
}

/// EU access rights (`dct:accessRights`); Hublot uses the three HealthDCAT-AP tiers.
#[rustfmt::skip]
pub static ACCESS_RIGHT: Vocabulary = Vocabulary {
    what: "access right",
    namespace: eu_vocab!("access-right/"),
    scheme: eu_vocab!("access-right"),
    title: "Access right",
    closed: true,
    form: CodeForm::Upper,
    codes: &[
        ("PUBLIC", "public", "public"),
        ("RESTRICTED", "restricted", "restreint"),
        ("NON_PUBLIC", "non-public", "non public"),
    ],
};

/// EU data themes (`dcat:theme`); HealthDCAT-AP requires `HEAL`.
#[rustfmt::skip]
pub static DATA_THEME: Vocabulary = Vocabulary {
    what: "data theme",
    namespace: eu_vocab!("data-theme/"),
    scheme: eu_vocab!("data-theme"),
    title: "Data theme",
    closed: true,
    form: CodeForm::Upper,
    codes: &[
        ("AGRI", "Agriculture, fisheries, forestry and food", "Agriculture, pêche, sylviculture et alimentation"),
        ("ECON", "Economy and finance", "Économie et finances"),
        ("EDUC", "Education, culture and sport", "Éducation, culture et sport"),
        ("ENER", "Energy", "Énergie"),
        ("ENVI", "Environment", "Environnement"),
        ("GOVE", "Government and public sector", "Gouvernement et secteur public"),
        ("HEAL", "Health", "Santé"),
        ("INTR", "International issues", "Questions internationales"),
        ("JUST", "Justice, legal system and public safety", "Justice, système juridique et sécurité publique"),
        ("OP_DATPRO", "Provisional data", "Données provisoires"),
        ("REGI", "Regions and cities", "Régions et villes"),
        ("SOCI", "Population and society", "Population et société"),
        ("TECH", "Science and technology", "Science et technologie"),
        ("TRAN", "Transport", "Transports"),
    ],
};

/// HealthData@EU health categories (`healthdcatap:healthCategory`), EHDS Article 51.
#[rustfmt::skip]
pub static HEALTH_CATEGORY: Vocabulary = Vocabulary {
    what: "health category",
    namespace: hdeu_vocab!("healthcategories/"),
    scheme: hdeu_vocab!("healthcategories"),
    title: "Health categories (EHDS Article 51)",
    closed: true,
    form: CodeForm::Upper,
    codes: &[
        ("DIOH", "Data on factors impacting on health, including socio-economic, environmental and behavioural determinants of health", ""),
        ("EHCT", "Data from clinical trials, clinical studies, clinical investigations and performance studies", ""),
        ("EHRS", "Electronic health data from EHRs", ""),
        ("EINS", "Health data from biobanks and associated databases", ""),
        ("EMRD", "Other health data from medical devices", ""),
        ("HGPD", "Human genetic, epigenomic and genomic data", ""),
        ("HPML", "Other human molecular data such as proteomic, transcriptomic, metabolomic, lipidomic and other omic data", ""),
        ("HRAD", "Healthcare-related administrative data, including on dispensations, reimbursement claims and reimbursements", ""),
        ("IDHP", "Data on professional status, and on the specialisation and institution of health professionals involved in the treatment of a natural person", ""),
        ("MRMR", "Data from medical registries and mortality registries", ""),
        ("NRPE", "Aggregated data on healthcare needs, resources allocated to healthcare, the provision of and access to healthcare, healthcare expenditure and financing", ""),
        ("PGEH", "Personal electronic health data automatically generated through medical devices", ""),
        ("PHDR", "Data from population-based health data registries such as public health registries", ""),
        ("RMMD", "Data from registries for medicinal products and medical devices", ""),
        ("RPDG", "Data on pathogens that impact human health", ""),
        ("RQSH", "Data from research cohorts, questionnaires and surveys related to health, after the first publication of the related results", ""),
        ("WELA", "Data from wellness applications", ""),
    ],
};

/// HealthData@EU health themes (`healthdcatap:healthTheme`).
#[rustfmt::skip]
pub static HEALTH_THEME: Vocabulary = Vocabulary {
    what: "health theme",
    namespace: hdeu_vocab!("health-theme/"),
    scheme: hdeu_vocab!("health-theme"),
    title: "Health themes",
    closed: true,
    form: CodeForm::Upper,
    codes: &[
        ("ANTIMICROBIAL_CONTROL", "Antimicrobial resistance & infection control", ""),
        ("BLOOD_INFECTIONS", "Blood-borne & sexually transmitted infections", ""),
        ("CANCER_DISEASE", "Cancer", "Cancer"),
        ("CLIMATE_HEALTH", "Climate & planetary health", ""),
        ("EMERGENCY_SETTINGS", "Emergencies, disasters, travel & humanitarian settings", ""),
        ("ENTERIC_INFECTIONS", "Enteric, water- & food-borne infections", ""),
        ("ENVIRONMENTAL_HEALTH", "Environmental, occupational & radiation health", ""),
        ("HEALTH_PRODUCTS", "Health products, technologies, data & research", ""),
        ("HEALTH_SYSTEMS", "Health systems, quality, care models & determinants", ""),
        ("IMMUNIZATION_DISEASES", "Immunization & vaccine-preventable diseases", "Vaccination et maladies évitables par la vaccination"),
        ("INJURY_PREVENTION", "Injuries, envenoming & drowning", ""),
        ("LIFECOURSE_HEALTH", "Life-course health: maternal, newborn, child, adolescent & ageing", ""),
        ("MENTAL_HEALTH", "Mental, neurological & substance use", ""),
        ("NONCOMMUNICABLE_DISEASES", "Noncommunicable diseases: metabolic & cardiopulmonary", ""),
        ("NUTRITION_SECURITY", "Nutrition & food security", ""),
        ("REPRODUCTIVE_HEALTH", "Sexual & reproductive health and rights", ""),
        ("RESPIRATORY_DISEASES", "Respiratory infectious diseases", "Maladies infectieuses respiratoires"),
        ("SENSORY_HEALTH", "Oral, eye & sensory health", ""),
        ("TROPICAL_DISEASES", "Neglected tropical, parasitic & fungal skin diseases", "Maladies cutanées tropicales, parasitaires et fongiques négligées"),
        ("VECTOR_DISEASES", "Vector-borne, zoonotic & viral diseases", ""),
    ],
};

/// HealthData@EU coding systems (`healthdcatap:hasCodingSystem`).
#[rustfmt::skip]
pub static CODING_SYSTEM: Vocabulary = Vocabulary {
    what: "coding system",
    namespace: hdeu_vocab!("coding-system/"),
    scheme: hdeu_vocab!("coding-system"),
    title: "Coding Systems",
    closed: true,
    form: CodeForm::Upper,
    codes: &[
        ("ATC", "Anatomical Therapeutic Chemical Classification System", "Système de classification anatomique, thérapeutique et chimique"),
        ("DICOM-CT", "DICOM Controlled Terminology", ""),
        ("EDQM", "EDQM Standard Terms", ""),
        ("EMA-SPOR", "EMA Substances, Products, Organisations and Referentials", ""),
        ("EMDN", "European Medical Device Nomenclature", ""),
        ("GMDN", "Global Medical Device Nomenclature", ""),
        ("HGNC", "HUGO Gene Nomenclature Committee gene names", ""),
        ("HPO", "Human Phenotype Ontology", ""),
        ("ICD-10", "International Classification of Diseases, 10th revision", "Classification internationale des maladies, 10e révision"),
        ("ICD-10-NAT", "National modification of ICD-10", "Modification nationale de la CIM-10"),
        ("ICD-11", "International Classification of Diseases, 11th revision", ""),
        ("ICD-9-CM", "ICD-9 Clinical Modification", ""),
        ("ICD-O", "International Classification of Diseases for Oncology", ""),
        ("ICF", "International Classification of Functioning, Disability and Health", "Classification internationale du fonctionnement, du handicap et de la santé"),
        ("ICHI", "International Classification of Health Interventions", ""),
        ("ICPC-2", "International Classification of Primary Care, second edition", ""),
        ("ICPC-3", "International Classification of Primary Care, third revision", ""),
        ("LOINC", "Logical Observation Identifiers Names and Codes", ""),
        ("MEDDRA", "Medical Dictionary for Regulatory Activities", ""),
        ("MESH", "Medical Subject Headings", ""),
        ("NCIT", "NCI Thesaurus", ""),
        ("NPU", "Nomenclature for Properties and Units", ""),
        ("OHDSI-VOCAB", "OHDSI Standardized Vocabularies", ""),
        ("OPS", "Operation and Procedure Classification System (OPS)", ""),
        ("ORDO", "Orphanet Rare Disease Ontology", ""),
        ("ORPHACODE", "ORPHAcodes (Orphanet nomenclature of rare diseases)", ""),
        ("PROC-CODES-NAT", "National procedure classification", ""),
        ("RXNORM", "RxNorm", ""),
        ("SNOMED-CT", "SNOMED CT", ""),
        ("UCUM", "Unified Code for Units of Measure", ""),
        ("UMLS", "Unified Medical Language System", ""),
        ("WHODRUG", "WHODrug Global", ""),
    ],
};

/// HealthData@EU technical standards (`dct:conformsTo`). Open: any well-formed code.
#[rustfmt::skip]
pub static STANDARD: Vocabulary = Vocabulary {
    what: "health technical standard",
    namespace: hdeu_vocab!("standard/"),
    scheme: hdeu_vocab!("standard"),
    title: "Health technical standards",
    closed: false,
    form: CodeForm::Upper,
    codes: &[
        ("CDA", "Clinical Document Architecture", "Architecture des documents cliniques"),
        ("CDISC-SDTM", "CDISC Study Data Tabulation Model", ""),
        ("DICOM", "Digital Imaging and Communications in Medicine", ""),
        ("ECRIN-CRMDR", "ECRIN Metadata Schemas", "Schémas de métadonnées ECRIN"),
        ("FAIRSHARING", "FAIRsharing Application Schema", "Schéma d'application FAIRsharing"),
        ("FHIR", "HL7 Fast Healthcare Interoperability Resources", ""),
        ("IDMP", "Identification of Medicinal Products", ""),
        ("INSPIRE", "INSPIRE", ""),
        ("ISO-13606-1", "ISO 13606-1 Electronic health record communication: reference model", ""),
        ("ISO-13940", "ISO 13940 System of concepts to support continuity of care", ""),
        ("MIABIS", "Minimum Information About BIobank data Sharing", ""),
        ("OMOP-CDM", "OMOP Common Data Model", "Modèle de données commun OMOP"),
        ("OPENEHR", "openEHR", ""),
        ("PHIRI", "PHIRI", ""),
    ],
};

/// HealthData@EU publisher types (`dct:type` of agents). Open: any well-formed code.
#[rustfmt::skip]
pub static PUBLISHER_TYPE: Vocabulary = Vocabulary {
    what: "publisher type",
    namespace: hdeu_vocab!("publisher-type/"),
    scheme: hdeu_vocab!("publisher-type"),
    title: "Publisher types",
    closed: false,
    form: CodeForm::Lower,
    codes: &[
        ("administrative-institution", "Administrative institution", "Institution administrative"),
        ("gov-public-sector-org", "Government and public sector organisation", ""),
        ("healthcare-providers", "Healthcare providers", ""),
        ("national-authority", "National authority", "Autorité nationale"),
        ("non-gov-org", "Non-governmental organisation", ""),
        ("outpatient-institution", "Outpatient institution", "Établissement ambulatoire"),
        ("pathology-registry", "Pathology registry", ""),
        ("public-health-institute", "Public health institute", "Institut de santé publique"),
        ("public-health-registry", "Public health registry", "Registre de santé publique"),
        ("research-institute-org", "Research institute or organisation", ""),
    ],
};

/// HealthData@EU health activities (`dct:type` of `prov:wasGeneratedBy`). Open.
#[rustfmt::skip]
pub static HEALTH_ACTIVITY: Vocabulary = Vocabulary {
    what: "health activity",
    namespace: hdeu_vocab!("health-activity/"),
    scheme: hdeu_vocab!("health-activity"),
    title: "Health activities",
    closed: false,
    form: CodeForm::Upper,
    codes: &[
        ("ADMISSION_DISCHARGE", "Patient admission, care and discharge", "Admission, soins et sortie des patients"),
        ("GEOSPATIAL_MONITORING", "Geospatial monitoring", ""),
        ("HEALTH_REGISTRIES", "National Health Registries", "Registres nationaux de la santé"),
        ("HEALTH_SURVEY", "Health survey", "Enquête sur la santé"),
        ("HEALTHCARE_VISIT", "Healthcare visit", "Visite de santé"),
        ("PROBABILITY_SURVEY", "Probability survey", "Enquête de probabilité"),
        ("ROUTINE_RECORDS", "Routine records", ""),
    ],
};

/// EU dataset types (`dct:type` of the dataset).
#[rustfmt::skip]
pub static DATASET_TYPE: Vocabulary = Vocabulary {
    what: "dataset type",
    namespace: eu_vocab!("dataset-type/"),
    scheme: eu_vocab!("dataset-type"),
    title: "Dataset type",
    closed: true,
    form: CodeForm::Upper,
    codes: &[
        ("APROF", "Application profile", ""),
        ("ATTO_LEX", "ATTO table – EUR-Lex domain", ""),
        ("ATTO_PUB", "ATTO table – publications domain", ""),
        ("CODE_LIST", "Code list", "Liste de codes"),
        ("CORE_COMP", "Core component", ""),
        ("DIRECTORY", "Directory", ""),
        ("DOMAIN_MODEL", "Domain model", ""),
        ("DSCRP_SERV", "Service description", ""),
        ("GEOSPATIAL", "Geospatial data", ""),
        ("GLOSSARY", "Glossary", ""),
        ("HVD", "High-value dataset", "Ensemble de données de forte valeur"),
        ("IEPD", "Information exchange package description", ""),
        ("MAPPING", "Mapping", ""),
        ("NAL", "Name authority list", "Liste d’autorité de noms"),
        ("ONTOLOGY", "Ontology", "Ontologie"),
        ("OP_DATPRO", "Provisional data", "Données provisoires"),
        ("RELEASE", "Release", ""),
        ("SCHEMA", "Schema", ""),
        ("STATISTICAL", "Statistical data", "Données statistiques"),
        ("STYLES", "Style sheets", "Feuilles de style"),
        ("SYNTAX_ECD_SCHEME", "Syntax encoding scheme", ""),
        ("SYNTHETIC_DATA", "Synthetic data", "Données synthétiques"),
        ("TAXONOMY", "Taxonomy", ""),
        ("TEST_DATA", "Test data", "Données de test"),
        ("THESAURUS", "Thesaurus", ""),
    ],
};

/// EU frequencies (`dct:accrualPeriodicity`).
#[rustfmt::skip]
pub static FREQUENCY: Vocabulary = Vocabulary {
    what: "frequency",
    namespace: eu_vocab!("frequency/"),
    scheme: eu_vocab!("frequency"),
    title: "Frequency",
    closed: true,
    form: CodeForm::Upper,
    codes: &[
        ("10MIN", "every ten minutes", ""),
        ("12HRS", "every twelve hours", "toutes les 12 heures"),
        ("15MIN", "every fifteen minutes", ""),
        ("1MIN", "every minute", ""),
        ("30MIN", "every thirty minutes", "toutes les 30 minutes"),
        ("5MIN", "every five minutes", ""),
        ("ANNUAL", "annual", "annuel"),
        ("ANNUAL_2", "semiannual", "semestriel"),
        ("ANNUAL_3", "three times a year", ""),
        ("AS_NEEDED", "as needed", ""),
        ("BIDECENNIAL", "bidecennial", ""),
        ("BIENNIAL", "biennial", "biennal"),
        ("BIHOURLY", "bihourly", ""),
        ("BIMONTHLY", "bimonthly", "bimestriel"),
        ("BIWEEKLY", "biweekly", ""),
        ("CONT", "continuous", "continu"),
        ("DAILY", "daily", "quotidien"),
        ("DAILY_2", "twice a day", ""),
        ("DECENNIAL", "decennial", ""),
        ("HOURLY", "hourly", ""),
        ("IRREG", "irregular", "irrégulier"),
        ("MONTHLY", "monthly", "mensuel"),
        ("MONTHLY_2", "semimonthly", "bimensuel"),
        ("MONTHLY_3", "three times a month", ""),
        ("NEVER", "never", "jamais"),
        ("NOT_PLANNED", "not planned", ""),
        ("OP_DATPRO", "provisional data", ""),
        ("OTHER", "other", "autre"),
        ("QUADRENNIAL", "quadrennial", ""),
        ("QUARTERLY", "quarterly", "trimestriel"),
        ("QUINQUENNIAL", "quinquennial", ""),
        ("TRIDECENNIAL", "tridecennial", ""),
        ("TRIENNIAL", "triennial", "triennal"),
        ("TRIHOURLY", "trihourly", ""),
        ("UNKNOWN", "unknown", "inconnu"),
        ("UPDATE_CONT", "continuously updated", ""),
        ("WEEKLY", "weekly", "hebdomadaire"),
        ("WEEKLY_2", "semiweekly", ""),
        ("WEEKLY_3", "three times a week", ""),
        ("WEEKLY_5", "five times a week", ""),
    ],
};

/// EU planned availability (`dcatap:availability` of a distribution).
#[rustfmt::skip]
pub static AVAILABILITY: Vocabulary = Vocabulary {
    what: "planned availability",
    namespace: eu_vocab!("planned-availability/"),
    scheme: eu_vocab!("planned-availability"),
    title: "Planned availability",
    closed: true,
    form: CodeForm::Upper,
    codes: &[
        ("AVAILABLE", "available", "disponible"),
        ("EXPERIMENTAL", "experimental", "expérimental"),
        ("STABLE", "stable", "stable"),
        ("TEMPORARY", "temporary", "temporaire"),
    ],
};

/// EU distribution status (`adms:status` of a distribution).
#[rustfmt::skip]
pub static DISTRIBUTION_STATUS: Vocabulary = Vocabulary {
    what: "distribution status",
    namespace: eu_vocab!("distribution-status/"),
    scheme: eu_vocab!("distribution-status"),
    title: "Distribution status",
    closed: true,
    form: CodeForm::Upper,
    codes: &[
        ("COMPLETED", "Completed", "Achevé"),
        ("DEPRECATED", "Deprecated", "Obsolète"),
        ("DEVELOP", "Under development", "En cours de développement"),
        ("WITHDRAWN", "Withdrawn", "Retiré"),
    ],
};

/// ADMS licence types (`dct:type` of a licence document).
#[rustfmt::skip]
pub static LICENCE_TYPE: Vocabulary = Vocabulary {
    what: "ADMS licence type",
    namespace: "http://purl.org/adms/licencetype/",
    scheme: "http://purl.org/adms/licencetype/1.0",
    title: "ADMS licence type",
    closed: true,
    form: CodeForm::Camel,
    codes: &[
        ("Attribution", "Attribution", ""),
        ("GrantBack", "Grant back", ""),
        ("JurisdictionWithinTheEU", "Jurisdiction within the EU", ""),
        ("KnownPatentEncumbrance", "Known patent encumbrance", ""),
        ("NoDerivativeWork", "No derivative work", ""),
        ("NominalCost", "Nominal cost", ""),
        ("NonCommercialUseOnly", "Non-commercial use only", ""),
        ("OtherRestrictiveClauses", "Other restrictive clauses", ""),
        ("PublicDomain", "Public domain", ""),
        ("ReservedNames-Endorsement-OfficialStatus", "Reserved names / endorsement / official status", ""),
        ("RoyaltiesRequired", "Royalties required", ""),
        ("ShareAlike-Compatible", "Share-alike, compatible", ""),
        ("ShareAlike-NotCompatible", "Share-alike, not compatible", ""),
        ("UnknownIPR", "Unknown IPR", ""),
        ("ViralEffect-ShareAlike", "Viral effect (share-alike)", ""),
    ],
};

/// EU licences (`dct:license`). Open: any well-formed code of the EU licence table.
#[rustfmt::skip]
pub static LICENCE: Vocabulary = Vocabulary {
    what: "EU licence",
    namespace: eu_vocab!("licence/"),
    scheme: eu_vocab!("licence"),
    title: "Licence",
    closed: false,
    form: CodeForm::Upper,
    codes: &[
        ("CC0", "Creative Commons CC0 1.0 Universal", ""),
        ("CC_BY_4_0", "Creative Commons Attribution 4.0 International", ""),
        ("CC_BYNC_4_0", "Creative Commons Attribution-NonCommercial 4.0 International", ""),
        ("CC_BYND_4_0", "Creative Commons Attribution-NoDerivatives 4.0 International", ""),
        ("CC_BYSA_4_0", "Creative Commons Attribution-ShareAlike 4.0 International", ""),
        ("ODC_BY", "Open Data Commons Attribution License", ""),
        ("ODC_ODBL", "Open Data Commons Open Database License", ""),
        ("ODC_PDDL", "Open Data Commons Public Domain Dedication and License", ""),
    ],
};

/// The ADMS licence types of the EU licences Hublot knows.
fn known_licence_types(code: &str) -> &'static [&'static str] {
    match code {
        "CC0" | "ODC_PDDL" => &["PublicDomain"],
        "CC_BY_4_0" | "ODC_BY" => &["Attribution"],
        "CC_BYNC_4_0" => &["Attribution", "NonCommercialUseOnly"],
        "CC_BYND_4_0" => &["Attribution", "NoDerivativeWork"],
        "CC_BYSA_4_0" | "ODC_ODBL" => &["Attribution", "ViralEffect-ShareAlike"],
        _ => &[],
    }
}

/// EU languages (`dct:language`), ISO 639-3 codes. Open.
#[rustfmt::skip]
pub static LANGUAGE: Vocabulary = Vocabulary {
    what: "language",
    namespace: eu_vocab!("language/"),
    scheme: eu_vocab!("language"),
    title: "Language",
    closed: false,
    form: CodeForm::Alpha3,
    codes: &[
        ("DEU", "German", "allemand"),
        ("ENG", "English", "anglais"),
        ("FRA", "French", "français"),
        ("ITA", "Italian", "italien"),
        ("NLD", "Dutch", "néerlandais"),
        ("POR", "Portuguese", "portugais"),
        ("SPA", "Spanish", "espagnol"),
    ],
};

/// EU countries (`dct:spatial`), ISO 3166 alpha-3 based codes. Open.
#[rustfmt::skip]
pub static COUNTRY: Vocabulary = Vocabulary {
    what: "country",
    namespace: eu_vocab!("country/"),
    scheme: eu_vocab!("country"),
    title: "Country",
    closed: false,
    form: CodeForm::Alpha3,
    codes: &[
        ("BEL", "Belgium", "Belgique"),
        ("CHE", "Switzerland", "Suisse"),
        ("DEU", "Germany", "Allemagne"),
        ("ESP", "Spain", "Espagne"),
        ("FRA", "France", "France"),
        ("ITA", "Italy", "Italie"),
        ("LUX", "Luxembourg", "Luxembourg"),
        ("NLD", "Netherlands", "Pays-Bas"),
    ],
};

/// EU places (`dct:spatial`). Open.
#[rustfmt::skip]
pub static PLACE: Vocabulary = Vocabulary {
    what: "place",
    namespace: eu_vocab!("place/"),
    scheme: eu_vocab!("place"),
    title: "Place",
    closed: false,
    form: CodeForm::Upper,
    codes: &[],
};

/// EU continents (`dct:spatial`). Open.
#[rustfmt::skip]
pub static CONTINENT: Vocabulary = Vocabulary {
    what: "continent",
    namespace: eu_vocab!("continent/"),
    scheme: eu_vocab!("continent"),
    title: "Continent",
    closed: false,
    form: CodeForm::Upper,
    codes: &[("EUROPE", "Europe", "Europe")],
};

/// EU file types (`dct:format` of a distribution). Open.
#[rustfmt::skip]
pub static FILE_TYPE: Vocabulary = Vocabulary {
    what: "file type",
    namespace: eu_vocab!("file-type/"),
    scheme: eu_vocab!("file-type"),
    title: "File type",
    closed: false,
    form: CodeForm::Upper,
    codes: &[
        ("CSV", "CSV", "CSV"),
        ("HTML", "HTML", "HTML"),
        ("JSON", "JSON", "JSON"),
        ("JSON_LD", "JSON-LD", "JSON-LD"),
        ("PARQUET", "Parquet", "Parquet"),
        ("PDF", "PDF", "PDF"),
        ("RDF_TURTLE", "RDF Turtle", "RDF Turtle"),
        ("TSV", "TSV", "TSV"),
        ("XLSX", "XLSX", "XLSX"),
        ("ZIP", "ZIP", "ZIP"),
    ],
};

/// EU currencies (`cv:currency` of a fee). Open.
#[rustfmt::skip]
pub static CURRENCY: Vocabulary = Vocabulary {
    what: "currency",
    namespace: eu_vocab!("currency/"),
    scheme: eu_vocab!("currency"),
    title: "Currency",
    closed: false,
    form: CodeForm::Alpha3,
    codes: &[("EUR", "Euro", "euro")],
};

/// A vocabulary marker type, for typed codes.
pub trait Vocab {
    fn vocabulary() -> &'static Vocabulary;
}

macro_rules! vocab_marker {
    ($($(#[$m:meta])* $name:ident => $v:ident;)*) => {$(
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name {}
        impl Vocab for $name {
            fn vocabulary() -> &'static Vocabulary { &$v }
        }
    )*};
}

vocab_marker! {
    /// [`DATA_THEME`]
    DataTheme => DATA_THEME;
    /// [`HEALTH_CATEGORY`]
    HealthCategory => HEALTH_CATEGORY;
    /// [`HEALTH_THEME`]
    HealthTheme => HEALTH_THEME;
    /// [`CODING_SYSTEM`]
    CodingSystem => CODING_SYSTEM;
    /// [`STANDARD`]
    Standard => STANDARD;
    /// [`PUBLISHER_TYPE`]
    PublisherType => PUBLISHER_TYPE;
    /// [`HEALTH_ACTIVITY`]
    HealthActivity => HEALTH_ACTIVITY;
    /// [`DATASET_TYPE`]
    DatasetType => DATASET_TYPE;
    /// [`FREQUENCY`]
    Frequency => FREQUENCY;
    /// [`AVAILABILITY`]
    Availability => AVAILABILITY;
    /// [`DISTRIBUTION_STATUS`]
    DistributionStatus => DISTRIBUTION_STATUS;
    /// [`LICENCE_TYPE`]
    LicenceType => LICENCE_TYPE;
    /// [`LICENCE`]
    Licence => LICENCE;
    /// [`LANGUAGE`]
    Language => LANGUAGE;
    /// [`COUNTRY`]
    Country => COUNTRY;
    /// [`PLACE`]
    Place => PLACE;
    /// [`CONTINENT`]
    Continent => CONTINENT;
    /// [`FILE_TYPE`]
    FileType => FILE_TYPE;
    /// [`CURRENCY`]
    Currency => CURRENCY;
}

/// A checked code of the vocabulary `V` (written as the code, or as the full concept IRI).
pub struct Code<V> {
    code: String,
    _vocab: PhantomData<fn() -> V>,
}

impl<V: Vocab> Code<V> {
    pub fn new(input: &str) -> Result<Self, String> {
        Ok(Code {
            code: V::vocabulary().parse(input)?,
            _vocab: PhantomData,
        })
    }
    pub fn as_str(&self) -> &str {
        &self.code
    }
    pub fn iri(&self) -> String {
        V::vocabulary().iri(&self.code)
    }
}

impl<V> Clone for Code<V> {
    fn clone(&self) -> Self {
        Code {
            code: self.code.clone(),
            _vocab: PhantomData,
        }
    }
}
impl<V> fmt::Debug for Code<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.code)
    }
}
impl<V> PartialEq for Code<V> {
    fn eq(&self, other: &Self) -> bool {
        self.code == other.code
    }
}
impl<V> Eq for Code<V> {}
impl<V> Serialize for Code<V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.code)
    }
}
impl<'de, V: Vocab> Deserialize<'de> for Code<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        checked(d, Code::new)
    }
}

// ---------------------------------------------------------------------------------------
// Scalar value types
// ---------------------------------------------------------------------------------------

/// Reads a scalar as text and checks it inside the visitor, so that the YAML reader reports
/// the scalar's own line, column and path. YAML numbers and booleans are accepted and read as
/// text (`code_values: [J21]` and `geonames: 2988507` both work); fractional numbers are
/// refused because YAML would have altered them (`1.10` reads as 1.1): they must be quoted.
struct Checked<T>(fn(&str) -> Result<T, String>);

impl<T> Visitor<'_> for Checked<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a text value")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        (self.0)(v).map_err(E::custom)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        (self.0)(&v.to_string()).map_err(E::custom)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        (self.0)(&v.to_string()).map_err(E::custom)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<T, E> {
        (self.0)(&v.to_string()).map_err(E::custom)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
        Err(E::custom(format!(
            "the number {v} would be read approximately; write it in quotes, e.g. \"{v}\""
        )))
    }
}

fn checked<'de, D: Deserializer<'de>, T>(
    d: D,
    check: fn(&str) -> Result<T, String>,
) -> Result<T, D::Error> {
    d.deserialize_any(Checked(check))
}

/// A scalar read as text (see [`Checked`]).
struct StringLike(String);

impl<'de> Deserialize<'de> for StringLike {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        checked(d, |s| Ok(StringLike(s.to_owned())))
    }
}

/// Non-empty text, scalars accepted (see the YAML note on numbers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Token(String);

impl Token {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Token {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        checked(d, |s| {
            let s = s.trim();
            if s.is_empty() {
                Err("the value is empty".to_owned())
            } else {
                Ok(Token(s.to_owned()))
            }
        })
    }
}

macro_rules! checked_string {
    ($(#[$m:meta])* $name:ident, $check:expr) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);
        impl $name {
            /// Checks and builds the value.
            pub fn new(input: &str) -> Result<Self, String> {
                let check: fn(&str) -> Result<String, String> = $check;
                check(input).map($name)
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                checked(d, $name::new)
            }
        }
    };
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphanumeric())
        && s.len() <= 128
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

checked_string!(
    /// A dataset identifier: `^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$`; it is the last segment
    /// of the dataset IRI and its `dct:identifier`.
    Identifier,
    |s| {
        if is_identifier(s) {
            Ok(s.to_owned())
        } else {
            Err(format!(
                "`{s}` is not a valid identifier: use 1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit"
            ))
        }
    }
);

checked_string!(
    /// A local name used in hash IRIs (distribution ids, table names): letters, digits,
    /// `.`, `_` and `-`, starting with a letter or digit.
    LocalName,
    |s| {
        if is_identifier(s) && s.len() <= 64 {
            Ok(s.to_owned())
        } else {
            Err(format!(
                "`{s}` is not a valid name: use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit"
            ))
        }
    }
);

checked_string!(
    /// An absolute IRI (e.g. `https://…`).
    Iri,
    |s| {
        let s = s.trim();
        match NamedNode::new(s) {
            Ok(_) if s.contains(':') => Ok(s.to_owned()),
            _ => Err(format!("`{s}` is not an absolute IRI (e.g. https://example.org/page)")),
        }
    }
);

checked_string!(
    /// An e-mail address (a leading `mailto:` is accepted and dropped).
    Email,
    |s| {
        let s = s.trim();
        let s = s.strip_prefix("mailto:").unwrap_or(s);
        let ok = match s.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !s.chars().any(|c| c.is_whitespace() || matches!(c, '<' | '>' | '"' | ',' | ';'))
                    && !domain.contains('@')
            }
            None => false,
        };
        if ok {
            Ok(s.to_owned())
        } else {
            Err(format!("`{s}` is not an e-mail address"))
        }
    }
);

checked_string!(
    /// A telephone number: digits, spaces and `+ ( ) . -`.
    Telephone,
    |s| {
        let s = s.trim();
        if s.chars().any(|c| c.is_ascii_digit())
            && s.chars().all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '(' | ')' | '.' | '-'))
        {
            Ok(s.to_owned())
        } else {
            Err(format!("`{s}` is not a telephone number (e.g. +33 1 23 45 67 89)"))
        }
    }
);

checked_string!(
    /// A date (`2024-01-31`), a date-time (`2024-01-31T08:00:00Z`), a year-month (`2024-01`)
    /// or a year (`2024`), written with the matching XSD datatype.
    DateValue,
    |s| {
        let s = s.trim();
        if date_datatype(s).is_some() {
            Ok(s.to_owned())
        } else {
            Err(format!(
                "`{s}` is not a date: use YYYY-MM-DD, YYYY-MM-DDThh:mm:ss (with an optional Z or ±hh:mm), YYYY-MM or YYYY"
            ))
        }
    }
);

impl DateValue {
    fn literal(&self) -> Literal {
        let dt = date_datatype(&self.0).unwrap_or(XSD_STRING);
        Literal::new_typed_literal(self.0.clone(), dt)
    }
    /// The value as `YYYY-MM-DD` comparable text (start of the period it denotes).
    fn sort_key(&self) -> String {
        let s = &self.0;
        match s.len() {
            4 => format!("{s}-01-01"),
            7 => format!("{s}-01"),
            _ => s.chars().take(10).collect(),
        }
    }
}

checked_string!(
    /// An XSD duration (`P7D`, `P1M`, `PT1H`); weeks are written as days (`P7D`).
    Duration,
    |s| {
        let s = s.trim();
        if is_xsd_duration(s) {
            Ok(s.to_owned())
        } else {
            Err(format!(
                "`{s}` is not an XSD duration (e.g. P1D, P7D for a week, P1M, PT1H; the ISO week form P1W is not allowed in XSD)"
            ))
        }
    }
);

checked_string!(
    /// An IANA media type (`text/csv`), or its IRI under https://www.iana.org/assignments/media-types/.
    MediaType,
    |s| {
        let s = s.trim();
        let raw = s
            .strip_prefix("http://www.iana.org/assignments/media-types/")
            .or_else(|| s.strip_prefix("https://www.iana.org/assignments/media-types/"))
            .unwrap_or(s)
            .to_ascii_lowercase();
        let ok = match raw.split_once('/') {
            Some((t, sub)) => {
                let part = |p: &str| {
                    !p.is_empty()
                        && p.chars().all(|c| c.is_ascii_alphanumeric() || "!#$&-^_.+".contains(c))
                };
                part(t) && part(sub)
            }
            None => false,
        };
        if ok {
            Ok(raw)
        } else {
            Err(format!("`{s}` is not an IANA media type (e.g. text/csv, application/json)"))
        }
    }
);

checked_string!(
    /// A DOI (`10.1234/abcd`; `doi:` and `https://doi.org/` prefixes are accepted).
    Doi,
    |s| {
        let s = s.trim();
        let raw = s
            .strip_prefix("https://doi.org/")
            .or_else(|| s.strip_prefix("http://doi.org/"))
            .or_else(|| s.strip_prefix("doi:"))
            .unwrap_or(s);
        let ok = raw.starts_with("10.")
            && raw.split_once('/').is_some_and(|(p, suffix)| p.len() > 3 && !suffix.is_empty())
            && !raw.chars().any(char::is_whitespace);
        if ok {
            Ok(raw.to_owned())
        } else {
            Err(format!("`{s}` is not a DOI (e.g. 10.5072/chu-demo.urgences)"))
        }
    }
);

checked_string!(
    /// A GeoNames feature id (digits).
    GeonamesId,
    |s| {
        let s = s.trim();
        let raw = s
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or(s);
        if !raw.is_empty() && raw.len() <= 12 && raw.chars().all(|c| c.is_ascii_digit()) {
            Ok(raw.to_owned())
        } else {
            Err(format!("`{s}` is not a GeoNames id (e.g. 2988507)"))
        }
    }
);

checked_string!(
    /// A personal data category of the DPV personal data taxonomy (`Age`, `Gender`,
    /// `HealthRecord`…), or its IRI under https://w3id.org/dpv/dpv-pd#.
    PersonalDataCategory,
    |s| {
        let s = s.trim();
        let raw = s.strip_prefix(DPV_PD).unwrap_or(s);
        let mut chars = raw.chars();
        if matches!(chars.next(), Some(c) if c.is_ascii_uppercase())
            && raw.len() <= 64
            && chars.all(|c| c.is_ascii_alphanumeric())
        {
            Ok(raw.to_owned())
        } else {
            Err(format!(
                "`{s}` is not a DPV personal data category (e.g. Age, Gender, HealthRecord)"
            ))
        }
    }
);

checked_string!(
    /// A reference to another dataset: an absolute IRI, or the identifier of a dataset of
    /// this node (resolved to `{base}datasets/{identifier}`).
    DatasetRef,
    |s| {
        let s = s.trim();
        if is_identifier(s) || (s.contains(':') && NamedNode::new(s).is_ok()) {
            Ok(s.to_owned())
        } else {
            Err(format!(
                "`{s}` is neither an absolute IRI nor the identifier of a dataset of this node"
            ))
        }
    }
);

impl DatasetRef {
    fn resolve(&self, base: &str) -> String {
        if is_identifier(&self.0) && !self.0.contains(':') {
            format!("{base}datasets/{}", self.0)
        } else {
            self.0.clone()
        }
    }
}

checked_string!(
    /// An applicable legislation: an ELI IRI, or one of the shorthands `EHDS`
    /// (Regulation (EU) 2025/327), `GDPR` (2016/679) and `DGA` (2022/868).
    Legislation,
    |s| {
        let s = s.trim();
        match s.to_ascii_uppercase().as_str() {
            "EHDS" => return Ok(EHDS.to_owned()),
            "GDPR" | "RGPD" => return Ok(GDPR.to_owned()),
            "DGA" => return Ok(DGA.to_owned()),
            _ => {}
        }
        if s.contains(':') && NamedNode::new(s).is_ok() {
            Ok(s.to_owned())
        } else {
            Err(format!(
                "`{s}` is not a legislation IRI (e.g. {EHDS}) nor one of EHDS, GDPR, DGA"
            ))
        }
    }
);

checked_string!(
    /// A CSVW built-in datatype name (`string`, `integer`, `date`, `dateTime`, `boolean`,
    /// `decimal`…).
    CsvwDatatype,
    |s| {
        let s = s.trim();
        match CSVW_DATATYPES.iter().find(|d| d.eq_ignore_ascii_case(s)) {
            Some(d) => Ok((*d).to_owned()),
            None => Err(format!(
                "`{s}` is not a CSVW datatype; accepted: {}",
                CSVW_DATATYPES.join(", ")
            )),
        }
    }
);

checked_string!(
    /// A table of the OMOP CDM 5.4.
    OmopTable,
    |s| {
        let s = s.trim().to_ascii_lowercase();
        if OMOP_TABLES.contains(&s.as_str()) {
            Ok(s)
        } else {
            Err(format!(
                "`{s}` is not an OMOP CDM 5.4 table; accepted: {}",
                OMOP_TABLES.join(", ")
            ))
        }
    }
);

#[rustfmt::skip]
const CSVW_DATATYPES: &[&str] = &[
    "any", "anyAtomicType", "anyURI", "base64Binary", "binary", "boolean", "byte", "date",
    "dateTime", "dateTimeStamp", "datetime", "dayTimeDuration", "decimal", "double", "duration",
    "float", "gDay", "gMonth", "gMonthDay", "gYear", "gYearMonth", "hexBinary", "html", "int",
    "integer", "json", "language", "long", "Name", "negativeInteger", "NMTOKEN",
    "nonNegativeInteger", "nonPositiveInteger", "normalizedString", "number", "positiveInteger",
    "QName", "short", "string", "time", "token", "unsignedByte", "unsignedInt", "unsignedLong",
    "unsignedShort", "xml", "yearMonthDuration",
];

#[rustfmt::skip]
const OMOP_TABLES: &[&str] = &[
    "care_site", "cdm_source", "cohort", "cohort_definition", "concept", "concept_ancestor",
    "concept_class", "concept_relationship", "concept_synonym", "condition_era",
    "condition_occurrence", "cost", "death", "device_exposure", "domain", "dose_era",
    "drug_era", "drug_exposure", "drug_strength", "episode", "episode_event",
    "fact_relationship", "location", "measurement", "metadata", "note", "note_nlp",
    "observation", "observation_period", "payer_plan_period", "person", "procedure_occurrence",
    "provider", "relationship", "source_to_concept_map", "specimen", "visit_detail",
    "visit_occurrence", "vocabulary",
];

/// The documentation of the OMOP CDM 5.4, one anchor per table.
pub const OMOP_CDM_DOC: &str = "https://ohdsi.github.io/CommonDataModel/cdm54.html";

fn date_datatype(s: &str) -> Option<NamedNodeRef<'static>> {
    use time::macros::format_description;
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|x| x.iter().all(u8::is_ascii_digit));
    match s.len() {
        4 if digits(0..4) => Some(XSD_G_YEAR),
        7 if digits(0..4) && b[4] == b'-' && digits(5..7) => {
            let m: u8 = s[5..7].parse().ok()?;
            (1..=12).contains(&m).then_some(XSD_G_YEAR_MONTH)
        }
        10 => time::Date::parse(s, format_description!("[year]-[month]-[day]"))
            .ok()
            .map(|_| XSD_DATE),
        _ if s.len() > 10 && s.as_bytes()[10] == b'T' => {
            let with_offset =
                time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
                    .is_ok();
            let local = time::PrimitiveDateTime::parse(
                s,
                format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]"),
            )
            .is_ok()
                || time::PrimitiveDateTime::parse(
                    s,
                    format_description!(
                        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond]"
                    ),
                )
                .is_ok();
            (with_offset || local).then_some(XSD_DATE_TIME)
        }
        _ => None,
    }
}

fn is_xsd_duration(s: &str) -> bool {
    let s = s.strip_prefix('-').unwrap_or(s);
    let Some(rest) = s.strip_prefix('P') else {
        return false;
    };
    let (date, time) = match rest.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (rest, None),
    };
    // Each part is a sequence of <number><designator> with designators in order.
    fn part(text: &str, designators: &[char], allow_fraction_last: bool) -> Option<usize> {
        let mut count = 0;
        let mut pos = 0;
        let mut number = String::new();
        for c in text.chars() {
            if c.is_ascii_digit() || (c == '.' && allow_fraction_last) {
                number.push(c);
                continue;
            }
            let idx = designators.iter().position(|d| *d == c)?;
            if idx < pos || number.is_empty() || number.starts_with('.') || number.ends_with('.') {
                return None;
            }
            if number.contains('.') && !(allow_fraction_last && idx == designators.len() - 1) {
                return None;
            }
            pos = idx + 1;
            count += 1;
            number.clear();
        }
        number.is_empty().then_some(count)
    }
    let Some(date_parts) = part(date, &['Y', 'M', 'D'], false) else {
        return false;
    };
    match time {
        None => date_parts > 0,
        Some(t) => matches!(part(t, &['H', 'M', 'S'], true), Some(n) if n > 0),
    }
}

// ---------------------------------------------------------------------------------------
// Multilingual text
// ---------------------------------------------------------------------------------------

/// Text per language: `{ fr: "…", en: "…" }`. Keys are BCP 47 language tags.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(transparent)]
pub struct LangMap(BTreeMap<String, String>);

impl LangMap {
    pub fn get(&self, lang: &str) -> Option<&str> {
        self.0.get(lang).map(String::as_str)
    }
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// Builds a map from `(language, text)` pairs, checking tags and texts.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, String> {
        let mut map = BTreeMap::new();
        for (lang, text) in pairs {
            let (lang, text) = check_lang_entry(lang, text)?;
            map.insert(lang, text);
        }
        Ok(LangMap(map))
    }
}

fn check_lang_entry(lang: &str, text: &str) -> Result<(String, String), String> {
    let tag = lang.trim().to_ascii_lowercase();
    if Literal::new_language_tagged_literal("", tag.clone()).is_err() || tag.is_empty() {
        return Err(format!(
            "`{lang}` is not a language tag (use e.g. fr, en, de)"
        ));
    }
    let text = text.trim();
    if text.is_empty() {
        return Err(format!("the `{tag}` text is empty"));
    }
    Ok((tag, text.to_owned()))
}

impl<'de> Deserialize<'de> for LangMap {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = LangMap;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a text per language, e.g. { fr: \"…\", en: \"…\" }")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<LangMap, A::Error> {
                let mut out = BTreeMap::new();
                while let Some(lang) = map.next_key::<String>()? {
                    let text = map.next_value::<StringLike>()?;
                    let (tag, text) =
                        check_lang_entry(&lang, &text.0).map_err(de::Error::custom)?;
                    if out.insert(tag.clone(), text).is_some() {
                        return Err(de::Error::custom(format!(
                            "the `{tag}` text is given twice"
                        )));
                    }
                }
                if out.is_empty() {
                    return Err(de::Error::custom(
                        "give the text per language, e.g. { fr: \"…\", en: \"…\" }",
                    ));
                }
                Ok(LangMap(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// Keywords per language: `{ fr: [urgences, …], en: [emergency department, …] }`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(transparent)]
pub struct LangList(BTreeMap<String, Vec<String>>);

impl LangList {
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0
            .iter()
            .flat_map(|(k, vs)| vs.iter().map(move |v| (k.as_str(), v.as_str())))
    }
    pub fn is_empty(&self) -> bool {
        self.0.values().all(Vec::is_empty)
    }
}

impl<'de> Deserialize<'de> for LangList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = LangList;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list per language, e.g. { fr: [a, b], en: [c] }")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<LangList, A::Error> {
                let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
                while let Some(lang) = map.next_key::<String>()? {
                    let values = map.next_value::<Vec<StringLike>>()?;
                    if values.is_empty() {
                        return Err(de::Error::custom(format!("the `{lang}` list is empty")));
                    }
                    for v in values {
                        let (tag, text) =
                            check_lang_entry(&lang, &v.0).map_err(de::Error::custom)?;
                        let entry = out.entry(tag).or_default();
                        if !entry.contains(&text) {
                            entry.push(text);
                        }
                    }
                }
                Ok(LangList(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// A name or short text: either plain (`CHU Demo`) or per language (`{ fr: …, en: … }`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Text {
    Plain(String),
    Lang(LangMap),
}

impl Text {
    fn literals(&self) -> Vec<Literal> {
        match self {
            Text::Plain(s) => vec![Literal::new_simple_literal(s.clone())],
            Text::Lang(m) => m
                .iter()
                .map(|(l, v)| Literal::new_language_tagged_literal_unchecked(v, l))
                .collect(),
        }
    }
    fn count(&self) -> usize {
        match self {
            Text::Plain(_) => 1,
            Text::Lang(m) => m.len(),
        }
    }
    /// The text in `lang`, else any text.
    pub fn preferred(&self, lang: &str) -> &str {
        match self {
            Text::Plain(s) => s,
            Text::Lang(m) => m
                .get(lang)
                .or_else(|| m.iter().next().map(|(_, v)| v))
                .unwrap_or(""),
        }
    }
}

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Text::Plain(t) => s.serialize_str(t),
            Text::Lang(m) => m.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a text, or a text per language such as { fr: \"…\", en: \"…\" }")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
                let v = v.trim();
                if v.is_empty() {
                    return Err(E::custom("the text is empty"));
                }
                Ok(Text::Plain(v.to_owned()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Text, A::Error> {
                LangMap::deserialize(de::value::MapAccessDeserializer::new(map)).map(Text::Lang)
            }
        }
        d.deserialize_any(V)
    }
}

// ---------------------------------------------------------------------------------------
// The dataset record
// ---------------------------------------------------------------------------------------

/// The three HealthDCAT-AP access tiers (`dct:accessRights`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccessRights {
    #[serde(alias = "PUBLIC")]
    Public,
    #[serde(alias = "RESTRICTED")]
    Restricted,
    #[serde(alias = "NON_PUBLIC", alias = "non-public")]
    NonPublic,
}

impl AccessRights {
    pub fn code(self) -> &'static str {
        match self {
            AccessRights::Public => "PUBLIC",
            AccessRights::Restricted => "RESTRICTED",
            AccessRights::NonPublic => "NON_PUBLIC",
        }
    }
}

/// One dataset, as written in YAML. Every field is optional at the serde level so that a
/// `defaults:` block can supply it; [`parse_yaml`] and [`DatasetSpec::to_graph`] check that
/// the mandatory ones are present. The YAML keys are the field names.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatasetSpec {
    /// → `dct:identifier`, and the dataset IRI `{base}datasets/{identifier}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identifier: Option<Identifier>,
    /// → `dct:title` (fr and en required).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<LangMap>,
    /// → `dct:description` (fr and en required).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<LangMap>,
    /// → `dct:alternative`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alternative_title: Option<LangMap>,
    /// → `dcat:keyword`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keywords: Option<LangList>,
    /// → `dct:accessRights`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_rights: Option<AccessRights>,
    /// → `dcat:theme` (default `[HEAL]`; must contain HEAL).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub themes: Vec<Code<DataTheme>>,
    /// → `healthdcatap:healthCategory` (at least one).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub health_categories: Vec<Code<HealthCategory>>,
    /// → `healthdcatap:healthTheme`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub health_themes: Vec<Code<HealthTheme>>,
    /// → `dct:type`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dataset_types: Vec<Code<DatasetType>>,
    /// → `dcatap:applicableLegislation` (at least one).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub applicable_legislation: Vec<Legislation>,
    /// → `dpv:hasLegalBasis`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub legal_basis: Vec<LegalBasis>,
    /// → `dpv:hasPurpose`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub purposes: Vec<LangMap>,
    /// → `dpv:hasPersonalData`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub personal_data: Vec<PersonalDataCategory>,
    /// → `dct:publisher` (required by Hublot).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publisher: Option<Agent>,
    /// The health data holder → `geodcatap:custodian`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custodian: Option<Agent>,
    /// → `healthdcatap:hdab` (required).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hdab: Option<Agent>,
    /// → `healthdcatap:hdabCoordinator`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hdab_coordinator: Option<Agent>,
    /// → `dct:creator`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub creators: Vec<Agent>,
    /// → `dcat:contactPoint` (`vcard:Kind`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub contact_points: Vec<ContactPoint>,
    /// → one more `dcat:contactPoint`, with `vcard:role` "data protection officer".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_protection_officer: Option<ContactPoint>,
    /// → `dct:temporal` (`dct:PeriodOfTime`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub temporal_coverage: Option<Period>,
    /// → `dct:spatial` (`dct:Location`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub spatial_coverage: Vec<Location>,
    /// → `dcat:temporalResolution`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub temporal_resolution: Option<Duration>,
    /// → `dcat:spatialResolutionInMeters`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spatial_resolution_m: Option<f64>,
    /// → `dct:accrualPeriodicity`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frequency: Option<Code<Frequency>>,
    /// → `dct:language`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub languages: Vec<Code<Language>>,
    /// → `dct:issued`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issued: Option<DateValue>,
    /// → `dct:modified`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub modified: Option<DateValue>,
    /// → `dcat:version`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<Token>,
    /// → `adms:versionNotes`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_notes: Option<LangMap>,
    /// → `dcat:landingPage`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub landing_page: Option<Iri>,
    /// → `foaf:page`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub documentation: Vec<Iri>,
    /// → `dct:isReferencedBy`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub is_referenced_by: Vec<Iri>,
    /// → `dct:relation`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<DatasetRef>,
    /// → `dct:source` (datasets this one is derived from).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<DatasetRef>,
    /// → `adms:identifier` (`https://doi.org/…`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doi: Option<Doi>,
    /// → `adms:identifier`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub other_identifiers: Vec<OtherIdentifier>,
    /// → `dct:bibliographicCitation`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub citation: Option<Text>,
    /// → `cv:hasCost` (`cv:Cost`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fees: Vec<Fee>,
    /// → `dqv:hasQualityAnnotation` (`dqv:QualityCertificate`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub quality_annotations: Vec<QualityAnnotation>,
    /// → `healthdcatap:hasCodingSystem`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub coding_systems: Vec<Code<CodingSystem>>,
    /// → `healthdcatap:hasCodeValues`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub code_values: Vec<Token>,
    /// → `dct:conformsTo`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conforms_to: Vec<Code<Standard>>,
    /// → `healthdcatap:populationCoverage`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub population_coverage: Option<LangMap>,
    /// → `healthdcatap:minTypicalAge`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_typical_age: Option<u16>,
    /// → `healthdcatap:maxTypicalAge`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_typical_age: Option<u16>,
    /// → `healthdcatap:numberOfRecords`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number_of_records: Option<u64>,
    /// → `healthdcatap:numberOfUniqueIndividuals`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number_of_unique_individuals: Option<u64>,
    /// → `healthdcatap:retentionPeriod`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retention_period: Option<Period>,
    /// → `dct:provenance` (`dct:ProvenanceStatement`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provenance: Option<LangMap>,
    /// → `prov:wasGeneratedBy` (`prov:Activity`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub generated_by: Vec<Activity>,
    /// → `healthdcatap:hasStructuredData` (default: whether `variables` is given).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub structured_data: Option<bool>,
    /// → `healthdcatap:hasVariables` (a `csvw:TableGroup`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variables: Option<Variables>,
    /// → `dcat:distribution` (at least one).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub distributions: Vec<Distribution>,
    /// → `adms:sample`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub samples: Vec<Distribution>,
    /// → `healthdcatap:analytics`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub analytics: Vec<Distribution>,
}

/// An organisation: publisher, data holder, HDAB, HDAB coordinator or creator.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Agent {
    /// → `foaf:name`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<Text>,
    /// HealthData@EU publisher type → `dct:type`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<Code<PublisherType>>,
    /// → `foaf:homepage`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub homepage: Option<Iri>,
    /// One note (one language) → `dct:description` (the HealthDCAT-AP "publisher note").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<Text>,
    /// → `healthdcatap:trustedDataHolder`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trusted_data_holder: Option<bool>,
    /// → `cv:contactPoint` (`cv:ContactPoint`); required except for creators.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<AgentContact>,
}

/// The contact of an organisation (`cv:ContactPoint`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AgentContact {
    /// → `cv:email`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<Email>,
    /// → `cv:contactPage`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<Iri>,
    /// → `cv:telephone`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub telephone: Option<Telephone>,
    /// → `cv:openingHours` (`time:TemporalEntity` with this description).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub opening_hours: Option<LangMap>,
}

/// A contact point of the dataset (`vcard:Kind`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ContactPoint {
    /// → `vcard:fn`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<Text>,
    /// → `vcard:hasEmail` (`mailto:` IRI).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<Email>,
    /// → `vcard:hasURL`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<Iri>,
    /// → `vcard:hasTelephone` (`tel:` IRI).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub telephone: Option<Telephone>,
}

/// A period (`dct:PeriodOfTime`); at least one bound.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Period {
    /// → `dcat:startDate`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<DateValue>,
    /// → `dcat:endDate`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<DateValue>,
}

/// A place covered by the dataset (`dct:spatial`): exactly one of `country`, `place`,
/// `continent` (EU authority tables) or `geonames`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<Code<Country>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub place: Option<Code<Place>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub continent: Option<Code<Continent>>,
    /// A GeoNames feature (region, city…) → `https://sws.geonames.org/{id}/`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub geonames: Option<GeonamesId>,
    /// → `skos:prefLabel` (used for GeoNames places).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<LangMap>,
    /// WKT polygon → `dcat:bbox`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bbox: Option<Token>,
    /// WKT point → `dcat:centroid`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub centroid: Option<Token>,
}

/// A legal basis for processing personal data (`dpv:LegalBasis`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LegalBasis {
    /// → `dct:description`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<LangMap>,
    /// The texts it rests on → `dct:source`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<Iri>,
}

/// Another identifier of the dataset (`adms:Identifier`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OtherIdentifier {
    /// → `skos:notation` (typed `xsd:anyURI` when it is an IRI).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notation: Option<Token>,
    /// → `adms:schemaAgency`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agency: Option<Token>,
    /// → `dct:issued`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issued: Option<DateValue>,
}

/// A fee for access (`cv:Cost`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Fee {
    /// → `cv:value`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<f64>,
    /// → `cv:currency`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<Code<Currency>>,
    /// → `dct:description`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<LangMap>,
}

/// A quality statement (`dqv:QualityCertificate`): a document, a note, or both.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct QualityAnnotation {
    /// A certificate or report → `oa:hasBody`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document: Option<Iri>,
    /// A note → `oa:hasBody` (`oa:TextualBody`, one per language).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<LangMap>,
}

/// The activity that generated the data (`prov:Activity`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Activity {
    /// HealthData@EU health activity → `dct:type`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<Code<HealthActivity>>,
    /// → `rdfs:label`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<LangMap>,
}

/// The variable dictionary (`csvw:TableGroup`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Variables {
    /// → `dct:title` (default: "Dictionnaire des variables : {title}" / "Variable dictionary: {title}").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<LangMap>,
    /// → `dct:description`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<LangMap>,
    /// → `csvw:table`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tables: Vec<Table>,
}

/// A table (`csvw:Table`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Table {
    /// The table's name, used in its IRI `#table-{name}` and → `dct:identifier`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<LocalName>,
    /// → `dct:title`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<LangMap>,
    /// → `dct:description`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<LangMap>,
    /// → `dcat:keyword`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keywords: Option<LangList>,
    /// Where the tabular data can be downloaded → `csvw:url`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<Iri>,
    /// The OMOP CDM 5.4 table this table follows: → `foaf:page` to its documentation, and
    /// the default `csvw:propertyUrl` of its columns.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub omop_table: Option<OmopTable>,
    /// → `csvw:column`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<Column>,
}

/// A column, i.e. a variable (`csvw:Column`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Column {
    /// → `csvw:name`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<Token>,
    /// → `csvw:title`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<LangMap>,
    /// → `dct:description`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<LangMap>,
    /// → `csvw:datatype`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub datatype: Option<CsvwDatatype>,
    /// → `csvw:propertyUrl` (e.g. an OMOP concept or a classification).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub property_url: Option<Iri>,
    /// → `csvw:required`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
}

/// A distribution (also used for samples and analytics).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Distribution {
    /// Local name in its IRI `#distribution-{id}` (default: its position, from 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<LocalName>,
    /// → `dct:title`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<LangMap>,
    /// → `dct:description`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<LangMap>,
    /// → `dcat:accessURL` (required).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_url: Option<Iri>,
    /// → `dcat:downloadURL`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub download_url: Option<Iri>,
    /// EU file type → `dct:format`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<Code<FileType>>,
    /// IANA media type → `dcat:mediaType`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub media_type: Option<MediaType>,
    /// → `dcat:compressFormat`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compress_format: Option<MediaType>,
    /// → `dcat:packageFormat`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub package_format: Option<MediaType>,
    /// → `dct:license`: an EU licence code, or a licence document.
    #[serde(
        deserialize_with = "licence_from_code",
        skip_serializing_if = "Option::is_none"
    )]
    pub licence: Option<LicenceSpec>,
    /// → `dct:rights` (`dct:RightsStatement`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rights: Option<LangMap>,
    /// → `adms:status`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Code<DistributionStatus>>,
    /// → `dcatap:availability`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub availability: Option<Code<Availability>>,
    /// → `dcat:byteSize`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub byte_size: Option<u64>,
    /// → `dct:language`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub languages: Vec<Code<Language>>,
    /// → `dcatap:applicableLegislation` (default: the dataset's).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub applicable_legislation: Vec<Legislation>,
    /// → `dct:issued`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issued: Option<DateValue>,
    /// → `dct:modified`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub modified: Option<DateValue>,
    /// → `foaf:page`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub documentation: Vec<Iri>,
}

/// A licence: an EU licence code (`CC_BY_4_0`), or a licence document of the data holder.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LicenceSpec {
    /// EU licence table code (`CC_BY_4_0`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<Code<Licence>>,
    /// The licence's own IRI, for a licence that is not in the EU table.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iri: Option<Iri>,
    /// → `dct:title` (required without `code`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<LangMap>,
    /// ADMS licence types → `dct:type`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub types: Vec<Code<LicenceType>>,
    /// The licence text → `foaf:page`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<Iri>,
}

// A licence may be written as a bare EU code: `licence: CC_BY_4_0`.
fn licence_from_code<'de, D: Deserializer<'de>>(d: D) -> Result<Option<LicenceSpec>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = LicenceSpec;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(
                "an EU licence code such as CC_BY_4_0, or a mapping with code/iri/title/types/page",
            )
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<LicenceSpec, E> {
            Ok(LicenceSpec {
                code: Some(Code::new(v).map_err(E::custom)?),
                ..LicenceSpec::default()
            })
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<LicenceSpec, A::Error> {
            LicenceSpec::deserialize(de::value::MapAccessDeserializer::new(map))
        }
    }
    d.deserialize_any(V).map(Some)
}

// ---------------------------------------------------------------------------------------
// Defaults and checks
// ---------------------------------------------------------------------------------------

macro_rules! take_defaults {
    ($s:ident, $d:ident; options: [$($o:ident),* $(,)?]; lists: [$($l:ident),* $(,)?]) => {
        $( if $s.$o.is_none() { $s.$o = $d.$o.clone(); } )*
        $( if $s.$l.is_empty() { $s.$l = $d.$l.clone(); } )*
    };
}

impl DatasetSpec {
    /// The dataset's identifier ("" when missing, which [`parse_yaml`] never lets through).
    pub fn identifier(&self) -> &str {
        self.identifier.as_ref().map_or("", Identifier::as_str)
    }

    /// The dataset IRI under a node's public URL.
    pub fn iri(&self, base: &str) -> String {
        format!("{base}datasets/{}", self.identifier())
    }

    /// This dataset with every field it does not set taken from `defaults` (whole values:
    /// a list or a block given in the dataset replaces the default one).
    pub fn with_defaults(mut self, defaults: &DatasetSpec) -> DatasetSpec {
        let d = defaults;
        let s = &mut self;
        take_defaults!(s, d;
            options: [
                identifier, title, description, alternative_title, keywords, access_rights,
                publisher, custodian, hdab, hdab_coordinator, data_protection_officer,
                temporal_coverage, temporal_resolution, spatial_resolution_m, frequency, issued,
                modified, version, version_notes, landing_page, doi, citation,
                population_coverage, min_typical_age, max_typical_age, number_of_records,
                number_of_unique_individuals, retention_period, provenance, structured_data,
                variables,
            ];
            lists: [
                themes, health_categories, health_themes, dataset_types, applicable_legislation,
                legal_basis, purposes, personal_data, creators, contact_points, spatial_coverage,
                languages, documentation, is_referenced_by, related, sources, other_identifiers,
                fees, quality_annotations, coding_systems, code_values, conforms_to, generated_by,
                distributions, samples, analytics,
            ]
        );
        self
    }

    /// Checks that the dataset is complete and consistent; paths in errors start with
    /// `prefix` (e.g. `datasets[2]`).
    pub fn check(&self, prefix: &str) -> Result<(), AuthoringError> {
        let at = |f: &str| join(prefix, f);
        let missing = |f: &str, what: &str| {
            invalid(
                at(f),
                format!(
                    "missing mandatory field `{f}` ({what}); it may also be given once in `defaults:`"
                ),
            )
        };
        if self.identifier.is_none() {
            return Err(invalid(
                at("identifier"),
                "missing mandatory field `identifier` (dct:identifier, e.g. chu-demo-urgences)",
            ));
        }
        for (field, value, what) in [
            ("title", &self.title, "dct:title"),
            ("description", &self.description, "dct:description"),
        ] {
            let Some(map) = value else {
                return Err(missing(field, &format!("{what}, in fr and en")));
            };
            for lang in ["fr", "en"] {
                if map.get(lang).is_none() {
                    return Err(invalid(
                        at(field),
                        format!(
                            "give the {field} in French and English: the `{lang}` text is missing"
                        ),
                    ));
                }
            }
        }
        let Some(access) = self.access_rights else {
            return Err(missing("access_rights", "public, restricted or non_public"));
        };
        if !self.themes.is_empty() && !self.themes.iter().any(|t| t.as_str() == "HEAL") {
            return Err(invalid(
                at("themes"),
                "HealthDCAT-AP requires the data theme HEAL among the themes",
            ));
        }
        if self.health_categories.is_empty() {
            return Err(missing(
                "health_categories",
                "healthdcatap:healthCategory, at least one code such as EHRS",
            ));
        }
        if self.applicable_legislation.is_empty() {
            return Err(missing(
                "applicable_legislation",
                "dcatap:applicableLegislation, e.g. EHDS",
            ));
        }
        match &self.publisher {
            None => return Err(missing("publisher", "dct:publisher")),
            Some(a) => a.check(&at("publisher"), true)?,
        }
        if let Some(a) = &self.custodian {
            a.check(&at("custodian"), true)?;
        }
        match &self.hdab {
            None => {
                return Err(missing(
                    "hdab",
                    "healthdcatap:hdab, the health data access body",
                ));
            }
            Some(a) => a.check(&at("hdab"), true)?,
        }
        if let Some(a) = &self.hdab_coordinator {
            a.check(&at("hdab_coordinator"), true)?;
        }
        for (i, a) in self.creators.iter().enumerate() {
            a.check(&at(&format!("creators[{i}]")), false)?;
        }
        for (i, c) in self.contact_points.iter().enumerate() {
            c.check(&at(&format!("contact_points[{i}]")))?;
        }
        if let Some(c) = &self.data_protection_officer {
            c.check(&at("data_protection_officer"))?;
        }
        if access == AccessRights::NonPublic {
            let tier = "mandatory for non_public datasets";
            if self.contact_points.is_empty() {
                return Err(missing(
                    "contact_points",
                    &format!("dcat:contactPoint, {tier}"),
                ));
            }
            if self.keywords.as_ref().is_none_or(LangList::is_empty) {
                return Err(missing("keywords", &format!("dcat:keyword, {tier}")));
            }
            if self.dataset_types.is_empty() {
                return Err(missing("dataset_types", &format!("dct:type, {tier}")));
            }
            if self.provenance.is_none() {
                return Err(missing("provenance", &format!("dct:provenance, {tier}")));
            }
        }
        if let Some(p) = &self.temporal_coverage {
            p.check(&at("temporal_coverage"))?;
        }
        if let Some(p) = &self.retention_period {
            p.check(&at("retention_period"))?;
        }
        for (i, l) in self.spatial_coverage.iter().enumerate() {
            l.check(&at(&format!("spatial_coverage[{i}]")))?;
        }
        if let Some(r) = self.spatial_resolution_m
            && !(r.is_finite() && r >= 0.0)
        {
            return Err(invalid(
                at("spatial_resolution_m"),
                "give a number of metres ≥ 0",
            ));
        }
        if let (Some(min), Some(max)) = (self.min_typical_age, self.max_typical_age)
            && min > max
        {
            return Err(invalid(
                at("min_typical_age"),
                format!("the minimum typical age ({min}) is above the maximum ({max})"),
            ));
        }
        for (field, age) in [
            ("min_typical_age", self.min_typical_age),
            ("max_typical_age", self.max_typical_age),
        ] {
            if age.is_some_and(|a| a > 150) {
                return Err(invalid(at(field), "an age is at most 150"));
            }
        }
        for (i, b) in self.legal_basis.iter().enumerate() {
            if b.description.is_none() {
                return Err(invalid(
                    at(&format!("legal_basis[{i}].description")),
                    "missing `description` of the legal basis (dct:description)",
                ));
            }
        }
        for (i, o) in self.other_identifiers.iter().enumerate() {
            if o.notation.is_none() {
                return Err(invalid(
                    at(&format!("other_identifiers[{i}].notation")),
                    "missing `notation` (the identifier itself)",
                ));
            }
        }
        for (i, f) in self.fees.iter().enumerate() {
            let p = at(&format!("fees[{i}]"));
            match f.amount {
                None => return Err(invalid(join(&p, "amount"), "missing `amount` (cv:value)")),
                Some(a) if !(a.is_finite() && a >= 0.0) => {
                    return Err(invalid(join(&p, "amount"), "give an amount ≥ 0"));
                }
                _ => {}
            }
            if f.currency.is_none() {
                return Err(invalid(
                    join(&p, "currency"),
                    "missing `currency` (e.g. EUR)",
                ));
            }
        }
        for (i, q) in self.quality_annotations.iter().enumerate() {
            if q.document.is_none() && q.note.is_none() {
                return Err(invalid(
                    at(&format!("quality_annotations[{i}]")),
                    "give a `document` (IRI of a certificate or report), a `note`, or both",
                ));
            }
        }
        for (i, a) in self.generated_by.iter().enumerate() {
            if a.kind.is_none() && a.label.is_none() {
                return Err(invalid(
                    at(&format!("generated_by[{i}]")),
                    "give the activity `type` (health activity code), a `label`, or both",
                ));
            }
        }
        let structured = self.structured_data.unwrap_or(self.variables.is_some());
        match (&self.variables, structured) {
            (Some(v), true) => v.check(&at("variables"))?,
            (None, true) => {
                return Err(invalid(
                    at("variables"),
                    "structured_data is true: describe the tables and columns under `variables` (healthdcatap:hasVariables)",
                ));
            }
            (Some(_), false) => {
                return Err(invalid(
                    at("structured_data"),
                    "structured_data is false but `variables` are given; remove one of them",
                ));
            }
            (None, false) => {}
        }
        if self.distributions.is_empty() {
            return Err(missing(
                "distributions",
                "dcat:distribution, at least one, e.g. access through the HDAB",
            ));
        }
        for (field, list) in [
            ("distributions", &self.distributions),
            ("samples", &self.samples),
            ("analytics", &self.analytics),
        ] {
            let mut ids = BTreeSet::new();
            for (i, d) in list.iter().enumerate() {
                let p = at(&format!("{field}[{i}]"));
                d.check(&p)?;
                let id = d.local_id(i);
                if !ids.insert(id.clone()) {
                    return Err(invalid(
                        join(&p, "id"),
                        format!("id `{id}` is used twice in `{field}`"),
                    ));
                }
            }
        }
        Ok(())
    }

    /// Converts the dataset into a HealthDCAT-AP graph. `base` is the node's public URL,
    /// ending with `/`; the dataset IRI is `{base}datasets/{identifier}`.
    pub fn to_graph(&self, base: &str) -> Result<Graph, AuthoringError> {
        if !base.ends_with('/') || !base.contains("://") || NamedNode::new(base).is_err() {
            return Err(invalid(
                "base",
                format!("`{base}` must be an absolute http(s) URL ending with '/'"),
            ));
        }
        self.check("")?;
        let mut out = Out::new(base, &self.iri(base));
        out.dataset(self);
        Ok(out.graph)
    }
}

impl Agent {
    fn check(&self, path: &str, needs_contact: bool) -> Result<(), AuthoringError> {
        if self.name.is_none() {
            return Err(invalid(join(path, "name"), "missing `name` (foaf:name)"));
        }
        if let Some(note) = &self.note
            && note.count() != 1
        {
            return Err(invalid(
                join(path, "note"),
                "HealthDCAT-AP allows a single note (dct:description): give it in one language",
            ));
        }
        match &self.contact {
            None if needs_contact => Err(invalid(
                join(path, "contact"),
                "missing `contact` (cv:contactPoint, with an email or a page)",
            )),
            Some(c) if c.email.is_none() && c.page.is_none() => Err(invalid(
                join(path, "contact"),
                "give at least an `email` or a `page`",
            )),
            _ => Ok(()),
        }
    }
}

impl ContactPoint {
    fn check(&self, path: &str) -> Result<(), AuthoringError> {
        if self.email.is_none() && self.url.is_none() {
            return Err(invalid(
                path,
                "give at least an `email` or a `url` (vcard:hasEmail / vcard:hasURL)",
            ));
        }
        Ok(())
    }
}

impl Period {
    fn check(&self, path: &str) -> Result<(), AuthoringError> {
        match (&self.start, &self.end) {
            (None, None) => Err(invalid(path, "give a `start`, an `end`, or both")),
            (Some(s), Some(e)) if s.sort_key() > e.sort_key() => Err(invalid(
                join(path, "end"),
                format!(
                    "the end ({}) is before the start ({})",
                    e.as_str(),
                    s.as_str()
                ),
            )),
            _ => Ok(()),
        }
    }
}

impl Location {
    fn check(&self, path: &str) -> Result<(), AuthoringError> {
        let given = [
            self.country.is_some(),
            self.place.is_some(),
            self.continent.is_some(),
            self.geonames.is_some(),
        ]
        .iter()
        .filter(|b| **b)
        .count();
        if given != 1 {
            return Err(invalid(
                path,
                "give exactly one of `country`, `place`, `continent` or `geonames`",
            ));
        }
        Ok(())
    }
}

impl Variables {
    fn check(&self, path: &str) -> Result<(), AuthoringError> {
        if self.tables.is_empty() {
            return Err(invalid(join(path, "tables"), "describe at least one table"));
        }
        let mut names = BTreeSet::new();
        for (i, t) in self.tables.iter().enumerate() {
            let p = join(path, &format!("tables[{i}]"));
            let Some(name) = &t.name else {
                return Err(invalid(join(&p, "name"), "missing `name` of the table"));
            };
            if !names.insert(name.as_str()) {
                return Err(invalid(
                    join(&p, "name"),
                    format!("table `{}` is described twice", name.as_str()),
                ));
            }
            if t.title.is_none() {
                return Err(invalid(
                    join(&p, "title"),
                    "missing `title` of the table (dct:title)",
                ));
            }
            if t.columns.is_empty() {
                return Err(invalid(join(&p, "columns"), "describe at least one column"));
            }
            let mut cols = BTreeSet::new();
            for (j, c) in t.columns.iter().enumerate() {
                let cp = join(&p, &format!("columns[{j}]"));
                let Some(cname) = &c.name else {
                    return Err(invalid(
                        join(&cp, "name"),
                        "missing `name` of the column (csvw:name)",
                    ));
                };
                if !cols.insert(cname.as_str()) {
                    return Err(invalid(
                        join(&cp, "name"),
                        format!("column `{}` is described twice", cname.as_str()),
                    ));
                }
                if c.title.is_none() {
                    return Err(invalid(
                        join(&cp, "title"),
                        "missing `title` of the column (csvw:title)",
                    ));
                }
                if c.description.is_none() {
                    return Err(invalid(
                        join(&cp, "description"),
                        "missing `description` of the column (dct:description)",
                    ));
                }
                if c.datatype.is_none() {
                    return Err(invalid(
                        join(&cp, "datatype"),
                        "missing `datatype` of the column (csvw:datatype, e.g. integer, string, date)",
                    ));
                }
            }
        }
        Ok(())
    }
}

impl Distribution {
    fn local_id(&self, index: usize) -> String {
        self.id
            .as_ref()
            .map_or_else(|| (index + 1).to_string(), |i| i.as_str().to_owned())
    }

    fn check(&self, path: &str) -> Result<(), AuthoringError> {
        if self.title.is_none() {
            return Err(invalid(join(path, "title"), "missing `title` (dct:title)"));
        }
        if self.access_url.is_none() {
            return Err(invalid(
                join(path, "access_url"),
                "missing mandatory field `access_url` (dcat:accessURL): where to get or request the data",
            ));
        }
        if let Some(l) = &self.licence {
            let p = join(path, "licence");
            match (&l.code, &l.iri) {
                (Some(_), Some(_)) => {
                    return Err(invalid(
                        p,
                        "give either an EU licence `code` or an `iri`, not both",
                    ));
                }
                (None, _) if l.title.is_none() => {
                    return Err(invalid(
                        join(&p, "title"),
                        "a licence that is not an EU licence code needs a `title`",
                    ));
                }
                _ => {}
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// RDF output
// ---------------------------------------------------------------------------------------

macro_rules! ns {
    ($name:ident, $prefix:literal) => {
        macro_rules! $name {
            ($local:literal) => {
                NamedNodeRef::new_unchecked(concat!($prefix, $local))
            };
        }
    };
}
ns!(rdf, "http://www.w3.org/1999/02/22-rdf-syntax-ns#");
ns!(rdfs, "http://www.w3.org/2000/01/rdf-schema#");
ns!(xsd, "http://www.w3.org/2001/XMLSchema#");
ns!(dct, "http://purl.org/dc/terms/");
ns!(dcat, "http://www.w3.org/ns/dcat#");
ns!(dcatap, "http://data.europa.eu/r5r/");
ns!(adms, "http://www.w3.org/ns/adms#");
ns!(foaf, "http://xmlns.com/foaf/0.1/");
ns!(vcard, "http://www.w3.org/2006/vcard/ns#");
ns!(skos, "http://www.w3.org/2004/02/skos/core#");
ns!(cv, "http://data.europa.eu/m8g/");
ns!(dpv, "https://w3id.org/dpv#");
ns!(dqv, "http://www.w3.org/ns/dqv#");
ns!(oa, "http://www.w3.org/ns/oa#");
ns!(prov, "http://www.w3.org/ns/prov#");
ns!(csvw, "http://www.w3.org/ns/csvw#");
ns!(geodcatap, "http://data.europa.eu/930/");
ns!(hd, "http://healthdataportal.eu/ns/health#");
ns!(eli, "http://data.europa.eu/eli/ontology#");
ns!(time, "http://www.w3.org/2006/time#");
ns!(gsp, "http://www.opengis.net/ont/geosparql#");

const XSD_STRING: NamedNodeRef<'static> = xsd!("string");
const XSD_DATE: NamedNodeRef<'static> = xsd!("date");
const XSD_DATE_TIME: NamedNodeRef<'static> = xsd!("dateTime");
const XSD_G_YEAR: NamedNodeRef<'static> = xsd!("gYear");
const XSD_G_YEAR_MONTH: NamedNodeRef<'static> = xsd!("gYearMonth");
const DPV_PD: &str = "https://w3id.org/dpv/dpv-pd#";
const GEONAMES_SCHEME: &str = "http://sws.geonames.org";
const IANA_MEDIA_TYPES: &str = "http://www.iana.org/assignments/media-types/";

/// The prefixes of the namespaces the authoring output uses, for Turtle serialisation.
pub const PREFIXES: &[(&str, &str)] = &[
    ("adms", "http://www.w3.org/ns/adms#"),
    ("csvw", "http://www.w3.org/ns/csvw#"),
    ("cv", "http://data.europa.eu/m8g/"),
    ("dcat", "http://www.w3.org/ns/dcat#"),
    ("dcatap", "http://data.europa.eu/r5r/"),
    ("dct", "http://purl.org/dc/terms/"),
    ("dpv", "https://w3id.org/dpv#"),
    ("dpvpd", DPV_PD),
    ("dqv", "http://www.w3.org/ns/dqv#"),
    ("eli", "http://data.europa.eu/eli/ontology#"),
    ("foaf", "http://xmlns.com/foaf/0.1/"),
    ("geodcatap", "http://data.europa.eu/930/"),
    ("healthdcatap", "http://healthdataportal.eu/ns/health#"),
    ("oa", "http://www.w3.org/ns/oa#"),
    ("prov", "http://www.w3.org/ns/prov#"),
    ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
    ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
    ("skos", "http://www.w3.org/2004/02/skos/core#"),
    ("time", "http://www.w3.org/2006/time#"),
    ("vcard", "http://www.w3.org/2006/vcard/ns#"),
    ("xsd", "http://www.w3.org/2001/XMLSchema#"),
];

/// Well-known extents of countries, so that `dct:Location`s get a bbox and centroid.
fn country_geometry(code: &str) -> Option<(&'static str, &'static str)> {
    match code {
        // Metropolitan France.
        "FRA" => Some((
            "POLYGON((-5.14 41.33, 9.56 41.33, 9.56 51.09, -5.14 51.09, -5.14 41.33))",
            "POINT(2.21 46.23)",
        )),
        _ => None,
    }
}

/// Escapes a text for use in a hash-IRI fragment.
fn fragment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

struct Out {
    graph: Graph,
    base: String,
    ds_iri: String,
    ds: NamedNode,
}

impl Out {
    fn new(base: &str, ds_iri: &str) -> Self {
        Out {
            graph: Graph::new(),
            base: base.to_owned(),
            ds_iri: ds_iri.to_owned(),
            ds: NamedNode::new_unchecked(ds_iri),
        }
    }

    fn local(&self, frag: &str) -> NamedNode {
        NamedNode::new_unchecked(format!("{}#{}", self.ds_iri, frag))
    }

    fn add(&mut self, s: &NamedNode, p: NamedNodeRef<'_>, o: impl Into<Term>) {
        self.graph
            .insert(&Triple::new(s.clone(), p.into_owned(), o.into()));
    }

    fn typed(&mut self, s: &NamedNode, class: NamedNodeRef<'_>) {
        self.add(s, rdf!("type"), class.into_owned());
    }

    fn iri(&mut self, s: &NamedNode, p: NamedNodeRef<'_>, iri: &str) -> NamedNode {
        let o = NamedNode::new_unchecked(iri);
        self.add(s, p, o.clone());
        o
    }

    fn document(&mut self, s: &NamedNode, p: NamedNodeRef<'_>, iri: &Iri) {
        let o = self.iri(s, p, iri.as_str());
        self.typed(&o, foaf!("Document"));
    }

    fn text(&mut self, s: &NamedNode, p: NamedNodeRef<'_>, map: &LangMap) {
        for (lang, value) in map.iter() {
            self.add(
                s,
                p,
                Literal::new_language_tagged_literal_unchecked(value, lang),
            );
        }
    }

    fn plain(&mut self, s: &NamedNode, p: NamedNodeRef<'_>, value: &str) {
        self.add(s, p, Literal::new_simple_literal(value));
    }

    fn typed_literal(
        &mut self,
        s: &NamedNode,
        p: NamedNodeRef<'_>,
        value: String,
        dt: NamedNodeRef<'_>,
    ) {
        self.add(s, p, Literal::new_typed_literal(value, dt));
    }

    /// Emits a concept of a vocabulary, self-described, and returns its IRI.
    fn concept(&mut self, vocab: &Vocabulary, code: &str) -> NamedNode {
        let c = NamedNode::new_unchecked(vocab.iri(code));
        let scheme = NamedNode::new_unchecked(vocab.scheme);
        self.typed(&c, skos!("Concept"));
        self.add(&c, skos!("inScheme"), scheme.clone());
        let (en, fr) = vocab.labels(code);
        self.add(
            &c,
            skos!("prefLabel"),
            Literal::new_language_tagged_literal_unchecked(en, "en"),
        );
        if let Some(fr) = fr {
            self.add(
                &c,
                skos!("prefLabel"),
                Literal::new_language_tagged_literal_unchecked(fr, "fr"),
            );
        }
        self.typed(&scheme, skos!("ConceptScheme"));
        self.add(
            &scheme,
            dct!("title"),
            Literal::new_language_tagged_literal_unchecked(vocab.title, "en"),
        );
        c
    }

    fn link_concept(
        &mut self,
        s: &NamedNode,
        p: NamedNodeRef<'_>,
        vocab: &Vocabulary,
        code: &str,
    ) -> NamedNode {
        let c = self.concept(vocab, code);
        self.add(s, p, c.clone());
        c
    }

    fn period(&mut self, node: &NamedNode, period: &Period) {
        self.typed(node, dct!("PeriodOfTime"));
        if let Some(s) = &period.start {
            self.add(node, dcat!("startDate"), s.literal());
        }
        if let Some(e) = &period.end {
            self.add(node, dcat!("endDate"), e.literal());
        }
    }

    fn legislation(&mut self, s: &NamedNode, list: &[Legislation]) {
        for l in list {
            let o = self.iri(s, dcatap!("applicableLegislation"), l.as_str());
            self.typed(&o, eli!("LegalResource"));
        }
    }

    fn language(&mut self, s: &NamedNode, code: &Code<Language>) {
        let c = self.link_concept(s, dct!("language"), &LANGUAGE, code.as_str());
        self.typed(&c, dct!("LinguisticSystem"));
    }

    fn agent(&mut self, role: &str, agent: &Agent) -> NamedNode {
        let node = self.local(role);
        self.typed(&node, foaf!("Agent"));
        if let Some(name) = &agent.name {
            for l in name.literals() {
                self.add(&node, foaf!("name"), l);
            }
        }
        if let Some(kind) = &agent.kind {
            self.link_concept(&node, dct!("type"), &PUBLISHER_TYPE, kind.as_str());
        }
        if let Some(h) = &agent.homepage {
            self.document(&node, foaf!("homepage"), h);
        }
        if let Some(note) = &agent.note {
            for l in note.literals() {
                self.add(&node, dct!("description"), l);
            }
        }
        if let Some(t) = agent.trusted_data_holder {
            self.typed_literal(
                &node,
                hd!("trustedDataHolder"),
                t.to_string(),
                xsd!("boolean"),
            );
        }
        if let Some(c) = &agent.contact {
            let cp = self.local(&format!("{role}-contact"));
            self.add(&node, cv!("contactPoint"), cp.clone());
            self.typed(&cp, cv!("ContactPoint"));
            if let Some(e) = &c.email {
                self.plain(&cp, cv!("email"), e.as_str());
            }
            if let Some(p) = &c.page {
                self.iri(&cp, cv!("contactPage"), p.as_str());
            }
            if let Some(t) = &c.telephone {
                self.plain(&cp, cv!("telephone"), t.as_str());
            }
            if let Some(h) = &c.opening_hours {
                let hours = self.local(&format!("{role}-contact-hours"));
                self.add(&cp, cv!("openingHours"), hours.clone());
                self.typed(&hours, time!("TemporalEntity"));
                self.text(&hours, dct!("description"), h);
            }
        }
        node
    }

    fn contact_point(&mut self, frag: &str, c: &ContactPoint, role: Option<&LangMap>) -> NamedNode {
        let node = self.local(frag);
        self.typed(&node, vcard!("Kind"));
        if let Some(n) = &c.name {
            for l in n.literals() {
                self.add(&node, vcard!("fn"), l);
            }
        }
        if let Some(e) = &c.email {
            self.iri(&node, vcard!("hasEmail"), &format!("mailto:{}", e.as_str()));
        }
        if let Some(u) = &c.url {
            self.iri(&node, vcard!("hasURL"), u.as_str());
        }
        if let Some(t) = &c.telephone {
            let digits: String = t
                .as_str()
                .chars()
                .filter(|c| c.is_ascii_digit() || *c == '+')
                .collect();
            self.iri(&node, vcard!("hasTelephone"), &format!("tel:{digits}"));
        }
        if let Some(role) = role {
            self.text(&node, vcard!("role"), role);
        }
        node
    }

    fn location(&mut self, l: &Location) -> NamedNode {
        let node = if let Some(c) = &l.country {
            self.concept(&COUNTRY, c.as_str())
        } else if let Some(p) = &l.place {
            self.concept(&PLACE, p.as_str())
        } else if let Some(c) = &l.continent {
            self.concept(&CONTINENT, c.as_str())
        } else if let Some(g) = &l.geonames {
            let node =
                NamedNode::new_unchecked(format!("https://sws.geonames.org/{}/", g.as_str()));
            let scheme = NamedNode::new_unchecked(GEONAMES_SCHEME);
            self.typed(&node, skos!("Concept"));
            self.add(&node, skos!("inScheme"), scheme.clone());
            match &l.label {
                Some(label) => self.text(&node, skos!("prefLabel"), label),
                None => self.add(
                    &node,
                    skos!("prefLabel"),
                    Literal::new_language_tagged_literal_unchecked(
                        format!("GeoNames {}", g.as_str()),
                        "en",
                    ),
                ),
            }
            self.typed(&scheme, skos!("ConceptScheme"));
            self.add(
                &scheme,
                dct!("title"),
                Literal::new_language_tagged_literal_unchecked("GeoNames", "en"),
            );
            node
        } else {
            // `check` guarantees one of the four.
            self.local("location")
        };
        self.typed(&node, dct!("Location"));
        let defaults = l
            .country
            .as_ref()
            .and_then(|c| country_geometry(c.as_str()));
        let bbox = l
            .bbox
            .as_ref()
            .map(|t| t.as_str().to_owned())
            .or_else(|| defaults.map(|d| d.0.to_owned()));
        let centroid = l
            .centroid
            .as_ref()
            .map(|t| t.as_str().to_owned())
            .or_else(|| defaults.map(|d| d.1.to_owned()));
        if let Some(b) = bbox {
            self.typed_literal(&node, dcat!("bbox"), b, gsp!("wktLiteral"));
        }
        if let Some(c) = centroid {
            self.typed_literal(&node, dcat!("centroid"), c, gsp!("wktLiteral"));
        }
        node
    }

    fn media_type(&mut self, s: &NamedNode, p: NamedNodeRef<'_>, m: &MediaType) {
        let o = self.iri(s, p, &format!("{IANA_MEDIA_TYPES}{}", m.as_str()));
        self.typed(&o, dct!("MediaType"));
    }

    fn distribution(
        &mut self,
        kind: &str,
        index: usize,
        d: &Distribution,
        spec: &DatasetSpec,
    ) -> NamedNode {
        let frag = format!("{kind}-{}", fragment(&d.local_id(index)));
        let node = self.local(&frag);
        self.typed(&node, dcat!("Distribution"));
        if let Some(t) = &d.title {
            self.text(&node, dct!("title"), t);
        }
        if let Some(t) = &d.description {
            self.text(&node, dct!("description"), t);
        }
        let legislation = if d.applicable_legislation.is_empty() {
            &spec.applicable_legislation
        } else {
            &d.applicable_legislation
        };
        self.legislation(&node, legislation);
        if let Some(u) = &d.access_url {
            self.iri(&node, dcat!("accessURL"), u.as_str());
        }
        if let Some(u) = &d.download_url {
            self.iri(&node, dcat!("downloadURL"), u.as_str());
        }
        if let Some(f) = &d.format {
            let c = self.link_concept(&node, dct!("format"), &FILE_TYPE, f.as_str());
            self.typed(&c, dct!("MediaTypeOrExtent"));
        }
        if let Some(m) = &d.media_type {
            self.media_type(&node, dcat!("mediaType"), m);
        }
        if let Some(m) = &d.compress_format {
            self.media_type(&node, dcat!("compressFormat"), m);
        }
        if let Some(m) = &d.package_format {
            self.media_type(&node, dcat!("packageFormat"), m);
        }
        for l in &d.languages {
            self.language(&node, l);
        }
        if let Some(s) = &d.status {
            self.link_concept(&node, adms!("status"), &DISTRIBUTION_STATUS, s.as_str());
        }
        if let Some(a) = &d.availability {
            self.link_concept(&node, dcatap!("availability"), &AVAILABILITY, a.as_str());
        }
        if let Some(b) = d.byte_size {
            self.typed_literal(
                &node,
                dcat!("byteSize"),
                b.to_string(),
                xsd!("nonNegativeInteger"),
            );
        }
        if let Some(l) = &d.licence {
            let lic = match &l.code {
                Some(code) => {
                    let c = self.concept(&LICENCE, code.as_str());
                    if let Some(t) = &l.title {
                        self.text(&c, dct!("title"), t);
                    }
                    let types: Vec<String> = if l.types.is_empty() {
                        known_licence_types(code.as_str())
                            .iter()
                            .map(|s| (*s).to_owned())
                            .collect()
                    } else {
                        l.types.iter().map(|t| t.as_str().to_owned()).collect()
                    };
                    for t in types {
                        self.link_concept(&c, dct!("type"), &LICENCE_TYPE, &t);
                    }
                    c
                }
                None => {
                    let c = match &l.iri {
                        Some(iri) => NamedNode::new_unchecked(iri.as_str()),
                        None => self.local(&format!("{frag}-licence")),
                    };
                    if let Some(t) = &l.title {
                        self.text(&c, dct!("title"), t);
                    }
                    for t in &l.types {
                        self.link_concept(&c, dct!("type"), &LICENCE_TYPE, t.as_str());
                    }
                    c
                }
            };
            self.typed(&lic, dct!("LicenseDocument"));
            if let Some(p) = &l.page {
                self.document(&lic, foaf!("page"), p);
            }
            self.add(&node, dct!("license"), lic);
        }
        if let Some(r) = &d.rights {
            let rights = self.local(&format!("{frag}-rights"));
            self.add(&node, dct!("rights"), rights.clone());
            self.typed(&rights, dct!("RightsStatement"));
            self.text(&rights, rdfs!("label"), r);
        }
        if let Some(i) = &d.issued {
            self.add(&node, dct!("issued"), i.literal());
        }
        if let Some(m) = &d.modified {
            self.add(&node, dct!("modified"), m.literal());
        }
        for p in &d.documentation {
            self.document(&node, foaf!("page"), p);
        }
        node
    }

    fn variables(&mut self, spec: &DatasetSpec, v: &Variables) -> NamedNode {
        let group = self.local("variables");
        self.typed(&group, csvw!("TableGroup"));
        match &v.title {
            Some(t) => self.text(&group, dct!("title"), t),
            None => {
                if let Some(title) = &spec.title {
                    for (lang, value) in title.iter() {
                        let text = match lang {
                            "fr" => format!("Dictionnaire des variables : {value}"),
                            _ => format!("Variable dictionary: {value}"),
                        };
                        self.add(
                            &group,
                            dct!("title"),
                            Literal::new_language_tagged_literal_unchecked(text, lang),
                        );
                    }
                }
            }
        }
        if let Some(d) = &v.description {
            self.text(&group, dct!("description"), d);
        }
        for t in &v.tables {
            let Some(name) = &t.name else { continue };
            let table = self.local(&format!("table-{}", name.as_str()));
            self.add(&group, csvw!("table"), table.clone());
            self.typed(&table, csvw!("Table"));
            self.plain(&table, dct!("identifier"), name.as_str());
            if let Some(x) = &t.title {
                self.text(&table, dct!("title"), x);
            }
            if let Some(x) = &t.description {
                self.text(&table, dct!("description"), x);
            }
            if let Some(k) = &t.keywords {
                for (lang, kw) in k.iter() {
                    self.add(
                        &table,
                        dcat!("keyword"),
                        Literal::new_language_tagged_literal_unchecked(kw, lang),
                    );
                }
            }
            if let Some(u) = &t.url {
                self.iri(&table, csvw!("url"), u.as_str());
            }
            let omop_doc = t
                .omop_table
                .as_ref()
                .map(|o| format!("{OMOP_CDM_DOC}#{}", o.as_str()));
            if let Some(doc) = &omop_doc {
                let o = self.iri(&table, foaf!("page"), doc);
                self.typed(&o, foaf!("Document"));
            }
            for c in &t.columns {
                let Some(cname) = &c.name else { continue };
                let col = self.local(&format!(
                    "column-{}.{}",
                    name.as_str(),
                    fragment(cname.as_str())
                ));
                self.add(&table, csvw!("column"), col.clone());
                self.typed(&col, csvw!("Column"));
                self.plain(&col, csvw!("name"), cname.as_str());
                if let Some(x) = &c.title {
                    self.text(&col, csvw!("title"), x);
                }
                if let Some(x) = &c.description {
                    self.text(&col, dct!("description"), x);
                }
                if let Some(dt) = &c.datatype {
                    self.plain(&col, csvw!("datatype"), dt.as_str());
                }
                if let Some(p) = c
                    .property_url
                    .as_ref()
                    .map(|p| p.as_str().to_owned())
                    .or_else(|| omop_doc.clone())
                {
                    self.iri(&col, csvw!("propertyUrl"), &p);
                }
                if let Some(r) = c.required {
                    self.typed_literal(&col, csvw!("required"), r.to_string(), xsd!("boolean"));
                }
            }
        }
        group
    }

    fn dataset(&mut self, s: &DatasetSpec) {
        let ds = self.ds.clone();
        self.typed(&ds, dcat!("Dataset"));
        self.plain(&ds, dct!("identifier"), s.identifier());
        if let Some(t) = &s.title {
            self.text(&ds, dct!("title"), t);
        }
        if let Some(t) = &s.description {
            self.text(&ds, dct!("description"), t);
        }
        if let Some(t) = &s.alternative_title {
            self.text(&ds, dct!("alternative"), t);
        }
        if let Some(k) = &s.keywords {
            for (lang, kw) in k.iter() {
                self.add(
                    &ds,
                    dcat!("keyword"),
                    Literal::new_language_tagged_literal_unchecked(kw, lang),
                );
            }
        }
        if let Some(a) = s.access_rights {
            let c = self.link_concept(&ds, dct!("accessRights"), &ACCESS_RIGHT, a.code());
            self.typed(&c, dct!("RightsStatement"));
        }
        if s.themes.is_empty() {
            self.link_concept(&ds, dcat!("theme"), &DATA_THEME, "HEAL");
        }
        for t in &s.themes {
            self.link_concept(&ds, dcat!("theme"), &DATA_THEME, t.as_str());
        }
        for c in &s.health_categories {
            self.link_concept(&ds, hd!("healthCategory"), &HEALTH_CATEGORY, c.as_str());
        }
        for t in &s.health_themes {
            self.link_concept(&ds, hd!("healthTheme"), &HEALTH_THEME, t.as_str());
        }
        for t in &s.dataset_types {
            self.link_concept(&ds, dct!("type"), &DATASET_TYPE, t.as_str());
        }
        self.legislation(&ds, &s.applicable_legislation);
        for (i, b) in s.legal_basis.iter().enumerate() {
            let node = self.local(&format!("legal-basis-{}", i + 1));
            self.add(&ds, dpv!("hasLegalBasis"), node.clone());
            self.typed(&node, dpv!("LegalBasis"));
            if let Some(d) = &b.description {
                self.text(&node, dct!("description"), d);
            }
            for src in &b.sources {
                self.iri(&node, dct!("source"), src.as_str());
            }
        }
        for (i, p) in s.purposes.iter().enumerate() {
            let node = self.local(&format!("purpose-{}", i + 1));
            self.add(&ds, dpv!("hasPurpose"), node.clone());
            self.typed(&node, dpv!("Purpose"));
            self.text(&node, dct!("description"), p);
        }
        for pd in &s.personal_data {
            let o = self.iri(
                &ds,
                dpv!("hasPersonalData"),
                &format!("{DPV_PD}{}", pd.as_str()),
            );
            self.typed(&o, dpv!("PersonalData"));
        }
        if let Some(a) = &s.publisher {
            let n = self.agent("publisher", a);
            self.add(&ds, dct!("publisher"), n);
        }
        if let Some(a) = &s.custodian {
            let n = self.agent("custodian", a);
            self.add(&ds, geodcatap!("custodian"), n);
        }
        if let Some(a) = &s.hdab {
            let n = self.agent("hdab", a);
            self.add(&ds, hd!("hdab"), n);
        }
        if let Some(a) = &s.hdab_coordinator {
            let n = self.agent("hdab-coordinator", a);
            self.add(&ds, hd!("hdabCoordinator"), n);
        }
        for (i, a) in s.creators.iter().enumerate() {
            let n = self.agent(&format!("creator-{}", i + 1), a);
            self.add(&ds, dct!("creator"), n);
        }
        for (i, c) in s.contact_points.iter().enumerate() {
            let n = self.contact_point(&format!("contact-{}", i + 1), c, None);
            self.add(&ds, dcat!("contactPoint"), n);
        }
        if let Some(c) = &s.data_protection_officer {
            let role = LangMap(BTreeMap::from([
                ("en".to_owned(), "Data protection officer".to_owned()),
                (
                    "fr".to_owned(),
                    "Délégué à la protection des données".to_owned(),
                ),
            ]));
            let n = self.contact_point("dpo", c, Some(&role));
            self.add(&ds, dcat!("contactPoint"), n);
        }
        if let Some(p) = &s.temporal_coverage {
            let node = self.local("temporal-coverage");
            self.add(&ds, dct!("temporal"), node.clone());
            self.period(&node, p);
        }
        for l in &s.spatial_coverage {
            let node = self.location(l);
            self.add(&ds, dct!("spatial"), node);
        }
        if let Some(d) = &s.temporal_resolution {
            self.typed_literal(
                &ds,
                dcat!("temporalResolution"),
                d.as_str().to_owned(),
                xsd!("duration"),
            );
        }
        if let Some(r) = s.spatial_resolution_m {
            self.typed_literal(
                &ds,
                dcat!("spatialResolutionInMeters"),
                decimal(r),
                xsd!("decimal"),
            );
        }
        if let Some(f) = &s.frequency {
            let c = self.link_concept(&ds, dct!("accrualPeriodicity"), &FREQUENCY, f.as_str());
            self.typed(&c, dct!("Frequency"));
        }
        for l in &s.languages {
            self.language(&ds, l);
        }
        if let Some(d) = &s.issued {
            self.add(&ds, dct!("issued"), d.literal());
        }
        if let Some(d) = &s.modified {
            self.add(&ds, dct!("modified"), d.literal());
        }
        if let Some(v) = &s.version {
            self.plain(&ds, dcat!("version"), v.as_str());
        }
        if let Some(v) = &s.version_notes {
            self.text(&ds, adms!("versionNotes"), v);
        }
        if let Some(p) = &s.landing_page {
            self.document(&ds, dcat!("landingPage"), p);
        }
        for p in &s.documentation {
            self.document(&ds, foaf!("page"), p);
        }
        for r in &s.is_referenced_by {
            self.iri(&ds, dct!("isReferencedBy"), r.as_str());
        }
        let base = self.base.clone();
        for r in &s.related {
            self.iri(&ds, dct!("relation"), &r.resolve(&base));
        }
        for r in &s.sources {
            self.iri(&ds, dct!("source"), &r.resolve(&base));
        }
        let mut n_identifier = 0;
        if let Some(doi) = &s.doi {
            n_identifier += 1;
            let node = self.local(&format!("identifier-{n_identifier}"));
            self.add(&ds, adms!("identifier"), node.clone());
            self.typed(&node, adms!("Identifier"));
            self.typed_literal(
                &node,
                skos!("notation"),
                format!("https://doi.org/{}", doi.as_str()),
                xsd!("anyURI"),
            );
            self.plain(&node, adms!("schemaAgency"), "DOI");
        }
        for o in &s.other_identifiers {
            n_identifier += 1;
            let node = self.local(&format!("identifier-{n_identifier}"));
            self.add(&ds, adms!("identifier"), node.clone());
            self.typed(&node, adms!("Identifier"));
            if let Some(n) = &o.notation {
                if n.as_str().contains("://") && NamedNode::new(n.as_str()).is_ok() {
                    self.typed_literal(
                        &node,
                        skos!("notation"),
                        n.as_str().to_owned(),
                        xsd!("anyURI"),
                    );
                } else {
                    self.plain(&node, skos!("notation"), n.as_str());
                }
            }
            if let Some(a) = &o.agency {
                self.plain(&node, adms!("schemaAgency"), a.as_str());
            }
            if let Some(i) = &o.issued {
                self.add(&node, dct!("issued"), i.literal());
            }
        }
        if let Some(c) = &s.citation {
            for l in c.literals() {
                self.add(&ds, dct!("bibliographicCitation"), l);
            }
        }
        for (i, f) in s.fees.iter().enumerate() {
            let node = self.local(&format!("fee-{}", i + 1));
            self.add(&ds, cv!("hasCost"), node.clone());
            self.typed(&node, cv!("Cost"));
            if let Some(a) = f.amount {
                self.typed_literal(&node, cv!("value"), decimal(a), xsd!("decimal"));
            }
            if let Some(c) = &f.currency {
                self.link_concept(&node, cv!("currency"), &CURRENCY, c.as_str());
            }
            if let Some(d) = &f.description {
                self.text(&node, dct!("description"), d);
            }
        }
        for (i, q) in s.quality_annotations.iter().enumerate() {
            let frag = format!("quality-{}", i + 1);
            let node = self.local(&frag);
            self.add(&ds, dqv!("hasQualityAnnotation"), node.clone());
            self.typed(&node, dqv!("QualityCertificate"));
            self.add(&node, oa!("hasTarget"), ds.clone());
            self.add(
                &node,
                oa!("motivatedBy"),
                dqv!("qualityAssessment").into_owned(),
            );
            if let Some(d) = &q.document {
                self.iri(&node, oa!("hasBody"), d.as_str());
            }
            if let Some(note) = &q.note {
                for (lang, value) in note.iter() {
                    let body = self.local(&format!("{frag}-note-{lang}"));
                    self.add(&node, oa!("hasBody"), body.clone());
                    self.typed(&body, oa!("TextualBody"));
                    self.add(
                        &body,
                        rdf!("value"),
                        Literal::new_language_tagged_literal_unchecked(value, lang),
                    );
                    self.plain(&body, dct!("format"), "text/plain");
                }
            }
        }
        for c in &s.coding_systems {
            let o = self.link_concept(&ds, hd!("hasCodingSystem"), &CODING_SYSTEM, c.as_str());
            self.typed(&o, dct!("Standard"));
        }
        for v in &s.code_values {
            self.plain(&ds, hd!("hasCodeValues"), v.as_str());
        }
        for c in &s.conforms_to {
            let o = self.link_concept(&ds, dct!("conformsTo"), &STANDARD, c.as_str());
            self.typed(&o, dct!("Standard"));
        }
        if let Some(p) = &s.population_coverage {
            self.text(&ds, hd!("populationCoverage"), p);
        }
        let nni = xsd!("nonNegativeInteger");
        if let Some(a) = s.min_typical_age {
            self.typed_literal(&ds, hd!("minTypicalAge"), a.to_string(), nni);
        }
        if let Some(a) = s.max_typical_age {
            self.typed_literal(&ds, hd!("maxTypicalAge"), a.to_string(), nni);
        }
        if let Some(n) = s.number_of_records {
            self.typed_literal(&ds, hd!("numberOfRecords"), n.to_string(), nni);
        }
        if let Some(n) = s.number_of_unique_individuals {
            self.typed_literal(&ds, hd!("numberOfUniqueIndividuals"), n.to_string(), nni);
        }
        if let Some(p) = &s.retention_period {
            let node = self.local("retention-period");
            self.add(&ds, hd!("retentionPeriod"), node.clone());
            self.period(&node, p);
        }
        if let Some(p) = &s.provenance {
            let node = self.local("provenance");
            self.add(&ds, dct!("provenance"), node.clone());
            self.typed(&node, dct!("ProvenanceStatement"));
            self.text(&node, rdfs!("label"), p);
        }
        for (i, a) in s.generated_by.iter().enumerate() {
            let node = self.local(&format!("activity-{}", i + 1));
            self.add(&ds, prov!("wasGeneratedBy"), node.clone());
            self.typed(&node, prov!("Activity"));
            if let Some(k) = &a.kind {
                self.link_concept(&node, dct!("type"), &HEALTH_ACTIVITY, k.as_str());
            }
            if let Some(l) = &a.label {
                self.text(&node, rdfs!("label"), l);
            }
        }
        let structured = s.structured_data.unwrap_or(s.variables.is_some());
        self.typed_literal(
            &ds,
            hd!("hasStructuredData"),
            structured.to_string(),
            xsd!("boolean"),
        );
        if let Some(v) = &s.variables {
            let group = self.variables(s, v);
            self.add(&ds, hd!("hasVariables"), group);
        }
        for (i, d) in s.distributions.iter().enumerate() {
            let n = self.distribution("distribution", i, d, s);
            self.add(&ds, dcat!("distribution"), n);
        }
        for (i, d) in s.samples.iter().enumerate() {
            let n = self.distribution("sample", i, d, s);
            self.add(&ds, adms!("sample"), n);
        }
        for (i, d) in s.analytics.iter().enumerate() {
            let n = self.distribution("analytics", i, d, s);
            self.add(&ds, hd!("analytics"), n);
        }
    }
}

/// An `xsd:decimal` lexical form of a finite number.
fn decimal(x: f64) -> String {
    let s = format!("{x}");
    if s.contains('.') { s } else { format!("{s}.0") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabulary_codes_are_normalised_and_checked() {
        assert_eq!(HEALTH_CATEGORY.parse("ehrs").unwrap(), "EHRS");
        assert_eq!(
            HEALTH_CATEGORY
                .parse("https://hdeu-dcat.data.health.europa.eu/resource/authority/healthcategories/EHRS")
                .unwrap(),
            "EHRS"
        );
        let err = HEALTH_CATEGORY.parse("EHRX").unwrap_err();
        assert!(
            err.contains("EHRS") && err.contains("not a health category"),
            "{err}"
        );
        assert_eq!(LANGUAGE.parse("fra").unwrap(), "FRA");
        assert!(LANGUAGE.parse("fr").is_err());
        assert_eq!(LICENCE_TYPE.parse("publicdomain").unwrap(), "PublicDomain");
        assert_eq!(
            PUBLISHER_TYPE.parse("Healthcare-Providers").unwrap(),
            "healthcare-providers"
        );
    }

    #[test]
    fn scalar_checks() {
        assert!(Identifier::new("chu-demo.urgences_2024").is_ok());
        assert!(Identifier::new("-x").is_err());
        assert!(Identifier::new("a/b").is_err());
        assert!(Identifier::new(&"a".repeat(129)).is_err());
        assert!(Identifier::new(&"a".repeat(128)).is_ok());
        assert!(DateValue::new("2024-02-29").is_ok());
        assert!(DateValue::new("2023-02-29").is_err());
        assert!(DateValue::new("2024").is_ok());
        assert!(DateValue::new("2024-13").is_err());
        assert!(DateValue::new("2024-01-31T08:00:00Z").is_ok());
        assert!(DateValue::new("2024-01-31T08:00:00").is_ok());
        assert!(DateValue::new("31/01/2024").is_err());
        for ok in ["P7D", "P1M", "PT1H", "P1Y2M3DT4H5M6.5S", "-P1D"] {
            assert!(Duration::new(ok).is_ok(), "{ok}");
        }
        for bad in ["P1W", "P", "PT", "7D", "P1DT", "P1.5D", "PM1"] {
            assert!(Duration::new(bad).is_err(), "{bad}");
        }
        assert_eq!(
            Doi::new("https://doi.org/10.5072/abc").unwrap().as_str(),
            "10.5072/abc"
        );
        assert!(Doi::new("10.5072").is_err());
        assert_eq!(MediaType::new("Text/CSV").unwrap().as_str(), "text/csv");
        assert_eq!(Legislation::new("ehds").unwrap().as_str(), EHDS);
        assert!(Email::new("dpo@chu-demo.example.org").is_ok());
        assert!(Email::new("dpo at chu").is_err());
        assert_eq!(decimal(0.0), "0.0");
        assert_eq!(decimal(12.5), "12.5");
    }

    #[test]
    fn lang_maps_check_tags() {
        let ok: LangMap = serde_yaml_ng::from_str("{FR: Bonjour, en: Hello}").unwrap();
        assert_eq!(ok.get("fr"), Some("Bonjour"));
        let err = serde_yaml_ng::from_str::<LangMap>("{'fr fr': x}").unwrap_err();
        assert!(err.to_string().contains("language tag"), "{err}");
        let err = serde_yaml_ng::from_str::<LangMap>("{fr: ''}").unwrap_err();
        assert!(err.to_string().contains("empty"), "{err}");
    }
}
