//! Link charts: layout, SVG, and exports read back by networkx.

use std::process::Command;

use entente_brief::{Body, Edge, EdgeKind, Graph, LabelLang, Node, NodeKind, SvgOptions};

use crate::common::{assert_no_nan, assert_well_formed, tool_available};
use crate::sample_doc::sample_document;

fn sample_graph() -> Graph {
    let doc = sample_document(LabelLang::En);
    let mut g = doc
        .sections
        .iter()
        .find_map(|s| match &s.body {
            Body::Graph(g) => Some(g.clone()),
            _ => None,
        })
        .expect("sample has a graph");
    // Awkward text, a duplicate node id and an edge to an unknown node.
    g.nodes.push(Node {
        id: "CN".into(),
        label: "duplicate".into(),
        kind: NodeKind::State,
        state: None,
    });
    g.nodes.push(Node {
        id: "a&b<c>".into(),
        label: "\"Quotes\" & <tags>".into(),
        kind: NodeKind::Organization,
        state: None,
    });
    g.edges.push(Edge {
        a: "a&b<c>".into(),
        b: "KP".into(),
        kind: EdgeKind::Trade,
        label: "x & y".into(),
        weight: f64::NAN,
        refs: vec![],
    });
    g.edges.push(Edge {
        a: "CN".into(),
        b: "nowhere".into(),
        kind: EdgeKind::Trade,
        label: "dangling".into(),
        weight: 1.0,
        refs: vec![],
    });
    g
}

/// Nodes and edges networkx should see: duplicates and dangling edges left out.
fn expected(g: &Graph) -> (usize, usize) {
    (g.unique_nodes().len(), g.valid_edges().len())
}

