//! One or more small tests per SHACL Core constraint component, target type and path
//! kind, plus SHACL-SPARQL SELECT constraints, on tiny inline graphs.

use hublot_shacl::{
    Severity, ShaclError, Shapes, ValidateOptions, ValidationReport, validate, validate_with,
};

const PREFIXES: &str = r#"
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <http://example.org/> .
"#;

fn shapes(ttl: &str) -> Shapes {
    Shapes::from_turtle(&format!("{PREFIXES}{ttl}"), "http://example.org/shapes")
        .expect("shapes compile")
}

fn data(ttl: &str) -> oxrdf::Graph {
    Shapes::parse_turtle(&format!("{PREFIXES}{ttl}"), "http://example.org/data")
        .expect("data parses")
}

fn run(shapes_ttl: &str, data_ttl: &str) -> ValidationReport {
    validate(&data(data_ttl), &shapes(shapes_ttl))
}

/// Components of all results, sorted.
fn components(r: &ValidationReport) -> Vec<&str> {
    let mut v: Vec<&str> = r.results.iter().map(|r| r.component.as_str()).collect();
    v.sort_unstable();
    v
}

fn values(r: &ValidationReport) -> Vec<String> {
    let mut v: Vec<String> = r
        .results
        .iter()
        .map(|r| r.value.as_ref().map_or("-".to_owned(), ToString::to_string))
        .collect();
    v.sort();
    v
}

fn focus(r: &ValidationReport) -> Vec<String> {
    let mut v: Vec<String> = r.results.iter().map(|r| r.focus_node.to_string()).collect();
    v.sort();
    v
}

// ---- targets ------------------------------------------------------------------------

#[test]
fn target_class_includes_subclass_instances() {
    let r = run(
        "ex:S a sh:NodeShape ; sh:targetClass ex:Animal ; sh:property [ sh:path ex:name ; sh:minCount 1 ] .",
        "ex:Dog rdfs:subClassOf ex:Mammal . ex:Mammal rdfs:subClassOf ex:Animal .
         ex:rex a ex:Dog . ex:tom a ex:Animal ; ex:name \"Tom\" . ex:rock a ex:Stone .",
    );
    assert_eq!(focus(&r), vec!["<http://example.org/rex>"]);
    assert_eq!(components(&r), vec!["sh:MinCountConstraintComponent"]);
}

#[test]
fn implicit_class_target() {
    let r = run(
        "ex:Person a rdfs:Class, sh:NodeShape ; sh:property [ sh:path ex:name ; sh:minCount 1 ] .",
        "ex:ann a ex:Person . ex:bob a ex:Person ; ex:name \"Bob\" .",
    );
    assert_eq!(focus(&r), vec!["<http://example.org/ann>"]);
}

#[test]
fn target_node_is_validated_even_when_absent_from_data() {
    let r = run(
        "ex:S a sh:NodeShape ; sh:targetNode ex:ghost ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .",
        "ex:other ex:p 1 .",
    );
    assert_eq!(focus(&r), vec!["<http://example.org/ghost>"]);
}

#[test]
fn target_subjects_and_objects_of() {
    let s = "ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:knows ; sh:nodeKind sh:IRI .
             ex:O a sh:NodeShape ; sh:targetObjectsOf ex:knows ; sh:nodeKind sh:IRI .";
    let r = run(s, "ex:a ex:knows [ ex:x 1 ] . _:b ex:knows ex:c .");
    assert_eq!(r.violations(), 2);
    assert!(r.results.iter().all(|x| x.focus_node.is_blank_node()));
}

// ---- value type ---------------------------------------------------------------------

