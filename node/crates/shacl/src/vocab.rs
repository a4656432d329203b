//! IRIs of the vocabularies the engine reads (SHACL, RDF, RDFS, XSD) and the few
//! HealthDCAT-AP ones the tier logic needs.

use oxrdf::NamedNodeRef;

pub const XSD: &str = "http://www.w3.org/2001/XMLSchema#";

macro_rules! iris {
    ($($name:ident = $iri:expr;)*) => {
        $(pub const $name: NamedNodeRef<'static> = NamedNodeRef::new_unchecked($iri);)*
    };
}

iris! {
    RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
    RDF_FIRST = "http://www.w3.org/1999/02/22-rdf-syntax-ns#first";
    RDF_REST = "http://www.w3.org/1999/02/22-rdf-syntax-ns#rest";
    RDF_NIL = "http://www.w3.org/1999/02/22-rdf-syntax-ns#nil";
    RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString";
    RDFS_CLASS = "http://www.w3.org/2000/01/rdf-schema#Class";
    RDFS_SUB_CLASS_OF = "http://www.w3.org/2000/01/rdf-schema#subClassOf";
    RDFS_LITERAL = "http://www.w3.org/2000/01/rdf-schema#Literal";

    SH_NODE_SHAPE = "http://www.w3.org/ns/shacl#NodeShape";
    SH_PROPERTY_SHAPE = "http://www.w3.org/ns/shacl#PropertyShape";
    SH_TARGET_NODE = "http://www.w3.org/ns/shacl#targetNode";
    SH_TARGET_CLASS = "http://www.w3.org/ns/shacl#targetClass";
    SH_TARGET_SUBJECTS_OF = "http://www.w3.org/ns/shacl#targetSubjectsOf";
    SH_TARGET_OBJECTS_OF = "http://www.w3.org/ns/shacl#targetObjectsOf";
    SH_PATH = "http://www.w3.org/ns/shacl#path";
    SH_INVERSE_PATH = "http://www.w3.org/ns/shacl#inversePath";
    SH_ALTERNATIVE_PATH = "http://www.w3.org/ns/shacl#alternativePath";
    SH_ZERO_OR_MORE_PATH = "http://www.w3.org/ns/shacl#zeroOrMorePath";
    SH_ONE_OR_MORE_PATH = "http://www.w3.org/ns/shacl#oneOrMorePath";
    SH_ZERO_OR_ONE_PATH = "http://www.w3.org/ns/shacl#zeroOrOnePath";
    SH_SEVERITY = "http://www.w3.org/ns/shacl#severity";
    SH_WARNING = "http://www.w3.org/ns/shacl#Warning";
    SH_INFO = "http://www.w3.org/ns/shacl#Info";
    SH_MESSAGE = "http://www.w3.org/ns/shacl#message";
    SH_DEACTIVATED = "http://www.w3.org/ns/shacl#deactivated";
    SH_CLASS = "http://www.w3.org/ns/shacl#class";
    SH_DATATYPE = "http://www.w3.org/ns/shacl#datatype";
    SH_NODE_KIND = "http://www.w3.org/ns/shacl#nodeKind";
    SH_IRI = "http://www.w3.org/ns/shacl#IRI";
    SH_BLANK_NODE = "http://www.w3.org/ns/shacl#BlankNode";
    SH_LITERAL = "http://www.w3.org/ns/shacl#Literal";
    SH_BLANK_NODE_OR_IRI = "http://www.w3.org/ns/shacl#BlankNodeOrIRI";
    SH_BLANK_NODE_OR_LITERAL = "http://www.w3.org/ns/shacl#BlankNodeOrLiteral";
    SH_IRI_OR_LITERAL = "http://www.w3.org/ns/shacl#IRIOrLiteral";
    SH_MIN_COUNT = "http://www.w3.org/ns/shacl#minCount";
    SH_MAX_COUNT = "http://www.w3.org/ns/shacl#maxCount";
    SH_MIN_EXCLUSIVE = "http://www.w3.org/ns/shacl#minExclusive";
    SH_MIN_INCLUSIVE = "http://www.w3.org/ns/shacl#minInclusive";
    SH_MAX_EXCLUSIVE = "http://www.w3.org/ns/shacl#maxExclusive";
    SH_MAX_INCLUSIVE = "http://www.w3.org/ns/shacl#maxInclusive";
    SH_MIN_LENGTH = "http://www.w3.org/ns/shacl#minLength";
    SH_MAX_LENGTH = "http://www.w3.org/ns/shacl#maxLength";
    SH_PATTERN = "http://www.w3.org/ns/shacl#pattern";
    SH_FLAGS = "http://www.w3.org/ns/shacl#flags";
    SH_LANGUAGE_IN = "http://www.w3.org/ns/shacl#languageIn";
    SH_UNIQUE_LANG = "http://www.w3.org/ns/shacl#uniqueLang";
    SH_EQUALS = "http://www.w3.org/ns/shacl#equals";
    SH_DISJOINT = "http://www.w3.org/ns/shacl#disjoint";
    SH_LESS_THAN = "http://www.w3.org/ns/shacl#lessThan";
    SH_LESS_THAN_OR_EQUALS = "http://www.w3.org/ns/shacl#lessThanOrEquals";
    SH_NOT = "http://www.w3.org/ns/shacl#not";
    SH_AND = "http://www.w3.org/ns/shacl#and";
    SH_OR = "http://www.w3.org/ns/shacl#or";
    SH_XONE = "http://www.w3.org/ns/shacl#xone";
    SH_NODE = "http://www.w3.org/ns/shacl#node";
    SH_PROPERTY = "http://www.w3.org/ns/shacl#property";
    SH_QUALIFIED_VALUE_SHAPE = "http://www.w3.org/ns/shacl#qualifiedValueShape";
    SH_QUALIFIED_VALUE_SHAPES_DISJOINT = "http://www.w3.org/ns/shacl#qualifiedValueShapesDisjoint";
    SH_QUALIFIED_MIN_COUNT = "http://www.w3.org/ns/shacl#qualifiedMinCount";
    SH_QUALIFIED_MAX_COUNT = "http://www.w3.org/ns/shacl#qualifiedMaxCount";
    SH_CLOSED = "http://www.w3.org/ns/shacl#closed";
    SH_IGNORED_PROPERTIES = "http://www.w3.org/ns/shacl#ignoredProperties";
    SH_HAS_VALUE = "http://www.w3.org/ns/shacl#hasValue";
    SH_IN = "http://www.w3.org/ns/shacl#in";
    SH_SPARQL = "http://www.w3.org/ns/shacl#sparql";
    SH_SELECT = "http://www.w3.org/ns/shacl#select";
    SH_PREFIXES = "http://www.w3.org/ns/shacl#prefixes";
    SH_DECLARE = "http://www.w3.org/ns/shacl#declare";
    SH_PREFIX = "http://www.w3.org/ns/shacl#prefix";
    SH_NAMESPACE = "http://www.w3.org/ns/shacl#namespace";
}
