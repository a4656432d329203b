#!/usr/bin/env python3
"""Uses a Hublot node with rdflib and SPARQLWrapper, as EU portals' Python harvesters do.

Usage: rdflib_client.py BASE_URL      (for example http://127.0.0.1:8080)

rdflib:
  * parses /catalog in Turtle, JSON-LD and RDF/XML (content negotiation), from the
    /catalog.ttl, .jsonld and .rdf addresses, and with rdflib's own default Accept header;
    requires >= 3 dcat:Dataset and that every parsing is isomorphic to the Turtle one;
  * follows the hydra:next links of /catalog?pageSize=1 to the last page, counting the
    datasets, which must equal hydra:totalItems;
  * reads the SPARQL service description (GET /sparql without a query).
SPARQLWrapper, both with its default settings (which also send format=/output=/results=
parameters) and with content negotiation only:
  * SELECT of the dataset titles in JSON (GET) and XML (POST form), and in JSON sent as
    application/sparql-query;
  * ASK (true and false), GET and POST;
  * CONSTRUCT in RDF/XML, Turtle and JSON-LD, each parsed into an rdflib Graph;
  * DESCRIBE of one dataset;
  * an update (form and application/sparql-update) must fail with an HTTP error, and
    change nothing.

Prints one line per check and a summary; exits 1 when any check fails.
"""

import socket
import sys
import traceback
import urllib.error
import warnings

import rdflib
from rdflib import RDF, Graph, Literal, Namespace
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.parser import create_input_source

import SPARQLWrapper as sw_module
from SPARQLWrapper import (
    GET,
    JSON,
    JSONLD,
    POST,
    POSTDIRECTLY,
    RDFXML,
    TURTLE,
    URLENCODED,
    XML,
    SPARQLWrapper,
)
from SPARQLWrapper.SPARQLExceptions import EndPointInternalError, SPARQLWrapperException

DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCT = Namespace("http://purl.org/dc/terms/")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")

PREFIXES = """PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dct: <http://purl.org/dc/terms/>
"""
TITLES = PREFIXES + """SELECT ?dataset ?title WHERE {
  ?dataset a dcat:Dataset ;
           dct:title ?title .
}
ORDER BY ?dataset ?title
"""
ASK_TRUE = PREFIXES + "ASK { ?dataset a dcat:Dataset ; dct:title ?title }"
ASK_FALSE = "ASK { ?s a <urn:hublot:test:NoSuchClass> }"
CONSTRUCT_TITLES = PREFIXES + """CONSTRUCT { ?dataset a dcat:Dataset ; dct:title ?title }
WHERE { ?dataset a dcat:Dataset ; dct:title ?title }
"""
UPDATE = "INSERT DATA { <urn:hublot:test:s> <urn:hublot:test:p> <urn:hublot:test:o> }"
ASK_UPDATED = "ASK { <urn:hublot:test:s> <urn:hublot:test:p> <urn:hublot:test:o> }"

MIN_DATASETS = 3


class CheckFailed(Exception):
    pass


def expect(condition, message):
    if not condition:
        raise CheckFailed(message)


class Runner:
    def __init__(self):
        self.results = []

    def run(self, name, fn):
        try:
            detail = fn()
        except CheckFailed as e:
            return self._fail(name, str(e))
        except (SPARQLWrapperException, urllib.error.URLError) as e:
            # HTTP errors: the status and the node's problem document say it all.
            return self._fail(name, f"{type(e).__name__}: {e}")
        except Exception as e:  # any other client error is a failed check too
            traceback.print_exc(file=sys.stdout)
            return self._fail(name, f"{type(e).__name__}: {e}")
        self.results.append((name, True, detail or ""))
        print(f"ok    {name}" + (f": {detail}" if detail else ""), flush=True)
        return True

    def _fail(self, name, detail):
        detail = " ".join(str(detail).split())
        if len(detail) > 600:
            detail = detail[:600] + "…"
        self.results.append((name, False, detail))
        print(f"FAIL  {name}: {detail}", flush=True)
        return False


def datasets_of(g):
    return set(g.subjects(RDF.type, DCAT.Dataset))


