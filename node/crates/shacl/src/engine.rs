//! The validation engine: focus nodes, value nodes, constraint components.
//!
//! Conformance of nested shapes (`sh:node`, `sh:not`, `sh:and`, `sh:or`, `sh:xone`,
//! `sh:qualifiedValueShape`) is memoised per (shape, node): the same code-list or
//! agent shape is typically checked for the same node from many datasets. Recursive
//! shapes are cut when a (shape, node) pair is re-entered while it is being validated:
//! the inner occurrence is taken as conforming, and nothing computed under that
//! assumption is memoised.

use crate::data::{DataGraph, TermId};
use crate::fasthash::{FastMap, FastSet};
use crate::pretty;
use crate::shapes::{
    Constraint, Logic, NodeKind, PairKind, Path, RangeKind, Shape, ShapeId, Shapes,
};
use crate::sparql::SparqlOutcome;
use crate::vocab::{RDF_TYPE, RDFS_LITERAL, RDFS_SUB_CLASS_OF};
use crate::{Severity, ValidateOptions, ValidationResult, xsd};
use oxrdf::Term;
use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::cmp::Ordering;
use std::rc::Rc;

/// Nesting limit for shape evaluations (through `sh:property`, `sh:node`, logical and
/// qualified constraints), far above anything a real shapes graph needs; it bounds the
/// stack when recursive shapes walk a long chain of data nodes.
const MAX_NESTING: u32 = 64;

#[derive(Debug, Clone)]
enum RawTerm {
    Id(TermId),
    Owned(Term),
}

#[derive(Debug, Clone)]
enum RawPath {
    /// The path of the shape that produced the result (none for node shapes).
    Shape,
    Predicate(TermId),
    Owned(Term),
}

/// A validation result in engine form; turned into a [`ValidationResult`] only at top level.
#[derive(Debug)]
struct Raw {
    focus: RawTerm,
    path: RawPath,
    value: Option<RawTerm>,
    severity: Severity,
    shape: ShapeId,
    component: &'static str,
    message: Option<String>,
    /// The message comes from the constraint itself (a SPARQL `sh:message`) and wins
    /// over the shape's `sh:message`.
    specific: bool,
}

pub(crate) struct Run<'a> {
    data: &'a DataGraph,
    shapes: &'a Shapes,
    ids: Vec<TermId>,
    rdf_type: TermId,
    sub_class_of: TermId,
    has_subclass: bool,
    allowed: [bool; 3],
    memo: RefCell<FastMap<(ShapeId, TermId), (bool, bool)>>,
    /// (shape, node) pairs being validated, with whether a failure was already found.
    active: RefCell<FastMap<(ShapeId, TermId), bool>>,
    cut: Cell<bool>,
    /// Depth of nested conformance checks; messages are only built at depth 0.
    depth: Cell<u32>,
    /// Depth of nested shape evaluations.
    nesting: Cell<u32>,
    supers: RefCell<FastMap<TermId, Rc<FastSet<TermId>>>>,
}

fn sev_index(s: Severity) -> usize {
    match s {
        Severity::Violation => 0,
        Severity::Warning => 1,
        Severity::Info => 2,
    }
}

/// Validates a prepared data graph. Interns the shapes' terms first (which is why the
/// graph is borrowed mutably), then runs every shape that has targets.
pub(crate) fn validate(
    data: &mut DataGraph,
    shapes: &Shapes,
    opts: &ValidateOptions,
) -> Vec<ValidationResult> {
    let ids: Vec<TermId> = shapes.terms.iter().map(|t| data.intern(t)).collect();
    let rdf_type = data.intern(&RDF_TYPE.into_owned().into());
    let sub_class_of = data.intern(&RDFS_SUB_CLASS_OF.into_owned().into());
    let data: &DataGraph = data;
    let mut allowed = [false; 3];
    if opts.allow_warnings {
        allowed[1] = true;
        allowed[2] = true;
    }
    if opts.allow_infos {
        allowed[2] = true;
    }
    let run = Run {
        data,
        shapes,
        ids,
        rdf_type,
        sub_class_of,
        has_subclass: !data.with_predicate(sub_class_of).is_empty(),
        allowed,
        memo: RefCell::default(),
        active: RefCell::default(),
        cut: Cell::new(false),
        depth: Cell::new(0),
        nesting: Cell::new(0),
        supers: RefCell::default(),
    };
    run.all()
}