#[test]
fn class_constraint() {
    let r = run(
        "ex:S sh:targetNode ex:a ; sh:property [ sh:path ex:friend ; sh:class ex:Person ] .",
        "ex:Student rdfs:subClassOf ex:Person .
         ex:a ex:friend ex:b, ex:c, ex:d, \"lit\" . ex:b a ex:Student . ex:c a ex:Person . ex:d a ex:Robot .",
    );
    assert_eq!(
        values(&r),
        vec!["\"lit\"".to_owned(), "<http://example.org/d>".to_owned()]
    );
    assert_eq!(components(&r), vec!["sh:ClassConstraintComponent"; 2]);
}

#[test]
fn datatype_constraint_rejects_ill_formed_literals() {
    let r = run(
        "ex:S sh:targetNode ex:a ; sh:property [ sh:path ex:n ; sh:datatype xsd:integer ] ;
             sh:property [ sh:path ex:size ; sh:datatype xsd:nonNegativeInteger ] ;
             sh:property [ sh:path ex:label ; sh:datatype rdf:langString ] .",
        "ex:a ex:n 42, \"abc\"^^xsd:integer, \"42\", 4.2 ;
              ex:size \"12\"^^xsd:nonNegativeInteger, \"-3\"^^xsd:nonNegativeInteger ;
              ex:label \"hello\"@en, \"plain\" .",
    );
    assert_eq!(
        values(&r),
        vec![
            "\"-3\"^^<http://www.w3.org/2001/XMLSchema#nonNegativeInteger>",
            "\"4.2\"^^<http://www.w3.org/2001/XMLSchema#decimal>",
            "\"42\"",
            "\"abc\"^^<http://www.w3.org/2001/XMLSchema#integer>",
            "\"plain\"",
        ]
    );
    assert!(
        components(&r)
            .iter()
            .all(|c| *c == "sh:DatatypeConstraintComponent")
    );
}

#[test]
fn node_kind_constraint() {
    let s = "ex:S sh:targetNode ex:a ;
        sh:property [ sh:path ex:iri ; sh:nodeKind sh:IRI ] ;
        sh:property [ sh:path ex:bnode ; sh:nodeKind sh:BlankNode ] ;
        sh:property [ sh:path ex:lit ; sh:nodeKind sh:Literal ] ;
        sh:property [ sh:path ex:bi ; sh:nodeKind sh:BlankNodeOrIRI ] ;
        sh:property [ sh:path ex:bl ; sh:nodeKind sh:BlankNodeOrLiteral ] ;
        sh:property [ sh:path ex:il ; sh:nodeKind sh:IRIOrLiteral ] .";
    let good = run(
        s,
        "ex:a ex:iri ex:x ; ex:bnode [] ; ex:lit 1 ; ex:bi ex:x, [] ; ex:bl 1, [] ; ex:il ex:x, 1 .",
    );
    assert!(good.results.is_empty(), "{good:?}");
    let bad = run(
        s,
        "ex:a ex:iri 1 ; ex:bnode ex:x ; ex:lit [] ; ex:bi 1 ; ex:bl ex:x ; ex:il [] .",
    );
    assert_eq!(components(&bad), vec!["sh:NodeKindConstraintComponent"; 6]);
}

// ---- cardinality --------------------------------------------------------------------

#[test]
fn min_and_max_count() {
    let s =
        "ex:S sh:targetClass ex:T ; sh:property [ sh:path ex:p ; sh:minCount 2 ; sh:maxCount 3 ] .";
    let r = run(
        s,
        "ex:a a ex:T ; ex:p 1 . ex:b a ex:T ; ex:p 1, 2 . ex:c a ex:T ; ex:p 1, 2, 3, 4 .",
    );
    assert_eq!(
        components(&r),
        vec![
            "sh:MaxCountConstraintComponent",
            "sh:MinCountConstraintComponent"
        ]
    );
    let min = r
        .results
        .iter()
        .find(|x| x.component == "sh:MinCountConstraintComponent")
        .unwrap();
    assert_eq!(min.focus_node.to_string(), "<http://example.org/a>");
    assert_eq!(min.result_path.as_deref(), Some("<http://example.org/p>"));
    assert_eq!(min.value, None);
}