def plain_graph(g):
    """Copies the triples of any rdflib graph (ConjunctiveGraph, Dataset…) into a Graph."""
    out = Graph()
    for t in g.triples((None, None, None)):
        out.add(t)
    return out


def describe_difference(a, b, name_a, name_b, limit=5):
    _, only_a, only_b = graph_diff(to_isomorphic(a), to_isomorphic(b))
    lines = [f"{len(a)} triples in {name_a}, {len(b)} in {name_b}"]
    for label, g in ((name_a, only_a), (name_b, only_b)):
        triples = sorted(g, key=str)[:limit]
        lines.append(f"{len(g)} only in {label}: " + "; ".join(" ".join(t.n3() for t in tr) for tr in triples))
    return " | ".join(lines)


def content_type_for(url, rdflib_format):
    """The Content-Type the node answers to the Accept header rdflib sends for a format."""
    source = create_input_source(location=url, format=rdflib_format)
    try:
        return source.content_type
    finally:
        source.close()


# ---------------------------------------------------------------- rdflib: the catalogue


def check_catalog_parsings(base, state):
    url = f"{base}/catalog"
    graphs = {}
    details = []
    for rdflib_format, media_type in (
        ("turtle", "text/turtle"),
        ("json-ld", "application/ld+json"),
        ("xml", "application/rdf+xml"),
    ):
        ct = content_type_for(url, rdflib_format)
        expect(
            ct == media_type,
            f"rdflib asked for {rdflib_format} and the node answered Content-Type {ct!r}, not {media_type}",
        )
        g = Graph()
        g.parse(url, format=rdflib_format)
        n = len(datasets_of(g))
        expect(n >= MIN_DATASETS, f"{rdflib_format}: {n} dcat:Dataset, expected at least {MIN_DATASETS}")
        graphs[rdflib_format] = g
        details.append(f"{rdflib_format} {len(g)} triples/{n} datasets")
    reference = graphs["turtle"]
    for other in ("json-ld", "xml"):
        expect(
            isomorphic(reference, graphs[other]),
            f"Turtle and {other} parsings differ: "
            + describe_difference(reference, graphs[other], "turtle", other),
        )
    state["catalog"] = reference
    return ", ".join(details) + "; isomorphic"


def check_catalog_suffixes_and_default_accept(base, state):
    reference = state.get("catalog")
    expect(reference is not None, "no reference parsing of /catalog (an earlier check failed)")
    details = []
    # No format given: rdflib sends every media type it can parse and picks the parser
    # from the Content-Type of the answer.
    for path in ("/catalog", "/catalog.ttl", "/catalog.jsonld", "/catalog.rdf"):
        url = f"{base}{path}"
        ct = content_type_for(url, None)
        g = Graph()
        g.parse(url)
        expect(
            isomorphic(reference, g),
            f"{path} (Content-Type {ct}) is not the graph of /catalog in Turtle: "
            + describe_difference(reference, g, "turtle", path),
        )
        details.append(f"{path} as {ct}")
    return ", ".join(details)


