use hublot_shacl::healthdcat::{HealthDcatValidator, Tier, vocabulary_background};
use hublot_shacl::{DataGraph, Shapes, ValidateOptions, validate_data};
use std::time::Instant;
fn main() {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shapes/examples");
    let arca = std::fs::read_to_string(root.join("EPRDR/ARCA.ttl")).unwrap();
    let mut data = oxrdf::Graph::new();
    for i in 0..1000 {
        let text = arca.replace("https://eu-rd-platform.jrc.ec.europa.eu/mdr/detail/ARCA", &format!("https://eu-rd-platform.jrc.ec.europa.eu/mdr/detail/ARCA-{i}"));
        for t in &Shapes::parse_turtle(&text, "file:///x").unwrap() { data.insert(t); }
    }
    let v = HealthDcatValidator::embedded().unwrap();
    let t = Instant::now(); let mut dg = DataGraph::from_graph(&data); eprintln!("index {:?}", t.elapsed());
    let t = Instant::now(); let bg = vocabulary_background(&data); eprintln!("bg {:?} {}", t.elapsed(), bg.len());
    let t = Instant::now(); for x in &bg { dg.insert(&x.subject.clone().into(), &x.predicate.clone().into(), &x.object); } eprintln!("bg insert {:?}", t.elapsed());
    let opts = ValidateOptions { allow_warnings: true, allow_infos: false };
    let t = Instant::now(); let r = validate_data(&mut dg, v.shapes(Tier::Public), &opts); eprintln!("validate1 {:?} {}", t.elapsed(), r.results.len());
    let t = Instant::now(); let r = validate_data(&mut dg, v.shapes(Tier::Public), &opts); eprintln!("validate2 {:?} {}", t.elapsed(), r.results.len());
    let t = Instant::now(); let r = v.validate(&data); eprintln!("full {:?} {}", t.elapsed(), r.warnings());
}