// ---- value range --------------------------------------------------------------------

#[test]
fn value_ranges() {
    let s = "ex:S sh:targetNode ex:a ;
        sh:property [ sh:path ex:age ; sh:minInclusive 0 ; sh:maxExclusive 150 ] ;
        sh:property [ sh:path ex:score ; sh:minExclusive 0.5 ; sh:maxInclusive 1.0 ] ;
        sh:property [ sh:path ex:when ; sh:minInclusive \"2020-01-01\"^^xsd:date ] .";
    let r = run(
        s,
        "ex:a ex:age 0, 149, 150, -1, \"old\" ;
              ex:score 0.5, 0.75, 1.0, 1e0, 2 ;
              ex:when \"2021-05-01\"^^xsd:date, \"2019-12-31\"^^xsd:date .",
    );
    let mut got: Vec<(String, String)> = r
        .results
        .iter()
        .map(|x| (x.component.clone(), x.value.as_ref().unwrap().to_string()))
        .collect();
    got.sort();
    let xsd = |v: &str, t: &str| format!("\"{v}\"^^<http://www.w3.org/2001/XMLSchema#{t}>");
    let mut want = vec![
        (
            "sh:MaxExclusiveConstraintComponent".to_owned(),
            xsd("150", "integer"),
        ),
        (
            "sh:MinInclusiveConstraintComponent".to_owned(),
            xsd("-1", "integer"),
        ),
        // Not comparable to a number: both bounds of ex:age fail.
        (
            "sh:MinInclusiveConstraintComponent".to_owned(),
            "\"old\"".to_owned(),
        ),
        (
            "sh:MaxExclusiveConstraintComponent".to_owned(),
            "\"old\"".to_owned(),
        ),
        (
            "sh:MinExclusiveConstraintComponent".to_owned(),
            xsd("0.5", "decimal"),
        ),
        (
            "sh:MaxInclusiveConstraintComponent".to_owned(),
            xsd("2", "integer"),
        ),
        (
            "sh:MinInclusiveConstraintComponent".to_owned(),
            xsd("2019-12-31", "date"),
        ),
    ];
    want.sort();
    assert_eq!(got, want);
}

// ---- string based -------------------------------------------------------------------

#[test]
fn min_and_max_length() {
    let r = run(
        "ex:S sh:targetNode ex:a ; sh:property [ sh:path ex:code ; sh:minLength 2 ; sh:maxLength 4 ] .",
        "ex:a ex:code \"ab\", \"abcd\", \"a\", \"abcde\", \"élan\", [] .",
    );
    assert_eq!(
        components(&r),
        vec![
            "sh:MaxLengthConstraintComponent",
            "sh:MaxLengthConstraintComponent",
            "sh:MinLengthConstraintComponent",
            "sh:MinLengthConstraintComponent",
        ]
    );
}

#[test]
fn pattern_with_flags() {
    let r = run(
        "ex:S sh:targetNode ex:a ;
            sh:property [ sh:path ex:code ; sh:pattern \"^ab\" ; sh:flags \"i\" ] ;
            sh:property [ sh:path ex:page ; sh:pattern \"^https://\" ] .",
        "ex:a ex:code \"ABc\", \"abc\", \"xab\", [] ; ex:page <https://x.org/>, <http://x.org/> .",
    );
    assert_eq!(
        values(&r).len(),
        3,
        "xab, the blank node and the http IRI fail: {r:?}"
    );
    assert!(
        components(&r)
            .iter()
            .all(|c| *c == "sh:PatternConstraintComponent")
    );
}

#[test]
fn language_in_and_unique_lang() {
    let r = run(
        "ex:S sh:targetNode ex:a ;
            sh:property [ sh:path ex:label ; sh:languageIn (\"en\" \"fr\") ; sh:uniqueLang true ] .",
        "ex:a ex:label \"colour\"@en-GB, \"color\"@en-gb, \"couleur\"@fr, \"Farbe\"@de, \"none\" .",
    );
    assert_eq!(
        components(&r),
        vec![
            "sh:LanguageInConstraintComponent",
            "sh:LanguageInConstraintComponent",
            "sh:UniqueLangConstraintComponent",
        ]
    );
}

// ---- property pairs -----------------------------------------------------------------

#[test]
fn property_pairs() {
    let s = "ex:S sh:targetNode ex:a ;
        sh:property [ sh:path ex:name ; sh:equals ex:label ] ;
        sh:property [ sh:path ex:name ; sh:disjoint ex:alias ] ;
        sh:property [ sh:path ex:start ; sh:lessThan ex:end ] ;
        sh:property [ sh:path ex:low ; sh:lessThanOrEquals ex:high ] .";
    let good = run(
        s,
        "ex:a ex:name \"A\" ; ex:label \"A\" ; ex:alias \"B\" ; ex:start 1 ; ex:end 2 ; ex:low 3 ; ex:high 3 .",
    );
    assert!(good.results.is_empty(), "{good:?}");
    let bad = run(
        s,
        "ex:a ex:name \"A\" ; ex:label \"C\" ; ex:alias \"A\" ; ex:start 2 ; ex:end 2 ; ex:low 4 ; ex:high 3 .",
    );
    assert_eq!(
        components(&bad),
        vec![
            "sh:DisjointConstraintComponent",
            "sh:EqualsConstraintComponent",
            "sh:EqualsConstraintComponent",
            "sh:LessThanConstraintComponent",
            "sh:LessThanOrEqualsConstraintComponent",
        ]
    );
}

// ---- logical ------------------------------------------------------------------------

#[test]
fn not_and_or_xone() {
    let s = "ex:HasName sh:property [ sh:path ex:name ; sh:minCount 1 ] .
        ex:HasAge sh:property [ sh:path ex:age ; sh:minCount 1 ] .
        ex:NotS sh:targetClass ex:N ; sh:not ex:HasName .
        ex:AndS sh:targetClass ex:A ; sh:and (ex:HasName ex:HasAge) .
        ex:OrS sh:targetClass ex:O ; sh:or (ex:HasName ex:HasAge) .
        ex:XoneS sh:targetClass ex:X ; sh:xone (ex:HasName ex:HasAge) .";
    let r = run(
        s,
        "ex:n1 a ex:N ; ex:name \"x\" . ex:n2 a ex:N .
         ex:a1 a ex:A ; ex:name \"x\" . ex:a2 a ex:A ; ex:name \"x\" ; ex:age 3 .
         ex:o1 a ex:O . ex:o2 a ex:O ; ex:age 3 .
         ex:x1 a ex:X ; ex:name \"x\" ; ex:age 3 . ex:x2 a ex:X ; ex:age 3 . ex:x3 a ex:X .",
    );
    let mut got: Vec<(String, String)> = r
        .results
        .iter()
        .map(|x| (x.focus_node.to_string(), x.component.clone()))
        .collect();
    got.sort();
    let e = |l: &str| format!("<http://example.org/{l}>");
    assert_eq!(
        got,
        vec![
            (e("a1"), "sh:AndConstraintComponent".to_owned()),
            (e("n1"), "sh:NotConstraintComponent".to_owned()),
            (e("o1"), "sh:OrConstraintComponent".to_owned()),
            (e("x1"), "sh:XoneConstraintComponent".to_owned()),
            (e("x3"), "sh:XoneConstraintComponent".to_owned()),
        ]
    );
    // The value node of a node shape's logical constraint is the focus node itself.
    assert!(
        r.results
            .iter()
            .all(|x| x.value.as_ref() == Some(&x.focus_node))
    );
}

#[test]
fn or_of_datatypes_on_a_property() {
    let r = run(
        "ex:S sh:targetNode ex:a ; sh:property [ sh:path ex:when ;
            sh:or ( [ sh:datatype xsd:date ] [ sh:datatype xsd:dateTime ] ) ] .",
        "ex:a ex:when \"2024-01-01\"^^xsd:date, \"2024-01-01T10:00:00Z\"^^xsd:dateTime, \"2024-01-01\", \"2024-02-30\"^^xsd:date .",
    );
    assert_eq!(r.violations(), 2);
    assert!(
        components(&r)
            .iter()
            .all(|c| *c == "sh:OrConstraintComponent")
    );
}

// ---- shape based --------------------------------------------------------------------

#[test]
fn node_constraint_reports_outer_shape_severity_and_path() {
    let r = run(
        "ex:Addr a sh:NodeShape ; sh:property [ sh:path ex:city ; sh:minCount 1 ; sh:severity sh:Violation ] .
         ex:S sh:targetNode ex:a ; sh:property [ sh:path ex:address ; sh:node ex:Addr ; sh:severity sh:Warning ] .",
        "ex:a ex:address ex:ok, ex:bad . ex:ok ex:city \"Paris\" .",
    );
    assert_eq!(
        r.results.len(),
        1,
        "nested results are not top-level: {r:?}"
    );
    let x = &r.results[0];
    assert_eq!(x.component, "sh:NodeConstraintComponent");
    assert_eq!(x.severity, Severity::Warning);
    assert_eq!(
        x.value.as_ref().unwrap().to_string(),
        "<http://example.org/bad>"
    );
    assert_eq!(
        x.result_path.as_deref(),
        Some("<http://example.org/address>")
    );
    assert!(r.conforms(), "warnings only");
}

#[test]
fn nested_property_shapes_report_their_own_results() {
    let r = run(
        "ex:S sh:targetNode ex:a ; sh:property [ sh:path ex:child ;
            sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:message \"child needs a name\" ] ] .",
        "ex:a ex:child ex:c1, ex:c2 . ex:c1 ex:name \"x\" .",
    );
    assert_eq!(r.results.len(), 1);
    assert_eq!(
        r.results[0].focus_node.to_string(),
        "<http://example.org/c2>"
    );
    assert_eq!(r.results[0].message, "child needs a name");
    assert_eq!(r.results[0].component, "sh:MinCountConstraintComponent");
}

#[test]
fn recursive_shapes_terminate() {
    let s = "ex:PersonShape a sh:NodeShape ; sh:targetClass ex:Person ;
        sh:property [ sh:path ex:knows ; sh:node ex:PersonShape ] ;
        sh:property [ sh:path ex:name ; sh:minCount 1 ] .";
    let r = run(
        s,
        "ex:a a ex:Person ; ex:name \"A\" ; ex:knows ex:b . ex:b a ex:Person ; ex:name \"B\" ; ex:knows ex:a .
         ex:c a ex:Person ; ex:knows ex:c .",
    );
    // ex:c has no name (1) and knows itself, which does not conform (1).
    assert_eq!(
        components(&r),
        vec![
            "sh:MinCountConstraintComponent",
            "sh:NodeConstraintComponent"
        ]
    );
}

#[test]
fn qualified_value_shapes() {
    let s = "ex:S sh:targetNode ex:hand ;
        sh:property [ sh:path ex:digit ; sh:qualifiedValueShape [ sh:class ex:Thumb ] ;
                      sh:qualifiedMinCount 1 ; sh:qualifiedMaxCount 1 ; sh:qualifiedValueShapesDisjoint true ] ;
        sh:property [ sh:path ex:digit ; sh:qualifiedValueShape [ sh:class ex:Finger ] ;
                      sh:qualifiedMinCount 4 ; sh:qualifiedMaxCount 4 ; sh:qualifiedValueShapesDisjoint true ] .";
    let good = run(
        s,
        "ex:hand ex:digit ex:t, ex:f1, ex:f2, ex:f3, ex:f4 . ex:t a ex:Thumb .
         ex:f1 a ex:Finger . ex:f2 a ex:Finger . ex:f3 a ex:Finger . ex:f4 a ex:Finger .",
    );
    assert!(good.results.is_empty(), "{good:?}");
    // A digit that is both a thumb and a finger counts for neither (disjoint siblings).
    let bad = run(
        s,
        "ex:hand ex:digit ex:t, ex:f1, ex:f2, ex:f3, ex:f4 . ex:t a ex:Thumb, ex:Finger .
         ex:f1 a ex:Finger . ex:f2 a ex:Finger . ex:f3 a ex:Finger . ex:f4 a ex:Finger, ex:Thumb .",
    );
    assert_eq!(
        components(&bad),
        vec![
            "sh:QualifiedMinCountConstraintComponent",
            "sh:QualifiedMinCountConstraintComponent"
        ]
    );
    let too_many = run(
        "ex:S sh:targetNode ex:x ; sh:property [ sh:path ex:p ;
            sh:qualifiedValueShape [ sh:datatype xsd:integer ] ; sh:qualifiedMaxCount 1 ] .",
        "ex:x ex:p 1, 2, \"a\" .",
    );
    assert_eq!(
        components(&too_many),
        vec!["sh:QualifiedMaxCountConstraintComponent"]
    );
}

// ---- other --------------------------------------------------------------------------

#[test]
fn closed_shapes_with_ignored_properties() {
    let r = run(
        "ex:S sh:targetNode ex:a ; sh:closed true ; sh:ignoredProperties (rdf:type) ;
            sh:property [ sh:path ex:name ] ; sh:property [ sh:path [ sh:inversePath ex:parent ] ] .",
        "ex:a a ex:Thing ; ex:name \"A\" ; ex:age 3 ; ex:nick \"a\" . ex:kid ex:parent ex:a .",
    );
    let mut paths: Vec<&str> = r
        .results
        .iter()
        .map(|x| x.result_path.as_deref().unwrap())
        .collect();
    paths.sort_unstable();
    assert_eq!(
        paths,
        vec!["<http://example.org/age>", "<http://example.org/nick>"]
    );
    assert!(
        components(&r)
            .iter()
            .all(|c| *c == "sh:ClosedConstraintComponent")
    );
}

#[test]
fn has_value_and_in() {
    let r = run(
        "ex:S sh:targetClass ex:T ;
            sh:property [ sh:path ex:status ; sh:hasValue ex:Active ] ;
            sh:property [ sh:path ex:colour ; sh:in (ex:Red ex:Green \"blue\") ] .",
        "ex:a a ex:T ; ex:status ex:Active ; ex:colour ex:Red, \"blue\" .
         ex:b a ex:T ; ex:status ex:Retired ; ex:colour ex:Purple .",
    );
    assert_eq!(
        components(&r),
        vec!["sh:HasValueConstraintComponent", "sh:InConstraintComponent"]
    );
    assert!(
        r.results
            .iter()
            .all(|x| x.focus_node.to_string() == "<http://example.org/b>")
    );
}

#[test]
fn deactivated_severity_and_message() {
    let r = run(
        "ex:Off sh:targetClass ex:T ; sh:deactivated true ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .
         ex:On sh:targetClass ex:T ; sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:severity sh:Info ;
             sh:message \"bitte\"@de, \"please add ex:p\"@en ] ;
             sh:property [ sh:path ex:q ; sh:minCount 1 ; sh:deactivated true ] .",
        "ex:a a ex:T .",
    );
    assert_eq!(r.results.len(), 1);
    assert_eq!(r.results[0].severity, Severity::Info);
    assert_eq!(r.results[0].message, "please add ex:p");
    assert!(r.conforms());
    assert_eq!((r.violations(), r.warnings(), r.infos()), (0, 0, 1));
}

// ---- paths --------------------------------------------------------------------------

#[test]
fn property_paths() {
    let g = "ex:a ex:p ex:b . ex:b ex:p ex:c . ex:c ex:q ex:d . ex:e ex:p ex:a .";
    let count_of = |path: &str| -> (usize, Option<String>) {
        // maxCount 0 reports one result carrying the path; the message gives the count.
        let r = run(
            &format!("ex:S sh:targetNode ex:a ; sh:property [ sh:path {path} ; sh:maxCount 0 ] ."),
            g,
        );
        match r.results.first() {
            None => (0, None),
            Some(x) => {
                let n = x.message.rsplit(' ').next().unwrap().parse().unwrap();
                (n, x.result_path.clone())
            }
        }
    };
    let e = |l: &str| format!("<http://example.org/{l}>");
    assert_eq!(count_of("ex:p"), (1, Some(e("p"))));
    assert_eq!(
        count_of("[ sh:inversePath ex:p ]"),
        (1, Some(format!("^{}", e("p"))))
    );
    assert_eq!(
        count_of("(ex:p ex:p ex:q)"),
        (1, Some(format!("{}/{}/{}", e("p"), e("p"), e("q"))))
    );
    assert_eq!(
        count_of("[ sh:alternativePath (ex:p [ sh:inversePath ex:p ]) ]"),
        (2, Some(format!("{}|^{}", e("p"), e("p"))))
    );
    assert_eq!(
        count_of("[ sh:zeroOrMorePath ex:p ]"),
        (3, Some(format!("{}*", e("p"))))
    );
    assert_eq!(count_of("[ sh:oneOrMorePath ex:p ]").0, 2);
    assert_eq!(count_of("[ sh:zeroOrOnePath ex:p ]").0, 2);
    assert_eq!(
        count_of("( [ sh:oneOrMorePath ex:p ] ex:q )"),
        (1, Some(format!("{}+/{}", e("p"), e("q"))))
    );
    // Inverse of a sequence: from ex:d back through q then p.
    let r = run(
        "ex:S sh:targetNode ex:d ; sh:property [ sh:path [ sh:inversePath (ex:p ex:q) ] ; sh:hasValue ex:b ] .",
        g,
    );
    assert!(r.results.is_empty(), "{r:?}");
}

// ---- SHACL-SPARQL -------------------------------------------------------------------

#[test]
fn sparql_select_constraint() {
    let s = r#"
        ex:Decl a <http://www.w3.org/2002/07/owl#Ontology> ;
            sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/"^^xsd:anyURI ] .
        ex:S a sh:NodeShape ; sh:targetClass ex:Person ;
            sh:sparql [ sh:prefixes ex:Decl ;
                sh:message "{$this} is older than its parent {?value}" ;
                sh:select """SELECT $this ?value WHERE {
                    $this ex:parent ?value . $this ex:age ?a . ?value ex:age ?b . FILTER (?a >= ?b) }""" ] ."#;
    let r = run(
        s,
        "ex:kid a ex:Person ; ex:age 10 ; ex:parent ex:mum, ex:young . ex:mum ex:age 40 . ex:young ex:age 8 .",
    );
    assert_eq!(r.results.len(), 1, "{r:?}");
    let x = &r.results[0];
    assert_eq!(x.component, "sh:SPARQLConstraintComponent");
    assert_eq!(
        x.value.as_ref().unwrap().to_string(),
        "<http://example.org/young>"
    );
    assert_eq!(
        x.message,
        "http://example.org/kid is older than its parent http://example.org/young"
    );
}

#[test]
fn sparql_path_substitution_on_property_shapes() {
    let s = r#"ex:S sh:targetNode ex:a ; sh:property [ sh:path ex:p ;
        sh:sparql [ sh:select "SELECT $this ?value WHERE { $this $PATH ?value . FILTER (isLiteral(?value)) }" ] ] ."#;
    let r = run(s, "ex:a ex:p 1, ex:b .");
    assert_eq!(r.results.len(), 1);
    assert_eq!(
        r.results[0].result_path.as_deref(),
        Some("<http://example.org/p>")
    );
}

#[test]
fn sparql_graph_guard_on_absent_target_node() {
    let s = r#"<#Guard> a sh:NodeShape ; sh:targetNode <urn:x-shacl:guard> ;
        sh:sparql [ sh:message "no dataset" ; sh:select """
            PREFIX dcat: <http://www.w3.org/ns/dcat#>
            SELECT $this WHERE { FILTER NOT EXISTS { ?s a dcat:Dataset } }""" ] ."#;
    let without = run(s, "ex:x a ex:Thing .");
    assert_eq!(without.violations(), 1);
    assert_eq!(
        without.results[0].focus_node.to_string(),
        "<urn:x-shacl:guard>"
    );
    assert_eq!(
        without.results[0].source_shape.to_string(),
        "<http://example.org/shapes#Guard>"
    );
    let with = run(s, "ex:x a <http://www.w3.org/ns/dcat#Dataset> .");
    assert!(with.results.is_empty());
}

// ---- conformance of nested shapes and shape loading ------------------------------------

#[test]
fn allow_warnings_changes_nested_conformance_only_when_asked() {
    let s = "ex:Soft sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:severity sh:Warning ] .
        ex:S sh:targetNode ex:a ; sh:or ( ex:Soft [ sh:class ex:Never ] ) .";
    let d = data("ex:a ex:x 1 .");
    let strict = validate(&d, &shapes(s));
    assert_eq!(components(&strict), vec!["sh:OrConstraintComponent"]);
    let lenient = validate_with(
        &d,
        &shapes(s),
        &ValidateOptions {
            allow_warnings: true,
            allow_infos: false,
        },
    );
    assert!(lenient.results.is_empty(), "{lenient:?}");
}

#[test]
fn ill_formed_shapes_are_rejected() {
    let err = Shapes::from_turtle(
        &format!("{PREFIXES} ex:S sh:targetNode ex:a ; sh:property [ sh:minCount 1 ] ."),
        "http://example.org/shapes",
    )
    .unwrap_err();
    assert!(matches!(err, ShaclError::IllFormedShape(_)), "{err}");
    let err = Shapes::from_turtle(
        &format!("{PREFIXES} ex:S sh:targetNode ex:a ; sh:sparql [ sh:select \"SELEC nope\" ] ."),
        "http://example.org/shapes",
    )
    .unwrap_err();
    assert!(matches!(err, ShaclError::Sparql(_)), "{err}");
    let err = Shapes::from_turtle("this is not turtle", "http://example.org/shapes").unwrap_err();
    assert!(matches!(err, ShaclError::Parse(_)), "{err}");
}

#[test]
fn non_standard_predicates_are_ignored() {
    let r = run(
        "ex:Base sh:property [ sh:path ex:name ; sh:minCount 1 ] .
         ex:S sh:targetNode ex:a ; sh:extends ex:Base ; sh:property [ sh:path ex:p ; sh:shape ex:Base ] .",
        "ex:a ex:p ex:b .",
    );
    assert!(r.results.is_empty(), "{r:?}");
}

#[test]
fn long_recursive_chains_do_not_exhaust_the_stack() {
    // Each link must have a next link conforming to the same shape: a 5,000-node chain.
    let s = "ex:Link sh:targetNode ex:n0 ; sh:property [ sh:path ex:next ; sh:node ex:Link ] ;
             sh:property [ sh:path ex:label ; sh:maxCount 1 ] .";
    let mut d = String::new();
    for i in 0..5000 {
        d.push_str(&format!(
            "ex:n{i} ex:next ex:n{} ; ex:label \"x\" .\n",
            i + 1
        ));
    }
    let r = run(s, &d);
    assert!(r.results.is_empty(), "{r:?}");
}