fn networkx_counts(reader: &str, path: &std::path::Path) -> Option<String> {
    let ok = Command::new("python3")
        .args(["-c", "import networkx"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !tool_available(
        "python3 with networkx",
        ok,
        "scripts/check runs scripts/setup, which installs it in target/py-venv",
    ) {
        return None;
    }
    let script = format!(
        "import networkx as nx; g = nx.{reader}({:?}); print(g.number_of_nodes(), g.number_of_edges())",
        path.display().to_string()
    );
    let out = Command::new("python3")
        .args(["-c", &script])
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "networkx failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

#[test]
fn graphml_reads_in_networkx() {
    let g = sample_graph();
    let xml = g.to_graphml();
    assert_well_formed(xml.trim_start_matches("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"));
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("map.graphml");
    std::fs::write(&path, &xml).expect("write");
    let (n, e) = expected(&g);
    assert_eq!((n, e), (8, 10));
    if let Some(counts) = networkx_counts("read_graphml", &path) {
        assert_eq!(counts, format!("{n} {e}"));
    }
}

#[test]
fn gexf_reads_in_networkx() {
    let g = sample_graph();
    let xml = g.to_gexf();
    assert_well_formed(xml.trim_start_matches("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"));
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("map.gexf");
    std::fs::write(&path, &xml).expect("write");
    let (n, e) = expected(&g);
    if let Some(counts) = networkx_counts("read_gexf", &path) {
        assert_eq!(counts, format!("{n} {e}"));
    }
}

#[test]
fn cytoscape_json_has_elements() {
    let g = sample_graph();
    let v: serde_json::Value = serde_json::from_str(&g.to_json()).expect("valid JSON");
    let nodes = v["elements"]["nodes"].as_array().expect("nodes");
    let edges = v["elements"]["edges"].as_array().expect("edges");
    assert_eq!((nodes.len(), edges.len()), expected(&g));
    assert_eq!(nodes[0]["data"]["id"], "CN");
    assert_eq!(nodes[0]["data"]["label"], "China 中国");
    assert!(nodes[0]["position"]["x"].is_number());
    assert_eq!(edges[0]["data"]["source"], "CN");
    assert_eq!(edges[0]["data"]["kind"], "trade");
    assert!(
        edges
            .iter()
            .all(|e| e["data"]["weight"].as_f64().is_some_and(f64::is_finite))
    );
    assert_eq!(g.to_json(), g.to_json());
}

#[test]
fn layout_is_deterministic_states_on_a_circle() {
    let g = sample_graph();
    let a = g.layout(720.0, 520.0, 40.0);
    assert_eq!(a, g.layout(720.0, 520.0, 40.0));
    // States sorted by id: CN first, at the top of the circle.
    let (cn, kp, ru) = (a["CN"], a["KP"], a["RU"]);
    assert!(cn.y < kp.y && cn.y < ru.y, "CN at the top");
    // Three states on a circle: its centre is their centroid.
    let centre = ((cn.x + kp.x + ru.x) / 3.0, (cn.y + kp.y + ru.y) / 3.0);
    let r = |p: entente_brief::graph::Point| {
        ((p.x - centre.0).powi(2) + (p.y - centre.1).powi(2)).sqrt()
    };
    assert!(
        (r(cn) - r(kp)).abs() < 0.01 && (r(kp) - r(ru)).abs() < 0.01,
        "same radius"
    );
    // Leaders sit next to their state, outside the circle.
    let xi = a["xi-jinping"];
    assert!(((xi.x - cn.x).powi(2) + (xi.y - cn.y).powi(2)).sqrt() < 100.0);
    assert!(r(xi) > r(cn));
}

#[test]
fn svg_is_well_formed_with_labels() {
    let g = sample_graph();
    for lang in [LabelLang::En, LabelLang::Ja] {
        let svg = g.to_svg(&SvgOptions::lang(lang));
        assert_well_formed(&svg);
        assert_no_nan(&svg);
        assert!(svg.contains(">习近平</text>") && svg.contains(">김정은</text>"));
        assert!(svg.contains(">US$245 bn</text>"), "edge labels");
        assert!(svg.contains("&quot;Quotes&quot; &amp; &lt;tags&gt;"));
        assert_eq!(svg, g.to_svg(&SvgOptions::lang(lang)));
    }
    assert!(
        g.to_svg(&SvgOptions::lang(LabelLang::Ja))
            .contains(">条約</text>"),
        "legend in Japanese"
    );
    let empty = Graph::default().to_svg(&SvgOptions::default());
    assert_well_formed(&empty);
    assert!(empty.contains(">No data</text>"));
}

mod props {
    use entente_brief::{Edge, EdgeKind, Graph, LabelLang, Node, NodeKind, SvgOptions};
    use proptest::prelude::*;

    use crate::common::{assert_no_nan, assert_well_formed, reads_as_nan};

    fn kind() -> impl Strategy<Value = NodeKind> {
        prop_oneof![
            Just(NodeKind::State),
            Just(NodeKind::Leader),
            Just(NodeKind::Organization)
        ]
    }

    fn edge_kind() -> impl Strategy<Value = EdgeKind> {
        prop::sample::select(EdgeKind::ALL.to_vec())
    }

    /// Text from `pattern`, leaving out what spells NaN or inf (it would hide a real NaN).
    fn label(pattern: &'static str) -> impl Strategy<Value = String> {
        pattern.prop_filter("a label spelling NaN would hide a real NaN", |s| {
            !reads_as_nan(s)
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn arbitrary_graphs_render_and_export(
            nodes in prop::collection::vec((label("[A-Z]{1,2}|[a-z<&]{1,6}"), label(".*"), kind(), prop::option::of("[A-Z]{1,2}")), 0..12),
            edges in prop::collection::vec((0usize..14, 0usize..14, edge_kind(), label(".*"), any::<f64>()), 0..24),
            ja in any::<bool>(),
        ) {
            let nodes: Vec<Node> = nodes
                .into_iter()
                .map(|(id, label, kind, state)| Node { id, label, kind, state })
                .collect();
            let id = |i: usize| nodes.get(i).map(|n| n.id.clone()).unwrap_or_else(|| format!("missing{i}"));
            let edges: Vec<Edge> = edges
                .into_iter()
                .map(|(a, b, kind, label, weight)| Edge { a: id(a), b: id(b), kind, label, weight, refs: vec![] })
                .collect();
            let g = Graph { title: "t".into(), nodes, edges };
            let lang = if ja { LabelLang::Ja } else { LabelLang::En };
            let svg = g.to_svg(&SvgOptions::lang(lang));
            assert_well_formed(&svg);
            assert_no_nan(&svg);
            let prolog = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
            assert_well_formed(g.to_graphml().trim_start_matches(prolog));
            assert_well_formed(g.to_gexf().trim_start_matches(prolog));
            let json: serde_json::Value = serde_json::from_str(&g.to_json()).expect("json");
            prop_assert_eq!(json["elements"]["edges"].as_array().map(Vec::len), Some(g.valid_edges().len()));
        }
    }
}
