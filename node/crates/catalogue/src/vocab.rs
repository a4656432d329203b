//! IRIs of the vocabularies the catalogue reads and writes.

pub const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
pub const DCAT: &str = "http://www.w3.org/ns/dcat#";
pub const DCAT_DATASET: &str = "http://www.w3.org/ns/dcat#Dataset";
pub const DCAT_CATALOG: &str = "http://www.w3.org/ns/dcat#Catalog";
pub const DCAT_DATASET_PROP: &str = "http://www.w3.org/ns/dcat#dataset";
pub const DCAT_THEME: &str = "http://www.w3.org/ns/dcat#theme";
pub const DCAT_KEYWORD: &str = "http://www.w3.org/ns/dcat#keyword";
pub const DCAT_THEME_TAXONOMY: &str = "http://www.w3.org/ns/dcat#themeTaxonomy";
pub const DCT: &str = "http://purl.org/dc/terms/";
pub const DCT_IDENTIFIER: &str = "http://purl.org/dc/terms/identifier";
pub const DCT_TITLE: &str = "http://purl.org/dc/terms/title";
pub const DCT_DESCRIPTION: &str = "http://purl.org/dc/terms/description";
pub const DCT_PUBLISHER: &str = "http://purl.org/dc/terms/publisher";
pub const DCT_ACCESS_RIGHTS: &str = "http://purl.org/dc/terms/accessRights";
pub const DCT_MODIFIED: &str = "http://purl.org/dc/terms/modified";
pub const DCT_ISSUED: &str = "http://purl.org/dc/terms/issued";
pub const DCT_LANGUAGE: &str = "http://purl.org/dc/terms/language";
pub const DCT_SPATIAL: &str = "http://purl.org/dc/terms/spatial";
pub const DCT_LICENSE: &str = "http://purl.org/dc/terms/license";
pub const DCT_TYPE: &str = "http://purl.org/dc/terms/type";
pub const FOAF: &str = "http://xmlns.com/foaf/0.1/";
pub const FOAF_NAME: &str = "http://xmlns.com/foaf/0.1/name";
pub const FOAF_AGENT: &str = "http://xmlns.com/foaf/0.1/Agent";
pub const FOAF_HOMEPAGE: &str = "http://xmlns.com/foaf/0.1/homepage";
pub const FOAF_DOCUMENT: &str = "http://xmlns.com/foaf/0.1/Document";
pub const HEALTHDCATAP: &str = "http://healthdataportal.eu/ns/health#";
pub const HEALTH_CATEGORY: &str = "http://healthdataportal.eu/ns/health#healthCategory";
pub const HAS_VARIABLES: &str = "http://healthdataportal.eu/ns/health#hasVariables";
pub const CSVW: &str = "http://www.w3.org/ns/csvw#";
pub const CSVW_TABLE: &str = "http://www.w3.org/ns/csvw#table";
pub const CSVW_COLUMN: &str = "http://www.w3.org/ns/csvw#column";
pub const CSVW_NAME: &str = "http://www.w3.org/ns/csvw#name";
pub const CSVW_TITLE: &str = "http://www.w3.org/ns/csvw#title";
pub const CSVW_URL: &str = "http://www.w3.org/ns/csvw#url";
pub const HYDRA: &str = "http://www.w3.org/ns/hydra/core#";
pub const SKOS: &str = "http://www.w3.org/2004/02/skos/core#";
pub const SKOS_PREF_LABEL: &str = "http://www.w3.org/2004/02/skos/core#prefLabel";
pub const SKOS_CONCEPT: &str = "http://www.w3.org/2004/02/skos/core#Concept";
pub const SKOS_CONCEPT_SCHEME: &str = "http://www.w3.org/2004/02/skos/core#ConceptScheme";
pub const SKOS_IN_SCHEME: &str = "http://www.w3.org/2004/02/skos/core#inScheme";
pub const XSD: &str = "http://www.w3.org/2001/XMLSchema#";
pub const XSD_DATE: &str = "http://www.w3.org/2001/XMLSchema#date";
pub const XSD_DATETIME: &str = "http://www.w3.org/2001/XMLSchema#dateTime";
pub const XSD_NON_NEGATIVE_INTEGER: &str = "http://www.w3.org/2001/XMLSchema#nonNegativeInteger";
pub const ACCESS_RIGHT: &str = "http://publications.europa.eu/resource/authority/access-right/";
pub const EU_LANGUAGE: &str = "http://publications.europa.eu/resource/authority/language/";
pub const EU_DATA_THEME: &str = "http://publications.europa.eu/resource/authority/data-theme";
pub const ADMS_LICENCE_ATTRIBUTION: &str = "http://purl.org/adms/licencetype/Attribution";
pub const EU_COUNTRY: &str = "http://publications.europa.eu/resource/authority/country/";

/// Prefixes used when serialising Turtle, TriG and RDF/XML.
pub const PREFIXES: &[(&str, &str)] = &[
    ("dcat", DCAT),
    ("dct", DCT),
    ("dcatap", "http://data.europa.eu/r5r/"),
    ("healthdcatap", HEALTHDCATAP),
    ("foaf", FOAF),
    ("vcard", "http://www.w3.org/2006/vcard/ns#"),
    ("skos", SKOS),
    ("xsd", XSD),
    ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
    ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
    ("adms", "http://www.w3.org/ns/adms#"),
    ("csvw", CSVW),
    ("cv", "http://data.europa.eu/m8g/"),
    ("dpv", "https://w3id.org/dpv#"),
    ("dqv", "http://www.w3.org/ns/dqv#"),
    ("geodcatap", "http://data.europa.eu/930/"),
    ("prov", "http://www.w3.org/ns/prov#"),
    ("hydra", HYDRA),
    ("eli", "http://data.europa.eu/eli/ontology#"),
    ("oa", "http://www.w3.org/ns/oa#"),
    ("time", "http://www.w3.org/2006/time#"),
    ("spdx", "http://spdx.org/rdf/terms#"),
];
