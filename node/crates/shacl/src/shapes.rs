//! Compilation of a SHACL shapes graph into the engine's shape table.
//!
//! Shapes are found the way the W3C recommendation (and pySHACL, Hublot's reference
//! validator) finds them: instances of `sh:NodeShape`/`sh:PropertyShape`, subjects of
//! target declarations, of `sh:property` and `sh:node`, and every node referenced by a
//! shape-expecting parameter. Predicates that are not SHACL Core or SHACL-SPARQL
//! parameters (for example the non-standard `sh:extends` or the old `sh:shape`) are
//! ignored. Every RDF term the constraints mention is kept in a small term table so
//! that validation can map it once to the data graph's ids.

use crate::Severity;
use crate::ShaclError;
use crate::fasthash::FastMap;
use crate::sparql::SparqlConstraint;
use crate::vocab::*;
use oxrdf::{
    BlankNode, Graph, NamedNode, NamedNodeRef, NamedOrBlankNode, NamedOrBlankNodeRef, Term,
    TermRef, Triple,
};
use oxttl::TurtleParser;
use regex::Regex;
use std::collections::HashMap;

pub(crate) type ShapeId = usize;
/// Index into [`Shapes::terms`].
pub(crate) type TermIdx = u32;

/// A SHACL property path.
#[derive(Debug, Clone)]
pub(crate) enum Path {
    Predicate(TermIdx),
    Inverse(Box<Path>),
    Sequence(Vec<Path>),
    Alternative(Vec<Path>),
    ZeroOrMore(Box<Path>),
    OneOrMore(Box<Path>),
    ZeroOrOne(Box<Path>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NodeKind {
    Iri,
    BlankNode,
    Literal,
    BlankNodeOrIri,
    BlankNodeOrLiteral,
    IriOrLiteral,
}

impl NodeKind {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Iri => "sh:IRI",
            Self::BlankNode => "sh:BlankNode",
            Self::Literal => "sh:Literal",
            Self::BlankNodeOrIri => "sh:BlankNodeOrIRI",
            Self::BlankNodeOrLiteral => "sh:BlankNodeOrLiteral",
            Self::IriOrLiteral => "sh:IRIOrLiteral",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RangeKind {
    MinExclusive,
    MinInclusive,
    MaxExclusive,
    MaxInclusive,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PairKind {
    Equals,
    Disjoint,
    LessThan,
    LessThanOrEquals,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Logic {
    And,
    Or,
    Xone,
}

/// One constraint (a constraint component with its parameter values) of a shape.
#[derive(Debug)]
pub(crate) enum Constraint {
    Class(TermIdx),
    Datatype(NamedNode),
    NodeKind(NodeKind),
    MinCount(u64),
    MaxCount(u64),
    Range(RangeKind, Term),
    MinLength(u64),
    MaxLength(u64),
    Pattern {
        regex: Regex,
        source: String,
    },
    LanguageIn(Vec<String>),
    UniqueLang,
    Pair(PairKind, TermIdx),
    Not(ShapeId),
    Logic(Logic, Vec<ShapeId>),
    Node(ShapeId),
    Property(ShapeId),
    Qualified {
        shape: ShapeId,
        min: Option<u64>,
        max: Option<u64>,
        siblings: Vec<ShapeId>,
    },
    Closed {
        allowed: Vec<TermIdx>,
    },
    HasValue(TermIdx),
    In(Vec<TermIdx>),
    Sparql(SparqlConstraint),
}

/// Target declarations of a shape.
#[derive(Debug, Default)]
pub(crate) struct Targets {
    pub nodes: Vec<TermIdx>,
    pub classes: Vec<TermIdx>,
    pub subjects_of: Vec<TermIdx>,
    pub objects_of: Vec<TermIdx>,
}

impl Targets {
    pub(crate) fn is_empty(&self) -> bool {
        self.nodes.is_empty()
            && self.classes.is_empty()
            && self.subjects_of.is_empty()
            && self.objects_of.is_empty()
    }
}

/// A compiled node or property shape.
#[derive(Debug)]
pub(crate) struct Shape {
    pub node: Term,
    pub path: Option<Path>,
    /// The path in SPARQL property path syntax (property shapes only).
    pub path_text: Option<String>,
    pub targets: Targets,
    pub constraints: Vec<Constraint>,
    pub severity: Severity,
    pub message: Option<String>,
    pub deactivated: bool,
}

/// A compiled SHACL shapes graph, ready to validate any number of data graphs.
///
/// `Shapes` is immutable and `Send + Sync`: build it once and share it.
#[derive(Debug)]
pub struct Shapes {
    pub(crate) shapes: Vec<Shape>,
    pub(crate) terms: Vec<Term>,
    /// Shapes that declare targets, validated at top level.
    pub(crate) roots: Vec<ShapeId>,
}

impl Shapes {
    /// Compiles every shape of a shapes graph.
    pub fn from_graph(graph: &Graph) -> Result<Self, ShaclError> {
        Compiler::new(graph).run()
    }

    /// Parses Turtle and compiles the shapes it contains.
    pub fn from_turtle(text: &str, base: &str) -> Result<Self, ShaclError> {
        Self::from_graph(&Self::parse_turtle(text, base)?)
    }

    /// Parses a Turtle document into a graph, resolving relative IRIs against `base`.
    ///
    /// Blank node labels are made unique to this document, so several documents can be
    /// merged into one graph without their `_:b0` nodes colliding.
    pub fn parse_turtle(text: &str, base: &str) -> Result<Graph, ShaclError> {
        let parser = TurtleParser::new()
            .with_base_iri(base)
            .map_err(|e| ShaclError::Parse(format!("invalid base IRI <{base}>: {e}")))?;
        let mut labels: HashMap<String, BlankNode> = HashMap::new();
        let mut fresh = |b: BlankNode| -> BlankNode {
            labels.entry(b.as_str().to_owned()).or_default().clone()
        };
        let mut graph = Graph::new();
        for triple in parser.for_slice(text) {
            let t = triple.map_err(|e| ShaclError::Parse(e.to_string()))?;
            let subject = match t.subject {
                NamedOrBlankNode::BlankNode(b) => NamedOrBlankNode::BlankNode(fresh(b)),
                other => other,
            };
            let object = match t.object {
                Term::BlankNode(b) => Term::BlankNode(fresh(b)),
                other => other,
            };
            graph.insert(&Triple::new(subject, t.predicate, object));
        }
        Ok(graph)
    }

    /// Number of compiled shapes (node and property shapes, named or blank).
    pub fn len(&self) -> usize {
        self.shapes.len()
    }

    /// Whether no shape was found.
    pub fn is_empty(&self) -> bool {
        self.shapes.is_empty()
    }

    /// Number of shapes that declare targets.
    pub fn target_shape_count(&self) -> usize {
        self.roots.len()
    }
}

fn subject_ref(term: TermRef<'_>) -> Option<NamedOrBlankNodeRef<'_>> {
    match term {
        TermRef::NamedNode(n) => Some(n.into()),
        TermRef::BlankNode(b) => Some(b.into()),
        _ => None,
    }
}

fn show(term: TermRef<'_>) -> String {
    term.to_string()
}

struct Compiler<'g> {
    g: &'g Graph,
    ids: FastMap<Term, ShapeId>,
    pending: Vec<ShapeId>,
    nodes: Vec<Term>,
    compiled: Vec<Option<Shape>>,
    terms: Vec<Term>,
    term_idx: FastMap<Term, TermIdx>,
}

impl<'g> Compiler<'g> {
    fn new(g: &'g Graph) -> Self {
        Self {
            g,
            ids: FastMap::default(),
            pending: Vec::new(),
            nodes: Vec::new(),
            compiled: Vec::new(),
            terms: Vec::new(),
            term_idx: FastMap::default(),
        }
    }

    fn objects(&self, s: TermRef<'_>, p: NamedNodeRef<'_>) -> Vec<TermRef<'g>> {
        match subject_ref(s) {
            Some(s) => {
                let mut v: Vec<TermRef<'g>> = self.g.objects_for_subject_predicate(s, p).collect();
                // Deterministic order whatever the graph's internal encoding.
                v.sort_by_cached_key(|t| t.to_string());
                v
            }
            None => Vec::new(),
        }
    }

    fn object(&self, s: TermRef<'_>, p: NamedNodeRef<'_>) -> Option<TermRef<'g>> {
        self.objects(s, p).into_iter().next()
    }

    fn has(&self, s: TermRef<'_>, p: NamedNodeRef<'_>) -> bool {
        subject_ref(s).is_some_and(|s| self.g.object_for_subject_predicate(s, p).is_some())
    }

    fn idx(&mut self, term: TermRef<'_>) -> TermIdx {
        let owned = term.into_owned();
        if let Some(i) = self.term_idx.get(&owned) {
            return *i;
        }
        let i = TermIdx::try_from(self.terms.len()).expect("term table overflow");
        self.terms.push(owned.clone());
        self.term_idx.insert(owned, i);
        i
    }

    /// The shape id of a node, scheduling its compilation on first sight.
    fn shape_id(&mut self, node: TermRef<'_>) -> ShapeId {
        let owned = node.into_owned();
        if let Some(id) = self.ids.get(&owned) {
            return *id;
        }
        let id = self.nodes.len();
        self.nodes.push(owned.clone());
        self.compiled.push(None);
        self.ids.insert(owned, id);
        self.pending.push(id);
        id
    }

    fn list(&self, head: TermRef<'g>) -> Result<Vec<TermRef<'g>>, ShaclError> {
        let mut items = Vec::new();
        let mut cur = head;
        let mut guard = 0usize;
        while cur != RDF_NIL.into() {
            let first = self.object(cur, RDF_FIRST).ok_or_else(|| {
                ShaclError::IllFormedShape(format!("{} is not a well-formed RDF list", show(head)))
            })?;
            items.push(first);
            cur = self.object(cur, RDF_REST).ok_or_else(|| {
                ShaclError::IllFormedShape(format!("{} is not a well-formed RDF list", show(head)))
            })?;
            guard += 1;
            if guard > 100_000 {
                return Err(ShaclError::IllFormedShape(format!(
                    "{} is a cyclic RDF list",
                    show(head)
                )));
            }
        }
        Ok(items)
    }

    fn run(mut self) -> Result<Shapes, ShaclError> {
        let g = self.g;
        // Explicit and implicit shapes, collected in a deterministic order.
        let mut seeds: Vec<Term> = Vec::new();
        for class in [SH_NODE_SHAPE, SH_PROPERTY_SHAPE] {
            seeds.extend(
                g.subjects_for_predicate_object(RDF_TYPE, class)
                    .map(|s| Term::from(s.into_owned())),
            );
        }
        for p in [
            SH_TARGET_CLASS,
            SH_TARGET_NODE,
            SH_TARGET_SUBJECTS_OF,
            SH_TARGET_OBJECTS_OF,
            SH_PROPERTY,
            SH_NODE,
        ] {
            seeds.extend(
                g.triples_for_predicate(p)
                    .map(|t| Term::from(t.subject.into_owned())),
            );
        }
        seeds.sort_by_cached_key(ToString::to_string);
        seeds.dedup();
        for s in &seeds {
            self.shape_id(s.as_ref());
        }
        while let Some(id) = self.pending.pop() {
            let node = self.nodes[id].clone();
            let shape = self.compile(node.as_ref())?;
            self.compiled[id] = Some(shape);
        }
        let mut shapes: Vec<Shape> = self
            .compiled
            .into_iter()
            .map(|s| s.expect("every scheduled shape is compiled"))
            .collect();
        order_constraints(&mut shapes);
        let mut roots: Vec<ShapeId> = (0..shapes.len())
            .filter(|i| !shapes[*i].targets.is_empty())
            .collect();
        roots.sort_by_cached_key(|i| shapes[*i].node.to_string());
        Ok(Shapes {
            shapes,
            terms: self.terms,
            roots,
        })
    }

    fn int_param(&self, node: TermRef<'_>, v: TermRef<'_>, what: &str) -> Result<u64, ShaclError> {
        if let TermRef::Literal(l) = v
            && let Ok(n) = l.value().trim().parse::<u64>()
        {
            return Ok(n);
        }
        Err(ShaclError::IllFormedShape(format!(
            "{what} of {} must be a non-negative integer, not {}",
            show(node),
            show(v)
        )))
    }

    fn bool_param(v: TermRef<'_>) -> bool {
        matches!(v, TermRef::Literal(l) if matches!(l.value().trim(), "true" | "1"))
    }

    /// Reference to a shape from a shape-expecting parameter.
    fn shape_ref(
        &mut self,
        from: TermRef<'_>,
        target: TermRef<'_>,
        must_be: Option<bool>,
        param: &str,
    ) -> Result<ShapeId, ShaclError> {
        if subject_ref(target).is_none() {
            return Err(ShaclError::IllFormedShape(format!(
                "{param} of {} must be an IRI or blank node, not {}",
                show(from),
                show(target)
            )));
        }
        let is_property = self.has(target, SH_PATH);
        match must_be {
            Some(true) if !is_property => {
                return Err(ShaclError::IllFormedShape(format!(
                    "{} is the value of {param} of {} but has no sh:path: it is not a well-formed property shape",
                    show(target),
                    show(from)
                )));
            }
            Some(false) if is_property => {
                return Err(ShaclError::IllFormedShape(format!(
                    "{} is the value of {param} of {} but has a sh:path: it is not a node shape",
                    show(target),
                    show(from)
                )));
            }
            _ => {}
        }
        Ok(self.shape_id(target))
    }

    fn compile(&mut self, node: TermRef<'_>) -> Result<Shape, ShaclError> {
        let paths = self.objects(node, SH_PATH);
        if paths.len() > 1 {
            return Err(ShaclError::IllFormedShape(format!(
                "{} has more than one sh:path",
                show(node)
            )));
        }
        let path = match paths.first() {
            Some(p) => Some(self.path(*p, 0)?),
            None => None,
        };
        let path_text = path.as_ref().map(|p| self.path_text(p));

        let severity = self
            .objects(node, SH_SEVERITY)
            .into_iter()
            .map(|s| match s {
                TermRef::NamedNode(n) if n == SH_WARNING => Severity::Warning,
                TermRef::NamedNode(n) if n == SH_INFO => Severity::Info,
                _ => Severity::Violation,
            })
            .min() // Violation < Warning < Info: the most severe wins
            .unwrap_or(Severity::Violation);
        let message = pick_message(&self.objects(node, SH_MESSAGE));
        let deactivated = self
            .objects(node, SH_DEACTIVATED)
            .into_iter()
            .any(Self::bool_param);

        let mut targets = Targets::default();
        for t in self.objects(node, SH_TARGET_NODE) {
            let i = self.idx(t);
            targets.nodes.push(i);
        }
        for t in self.objects(node, SH_TARGET_CLASS) {
            let i = self.idx(t);
            targets.classes.push(i);
        }
        if self.is_class(node) {
            let i = self.idx(node);
            if !targets.classes.contains(&i) {
                targets.classes.push(i);
            }
        }
        for t in self.objects(node, SH_TARGET_SUBJECTS_OF) {
            let i = self.idx(t);
            targets.subjects_of.push(i);
        }
        for t in self.objects(node, SH_TARGET_OBJECTS_OF) {
            let i = self.idx(t);
            targets.objects_of.push(i);
        }

        let constraints = self.constraints(node, path_text.as_deref())?;
        Ok(Shape {
            node: node.into_owned(),
            path,
            path_text,
            targets,
            constraints,
            severity,
            message,
            deactivated,
        })
    }

    /// Whether the shape node is also an `rdfs:Class` (implicit class target).
    fn is_class(&self, node: TermRef<'_>) -> bool {
        let types = self.objects(node, RDF_TYPE);
        types.iter().any(|t| {
            *t == RDFS_CLASS.into()
                || subject_ref(*t).is_some_and(|ts| {
                    self.g
                        .objects_for_subject_predicate(ts, RDFS_SUB_CLASS_OF)
                        .any(|sup| sup == RDFS_CLASS.into())
                })
        })
    }

    fn path(&mut self, node: TermRef<'g>, depth: usize) -> Result<Path, ShaclError> {
        if depth > 64 {
            return Err(ShaclError::IllFormedShape(format!(
                "property path {} is nested too deeply",
                show(node)
            )));
        }
        if let TermRef::NamedNode(_) = node {
            return Ok(Path::Predicate(self.idx(node)));
        }
        if subject_ref(node).is_none() {
            return Err(ShaclError::IllFormedShape(format!(
                "{} is not a property path",
                show(node)
            )));
        }
        if self.has(node, RDF_FIRST) {
            let items = self.list(node)?;
            let mut seq = Vec::with_capacity(items.len());
            for i in items {
                seq.push(self.path(i, depth + 1)?);
            }
            return Ok(if seq.len() == 1 {
                seq.remove(0)
            } else {
                Path::Sequence(seq)
            });
        }
        if let Some(inner) = self.object(node, SH_INVERSE_PATH) {
            return Ok(Path::Inverse(Box::new(self.path(inner, depth + 1)?)));
        }
        if let Some(list) = self.object(node, SH_ALTERNATIVE_PATH) {
            let items = self.list(list)?;
            let mut alt = Vec::with_capacity(items.len());
            for i in items {
                alt.push(self.path(i, depth + 1)?);
            }
            return Ok(Path::Alternative(alt));
        }
        if let Some(inner) = self.object(node, SH_ZERO_OR_MORE_PATH) {
            return Ok(Path::ZeroOrMore(Box::new(self.path(inner, depth + 1)?)));
        }
        if let Some(inner) = self.object(node, SH_ONE_OR_MORE_PATH) {
            return Ok(Path::OneOrMore(Box::new(self.path(inner, depth + 1)?)));
        }
        if let Some(inner) = self.object(node, SH_ZERO_OR_ONE_PATH) {
            return Ok(Path::ZeroOrOne(Box::new(self.path(inner, depth + 1)?)));
        }
        Err(ShaclError::IllFormedShape(format!(
            "{} is not a well-formed property path",
            show(node)
        )))
    }

    fn path_text(&self, path: &Path) -> String {
        render_path(path, &|i| self.terms[i as usize].to_string())
    }

    fn constraints(
        &mut self,
        node: TermRef<'_>,
        path_text: Option<&str>,
    ) -> Result<Vec<Constraint>, ShaclError> {
        let mut out = Vec::new();
        for c in self.objects(node, SH_CLASS) {
            out.push(Constraint::Class(self.idx(c)));
        }
        for d in self.objects(node, SH_DATATYPE) {
            let TermRef::NamedNode(d) = d else {
                return Err(ShaclError::IllFormedShape(format!(
                    "sh:datatype of {} must be an IRI",
                    show(node)
                )));
            };
            out.push(Constraint::Datatype(d.into_owned()));
        }
        for k in self.objects(node, SH_NODE_KIND) {
            let kind = match k {
                TermRef::NamedNode(n) if n == SH_IRI => NodeKind::Iri,
                TermRef::NamedNode(n) if n == SH_BLANK_NODE => NodeKind::BlankNode,
                TermRef::NamedNode(n) if n == SH_LITERAL => NodeKind::Literal,
                TermRef::NamedNode(n) if n == SH_BLANK_NODE_OR_IRI => NodeKind::BlankNodeOrIri,
                TermRef::NamedNode(n) if n == SH_BLANK_NODE_OR_LITERAL => {
                    NodeKind::BlankNodeOrLiteral
                }
                TermRef::NamedNode(n) if n == SH_IRI_OR_LITERAL => NodeKind::IriOrLiteral,
                other => {
                    return Err(ShaclError::IllFormedShape(format!(
                        "sh:nodeKind of {} has an unknown value {}",
                        show(node),
                        show(other)
                    )));
                }
            };
            out.push(Constraint::NodeKind(kind));
        }
        for v in self.objects(node, SH_MIN_COUNT) {
            out.push(Constraint::MinCount(self.int_param(
                node,
                v,
                "sh:minCount",
            )?));
        }
        for v in self.objects(node, SH_MAX_COUNT) {
            out.push(Constraint::MaxCount(self.int_param(
                node,
                v,
                "sh:maxCount",
            )?));
        }
        for (p, kind) in [
            (SH_MIN_EXCLUSIVE, RangeKind::MinExclusive),
            (SH_MIN_INCLUSIVE, RangeKind::MinInclusive),
            (SH_MAX_EXCLUSIVE, RangeKind::MaxExclusive),
            (SH_MAX_INCLUSIVE, RangeKind::MaxInclusive),
        ] {
            for v in self.objects(node, p) {
                out.push(Constraint::Range(kind, v.into_owned()));
            }
        }
        for v in self.objects(node, SH_MIN_LENGTH) {
            out.push(Constraint::MinLength(self.int_param(
                node,
                v,
                "sh:minLength",
            )?));
        }
        for v in self.objects(node, SH_MAX_LENGTH) {
            out.push(Constraint::MaxLength(self.int_param(
                node,
                v,
                "sh:maxLength",
            )?));
        }
        let flags = self
            .object(node, SH_FLAGS)
            .and_then(|f| match f {
                TermRef::Literal(l) => Some(l.value().to_owned()),
                _ => None,
            })
            .unwrap_or_default();
        for v in self.objects(node, SH_PATTERN) {
            let TermRef::Literal(l) = v else {
                return Err(ShaclError::IllFormedShape(format!(
                    "sh:pattern of {} must be a literal",
                    show(node)
                )));
            };
            let regex = build_regex(l.value(), &flags)?;
            out.push(Constraint::Pattern {
                regex,
                source: l.value().to_owned(),
            });
        }
        for head in self.objects(node, SH_LANGUAGE_IN) {
            let mut langs = Vec::new();
            for item in self.list(head)? {
                if let TermRef::Literal(l) = item {
                    langs.push(l.value().to_ascii_lowercase());
                }
            }
            out.push(Constraint::LanguageIn(langs));
        }
        if self
            .objects(node, SH_UNIQUE_LANG)
            .into_iter()
            .any(Self::bool_param)
        {
            out.push(Constraint::UniqueLang);
        }
        for (p, kind) in [
            (SH_EQUALS, PairKind::Equals),
            (SH_DISJOINT, PairKind::Disjoint),
            (SH_LESS_THAN, PairKind::LessThan),
            (SH_LESS_THAN_OR_EQUALS, PairKind::LessThanOrEquals),
        ] {
            for v in self.objects(node, p) {
                if !matches!(v, TermRef::NamedNode(_)) {
                    return Err(ShaclError::IllFormedShape(format!(
                        "{} of {} must be an IRI",
                        show(p.into()),
                        show(node)
                    )));
                }
                out.push(Constraint::Pair(kind, self.idx(v)));
            }
        }
        for v in self.objects(node, SH_NOT) {
            out.push(Constraint::Not(self.shape_ref(node, v, None, "sh:not")?));
        }
        for (p, kind, name) in [
            (SH_AND, Logic::And, "sh:and"),
            (SH_OR, Logic::Or, "sh:or"),
            (SH_XONE, Logic::Xone, "sh:xone"),
        ] {
            for head in self.objects(node, p) {
                let mut members = Vec::new();
                for item in self.list(head)? {
                    members.push(self.shape_ref(node, item, None, name)?);
                }
                out.push(Constraint::Logic(kind, members));
            }
        }
        for v in self.objects(node, SH_NODE) {
            out.push(Constraint::Node(self.shape_ref(
                node,
                v,
                Some(false),
                "sh:node",
            )?));
        }
        let properties = self.objects(node, SH_PROPERTY);
        for v in &properties {
            out.push(Constraint::Property(self.shape_ref(
                node,
                *v,
                Some(true),
                "sh:property",
            )?));
        }
        let qvs = self.objects(node, SH_QUALIFIED_VALUE_SHAPE);
        if !qvs.is_empty() {
            let min = match self.object(node, SH_QUALIFIED_MIN_COUNT) {
                Some(v) => Some(self.int_param(node, v, "sh:qualifiedMinCount")?),
                None => None,
            };
            let max = match self.object(node, SH_QUALIFIED_MAX_COUNT) {
                Some(v) => Some(self.int_param(node, v, "sh:qualifiedMaxCount")?),
                None => None,
            };
            let disjoint = self
                .objects(node, SH_QUALIFIED_VALUE_SHAPES_DISJOINT)
                .into_iter()
                .any(Self::bool_param);
            for q in qvs.iter().copied() {
                let shape = self.shape_ref(node, q, None, "sh:qualifiedValueShape")?;
                let mut siblings = Vec::new();
                if disjoint {
                    for sib in self.sibling_qualified_shapes(node, q) {
                        siblings.push(self.shape_ref(node, sib, None, "sh:qualifiedValueShape")?);
                    }
                }
                if min.is_some() || max.is_some() {
                    out.push(Constraint::Qualified {
                        shape,
                        min,
                        max,
                        siblings,
                    });
                }
            }
        }
        if self
            .objects(node, SH_CLOSED)
            .into_iter()
            .any(Self::bool_param)
        {
            let mut allowed = Vec::new();
            for p in &properties {
                if let Some(path @ TermRef::NamedNode(_)) = self.object(*p, SH_PATH) {
                    allowed.push(self.idx(path));
                }
            }
            for head in self.objects(node, SH_IGNORED_PROPERTIES) {
                for item in self.list(head)? {
                    allowed.push(self.idx(item));
                }
            }
            out.push(Constraint::Closed { allowed });
        }
        for v in self.objects(node, SH_HAS_VALUE) {
            out.push(Constraint::HasValue(self.idx(v)));
        }
        for head in self.objects(node, SH_IN) {
            let mut members = Vec::new();
            for item in self.list(head)? {
                members.push(self.idx(item));
            }
            out.push(Constraint::In(members));
        }
        for v in self.objects(node, SH_SPARQL) {
            out.push(Constraint::Sparql(self.sparql(node, v, path_text)?));
        }
        Ok(out)
    }

    /// The `sh:qualifiedValueShape`s of the other property shapes of every shape that
    /// has `node` as a property shape.
    fn sibling_qualified_shapes(&self, node: TermRef<'_>, own: TermRef<'_>) -> Vec<TermRef<'g>> {
        let mut out: Vec<TermRef<'g>> = Vec::new();
        let parents: Vec<NamedOrBlankNodeRef<'g>> = self
            .g
            .subjects_for_predicate_object(SH_PROPERTY, node)
            .collect();
        for parent in parents {
            for prop in self.objects(parent.into(), SH_PROPERTY) {
                for q in self.objects(prop, SH_QUALIFIED_VALUE_SHAPE) {
                    if q != own && !out.contains(&q) {
                        out.push(q);
                    }
                }
            }
        }
        out
    }

    fn sparql(
        &mut self,
        shape: TermRef<'_>,
        node: TermRef<'g>,
        path_text: Option<&str>,
    ) -> Result<SparqlConstraint, ShaclError> {
        let select = match self.object(node, SH_SELECT) {
            Some(TermRef::Literal(l)) => l.value().to_owned(),
            _ => {
                return Err(ShaclError::IllFormedShape(format!(
                    "the sh:sparql constraint {} of {} has no sh:select literal",
                    show(node),
                    show(shape)
                )));
            }
        };
        let mut prologue = String::new();
        for holder in self.objects(node, SH_PREFIXES) {
            for decl in self.objects(holder, SH_DECLARE) {
                let prefix = self.object(decl, SH_PREFIX);
                let namespace = self.object(decl, SH_NAMESPACE);
                if let (Some(TermRef::Literal(p)), Some(ns)) = (prefix, namespace) {
                    let ns = match ns {
                        TermRef::Literal(l) => l.value().to_owned(),
                        TermRef::NamedNode(n) => n.as_str().to_owned(),
                        _ => continue,
                    };
                    prologue.push_str(&format!("PREFIX {}: <{}>\n", p.value(), ns));
                }
            }
        }
        let mut text = format!("{prologue}{select}");
        if let Some(path) = path_text {
            text = text.replace("$PATH", path);
        }
        let message = pick_message(&self.objects(node, SH_MESSAGE));
        let deactivated = self
            .objects(node, SH_DEACTIVATED)
            .into_iter()
            .any(Self::bool_param);
        SparqlConstraint::new(node.into_owned(), text, message, deactivated)
    }
}

fn refers_to_shapes(c: &Constraint) -> bool {
    matches!(
        c,
        Constraint::Not(_)
            | Constraint::Logic(..)
            | Constraint::Node(_)
            | Constraint::Property(_)
            | Constraint::Qualified { .. }
    )
}

/// Puts each shape's local constraints first, then property shapes without shape
/// references, then everything that refers to other shapes. With recursive shapes this
/// lets a failure found locally be known before the shape is re-entered through a
/// reference (the engine uses it instead of assuming conformance).
fn order_constraints(shapes: &mut [Shape]) {
    let simple_property: Vec<bool> = shapes
        .iter()
        .map(|s| !s.constraints.iter().any(refers_to_shapes))
        .collect();
    for shape in shapes.iter_mut() {
        shape.constraints.sort_by_key(|c| match c {
            Constraint::Property(p) if simple_property[*p] => 1,
            Constraint::Property(_) => 2,
            c if refers_to_shapes(c) => 3,
            _ => 0,
        });
    }
}

/// Renders a path in SPARQL 1.1 property path syntax.
pub(crate) fn render_path(path: &Path, iri: &dyn Fn(TermIdx) -> String) -> String {
    fn atom(path: &Path, iri: &dyn Fn(TermIdx) -> String) -> String {
        match path {
            Path::Predicate(p) => iri(*p),
            other => format!("({})", render_path(other, iri)),
        }
    }
    match path {
        Path::Predicate(p) => iri(*p),
        Path::Inverse(inner) => format!("^{}", atom(inner, iri)),
        Path::Sequence(items) => items
            .iter()
            .map(|i| match i {
                Path::Alternative(_) | Path::Sequence(_) => atom(i, iri),
                _ => render_path(i, iri),
            })
            .collect::<Vec<_>>()
            .join("/"),
        Path::Alternative(items) => items
            .iter()
            .map(|i| match i {
                Path::Alternative(_) => atom(i, iri),
                _ => render_path(i, iri),
            })
            .collect::<Vec<_>>()
            .join("|"),
        Path::ZeroOrMore(inner) => format!("{}*", atom(inner, iri)),
        Path::OneOrMore(inner) => format!("{}+", atom(inner, iri)),
        Path::ZeroOrOne(inner) => format!("{}?", atom(inner, iri)),
    }
}

/// Picks one `sh:message`: English first, then untagged, then the first by text.
fn pick_message(values: &[TermRef<'_>]) -> Option<String> {
    let literals: Vec<&oxrdf::LiteralRef<'_>> = values
        .iter()
        .filter_map(|v| match v {
            TermRef::Literal(l) => Some(l),
            _ => None,
        })
        .collect();
    let by = |f: &dyn Fn(&oxrdf::LiteralRef<'_>) -> bool| {
        literals
            .iter()
            .filter(|l| f(l))
            .map(|l| l.value().to_owned())
            .min()
    };
    by(&|l| l.language().is_some_and(|t| t.eq_ignore_ascii_case("en")))
        .or_else(|| by(&|l| l.language().is_none()))
        .or_else(|| by(&|_| true))
}

/// Builds a Rust regex for a SPARQL `REGEX` pattern and its flags.
fn build_regex(pattern: &str, flags: &str) -> Result<Regex, ShaclError> {
    let mut prefix = String::new();
    let mut literal = false;
    for f in flags.chars() {
        match f {
            'i' | 'm' | 's' | 'x' => prefix.push(f),
            'q' => literal = true,
            other => {
                return Err(ShaclError::IllFormedShape(format!(
                    "unsupported sh:flags character '{other}'"
                )));
            }
        }
    }
    let body = if literal {
        regex::escape(pattern)
    } else {
        pattern.to_owned()
    };
    let full = if prefix.is_empty() {
        body
    } else {
        format!("(?{prefix}){body}")
    };
    Regex::new(&full).map_err(|e| ShaclError::IllFormedShape(format!("invalid sh:pattern: {e}")))
}

#[allow(dead_code)]
fn _assert_send_sync() {
    fn check<T: Send + Sync>() {}
    check::<Shapes>();
}
