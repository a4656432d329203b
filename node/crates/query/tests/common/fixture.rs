//! A small hand-checked ER fixture (ISO week 2025-W03 = 2025-01-13 … 2025-01-19, plus one
//! visit in 2025-W04). Expected counts are derived by hand in `ari.rs`.

/// INSERT statements for the fixture; `t` qualifies a table name.
pub fn inserts(t: &dyn Fn(&str) -> String) -> Vec<String> {
    let person = |id: i64,
                  gender: i64,
                  y: i64,
                  m: Option<i64>,
                  d: Option<i64>,
                  bdt: Option<&str>| {
        let opt = |v: Option<i64>| v.map_or("NULL".to_owned(), |v| v.to_string());
        let bdt = bdt.map_or("NULL".to_owned(), |b| format!("'{b}'"));
        format!(
            "INSERT INTO {} (person_id, gender_concept_id, year_of_birth, month_of_birth, day_of_birth, \
             birth_datetime, race_concept_id, ethnicity_concept_id) VALUES ({id}, {gender}, {y}, {}, {}, {bdt}, 0, 0)",
            t("person"),
            opt(m),
            opt(d)
        )
    };
    let visit = |id: i64, person: i64, concept: i64, date: &str, preceding: Option<i64>| {
        let preceding = preceding.map_or("NULL".to_owned(), |p| p.to_string());
        format!(
            "INSERT INTO {} (visit_occurrence_id, person_id, visit_concept_id, visit_start_date, \
             visit_end_date, visit_type_concept_id, preceding_visit_occurrence_id) \
             VALUES ({id}, {person}, {concept}, '{date}', '{date}', 32817, {preceding})",
            t("visit_occurrence")
        )
    };
    let mut next_condition = 0;
    let mut condition = |person: i64, visit: i64, date: &str, code: Option<&str>| {
        next_condition += 1;
        let code = code.map_or("NULL".to_owned(), |c| format!("'{c}'"));
        format!(
            "INSERT INTO {} (condition_occurrence_id, person_id, condition_concept_id, condition_start_date, \
             condition_type_concept_id, visit_occurrence_id, condition_source_value) \
             VALUES ({next_condition}, {person}, 0, '{date}', 32817, {visit}, {code})",
            t("condition_occurrence")
        )
    };
    vec![
        // 1: infant (exact birth date 2024-06-01), ER visit with RSV bronchiolitis J21.0.
        person(1, 8532, 2024, Some(6), Some(1), None),
        visit(101, 1, 9203, "2025-01-14", None),
        condition(1, 101, "2025-01-14", Some("J21.0")),
        // 2: adult, year of birth only; ER visit with U07.1; a separate, unlinked inpatient stay.
        person(2, 8507, 1980, None, None, None),
        visit(201, 2, 9203, "2025-01-15", None),
        condition(2, 201, "2025-01-15", Some("U07.1")),
        visit(202, 2, 9201, "2025-01-15", None),
        // 3: adult with birth_datetime only; ER visit with U071 (no dot).
        person(3, 8532, 1990, None, None, Some("1990-03-10 08:00:00")),
        visit(301, 3, 9203, "2025-01-16", None),
        condition(3, 301, "2025-01-16", Some("U071")),
        // 4: 70 years old; ER-and-inpatient visit (262) with pneumonia.
        person(4, 8507, 1954, Some(5), Some(5), None),
        visit(401, 4, 262, "2025-01-13", None),
        condition(4, 401, "2025-01-13", Some("J18.9")),
        // 5: 10 years old; ER visit with two influenza codes, then admitted (9201 preceded by it).
        person(5, 8507, 2014, Some(12), Some(1), None),
        visit(501, 5, 9203, "2025-01-17", None),
        condition(5, 501, "2025-01-17", Some("J10.1")),
        condition(5, 501, "2025-01-17", Some("j11 ")),
        visit(502, 5, 9201, "2025-01-17", Some(501)),
        // 6: ER visit without any condition (uncoded).
        person(6, 8507, 1985, None, None, None),
        visit(601, 6, 9203, "2025-01-18", None),
        // 7: ER visit whose only condition has no source code (uncoded).
        person(7, 8532, 1975, None, None, None),
        visit(701, 7, 9203, "2025-01-18", None),
        condition(7, 701, "2025-01-18", None),
        // 8: year of birth 1960 → 65 in 2025; coded ER visit outside every syndrome.
        person(8, 8532, 1960, None, None, None),
        visit(801, 8, 9203, "2025-01-19", None),
        condition(8, 801, "2025-01-19", Some("I10")),
        // 9: born 2023-01-15: aged 1 on 2025-01-14 (bronchiolitis J21.9), 2 on 2025-01-15 (J06.9).
        person(9, 8507, 2023, Some(1), Some(15), None),
        visit(901, 9, 9203, "2025-01-14", None),
        condition(9, 901, "2025-01-14", Some("J21.9")),
        visit(902, 9, 9203, "2025-01-15", None),
        condition(9, 902, "2025-01-15", Some("J06.9")),
        // 10: influenza ER visit in the following week (2025-W04).
        person(10, 8532, 1995, None, None, None),
        visit(1001, 10, 9203, "2025-01-20", None),
        condition(10, 1001, "2025-01-20", Some("J11.1")),
        // 11: outpatient visit (not ER) with influenza: counted nowhere.
        person(11, 8507, 1970, None, None, None),
        visit(1101, 11, 9202, "2025-01-14", None),
        condition(11, 1101, "2025-01-14", Some("J10")),
        // 12: ER visit in the previous week (2025-W02, Sunday), influenza.
        person(12, 8507, 2000, None, None, None),
        visit(1201, 12, 9203, "2025-01-12", None),
        condition(12, 1201, "2025-01-12", Some("J10")),
        // Care sites: 1 for visits 101, 201, 301; 2 for 401, 501; none for the others.
        format!(
            "UPDATE {} SET care_site_id = 1 WHERE visit_occurrence_id IN (101, 201, 301)",
            t("visit_occurrence")
        ),
        format!(
            "UPDATE {} SET care_site_id = 2 WHERE visit_occurrence_id IN (401, 501)",
            t("visit_occurrence")
        ),
    ]
}
