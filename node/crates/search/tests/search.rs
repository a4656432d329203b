//! Behaviour of the search index as the server uses it.

use hublot_search::{FacetCount, SearchDoc, SearchIndex, SearchQuery, SearchResults, Variable};

fn lang(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(l, t)| (l.to_string(), t.to_string()))
        .collect()
}

fn doc(id: &str, title: &str) -> SearchDoc {
    SearchDoc {
        id: id.into(),
        iri: format!("https://hublot.example/dataset/{id}"),
        titles: lang(&[("fr", title)]),
        ..SearchDoc::default()
    }
}

fn var(name: &str) -> Variable {
    Variable {
        name: name.into(),
        ..Variable::default()
    }
}

fn with_facets(mut doc: SearchDoc, facets: &[(&str, &str)]) -> SearchDoc {
    doc.facets = lang(facets);
    doc
}

fn ids(results: &SearchResults) -> Vec<&str> {
    results.hits.iter().map(|h| h.id.as_str()).collect()
}

fn find(index: &SearchIndex, text: &str) -> Vec<String> {
    index
        .search(&SearchQuery::new(text))
        .hits
        .into_iter()
        .map(|h| h.id)
        .collect()
}

fn facet<'a>(results: &'a SearchResults, name: &str) -> Vec<(&'a str, usize)> {
    results
        .facets
        .get(name)
        .map(|values| {
            values
                .iter()
                .map(|FacetCount { value, count }| (value.as_str(), *count))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn accent_insensitive_both_ways() {
    let mut index = SearchIndex::new();
    index.upsert(doc("accented", "Séjours à l'hôpital"));
    index.upsert(doc("plain", "Activite de l'hopital de jour"));
    index.upsert(doc("other", "Registre des cancers"));

    let mut found = find(&index, "hopital");
    found.sort();
    assert_eq!(found, ["accented", "plain"]);

    let mut found = find(&index, "hôpital");
    found.sort();
    assert_eq!(found, ["accented", "plain"]);

    assert_eq!(find(&index, "SEJOUR "), ["accented"]);
    assert_eq!(find(&index, "activité "), ["plain"]);
    // Decomposed (NFD) accents in the query.
    assert_eq!(find(&index, "se\u{301}jours "), ["accented"]);
}

#[test]
fn searches_french_and_english_fields() {
    let mut index = SearchIndex::new();
    let mut d = doc("pmsi", "Résumés de sortie hospitaliers");
    d.titles
        .push(("en".into(), "Hospital discharge summaries".into()));
    d.descriptions = lang(&[
        ("fr", "Séjours en médecine, chirurgie et obstétrique."),
        ("en", "Stays in medicine, surgery and obstetrics."),
    ]);
    d.keywords = lang(&[("fr", "hospitalisation"), ("en", "inpatient")]);
    index.upsert(d);
    index.upsert(doc("cancer", "Registre des cancers"));

    for text in [
        "résumés",
        "discharge",
        "chirurgie",
        "surgery",
        "hospitalisation",
        "inpatient",
    ] {
        assert_eq!(find(&index, text), ["pmsi"], "query {text:?}");
    }
    // Singular and plural meet, also while typing.
    assert_eq!(find(&index, "summary "), ["pmsi"]);
    assert_eq!(find(&index, "summari"), ["pmsi"]);

    let fr = index.search(&SearchQuery::new("surgery").with_lang("fr"));
    assert_eq!(fr.hits[0].title, "Résumés de sortie hospitaliers");
    assert_eq!(
        fr.hits[0].description,
        "Séjours en médecine, chirurgie et obstétrique."
    );
    let en = index.search(&SearchQuery::new("surgery").with_lang("en"));
    assert_eq!(en.hits[0].title, "Hospital discharge summaries");
    // Unknown language falls back to English.
    let de = index.search(&SearchQuery::new("surgery").with_lang("de"));
    assert_eq!(de.hits[0].title, "Hospital discharge summaries");
    assert_eq!(
        de.hits[0].description,
        "Stays in medicine, surgery and obstetrics."
    );
}

#[test]
fn variable_names_match_and_are_reported() {
    let mut index = SearchIndex::new();
    let mut omop = doc("omop", "Entrepôt OMOP");
    omop.variables = vec![
        Variable {
            table: Some("visit_occurrence".into()),
            ..var("visit_start_date")
        },
        Variable {
            table: Some("condition_occurrence".into()),
            ..var("conditionConceptId")
        },
        Variable {
            labels: lang(&[("fr", "Date de naissance"), ("en", "Birth date")]),
            ..var("birth_dt")
        },
        Variable {
            description: lang(&[("en", "Patient sex at birth")]),
            ..var("gender")
        },
    ];
    index.upsert(omop);
    let mut other = doc("other", "Enquête visites à domicile");
    other.variables = vec![var("age")];
    index.upsert(other);

    let r = index.search(&SearchQuery::new("start date"));
    assert_eq!(ids(&r), ["omop"]);
    // Only the variable matching both terms is reported...
    assert_eq!(r.hits[0].matched_variables, ["visit_start_date"]);
    assert!(r.hits[0].matched_fields.contains(&"variables".to_string()));

    // ...unless none matches them all: then those matching some, best first.
    let r = index.search(&SearchQuery::new("omop birth date"));
    assert_eq!(
        r.hits[0].matched_variables,
        ["birth_dt", "visit_start_date", "gender"]
    );

    let r = index.search(&SearchQuery::new("condition"));
    assert_eq!(ids(&r), ["omop"]);
    assert_eq!(r.hits[0].matched_variables, ["conditionConceptId"]);

    // Glued and snake_case spellings of a name also find it.
    for text in [
        "conditionconceptid",
        "visit_start_date",
        "visitstartdate",
        "CONDITION_CONCEPT_ID",
    ] {
        let r = index.search(&SearchQuery::new(text));
        assert_eq!(ids(&r), ["omop"], "query {text:?}");
        assert_eq!(r.hits[0].matched_variables.len(), 1, "query {text:?}");
    }

    // Labels (in any language) and descriptions report the variable too.
    let r = index.search(&SearchQuery::new("naissance"));
    assert_eq!(r.hits[0].matched_variables, ["birth_dt"]);
    let r = index.search(&SearchQuery::new("sex"));
    assert_eq!(r.hits[0].matched_variables, ["gender"]);
    assert_eq!(r.hits[0].matched_fields, ["variable_descriptions"]);

    // Both documents mention visits, but only one in a variable.
    let r = index.search(&SearchQuery::new("visit"));
    assert_eq!(r.total, 2);
    let other = r.hits.iter().find(|h| h.id == "other").unwrap();
    assert!(other.matched_variables.is_empty());
    assert_eq!(other.matched_fields, ["title"]);

    // Table names are searchable but are not variables.
    let r = index.search(&SearchQuery::new("occurrence"));
    assert_eq!(ids(&r), ["omop"]);
    assert_eq!(r.hits[0].matched_fields, ["tables"]);
    assert!(r.hits[0].matched_variables.is_empty());
}

#[test]
fn title_match_ranks_above_description_match() {
    let mut index = SearchIndex::new();
    // Inserted first and lexicographically first, so only the score can put
    // the title match on top.
    let mut in_description = doc("a-description", "Registre régional des naissances");
    in_description.descriptions = lang(&[(
        "fr",
        "Naissances vivantes et mort-nés, avec le suivi des enfants atteints de diabète \
         de type 1 pendant la première année.",
    )]);
    index.upsert(in_description);
    let mut in_title = doc("b-title", "Cohorte diabète de l'enfant");
    in_title.descriptions = lang(&[("fr", "Suivi longitudinal de patients pédiatriques.")]);
    index.upsert(in_title);
    let mut in_keyword = doc("c-keyword", "Suivi des maladies chroniques");
    in_keyword.keywords = lang(&[("fr", "diabète")]);
    index.upsert(in_keyword);

    let r = index.search(&SearchQuery::new("diabete"));
    assert_eq!(ids(&r), ["b-title", "c-keyword", "a-description"]);
    assert!(r.hits[0].score > r.hits[1].score);
    assert!(r.hits[1].score > r.hits[2].score);
    assert!(r.hits[2].score > 0.0);
    assert_eq!(r.hits[0].matched_fields, ["title"]);
    assert_eq!(r.hits[1].matched_fields, ["keywords"]);
    assert_eq!(r.hits[2].matched_fields, ["description"]);
}

#[test]
fn several_terms_must_all_match() {
    let mut index = SearchIndex::new();
    index.upsert(doc("both", "Mortalité infantile"));
    index.upsert(doc("first", "Mortalité des adultes"));
    index.upsert(doc("second", "Vaccination infantile"));

    assert_eq!(find(&index, "mortalité infantile"), ["both"]);
    assert_eq!(find(&index, "infantile mortalité"), ["both"]);
    assert!(find(&index, "mortalité cardiaque").is_empty());
    // Stop words do not have to match, even while being typed.
    assert_eq!(find(&index, "mortalité de l'infantile"), ["both"]);
    assert_eq!(find(&index, "infantile de").len(), 2);
    assert_eq!(find(&index, "mortalité").len(), 2);
}

#[test]
fn last_term_is_a_prefix() {
    let mut index = SearchIndex::new();
    index.upsert(doc("b1", "Bronchiolite du nourrisson"));
    index.upsert(doc("b2", "Bronchopneumopathie chronique obstructive"));
    index.upsert(doc("a1", "Asthme du nourrisson"));

    assert_eq!(find(&index, "bronchio"), ["b1"]);
    let mut both = find(&index, "bronch");
    both.sort();
    assert_eq!(both, ["b1", "b2"]);
    assert_eq!(find(&index, "nourrisson bronchio"), ["b1"]);
    // Only the last term is a prefix.
    assert!(find(&index, "bronchio nourrisson").is_empty());
    assert_eq!(find(&index, "bronchiolite nourr"), ["b1"]);
    assert_eq!(find(&index, "nourr").len(), 2);
    // A trailing space marks the last word as complete.
    assert!(find(&index, "bronchio ").is_empty());
    assert_eq!(find(&index, "bronchiolite "), ["b1"]);
    // An exact word outranks a longer word sharing its prefix.
    let mut index = SearchIndex::new();
    index.upsert(doc("a-longer", "Hospitalisation stays"));
    index.upsert(doc("b-exact", "Hospital stays"));
    let r = index.search(&SearchQuery::new("hospital"));
    assert_eq!(ids(&r), ["b-exact", "a-longer"]);
}

fn faceted_index() -> SearchIndex {
    let mut index = SearchIndex::new();
    for (id, title, theme, access, publisher) in [
        ("d1", "Cancer du sein", "HEAL", "public", "chu-a"),
        ("d2", "Cancer du poumon", "HEAL", "restricted", "chu-b"),
        (
            "d3",
            "Cancer et environnement",
            "ENVI",
            "restricted",
            "chu-a",
        ),
        ("d4", "Cancer et revenus", "ECON", "non-public", "chu-b"),
        ("d5", "Asthme", "HEAL", "public", "chu-a"),
    ] {
        index.upsert(with_facets(
            doc(id, title),
            &[
                ("theme", theme),
                ("access_rights", access),
                ("publisher", publisher),
            ],
        ));
    }
    index
}

#[test]
fn facets_and_filters() {
    let index = faceted_index();

    let r = index.search(&SearchQuery::new("cancer"));
    assert_eq!(r.total, 4);
    assert_eq!(facet(&r, "theme"), [("HEAL", 2), ("ECON", 1), ("ENVI", 1)]);
    assert_eq!(facet(&r, "publisher"), [("chu-a", 2), ("chu-b", 2)]);

    // One value.
    let r = index.search(&SearchQuery::new("cancer").with_filter("theme", "HEAL"));
    let mut found = ids(&r);
    found.sort();
    assert_eq!(found, ["d1", "d2"]);
    assert_eq!(r.total, 2);
    // Other facets count over the filtered set...
    assert_eq!(facet(&r, "publisher"), [("chu-a", 1), ("chu-b", 1)]);
    assert_eq!(
        facet(&r, "access_rights"),
        [("public", 1), ("restricted", 1)]
    );
    // ...while the filtered facet keeps its alternatives visible.
    assert_eq!(facet(&r, "theme"), [("HEAL", 2), ("ECON", 1), ("ENVI", 1)]);

    // OR within a facet name.
    let r = index.search(
        &SearchQuery::new("cancer")
            .with_filter("theme", "HEAL")
            .with_filter("theme", "ENVI"),
    );
    let mut found = ids(&r);
    found.sort();
    assert_eq!(found, ["d1", "d2", "d3"]);

    // AND across facet names.
    let r = index.search(
        &SearchQuery::new("cancer")
            .with_filter("theme", "HEAL")
            .with_filter("theme", "ENVI")
            .with_filter("access_rights", "restricted"),
    );
    let mut found = ids(&r);
    found.sort();
    assert_eq!(found, ["d2", "d3"]);
    assert_eq!(facet(&r, "publisher"), [("chu-a", 1), ("chu-b", 1)]);
    // Theme counts ignore the theme filter but honour access rights.
    assert_eq!(facet(&r, "theme"), [("ENVI", 1), ("HEAL", 1)]);
    // Access-rights counts ignore the access filter but honour the themes.
    assert_eq!(
        facet(&r, "access_rights"),
        [("restricted", 2), ("public", 1)]
    );

    // Filters without text browse; unknown values match nothing but are
    // still listed.
    let r = index.search(&SearchQuery::new("").with_filter("publisher", "chu-a"));
    assert_eq!(ids(&r), ["d5", "d1", "d3"]);
    let r = index.search(&SearchQuery::new("").with_filter("publisher", "nobody"));
    assert_eq!(r.total, 0);
    assert!(r.hits.is_empty());
    assert_eq!(
        facet(&r, "publisher"),
        [("chu-a", 3), ("chu-b", 2), ("nobody", 0)]
    );
}

#[test]
fn paging() {
    let mut index = SearchIndex::new();
    // Inserted out of identifier order, so only the tie-break orders them.
    for i in (0..25).map(|i| (i * 7) % 25) {
        index.upsert(doc(&format!("d{i:02}"), &format!("Registre numéro {i:02}")));
    }
    let all: Vec<String> = index
        .search(&SearchQuery::new("registre").with_page(1, 100))
        .hits
        .into_iter()
        .map(|h| h.id)
        .collect();
    assert_eq!(all.len(), 25);
    // Equal scores: ordered by identifier.
    let mut sorted = all.clone();
    sorted.sort();
    assert_eq!(all, sorted);

    let mut paged = Vec::new();
    for page in 1..=3 {
        let r = index.search(&SearchQuery::new("registre").with_page(page, 10));
        assert_eq!(r.total, 25);
        assert_eq!(r.page, page);
        assert_eq!(r.page_size, 10);
        assert_eq!(r.hits.len(), if page < 3 { 10 } else { 5 });
        paged.extend(r.hits.into_iter().map(|h| h.id));
    }
    assert_eq!(paged, all);

    let past = index.search(&SearchQuery::new("registre").with_page(4, 10));
    assert_eq!(past.total, 25);
    assert!(past.hits.is_empty());

    // Page 0 is page 1; page size 0 is the default.
    let r = index.search(&SearchQuery::new("registre").with_page(0, 0));
    assert_eq!((r.page, r.page_size), (1, hublot_search::DEFAULT_PAGE_SIZE));
    assert_eq!(r.hits[0].id, "d00");
}

#[test]
fn upsert_replaces_the_document() {
    let mut index = SearchIndex::new();
    let mut old = with_facets(doc("d1", "Bronchiolite"), &[("theme", "HEAL")]);
    old.variables = vec![var("old_variable")];
    index.upsert(old);
    index.upsert(doc("d2", "Asthme"));

    let mut new = with_facets(doc("d1", "Grippe saisonnière"), &[("theme", "ENVI")]);
    new.variables = vec![var("new_variable")];
    index.upsert(new);

    assert_eq!(index.len(), 2);
    assert!(find(&index, "bronchiolite").is_empty());
    assert!(find(&index, "old").is_empty());
    assert_eq!(find(&index, "grippe"), ["d1"]);
    assert_eq!(find(&index, "new_variable"), ["d1"]);
    assert_eq!(index.get("d1").unwrap().titles[0].1, "Grippe saisonnière");

    let r = index.search(&SearchQuery::new(""));
    assert_eq!(facet(&r, "theme"), [("ENVI", 1)]);
    assert_eq!(r.total, 2);
}

#[test]
fn remove_drops_the_document() {
    let mut index = SearchIndex::new();
    index.upsert(doc("d1", "Bronchiolite"));
    index.upsert(doc("d2", "Bronchiolite sévère"));
    assert!(index.remove("d1"));
    assert!(!index.remove("d1"));
    assert!(!index.remove("missing"));
    assert_eq!(index.len(), 1);
    assert!(index.get("d1").is_none());
    assert_eq!(find(&index, "bronchiolite"), ["d2"]);
    assert_eq!(index.search(&SearchQuery::new("")).total, 1);

    // The freed slot is reused without resurrecting old postings.
    index.upsert(doc("d3", "Asthme"));
    assert_eq!(find(&index, "bronchiolite"), ["d2"]);
    assert_eq!(find(&index, "asthme"), ["d3"]);
    assert!(index.remove("d2"));
    assert!(index.remove("d3"));
    assert!(index.is_empty());
    assert_eq!(index.search(&SearchQuery::new("")).total, 0);
}

#[test]
fn empty_query_browses_by_title() {
    let mut index = SearchIndex::new();
    let mut z = doc("a-z", "Zona");
    z.titles.push(("en".into(), "Herpes zoster".into()));
    index.upsert(z);
    index.upsert(doc("b-e", "Épidémiologie"));
    index.upsert(doc("c-a", "asthme"));
    index.upsert(SearchDoc {
        id: "d-untitled".into(),
        ..SearchDoc::default()
    });

    for text in ["", "   ", " -- "] {
        let r = index.search(&SearchQuery::new(text).with_lang("fr"));
        assert_eq!(r.total, 4);
        // Accent- and case-insensitive title order; untitled documents sort
        // by identifier.
        assert_eq!(
            ids(&r),
            ["c-a", "d-untitled", "b-e", "a-z"],
            "query {text:?}"
        );
        assert!(
            r.hits
                .iter()
                .all(|h| h.score == 0.0 && h.matched_fields.is_empty())
        );
        assert_eq!(r.hits[1].title, "d-untitled");
    }
    let r = index.search(&SearchQuery::new("").with_page(1, 2));
    assert_eq!(r.total, 4);
    assert_eq!(ids(&r), ["c-a", "d-untitled"]);

    // The order follows the display language: "Herpes zoster" < "Rougeole"
    // < "Zona".
    index.upsert(doc("e-r", "Rougeole"));
    let r = index.search(&SearchQuery::new("").with_lang("en"));
    assert_eq!(ids(&r), ["c-a", "d-untitled", "b-e", "a-z", "e-r"]);
    assert_eq!(r.hits[3].title, "Herpes zoster");
    let r = index.search(&SearchQuery::new("").with_lang("fr"));
    assert_eq!(ids(&r), ["c-a", "d-untitled", "b-e", "e-r", "a-z"]);
    assert_eq!(r.hits[4].title, "Zona");
}

#[test]
fn results_are_deterministic_and_serialisable() {
    let index = faceted_index();
    let q = SearchQuery::new("cancer");
    let a = serde_json::to_string(&index.search(&q)).unwrap();
    let b = serde_json::to_string(&index.search(&q)).unwrap();
    assert_eq!(a, b);
    let value: serde_json::Value = serde_json::from_str(&a).unwrap();
    assert_eq!(value["total"], 4);
    assert_eq!(value["facets"]["theme"][0]["value"], "HEAL");
    assert_eq!(value["facets"]["theme"][0]["count"], 2);
    assert!(value["hits"][0]["matched_variables"].is_array());

    // Queries deserialise with defaults for missing fields.
    let q: SearchQuery = serde_json::from_str(r#"{"text":"cancer"}"#).unwrap();
    assert_eq!((q.page, q.page_size), (1, hublot_search::DEFAULT_PAGE_SIZE));
}

#[test]
fn long_descriptions_are_truncated() {
    let mut index = SearchIndex::new();
    let mut d = doc("d1", "Registre");
    d.descriptions = lang(&[("fr", &"Séjour hospitalier détaillé. ".repeat(40))]);
    index.upsert(d);
    let hit = &index.search(&SearchQuery::new("registre")).hits[0];
    assert!(hit.description.chars().count() <= 301);
    assert!(hit.description.chars().count() > 250);
    assert!(hit.description.ends_with('…'));
}

#[test]
fn index_can_be_shared_between_threads() {
    fn shareable<T: Send + Sync>() {}
    shareable::<SearchIndex>();
    shareable::<SearchResults>();
}