impl Run<'_> {
    fn all(&self) -> Vec<ValidationResult> {
        let mut raw = Vec::new();
        for &sid in &self.shapes.roots {
            let shape = &self.shapes.shapes[sid];
            if shape.deactivated {
                continue;
            }
            for focus in self.focus_nodes(shape) {
                self.eval_shape(sid, focus, &mut raw);
            }
        }
        raw.into_iter().map(|r| self.finish(r)).collect()
    }

    fn id(&self, idx: u32) -> TermId {
        self.ids[idx as usize]
    }

    fn term(&self, raw: &RawTerm) -> Term {
        match raw {
            RawTerm::Id(id) => self.data.term(*id).clone(),
            RawTerm::Owned(t) => t.clone(),
        }
    }

    fn finish(&self, r: Raw) -> ValidationResult {
        let shape = &self.shapes.shapes[r.shape];
        let result_path = match &r.path {
            RawPath::Shape => shape.path_text.clone(),
            RawPath::Predicate(p) => Some(self.data.term(*p).to_string()),
            RawPath::Owned(t) => Some(t.to_string()),
        };
        let message = if r.specific {
            r.message
        } else {
            shape.message.clone().or(r.message)
        }
        .unwrap_or_else(|| format!("{} failed", r.component));
        ValidationResult {
            focus_node: self.term(&r.focus),
            result_path,
            value: r.value.as_ref().map(|v| self.term(v)),
            severity: r.severity,
            source_shape: shape.node.clone(),
            component: r.component.to_owned(),
            message,
        }
    }

    fn focus_nodes(&self, shape: &Shape) -> Vec<TermId> {
        let mut seen: FastSet<TermId> = FastSet::default();
        let mut out = Vec::new();
        let mut add = |id: TermId| {
            if seen.insert(id) {
                out.push(id);
            }
        };
        // Target nodes are focus nodes even when the data graph does not mention them.
        for &t in &shape.targets.nodes {
            add(self.id(t));
        }
        for &c in &shape.targets.classes {
            for i in self.instances(self.id(c)) {
                add(i);
            }
        }
        for &p in &shape.targets.subjects_of {
            for &(s, _) in self.data.with_predicate(self.id(p)) {
                add(s);
            }
        }
        for &p in &shape.targets.objects_of {
            for &(_, o) in self.data.with_predicate(self.id(p)) {
                add(o);
            }
        }
        out
    }

    /// SHACL instances of a class: typed with it or with one of its transitive subclasses.
    fn instances(&self, class: TermId) -> Vec<TermId> {
        let mut classes = vec![class];
        if self.has_subclass {
            let mut seen: FastSet<TermId> = FastSet::default();
            seen.insert(class);
            let mut i = 0;
            while i < classes.len() {
                for &sub in self.data.subjects(self.sub_class_of, classes[i]) {
                    if seen.insert(sub) {
                        classes.push(sub);
                    }
                }
                i += 1;
            }
        }
        let mut out = Vec::new();
        for c in classes {
            out.extend_from_slice(self.data.subjects(self.rdf_type, c));
        }
        out
    }

    fn superclasses(&self, class: TermId) -> Rc<FastSet<TermId>> {
        if let Some(s) = self.supers.borrow().get(&class) {
            return Rc::clone(s);
        }
        let mut set: FastSet<TermId> = FastSet::default();
        set.insert(class);
        let mut stack = vec![class];
        while let Some(c) = stack.pop() {
            for &sup in self.data.objects(c, self.sub_class_of) {
                if set.insert(sup) {
                    stack.push(sup);
                }
            }
        }
        let rc = Rc::new(set);
        self.supers.borrow_mut().insert(class, Rc::clone(&rc));
        rc
    }

    fn is_instance(&self, node: TermId, class: TermId) -> bool {
        let types = self.data.objects(node, self.rdf_type);
        if types.contains(&class) {
            return true;
        }
        self.has_subclass && types.iter().any(|t| self.superclasses(*t).contains(&class))
    }

    // ---- paths -------------------------------------------------------------------

    fn value_nodes<'s>(&'s self, shape: &Shape, focus: TermId) -> Cow<'s, [TermId]> {
        match &shape.path {
            None => Cow::Owned(vec![focus]),
            Some(Path::Predicate(p)) => Cow::Borrowed(self.data.objects(focus, self.id(*p))),
            Some(Path::Inverse(inner)) if matches!(**inner, Path::Predicate(_)) => {
                let Path::Predicate(p) = **inner else {
                    unreachable!("checked by the guard")
                };
                Cow::Borrowed(self.data.subjects(self.id(p), focus))
            }
            Some(path) => Cow::Owned(self.step(path, false, &[focus])),
        }
    }

    /// Nodes reachable from `from` through `path` (or its inverse), without duplicates.
    fn step(&self, path: &Path, inverse: bool, from: &[TermId]) -> Vec<TermId> {
        let mut seen: FastSet<TermId> = FastSet::default();
        let mut out = Vec::new();
        match path {
            Path::Predicate(p) => {
                let p = self.id(*p);
                for &n in from {
                    let next = if inverse {
                        self.data.subjects(p, n)
                    } else {
                        self.data.objects(n, p)
                    };
                    for &x in next {
                        if seen.insert(x) {
                            out.push(x);
                        }
                    }
                }
            }
            Path::Inverse(inner) => return self.step(inner, !inverse, from),
            Path::Sequence(items) => {
                let mut cur = from.to_vec();
                if inverse {
                    for item in items.iter().rev() {
                        cur = self.step(item, inverse, &cur);
                    }
                } else {
                    for item in items {
                        cur = self.step(item, inverse, &cur);
                    }
                }
                return cur;
            }
            Path::Alternative(items) => {
                for item in items {
                    for x in self.step(item, inverse, from) {
                        if seen.insert(x) {
                            out.push(x);
                        }
                    }
                }
            }
            Path::ZeroOrOne(inner) => {
                for &x in from.iter().chain(self.step(inner, inverse, from).iter()) {
                    if seen.insert(x) {
                        out.push(x);
                    }
                }
            }
            Path::ZeroOrMore(inner) | Path::OneOrMore(inner) => {
                let mut frontier: Vec<TermId> = if matches!(path, Path::ZeroOrMore(_)) {
                    from.to_vec()
                } else {
                    self.step(inner, inverse, from)
                };
                for &x in &frontier {
                    if seen.insert(x) {
                        out.push(x);
                    }
                }
                while !frontier.is_empty() {
                    let next = self.step(inner, inverse, &frontier);
                    frontier = next.into_iter().filter(|x| seen.insert(*x)).collect();
                    out.extend_from_slice(&frontier);
                }
            }
        }
        out
    }

    // ---- shapes ------------------------------------------------------------------

    /// Conformance and non-emptiness of the results of `node` against a shape, for
    /// the shape-based components. Memoised.
    fn check(&self, sid: ShapeId, node: TermId) -> (bool, bool) {
        if let Some(r) = self.memo.borrow().get(&(sid, node)) {
            return *r;
        }
        let outer_cut = self.cut.replace(false);
        self.depth.set(self.depth.get() + 1);
        let mut tmp = Vec::new();
        let conforms = self.eval_shape(sid, node, &mut tmp);
        self.depth.set(self.depth.get() - 1);
        let cut = self.cut.get();
        let outcome = (conforms, !tmp.is_empty());
        if !cut {
            self.memo.borrow_mut().insert((sid, node), outcome);
        }
        self.cut.set(outer_cut || cut);
        outcome
    }

    /// Validates `focus` against a shape, appending the results; returns whether the
    /// node conforms. With allowed severities (warnings/infos), a constraint that
    /// only produced allowed-severity results does not break conformance.
    fn eval_shape(&self, sid: ShapeId, focus: TermId, out: &mut Vec<Raw>) -> bool {
        let shape = &self.shapes.shapes[sid];
        if shape.deactivated {
            return true;
        }
        if self.nesting.get() >= MAX_NESTING {
            self.cut.set(true);
            return true;
        }
        // Re-entered through a reference cycle: answer with what is known so far (a
        // failure already found, otherwise conformance) instead of recursing forever.
        let known = self.active.borrow().get(&(sid, focus)).copied();
        if let Some(failed) = known {
            self.cut.set(true);
            return !failed;
        }
        self.active.borrow_mut().insert((sid, focus), false);
        self.nesting.set(self.nesting.get() + 1);
        let values = self.value_nodes(shape, focus);
        let shape_allowed = self.allowed[sev_index(shape.severity)];
        let mut conforms = true;
        for c in &shape.constraints {
            let before = out.len();
            let ok = self.eval_constraint(sid, shape, c, focus, &values, out);
            if !ok && !shape_allowed {
                // Without allowed severities any failure counts; with them, only a
                // failure that produced a result of a non-allowed severity does.
                let filtering = self.allowed.iter().any(|a| *a);
                if !filtering
                    || !out[before..]
                        .iter()
                        .all(|r| self.allowed[sev_index(r.severity)])
                {
                    conforms = false;
                    self.active.borrow_mut().insert((sid, focus), true);
                }
            }
        }
        self.active.borrow_mut().remove(&(sid, focus));
        self.nesting.set(self.nesting.get() - 1);
        conforms
    }

    #[allow(clippy::too_many_arguments)]
    fn push(
        &self,
        out: &mut Vec<Raw>,
        sid: ShapeId,
        focus: TermId,
        value: Option<TermId>,
        component: &'static str,
        message: impl FnOnce() -> String,
    ) {
        let shape = &self.shapes.shapes[sid];
        out.push(Raw {
            focus: RawTerm::Id(focus),
            path: RawPath::Shape,
            value: value.map(RawTerm::Id),
            severity: shape.severity,
            shape: sid,
            component,
            message: (self.depth.get() == 0).then(message),
            specific: false,
        });
    }

    fn show(&self, id: TermId) -> String {
        pretty::term(self.data.term(id))
    }

    fn shape_name(&self, sid: ShapeId) -> String {
        pretty::term(&self.shapes.shapes[sid].node)
    }

    /// Evaluates one constraint; returns whether it is satisfied (for `sh:property`,
    /// whether every value conforms to the property shape).
    fn eval_constraint(
        &self,
        sid: ShapeId,
        shape: &Shape,
        c: &Constraint,
        focus: TermId,
        values: &[TermId],
        out: &mut Vec<Raw>,
    ) -> bool {
        let before = out.len();
        match c {
            Constraint::Property(p) => {
                let mut ok = true;
                for &v in values {
                    ok &= self.eval_shape(*p, v, out);
                }
                return ok;
            }
            Constraint::Class(c) => {
                let class = self.id(*c);
                for &v in values {
                    let ok = !matches!(self.data.term(v), Term::Literal(_))
                        && self.is_instance(v, class);
                    if !ok {
                        self.push(
                            out,
                            sid,
                            focus,
                            Some(v),
                            "sh:ClassConstraintComponent",
                            || {
                                format!(
                                    "Value {} is not an instance of {}",
                                    self.show(v),
                                    self.show(class)
                                )
                            },
                        );
                    }
                }
            }
            Constraint::Datatype(dt) => {
                for &v in values {
                    let (ok, ill_formed) = match self.data.term(v) {
                        Term::Literal(l) if dt.as_ref() == RDFS_LITERAL => (true, false),
                        Term::Literal(l) if l.datatype() == dt.as_ref() => {
                            let wf = xsd::is_well_formed(l) != Some(false);
                            (wf, !wf)
                        }
                        _ => (false, false),
                    };
                    if !ok {
                        self.push(
                            out,
                            sid,
                            focus,
                            Some(v),
                            "sh:DatatypeConstraintComponent",
                            || {
                                if ill_formed {
                                    format!(
                                        "Value {} is not a valid {}",
                                        self.show(v),
                                        pretty::iri(dt.as_str())
                                    )
                                } else {
                                    format!(
                                        "Value {} is not a literal of datatype {}",
                                        self.show(v),
                                        pretty::iri(dt.as_str())
                                    )
                                }
                            },
                        );
                    }
                }
            }
            Constraint::NodeKind(kind) => {
                for &v in values {
                    let ok = match self.data.term(v) {
                        Term::NamedNode(_) => matches!(
                            kind,
                            NodeKind::Iri | NodeKind::BlankNodeOrIri | NodeKind::IriOrLiteral
                        ),
                        Term::BlankNode(_) => matches!(
                            kind,
                            NodeKind::BlankNode
                                | NodeKind::BlankNodeOrIri
                                | NodeKind::BlankNodeOrLiteral
                        ),
                        Term::Literal(_) => matches!(
                            kind,
                            NodeKind::Literal
                                | NodeKind::BlankNodeOrLiteral
                                | NodeKind::IriOrLiteral
                        ),
                        #[allow(unreachable_patterns)]
                        _ => false,
                    };
                    if !ok {
                        self.push(
                            out,
                            sid,
                            focus,
                            Some(v),
                            "sh:NodeKindConstraintComponent",
                            || {
                                format!(
                                    "Value {} is not of node kind {}",
                                    self.show(v),
                                    kind.name()
                                )
                            },
                        );
                    }
                }
            }
            Constraint::MinCount(n) => {
                if (values.len() as u64) < *n {
                    self.push(
                        out,
                        sid,
                        focus,
                        None,
                        "sh:MinCountConstraintComponent",
                        || {
                            format!(
                                "Expected at least {n} value(s) for {}, found {}",
                                self.path_name(shape),
                                values.len()
                            )
                        },
                    );
                }
            }
            Constraint::MaxCount(n) => {
                if (values.len() as u64) > *n {
                    self.push(
                        out,
                        sid,
                        focus,
                        None,
                        "sh:MaxCountConstraintComponent",
                        || {
                            format!(
                                "Expected at most {n} value(s) for {}, found {}",
                                self.path_name(shape),
                                values.len()
                            )
                        },
                    );
                }
            }
            Constraint::Range(kind, bound) => {
                let (component, op) = match kind {
                    RangeKind::MinExclusive => ("sh:MinExclusiveConstraintComponent", ">"),
                    RangeKind::MinInclusive => ("sh:MinInclusiveConstraintComponent", ">="),
                    RangeKind::MaxExclusive => ("sh:MaxExclusiveConstraintComponent", "<"),
                    RangeKind::MaxInclusive => ("sh:MaxInclusiveConstraintComponent", "<="),
                };
                for &v in values {
                    let ok = match xsd::compare(self.data.term(v), bound) {
                        Some(o) => match kind {
                            RangeKind::MinExclusive => o == Ordering::Greater,
                            RangeKind::MinInclusive => o != Ordering::Less,
                            RangeKind::MaxExclusive => o == Ordering::Less,
                            RangeKind::MaxInclusive => o != Ordering::Greater,
                        },
                        None => false,
                    };
                    if !ok {
                        self.push(out, sid, focus, Some(v), component, || {
                            format!("Value {} is not {op} {}", self.show(v), pretty::term(bound))
                        });
                    }
                }
            }
            Constraint::MinLength(n) | Constraint::MaxLength(n) => {
                let min = matches!(c, Constraint::MinLength(_));
                for &v in values {
                    let len = match self.data.term(v) {
                        Term::NamedNode(i) => Some(i.as_str().chars().count() as u64),
                        Term::Literal(l) => Some(l.value().chars().count() as u64),
                        _ => None,
                    };
                    let ok = len.is_some_and(|l| if min { l >= *n } else { l <= *n });
                    if !ok {
                        let component = if min {
                            "sh:MinLengthConstraintComponent"
                        } else {
                            "sh:MaxLengthConstraintComponent"
                        };
                        self.push(out, sid, focus, Some(v), component, || {
                            format!(
                                "Value {} has {} than {n} characters",
                                self.show(v),
                                if min { "fewer" } else { "more" }
                            )
                        });
                    }
                }
            }
            Constraint::Pattern { regex, source } => {
                for &v in values {
                    let ok = match self.data.term(v) {
                        Term::NamedNode(i) => regex.is_match(i.as_str()),
                        Term::Literal(l) => regex.is_match(l.value()),
                        _ => false,
                    };
                    if !ok {
                        self.push(
                            out,
                            sid,
                            focus,
                            Some(v),
                            "sh:PatternConstraintComponent",
                            || {
                                format!(
                                    "Value {} does not match the pattern {source:?}",
                                    self.show(v)
                                )
                            },
                        );
                    }
                }
            }
            Constraint::LanguageIn(ranges) => {
                for &v in values {
                    let ok = match self.data.term(v) {
                        Term::Literal(l) => l.language().is_some_and(|tag| {
                            let tag = tag.to_ascii_lowercase();
                            ranges.iter().any(|r| {
                                r == "*"
                                    || tag == *r
                                    || (tag.starts_with(r.as_str())
                                        && tag.as_bytes().get(r.len()) == Some(&b'-'))
                            })
                        }),
                        _ => false,
                    };
                    if !ok {
                        self.push(
                            out,
                            sid,
                            focus,
                            Some(v),
                            "sh:LanguageInConstraintComponent",
                            || {
                                format!(
                                    "Value {} is not tagged with one of the languages {}",
                                    self.show(v),
                                    ranges.join(", ")
                                )
                            },
                        );
                    }
                }
            }
            Constraint::UniqueLang => {
                let mut counts: Vec<(String, usize)> = Vec::new();
                for &v in values {
                    if let Term::Literal(l) = self.data.term(v)
                        && let Some(tag) = l.language()
                    {
                        let tag = tag.to_ascii_lowercase();
                        match counts.iter_mut().find(|(t, _)| *t == tag) {
                            Some((_, n)) => *n += 1,
                            None => counts.push((tag, 1)),
                        }
                    }
                }
                for (tag, n) in counts {
                    if n > 1 {
                        self.push(
                            out,
                            sid,
                            focus,
                            None,
                            "sh:UniqueLangConstraintComponent",
                            || {
                                format!(
                                    "Language \"{tag}\" is used by {n} values of {}",
                                    self.path_name(shape)
                                )
                            },
                        );
                    }
                }
            }
            Constraint::Pair(kind, p) => {
                let p = self.id(*p);
                let others = self.data.objects(focus, p);
                let other_name = self.show(p);
                match kind {
                    PairKind::Equals => {
                        for &v in values.iter().filter(|v| !others.contains(v)) {
                            self.push(
                                out,
                                sid,
                                focus,
                                Some(v),
                                "sh:EqualsConstraintComponent",
                                || format!("Value {} is not a value of {other_name}", self.show(v)),
                            );
                        }
                        for &o in others.iter().filter(|o| !values.contains(o)) {
                            self.push(
                                out,
                                sid,
                                focus,
                                Some(o),
                                "sh:EqualsConstraintComponent",
                                || {
                                    format!(
                                        "Value {} of {other_name} is not a value of {}",
                                        self.show(o),
                                        self.path_name(shape)
                                    )
                                },
                            );
                        }
                    }
                    PairKind::Disjoint => {
                        for &v in values.iter().filter(|v| others.contains(v)) {
                            self.push(
                                out,
                                sid,
                                focus,
                                Some(v),
                                "sh:DisjointConstraintComponent",
                                || {
                                    format!(
                                        "Value {} is also a value of {other_name}",
                                        self.show(v)
                                    )
                                },
                            );
                        }
                    }
                    PairKind::LessThan | PairKind::LessThanOrEquals => {
                        let strict = *kind == PairKind::LessThan;
                        let component = if strict {
                            "sh:LessThanConstraintComponent"
                        } else {
                            "sh:LessThanOrEqualsConstraintComponent"
                        };
                        for &v in values {
                            for &o in others {
                                let ok = match xsd::compare(self.data.term(v), self.data.term(o)) {
                                    Some(Ordering::Less) => true,
                                    Some(Ordering::Equal) => !strict,
                                    _ => false,
                                };
                                if !ok {
                                    self.push(out, sid, focus, Some(v), component, || {
                                        format!(
                                            "Value {} is not {} the value {} of {other_name}",
                                            self.show(v),
                                            if strict {
                                                "less than"
                                            } else {
                                                "less than or equal to"
                                            },
                                            self.show(o)
                                        )
                                    });
                                }
                            }
                        }
                    }
                }
            }
            Constraint::Not(s) => {
                for &v in values {
                    if self.check(*s, v).0 {
                        self.push(
                            out,
                            sid,
                            focus,
                            Some(v),
                            "sh:NotConstraintComponent",
                            || {
                                format!(
                                    "Value {} conforms to {}, which it must not",
                                    self.show(v),
                                    self.shape_name(*s)
                                )
                            },
                        );
                    }
                }
            }
            Constraint::Logic(kind, members) => {
                for &v in values {
                    let ok = match kind {
                        Logic::And => members.iter().all(|m| self.check(*m, v).0),
                        Logic::Or => members.iter().any(|m| self.check(*m, v).0),
                        Logic::Xone => members.iter().filter(|m| self.check(**m, v).0).count() == 1,
                    };
                    if !ok {
                        let (component, what) = match kind {
                            Logic::And => ("sh:AndConstraintComponent", "all of"),
                            Logic::Or => ("sh:OrConstraintComponent", "at least one of"),
                            Logic::Xone => ("sh:XoneConstraintComponent", "exactly one of"),
                        };
                        self.push(out, sid, focus, Some(v), component, || {
                            let names: Vec<String> =
                                members.iter().map(|m| self.shape_name(*m)).collect();
                            format!(
                                "Value {} must conform to {what} the shapes {}",
                                self.show(v),
                                names.join(", ")
                            )
                        });
                    }
                }
            }
            Constraint::Node(s) => {
                for &v in values {
                    let (conforms, any) = self.check(*s, v);
                    if !conforms || any {
                        self.push(
                            out,
                            sid,
                            focus,
                            Some(v),
                            "sh:NodeConstraintComponent",
                            || {
                                // The referenced shape's own message says more than its name.
                                self.shapes.shapes[*s].message.clone().unwrap_or_else(|| {
                                    format!(
                                        "Value {} does not conform to the shape {}",
                                        self.show(v),
                                        self.shape_name(*s)
                                    )
                                })
                            },
                        );
                    }
                }
            }
            Constraint::Qualified {
                shape: q,
                min,
                max,
                siblings,
            } => {
                let count = values
                    .iter()
                    .filter(|v| {
                        self.check(*q, **v).0 && !siblings.iter().any(|s| self.check(*s, **v).0)
                    })
                    .count() as u64;
                if let Some(min) = min
                    && count < *min
                {
                    self.push(
                        out,
                        sid,
                        focus,
                        None,
                        "sh:QualifiedMinCountConstraintComponent",
                        || {
                            format!(
                                "Expected at least {min} value(s) conforming to {}, found {count}",
                                self.shape_name(*q)
                            )
                        },
                    );
                }
                if let Some(max) = max
                    && count > *max
                {
                    self.push(
                        out,
                        sid,
                        focus,
                        None,
                        "sh:QualifiedMaxCountConstraintComponent",
                        || {
                            format!(
                                "Expected at most {max} value(s) conforming to {}, found {count}",
                                self.shape_name(*q)
                            )
                        },
                    );
                }
            }
            Constraint::Closed { allowed } => {
                let allowed: Vec<TermId> = allowed.iter().map(|i| self.id(*i)).collect();
                for &v in values {
                    for (p, o) in self.data.outgoing(v) {
                        if !allowed.contains(&p) {
                            out.push(Raw {
                                focus: RawTerm::Id(focus),
                                path: RawPath::Predicate(p),
                                value: Some(RawTerm::Id(o)),
                                severity: shape.severity,
                                shape: sid,
                                component: "sh:ClosedConstraintComponent",
                                message: (self.depth.get() == 0).then(|| {
                                    format!(
                                        "Predicate {} is not allowed on {} (closed shape)",
                                        self.show(p),
                                        self.show(v)
                                    )
                                }),
                                specific: false,
                            });
                        }
                    }
                }
            }
            Constraint::HasValue(t) => {
                let t = self.id(*t);
                if !values.contains(&t) {
                    self.push(
                        out,
                        sid,
                        focus,
                        None,
                        "sh:HasValueConstraintComponent",
                        || {
                            format!(
                                "Missing required value {} for {}",
                                self.show(t),
                                self.path_name(shape)
                            )
                        },
                    );
                }
            }
            Constraint::In(members) => {
                for &v in values {
                    if !members.iter().any(|m| self.id(*m) == v) {
                        self.push(out, sid, focus, Some(v), "sh:InConstraintComponent", || {
                            format!("Value {} is not one of the allowed values", self.show(v))
                        });
                    }
                }
            }
            Constraint::Sparql(sc) => {
                if sc.deactivated {
                    return true;
                }
                let outcome = sc.evaluate(self.data, self.data.term(focus), &shape.node);
                let component = "sh:SPARQLConstraintComponent";
                match outcome {
                    SparqlOutcome::Failure(msg) => out.push(Raw {
                        focus: RawTerm::Id(focus),
                        path: RawPath::Shape,
                        value: None,
                        severity: Severity::Violation,
                        shape: sid,
                        component,
                        message: Some(msg),
                        specific: true,
                    }),
                    SparqlOutcome::Rows(rows) => {
                        for row in rows {
                            let value = match row.value {
                                Some(v) => Some(RawTerm::Owned(v)),
                                None if shape.path.is_none() => Some(RawTerm::Id(focus)),
                                None => None,
                            };
                            out.push(Raw {
                                focus: row.this.map_or(RawTerm::Id(focus), RawTerm::Owned),
                                path: row.path.map_or(RawPath::Shape, RawPath::Owned),
                                value,
                                severity: shape.severity,
                                shape: sid,
                                component,
                                specific: row.message.is_some(),
                                message: row.message,
                            });
                        }
                    }
                }
            }
        }
        out.len() == before
    }

    fn path_name(&self, shape: &Shape) -> String {
        shape
            .path_text
            .as_deref()
            .map_or_else(|| "the focus node".to_owned(), pretty::path)
    }
}