def check_hydra_paging(base, state):
    url = f"{base}/catalog?pageSize=1"
    seen_urls = set()
    datasets = []
    total = None
    pages = 0
    while url is not None:
        expect(url not in seen_urls, f"hydra:next loops back to {url}")
        seen_urls.add(url)
        expect(total is None or pages <= total, f"more pages than hydra:totalItems ({total})")
        g = Graph()
        g.parse(url, format="json-ld")
        pages += 1
        collections = set(g.subjects(RDF.type, HYDRA.Collection))
        expect(len(collections) == 1, f"{url}: {len(collections)} hydra:Collection, expected 1")
        collection = collections.pop()
        page_total = g.value(collection, HYDRA.totalItems)
        expect(isinstance(page_total, Literal), f"{url}: no hydra:totalItems")
        page_total = int(page_total.toPython())
        expect(total is None or page_total == total, f"{url}: hydra:totalItems changed from {total} to {page_total}")
        total = page_total
        on_page = set(g.objects(collection, DCAT.dataset))
        expect(len(on_page) == 1, f"{url}: {len(on_page)} dcat:dataset on a page of size 1")
        for d in on_page:
            expect((d, RDF.type, DCAT.Dataset) in g, f"{url}: {d} is listed but not described as a dcat:Dataset")
        datasets.extend(on_page)
        views = list(g.objects(collection, HYDRA.view))
        expect(len(views) == 1, f"{url}: {len(views)} hydra:view, expected 1")
        view = views[0]
        expect(
            (view, RDF.type, HYDRA.PartialCollectionView) in g,
            f"{url}: the hydra:view {view} is not a hydra:PartialCollectionView",
        )
        nxt = g.value(view, HYDRA.next)
        if nxt is None:
            expect(
                g.value(view, HYDRA.last) == view,
                f"{url}: no hydra:next but the view {view} is not hydra:last ({g.value(view, HYDRA.last)})",
            )
            url = None
        else:
            url = str(nxt)
    expect(total is not None and total >= MIN_DATASETS, f"hydra:totalItems is {total}")
    expect(len(datasets) == total, f"{len(datasets)} datasets over {pages} pages, hydra:totalItems is {total}")
    expect(len(set(datasets)) == total, f"some datasets appear on two pages: {sorted(map(str, datasets))}")
    reference = state.get("catalog")
    if reference is not None:
        whole = datasets_of(reference)
        expect(set(datasets) == whole, f"the pages list {sorted(map(str, datasets))}, /catalog {sorted(map(str, whole))}")
    return f"{pages} pages, {len(datasets)} datasets = hydra:totalItems {total}"


def check_service_description(base, state):
    url = f"{base}/sparql"
    g = Graph()
    g.parse(url)
    services = set(g.subjects(RDF.type, SD.Service))
    expect(services, "the service description has no sd:Service")
    endpoints = {str(e) for s in services for e in g.objects(s, SD.endpoint)}
    expect(url in endpoints, f"sd:endpoint is {sorted(endpoints)}, expected {url}")
    return f"sd:endpoint {url}, {len(g)} triples"


# ---------------------------------------------------------------- SPARQLWrapper


class Wrapped:
    """Runs SPARQLWrapper calls, turning its content-type warnings into failures."""

    def __init__(self, endpoint, only_conneg):
        self.endpoint = endpoint
        self.only_conneg = only_conneg

    def wrapper(self, query, return_format, method=GET, request_method=URLENCODED):
        s = SPARQLWrapper(self.endpoint)
        s.setOnlyConneg(self.only_conneg)
        s.setTimeout(60)
        s.setQuery(query)
        s.setReturnFormat(return_format)
        s.setMethod(method)
        s.setRequestMethod(request_method)
        return s

    def query(self, query, return_format, method=GET, request_method=URLENCODED, expected_type=None):
        s = self.wrapper(query, return_format, method, request_method)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = s.query()
            content_type = result.info().get("content-type", "")
            converted = result.convert()
        problems = [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)]
        expect(not problems, f"SPARQLWrapper warned: {problems}")
        if expected_type is not None:
            expect(
                content_type.split(";")[0].strip() == expected_type,
                f"Content-Type {content_type!r}, expected {expected_type}",
            )
        return converted, content_type


def titles_from_json(results):
    expect(results["head"]["vars"] == ["dataset", "title"], f"head.vars is {results['head']['vars']}")
    rows = []
    for b in results["results"]["bindings"]:
        expect(b["dataset"]["type"] == "uri", f"?dataset bound to {b['dataset']}")
        expect(b["title"]["type"] == "literal", f"?title bound to {b['title']}")
        rows.append((b["dataset"]["value"], b["title"]["value"], b["title"].get("xml:lang", "")))
    return rows


def titles_from_xml(doc):
    rows = []
    for result in doc.getElementsByTagName("result"):
        row = {}
        for binding in result.getElementsByTagName("binding"):
            name = binding.getAttribute("name")
            uri = binding.getElementsByTagName("uri")
            lit = binding.getElementsByTagName("literal")
            if uri:
                row[name] = ("uri", uri[0].firstChild.data, "")
            elif lit:
                text = "".join(n.data for n in lit[0].childNodes if n.nodeType == n.TEXT_NODE)
                row[name] = ("literal", text, lit[0].getAttribute("xml:lang"))
            else:
                raise CheckFailed(f"unexpected binding {binding.toxml()}")
        expect(set(row) == {"dataset", "title"}, f"result with variables {sorted(row)}")
        expect(row["dataset"][0] == "uri" and row["title"][0] == "literal", f"result {row}")
        rows.append((row["dataset"][1], row["title"][1], row["title"][2]))
    return rows


def check_titles(rows, label):
    datasets = {d for d, _, _ in rows}
    expect(len(datasets) >= MIN_DATASETS, f"{label}: titles of {len(datasets)} datasets, expected at least {MIN_DATASETS}")
    langs = {lang.lower() for _, _, lang in rows}
    expect({"fr", "en"} <= langs, f"{label}: title languages {sorted(langs)}, expected fr and en")
    for d in datasets:
        per = {lang.lower() for dd, _, lang in rows if dd == d}
        expect({"fr", "en"} <= per, f"{label}: {d} has titles in {sorted(per)}, expected fr and en")
    return f"{len(rows)} titles of {len(datasets)} datasets"


def sparqlwrapper_checks(runner, endpoint, only_conneg, state):
    mode = "conneg only" if only_conneg else "default settings"
    w = Wrapped(endpoint, only_conneg)
    tag = f"SPARQLWrapper ({mode})"
    key = f"titles-{only_conneg}"

    def select_json_get():
        results, _ = w.query(TITLES, JSON, GET, expected_type="application/sparql-results+json")
        rows = titles_from_json(results)
        state[key] = sorted(rows)
        return check_titles(rows, "JSON") + ", GET"

    def select_xml_post():
        doc, _ = w.query(TITLES, XML, POST, URLENCODED, expected_type="application/sparql-results+xml")
        rows = titles_from_xml(doc)
        detail = check_titles(rows, "XML")
        if key in state:
            expect(sorted(rows) == state[key], "the XML and JSON results differ")
        return detail + ", POST form, same rows as JSON"

    def select_json_post_direct():
        results, _ = w.query(TITLES, JSON, POST, POSTDIRECTLY, expected_type="application/sparql-results+json")
        rows = titles_from_json(results)
        detail = check_titles(rows, "JSON")
        if key in state:
            expect(sorted(rows) == state[key], "the application/sparql-query results differ from GET")
        return detail + ", POST application/sparql-query"

    def ask():
        out = []
        for query, expected, method, fmt, rm in (
            (ASK_TRUE, True, GET, JSON, URLENCODED),
            (ASK_FALSE, False, POST, JSON, URLENCODED),
            (ASK_TRUE, True, POST, XML, URLENCODED),
            (ASK_FALSE, False, POST, JSON, POSTDIRECTLY),
        ):
            converted, ct = w.query(query, fmt, method, rm)
            if fmt == JSON:
                value = converted.get("boolean")
            else:
                nodes = converted.getElementsByTagName("boolean")
                expect(nodes, "no <boolean> element in the XML result")
                value = {"true": True, "false": False}.get(nodes[0].firstChild.data.strip())
            expect(value is expected, f"ASK answered {value!r} ({ct}), expected {expected}")
            out.append(f"{'GET' if method == GET else 'POST'}/{fmt}={value}")
        return ", ".join(out)

    def construct():
        graphs = {}
        for fmt, method, rm, media_type in (
            (RDFXML, GET, URLENCODED, "application/rdf+xml"),
            (TURTLE, POST, URLENCODED, "text/turtle"),
            (JSONLD, POST, POSTDIRECTLY, "application/ld+json"),
        ):
            converted, _ = w.query(CONSTRUCT_TITLES, fmt, method, rm, expected_type=media_type)
            if isinstance(converted, (bytes, str)):
                g = Graph()
                g.parse(data=converted, format="turtle")
            else:
                g = plain_graph(converted)
            n = len(datasets_of(g))
            expect(n >= MIN_DATASETS, f"CONSTRUCT as {fmt}: {n} datasets, expected at least {MIN_DATASETS}")
            expect(len(g) >= 3, f"CONSTRUCT as {fmt}: {len(g)} triples")
            graphs[fmt] = g
        reference = graphs[RDFXML]
        for fmt, g in graphs.items():
            expect(isomorphic(reference, g), f"CONSTRUCT as {fmt} differs from RDF/XML: " + describe_difference(reference, g, RDFXML, fmt))
        catalog = state.get("catalog")
        if catalog is not None:
            expected = Graph()
            for d in datasets_of(catalog):
                expected.add((d, RDF.type, DCAT.Dataset))
                for t in catalog.objects(d, DCT.title):
                    expected.add((d, DCT.title, t))
            expect(
                isomorphic(reference, expected),
                "CONSTRUCT differs from the titles in /catalog: " + describe_difference(reference, expected, "CONSTRUCT", "/catalog"),
            )
        return f"{len(reference)} triples, RDF/XML (GET), Turtle (POST form), JSON-LD (POST direct) isomorphic"

    def describe():
        catalog = state.get("catalog")
        expect(catalog is not None, "no parsing of /catalog to pick a dataset from")
        dataset = sorted(datasets_of(catalog))[0]
        converted, _ = w.query(f"DESCRIBE <{dataset}>", TURTLE, GET, expected_type="text/turtle")
        g = Graph()
        g.parse(data=converted, format="turtle")
        expect((dataset, RDF.type, DCAT.Dataset) in g, f"DESCRIBE <{dataset}> lacks its rdf:type dcat:Dataset")
        titles = set(g.objects(dataset, DCT.title))
        expect(titles == set(catalog.objects(dataset, DCT.title)), f"DESCRIBE <{dataset}> titles {titles}")
        return f"<{dataset}>: {len(g)} triples"

    def update_refused():
        out = []
        for rm in (URLENCODED, POSTDIRECTLY):
            s = w.wrapper(UPDATE, JSON, POST, rm)
            expect(s.isSparqlUpdateRequest(), "SPARQLWrapper did not take the INSERT DATA for an update")
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    s.query()
            except urllib.error.HTTPError as e:
                expect(400 <= e.code < 500, f"the update failed with HTTP {e.code}, expected a 4xx refusal")
                out.append(f"{rm}: HTTP {e.code}")
            except SPARQLWrapperException as e:
                # SPARQLWrapper maps 400, 401, 404, 414 and 500 to its own exceptions.
                expect(not isinstance(e, EndPointInternalError), f"the update caused a server error: {e}")
                out.append(f"{rm}: {type(e).__name__}")
            else:
                raise CheckFailed(f"the update ({rm}) was accepted")
        answer, _ = w.query(ASK_UPDATED, JSON, GET)
        expect(answer.get("boolean") is False, "the refused update changed the data")
        return ", ".join(out) + "; data unchanged"

    for name, fn in (
        ("SELECT titles, JSON", select_json_get),
        ("SELECT titles, XML", select_xml_post),
        ("SELECT titles, JSON, application/sparql-query", select_json_post_direct),
        ("ASK", ask),
        ("CONSTRUCT into rdflib Graphs", construct),
        ("DESCRIBE", describe),
        ("update refused", update_refused),
    ):
        runner.run(f"{tag}: {name}", fn)


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    base = argv[1].rstrip("/")
    # rdflib opens URLs without a time limit of its own.
    socket.setdefaulttimeout(60)
    print(f"rdflib {rdflib.__version__}, SPARQLWrapper {sw_module.__version__}, node {base}", flush=True)
    runner = Runner()
    state = {}
    runner.run("rdflib: /catalog in Turtle, JSON-LD and RDF/XML", lambda: check_catalog_parsings(base, state))
    runner.run("rdflib: suffixes and rdflib's default Accept", lambda: check_catalog_suffixes_and_default_accept(base, state))
    runner.run("rdflib: hydra:next paging of /catalog?pageSize=1", lambda: check_hydra_paging(base, state))
    runner.run("rdflib: SPARQL service description", lambda: check_service_description(base, state))
    endpoint = f"{base}/sparql"
    sparqlwrapper_checks(runner, endpoint, only_conneg=False, state=state)
    sparqlwrapper_checks(runner, endpoint, only_conneg=True, state=state)

    failed = [(n, d) for n, ok, d in runner.results if not ok]
    print()
    print(f"rdflib/SPARQLWrapper summary: {len(runner.results) - len(failed)} of {len(runner.results)} checks passed")
    for name, detail in failed:
        print(f"  FAILED {name}: {detail}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
